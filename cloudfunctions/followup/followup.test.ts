/**
 * The 跟单 function through the local runtime against the real embedded database, with the demo
 * data seeded at a known instant (Thursday 2026-03-05 10:00 Shanghai) and a clock the tests move:
 * today buckets, review, nodes moving the status (with the customer's message job written in the
 * same transaction), exceptions, expediting, orders taken by phone, the customer view, after-sales
 * moves, and the merchandiser's scope.
 */
import { okData as data, resultCode as code, startTestRuntime, type TestRuntime } from '../../scripts/local/testing/testRuntime';
import { seedDemo } from '../../scripts/local/seed';
import { loadConfig, type AppConfig } from '../_lib/config';
import { orderIdFor } from '../_lib/services/orders';
import type {
  CustomerBrief,
  CustomerView,
  FollowDetail,
  FollowItem,
  OrderDetail,
  OrderException,
  Page,
  Quote,
  Result,
  TodayBucket,
  TodayView,
  AfterSalesRequest,
} from '@dinghuo/shared';

const WANG = 'demo-merch-wang';
const LI = 'demo-merch-li';
const ADMIN = 'demo-admin';
const HUALIAN = 'demo-customer-hualian';
const YONGHUI = 'demo-customer-yonghui';

const HOUR = 3600_000;

/** An instant given as Shanghai wall-clock time. */
const sh = (y: number, m: number, d: number, hh = 12, mm = 0) => Date.UTC(y, m - 1, d, hh - 8, mm);
const T0 = sh(2026, 3, 5, 10);

const H1 = orderIdFor('cus_hualian', 'seed-h1'); // submitted today
const H2 = orderIdFor('cus_hualian', 'seed-h2'); // confirmed, overdue
const H3 = orderIdFor('cus_hualian', 'seed-h3'); // confirmed, due tomorrow
const H4 = orderIdFor('cus_hualian', 'seed-h4'); // shipped
const Y1 = orderIdFor('cus_yonghui', 'seed-y1'); // submitted yesterday
const Y2 = orderIdFor('cus_yonghui', 'seed-y2'); // cancelled
const X1 = orderIdFor('cus_xiaoma', 'seed-x1'); // confirmed, stuck

let rt: TestRuntime;
let clock = T0;

async function start(config?: AppConfig) {
  clock = T0;
  rt = await startTestRuntime({ dataDir: ':memory:', timers: false, quiet: true, seed: false, now: () => clock, ...(config ? { config } : {}) });
  await seedDemo(rt.store, T0);
}

const fu = (who: string | null, action: string, input: object = {}) => rt.invoke('followup', { action, input }, who);
const ok = async <T>(who: string, action: string, input: object = {}) => data<T>(await fu(who, action, input));
const order = async (id: string) => (await rt.store.get('orders', id))!;
const jobsOf = (orderId: string) => rt.store.find('messageJobs', { orderId }, { limit: 100 });
const ids = (items: { _id: string }[]) => items.map((i) => i._id);

async function bucketIds(who: string, bucket: TodayBucket): Promise<string[]> {
  const out: string[] = [];
  for (let page = 1; ; page++) {
    const p = await ok<Page<FollowItem>>(who, 'list', { bucket, page, pageSize: 2 });
    out.push(...ids(p.items));
    if (!p.hasMore) return out;
  }
}

describe('with the demo data', () => {
  beforeEach(() => start());
  afterEach(() => rt.close());

  describe('today view', () => {
    it("counts each bucket of the merchandiser's own orders, and each count matches its list", async () => {
      const today = await ok<TodayView>(WANG, 'today');
      expect(today.date).toBe('2026-03-05');
      expect(await bucketIds(WANG, 'overdue')).toEqual([H2]);
      expect(await bucketIds(WANG, 'dueSoon')).toEqual([H3]);
      expect(await bucketIds(WANG, 'awaitingReview')).toEqual([Y1, H1]);
      expect((await bucketIds(WANG, 'stuck')).sort()).toEqual([H2, X1].sort());
      expect(await bucketIds(WANG, 'exceptions')).toEqual([]);
      for (const b of ['overdue', 'dueSoon', 'stuck', 'awaitingReview', 'exceptions'] as const) {
        expect(today.counts[b]).toBe((await bucketIds(WANG, b)).length);
        expect(ids(today.previews[b])).toEqual((await bucketIds(WANG, b)).slice(0, 5));
      }
      const overdue = today.previews.overdue[0]!;
      expect(overdue.daysToDue).toBeLessThan(0);
      expect(overdue.buckets).toContain('overdue');
      expect(overdue.customerName).toBe('华联超市');
    });

    it("shows another merchandiser none of them, and an admin everyone's", async () => {
      const li = await ok<TodayView>(LI, 'today');
      expect(Object.values(li.counts)).toEqual([0, 0, 0, 0, 0]);
      const placed = await ok<FollowDetail>(LI, 'placeOrder', {
        customerId: 'cus_xinda',
        requestId: 'phone-li-0001',
        lines: [{ skuId: 'sku_0001', unit: 'case', count: 1 }],
        addressId: 'addr_1',
      });
      expect((await ok<TodayView>(LI, 'today')).counts.awaitingReview).toBe(1);
      expect(await bucketIds(WANG, 'awaitingReview')).not.toContain(placed._id);
      expect(await bucketIds(ADMIN, 'awaitingReview')).toEqual(expect.arrayContaining([placed._id, H1, Y1]));
    });

    it('moves orders between buckets as Shanghai days pass', async () => {
      clock = sh(2026, 3, 6, 23, 59); // the due day of H3
      expect(await bucketIds(WANG, 'dueSoon')).toContain(H3);
      expect(await bucketIds(WANG, 'overdue')).not.toContain(H3);
      clock = sh(2026, 3, 7, 0, 1); // 2026-03-06T16:01Z: still the 6th in UTC, the 7th in Shanghai
      expect(await bucketIds(WANG, 'overdue')).toContain(H3);
      expect(await bucketIds(WANG, 'dueSoon')).not.toContain(H3);
    });

    it('shows an open exception, and a recorded node takes the order out of "stuck"', async () => {
      await ok(WANG, 'logException', { orderId: H3, kind: 'material_short', severity: 'high', description: '可乐原料缺货', owner: '采购小张' });
      const today = await ok<TodayView>(WANG, 'today');
      expect(today.counts.exceptions).toBe(1);
      expect(ids(today.previews.exceptions)).toEqual([H3]);
      expect(await bucketIds(WANG, 'stuck')).toContain(X1);
      await ok(WANG, 'advanceNode', { orderId: X1, node: 'materials', note: '已备齐' });
      expect(await bucketIds(WANG, 'stuck')).not.toContain(X1);
    });

    it('is for staff only', async () => {
      expect(code(await fu(HUALIAN, 'today'))).toBe('FORBIDDEN');
      expect(code(await fu('demo-newuser', 'today'))).toBe('NOT_BOUND');
      expect(code(await fu(null, 'today'))).toBe('UNAUTHENTICATED');
    });
  });

  describe('review (审单)', () => {
    it('confirms with the default plan from the lead times, in one transaction with the message job', async () => {
      const before = await ok<FollowDetail>(WANG, 'detail', { orderId: H1 });
      expect(before.status).toBe('submitted');
      const plan = before.suggestedPlan!;
      expect(plan.leadTimeDays).toBe(3);
      expect(plan.dueDate).toBe('2026-03-08');

      const after = await ok<FollowDetail>(WANG, 'review', { orderId: H1, decision: 'confirm' });
      expect(after.status).toBe('confirmed');
      expect(after.dueDate).toBe(plan.dueDate);
      for (const n of after.nodes) expect(n.plannedDate).toBe(plan.planned[n.key]);
      const reviewNode = after.nodes.find((n) => n.key === 'review')!;
      expect(reviewNode.actualAt).toBe(T0);
      expect(reviewNode.by?.name).toBe('王敏');
      const jobs = await jobsOf(H1);
      expect(jobs.map((j) => [j.payload.status, j.status])).toEqual([['confirmed', 'pending']]);
      expect((await order(H1)).notification?.jobId).toBe(jobs[0]!._id);
      expect(after.notificationLabel.text).toBe('通知发送中');
      expect(after.suggestedPlan).toBeNull();
      expect(after.advanceable).toEqual(['materials', 'production', 'qc']);
    });

    it("takes the merchandiser's due date and node dates over the defaults", async () => {
      const after = await ok<FollowDetail>(WANG, 'review', {
        orderId: Y1,
        decision: 'confirm',
        dueDate: '2026-03-12',
        planned: { materials: '2026-03-06', qc: '2026-03-10' },
        note: '客户要求下周发',
      });
      const planned = Object.fromEntries(after.nodes.map((n) => [n.key, n.plannedDate]));
      expect(after.dueDate).toBe('2026-03-12');
      expect(planned).toMatchObject({ materials: '2026-03-06', qc: '2026-03-10', shipment: '2026-03-12', delivery: '2026-03-14' });
      expect(after.timeline.at(-1)!.note).toContain('客户要求下周发');
    });

    it('refuses a due date in the past and writes nothing', async () => {
      const r = await fu(WANG, 'review', { orderId: H1, decision: 'confirm', dueDate: '2026-03-04' });
      expect(code(r)).toBe('DUE_DATE_INVALID');
      const o = await order(H1);
      expect(o.status).toBe('submitted');
      expect(o.dueDate).toBeNull();
      expect(o.nodes.every((n) => n.plannedDate === null)).toBe(true);
      expect(await jobsOf(H1)).toHaveLength(0);
    });

    it('rejects with a reason only, releasing the stock and the outstanding amount', async () => {
      expect(code(await fu(WANG, 'review', { orderId: H1, decision: 'reject' }))).toBe('VALIDATION_FAILED');
      expect(code(await fu(WANG, 'review', { orderId: H1, decision: 'reject', reason: '   ' }))).toBe('VALIDATION_FAILED');
      const o = await order(H1);
      const stockBefore = await Promise.all(o.lines.map((l) => rt.store.get('stock', l.skuId)));
      const outstandingBefore = (await rt.store.get('accounts', 'cus_hualian'))!.outstandingFen;

      const after = await ok<FollowDetail>(WANG, 'review', { orderId: H1, decision: 'reject', reason: '该规格已停产' });
      expect(after.status).toBe('rejected');
      expect(after.timeline.at(-1)).toMatchObject({ status: 'rejected', note: '该规格已停产' });
      for (const [i, l] of o.lines.entries()) {
        expect((await rt.store.get('stock', l.skuId))!.reserved).toBe(stockBefore[i]!.reserved - l.qty);
      }
      expect((await rt.store.get('accounts', 'cus_hualian'))!.outstandingFen).toBe(outstandingBefore - o.totalFen);
      expect((await jobsOf(H1)).map((j) => j.payload.status)).toEqual(['rejected']);
      expect(code(await fu(WANG, 'review', { orderId: H1, decision: 'confirm' }))).toBe('ILLEGAL_TRANSITION');
    });
  });

  describe('progress nodes', () => {
    it('moves the status where a node implies it; the customer sees it and gets a message job', async () => {
      const o = await order(H2);
      const stockBefore = await Promise.all(o.lines.map((l) => rt.store.get('stock', l.skuId)));

      const qc = await ok<FollowDetail>(WANG, 'advanceNode', { orderId: H2, node: 'qc', note: '抽检合格', photoUrl: 'https://example.com/qc.jpg' });
      expect(qc.status).toBe('ready_to_ship');
      const qcNode = qc.nodes.find((n) => n.key === 'qc')!;
      expect(qcNode).toMatchObject({ actualAt: T0, note: '抽检合格', photoUrl: 'https://example.com/qc.jpg' });

      clock = T0 + HOUR;
      const shipped = await ok<FollowDetail>(WANG, 'advanceNode', { orderId: H2, node: 'shipment', note: '顺丰 SF001' });
      expect(shipped.status).toBe('shipped');
      for (const [i, l] of o.lines.entries()) {
        const s = (await rt.store.get('stock', l.skuId))!;
        expect([s.onHand, s.reserved]).toEqual([stockBefore[i]!.onHand - l.qty, stockBefore[i]!.reserved - l.qty]);
      }

      const seen = data<OrderDetail>(await rt.invoke('order', { action: 'detail', input: { orderId: H2 } }, HUALIAN));
      expect(seen.status).toBe('shipped');
      expect(seen.timeline.at(-1)).toMatchObject({ status: 'shipped', note: '出货：顺丰 SF001' });
      const jobs = await jobsOf(H2);
      expect(jobs.filter((j) => j.createdAt >= T0).map((j) => j.payload.status).sort()).toEqual(['ready_to_ship', 'shipped']);
      expect(seen.notification?.jobId).toBe(jobs.find((j) => j.payload.status === 'shipped')!._id);
    });

    it('回款 follows the receipts: the manual tick is refused, a receipt for the rest completes the order and lowers what the customer owes', async () => {
      await ok(WANG, 'advanceNode', { orderId: H2, node: 'qc' });
      await ok(WANG, 'advanceNode', { orderId: H2, node: 'shipment' });
      await ok(WANG, 'advanceNode', { orderId: H2, node: 'delivery' });
      const owedBefore = (await rt.store.get('accounts', 'cus_hualian'))!.outstandingFen;
      const tick = await rt.invoke('followup', { action: 'advanceNode', input: { orderId: H2, node: 'payment', note: '银行转账' } }, WANG);
      expect(tick).toMatchObject({ ok: false, error: { code: 'PAYMENT_BY_RECEIPT' } });
      const before = (await rt.store.get('orders', H2))!;
      const r = await rt.invoke('report', { action: 'recordReceipt', input: { requestId: 'followup-h2-pay', customerId: 'cus_hualian', amountFen: before.totalFen - before.paidFen, method: 'bank', date: '2026-03-05', mode: 'orders', allocations: [{ orderId: H2, amountFen: before.totalFen - before.paidFen }] } }, WANG);
      expect(r.ok).toBe(true);
      const paid = await ok<FollowDetail>(WANG, 'detail', { orderId: H2 });
      expect(paid.status).toBe('completed');
      expect(paid.paidFen).toBe(paid.totalFen);
      expect(paid.nodes.find((n) => n.key === 'payment')!.actualAt).not.toBeNull();
      expect((await rt.store.get('accounts', 'cus_hualian'))!.outstandingFen).toBe(owedBefore - (before.totalFen - before.paidFen));
    });

    it('records a node without a status without moving it or messaging the customer', async () => {
      const jobsBefore = (await jobsOf(X1)).length;
      const after = await ok<FollowDetail>(WANG, 'advanceNode', { orderId: X1, node: 'materials', actualDate: '2026-03-04' });
      expect(after.status).toBe('confirmed');
      expect(after.nodes.find((n) => n.key === 'materials')!.actualAt).toBe(sh(2026, 3, 4, 12));
      expect(after.timeline.at(-1)).toMatchObject({ event: 'node', note: '备料完成' });
      expect(after.lastChangeAt).toBe(T0);
      expect(await jobsOf(X1)).toHaveLength(jobsBefore);
    });

    it('moves a make-to-order order into production', async () => {
      const gift = (await rt.store.find('skus', { madeToOrder: true, active: true }, { limit: 1 }))[0]!;
      const placed = await ok<FollowDetail>(WANG, 'placeOrder', {
        customerId: 'cus_hualian',
        requestId: 'phone-gift-0001',
        lines: [{ skuId: gift._id, unit: 'case', count: 5 }],
        addressId: 'addr_1',
      });
      expect(placed.madeToOrder).toBe(true);
      expect(placed.suggestedPlan!.leadTimeDays).toBe(gift.leadTimeDays);
      await ok(WANG, 'review', { orderId: placed._id, decision: 'confirm' });
      const prod = await ok<FollowDetail>(WANG, 'advanceNode', { orderId: placed._id, node: 'production' });
      expect(prod.status).toBe('in_production');
    });

    it('refuses nodes out of order, twice, in the future or with a bad photo link, and writes nothing', async () => {
      const before = await order(H2);
      expect(code(await fu(WANG, 'advanceNode', { orderId: H2, node: 'shipment' }))).toBe('NODE_OUT_OF_ORDER');
      expect(code(await fu(WANG, 'advanceNode', { orderId: H2, node: 'review' }))).toBe('NODE_INVALID');
      expect(code(await fu(WANG, 'advanceNode', { orderId: H2, node: 'qc', actualDate: '2026-03-06' }))).toBe('DATE_IN_FUTURE');
      expect(code(await fu(WANG, 'advanceNode', { orderId: H2, node: 'qc', photoUrl: 'not a url' }))).toBe('VALIDATION_FAILED');
      expect(code(await fu(WANG, 'advanceNode', { orderId: H1, node: 'materials' }))).toBe('NODE_OUT_OF_ORDER');
      expect(code(await fu(WANG, 'advanceNode', { orderId: Y2, node: 'materials' }))).toBe('ILLEGAL_TRANSITION');
      expect(await order(H2)).toEqual(before);
      await ok(WANG, 'advanceNode', { orderId: H2, node: 'materials' });
      expect(code(await fu(WANG, 'advanceNode', { orderId: H2, node: 'materials' }))).toBe('NODE_ALREADY_DONE');
    });
  });

  describe('exceptions and expediting', () => {
    it('logs and resolves an exception, keeping openExceptions in step', async () => {
      const logged = await ok<FollowDetail>(WANG, 'logException', {
        orderId: H3,
        kind: 'qc_failed',
        severity: 'medium',
        description: '外箱破损 3 箱',
        owner: '仓库老刘',
      });
      expect(logged.openExceptions).toBe(1);
      const ex = logged.exceptions[0]!;
      expect(ex).toMatchObject({ kind: 'qc_failed', severity: 'medium', owner: '仓库老刘', status: 'open', merchandiserId: 'stf_wang' });
      expect(logged.timeline.at(-1)!.event).toBe('exception');
      await ok(WANG, 'logException', { orderId: H3, kind: 'delay', severity: 'low', description: '物流延误' });
      expect((await order(H3)).openExceptions).toBe(2);
      const open = await ok<Page<OrderException>>(WANG, 'exceptions', { status: 'open' });
      expect(open.total).toBe(2);
      expect((await ok<Page<OrderException>>(LI, 'exceptions', { status: 'open' })).total).toBe(0);

      expect(code(await fu(LI, 'resolveException', { exceptionId: ex._id, resolution: '已补发' }))).toBe('EXCEPTION_NOT_FOUND');
      const resolved = await ok<FollowDetail>(WANG, 'resolveException', { exceptionId: ex._id, resolution: '已补发 3 箱' });
      expect(resolved.openExceptions).toBe(1);
      expect(resolved.exceptions.find((e) => e._id === ex._id)).toMatchObject({ status: 'resolved', resolution: '已补发 3 箱' });
      expect(code(await fu(WANG, 'resolveException', { exceptionId: ex._id, resolution: '再来一次' }))).toBe('EXCEPTION_ALREADY_RESOLVED');
      expect((await order(H3)).openExceptions).toBe(1);
    });

    it("keeps exceptions and chases off the customer's timeline", async () => {
      await ok(WANG, 'logException', { orderId: H3, kind: 'material_short', severity: 'high', description: '原料供应商断货' });
      await ok(WANG, 'expedite', { orderId: H3, note: '催车间加班' });
      await ok(WANG, 'advanceNode', { orderId: H3, node: 'materials', note: '已备齐' });
      const staffView = await ok<FollowDetail>(WANG, 'detail', { orderId: H3 });
      expect(staffView.timeline.map((t) => t.event).slice(-3)).toEqual(['exception', 'expedite', 'node']);
      const seen = data<OrderDetail>(await rt.invoke('order', { action: 'detail', input: { orderId: H3 } }, HUALIAN));
      expect(seen.timeline.map((t) => t.event)).not.toContain('exception');
      expect(seen.timeline.map((t) => t.event)).not.toContain('expedite');
      expect(seen.timeline.at(-1)).toMatchObject({ event: 'node', note: '备料：已备齐' });
      expect(JSON.stringify(seen.timeline)).not.toContain('断货');
    });

    it('refuses a bad exception without writing one', async () => {
      expect(code(await fu(WANG, 'logException', { orderId: H3, kind: 'qc_failed', severity: 'high', description: '' }))).toBe('VALIDATION_FAILED');
      expect(code(await fu(WANG, 'logException', { orderId: H3, kind: 'fire', severity: 'high', description: 'x' }))).toBe('VALIDATION_FAILED');
      expect(code(await fu(WANG, 'logException', { orderId: Y2, kind: 'other', severity: 'low', description: '已取消的单' }))).toBe('ILLEGAL_TRANSITION');
      expect(await rt.store.count('exceptions', {})).toBe(0);
      expect((await order(Y2)).openExceptions).toBe(0);
    });

    it('expedites: a note on the timeline and one more chase, without hiding a stuck order', async () => {
      const before = await order(X1);
      const after = await ok<FollowDetail>(WANG, 'expedite', { orderId: X1, note: '请工厂本周内出货' });
      expect(after.expediteCount).toBe(before.expediteCount + 1);
      expect(after.timeline.at(-1)).toMatchObject({ event: 'expedite', note: '催单：请工厂本周内出货' });
      expect(after.lastChangeAt).toBe(before.lastChangeAt);
      await ok(WANG, 'expedite', { orderId: X1, note: '再催' });
      expect((await order(X1)).expediteCount).toBe(before.expediteCount + 2);
      expect(await bucketIds(WANG, 'stuck')).toContain(X1);
      expect(code(await fu(WANG, 'expedite', { orderId: Y2, note: '已取消' }))).toBe('ILLEGAL_TRANSITION');
      expect(code(await fu(WANG, 'expedite', { orderId: X1, note: '' }))).toBe('VALIDATION_FAILED');
    });
  });

  describe('orders taken by phone (代下单)', () => {
    it("prices and reserves exactly as the customer's own order", async () => {
      const lines = [
        { skuId: 'sku_0001', unit: 'case' as const, count: 3 },
        { skuId: 'sku_0004', unit: 'piece' as const, count: 30 },
      ];
      const ownQuote = data<Quote>(await rt.invoke('catalog', { action: 'quote', input: { lines } }, HUALIAN));
      const merchQuote = await ok<Quote>(WANG, 'quoteFor', { customerId: 'cus_hualian', lines });
      expect(merchQuote).toEqual(ownQuote);
      const stockBefore = await Promise.all(lines.map((l) => rt.store.get('stock', l.skuId)));

      const placed = await ok<FollowDetail>(WANG, 'placeOrder', {
        customerId: 'cus_hualian',
        requestId: 'phone-wang-0001',
        lines,
        addressId: 'addr_2',
        remark: '电话订货',
      });
      expect(placed.totalFen).toBe(ownQuote.totalFen);
      expect(placed.lines.map((l) => l.unitPriceFen)).toEqual(ownQuote.lines.map((l) => l.unitPriceFen));
      expect(placed.placedBy).toMatchObject({ role: 'merchandiser', name: '王敏', openid: WANG });
      expect(placed.timeline[0]!.note).toBe('王敏 代客下单');
      expect(placed.address.contact).toBe('刘主管');
      for (const [i, l] of placed.lines.entries()) {
        expect((await rt.store.get('stock', l.skuId))!.reserved).toBe(stockBefore[i]!.reserved + l.qty);
      }
      const theirs = data<Page<{ _id: string }>>(await rt.invoke('order', { action: 'list', input: {} }, HUALIAN));
      expect(ids(theirs.items)).toContain(placed._id);
      // a retry with the same request id is the same order
      const again = await ok<FollowDetail>(WANG, 'placeOrder', { customerId: 'cus_hualian', requestId: 'phone-wang-0001', lines, addressId: 'addr_2' });
      expect(again._id).toBe(placed._id);
      expect((await rt.store.get('stock', 'sku_0001'))!.reserved).toBe(stockBefore[0]!.reserved + placed.lines[0]!.qty);
    });

    it("applies the customer's credit limit and stock, and writes nothing when refused", async () => {
      const ordersBefore = await rt.store.count('orders', {});
      const r = await fu(WANG, 'placeOrder', {
        customerId: 'cus_xiaoma',
        requestId: 'phone-wang-0002',
        lines: [{ skuId: 'sku_0001', unit: 'case', count: 60 }],
        addressId: 'addr_1',
      });
      expect(code(r)).toBe('CREDIT_LIMIT_EXCEEDED');
      const out = await fu(WANG, 'placeOrder', {
        customerId: 'cus_hualian',
        requestId: 'phone-wang-0003',
        lines: [{ skuId: 'sku_0011', unit: 'piece', count: 1 }],
        addressId: 'addr_1',
      });
      expect(code(out)).toBe('OUT_OF_STOCK');
      expect(await rt.store.count('orders', {})).toBe(ordersBefore);
    });
  });

  describe('customers', () => {
    it("lists the merchandiser's customers only", async () => {
      const wang = await ok<Page<CustomerBrief>>(WANG, 'customers');
      expect(wang.items.map((c) => c.name)).toEqual(['华联超市', '永辉便利', '小马副食店']);
      const li = await ok<Page<CustomerBrief>>(LI, 'customers');
      expect(li.items.map((c) => c.name)).toEqual(['鑫达商贸']);
      expect((await ok<Page<CustomerBrief>>(ADMIN, 'customers')).total).toBe(4);
      const hualian = wang.items[0]!;
      expect(hualian.openOrders).toBe(await rt.store.count('orders', { customerId: 'cus_hualian', status: { $in: ['submitted', 'confirmed', 'in_production', 'ready_to_ship'] } }));
      expect(hualian.levelName).toBe('一级经销商');
      expect((await ok<Page<CustomerBrief>>(WANG, 'customers', { keyword: '永辉' })).items.map((c) => c._id)).toEqual(['cus_yonghui']);
    });

    it("shows a customer's orders, this Shanghai month's amount and what it owes", async () => {
      const view = await ok<CustomerView>(WANG, 'customerView', { customerId: 'cus_hualian' });
      expect(view.month).toBe('2026-03');
      // Placed in March (Shanghai): H1 (today) and H3 (2 days ago); H2 and H4 were placed in February.
      const [h1, h3] = [await order(H1), await order(H3)];
      expect(view.monthFen).toBe(h1.totalFen + h3.totalFen);
      expect(view.monthOrders).toBe(2);
      expect(view.outstandingFen).toBe((await rt.store.get('accounts', 'cus_hualian'))!.outstandingFen);
      expect(view.orders.total).toBe(4);
      expect(view.customer.addresses).toHaveLength(2);

      await ok(WANG, 'review', { orderId: H1, decision: 'reject', reason: '重复下单' });
      const after = await ok<CustomerView>(WANG, 'customerView', { customerId: 'cus_hualian' });
      expect(after.monthFen).toBe(h3.totalFen);
      expect(after.outstandingFen).toBe(view.outstandingFen - h1.totalFen);
    });

    it('counts an order placed just after midnight Shanghai on the 1st in the new month', async () => {
      clock = sh(2026, 4, 1, 0, 30); // 2026-03-31T16:30Z
      const placed = await ok<FollowDetail>(WANG, 'placeOrder', {
        customerId: 'cus_yonghui',
        requestId: 'phone-wang-april',
        lines: [{ skuId: 'sku_0001', unit: 'case', count: 1 }],
        addressId: 'addr_1',
      });
      const view = await ok<CustomerView>(WANG, 'customerView', { customerId: 'cus_yonghui' });
      expect(view.month).toBe('2026-04');
      expect([view.monthFen, view.monthOrders]).toEqual([placed.totalFen, 1]);
    });
  });

  describe('after-sales', () => {
    it('staff move a request along the after-sales table, within their scope', async () => {
      const req = data<AfterSalesRequest>(
        await rt.invoke('order', { action: 'afterSalesCreate', input: { orderId: H4, kind: 'return', description: '两桶漏油' } }, HUALIAN),
      );
      expect(ids((await ok<Page<AfterSalesRequest>>(WANG, 'afterSalesList', { status: 'open' })).items)).toEqual([req._id]);
      expect((await ok<Page<AfterSalesRequest>>(LI, 'afterSalesList')).total).toBe(0);
      expect(code(await fu(LI, 'afterSalesUpdate', { requestId: req._id, to: 'accepted' }))).toBe('NOT_FOUND');
      expect(code(await fu(WANG, 'afterSalesUpdate', { requestId: req._id, to: 'resolved' }))).toBe('ILLEGAL_TRANSITION');
      const accepted = await ok<AfterSalesRequest>(WANG, 'afterSalesUpdate', { requestId: req._id, to: 'accepted', note: '安排退货' });
      expect(accepted.status).toBe('accepted');
      const resolved = await ok<AfterSalesRequest>(WANG, 'afterSalesUpdate', { requestId: req._id, to: 'resolved', note: '已退款' });
      expect(resolved.history.map((h) => h.status)).toEqual(['open', 'accepted', 'resolved']);
      expect((await order(H4)).timeline.at(-1)).toMatchObject({ event: 'after_sales', note: '售后已解决：已退款' });
      expect(code(await fu(HUALIAN, 'afterSalesUpdate', { requestId: req._id, to: 'accepted' }))).toBe('FORBIDDEN');
    });
  });

  describe("a merchandiser sees and changes only its own customers' orders", () => {
    it("gets NOT_FOUND on every action on another merchandiser's customers, and nothing changes", async () => {
      const before = await Promise.all([H1, H2, H3, X1].map(order));
      const attempts: [string, object][] = [
        ['detail', { orderId: H2 }],
        ['review', { orderId: H1, decision: 'confirm' }],
        ['review', { orderId: H1, decision: 'reject', reason: '不是我的' }],
        ['advanceNode', { orderId: H2, node: 'qc' }],
        ['logException', { orderId: H3, kind: 'other', severity: 'low', description: 'x' }],
        ['expedite', { orderId: X1, note: 'x' }],
        ['customerView', { customerId: 'cus_hualian' }],
        ['catalogFor', { customerId: 'cus_hualian' }],
        ['quoteFor', { customerId: 'cus_hualian', lines: [{ skuId: 'sku_0001', unit: 'case', count: 1 }] }],
        ['placeOrder', { customerId: 'cus_hualian', requestId: 'li-steals-0001', lines: [{ skuId: 'sku_0001', unit: 'case', count: 1 }], addressId: 'addr_1' }],
      ];
      for (const [action, input] of attempts) {
        expect([action, code(await fu(LI, action, input))]).toEqual([action, 'NOT_FOUND']);
      }
      expect((await ok<Page<FollowItem>>(LI, 'list', { customerId: 'cus_hualian' })).total).toBe(0);
      expect(await Promise.all([H1, H2, H3, X1].map(order))).toEqual(before);
      expect(await rt.store.count('orders', { customerId: 'cus_hualian' })).toBe(4);
      expect(await rt.store.count('exceptions', {})).toBe(0);
    });

    it('lets an admin act on any order', async () => {
      expect((await ok<FollowDetail>(ADMIN, 'detail', { orderId: H2 }))._id).toBe(H2);
      expect((await ok<FollowDetail>(ADMIN, 'advanceNode', { orderId: H2, node: 'qc' })).status).toBe('ready_to_ship');
      expect((await ok<CustomerView>(ADMIN, 'customerView', { customerId: 'cus_xinda' })).customer.name).toBe('鑫达商贸');
    });

    it('holds over HTTP with the signed-in session, whatever the payload claims', async () => {
      const signin = async (openid: string) => {
        const r = await fetch(`${rt.url}/api/local/signin`, { method: 'POST', body: JSON.stringify({ openid }) });
        return ((await r.json()) as { token: string }).token;
      };
      const post = async (token: string, body: object) => {
        const r = await fetch(`${rt.url}/api/fn/followup`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return (await r.json()) as Result<unknown>;
      };
      const li = await signin(LI);
      const r = await post(li, { action: 'detail', input: { orderId: H2, openid: WANG, staffId: 'stf_wang' }, openid: WANG });
      expect(code(r)).toBe('NOT_FOUND');
      const wang = await signin(WANG);
      expect(data<FollowDetail>(await post(wang, { action: 'detail', input: { orderId: H2 } }))._id).toBe(H2);
    });
  });
});

describe('reservations released by the timer', () => {
  beforeEach(() => start({ ...loadConfig({} as NodeJS.ProcessEnv), reservationHours: 48 }));
  afterEach(() => rt.close());

  // sku_0009 (可乐 2L) is seeded with only two cases (12 bottles) and no demo order uses it.
  const lines = [{ skuId: 'sku_0009', unit: 'piece' as const, count: 12 }];
  const placeForXiaoma = () =>
    ok<FollowDetail>(WANG, 'placeOrder', { customerId: 'cus_xiaoma', requestId: 'phone-cola-0001', lines, addressId: 'addr_1' });

  it('a confirm after the release reserves again', async () => {
    const placed = await placeForXiaoma();
    expect((await rt.store.get('stock', 'sku_0009'))!.reserved).toBe(12);
    clock = T0 + 49 * HOUR;
    await rt.tick('reservationTimer');
    expect((await order(placed._id)).reservation.state).toBe('released');
    expect((await rt.store.get('stock', 'sku_0009'))!.reserved).toBe(0);

    const confirmed = await ok<FollowDetail>(WANG, 'review', { orderId: placed._id, decision: 'confirm' });
    expect(confirmed.status).toBe('confirmed');
    expect(confirmed.reservation.state).toBe('held');
    expect((await rt.store.get('stock', 'sku_0009'))!.reserved).toBe(12);
  });

  it('a confirm after the stock went to someone else fails OUT_OF_STOCK and writes nothing', async () => {
    const placed = await placeForXiaoma();
    clock = T0 + 49 * HOUR;
    await rt.tick('reservationTimer');
    const other = await rt.invoke(
      'order',
      { action: 'submit', input: { requestId: 'yonghui-cola-0001', lines, addressId: 'addr_1' } },
      YONGHUI,
    );
    expect(code(other)).toBe('OK');
    const r = await fu(WANG, 'review', { orderId: placed._id, decision: 'confirm' });
    expect(code(r)).toBe('OUT_OF_STOCK');
    const o = await order(placed._id);
    expect([o.status, o.dueDate, o.reservation.state]).toEqual(['submitted', null, 'released']);
    expect(o.nodes.every((n) => n.plannedDate === null)).toBe(true);
    expect(await jobsOf(placed._id)).toHaveLength(0);
    expect((await rt.store.get('stock', 'sku_0009'))!.reserved).toBe(12);
  });
});

describe('the stuck threshold comes from configuration', () => {
  afterEach(() => rt.close());

  it('uses config.stuckAfterDays', async () => {
    await start({ ...loadConfig({} as NodeJS.ProcessEnv), stuckAfterDays: 7 });
    expect(await bucketIds(WANG, 'stuck')).toEqual([H2]); // changed 8 days ago; X1 only 6
    expect((await ok<TodayView>(WANG, 'today')).stuckAfterDays).toBe(7);
    await rt.close();
    await start({ ...loadConfig({} as NodeJS.ProcessEnv), stuckAfterDays: 2 });
    expect(await bucketIds(WANG, 'stuck')).toEqual(expect.arrayContaining([H2, X1, H3]));
  });
});


