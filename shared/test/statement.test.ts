import fc from 'fast-check';
import {
  buildMonthlyReport,
  buildStatement,
  emptyNodes,
  exportFileName,
  monthBounds,
  paidAt,
  shippedAt,
  type Order,
  type OrderException,
  type OrderStatus,
} from '../src';

const at = (iso: string) => Date.parse(iso);
const CUS = { _id: 'cus_1', code: 'C1', name: '华联超市' };

let seq = 0;
/** An order placed at `placed`, optionally shipped and paid at the given instants. */
function order(placed: string, totalFen: number, opts: { shipped?: string; paid?: string; status?: OrderStatus; customerId?: string; lines?: Order['lines'] } = {}): Order {
  seq += 1;
  const status: OrderStatus = opts.status ?? (opts.paid ? 'completed' : opts.shipped ? 'shipped' : 'confirmed');
  const createdAt = at(placed);
  const nodes = emptyNodes().map((n) =>
    n.key === 'shipment' && opts.shipped ? { ...n, actualAt: at(opts.shipped) } : n.key === 'payment' && opts.paid ? { ...n, actualAt: at(opts.paid) } : n,
  );
  return {
    _id: `o_${seq}`,
    orderNo: `DH${String(seq).padStart(4, '0')}`,
    requestId: `r${seq}`,
    customerId: opts.customerId ?? CUS._id,
    customer: { name: opts.customerId ?? CUS.name, code: opts.customerId ?? CUS.code, levelId: 'lv' },
    merchandiserId: 'stf_1',
    merchandiser: { name: '王敏' },
    placedBy: { role: 'customer', name: 'x' },
    status,
    lines: opts.lines ?? [
      { skuId: 'sku_a', skuCode: 'A', name: '水', spec: '', unit: 'piece', count: 1, qty: 1, baseUnit: '瓶', caseUnit: '箱', caseSize: 1, unitPriceFen: totalFen, amountFen: totalFen, priceSource: 'level' },
    ],
    totalFen,
    paidFen: opts.paid ? totalFen : 0,
    address: { contact: '', phone: '', address: '' },
    requestedDate: null,
    remark: '',
    madeToOrder: false,
    dueDate: null,
    nodes,
    timeline: [],
    reservation: { state: 'held', expiresAt: 0 },
    openExceptions: 0,
    expediteCount: 0,
    notification: null,
    createdAt,
    updatedAt: createdAt,
    lastChangeAt: createdAt,
    createdDate: '',
    createdMonth: '',
  };
}

describe('month boundaries in Asia/Shanghai', () => {
  it('starts a month at 00:00 Shanghai (16:00 UTC the day before)', () => {
    const b = monthBounds('2026-11');
    expect(new Date(b.start).toISOString()).toBe('2026-10-31T16:00:00.000Z');
    expect(new Date(b.end).toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect([b.firstDate, b.lastDate]).toEqual(['2026-11-01', '2026-11-30']);
    expect(monthBounds('2028-02').lastDate).toBe('2028-02-29');
    expect(new Date(monthBounds('2026-12').end).toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(() => monthBounds('2026-13')).toThrow();
  });
});

describe('a customer statement', () => {
  it('counts an order placed at 00:10 on the 1st in Shanghai in that month, not the one before', () => {
    const early = order('2026-10-31T16:10:00Z', 1000); // 2026-11-01 00:10 Shanghai
    const late = order('2026-11-30T16:30:00Z', 2000); // 2026-12-01 00:30 Shanghai
    const s = buildStatement(CUS, '王敏', '2026-11', [early, late], 0);
    expect(s.totals).toMatchObject({ orderCount: 1, orderedFen: 1000 });
    expect(s.lines.map((l) => l.orderId)).toEqual([early._id]);
    expect(buildStatement(CUS, '', '2026-10', [early, late], 0).totals.orderCount).toBe(0);
  });

  it('carries what was shipped and not paid into the next month, and clears it when paid', () => {
    const a = order('2026-10-20T02:00:00Z', 5000, { shipped: '2026-10-25T02:00:00Z', paid: '2026-11-10T02:00:00Z' });
    const b = order('2026-11-03T02:00:00Z', 3000, { shipped: '2026-11-05T02:00:00Z' });
    const c = order('2026-11-06T02:00:00Z', 700);
    const d = order('2026-11-07T02:00:00Z', 900, { status: 'cancelled' });
    const s = buildStatement(CUS, '王敏', '2026-11', [a, b, c, d], 0);
    expect(s.totals).toEqual({ orderCount: 2, orderedFen: 3700, shippedFen: 3000, paidFen: 5000, onAccountFen: 0, openingFen: 5000, closingFen: 3000 });
    const byId = new Map(s.lines.map((l) => [l.orderId, l]));
    expect(byId.get(a._id)).toMatchObject({ shippedInMonthFen: 0, paidInMonthFen: 5000, unpaidAtEndFen: 0, shippedDate: '2026-10-25', paidDate: '2026-11-10' });
    expect(byId.get(b._id)).toMatchObject({ shippedInMonthFen: 3000, unpaidAtEndFen: 3000 });
    expect(byId.get(c._id)).toMatchObject({ shippedDate: null, unpaidAtEndFen: 0 });
    expect(byId.has(d._id)).toBe(false);
    // December opens with November's closing.
    expect(buildStatement(CUS, '', '2026-12', [a, b, c, d], 0).totals.openingFen).toBe(s.totals.closingFen);
  });

  it('keeps closing = opening + shipped − paid, and one month’s closing is the next one’s opening (property)', () => {
    const month = fc.integer({ min: 0, max: 5 });
    const orderArb = fc.record({ placed: month, ship: fc.option(fc.integer({ min: 0, max: 3 })), pay: fc.option(fc.integer({ min: 0, max: 3 })), total: fc.integer({ min: 1, max: 1_000_000 }) });
    fc.assert(
      fc.property(fc.array(orderArb, { maxLength: 12 }), (specs) => {
        const m = (i: number) => `2026-${String(i + 1).padStart(2, '0')}-15T04:00:00Z`;
        const orders = specs.map((sp) => {
          const shipM = sp.ship === null ? null : sp.placed + sp.ship;
          const payM = shipM === null || sp.pay === null ? null : shipM + sp.pay;
          return order(m(sp.placed), sp.total, { ...(shipM !== null ? { shipped: m(shipM) } : {}), ...(payM !== null ? { paid: m(payM) } : {}) });
        });
        let previousClosing = 0;
        for (let i = 0; i < 10; i++) {
          const t = buildStatement(CUS, '', `2026-${String(i + 1).padStart(2, '0')}`, orders, 0).totals;
          if (t.closingFen !== t.openingFen + t.shippedFen - t.paidFen) return false;
          if (t.openingFen !== previousClosing) return false;
          previousClosing = t.closingFen;
        }
        return true;
      }),
    );
  });

  it('ignores other customers’ orders', () => {
    const s = buildStatement(CUS, '', '2026-11', [order('2026-11-03T02:00:00Z', 100, { customerId: 'cus_2' })], 0);
    expect(s.lines).toEqual([]);
  });

  it('falls back to the status timeline when the nodes carry no dates', () => {
    const o = { ...order('2026-11-03T02:00:00Z', 100, { status: 'shipped' }), timeline: [{ at: at('2026-11-04T02:00:00Z'), event: 'status' as const, status: 'shipped' as const, by: { role: 'system' as const, name: '' }, note: '' }] };
    expect(shippedAt(o)).toBe(at('2026-11-04T02:00:00Z'));
    expect(paidAt(o)).toBeNull();
  });
});

describe('the supplier monthly report', () => {
  it('adds orders, shipments and payments by customer and quantities by product; lists the month’s exceptions', () => {
    const line = (skuId: string, qty: number, amountFen: number) => ({ skuId, skuCode: skuId.toUpperCase(), name: skuId, spec: '', unit: 'piece' as const, count: qty, qty, baseUnit: '件', caseUnit: '箱', caseSize: 1, unitPriceFen: amountFen / qty, amountFen, priceSource: 'level' as const });
    const o1 = order('2026-11-02T02:00:00Z', 1000, { lines: [line('a', 10, 600), line('b', 2, 400)], shipped: '2026-11-04T02:00:00Z' });
    const o2 = order('2026-11-05T02:00:00Z', 500, { customerId: 'cus_2', lines: [line('a', 5, 500)] });
    const o3 = order('2026-10-20T02:00:00Z', 800, { lines: [line('b', 8, 800)], shipped: '2026-11-01T02:00:00Z', paid: '2026-11-20T02:00:00Z' });
    const ex = (openedAt: string, status: 'open' | 'resolved'): OrderException => ({
      _id: `ex_${openedAt}`, orderId: o1._id, orderNo: o1.orderNo, customerId: 'cus_1', merchandiserId: 'stf_1', kind: 'delay', severity: 'high', description: '延期', owner: '王敏', status, resolution: '', openedBy: { role: 'merchandiser', name: '王敏' }, openedAt: at(openedAt), resolvedBy: null, resolvedAt: null,
    });
    const r = buildMonthlyReport('2026-11', [o1, o2, o3, o1], [ex('2026-11-03T02:00:00Z', 'open'), ex('2026-11-04T02:00:00Z', 'resolved'), ex('2026-12-01T02:00:00Z', 'open')], new Map([['cus_1', '华联超市']]), 0);
    const c1 = r.byCustomer.find((c) => c.customerId === 'cus_1')!;
    expect(c1).toMatchObject({ orderCount: 1, orderedFen: 1000, shippedCount: 2, shippedFen: 1800, paidFen: 800 });
    expect(r.totals).toMatchObject({ orderCount: 2, orderedFen: 1500, shippedFen: 1800, paidFen: 800, exceptionCount: 2, openExceptionCount: 1 });
    expect(r.byProduct).toEqual([
      { skuId: 'a', skuCode: 'A', name: 'a', spec: '', baseUnit: '件', orderedQty: 15, orderedFen: 1100, shippedQty: 10, shippedFen: 600 },
      { skuId: 'b', skuCode: 'B', name: 'b', spec: '', baseUnit: '件', orderedQty: 2, orderedFen: 400, shippedQty: 10, shippedFen: 1200 },
    ]);
    expect(r.exceptions.map((e) => [e.customerName, e.kindLabel, e.severityLabel, e.statusLabel])).toEqual([
      ['华联超市', '延期', '严重', '未解决'],
      ['华联超市', '延期', '严重', '已解决'],
    ]);
  });

  it('makes a file name safe for any file system', () => {
    expect(exportFileName('对账单', '华联 超市/二店', '2026-11')).toBe('对账单-华联_超市_二店-2026-11.xlsx');
  });
});
