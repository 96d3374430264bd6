/**
 * 分批发货 and 改单 on the Cloudbase Store (the real @cloudbase/node-sdk against the local
 * emulator, snapshot transactions that conflict on concurrent writes): deliveries consume exactly
 * their stock, concurrent deliveries never ship more than ordered, a change moves the reservation
 * and the account by the difference, and a refused change writes nothing.
 */
import { DomainError, unshippedBySku, type Caller } from '@dinghuo/shared';
import { seedDemo } from '../../../scripts/local/seed';
import type { Store } from '../data/store';
import { CloudbaseEmulator } from '../data/testing/cloudbaseEmulator';
import { cloudbaseStoreFor } from '../data/testing/cloudbaseTestStore';
import { advanceNode } from './followup';
import { changeOrder, receiveOrderDelivery, shipOrderDelivery } from './fulfilment';
import { orderIdFor } from './orders';

const NOW = Date.parse('2026-03-05T02:00:00Z');
const WANG: Caller = { kind: 'merchandiser', openid: 'demo-merch-wang', staffId: 'stf_wang', name: '王敏' };
const HUALIAN: Caller = { kind: 'customer', openid: 'demo-customer-hualian', customerId: 'cus_hualian', name: '陈经理' };
const H2 = orderIdFor('cus_hualian', 'seed-h2');
const H3 = orderIdFor('cus_hualian', 'seed-h3');

let emu: CloudbaseEmulator;
let store: Store;

beforeAll(async () => {
  emu = await CloudbaseEmulator.start();
  store = cloudbaseStoreFor(emu, { retry: { attempts: 40, baseDelayMs: 5, maxDelayMs: 250 } });
  await seedDemo(store, NOW);
  // the credit check is not what the refused change exercises here
  await store.patch('customers', 'cus_hualian', { creditLimitFen: null });
}, 60_000);
afterAll(() => emu.close());

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return e instanceof DomainError ? e.code : String(e);
  }
}

it('concurrent deliveries of the same order never ship more than ordered, and consume exactly what shipped', async () => {
  await advanceNode(store, WANG, { orderId: H3, node: 'qc', actualDate: null, note: '', photoUrl: null }, NOW + 1000);
  const order = (await store.get('orders', H3))!;
  const line = order.lines.find((l) => l.skuId === 'sku_0005')!;
  const before = (await store.get('stock', 'sku_0005'))!;
  const each = Math.ceil(line.qty / 3) + 1; // three of these cannot all fit
  const results = await Promise.all(
    [0, 1, 2].map((i) => codeOf(shipOrderDelivery(store, WANG, { orderId: H3, lines: [{ skuId: 'sku_0005', qty: each }], carrier: '顺丰', trackingNo: `SF00${i}`, note: '' }, NOW + 2000 + i))),
  );
  const ok = results.filter((r) => r === 'OK').length;
  expect(results.filter((r) => r !== 'OK')).toEqual(Array(3 - ok).fill('SHIPMENT_EXCEEDS_ORDER'));
  expect(ok).toBe(2);
  const after = (await store.get('orders', H3))!;
  expect(after.shipments!.map((s) => s.no)).toEqual([1, 2]);
  expect(unshippedBySku(after).get('sku_0005')).toBe(line.qty - 2 * each);
  // available stays onHand − reserved; the order still holds what is left to ship
  expect(await store.get('stock', 'sku_0005')).toMatchObject({
    onHand: before.onHand - 2 * each,
    reserved: before.reserved - 2 * each,
    available: before.available,
    holds: { ...before.holds, [H3]: line.qty - 2 * each },
  });
  const received = await receiveOrderDelivery(store, HUALIAN, { orderId: H3, no: 2 }, NOW + 5000);
  expect(received.shipments![1]!.receivedAt).toBe(NOW + 5000);
}, 60_000);

it('改单 moves the reservation and the account by the difference; a refused change writes nothing', async () => {
  const order = (await store.get('orders', H2))!;
  const [a] = order.lines;
  const stockBefore = (await store.get('stock', a!.skuId))!;
  const accountBefore = (await store.get('accounts', 'cus_hualian'))!;
  const lines = order.lines.map((l, i) => ({ skuId: l.skuId, unit: l.unit, count: i === 0 ? l.count + 1 : l.count }));
  const changed = await changeOrder(store, WANG, { orderId: H2, lines, reason: '加一箱' }, NOW + 10_000);
  const grown = changed.lines[0]!.qty - a!.qty;
  expect(grown).toBeGreaterThan(0);
  expect(await store.get('stock', a!.skuId)).toMatchObject({
    reserved: stockBefore.reserved + grown,
    available: stockBefore.available - grown,
    holds: { ...stockBefore.holds, [H2]: changed.lines.filter((l) => l.skuId === a!.skuId).reduce((n, l) => n + l.qty, 0) },
  });
  // the account moves by the difference, and the order's booking is its new total
  expect(await store.get('accounts', 'cus_hualian')).toMatchObject({
    outstandingFen: accountBefore.outstandingFen + changed.totalFen - order.totalFen,
    holds: { ...accountBefore.holds, [H2]: changed.totalFen },
  });

  const snapshot = async () => [await store.get('orders', H2), await store.get('stock', a!.skuId), await store.get('accounts', 'cus_hualian')];
  const held = await snapshot();
  // far beyond the stock of the first SKU: nothing moves
  const huge = order.lines.map((l, i) => ({ skuId: l.skuId, unit: l.unit, count: i === 0 ? 100_000 : l.count + 1 }));
  expect(await codeOf(changeOrder(store, WANG, { orderId: H2, lines: huge, reason: '超量' }, NOW + 11_000))).toBe('OUT_OF_STOCK');
  expect(await snapshot()).toEqual(held);
}, 60_000);
