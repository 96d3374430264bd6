/**
 * applyOrderChange against the real embedded database: what the Order aggregate decides is
 * written as increments and as the order's changed fields only (a field changed by someone else
 * meanwhile survives), and a change whose stock is short writes nothing at all. Stock keeps
 * `available` = onHand − reserved and the order's hold (holds.<orderId>) as counters.ts expects:
 * released or consumed with the reservation, set again when it is taken again; the account (its
 * own document) drops by the unpaid amount and the order's booking hold goes.
 */
import {
  receivePayment,
  cancelOrder,
  confirmOrder,
  DomainError,
  expediteOrder,
  moveOrder,
  newOrder,
  openOrderException,
  receiveOrder,
  recordOrderNode,
  releaseOrderReservation,
  resolveOrderException,
  type Actor,
  type Order,
} from '@dinghuo/shared';
import { SqliteStore } from '../../../scripts/local/sqliteStore';
import { customer, sku } from '../../../shared/test/fixtures';
import { applyOrderChange } from './orderEffects';

const T0 = Date.UTC(2026, 2, 2, 2);
const HOUR = 3600_000;
const CUSTOMER: Actor = { openid: 'o_c', role: 'customer', name: '陈经理' };
const MERCH: Actor = { openid: 'o_m', role: 'merchandiser', name: '王敏' };

const OID = 'o_aaaaaaaaaaaaaaaaaaaaaaaa';

let store: SqliteStore;
beforeEach(async () => {
  store = new SqliteStore({ dataDir: ':memory:' });
  await store.insert('customers', customer({ _id: 'cus_1' }));
  // as the order's submit left them: its lines reserved with its holds, its amount booked
  await store.insert('accounts', { _id: 'cus_1', outstandingFen: 50_000, holds: { [OID]: 2400 } });
  await store.insert('stock', { _id: 'sku_a', onHand: 100, reserved: 30, available: 70, holds: { [OID]: 20 } });
  await store.insert('stock', { _id: 'sku_b', onHand: 10, reserved: 4, available: 6, holds: { [OID]: 4 } });
});
afterEach(() => store.close());

const A = sku({ _id: 'sku_a', code: 'A' });
const B = sku({ _id: 'sku_b', code: 'B' });

/** A submitted order of 20 A and 4 B (total 2,400 fen), as if its submit had reserved them. */
async function placedOrder(): Promise<Order> {
  const line = (s: typeof A, qty: number) => ({ sku: s, priced: { skuId: s._id, unit: 'piece' as const, count: qty, qty, unitPriceFen: 100, amountFen: qty * 100, source: 'level' as const } });
  const { order } = newOrder(
    {
      orderId: OID,
      orderNo: 'DH2603020001',
      requestId: 'req-0001',
      customer: customer({ _id: 'cus_1' }),
      merchandiserName: '王敏',
      placedBy: CUSTOMER,
      lines: [line(A, 20), line(B, 4)],
      totalFen: 2400,
      address: { contact: '陈', phone: '1', address: '上海' },
      requestedDate: null,
      remark: '',
      reservationHours: 48,
    },
    T0,
  );
  await store.insert('orders', order);
  return order;
}

/** A SKU's counters and the order's hold on it; `available` must equal onHand − reserved. */
const stock = async (id: string) => {
  const s = (await store.get('stock', id))!;
  expect(s.available).toBe(s.onHand - s.reserved);
  return { onHand: s.onHand, reserved: s.reserved, hold: s.holds?.[OID] ?? null };
};
const account = async () => {
  const a = (await store.get('accounts', 'cus_1'))!;
  return { outstandingFen: a.outstandingFen, hold: a.holds?.[OID] ?? null };
};

it('cancel: releases each SKU by increment, takes the amount off the account, writes the changed fields', async () => {
  const order = await placedOrder();
  const change = cancelOrder(order, CUSTOMER, '', T0 + HOUR);
  // someone else records an exception count meanwhile: not part of this change, so it survives
  await store.patch('orders', order._id, { openExceptions: 2 });
  await store.transaction((tx) => applyOrderChange(tx, change));
  expect(await stock('sku_a')).toEqual({ onHand: 100, reserved: 10, hold: null });
  expect(await stock('sku_b')).toEqual({ onHand: 10, reserved: 0, hold: null });
  expect(await account()).toEqual({ outstandingFen: 50_000 - 2400, hold: null });
  expect(await store.get('customers', 'cus_1')).not.toHaveProperty('outstandingFen');
  const saved = (await store.get('orders', order._id))!;
  expect(saved.status).toBe('cancelled');
  expect(saved.reservation.state).toBe('released');
  expect(saved.timeline).toEqual(change.order.timeline);
  expect(saved.openExceptions).toBe(2);
  expect(await store.count('messageJobs', {})).toBe(0);
});

it('ship: consumes on hand and reserved, and writes the customer message job with the change', async () => {
  let order = await placedOrder();
  for (const step of [
    (o: Order) => confirmOrder(o, MERCH, { leadTimeDays: 3, note: '' }, T0 + HOUR),
    (o: Order) => moveOrder(o, MERCH, 'ready_to_ship', '', T0 + 2 * HOUR),
    (o: Order) => moveOrder(o, MERCH, 'shipped', '顺丰', T0 + 3 * HOUR),
  ]) {
    const change = step(order);
    await store.transaction((tx) => applyOrderChange(tx, change));
    order = change.order;
  }
  expect(await stock('sku_a')).toEqual({ onHand: 80, reserved: 10, hold: null });
  expect(await stock('sku_b')).toEqual({ onHand: 6, reserved: 0, hold: null });
  expect(await account()).toEqual({ outstandingFen: 50_000, hold: 2400 });
  const saved = (await store.get('orders', order._id))!;
  expect(saved).toEqual(order);
  const job = (await store.get('messageJobs', saved.notification!.jobId))!;
  expect(job.payload).toMatchObject({ status: 'shipped', note: '顺丰', orderNo: 'DH2603020001' });
  expect(await store.count('messageJobs', {})).toBe(3);

  // delivered, then a receipt pays it (回款 follows): the unpaid amount leaves the account and the order's booking hold goes
  for (const step of [
    (o: Order) => receiveOrder(o, CUSTOMER, T0 + 4 * HOUR),
    (o: Order) => receivePayment(o, MERCH, { receiptId: 'rcp_1', amountFen: o.totalFen - o.paidFen, receivedAt: T0 + 5 * HOUR, label: '银行转账' }, T0 + 5 * HOUR),
  ]) {
    const change = step(order);
    await store.transaction((tx) => applyOrderChange(tx, change));
    order = change.order;
  }
  expect(order.status).toBe('completed');
  expect(await account()).toEqual({ outstandingFen: 50_000 - 2400, hold: null });
});

it('a change whose stock is short writes nothing: re-reserving after the timer, shipping more than is on hand', async () => {
  const order = await placedOrder();
  const released = releaseOrderReservation(order, T0 + 49 * HOUR)!;
  await store.transaction((tx) => applyOrderChange(tx, released));
  expect(await stock('sku_b')).toEqual({ onHand: 10, reserved: 0, hold: null });
  // meanwhile another order takes B: only 3 left available
  await store.patch('stock', 'sku_b', { reserved: 7, available: 3 });
  const before = { a: await stock('sku_a'), b: await stock('sku_b'), order: await store.get('orders', order._id) };
  const confirm = confirmOrder(released.order, MERCH, { leadTimeDays: 3, note: '' }, T0 + 50 * HOUR);
  const err = await store.transaction((tx) => applyOrderChange(tx, confirm)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DomainError);
  expect((err as DomainError).code).toBe('OUT_OF_STOCK');
  expect((err as DomainError).details).toEqual({ skuId: 'sku_b', wanted: 4, available: 3 });
  expect({ a: await stock('sku_a'), b: await stock('sku_b'), order: await store.get('orders', order._id) }).toEqual(before);
  expect(await store.count('messageJobs', {})).toBe(0);

  // an import lowered B's on-hand below what this order holds: shipping is refused, not clamped
  await store.patch('stock', 'sku_b', { onHand: 10, reserved: 0, available: 10 });
  let o = (await store.get('orders', order._id))!;
  for (const step of [
    (x: Order) => confirmOrder(x, MERCH, { leadTimeDays: 3, note: '' }, T0 + 50 * HOUR),
    (x: Order) => moveOrder(x, MERCH, 'ready_to_ship', '', T0 + 51 * HOUR),
  ]) {
    const change = step(o);
    await store.transaction((tx) => applyOrderChange(tx, change));
    o = change.order;
  }
  // the confirm took the reservation again, with the order's hold
  expect(await stock('sku_b')).toEqual({ onHand: 10, reserved: 4, hold: 4 });
  await store.patch('stock', 'sku_b', { onHand: 3, available: -1 });
  const ship = moveOrder(o, MERCH, 'shipped', '', T0 + 52 * HOUR);
  const shipErr = await store.transaction((tx) => applyOrderChange(tx, ship)).catch((e: unknown) => e);
  expect((shipErr as DomainError).code).toBe('OUT_OF_STOCK');
  expect(await stock('sku_a')).toEqual({ onHand: 100, reserved: 30, hold: 20 });
  expect((await store.get('orders', order._id))!.status).toBe('ready_to_ship');
});

it('exception records are inserted and resolved with the order; expediting touches only its fields', async () => {
  const order = await placedOrder();
  const opened = openOrderException(order, MERCH, { exceptionId: 'ex_1', kind: 'delay', severity: 'low', description: '物流延误', owner: '' }, T0 + HOUR);
  await store.transaction((tx) => applyOrderChange(tx, opened));
  expect(await store.get('exceptions', 'ex_1')).toEqual(opened.effects.exception!.exception);
  const resolved = resolveOrderException(opened.order, opened.effects.exception!.exception, MERCH, '已改发', T0 + 2 * HOUR);
  await store.transaction((tx) => applyOrderChange(tx, resolved));
  expect(await store.get('exceptions', 'ex_1')).toEqual(resolved.effects.exception!.exception);
  expect((await store.get('orders', order._id))!.openExceptions).toBe(0);

  const chased = expediteOrder(resolved.order, MERCH, '客户催货', T0 + 3 * HOUR);
  expect(Object.keys(chased.changes).sort()).toEqual(['expediteCount', 'timeline', 'updatedAt']);
  await store.transaction((tx) => applyOrderChange(tx, chased));
  expect(await store.get('orders', order._id)).toEqual(chased.order);
  expect(await stock('sku_a')).toEqual({ onHand: 100, reserved: 30, hold: 20 });
});
