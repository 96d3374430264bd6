import fc from 'fast-check';
import {
  receivePayment,
  buildOrderStatusMessage,
  cancelOrder,
  checkTransition,
  confirmOrder,
  DomainError,
  expediteOrder,
  LIVE_STATUSES,
  moveOrder,
  moveOrderAfterSales,
  newOrder,
  nextStatuses,
  NODE_KEYS,
  openOrderException,
  ORDER_STATUSES,
  receiveOrder,
  recordOrderNode,
  rejectOrder,
  releaseOrderReservation,
  requestOrderAfterSales,
  resolveOrderException,
  type Actor,
  type NodeKey,
  type Order,
  type OrderChange,
  type OrderStatus,
  type Role,
  type StockEffect,
} from '@dinghuo/shared';
import { customer, sku } from './fixtures';

const sh = (y: number, m: number, d: number, hh = 12) => Date.UTC(y, m - 1, d, hh - 8);
const T0 = sh(2026, 3, 2, 10);
const HOUR = 3600_000;

const CUSTOMER: Actor = { openid: 'o_c', role: 'customer', name: '陈经理' };
const MERCH: Actor = { openid: 'o_m', role: 'merchandiser', name: '王敏' };
const ADMIN: Actor = { openid: 'o_a', role: 'admin', name: '赵总' };
const SYSTEM: Actor = { role: 'system', name: '系统' };
const ACTORS: Record<Role, Actor> = { customer: CUSTOMER, merchandiser: MERCH, admin: ADMIN };
const ROLES: Role[] = ['customer', 'merchandiser', 'admin'];

const WATER = sku({ _id: 'sku_w', code: 'W1', leadTimeDays: 3 });
const CHAIR = sku({ _id: 'sku_c', code: 'C1', name: '椅子', madeToOrder: true, leadTimeDays: 10 });

function placed(opts: { madeToOrder?: boolean; by?: Actor } = {}) {
  const lines = [
    { sku: WATER, priced: { skuId: WATER._id, unit: 'case' as const, count: 2, qty: 48, unitPriceFen: 4800, amountFen: 9600, source: 'level' as const } },
    ...(opts.madeToOrder
      ? [{ sku: CHAIR, priced: { skuId: CHAIR._id, unit: 'piece' as const, count: 3, qty: 3, unitPriceFen: 10000, amountFen: 30000, source: 'customer' as const } }]
      : []),
  ];
  return newOrder(
    {
      orderId: 'o_0123456789abcdef01234567',
      orderNo: 'DH26030212345678',
      requestId: 'req-00000001',
      customer: customer({ _id: 'cus_1', merchandiserId: 'stf_1' }),
      merchandiserName: '王敏',
      placedBy: opts.by ?? CUSTOMER,
      lines,
      totalFen: lines.reduce((s, l) => s + l.priced.amountFen, 0),
      address: { contact: '陈', phone: '13800000000', address: '上海' },
      requestedDate: null,
      remark: '',
      reservationHours: 48,
    },
    T0,
  );
}

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof DomainError ? e.code : 'NOT_A_DOMAIN_ERROR';
  }
}

/** An order in `status` reached through the aggregate itself (reservation as the path leaves it). */
function orderIn(status: OrderStatus, madeToOrder = false): Order {
  let o = placed({ madeToOrder }).order;
  const step = (c: OrderChange) => (o = c.order);
  const at = T0 + HOUR;
  if (status === 'submitted') return o;
  if (status === 'cancelled') return cancelOrder(o, CUSTOMER, '', at).order;
  if (status === 'rejected') return rejectOrder(o, MERCH, '停产', at).order;
  step(confirmOrder(o, MERCH, { leadTimeDays: 3, note: '' }, at));
  if (status === 'confirmed') return o;
  if (status === 'in_production') return moveOrder(o, MERCH, 'in_production', '', at).order;
  step(moveOrder(o, MERCH, 'ready_to_ship', '', at));
  if (status === 'ready_to_ship') return o;
  step(moveOrder(o, MERCH, 'shipped', '', at));
  if (status === 'shipped') return o;
  step(receiveOrder(o, CUSTOMER, at));
  if (status === 'delivered') return o;
  return moveOrder(o, MERCH, 'completed', '', at).order;
}

const stockOf = (c: { effects: { stock: StockEffect[] } }, skuId: string) => c.effects.stock.find((s) => s.skuId === skuId);

describe('newOrder (submit)', () => {
  it('builds the submitted order with its snapshots and reserves every line, all required available', () => {
    const { order, effects } = placed({ madeToOrder: true });
    expect(order.status).toBe('submitted');
    expect(order.madeToOrder).toBe(true);
    expect(order.totalFen).toBe(39600);
    expect(order.lines.map((l) => [l.skuId, l.qty, l.amountFen, l.priceSource])).toEqual([
      ['sku_w', 48, 9600, 'level'],
      ['sku_c', 3, 30000, 'customer'],
    ]);
    expect(order.customer).toEqual({ name: '华联', code: 'C1', levelId: 'lv_a' });
    expect(order.merchandiser).toEqual({ name: '王敏' });
    expect(order.reservation).toEqual({ state: 'held', expiresAt: T0 + 48 * HOUR });
    expect(order.nodes.find((n) => n.key === 'intake')).toMatchObject({ actualAt: T0, by: CUSTOMER });
    expect(order.nodes.filter((n) => n.actualAt !== null)).toHaveLength(1);
    expect(order.createdDate).toBe('2026-03-02');
    expect(order.createdMonth).toBe('2026-03');
    expect(effects.stock).toEqual([
      { skuId: 'sku_w', reservedDelta: 48, onHandDelta: 0, requireAvailable: 48, requireOnHand: 0 },
      { skuId: 'sku_c', reservedDelta: 3, onHandDelta: 0, requireAvailable: 3, requireOnHand: 0 },
    ]);
    expect(effects.account).toEqual({ customerId: 'cus_1', outstandingDelta: 39600 });
    expect(effects.messageJob).toBeNull();
    expect(effects.timeline).toEqual([{ at: T0, event: 'status', status: 'submitted', by: CUSTOMER, note: '客户提交订单' }]);
    expect(order.timeline).toEqual(effects.timeline);
  });

  it('says on the timeline when a merchandiser placed it for the customer (代下单)', () => {
    expect(placed({ by: MERCH }).order.timeline[0]!.note).toBe('王敏 代客下单');
  });
});

describe('status moves follow the transition table for every role', () => {
  const cases: [OrderStatus, OrderStatus, Role, boolean][] = [];
  for (const from of ORDER_STATUSES) for (const to of ORDER_STATUSES) for (const role of ROLES) for (const mto of [false, true]) cases.push([from, to, role, mto]);

  it.each(ORDER_STATUSES.map((s) => [s]))('from %s: legal exactly when the table says so, with a stable error otherwise', (from) => {
    for (const [f, to, role, mto] of cases) {
      if (f !== from || (from === 'in_production' && !mto)) continue;
      const order = orderIn(from, mto);
      const check = checkTransition(from, to, role, { madeToOrder: mto });
      const code = codeOf(() => moveOrder(order, ACTORS[role], to, '', T0 + 2 * HOUR));
      if (check.ok) {
        expect([from, to, role, mto, code]).toEqual([from, to, role, mto, null]);
      } else {
        const want = to === 'cancelled' && role === 'customer' ? 'ORDER_NOT_CANCELLABLE' : check.reason === 'role' ? 'FORBIDDEN' : 'ILLEGAL_TRANSITION';
        expect([from, to, role, mto, code]).toEqual([from, to, role, mto, want]);
      }
    }
  });

  it('the system actor makes no status move', () => {
    expect(codeOf(() => moveOrder(orderIn('submitted'), SYSTEM, 'confirmed', '', T0))).toBe('FORBIDDEN');
  });
});

describe('stock, account and message effects of status moves', () => {
  const later = T0 + 2 * HOUR;

  it('cancel by the customer releases the reservation, takes the amount off the account and sends no message', () => {
    const c = cancelOrder(orderIn('submitted'), CUSTOMER, '', later);
    expect(c.order.status).toBe('cancelled');
    expect(c.order.reservation.state).toBe('released');
    expect(c.effects.stock).toEqual([{ skuId: 'sku_w', reservedDelta: -48, onHandDelta: 0, requireAvailable: 0, requireOnHand: 0 }]);
    expect(c.effects.account).toEqual({ customerId: 'cus_1', outstandingDelta: -9600 });
    expect(c.effects.messageJob).toBeNull();
    expect(c.order.notification).toBeNull();
    expect(c.effects.timeline).toEqual([{ at: later, event: 'status', status: 'cancelled', by: CUSTOMER, note: '客户取消订单' }]);
  });

  it('reject by staff releases, takes the amount off, notes the review node and writes the customer message', () => {
    const c = rejectOrder(orderIn('submitted'), MERCH, '该规格停产', later);
    expect(c.order.status).toBe('rejected');
    expect(stockOf(c, 'sku_w')).toMatchObject({ reservedDelta: -48, onHandDelta: 0 });
    expect(c.effects.account).toEqual({ customerId: 'cus_1', outstandingDelta: -9600 });
    expect(c.order.nodes.find((n) => n.key === 'review')).toMatchObject({ by: MERCH, note: '驳回：该规格停产', actualAt: null });
    const job = c.effects.messageJob!;
    expect(job).toMatchObject({ kind: 'order_status', orderId: c.order._id, customerId: 'cus_1', status: 'pending', attempts: 0 });
    expect(job.payload).toEqual({ orderNo: 'DH26030212345678', status: 'rejected', amountFen: 9600, at: later, note: '该规格停产' });
    expect(c.order.notification).toEqual({ status: 'pending', jobId: job._id, at: later });
    // what the dispatcher will send, by the subscription payload rules
    expect(buildOrderStatusMessage(job.payload)).toMatchObject({
      character_string1: { value: 'DH26030212345678' },
      phrase2: { value: '已驳回' },
      amount3: { value: '¥96.00' },
      thing5: { value: '该规格停产' },
    });
  });

  it('cancel or reject of an order whose reservation the timer released releases nothing again', () => {
    const expired = releaseOrderReservation(orderIn('submitted'), T0 + 49 * HOUR)!.order;
    expect(cancelOrder(expired, CUSTOMER, '', later).effects.stock).toEqual([]);
    expect(rejectOrder(expired, MERCH, '停产', later).effects.stock).toEqual([]);
    expect(rejectOrder(expired, MERCH, '停产', later).effects.account).toEqual({ customerId: 'cus_1', outstandingDelta: -9600 });
  });

  it('shipping consumes a held reservation (on hand required) and one the timer released (availability required)', () => {
    const c = moveOrder(orderIn('ready_to_ship'), MERCH, 'shipped', '顺丰', later);
    expect(c.order.reservation.state).toBe('consumed');
    expect(c.effects.stock).toEqual([{ skuId: 'sku_w', reservedDelta: -48, onHandDelta: -48, requireAvailable: 0, requireOnHand: 48 }]);
    expect(c.effects.account).toBeNull();

    const released = { ...orderIn('ready_to_ship'), reservation: { state: 'released' as const, expiresAt: T0 } };
    expect(moveOrder(released, MERCH, 'shipped', '', later).effects.stock).toEqual([
      { skuId: 'sku_w', reservedDelta: 0, onHandDelta: -48, requireAvailable: 48, requireOnHand: 0 },
    ]);
  });

  it('moves that keep the reservation touch no stock and no account', () => {
    for (const [from, to, by] of [
      ['confirmed', 'ready_to_ship', MERCH],
      ['shipped', 'delivered', CUSTOMER],
      ['delivered', 'completed', ADMIN],
    ] as const) {
      const c = moveOrder(orderIn(from), by, to, '', later);
      expect([to, c.effects.stock, c.effects.account]).toEqual([to, [], null]);
    }
    const mto = moveOrder(orderIn('confirmed', true), MERCH, 'in_production', '', later);
    expect(mto.effects.stock).toEqual([]);
  });

  it('staff cancel of a confirmed order releases and takes the amount off', () => {
    const c = cancelOrder(orderIn('confirmed'), MERCH, '客户改单', later);
    expect(c.effects.stock).toEqual([{ skuId: 'sku_w', reservedDelta: -48, onHandDelta: 0, requireAvailable: 0, requireOnHand: 0 }]);
    expect(c.effects.account?.outstandingDelta).toBe(-9600);
    expect(c.effects.messageJob?.payload.status).toBe('cancelled');
  });

  it('writes only the changed fields', () => {
    const c = moveOrder(orderIn('confirmed'), MERCH, 'ready_to_ship', '备货完成', later);
    expect(Object.keys(c.changes).sort()).toEqual(['lastChangeAt', 'notification', 'status', 'timeline', 'updatedAt']);
  });
});

describe('confirmOrder (审单通过)', () => {
  it('sets the due date, the planned dates and the review node, and keeps a held reservation', () => {
    const at = sh(2026, 3, 5, 9);
    const c = confirmOrder(orderIn('submitted'), MERCH, { leadTimeDays: 7, note: '加急' }, at);
    expect(c.order.status).toBe('confirmed');
    expect(c.order.dueDate).toBe('2026-03-12');
    expect(c.order.nodes.find((n) => n.key === 'shipment')!.plannedDate).toBe('2026-03-12');
    expect(c.order.nodes.find((n) => n.key === 'review')).toMatchObject({ actualAt: at, by: MERCH, note: '加急' });
    expect(c.effects.stock).toEqual([]);
    expect(c.effects.timeline[0]!.note).toBe('审单通过，交期 2026-03-12；加急');
    expect(c.effects.messageJob?.payload.status).toBe('confirmed');
  });

  it('reserves again, requiring availability, when the timer had released the reservation', () => {
    const expired = releaseOrderReservation(orderIn('submitted'), T0 + 49 * HOUR)!.order;
    const c = confirmOrder(expired, ADMIN, { leadTimeDays: 3, dueDate: '2026-03-20', note: '' }, T0 + 50 * HOUR);
    expect(c.order.reservation.state).toBe('held');
    expect(c.order.dueDate).toBe('2026-03-20');
    expect(c.effects.stock).toEqual([{ skuId: 'sku_w', reservedDelta: 48, onHandDelta: 0, requireAvailable: 48, requireOnHand: 0 }]);
  });

  it('is refused for the customer, for an order not awaiting review, and for a due date before today', () => {
    expect(codeOf(() => confirmOrder(orderIn('submitted'), CUSTOMER, { leadTimeDays: 3, note: '' }, T0))).toBe('FORBIDDEN');
    expect(codeOf(() => confirmOrder(orderIn('confirmed'), MERCH, { leadTimeDays: 3, note: '' }, T0))).toBe('ILLEGAL_TRANSITION');
    expect(codeOf(() => confirmOrder(orderIn('cancelled'), MERCH, { leadTimeDays: 3, note: '' }, T0))).toBe('ILLEGAL_TRANSITION');
    expect(codeOf(() => confirmOrder(orderIn('submitted'), MERCH, { leadTimeDays: 3, dueDate: '2026-03-01', note: '' }, T0))).toBe('DUE_DATE_INVALID');
  });
});

describe('receiveOrder (确认收货)', () => {
  it('moves shipped to delivered and records the delivery node once', () => {
    const at = T0 + 5 * HOUR;
    const c = receiveOrder(orderIn('shipped'), CUSTOMER, at);
    expect(c.order.status).toBe('delivered');
    expect(c.order.nodes.find((n) => n.key === 'delivery')).toMatchObject({ actualAt: at, by: CUSTOMER });
    expect(c.effects.timeline[0]!.note).toBe('客户确认收货');
    expect(c.effects.messageJob).toBeNull();
    expect(codeOf(() => receiveOrder(orderIn('ready_to_ship'), CUSTOMER, at))).toBe('ILLEGAL_TRANSITION');
    expect(codeOf(() => receiveOrder(orderIn('delivered'), MERCH, at))).toBe('ILLEGAL_TRANSITION');
  });
});

describe('recordOrderNode (跟单节点) and payment', () => {
  const node = (key: NodeKey, extra: Partial<{ actualDate: string | null; note: string; photoUrl: string | null }> = {}) => ({
    node: key,
    actualDate: null,
    note: '',
    photoUrl: null,
    ...extra,
  });
  const at = sh(2026, 3, 3, 15);

  it('records a node that implies no status on the timeline only', () => {
    const c = recordOrderNode(orderIn('confirmed'), MERCH, node('materials', { note: '到料' }), at);
    expect(c.order.status).toBe('confirmed');
    expect(c.order.nodes.find((n) => n.key === 'materials')).toMatchObject({ actualAt: at, by: MERCH, note: '到料' });
    expect(c.effects).toMatchObject({ stock: [], account: null, messageJob: null });
    expect(c.effects.timeline).toEqual([{ at, event: 'node', by: MERCH, note: '备料：到料' }]);
  });

  it('moves the status a node implies, with that move’s effects (出货 consumes the reservation)', () => {
    const qc = recordOrderNode(orderIn('confirmed'), MERCH, node('qc'), at);
    expect(qc.order.status).toBe('ready_to_ship');
    expect(qc.effects.timeline).toEqual([{ at, event: 'status', status: 'ready_to_ship', by: MERCH, note: '质检完成' }]);
    const ship = recordOrderNode(qc.order, MERCH, node('shipment', { photoUrl: 'https://x/y.jpg' }), at);
    expect(ship.order.status).toBe('shipped');
    expect(ship.order.nodes.find((n) => n.key === 'shipment')!.photoUrl).toBe('https://x/y.jpg');
    expect(ship.effects.stock).toEqual([{ skuId: 'sku_w', reservedDelta: -48, onHandDelta: -48, requireAvailable: 0, requireOnHand: 48 }]);
    expect(ship.effects.messageJob?.payload.status).toBe('shipped');
  });

  it('回款 is not a manual tick: refused while the order is unpaid, allowed for a prepaid order once delivered', () => {
    expect(codeOf(() => recordOrderNode(orderIn('delivered'), ADMIN, node('payment'), at))).toBe('PAYMENT_BY_RECEIPT');
    const prepaid = { ...orderIn('delivered'), paidFen: 9600 };
    const c = recordOrderNode(prepaid, ADMIN, node('payment'), at);
    expect(c.order.status).toBe('completed');
    expect(c.effects.account).toBeNull();
  });

  it('a receipt pays part of the order: paidFen grows, the part leaves the account, the status stays', () => {
    const pay = (o: Order, amountFen: number, receivedAt = at - 2 * HOUR) => receivePayment(o, MERCH, { receiptId: 'rc_1', amountFen, receivedAt, label: '银行转账 B001' }, at);
    const part = pay(orderIn('delivered'), 4000);
    expect(part.order.paidFen).toBe(4000);
    expect(part.order.status).toBe('delivered');
    expect(part.changes).toEqual({ paidFen: 4000, updatedAt: at, lastChangeAt: at, timeline: part.order.timeline });
    expect(part.effects.account).toEqual({ customerId: 'cus_1', outstandingDelta: -4000 });
    expect(part.effects.timeline).toEqual([{ at, event: 'payment', by: MERCH, note: '收款 40.00 元（银行转账 B001），累计已付 40.00 元' }]);
    expect(part.order.nodes.find((n) => n.key === 'payment')!.actualAt).toBeNull();
    // The rest: paid in full → the 回款 node at the receipt's date, delivered → completed, the customer told.
    const rest = pay(part.order, 5600);
    expect(rest.order.paidFen).toBe(9600);
    expect(rest.order.status).toBe('completed');
    expect(rest.order.nodes.find((n) => n.key === 'payment')).toMatchObject({ actualAt: at - 2 * HOUR, by: MERCH });
    expect(rest.effects.account).toEqual({ customerId: 'cus_1', outstandingDelta: -5600 });
    expect(rest.effects.timeline.map((e) => e.event)).toEqual(['payment', 'status']);
    expect(rest.effects.messageJob?.payload.status).toBe('completed');
    expect(rest.effects.stock).toEqual([]);
    // Paid in full before delivery: paid, but the order stays where it is and the node open.
    const prepaid = pay(orderIn('shipped'), 9600);
    expect(prepaid.order).toMatchObject({ paidFen: 9600, status: 'shipped' });
    expect(prepaid.order.nodes.find((n) => n.key === 'payment')!.actualAt).toBeNull();
    // More than is owed, nothing, a cancelled order, a customer: refused.
    expect(codeOf(() => pay(part.order, 5601))).toBe('ALLOCATION_EXCEEDS_UNPAID');
    expect(codeOf(() => pay(orderIn('delivered'), 0))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => pay(orderIn('cancelled'), 100))).toBe('ILLEGAL_TRANSITION');
    expect(codeOf(() => receivePayment(orderIn('delivered'), CUSTOMER, { receiptId: 'r', amountFen: 1, receivedAt: at, label: '' }, at))).toBe('FORBIDDEN');
  });

  it('uses noon of an earlier date and refuses a future one', () => {
    const c = recordOrderNode(orderIn('confirmed'), MERCH, node('materials', { actualDate: '2026-03-02' }), at);
    expect(c.order.nodes.find((n) => n.key === 'materials')!.actualAt).toBe(sh(2026, 3, 2, 12));
    expect(codeOf(() => recordOrderNode(orderIn('confirmed'), MERCH, node('materials', { actualDate: '2026-03-04' }), at))).toBe('DATE_IN_FUTURE');
  });

  it('is staff only and follows the node rules', () => {
    expect(codeOf(() => recordOrderNode(orderIn('confirmed'), CUSTOMER, node('materials'), at))).toBe('FORBIDDEN');
    expect(codeOf(() => recordOrderNode(orderIn('submitted'), MERCH, node('materials'), at))).toBe('NODE_OUT_OF_ORDER');
    expect(codeOf(() => recordOrderNode(orderIn('confirmed'), MERCH, node('shipment'), at))).toBe('NODE_OUT_OF_ORDER');
    expect(codeOf(() => recordOrderNode(orderIn('confirmed'), MERCH, node('review'), at))).toBe('NODE_INVALID');
    expect(codeOf(() => recordOrderNode(orderIn('cancelled'), MERCH, node('qc'), at))).toBe('ILLEGAL_TRANSITION');
    const done = recordOrderNode(orderIn('confirmed'), MERCH, node('materials'), at).order;
    expect(codeOf(() => recordOrderNode(done, MERCH, node('materials'), at))).toBe('NODE_ALREADY_DONE');
  });
});

describe('exceptions, expediting, after-sales', () => {
  const at = T0 + 3 * HOUR;
  const input = { exceptionId: 'ex_1', kind: 'material_short' as const, severity: 'high' as const, description: '面料缺货', owner: '' };

  it('an exception is a new open record; resolving it closes the record and the count', () => {
    const opened = openOrderException(orderIn('confirmed'), MERCH, input, at);
    expect(opened.order.openExceptions).toBe(1);
    expect(opened.order.lastChangeAt).toBe(at);
    expect(opened.effects.exception).toMatchObject({ op: 'insert', exception: { _id: 'ex_1', status: 'open', owner: '王敏', orderId: opened.order._id } });
    expect(opened.effects.timeline[0]!.event).toBe('exception');
    expect(opened.effects.stock).toEqual([]);
    const ex = opened.effects.exception!.exception;
    const resolved = resolveOrderException(opened.order, ex, ADMIN, '已补料', at + HOUR);
    expect(resolved.order.openExceptions).toBe(0);
    expect(resolved.effects.exception).toMatchObject({ op: 'resolve', exception: { status: 'resolved', resolution: '已补料', resolvedBy: ADMIN, resolvedAt: at + HOUR } });
    expect(codeOf(() => resolveOrderException(resolved.order, resolved.effects.exception!.exception, ADMIN, 'x', at))).toBe('EXCEPTION_ALREADY_RESOLVED');
  });

  it('exceptions are staff only and not on cancelled or rejected orders', () => {
    expect(codeOf(() => openOrderException(orderIn('confirmed'), CUSTOMER, input, at))).toBe('FORBIDDEN');
    expect(codeOf(() => openOrderException(orderIn('cancelled'), MERCH, input, at))).toBe('ILLEGAL_TRANSITION');
    expect(codeOf(() => openOrderException(orderIn('rejected'), MERCH, input, at))).toBe('ILLEGAL_TRANSITION');
  });

  it('expediting counts a chase on open orders without touching lastChangeAt', () => {
    const before = orderIn('confirmed');
    const c = expediteOrder(before, MERCH, '客户催货', at);
    expect(c.order.expediteCount).toBe(1);
    expect(c.order.lastChangeAt).toBe(before.lastChangeAt);
    expect(Object.keys(c.changes).sort()).toEqual(['expediteCount', 'timeline', 'updatedAt']);
    expect(codeOf(() => expediteOrder(orderIn('shipped'), MERCH, 'x', at))).toBe('ILLEGAL_TRANSITION');
    expect(codeOf(() => expediteOrder(before, CUSTOMER, 'x', at))).toBe('FORBIDDEN');
  });

  it('after-sales: requested once the goods left, moved by staff along its table', () => {
    expect(codeOf(() => requestOrderAfterSales(orderIn('confirmed'), CUSTOMER, { requestId: 'as_1', kind: 'return', description: '破损' }, at))).toBe('AFTER_SALES_NOT_ALLOWED');
    const c = requestOrderAfterSales(orderIn('delivered'), CUSTOMER, { requestId: 'as_1', kind: 'return', description: '破损' }, at);
    const request = c.effects.afterSales!.request;
    expect(c.effects.afterSales!.op).toBe('insert');
    expect(request).toMatchObject({ _id: 'as_1', status: 'open', orderId: c.order._id, merchandiserId: 'stf_1' });
    expect(c.effects.timeline[0]).toMatchObject({ event: 'after_sales', note: '申请售后：破损' });
    const moved = moveOrderAfterSales(c.order, request, MERCH, { to: 'accepted', note: '已联系' }, at + HOUR);
    expect(moved.effects.afterSales).toMatchObject({ op: 'move', request: { status: 'accepted' } });
    expect(moved.effects.afterSales!.request.history).toHaveLength(2);
    expect(codeOf(() => moveOrderAfterSales(c.order, request, CUSTOMER, { to: 'accepted', note: '' }, at))).toBe('FORBIDDEN');
    expect(codeOf(() => moveOrderAfterSales(c.order, request, MERCH, { to: 'open', note: '' }, at))).toBe('ILLEGAL_TRANSITION');
  });
});

describe('releaseOrderReservation (the timer)', () => {
  it('releases a held reservation of an unconfirmed order past its deadline, and nothing else', () => {
    const o = orderIn('submitted');
    expect(releaseOrderReservation(o, o.reservation.expiresAt - 1)).toBeNull();
    const c = releaseOrderReservation(o, o.reservation.expiresAt)!;
    expect(c.order.status).toBe('submitted');
    expect(c.order.reservation.state).toBe('released');
    expect(c.effects.stock).toEqual([{ skuId: 'sku_w', reservedDelta: -48, onHandDelta: 0, requireAvailable: 0, requireOnHand: 0 }]);
    expect(c.effects.account).toBeNull();
    expect(c.effects.messageJob).toBeNull();
    expect(c.effects.timeline).toEqual([{ at: o.reservation.expiresAt, event: 'note', by: SYSTEM, note: '超时未审核，已释放预占库存' }]);
    expect(releaseOrderReservation(c.order, o.reservation.expiresAt + HOUR)).toBeNull();
    expect(releaseOrderReservation(orderIn('confirmed'), o.reservation.expiresAt + HOUR)).toBeNull();
  });
});

describe('any sequence of changes keeps stock, account and order consistent (property)', () => {
  type Step =
    /** to: a status, or (a number) the n-th legal next status for the role, so most runs go far. */
    | { kind: 'move'; to: OrderStatus | number; role: Role }
    | { kind: 'node'; node: NodeKey; role: Role }
    | { kind: 'timer' }
    | { kind: 'expedite'; role: Role };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('move' as const), to: fc.constantFrom(...ORDER_STATUSES), role: fc.constantFrom(...ROLES) }),
    fc.record({ kind: fc.constant('move' as const), to: fc.nat(3), role: fc.constantFrom(...ROLES) }),
    fc.record({ kind: fc.constant('move' as const), to: fc.nat(3), role: fc.constantFrom(...ROLES) }),
    fc.record({ kind: fc.constant('node' as const), node: fc.constantFrom(...NODE_KEYS), role: fc.constantFrom(...ROLES) }),
    fc.record({ kind: fc.constant('timer' as const) }),
    fc.record({ kind: fc.constant('expedite' as const), role: fc.constantFrom(...ROLES) }),
  );

  it('sums of effects match the final order', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(step, { maxLength: 30 }), (mto, steps) => {
        const start = placed({ madeToOrder: mto });
        let order = start.order;
        const reserved = new Map<string, number>();
        const onHand = new Map<string, number>();
        let outstanding = 0;
        const add = (effects: { stock: StockEffect[]; account: { outstandingDelta: number } | null }) => {
          for (const s of effects.stock) {
            reserved.set(s.skuId, (reserved.get(s.skuId) ?? 0) + s.reservedDelta);
            onHand.set(s.skuId, (onHand.get(s.skuId) ?? 0) + s.onHandDelta);
          }
          outstanding += effects.account?.outstandingDelta ?? 0;
        };
        add(start.effects);
        let now = T0;
        for (const s of steps) {
          now += 7 * HOUR;
          const before = order;
          let change: OrderChange | null = null;
          try {
            if (s.kind === 'move') {
              const legal = nextStatuses(order.status, s.role, { madeToOrder: mto });
              const to = typeof s.to === 'number' ? legal[s.to % Math.max(1, legal.length)] : s.to;
              if (to) change = moveOrder(order, ACTORS[s.role], to, '', now);
            }
            else if (s.kind === 'node') change = recordOrderNode(order, ACTORS[s.role], { node: s.node, actualDate: null, note: '', photoUrl: null }, now);
            else if (s.kind === 'timer') change = releaseOrderReservation(order, now);
            else change = expediteOrder(order, ACTORS[s.role], '催', now);
          } catch (e) {
            if (!(e instanceof DomainError)) throw e;
          }
          if (!change) continue;
          if (change.order.status !== before.status) {
            expect(checkTransition(before.status, change.order.status, change.effects.timeline[0]!.by.role as Role, { madeToOrder: mto }).ok).toBe(true);
          }
          expect(change.order.timeline).toEqual([...before.timeline, ...change.effects.timeline]);
          expect({ ...before, ...change.changes }).toEqual(change.order);
          add(change.effects);
          order = change.order;
        }
        const state = order.reservation.state;
        for (const line of order.lines) {
          expect(reserved.get(line.skuId)).toBe(state === 'held' ? line.qty : 0);
          expect(onHand.get(line.skuId) ?? 0).toBe(state === 'consumed' ? -line.qty : 0);
        }
        expect(state === 'consumed').toBe(['shipped', 'delivered', 'completed'].includes(order.status));
        expect(outstanding).toBe(LIVE_STATUSES.includes(order.status) ? order.totalFen - order.paidFen : 0);
      }),
      { numRuns: 300 },
    );
  });
});
