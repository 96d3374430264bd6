import fc from 'fast-check';
import {
  changeOrderLines,
  confirmOrder,
  DomainError,
  newOrder,
  receiveDelivery,
  receiveOrder,
  recordOrderNode,
  shipDelivery,
  shipmentProgress,
  unshippedBySku,
  type Actor,
  type Order,
  type OrderChange,
  type PricedLine,
  type Sku,
  type StockEffect,
} from '@dinghuo/shared';
import { customer, sku } from './fixtures';

const sh = (y: number, m: number, d: number, hh = 12) => Date.UTC(y, m - 1, d, hh - 8);
const T0 = sh(2026, 3, 2, 10);
const HOUR = 3600_000;

const CUSTOMER: Actor = { openid: 'o_c', role: 'customer', name: '陈经理' };
const MERCH: Actor = { openid: 'o_m', role: 'merchandiser', name: '王敏' };
const SYSTEM: Actor = { role: 'system', name: '系统' };

const WATER = sku({ _id: 'sku_w', code: 'W1', name: '矿泉水', caseSize: 24, leadTimeDays: 3 });
const TEA = sku({ _id: 'sku_t', code: 'T1', name: '绿茶', caseSize: 12, leadTimeDays: 3 });
const CHAIR = sku({ _id: 'sku_c', code: 'C1', name: '椅子', madeToOrder: true, leadTimeDays: 10 });

type Line = { sku: Sku; priced: PricedLine };
const caseLine = (s: Sku, count: number, unitPriceFen = 4800): Line => ({
  sku: s,
  priced: { skuId: s._id, unit: 'case', count, qty: count * s.caseSize, unitPriceFen, amountFen: count * unitPriceFen, source: 'level' },
});
const total = (lines: Line[]) => lines.reduce((s, l) => s + l.priced.amountFen, 0);

function placed(lines: Line[] = [caseLine(WATER, 2), caseLine(TEA, 3, 3000)]): Order {
  return newOrder(
    {
      orderId: 'o_0123456789abcdef01234567',
      orderNo: 'DH26030212345678',
      requestId: 'req-00000001',
      customer: customer({ _id: 'cus_1', merchandiserId: 'stf_1' }),
      merchandiserName: '王敏',
      placedBy: CUSTOMER,
      lines,
      totalFen: total(lines),
      address: { contact: '陈', phone: '13800000000', address: '上海' },
      requestedDate: null,
      remark: '',
      reservationHours: 48,
    },
    T0,
  ).order;
}

const node = (n: 'qc' | 'shipment') => ({ node: n, actualDate: null, note: '', photoUrl: null });

function readyToShip(): Order {
  const confirmed = confirmOrder(placed(), MERCH, { leadTimeDays: 3, note: '' }, T0 + HOUR).order;
  return recordOrderNode(confirmed, MERCH, node('qc'), T0 + 2 * HOUR).order;
}

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof DomainError ? e.code : 'NOT_A_DOMAIN_ERROR';
  }
}

const delivery = (lines: { skuId: string; qty: number }[], trackingNo = 'SF1001') => ({ lines, carrier: '顺丰', trackingNo, note: '' });
const bySku = (stock: StockEffect[]) => Object.fromEntries(stock.map((s) => [s.skuId, s]));

describe('分批发货: deliveries', () => {
  it('a first delivery consumes exactly its quantities, keeps the order 待发货 and notifies the customer', () => {
    const order = readyToShip();
    const at = T0 + 3 * HOUR;
    const c = shipDelivery(order, MERCH, delivery([{ skuId: WATER._id, qty: 20 }]), at);
    expect(c.order.status).toBe('ready_to_ship');
    expect(c.order.reservation.state).toBe('held');
    expect(c.effects.stock).toEqual([{ skuId: WATER._id, reservedDelta: -20, onHandDelta: -20, requireAvailable: 0, requireOnHand: 20 }]);
    expect(c.order.shipments).toEqual([
      {
        no: 1,
        at,
        by: MERCH,
        carrier: '顺丰',
        trackingNo: 'SF1001',
        note: '',
        lines: [{ skuId: WATER._id, name: '矿泉水', spec: WATER.spec, qty: 20, baseUnit: WATER.baseUnit }],
        receivedAt: null,
        receivedBy: null,
      },
    ]);
    expect(c.effects.timeline).toEqual([{ at, event: 'shipment', by: MERCH, note: '第1批发货：顺丰 SF1001' }]);
    expect(c.effects.messageJob).toMatchObject({ orderId: order._id, payload: { status: 'shipped', note: '部分发货，第1批发货：顺丰 SF1001' } });
    expect(c.order.notification).toEqual({ status: 'pending', jobId: c.effects.messageJob!._id, at });
    expect(Object.keys(c.changes).sort()).toEqual(['lastChangeAt', 'notification', 'shipments', 'timeline', 'updatedAt']);
    expect(unshippedBySku(c.order)).toEqual(new Map([[WATER._id, 28], [TEA._id, 36]]));
  });

  it('the delivery that ships the rest moves the order to shipped, consuming only the rest', () => {
    const first = shipDelivery(readyToShip(), MERCH, delivery([{ skuId: WATER._id, qty: 20 }]), T0 + 3 * HOUR);
    const at = T0 + 5 * HOUR;
    const c = shipDelivery(first.order, MERCH, delivery([{ skuId: TEA._id, qty: 36 }, { skuId: WATER._id, qty: 28 }], 'YT22'), at);
    expect(c.order.status).toBe('shipped');
    expect(c.order.reservation.state).toBe('consumed');
    expect(bySku(c.effects.stock)).toEqual({
      [WATER._id]: { skuId: WATER._id, reservedDelta: -28, onHandDelta: -28, requireAvailable: 0, requireOnHand: 28 },
      [TEA._id]: { skuId: TEA._id, reservedDelta: -36, onHandDelta: -36, requireAvailable: 0, requireOnHand: 36 },
    });
    expect(c.order.nodes.find((n) => n.key === 'shipment')!.actualAt).toBe(at);
    expect(c.effects.timeline).toEqual([{ at, event: 'status', status: 'shipped', by: MERCH, note: '第2批发货（已全部发出）：顺丰 YT22' }]);
    expect(c.effects.messageJob!.payload.status).toBe('shipped');
    expect(c.effects.messageJob!._id).not.toBe(first.effects.messageJob!._id);
    expect(shipmentProgress(c.order)).toEqual({ orderedQty: 84, shippedQty: 84, deliveries: 2, received: 0 });
  });

  it('any split into deliveries consumes exactly what was ordered, and the order ships with the last one', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 48 }), fc.integer({ min: 0, max: 36 })), { minLength: 1, maxLength: 6 }), (steps) => {
        let order = readyToShip();
        const consumed = new Map<string, number>();
        let at = T0 + 3 * HOUR;
        for (const [w, t] of steps) {
          const left = unshippedBySku(order);
          const lines = [
            { skuId: WATER._id, qty: Math.min(w, left.get(WATER._id) ?? 0) },
            { skuId: TEA._id, qty: Math.min(t, left.get(TEA._id) ?? 0) },
          ].filter((l) => l.qty > 0);
          if (lines.length === 0) break;
          const c: OrderChange = shipDelivery(order, MERCH, delivery(lines), (at += HOUR));
          for (const s of c.effects.stock) {
            expect(s.onHandDelta).toBe(s.reservedDelta);
            consumed.set(s.skuId, (consumed.get(s.skuId) ?? 0) - s.onHandDelta);
          }
          order = c.order;
          expect(order.status).toBe(unshippedBySku(order).size === 0 ? 'shipped' : 'ready_to_ship');
          if (order.status === 'shipped') break;
        }
        const shipped = order.status === 'shipped';
        if (!shipped) {
          // the 出货 node ships the rest: the whole order is consumed once
          const rest = recordOrderNode(order, MERCH, node('shipment'), (at += HOUR));
          for (const s of rest.effects.stock) consumed.set(s.skuId, (consumed.get(s.skuId) ?? 0) - s.onHandDelta);
          order = rest.order;
        }
        expect(order.status).toBe('shipped');
        expect(consumed).toEqual(new Map([[WATER._id, 48], [TEA._id, 36]]));
      }),
      { numRuns: 60 },
    );
  });

  it('bad deliveries are refused with typed errors', () => {
    const order = readyToShip();
    const at = T0 + 3 * HOUR;
    expect(codeOf(() => shipDelivery(order, MERCH, delivery([]), at))).toBe('SHIPMENT_LINE_INVALID');
    expect(codeOf(() => shipDelivery(order, MERCH, delivery([{ skuId: 'sku_other', qty: 1 }]), at))).toBe('SHIPMENT_LINE_INVALID');
    expect(codeOf(() => shipDelivery(order, MERCH, delivery([{ skuId: WATER._id, qty: 1 }, { skuId: WATER._id, qty: 1 }]), at))).toBe('SHIPMENT_LINE_INVALID');
    expect(codeOf(() => shipDelivery(order, MERCH, delivery([{ skuId: WATER._id, qty: 49 }]), at))).toBe('SHIPMENT_EXCEEDS_ORDER');
    const first = shipDelivery(order, MERCH, delivery([{ skuId: WATER._id, qty: 40 }]), at).order;
    expect(codeOf(() => shipDelivery(first, MERCH, delivery([{ skuId: WATER._id, qty: 9 }]), at))).toBe('SHIPMENT_EXCEEDS_ORDER');
    expect(codeOf(() => shipDelivery(order, CUSTOMER, delivery([{ skuId: WATER._id, qty: 1 }]), at))).toBe('FORBIDDEN');
    expect(codeOf(() => shipDelivery(placed(), MERCH, delivery([{ skuId: WATER._id, qty: 1 }]), at))).toBe('ILLEGAL_TRANSITION');
  });

  it('the customer confirms receipt per delivery; the last receipt of a shipped order delivers it', () => {
    const one = shipDelivery(readyToShip(), MERCH, delivery([{ skuId: WATER._id, qty: 48 }]), T0 + 3 * HOUR).order;
    const r1 = receiveDelivery(one, CUSTOMER, 1, T0 + 4 * HOUR);
    expect(r1.order.status).toBe('ready_to_ship');
    expect(r1.order.shipments![0]).toMatchObject({ receivedAt: T0 + 4 * HOUR, receivedBy: CUSTOMER });
    expect(r1.effects.timeline).toEqual([{ at: T0 + 4 * HOUR, event: 'shipment', by: CUSTOMER, note: '客户确认收货（第1批）' }]);
    expect(r1.effects.messageJob).toBeNull();
    expect(codeOf(() => receiveDelivery(r1.order, CUSTOMER, 1, T0 + 5 * HOUR))).toBe('SHIPMENT_ALREADY_RECEIVED');
    expect(codeOf(() => receiveDelivery(r1.order, CUSTOMER, 2, T0 + 5 * HOUR))).toBe('SHIPMENT_NOT_FOUND');
    expect(codeOf(() => receiveDelivery(r1.order, SYSTEM, 1, T0 + 5 * HOUR))).toBe('FORBIDDEN');

    const two = shipDelivery(r1.order, MERCH, delivery([{ skuId: TEA._id, qty: 36 }]), T0 + 6 * HOUR).order;
    expect(two.status).toBe('shipped');
    const r2 = receiveDelivery(two, CUSTOMER, 2, T0 + 7 * HOUR);
    expect(r2.order.status).toBe('delivered');
    expect(r2.order.nodes.find((n) => n.key === 'delivery')!.actualAt).toBe(T0 + 7 * HOUR);
    expect(shipmentProgress(r2.order).received).toBe(2);
  });

  it('confirming receipt of the whole order marks every delivery received', () => {
    const one = shipDelivery(readyToShip(), MERCH, delivery([{ skuId: WATER._id, qty: 48 }]), T0 + 3 * HOUR).order;
    const two = shipDelivery(one, MERCH, delivery([{ skuId: TEA._id, qty: 36 }]), T0 + 4 * HOUR).order;
    const c = receiveOrder(two, CUSTOMER, T0 + 5 * HOUR);
    expect(c.order.status).toBe('delivered');
    expect(c.order.shipments!.map((s) => s.receivedAt)).toEqual([T0 + 5 * HOUR, T0 + 5 * HOUR]);
  });
});

describe('改单: order changes', () => {
  const credit = { creditLimitFen: null, outstandingFen: 0 };
  const confirmed = () => confirmOrder(placed(), MERCH, { leadTimeDays: 3, note: '' }, T0 + HOUR).order;

  it('the merchandiser changes quantities, adds and removes lines and moves the 交期: reservation, account, timeline, message', () => {
    const order = confirmed();
    const at = T0 + 2 * HOUR;
    const lines = [caseLine(WATER, 5), caseLine(CHAIR, 1, 10000)];
    const c = changeOrderLines(order, MERCH, { lines, totalFen: total(lines), dueDate: '2026-03-20', reason: '客户电话加单', credit }, at);
    expect(c.order.lines.map((l) => [l.skuId, l.qty])).toEqual([[WATER._id, 120], [CHAIR._id, CHAIR.caseSize]]);
    expect(c.order.totalFen).toBe(5 * 4800 + 10000);
    expect(c.order.dueDate).toBe('2026-03-20');
    expect(c.order.madeToOrder).toBe(true);
    expect(bySku(c.effects.stock)).toEqual({
      [WATER._id]: { skuId: WATER._id, reservedDelta: 72, onHandDelta: 0, requireAvailable: 72, requireOnHand: 0 },
      [TEA._id]: { skuId: TEA._id, reservedDelta: -36, onHandDelta: 0, requireAvailable: 0, requireOnHand: 0 },
      [CHAIR._id]: { skuId: CHAIR._id, reservedDelta: CHAIR.caseSize, onHandDelta: 0, requireAvailable: CHAIR.caseSize, requireOnHand: 0 },
    });
    expect(c.effects.account).toEqual({ customerId: 'cus_1', outstandingDelta: total(lines) - order.totalFen });
    expect(c.effects.timeline).toHaveLength(1);
    const [e] = c.effects.timeline;
    expect(e).toMatchObject({ at, event: 'change', by: MERCH });
    expect(e!.note).toContain('矿泉水 2→5');
    expect(e!.note).toContain('新增 椅子 1');
    expect(e!.note).toContain('删除 绿茶');
    expect(e!.note).toContain('交期');
    expect(e!.note).toContain('原因：客户电话加单');
    expect(c.effects.messageJob).toMatchObject({ customerId: 'cus_1', payload: { status: 'confirmed' } });
    expect(c.effects.messageJob!.payload.note).toMatch(/^订单已修改：/);
    expect(c.order.notification!.jobId).toBe(c.effects.messageJob!._id);
    expect(c.order.status).toBe('confirmed');
  });

  it('an increase must fit the credit limit; a decrease always passes', () => {
    const order = confirmed();
    const up = [caseLine(WATER, 10), caseLine(TEA, 3, 3000)];
    const tight = { creditLimitFen: 50_000, outstandingFen: order.totalFen };
    expect(codeOf(() => changeOrderLines(order, MERCH, { lines: up, totalFen: total(up), reason: '加量', credit: tight }, T0 + 2 * HOUR))).toBe(
      'CREDIT_LIMIT_EXCEEDED',
    );
    const down = [caseLine(WATER, 1)];
    const over = { creditLimitFen: 1, outstandingFen: 999_999 };
    const c = changeOrderLines(order, MERCH, { lines: down, totalFen: total(down), reason: '减量', credit: over }, T0 + 2 * HOUR);
    expect(c.effects.account!.outstandingDelta).toBe(total(down) - order.totalFen);
  });

  it('the customer may change its own order while unconfirmed, without a message to itself', () => {
    const order = placed();
    const lines = [caseLine(WATER, 3)];
    const c = changeOrderLines(order, CUSTOMER, { lines, totalFen: total(lines), requestedDate: '2026-03-10', reason: '少要一点', credit }, T0 + HOUR);
    expect(c.order.status).toBe('submitted');
    expect(c.order.requestedDate).toBe('2026-03-10');
    expect(c.effects.messageJob).toBeNull();
    expect(c.effects.timeline[0]!.note).toMatch(/^客户申请改单：/);
    expect(codeOf(() => changeOrderLines(confirmed(), CUSTOMER, { lines, totalFen: total(lines), reason: 'x', credit }, T0 + 2 * HOUR))).toBe(
      'ORDER_CHANGE_NOT_ALLOWED',
    );
    expect(codeOf(() => changeOrderLines(order, CUSTOMER, { lines, totalFen: total(lines), dueDate: '2026-03-20', reason: 'x', credit }, T0))).toBe('FORBIDDEN');
  });

  it('refuses a change after a delivery, an unchanged order, a past 交期, and moves no stock without a held reservation', () => {
    const ready = recordOrderNode(confirmed(), MERCH, node('qc'), T0 + 2 * HOUR).order;
    const shippedOnce = shipDelivery(ready, MERCH, delivery([{ skuId: WATER._id, qty: 1 }]), T0 + 3 * HOUR).order;
    const lines = [caseLine(WATER, 3)];
    const input = { lines, totalFen: total(lines), reason: '改', credit };
    expect(codeOf(() => changeOrderLines(shippedOnce, MERCH, input, T0 + 4 * HOUR))).toBe('ORDER_CHANGE_NOT_ALLOWED');
    const same = [caseLine(WATER, 2), caseLine(TEA, 3, 3000)];
    expect(codeOf(() => changeOrderLines(confirmed(), MERCH, { ...input, lines: same, totalFen: total(same) }, T0 + 4 * HOUR))).toBe('ORDER_UNCHANGED');
    expect(codeOf(() => changeOrderLines(confirmed(), MERCH, { ...input, dueDate: '2026-03-01' }, T0 + 4 * HOUR))).toBe('DUE_DATE_INVALID');
    expect(codeOf(() => changeOrderLines(confirmed(), SYSTEM, input, T0 + 4 * HOUR))).toBe('FORBIDDEN');
    const released = { ...placed(), reservation: { state: 'released' as const, expiresAt: T0 } };
    expect(changeOrderLines(released, MERCH, input, T0 + 4 * HOUR).effects.stock).toEqual([]);
  });
});
