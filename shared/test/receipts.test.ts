import fc from 'fast-check';
import {
  buildMonthlyReport,
  allocateReceipt,
  planOnAccountApplication,
  sameApplicationRequest,
  type AccountApplication,
  buildReceiptsReport,
  buildStatement,
  commissionFen,
  confirmationState,
  emptyNodes,
  formatRateBp,
  monthBounds,
  type Order,
  type OrderStatus,
  type Receipt,
} from '../src';

const at = (iso: string) => Date.parse(iso);
const CUS = { _id: 'cus_1', code: 'C1', name: '华联超市' };

let seq = 0;
function order(placed: string, totalFen: number, opts: { shipped?: string; paidFen?: string | number; status?: OrderStatus; customerId?: string } = {}): Order {
  seq += 1;
  const createdAt = at(placed);
  return {
    _id: `o_${seq}`,
    orderNo: `DH${String(seq).padStart(4, '0')}`,
    requestId: `r${seq}`,
    customerId: opts.customerId ?? CUS._id,
    customer: { name: CUS.name, code: CUS.code, levelId: 'lv' },
    merchandiserId: 'stf_1',
    merchandiser: { name: '王敏' },
    placedBy: { role: 'customer', name: 'x' },
    status: opts.status ?? (opts.shipped ? 'shipped' : 'confirmed'),
    lines: [{ skuId: 'sku_a', skuCode: 'A', name: '水', spec: '', unit: 'piece', count: 1, qty: 1, baseUnit: '瓶', caseUnit: '箱', caseSize: 1, unitPriceFen: totalFen, amountFen: totalFen, priceSource: 'level' }],
    totalFen,
    paidFen: typeof opts.paidFen === 'number' ? opts.paidFen : 0,
    address: { contact: '', phone: '', address: '' },
    requestedDate: null,
    remark: '',
    madeToOrder: false,
    dueDate: null,
    nodes: emptyNodes().map((n) => (n.key === 'shipment' && opts.shipped ? { ...n, actualAt: at(opts.shipped) } : n)),
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

function receipt(date: string, amountFen: number, allocations: [Order, number][], opts: { merch?: string; method?: Receipt['method']; customerId?: string } = {}): Receipt {
  seq += 1;
  const allocated = allocations.reduce((n, [, f]) => n + f, 0);
  return {
    _id: `rc_${seq}`,
    requestId: `req${seq}`,
    customerId: opts.customerId ?? CUS._id,
    customer: { code: opts.customerId ?? CUS.code, name: opts.customerId ?? CUS.name },
    merchandiserId: opts.merch ?? 'stf_wang',
    merchandiser: { name: opts.merch === 'stf_li' ? '李强' : '王敏' },
    amountFen,
    method: opts.method ?? 'bank',
    date,
    month: date.slice(0, 7),
    receivedAt: at(`${date}T04:00:00Z`),
    reference: `B${seq}`,
    note: '',
    allocations: allocations.map(([o, f]) => ({ orderId: o._id, orderNo: o.orderNo, amountFen: f })),
    onAccountFen: amountFen - allocated,
    by: { role: 'merchandiser', name: '王敏' },
    at: at(`${date}T05:00:00Z`),
  };
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return null;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
};

describe('allocateReceipt (收款核销)', () => {
  const shippedOld = order('2026-10-01T02:00:00Z', 10_000, { shipped: '2026-10-05T02:00:00Z' });
  const shippedNew = order('2026-09-01T02:00:00Z', 20_000, { shipped: '2026-10-20T02:00:00Z', paidFen: 5_000 });
  const unshipped = order('2026-08-01T02:00:00Z', 30_000);
  const cancelled = order('2026-10-02T02:00:00Z', 7_000, { status: 'cancelled' });
  const other = order('2026-10-02T02:00:00Z', 7_000, { customerId: 'cus_2' });
  const all = [unshipped, cancelled, shippedNew, other, shippedOld];

  it('auto pays shipped orders by shipping date, then unshipped ones, and keeps the rest on account', () => {
    expect(allocateReceipt('cus_1', 12_000, 'auto', [], all)).toEqual({
      allocations: [
        { orderId: shippedOld._id, orderNo: shippedOld.orderNo, amountFen: 10_000 },
        { orderId: shippedNew._id, orderNo: shippedNew.orderNo, amountFen: 2_000 },
      ],
      onAccountFen: 0,
    });
    const big = allocateReceipt('cus_1', 60_000, 'auto', [], all);
    expect(big.allocations.map((a) => [a.orderId, a.amountFen])).toEqual([[shippedOld._id, 10_000], [shippedNew._id, 15_000], [unshipped._id, 30_000]]);
    expect(big.onAccountFen).toBe(5_000);
  });

  it('pays the orders named, up to what each still owes, the rest on account; all on account', () => {
    const plan = allocateReceipt('cus_1', 20_000, 'orders', [{ orderId: shippedNew._id, amountFen: 15_000 }, { orderId: unshipped._id, amountFen: 1_000 }], all);
    expect(plan.allocations.map((a) => a.amountFen)).toEqual([15_000, 1_000]);
    expect(plan.onAccountFen).toBe(4_000);
    expect(allocateReceipt('cus_1', 500, 'account', [], all)).toEqual({ allocations: [], onAccountFen: 500 });
  });

  it('refuses what cannot be paid, with a typed error', () => {
    const one = (orderId: string, amountFen: number, amount = 100_000) => codeOf(() => allocateReceipt('cus_1', amount, 'orders', [{ orderId, amountFen }], all));
    expect(one(shippedNew._id, 15_001)).toBe('ALLOCATION_EXCEEDS_UNPAID');
    expect(one(cancelled._id, 100)).toBe('RECEIPT_ALLOCATION_INVALID');
    expect(one(other._id, 100)).toBe('RECEIPT_ALLOCATION_INVALID');
    expect(one('o_missing', 100)).toBe('RECEIPT_ALLOCATION_INVALID');
    expect(one(shippedOld._id, 10_000, 9_999)).toBe('RECEIPT_OVER_ALLOCATED');
    expect(codeOf(() => allocateReceipt('cus_1', 100, 'orders', [{ orderId: shippedOld._id, amountFen: 50 }, { orderId: shippedOld._id, amountFen: 50 }], all))).toBe('RECEIPT_ALLOCATION_INVALID');
    expect(codeOf(() => allocateReceipt('cus_1', 100, 'orders', [], all))).toBe('RECEIPT_ALLOCATION_INVALID');
    expect(codeOf(() => allocateReceipt('cus_1', 100, 'account', [{ orderId: shippedOld._id, amountFen: 50 }], all))).toBe('RECEIPT_ALLOCATION_INVALID');
    expect(codeOf(() => allocateReceipt('cus_1', 0, 'auto', [], all))).toBe('VALIDATION_FAILED');
  });

  it('auto: every fen lands somewhere, no order gets more than it owes, only the customer’s live orders', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 50_000 }), fc.integer({ min: 0, max: 100 }), fc.boolean()), { maxLength: 8 }), fc.integer({ min: 1, max: 300_000 }), (specs, amount) => {
        const orders = specs.map(([total, paidPct, cancel]) =>
          order('2026-10-01T02:00:00Z', total, { paidFen: Math.floor((total * paidPct) / 100), ...(cancel ? { status: 'cancelled' as const } : {}) }),
        );
        const plan = allocateReceipt('cus_1', amount, 'auto', [], orders);
        const owed = orders.reduce((n, o) => n + (o.status === 'cancelled' ? 0 : o.totalFen - o.paidFen), 0);
        expect(plan.allocations.reduce((n, a) => n + a.amountFen, 0) + plan.onAccountFen).toBe(amount);
        expect(plan.onAccountFen).toBe(Math.max(0, amount - owed));
        for (const a of plan.allocations) {
          const o = orders.find((x) => x._id === a.orderId)!;
          expect(o.status).not.toBe('cancelled');
          expect(a.amountFen).toBeGreaterThan(0);
          expect(a.amountFen).toBeLessThanOrEqual(o.totalFen - o.paidFen);
        }
      }),
    );
  });
});

describe('applying money on account (冲抵预收)', () => {
  const shipped = order('2026-10-01T02:00:00Z', 10_000, { shipped: '2026-10-05T02:00:00Z' });
  const later = order('2026-10-03T02:00:00Z', 6_000, { paidFen: 1_000 });
  const cancelled = order('2026-10-02T02:00:00Z', 7_000, { status: 'cancelled' });
  const all = [later, cancelled, shipped];
  const auto = (amountFen?: number) => ({ mode: 'auto' as const, amountFen, allocations: [] });

  it('auto applies the whole balance, or the amount asked, oldest shipped first', () => {
    expect(planOnAccountApplication('cus_1', 12_000, auto(), all).map((a) => [a.orderId, a.amountFen])).toEqual([[shipped._id, 10_000], [later._id, 2_000]]);
    expect(planOnAccountApplication('cus_1', 12_000, auto(3_000), all).map((a) => [a.orderId, a.amountFen])).toEqual([[shipped._id, 3_000]]);
    // more balance than the orders owe: only what they owe is applied, the rest stays on account
    expect(planOnAccountApplication('cus_1', 99_000, auto(), all).reduce((n, a) => n + a.amountFen, 0)).toBe(15_000);
  });

  it('orders: the amounts named, within the balance and what each owes', () => {
    const plan = planOnAccountApplication('cus_1', 6_000, { mode: 'orders', allocations: [{ orderId: later._id, amountFen: 5_000 }, { orderId: shipped._id, amountFen: 1_000 }] }, all);
    expect(plan.map((a) => [a.orderId, a.amountFen])).toEqual([[later._id, 5_000], [shipped._id, 1_000]]);
  });

  it('refuses an empty or short balance, nothing to pay, and bad allocations', () => {
    expect(codeOf(() => planOnAccountApplication('cus_1', 0, auto(), all))).toBe('ON_ACCOUNT_EMPTY');
    expect(codeOf(() => planOnAccountApplication('cus_1', -5, auto(), all))).toBe('ON_ACCOUNT_EMPTY');
    expect(codeOf(() => planOnAccountApplication('cus_1', 2_000, auto(2_001), all))).toBe('ON_ACCOUNT_INSUFFICIENT');
    expect(codeOf(() => planOnAccountApplication('cus_1', 2_000, auto(), [cancelled]))).toBe('NOTHING_TO_APPLY');
    expect(codeOf(() => planOnAccountApplication('cus_1', 2_000, { mode: 'orders', allocations: [{ orderId: shipped._id, amountFen: 2_001 }] }, all))).toBe('ON_ACCOUNT_INSUFFICIENT');
    expect(codeOf(() => planOnAccountApplication('cus_1', 9_000, { mode: 'orders', allocations: [{ orderId: later._id, amountFen: 5_001 }] }, all))).toBe('ALLOCATION_EXCEEDS_UNPAID');
    expect(codeOf(() => planOnAccountApplication('cus_1', 9_000, { mode: 'orders', allocations: [{ orderId: cancelled._id, amountFen: 1 }] }, all))).toBe('RECEIPT_ALLOCATION_INVALID');
    expect(codeOf(() => planOnAccountApplication('cus_1', 9_000, { mode: 'orders', allocations: [] }, all))).toBe('RECEIPT_ALLOCATION_INVALID');
    expect(codeOf(() => planOnAccountApplication('cus_1', 9_000, { mode: 'auto', allocations: [{ orderId: later._id, amountFen: 1 }] }, all))).toBe('RECEIPT_ALLOCATION_INVALID');
  });

  it('never applies more than the balance nor more than an order owes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 50_000 }), fc.integer({ min: 0, max: 100 })), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 200_000 }), (specs, balance) => {
        const orders = specs.map(([total, pct]) => order('2026-10-01T02:00:00Z', total, { paidFen: Math.floor((total * pct) / 100) }));
        const owed = orders.reduce((n, o) => n + o.totalFen - o.paidFen, 0);
        if (owed === 0) return;
        const plan = planOnAccountApplication('cus_1', balance, auto(), orders);
        expect(plan.reduce((n, a) => n + a.amountFen, 0)).toBe(Math.min(balance, owed));
        for (const a of plan) expect(a.amountFen).toBeLessThanOrEqual(orders.find((o) => o._id === a.orderId)!.totalFen - orders.find((o) => o._id === a.orderId)!.paidFen);
      }),
    );
  });

  it('a retry is the same request only with the same mode and amounts', () => {
    const ap = { customerId: 'cus_1', requested: { mode: 'auto', amountFen: null }, allocations: [{ orderId: 'o1', orderNo: 'D1', amountFen: 5 }] } as unknown as AccountApplication;
    expect(sameApplicationRequest(ap, { requestId: 'x', customerId: 'cus_1', mode: 'auto', allocations: [], note: '' })).toBe(true);
    expect(sameApplicationRequest(ap, { requestId: 'x', customerId: 'cus_1', mode: 'auto', amountFen: 5, allocations: [], note: '' })).toBe(false);
    expect(sameApplicationRequest(ap, { requestId: 'x', customerId: 'cus_1', mode: 'orders', allocations: [{ orderId: 'o1', amountFen: 5 }], note: '' })).toBe(false);
    const byOrders = { ...ap, requested: { mode: 'orders', amountFen: null } } as AccountApplication;
    expect(sameApplicationRequest(byOrders, { requestId: 'x', customerId: 'cus_1', mode: 'orders', allocations: [{ orderId: 'o1', amountFen: 5 }], note: '' })).toBe(true);
    expect(sameApplicationRequest(byOrders, { requestId: 'x', customerId: 'cus_1', mode: 'orders', allocations: [{ orderId: 'o1', amountFen: 6 }], note: '' })).toBe(false);
  });
});

describe('statement with receipts (对账单)', () => {
  it('opening, deliveries, receipts (allocated and on account) and closing for the month', () => {
    const A = order('2026-10-01T02:00:00Z', 10_000, { shipped: '2026-10-10T02:00:00Z', status: 'delivered', paidFen: 10_000 });
    const B = order('2026-11-02T02:00:00Z', 8_000, { shipped: '2026-11-05T02:00:00Z', paidFen: 3_000 });
    const C = order('2026-11-20T02:00:00Z', 5_000);
    const r1 = receipt('2026-10-30', 4_000, [[A, 4_000]]); // October: before November
    const r2 = receipt('2026-11-06', 9_000, [[A, 6_000], [B, 3_000]]);
    const r3 = receipt('2026-11-25', 1_500, []); // on account
    const r4 = receipt('2026-12-02', 100, [], { customerId: 'cus_2' });
    const s = buildStatement(CUS, '王敏', '2026-11', [A, B, C], at('2026-11-28T02:00:00Z'), [r1, r2, r3, r4]);
    expect(s.totals).toEqual({
      orderCount: 2,
      orderedFen: 13_000,
      shippedFen: 8_000,
      paidFen: 10_500,
      onAccountFen: 1_500,
      openingFen: 10_000 - 4_000,
      closingFen: 6_000 + 8_000 - 10_500,
    });
    expect(s.deliveries).toEqual([{ orderId: B._id, orderNo: B.orderNo, date: '2026-11-05', amountFen: 8_000 }]);
    expect(s.receipts.map((r) => [r.date, r.amountFen, r.onAccountFen, r.orderNos])).toEqual([
      ['2026-11-06', 9_000, 0, [A.orderNo, B.orderNo]],
      ['2026-11-25', 1_500, 1_500, []],
    ]);
    const a = s.lines.find((l) => l.orderId === A._id)!;
    expect(a).toMatchObject({ paidInMonthFen: 6_000, unpaidAtEndFen: 0, paidDate: '2026-11-06' });
    expect(s.lines.find((l) => l.orderId === B._id)).toMatchObject({ paidInMonthFen: 3_000, unpaidAtEndFen: 5_000, shippedInMonthFen: 8_000 });
    expect(s.confirmation.state).toBe('open');
    // October: A shipped, 4,000 received → closes at 6,000, November's opening.
    const oct = buildStatement(CUS, '王敏', '2026-10', [A, B, C], at('2026-11-28T02:00:00Z'), [r1, r2, r3]);
    expect(oct.totals.closingFen).toBe(s.totals.openingFen);
    expect(oct.confirmation.state).toBe('confirmable');
  });

  it('an order paid before receipts existed counts the rest of its paidFen on its 回款 date', () => {
    const legacy = order('2026-10-01T02:00:00Z', 10_000, { shipped: '2026-10-02T02:00:00Z', status: 'completed', paidFen: 10_000 });
    legacy.nodes = legacy.nodes.map((n) => (n.key === 'payment' ? { ...n, actualAt: at('2026-11-03T02:00:00Z') } : n));
    const s = buildStatement(CUS, '王敏', '2026-11', [legacy], at('2026-12-01T02:00:00Z'), []);
    expect(s.totals).toMatchObject({ openingFen: 10_000, paidFen: 10_000, closingFen: 0 });
  });

  it('money on account applied later pays the order on the application date and is not received twice', () => {
    const A = order('2026-11-02T02:00:00Z', 8_000, { shipped: '2026-11-05T02:00:00Z', paidFen: 8_000 });
    const r = receipt('2026-10-20', 8_000, []); // all on account, in October
    const ap = {
      _id: 'ap_1', requestId: 'q', customerId: CUS._id, customer: { code: 'C1', name: CUS.name }, merchandiserId: 'stf_1', amountFen: 8_000,
      allocations: [{ orderId: A._id, orderNo: A.orderNo, amountFen: 8_000 }], appliedAt: at('2026-11-10T02:00:00Z'), date: '2026-11-10', month: '2026-11',
      note: '', requested: { mode: 'auto', amountFen: null }, by: { role: 'merchandiser', name: '王敏' }, at: at('2026-11-10T02:00:00Z'),
    } as AccountApplication;
    const s = buildStatement(CUS, '王敏', '2026-11', [A], at('2026-12-01T02:00:00Z'), [r], null, [ap]);
    expect(s.totals).toMatchObject({ openingFen: -8_000, shippedFen: 8_000, paidFen: 0, closingFen: 0 });
    expect(s.lines.find((l) => l.orderId === A._id)).toMatchObject({ paidInMonthFen: 8_000, unpaidAtEndFen: 0, paidDate: '2026-11-10' });
    // without the application, A's paidFen would look paid before receipts existed and be counted again
    expect(buildStatement(CUS, '王敏', '2026-11', [A], at('2026-12-01T02:00:00Z'), [r]).totals.closingFen).not.toBe(0);
  });

  it('a confirmation is confirmed while the closing balance matches, changed when it does not', () => {
    const end = monthBounds('2026-11').end;
    expect(confirmationState(end, 500, null, end - 1)).toBe('open');
    expect(confirmationState(end, 500, null, end)).toBe('confirmable');
    expect(confirmationState(end, 500, { closingFen: 500 }, end + 1)).toBe('confirmed');
    expect(confirmationState(end, 400, { closingFen: 500 }, end + 1)).toBe('changed');
  });
});

describe('the monthly report’s 回款 from the receipts (exact for part-paid orders)', () => {
  it('counts each allocation in its own month, money on account when applied, and paidFen no receipt explains on its 回款 date', () => {
    const part = order('2026-10-01T02:00:00Z', 10_000, { shipped: '2026-10-05T02:00:00Z', paidFen: 8_000 });
    const r1 = receipt('2026-10-20', 3_000, [[part, 3_000]]);
    const r2 = receipt('2026-11-06', 4_500, [[part, 4_000]]); // 500 on account
    const ap = {
      _id: 'ap_9', requestId: 'q9', customerId: CUS._id, customer: { code: 'C1', name: CUS.name }, merchandiserId: 'stf_wang', merchandiser: { name: '王敏' }, amountFen: 1_000,
      allocations: [{ orderId: part._id, orderNo: part.orderNo, amountFen: 1_000 }], appliedAt: at('2026-11-10T02:00:00Z'), date: '2026-11-10', month: '2026-11',
      note: '', requested: { mode: 'auto', amountFen: null }, by: { role: 'merchandiser', name: '王敏' }, at: at('2026-11-10T02:00:00Z'),
    } as AccountApplication;
    // paid before receipts existed: 回款 node in November, no receipt
    const legacy = order('2026-10-02T02:00:00Z', 2_000, { shipped: '2026-10-03T02:00:00Z', paidFen: 2_000, status: 'completed' });
    legacy.nodes = legacy.nodes.map((n) => (n.key === 'payment' ? { ...n, actualAt: at('2026-11-03T02:00:00Z') } : n));
    // another customer's receipt to an order the report did not read (placed long before)
    const old = order('2024-01-01T02:00:00Z', 900, { customerId: 'cus_2', shipped: '2024-01-02T02:00:00Z' });
    const r3 = receipt('2026-11-12', 900, [[old, 900]], { customerId: 'cus_2', merch: 'stf_li' });
    const payments = { receipts: [r1, r2, r3], applications: [ap] };
    const nov = buildMonthlyReport('2026-11', [part, legacy], [], new Map(), 0, payments);
    expect(nov.byCustomer.map((c) => [c.customerId, c.paidFen, c.merchandiserName])).toEqual([[CUS._id, 4_000 + 1_000 + 2_000, '王敏'], ['cus_2', 900, '李强']]);
    expect(nov.totals.paidFen).toBe(7_900);
    const oct = buildMonthlyReport('2026-10', [part, legacy], [], new Map(), 0, payments);
    expect(oct.byCustomer.find((c) => c.customerId === CUS._id)!.paidFen).toBe(3_000);
    // without the payments: the approximation (a part-paid order's whole paidFen in one month)
    expect(buildMonthlyReport('2026-11', [part, legacy], [], new Map(), 0).totals.paidFen).not.toBe(7_000);
  });
});

describe('commission (提成) and the receipts report (货款回笼)', () => {
  it('rounds half up to the fen', () => {
    expect(commissionFen(12_345, 100)).toBe(123); // 123.45
    expect(commissionFen(12_350, 100)).toBe(124); // 123.5
    expect(commissionFen(1_000_000, 150)).toBe(15_000);
    expect(commissionFen(0, 300)).toBe(0);
    expect(formatRateBp(150)).toBe('1.5%');
    expect(formatRateBp(100)).toBe('1%');
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 10_000 }), (fen, bp) => {
      const c = commissionFen(fen, bp);
      expect(Math.abs(c - (fen * bp) / 10_000)).toBeLessThanOrEqual(0.5);
    }));
  });

  it('sums the month’s receipts by customer, method and merchandiser, each at its own rate or the default', () => {
    const o = order('2026-11-01T02:00:00Z', 50_000);
    const rs = [
      receipt('2026-11-03', 20_000, [[o, 20_000]]),
      receipt('2026-11-10', 5_001, [], { method: 'cash' }),
      receipt('2026-11-12', 30_000, [], { merch: 'stf_li', customerId: 'cus_2' }),
      receipt('2026-10-31', 99_999, []),
    ];
    const rates = new Map([['stf_wang', { name: '王敏', rateBp: 150 }], ['stf_li', { name: '李强' }]]);
    const r = buildReceiptsReport('2026-11', rs, rates, 100, 0);
    expect(r.totals).toEqual({ count: 3, receivedFen: 55_001, allocatedFen: 20_000, onAccountFen: 35_001, commissionFen: 300 + 375 });
    expect(r.commissions.map((c) => [c.merchandiserName, c.receivedFen, c.rateBp, c.commissionFen, c.customerCount])).toEqual([
      ['李强', 30_000, 100, 300, 1],
      ['王敏', 25_001, 150, 375, 1],
    ]);
    expect(r.byMethod.map((m) => [m.methodLabel, m.count, m.receivedFen])).toEqual([['银行转账', 2, 50_000], ['现金', 1, 5_001]]);
    expect(r.byCustomer.map((c) => [c.customerId, c.receivedFen])).toEqual([['cus_2', 30_000], ['cus_1', 25_001]]);
    expect(r.receipts.map((x) => x.date)).toEqual(['2026-11-03', '2026-11-10', '2026-11-12']);
  });
});
