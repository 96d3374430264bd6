/**
 * The outbox dispatcher through the local runtime, on the real embedded database and on the
 * Cloudbase path (functions-cloudbase project): status
 * changes commit whatever happens to their messages; jobs end in the right state for each kind
 * of send failure; retries back off; consents are spent one per message; racing dispatchers
 * send each job once; expired leases are never resent; order.notification tells the truth.
 */
import type { Caller, MessageJob, Order } from '@dinghuo/shared';
import { startTestRuntime, type TestRuntime } from '../../scripts/local/testing/testRuntime';
import { loadConfig } from '../_lib/config';
import { resolveCaller } from '../_lib/identity';
import { changeStatus } from '../_lib/services/orders';
import { dispatchPending } from '../_lib/services/dispatch';
import { createRecorderSender, WechatSendError, type MessageSender, type SendRequest } from '../_lib/senders';

const TEMPLATE = 'tpl_order_status_test';
const BACKOFF = 1_000;
const config = loadConfig({
  DINGHUO_TEMPLATE_ORDER_STATUS: TEMPLATE,
  DINGHUO_DISPATCH_MAX_ATTEMPTS: '3',
  DINGHUO_DISPATCH_BACKOFF_MS: String(BACKOFF),
  DINGHUO_DISPATCH_LEASE_MS: '60000',
} as unknown as NodeJS.ProcessEnv);

const HUALIAN = 'demo-customer-hualian';

/** Fails with the queued errors (one per send), optionally waits, then records like the local sender. */
class ScriptedSender implements MessageSender {
  readonly kind = 'scripted';
  readonly failures: unknown[] = [];
  readonly calls: SendRequest[] = [];
  delayMs = 0;
  gate: Promise<void> | null = null;
  private called!: () => void;
  /** Settles when the first send arrives (a condition to wait for, not a pause). */
  readonly firstCall = new Promise<void>((r) => (this.called = r));
  constructor(private readonly inner: MessageSender) {}
  async send(req: SendRequest): Promise<void> {
    this.calls.push(req);
    this.called();
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.gate) await this.gate;
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    await this.inner.send(req);
  }
}

let rt: TestRuntime;
let sender: ScriptedSender;
let clock: number;
let merch: Caller;

beforeEach(async () => {
  clock = Date.now();
  let recorder: MessageSender | null = null;
  sender = new ScriptedSender({ kind: 'lazy', send: (req) => recorder!.send(req) });
  rt = await startTestRuntime({ dataDir: ':memory:', timers: false, quiet: true, config, now: () => clock, sender });
  recorder = createRecorderSender(rt.store, () => clock);
  merch = await resolveCaller(rt.store, 'demo-merch-wang');
  // The seeded orders' jobs: nobody has consented yet, so they all end no_quota.
  const first = await tick();
  expect(first.sent).toBe(0);
});

afterEach(async () => {
  await rt?.close();
});

async function tick(): Promise<{ sent: number; jobs: { jobId: string; status: string; result: string | null }[]; skipped: number; expired: string[] }> {
  const r = await rt.tick('dispatcher');
  if (!r.ok) throw new Error(`dispatcher failed: ${r.error.code}`);
  return r.data as never;
}

async function grantConsent(openid: string, times = 1): Promise<number> {
  let count = 0;
  for (let i = 0; i < times; i++) {
    const r = await rt.invoke('subscription', { action: 'consent', input: { results: { [TEMPLATE]: 'accept' } } }, openid);
    if (!r.ok) throw new Error(r.error.code);
    count = (r.data as { counts: Record<string, number> }).counts[TEMPLATE]!;
  }
  return count;
}

async function consentsLeft(openid: string): Promise<number> {
  return (await rt.store.get('consents', `${openid}:${TEMPLATE}`))?.count ?? 0;
}

async function submittedOrder(customerId = 'cus_hualian'): Promise<Order> {
  const [order] = await rt.store.find('orders', { customerId, status: 'submitted' }, { limit: 1 });
  if (!order) throw new Error('seed has no submitted order');
  return order;
}

/** The merchandiser confirms the order: returns the committed order and its new job. */
async function confirm(order: Order, note = '已排产，预计周五发货'): Promise<{ order: Order; job: MessageJob }> {
  const changed = await changeStatus(rt.store, merch, order._id, 'confirmed', clock, { note });
  const job = await rt.store.get('messageJobs', changed.notification!.jobId);
  return { order: changed, job: job! };
}

async function jobOf(id: string): Promise<MessageJob> {
  return (await rt.store.get('messageJobs', id))!;
}

async function orderOf(id: string): Promise<Order> {
  return (await rt.store.get('orders', id))!;
}

async function sentTo(jobId: string): Promise<string[]> {
  return (await rt.store.find('sentMessages', { jobId }, { limit: 100 })).map((m) => m.touser);
}

describe('sending', () => {
  it('writes the job with the status change and sends it once, spending one consent', async () => {
    expect(await grantConsent(HUALIAN, 2)).toBe(2);
    const { order, job } = await confirm(await submittedOrder());
    expect(job).toMatchObject({ status: 'pending', orderId: order._id, customerId: 'cus_hualian', attempts: 0 });
    expect(order.notification).toMatchObject({ status: 'pending', jobId: job._id });

    const run = await tick();
    expect(run.jobs).toEqual([{ jobId: job._id, status: 'sent', result: 'sent' }]);
    expect(await sentTo(job._id)).toEqual([HUALIAN]);
    expect(await consentsLeft(HUALIAN)).toBe(1);

    const [message] = await rt.store.find('sentMessages', { jobId: job._id }, { limit: 1 });
    expect(message!.templateId).toBe(TEMPLATE);
    expect(message!.page).toBe(`packageOrder/detail/index?id=${order._id}`);
    expect(message!.data.character_string1!.value).toBe(order.orderNo);
    expect(message!.data.phrase2!.value).toBe('已确认');
    expect(message!.data.thing5!.value).toBe('已排产，预计周五发货');

    const done = await orderOf(order._id);
    expect(done.notification).toEqual({ status: 'sent', jobId: job._id, at: clock, result: 'sent' });
    expect((await jobOf(job._id)).deliveries).toEqual([{ openid: HUALIAN, result: 'sent', at: clock }]);

    // Nothing more to send on later runs.
    clock += 10 * 60_000;
    expect((await tick()).jobs).toEqual([]);
    expect(await sentTo(job._id)).toHaveLength(1);
  });

  it('ends no_quota without sending when the customer has not consented, and keeps the job', async () => {
    const { order, job } = await confirm(await submittedOrder());
    const run = await tick();
    expect(run.jobs).toEqual([{ jobId: job._id, status: 'no_quota', result: 'no_consent' }]);
    expect(sender.calls).toHaveLength(0);
    expect((await orderOf(order._id)).status).toBe('confirmed');
    expect((await orderOf(order._id)).notification).toMatchObject({ status: 'no_quota', result: 'no_consent' });
    clock += 3600_000;
    await grantConsent(HUALIAN);
    expect((await tick()).jobs).toEqual([]); // not retried, even once a consent exists
    expect(await consentsLeft(HUALIAN)).toBe(1);
  });

  it('sends to every bound user with a consent left and skips the others', async () => {
    await rt.store.set('users', { _id: 'hualian-buyer-2', role: 'customer', customerId: 'cus_hualian', name: '采购二' });
    await rt.store.set('users', { _id: 'hualian-buyer-3', role: 'customer', customerId: 'cus_hualian', name: '采购三' });
    await grantConsent(HUALIAN);
    await grantConsent('hualian-buyer-3');
    const { job } = await confirm(await submittedOrder());
    const run = await tick();
    expect(run.jobs).toEqual([{ jobId: job._id, status: 'sent', result: 'sent:2/3' }]);
    expect((await sentTo(job._id)).sort()).toEqual([HUALIAN, 'hualian-buyer-3']);
    const stored = await jobOf(job._id);
    expect(stored.recipients.sort()).toEqual([HUALIAN, 'hualian-buyer-2', 'hualian-buyer-3']);
    expect(stored.deliveries.find((d) => d.openid === 'hualian-buyer-2')?.result).toBe('no_consent');
  });

  it('ends no_quota with no_recipients when nobody is bound to the customer', async () => {
    await rt.store.remove('users', HUALIAN);
    const { order, job } = await confirm(await submittedOrder());
    expect((await tick()).jobs).toEqual([{ jobId: job._id, status: 'no_quota', result: 'no_recipients' }]);
    expect((await orderOf(order._id)).notification?.result).toBe('no_recipients');
  });
});

describe('send failures never block, delay or undo the status change', () => {
  it('commits the status change while the sender is down, then retries with exponential backoff', async () => {
    await grantConsent(HUALIAN);
    const down = new Error('connect ETIMEDOUT api.weixin.qq.com');
    sender.failures.push(down, down, down, down);
    const original = await submittedOrder();
    const { order, job } = await confirm(original);
    expect(order.status).toBe('confirmed');

    const t0 = clock;
    expect((await tick()).jobs).toEqual([{ jobId: job._id, status: 'pending', result: 'retry:connect ETIMEDOUT api.weixin.qq.com' }]);
    let stored = await jobOf(job._id);
    expect(stored).toMatchObject({ attempts: 1, nextAttemptAt: t0 + BACKOFF, leaseOwner: null });
    expect(await consentsLeft(HUALIAN)).toBe(1); // refunded: nothing was delivered
    expect((await orderOf(order._id)).status).toBe('confirmed');
    expect((await orderOf(order._id)).notification).toMatchObject({ status: 'pending', result: expect.stringMatching(/^retry:/) });

    clock = t0 + BACKOFF - 1; // not due yet
    expect((await tick()).jobs).toEqual([]);
    expect(sender.calls).toHaveLength(1);

    clock = t0 + BACKOFF;
    await tick();
    stored = await jobOf(job._id);
    expect(stored).toMatchObject({ status: 'pending', attempts: 2, nextAttemptAt: t0 + BACKOFF + 2 * BACKOFF });

    clock = t0 + 3 * BACKOFF;
    expect((await tick()).jobs).toEqual([{ jobId: job._id, status: 'failed', result: 'max_attempts:connect ETIMEDOUT api.weixin.qq.com' }]);
    expect(sender.calls).toHaveLength(3);
    expect(await consentsLeft(HUALIAN)).toBe(1);
    expect(await sentTo(job._id)).toEqual([]);
    expect((await orderOf(order._id)).notification).toMatchObject({ status: 'failed', jobId: job._id });

    clock += 24 * 3600_000;
    expect((await tick()).jobs).toEqual([]); // failed is final
    expect(sender.calls).toHaveLength(3);

    // The order itself went on as if nothing happened: stock still reserved, timeline has the change.
    const final = await orderOf(order._id);
    expect(final.status).toBe('confirmed');
    expect(final.timeline.at(-1)).toMatchObject({ status: 'confirmed', note: '已排产，预计周五发货' });
  });

  it('sends on a later attempt once the sender recovers', async () => {
    await grantConsent(HUALIAN);
    sender.failures.push({ errCode: -1, errMsg: 'system error' });
    const { order, job } = await confirm(await submittedOrder());
    expect((await tick()).jobs[0]).toMatchObject({ status: 'pending', result: 'retry:errcode:-1' });
    clock += BACKOFF;
    expect((await tick()).jobs).toEqual([{ jobId: job._id, status: 'sent', result: 'sent' }]);
    expect(await sentTo(job._id)).toEqual([HUALIAN]);
    expect(await consentsLeft(HUALIAN)).toBe(0);
    expect((await orderOf(order._id)).notification).toMatchObject({ status: 'sent', at: clock });
  });

  it('ends on 43101 as no_quota and resets the user\'s count to 0', async () => {
    await grantConsent(HUALIAN, 3);
    sender.failures.push(new WechatSendError(43101, 'user refuse to accept the msg'));
    const { order, job } = await confirm(await submittedOrder());
    expect((await tick()).jobs).toEqual([{ jobId: job._id, status: 'no_quota', result: 'errcode:43101' }]);
    expect(await consentsLeft(HUALIAN)).toBe(0);
    expect((await orderOf(order._id)).notification).toMatchObject({ status: 'no_quota', result: 'errcode:43101' });
    clock += 3600_000;
    await tick();
    expect(sender.calls).toHaveLength(1);
  });

  it.each([47003, 40037, 40003])('ends on errCode %i as failed, without retry, and refunds the consent', async (code) => {
    await grantConsent(HUALIAN);
    sender.failures.push(new WechatSendError(code));
    const { order, job } = await confirm(await submittedOrder());
    expect((await tick()).jobs).toEqual([{ jobId: job._id, status: 'failed', result: `errcode:${code}` }]);
    expect(await consentsLeft(HUALIAN)).toBe(1);
    expect((await orderOf(order._id))).toMatchObject({ status: 'confirmed', notification: { status: 'failed', result: `errcode:${code}` } });
    clock += 3600_000;
    expect((await tick()).jobs).toEqual([]);
    expect(sender.calls).toHaveLength(1);
  });

  it('lets further status changes commit while a send is hanging, and a stale result never overwrites a newer job', async () => {
    await grantConsent(HUALIAN, 2);
    const { order, job } = await confirm(await submittedOrder());
    let release!: () => void;
    sender.gate = new Promise<void>((r) => (release = r));
    const running = tick(); // stuck inside send()

    // Wait for the send to start (not a fixed pause: over the SDK, or on a loaded machine, the
    // claim before it takes as long as it takes).
    await sender.firstCall;
    expect(sender.calls).toHaveLength(1);
    clock += 1000;
    const next = await changeStatus(rt.store, merch, order._id, 'ready_to_ship', clock, { note: '备货完成' });
    expect(next.status).toBe('ready_to_ship');
    expect(next.notification!.jobId).not.toBe(job._id);

    release();
    sender.gate = null;
    await running;
    expect((await jobOf(job._id)).status).toBe('sent');
    // The order still points at the newer job; the older result went on its own job only.
    expect((await orderOf(order._id)).notification).toMatchObject({ status: 'pending', jobId: next.notification!.jobId });

    await tick();
    expect((await orderOf(order._id)).notification).toMatchObject({ status: 'sent', jobId: next.notification!.jobId });
    expect(await consentsLeft(HUALIAN)).toBe(0);
  });
});

describe('at most once', () => {
  it('sends each job exactly once when two dispatchers race (Promise.all, slow sender)', async () => {
    await rt.store.set('users', { _id: 'hualian-buyer-2', role: 'customer', customerId: 'cus_hualian', name: '采购二' });
    await grantConsent(HUALIAN, 10);
    await grantConsent('hualian-buyer-2', 10);
    const orders = await rt.store.find('orders', { status: 'confirmed', customerId: 'cus_hualian' }, { limit: 10 });
    const jobs: string[] = [];
    jobs.push((await confirm(await submittedOrder())).job._id);
    for (const o of orders) {
      clock += 1;
      const next = await changeStatus(rt.store, merch, o._id, 'ready_to_ship', clock, { note: '备货完成' });
      jobs.push(next.notification!.jobId);
    }
    expect(jobs.length).toBeGreaterThanOrEqual(3);
    // Not a timing window the test depends on: each job sent once must hold for any interleaving;
    // a slow send only makes the dispatchers' claims overlap more often.
    sender.delayMs = 15;

    const [a, b, c] = await Promise.all([
      tick(),
      dispatchPending({ store: rt.store, sender, config, now: clock, owner: 'second' }),
      rt.tick('dispatcher').then((r) => r.ok && (r.data as { sent: number })),
    ]);
    const sentTotal = a.sent + b.sent + (c ? c.sent : 0);
    expect(sentTotal).toBe(jobs.length * 2);
    for (const id of jobs) {
      expect((await sentTo(id)).sort()).toEqual([HUALIAN, 'hualian-buyer-2']);
      expect((await jobOf(id)).status).toBe('sent');
    }
    expect(sender.calls).toHaveLength(jobs.length * 2);
    expect(await consentsLeft(HUALIAN)).toBe(10 - jobs.length);
    expect(await consentsLeft('hualian-buyer-2')).toBe(10 - jobs.length);
  });

  it('never spends one consent twice: two racing dispatchers with one consent send one message', async () => {
    await grantConsent(HUALIAN, 1);
    const first = await confirm(await submittedOrder());
    clock += 1;
    const [other] = await rt.store.find('orders', { status: 'confirmed', customerId: 'cus_hualian' }, { orderBy: [['_id', 'asc']], limit: 1 });
    const second = await changeStatus(rt.store, merch, other!._id, 'ready_to_ship', clock);
    sender.delayMs = 10;
    await Promise.all([
      dispatchPending({ store: rt.store, sender, config, now: clock, owner: 'a' }),
      dispatchPending({ store: rt.store, sender, config, now: clock, owner: 'b' }),
    ]);
    const statuses = [(await jobOf(first.job._id)).status, (await jobOf(second.notification!.jobId)).status].sort();
    expect(statuses).toEqual(['no_quota', 'sent']);
    expect(await rt.store.count('sentMessages', {})).toBe(1);
    expect(await consentsLeft(HUALIAN)).toBe(0);
  });

  it('never resends a job whose dispatcher died mid-send (expired lease): it ends failed lease_expired', async () => {
    await grantConsent(HUALIAN, 2);
    const { order, job } = await confirm(await submittedOrder());
    // A dispatcher claimed it, spent a consent, and died before recording anything.
    expect(
      await rt.store.updateWhere('messageJobs', { _id: job._id, status: 'pending' }, { status: 'sending', leaseOwner: 'dead', leaseUntil: clock + 60_000, attempts: 1 }),
    ).toBe(1);
    await rt.store.updateWhere('consents', { _id: `${HUALIAN}:${TEMPLATE}` }, { count: { $inc: -1 } });

    expect((await tick()).expired).toEqual([]); // lease still running: left alone
    expect((await jobOf(job._id)).status).toBe('sending');

    clock += 60_001;
    const run = await tick();
    expect(run.expired).toEqual([job._id]);
    expect(sender.calls).toHaveLength(0);
    expect(await jobOf(job._id)).toMatchObject({ status: 'failed', result: 'lease_expired', leaseOwner: null });
    expect((await orderOf(order._id)).notification).toMatchObject({ status: 'failed', result: 'lease_expired' });
    clock += 3600_000;
    await tick();
    expect(sender.calls).toHaveLength(0);
  });

  it('counts an expired job as sent when its dispatcher had recorded a delivery', async () => {
    await grantConsent(HUALIAN);
    const { job } = await confirm(await submittedOrder());
    await rt.store.updateWhere(
      'messageJobs',
      { _id: job._id },
      { status: 'sending', leaseOwner: 'dead', leaseUntil: clock - 1, attempts: 1, deliveries: [{ openid: HUALIAN, result: 'sent', at: clock }] },
    );
    expect((await tick()).expired).toEqual([job._id]);
    expect(await jobOf(job._id)).toMatchObject({ status: 'sent', result: 'lease_expired' });
    expect(sender.calls).toHaveLength(0);
  });

  it('does not resend to a user who already got the message when retrying another one', async () => {
    await rt.store.set('users', { _id: 'hualian-buyer-2', role: 'customer', customerId: 'cus_hualian', name: '采购二' });
    await grantConsent(HUALIAN);
    await grantConsent('hualian-buyer-2');
    // Users are tried in openid order: demo-customer-hualian first (sent), then hualian-buyer-2 (busy).
    sender.failures.push(undefined, new Error('busy'));
    const { job } = await confirm(await submittedOrder());
    expect((await tick()).jobs[0]).toMatchObject({ status: 'pending', result: 'retry:busy' });
    clock += BACKOFF;
    expect((await tick()).jobs[0]).toMatchObject({ status: 'sent', result: 'sent' });
    expect((await sentTo(job._id)).sort()).toEqual([HUALIAN, 'hualian-buyer-2']);
    expect(sender.calls.map((c) => c.touser)).toEqual([HUALIAN, 'hualian-buyer-2', 'hualian-buyer-2']);
  });
});

describe('what the order views show', () => {
  it('gives the customer and the data layer the same order.notification', async () => {
    await grantConsent(HUALIAN);
    const { order, job } = await confirm(await submittedOrder());
    await tick();
    const r = await rt.invoke('order', { action: 'detail', input: { orderId: order._id } }, HUALIAN);
    expect(r.ok).toBe(true);
    expect((r as { data: Order }).data.notification).toEqual({ status: 'sent', jobId: job._id, at: clock, result: 'sent' });
  });

  it('shows the merchandiser (跟单 detail) whether the customer was notified, through a real review', async () => {
    const merchDetail = async (orderId: string) => {
      const r = await rt.invoke('followup', { action: 'detail', input: { orderId } }, 'demo-merch-wang');
      if (!r.ok) throw new Error(r.error.code);
      return r.data as Order & { notificationLabel: { text: string; tone: string } };
    };
    await grantConsent(HUALIAN);
    const order = await submittedOrder();
    sender.failures.push(new Error('busy'), new WechatSendError(47003));
    const reviewed = await rt.invoke('followup', { action: 'review', input: { decision: 'confirm', orderId: order._id } }, 'demo-merch-wang');
    expect(reviewed.ok).toBe(true);

    let seen = await merchDetail(order._id);
    expect(seen.status).toBe('confirmed');
    expect(seen.notification).toMatchObject({ status: 'pending' });
    const jobId = seen.notification!.jobId;

    await tick(); // transient: retry later; the order is confirmed all the same
    seen = await merchDetail(order._id);
    expect(seen.status).toBe('confirmed');
    expect(seen.notification).toMatchObject({ status: 'pending', jobId, result: 'retry:busy' });

    clock += BACKOFF;
    await tick(); // 47003: final
    seen = await merchDetail(order._id);
    expect(seen.notification).toEqual({ status: 'failed', jobId, at: clock, result: 'errcode:47003' });
    expect(seen.notificationLabel.text).toBe('通知失败');

    // The next change is sent (the consent was refunded after 47003).
    clock += 1000;
    const shipped = await changeStatus(rt.store, merch, order._id, 'ready_to_ship', clock, { note: '备货完成' });
    await tick();
    seen = await merchDetail(order._id);
    expect(seen.notification).toEqual({ status: 'sent', jobId: shipped.notification!.jobId, at: clock, result: 'sent' });
    expect(seen.notificationLabel).toMatchObject({ text: '客户已通知', tone: 'ok' });
  });

  it('writes no job when the customer makes the change themselves (cancel)', async () => {
    const order = await submittedOrder();
    const r = await rt.invoke('order', { action: 'cancel', input: { orderId: order._id } }, HUALIAN);
    expect(r.ok).toBe(true);
    expect(await rt.store.count('messageJobs', { orderId: order._id })).toBe(0);
  });
});
