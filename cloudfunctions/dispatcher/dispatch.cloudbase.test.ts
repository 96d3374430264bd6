/**
 * The dispatcher's conditional updates on the Cloudbase Store (real @cloudbase/node-sdk against
 * the local emulator): lease claims, consent decrements ($gte + $inc), nested-field conditions
 * ('notification.jobId'), nulls and arrays in patches — and two racing dispatchers sending each
 * job once.
 */
import type { Caller } from '@dinghuo/shared';
import { seedDemo } from '../../scripts/local/seed';
import { loadConfig } from '../_lib/config';
import type { Store } from '../_lib/data/store';
import { CloudbaseEmulator } from '../_lib/data/testing/cloudbaseEmulator';
import { cloudbaseStoreFor } from '../_lib/data/testing/cloudbaseTestStore';
import { resolveCaller } from '../_lib/identity';
import { dispatchPending } from '../_lib/services/dispatch';
import { changeStatus } from '../_lib/services/orders';
import { recordConsent } from '../_lib/services/subscription';
import { createRecorderSender, type MessageSender } from '../_lib/senders';

const NOW = Date.parse('2026-03-02T02:00:00Z');
const TEMPLATE = 'tpl_cloudbase';
const config = loadConfig({ DINGHUO_TEMPLATE_ORDER_STATUS: TEMPLATE, DINGHUO_DISPATCH_BACKOFF_MS: '1000' } as unknown as NodeJS.ProcessEnv);

let emu: CloudbaseEmulator;
let store: Store;
let merch: Caller;

beforeAll(async () => {
  emu = await CloudbaseEmulator.start();
  store = cloudbaseStoreFor(emu);
  await seedDemo(store, NOW - 5 * 86_400_000);
  merch = await resolveCaller(store, 'demo-merch-wang');
  // Drain the seeded jobs (no consents yet).
  await dispatchPending({ store, sender: createRecorderSender(store), config, now: NOW });
}, 180_000);
afterAll(() => emu.close());

test('claims, spends consents and records results with conditional updates; racing dispatchers send once', async () => {
  expect((await recordConsent(store, 'demo-customer-hualian', { [TEMPLATE]: 'accept' }, NOW, config)).counts[TEMPLATE]).toBe(1);
  expect((await recordConsent(store, 'demo-customer-hualian', { [TEMPLATE]: 'accept' }, NOW, config)).counts[TEMPLATE]).toBe(2);

  const confirmed = await store.find('orders', { customerId: 'cus_hualian', status: 'confirmed' }, { orderBy: [['_id', 'asc']], limit: 2 });
  expect(confirmed.length).toBe(2);
  const jobIds: string[] = [];
  for (const o of confirmed) jobIds.push((await changeStatus(store, merch, o._id, 'ready_to_ship', NOW + 1000, { note: '备货完成' })).notification!.jobId);

  const recorder = createRecorderSender(store, () => NOW);
  let calls = 0;
  const slow: MessageSender = {
    kind: 'slow',
    send: async (req) => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 30));
      await recorder.send(req);
    },
  };
  const now = NOW + 2000;
  const [a, b] = await Promise.all([
    dispatchPending({ store, sender: slow, config, now, owner: 'a' }),
    dispatchPending({ store, sender: slow, config, now, owner: 'b' }),
  ]);
  expect(a.sent + b.sent).toBe(2);
  expect(calls).toBe(2);
  for (const id of jobIds) {
    const job = await store.get('messageJobs', id);
    expect(job).toMatchObject({ status: 'sent', result: 'sent', leaseOwner: null, leaseUntil: null, attempts: 1 });
    expect(job!.deliveries).toEqual([{ openid: 'demo-customer-hualian', result: 'sent', at: now }]);
    expect(await store.count('sentMessages', { jobId: id })).toBe(1);
    const order = await store.get('orders', job!.orderId);
    expect(order!.notification).toEqual({ status: 'sent', jobId: id, at: now, result: 'sent' });
  }
  expect((await store.get('consents', `demo-customer-hualian:${TEMPLATE}`))!.count).toBe(0);

  // No consent left: the next job ends no_quota, and the order says so.
  const [order] = await store.find('orders', { _id: confirmed[0]!._id }, { limit: 1 });
  const shipped = await changeStatus(store, merch, order!._id, 'shipped', now + 1000, { note: '顺丰 SF1' });
  const run = await dispatchPending({ store, sender: slow, config, now: now + 2000 });
  expect(run.jobs).toEqual([{ jobId: shipped.notification!.jobId, status: 'no_quota', result: 'no_consent' }]);
  expect((await store.get('orders', order!._id))!.notification).toMatchObject({ status: 'no_quota', jobId: shipped.notification!.jobId });
  expect(calls).toBe(2);
}, 180_000);
