/**
 * 分批发货 and 改单 through the local runtime, on the real embedded database and (the
 * functions-cloudbase project) on CloudbaseStore through the node-sdk over the emulator, demo data
 * seeded at Thursday 2026-03-05 10:00 Shanghai: deliveries consume exactly their stock and notify the
 * customer, the last one ships the order, the customer confirms each delivery; changes are
 * repriced by the server, move the reservation and the account by the difference, recheck credit
 * and notify; bad input is a typed error and writes nothing.
 */
import { okData as data, resultCode as code, startTestRuntime, type TestRuntime } from '../../scripts/local/testing/testRuntime';
import { orderIdFor } from '../_lib/services/orders';
import { unshippedBySku, type FollowDetail, type OrderDetail, type Quote } from '@dinghuo/shared';

const WANG = 'demo-merch-wang';
const LI = 'demo-merch-li';
const HUALIAN = 'demo-customer-hualian';
const YONGHUI = 'demo-customer-yonghui';
const HOUR = 3600_000;
const sh = (y: number, m: number, d: number, hh = 12) => Date.UTC(y, m - 1, d, hh - 8);
const T0 = sh(2026, 3, 5, 10);

const H1 = orderIdFor('cus_hualian', 'seed-h1'); // submitted
const H3 = orderIdFor('cus_hualian', 'seed-h3'); // confirmed: sku_0005 4 cases, sku_0021 12 pieces
const X1 = orderIdFor('cus_xiaoma', 'seed-x1'); // confirmed, credit limit 3000 yuan

let rt: TestRuntime;
let clock = T0;

beforeEach(async () => {
  clock = T0;
  rt = await startTestRuntime({ dataDir: ':memory:', timers: false, quiet: true, seedAt: T0, now: () => clock });
});
afterEach(() => rt.close());

const fu = (who: string, action: string, input: object) => rt.invoke('followup', { action, input }, who);
const od = (who: string, action: string, input: object) => rt.invoke('order', { action, input }, who);
const order = async (id: string) => (await rt.store.get('orders', id))!;
const stock = async (skuId: string) => (await rt.store.get('stock', skuId))!;
const jobs = (orderId: string) => rt.store.find('messageJobs', { orderId }, { limit: 100 });
const owed = async (customerId: string) => (await rt.store.get('accounts', customerId))?.outstandingFen ?? 0;

/** Everything a failed call must have left alone. */
async function snapshot(orderId: string) {
  const o = await order(orderId);
  const skuIds = ['sku_0001', 'sku_0005', 'sku_0009', 'sku_0021', ...o.lines.map((l) => l.skuId)];
  return {
    order: o,
    stock: await Promise.all([...new Set(skuIds)].map(stock)),
    owed: await owed(o.customerId),
    jobs: (await jobs(orderId)).length,
  };
}

async function readyH3() {
  clock += HOUR;
  data(await fu(WANG, 'advanceNode', { orderId: H3, node: 'qc' }));
  expect((await order(H3)).status).toBe('ready_to_ship');
}

describe('分批发货', () => {
  it('two deliveries consume exactly their stock, notify the customer each, and the second ships the order', async () => {
    await readyH3();
    const before = { a: await stock('sku_0005'), b: await stock('sku_0021') };
    const qtyA = (await order(H3)).lines.find((l) => l.skuId === 'sku_0005')!.qty;
    const jobsBefore = (await jobs(H3)).length;

    clock += HOUR;
    const first = data<FollowDetail>(
      await fu(WANG, 'ship', { orderId: H3, lines: [{ skuId: 'sku_0005', qty: 10 }], carrier: '顺丰', trackingNo: 'SF100200300' }),
    );
    expect(first.status).toBe('ready_to_ship');
    expect(first.shipments).toHaveLength(1);
    expect(first.shipments![0]).toMatchObject({ no: 1, carrier: '顺丰', trackingNo: 'SF100200300', receivedAt: null });
    expect(await stock('sku_0005')).toMatchObject({ onHand: before.a.onHand - 10, reserved: before.a.reserved - 10, available: before.a.available });
    // the order still holds what is left to ship
    expect((await stock('sku_0005')).holds?.[H3]).toBe(qtyA - 10);
    expect(await stock('sku_0021')).toEqual(before.b);
    const afterFirst = await jobs(H3);
    expect(afterFirst).toHaveLength(jobsBefore + 1);
    const job1 = afterFirst.find((j) => j._id === first.notification!.jobId)!;
    expect(job1).toMatchObject({ status: 'pending', customerId: 'cus_hualian', payload: { status: 'shipped' } });
    expect(job1.payload.note).toContain('SF100200300');

    // the customer sees the delivery and confirms it while the rest is still to come
    const seen = data<OrderDetail>(await od(HUALIAN, 'detail', { orderId: H3 }));
    expect(seen.shipments!.map((s) => s.trackingNo)).toEqual(['SF100200300']);
    clock += HOUR;
    const received = data<OrderDetail>(await od(HUALIAN, 'receiveDelivery', { orderId: H3, no: 1 }));
    expect(received.status).toBe('ready_to_ship');
    expect(received.shipments![0]!.receivedAt).toBe(clock);
    expect(code(await od(HUALIAN, 'receiveDelivery', { orderId: H3, no: 1 }))).toBe('SHIPMENT_ALREADY_RECEIVED');
    expect(code(await od(YONGHUI, 'receiveDelivery', { orderId: H3, no: 1 }))).toBe('NOT_FOUND');

    clock += HOUR;
    const second = data<FollowDetail>(
      await fu(WANG, 'ship', {
        orderId: H3,
        lines: [{ skuId: 'sku_0005', qty: qtyA - 10 }, { skuId: 'sku_0021', qty: 12 }],
        carrier: '中通',
        trackingNo: 'ZT-778899',
        note: '尾货',
      }),
    );
    expect(second.status).toBe('shipped');
    expect(second.reservation.state).toBe('consumed');
    expect(await stock('sku_0005')).toMatchObject({ onHand: before.a.onHand - qtyA, reserved: before.a.reserved - qtyA });
    expect(await stock('sku_0021')).toMatchObject({ onHand: before.b.onHand - 12, reserved: before.b.reserved - 12 });
    expect(await jobs(H3)).toHaveLength(jobsBefore + 2);
    expect(code(await fu(WANG, 'ship', { orderId: H3, lines: [{ skuId: 'sku_0021', qty: 1 }], carrier: '中通', trackingNo: 'ZT-1234' }))).toBe(
      'ILLEGAL_TRANSITION',
    );

    clock += HOUR;
    const done = data<OrderDetail>(await od(HUALIAN, 'receiveDelivery', { orderId: H3, no: 2 }));
    expect(done.status).toBe('delivered');
    expect(done.shipments!.every((s) => s.receivedAt !== null)).toBe(true);
  });

  it('bad deliveries are typed errors and write nothing; a short SKU fails the whole delivery', async () => {
    await readyH3();
    const base = { orderId: H3, carrier: '顺丰', trackingNo: 'SF100200300' };
    const before = await snapshot(H3);
    expect(code(await fu(WANG, 'ship', { ...base, lines: [{ skuId: 'sku_0005', qty: 100000 }] }))).toBe('SHIPMENT_EXCEEDS_ORDER');
    expect(code(await fu(WANG, 'ship', { ...base, lines: [{ skuId: 'sku_0001', qty: 1 }] }))).toBe('SHIPMENT_LINE_INVALID');
    expect(code(await fu(WANG, 'ship', { ...base, lines: [] }))).toBe('VALIDATION_FAILED');
    expect(code(await fu(WANG, 'ship', { ...base, trackingNo: '单号', lines: [{ skuId: 'sku_0005', qty: 1 }] }))).toBe('VALIDATION_FAILED');
    expect(code(await fu(WANG, 'ship', { ...base, lines: [{ skuId: 'sku_0005', qty: 1.5 }] }))).toBe('VALIDATION_FAILED');
    expect(code(await fu(LI, 'ship', { ...base, lines: [{ skuId: 'sku_0005', qty: 1 }] }))).toBe('NOT_FOUND');
    expect(code(await fu(HUALIAN, 'ship', { ...base, lines: [{ skuId: 'sku_0005', qty: 1 }] }))).toBe('FORBIDDEN');
    // the goods of the second SKU are gone (on hand below what the delivery takes): nothing is consumed
    await rt.store.patch('stock', 'sku_0021', { onHand: 5 });
    const short = await snapshot(H3);
    expect(code(await fu(WANG, 'ship', { ...base, lines: [{ skuId: 'sku_0005', qty: 4 }, { skuId: 'sku_0021', qty: 12 }] }))).toBe('OUT_OF_STOCK');
    expect(await snapshot(H3)).toEqual(short);
    await rt.store.patch('stock', 'sku_0021', { onHand: before.stock.find((s) => s._id === 'sku_0021')!.onHand });
    expect(await snapshot(H3)).toEqual(before);
  });

  it('concurrent deliveries of the same order never ship more than ordered, and consume exactly what shipped', async () => {
    await readyH3();
    const line = (await order(H3)).lines.find((l) => l.skuId === 'sku_0005')!;
    const before = await stock('sku_0005');
    const each = Math.ceil(line.qty / 3) + 1; // three of these cannot all fit
    clock += HOUR;
    const results = await Promise.all(
      [0, 1, 2].map(async (i) => code(await fu(WANG, 'ship', { orderId: H3, lines: [{ skuId: 'sku_0005', qty: each }], carrier: '顺丰', trackingNo: `SF00${i}` }))),
    );
    expect(results.sort()).toEqual(['OK', 'OK', 'SHIPMENT_EXCEEDS_ORDER']);
    const after = await order(H3);
    expect(after.shipments!.map((s) => s.no)).toEqual([1, 2]);
    expect(unshippedBySku(after).get('sku_0005')).toBe(line.qty - 2 * each);
    // available stays onHand − reserved; the order still holds what is left to ship
    expect(await stock('sku_0005')).toMatchObject({
      onHand: before.onHand - 2 * each,
      reserved: before.reserved - 2 * each,
      available: before.available,
      holds: { ...before.holds, [H3]: line.qty - 2 * each },
    });
    clock += HOUR;
    expect(data<OrderDetail>(await od(HUALIAN, 'receiveDelivery', { orderId: H3, no: 2 })).shipments![1]!.receivedAt).toBe(clock);
  });
});

describe('改单', () => {
  it('the merchandiser changes lines and 交期: priced as the shared pricing quotes, reservation and account move by the difference, timeline and message', async () => {
    const before = await snapshot(H3);
    const lines = [
      { skuId: 'sku_0005', unit: 'case', count: 6 },
      { skuId: 'sku_0001', unit: 'case', count: 2 },
    ];
    const quote = data<Quote>(await fu(WANG, 'quoteFor', { customerId: 'cus_hualian', lines }));
    clock += HOUR;
    const d = data<FollowDetail>(await fu(WANG, 'changeOrder', { orderId: H3, lines, dueDate: '2026-03-12', reason: '客户电话加量' }));
    expect(d.totalFen).toBe(quote.totalFen);
    expect(d.lines.map((l) => [l.skuId, l.count, l.unitPriceFen])).toEqual(quote.lines.map((l) => [l.skuId, l.count, l.unitPriceFen]));
    expect(d.dueDate).toBe('2026-03-12');
    expect(d.status).toBe('confirmed');
    const qty = (o: { lines: { skuId: string; qty: number }[] }, id: string) => o.lines.filter((l) => l.skuId === id).reduce((s, l) => s + l.qty, 0);
    for (const id of ['sku_0005', 'sku_0001', 'sku_0021']) {
      const was = before.stock.find((s) => s._id === id)!;
      const moved = qty(d, id) - qty(before.order, id);
      const holds = { ...was.holds, [H3]: qty(d, id) || undefined };
      if (!holds[H3]) delete holds[H3];
      // available moves against reserved; the order's hold is what it now reserves on the SKU
      expect(await stock(id)).toEqual({ ...was, reserved: was.reserved + moved, available: was.available! - moved, ...(was.holds || Object.keys(holds).length ? { holds } : {}) });
    }
    expect(await owed('cus_hualian')).toBe(before.owed + quote.totalFen - before.order.totalFen);
    const last = d.timeline[d.timeline.length - 1]!;
    expect(last).toMatchObject({ event: 'change', by: { role: 'merchandiser', name: '王敏' } });
    expect(last.note).toContain('原因：客户电话加量');
    expect(last.note).toContain('交期');
    const job = (await jobs(H3)).find((j) => j._id === d.notification!.jobId)!;
    expect(job.payload.note).toMatch(/^订单已修改：/);
    expect(await jobs(H3)).toHaveLength(before.jobs + 1);
    // the customer sees the change on its timeline
    const seen = data<OrderDetail>(await od(HUALIAN, 'detail', { orderId: H3 }));
    expect(seen.timeline.some((t) => t.event === 'change' && t.note.includes('客户电话加量'))).toBe(true);
  });

  it('all or nothing: a short SKU, the credit limit, or bad input write nothing', async () => {
    const h3 = await snapshot(H3);
    // one line grows (available), another is added beyond its stock: no reservation moves at all
    expect(
      code(await fu(WANG, 'changeOrder', { orderId: H3, lines: [{ skuId: 'sku_0005', unit: 'case', count: 6 }, { skuId: 'sku_0009', unit: 'case', count: 3 }], reason: '加单' })),
    ).toBe('OUT_OF_STOCK');
    expect(await snapshot(H3)).toEqual(h3);
    expect(code(await fu(WANG, 'changeOrder', { orderId: H3, lines: [], reason: '空' }))).toBe('VALIDATION_FAILED');
    expect(code(await fu(WANG, 'changeOrder', { orderId: H3, lines: [{ skuId: 'sku_0005', unit: 'case', count: 6 }], reason: '' }))).toBe('VALIDATION_FAILED');
    expect(code(await fu(WANG, 'changeOrder', { orderId: H3, lines: [{ skuId: 'sku_0005', unit: 'case', count: 6 }], dueDate: '2026-03-01', reason: '改期' }))).toBe(
      'DUE_DATE_INVALID',
    );
    expect(code(await fu(WANG, 'changeOrder', { orderId: H3, lines: [{ skuId: 'sku_nope', unit: 'case', count: 1 }], reason: '加单' }))).toBe('SKU_NOT_FOUND');
    expect(code(await fu(LI, 'changeOrder', { orderId: H3, lines: [{ skuId: 'sku_0005', unit: 'case', count: 6 }], reason: '加单' }))).toBe('NOT_FOUND');
    const same = (await order(H3)).lines.map((l) => ({ skuId: l.skuId, unit: l.unit, count: l.count }));
    expect(code(await fu(WANG, 'changeOrder', { orderId: H3, lines: same, reason: '无' }))).toBe('ORDER_UNCHANGED');
    expect(await snapshot(H3)).toEqual(h3);

    const x1 = await snapshot(X1);
    const big = x1.order.lines.map((l) => ({ skuId: l.skuId, unit: l.unit, count: l.count * 20 }));
    expect(code(await fu(WANG, 'changeOrder', { orderId: X1, lines: big, reason: '大单' }))).toBe('CREDIT_LIMIT_EXCEEDED');
    expect(await snapshot(X1)).toEqual(x1);
  });

  it('the customer changes its own order while unconfirmed; not once confirmed or after a delivery', async () => {
    const before = await snapshot(H1);
    const lines = [{ skuId: 'sku_0001', unit: 'case', count: 3 }];
    const d = data<OrderDetail>(await od(HUALIAN, 'change', { orderId: H1, lines, requestedDate: '2026-03-15', reason: '只要一种' }));
    expect(d.status).toBe('submitted');
    expect(d.lines).toHaveLength(1);
    expect(d.requestedDate).toBe('2026-03-15');
    expect(d.timeline[d.timeline.length - 1]).toMatchObject({ event: 'change', by: { role: 'customer' } });
    expect(await jobs(H1)).toHaveLength(before.jobs);
    expect(await owed('cus_hualian')).toBe(before.owed + d.totalFen - before.order.totalFen);
    for (const l of before.order.lines) {
      const was = before.stock.find((s) => s._id === l.skuId)!;
      const now = d.lines.filter((x) => x.skuId === l.skuId).reduce((s, x) => s + x.qty, 0);
      expect((await stock(l.skuId)).reserved).toBe(was.reserved - l.qty + now);
    }

    const h3 = await snapshot(H3);
    expect(code(await od(HUALIAN, 'change', { orderId: H3, lines, reason: '改' }))).toBe('ORDER_CHANGE_NOT_ALLOWED');
    expect(code(await od(YONGHUI, 'change', { orderId: H1, lines, reason: '改' }))).toBe('NOT_FOUND');
    expect(await snapshot(H3)).toEqual(h3);

    await readyH3();
    data(await fu(WANG, 'ship', { orderId: H3, lines: [{ skuId: 'sku_0005', qty: 1 }], carrier: '顺丰', trackingNo: 'SF100200300' }));
    expect(code(await fu(WANG, 'changeOrder', { orderId: H3, lines, reason: '改' }))).toBe('ORDER_CHANGE_NOT_ALLOWED');
  });
});
