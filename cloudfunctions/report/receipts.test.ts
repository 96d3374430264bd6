/**
 * Receipts (收款), statement confirmation (对账确认) and the receipts/commission report through the
 * report function on the local runtime (real embedded database, moving clock): allocation across
 * orders and on account, the customer's balances, idempotency, nothing written on bad input,
 * roles, and the XLSX read back with exceljs.
 */
import ExcelJS from 'exceljs';
import type { Order, Receipt, ReceiptForm, ReceiptsReport, Statement, XlsxFile } from '@dinghuo/shared';
import { ADMIN, CUST1, CUST2, LI, placeDeliveredShippedSubmitted, startFlow, WANG, type Flow } from '../../scripts/report/testFlow';

let flow: Flow;
let A: Order, B: Order, C: Order;

const receiptInput = (over: Record<string, unknown>) => ({ customerId: 'cus_RK1', method: 'bank', date: '2027-03-10', reference: 'ICBC-001', ...over });

async function snapshot() {
  const [orders, customer, receipts] = await Promise.all([
    Promise.all([A, B, C].map((o) => flow.order(o._id))),
    flow.rt.store.get('customers', 'cus_RK1'),
    flow.rt.store.find('receipts', {}, { limit: 1000 }),
  ]);
  return JSON.stringify({ orders, customer, receipts });
}

beforeAll(async () => {
  flow = await startFlow();
  [A, B, C] = await placeDeliveredShippedSubmitted(flow);
  flow.setClock('2027-03-12T02:00:00Z');
});
afterAll(() => flow.rt.close());

describe('receipts (收款)', () => {
  it('offers the unpaid orders oldest shipped first, with the customer’s balances', async () => {
    const form = await flow.call<ReceiptForm>('report', 'receiptForm', { customerId: 'cus_RK1' }, WANG);
    expect(form.openOrders.map((o) => o.orderId)).toEqual([A._id, B._id, C._id]);
    expect(form.customer.outstandingFen).toBe(A.totalFen + B.totalFen + C.totalFen);
    expect(form.customer.onAccountFen).toBe(0);
    expect(await flow.raw('report', 'receiptForm', { customerId: 'cus_RK1' }, LI)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('refuses bad receipts with a typed error and writes nothing', async () => {
    const before = await snapshot();
    const bad: [unknown, string, string | null][] = [
      [receiptInput({ requestId: 'bad-rc-0001', amountFen: A.totalFen, mode: 'orders', allocations: [{ orderId: A._id, amountFen: A.totalFen }, { orderId: B._id, amountFen: 1 }] }), WANG, 'RECEIPT_OVER_ALLOCATED'],
      [receiptInput({ requestId: 'bad-rc-0002', amountFen: A.totalFen + 5, mode: 'orders', allocations: [{ orderId: A._id, amountFen: A.totalFen + 1 }] }), WANG, 'ALLOCATION_EXCEEDS_UNPAID'],
      [receiptInput({ requestId: 'bad-rc-0003', amountFen: 100, mode: 'orders', allocations: [{ orderId: 'o_nope', amountFen: 100 }] }), WANG, 'RECEIPT_ALLOCATION_INVALID'],
      [receiptInput({ requestId: 'bad-rc-0004', amountFen: 100, date: '2027-03-13' }), WANG, 'DATE_IN_FUTURE'],
      [receiptInput({ requestId: 'bad-rc-0005', amountFen: 0 }), WANG, 'VALIDATION_FAILED'],
      [receiptInput({ requestId: 'bad-rc-0006', amountFen: 100, method: 'gold' }), WANG, 'VALIDATION_FAILED'],
      [receiptInput({ requestId: 'bad-rc-0007', amountFen: 100 }), LI, 'NOT_FOUND'],
      [receiptInput({ requestId: 'bad-rc-0008', amountFen: 100 }), CUST1, 'FORBIDDEN'],
      [receiptInput({ requestId: 'bad-rc-0009', amountFen: 12.5 }), WANG, 'VALIDATION_FAILED'],
    ];
    for (const [input, who, code] of bad) {
      const r = await flow.raw('report', 'recordReceipt', input, who);
      expect(r).toMatchObject({ ok: false, error: { code } });
    }
    expect(await snapshot()).toBe(before);
  });

  it('pays several orders and keeps the rest on account, all at once; a retry returns the same receipt', async () => {
    const partB = Math.floor(B.totalFen / 2);
    const input = receiptInput({ requestId: 'rk1-receipt-0001', amountFen: A.totalFen + partB + 1234, mode: 'orders', allocations: [{ orderId: A._id, amountFen: A.totalFen }, { orderId: B._id, amountFen: partB }] });
    const [r1, r2] = await Promise.all([flow.call<Receipt>('report', 'recordReceipt', input, WANG), flow.call<Receipt>('report', 'recordReceipt', input, WANG)]);
    expect(r2).toEqual(r1);
    expect(r1).toMatchObject({ customerId: 'cus_RK1', merchandiser: { name: '王敏' }, onAccountFen: 1234, date: '2027-03-10', month: '2027-03' });
    expect(r1.allocations.map((a) => [a.orderId, a.amountFen])).toEqual([[A._id, A.totalFen], [B._id, partB]]);
    expect(await flow.rt.store.count('receipts', { customerId: 'cus_RK1' })).toBe(1);
    const [a, b, cust] = await Promise.all([flow.order(A._id), flow.order(B._id), flow.rt.store.get('accounts', 'cus_RK1')]);
    // A (delivered) paid in full: 回款 at the receipt's date, completed. B partly paid, still shipped.
    expect(a).toMatchObject({ status: 'completed', paidFen: A.totalFen });
    expect(a.nodes.find((n) => n.key === 'payment')!.actualAt).toBe(Date.parse('2027-03-10T04:00:00Z'));
    expect(b).toMatchObject({ status: 'shipped', paidFen: partB });
    expect(b.timeline.at(-1)).toMatchObject({ event: 'payment' });
    expect(cust!.outstandingFen).toBe(B.totalFen - partB + C.totalFen);
    expect(cust!.onAccountFen).toBe(1234);
    // the account's holds follow the orders: A paid off (settled), B owes the rest
    expect(cust!.holds?.[A._id]).toBeUndefined();
    expect(cust!.holds?.[B._id]).toBe(B.totalFen - partB);
    // The same request id with another amount is refused.
    expect(await flow.raw('report', 'recordReceipt', { ...input, amountFen: 1 }, WANG)).toMatchObject({ ok: false, error: { code: 'REQUEST_ID_REUSED' } });
    // The manual 回款 tick is refused while B is unpaid.
    expect(await flow.raw('followup', 'advanceNode', { orderId: B._id, node: 'payment' }, WANG)).toMatchObject({ ok: false, error: { code: 'NODE_OUT_OF_ORDER' } });
  });

  it('auto-allocates to the oldest shipped order first', async () => {
    const r = await flow.call<Receipt>('report', 'recordReceipt', receiptInput({ requestId: 'rk1-receipt-0002', amountFen: 100, method: 'wechat', date: '2027-03-11' }), WANG);
    expect(r.allocations).toEqual([{ orderId: B._id, orderNo: B.orderNo, amountFen: 100 }]);
    expect(r.onAccountFen).toBe(0);
  });
});

describe('statement with receipts and 对账确认', () => {
  it('shows the month’s deliveries and receipts, and balances from them', async () => {
    const s = await flow.call<Statement>('report', 'statement', { month: '2027-03' }, CUST1);
    const received = A.totalFen + Math.floor(B.totalFen / 2) + 1234 + 100;
    expect(s.totals).toMatchObject({ openingFen: 0, shippedFen: A.totalFen + B.totalFen, paidFen: received, onAccountFen: 1234, closingFen: A.totalFen + B.totalFen - received });
    expect(s.deliveries.map((d) => d.orderNo)).toEqual([A.orderNo, B.orderNo]);
    expect(s.receipts.map((r) => [r.date, r.methodLabel, r.amountFen])).toEqual([['2027-03-10', '银行转账', A.totalFen + Math.floor(B.totalFen / 2) + 1234], ['2027-03-11', '微信', 100]]);
    expect(s.confirmation.state).toBe('open');
  });

  it('lets the customer confirm only a month that has ended, its own, once; a late receipt reopens it', async () => {
    expect(await flow.raw('report', 'confirmStatement', { month: '2027-03' }, CUST1)).toMatchObject({ ok: false, error: { code: 'STATEMENT_NOT_CLOSED' } });
    flow.setClock('2027-04-01T02:00:00Z');
    expect(await flow.raw('report', 'confirmStatement', { month: '2027-03' }, WANG)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const s = await flow.call<Statement>('report', 'confirmStatement', { month: '2027-03', note: '无误' }, CUST1);
    expect(s.confirmation).toMatchObject({ state: 'confirmed', confirmedBy: '报表测试超市', confirmedClosingFen: s.totals.closingFen, note: '无误' });
    const again = await flow.call<Statement>('report', 'confirmStatement', { month: '2027-03' }, CUST1);
    expect(again.confirmation.confirmedAt).toBe(s.confirmation.confirmedAt);
    // The merchandiser sees it confirmed; another customer's March is its own (not confirmed).
    expect((await flow.call<Statement>('report', 'statement', { month: '2027-03', customerId: 'cus_RK1' }, WANG)).confirmation.state).toBe('confirmed');
    expect((await flow.call<Statement>('report', 'statement', { month: '2027-03', customerId: 'cus_RK1' }, CUST2)).confirmation.state).toBe('confirmable');
    // A receipt dated in March recorded late changes the balance: the confirmation is stale.
    await flow.call('report', 'recordReceipt', receiptInput({ requestId: 'rk1-receipt-0003', amountFen: 50, date: '2027-03-31', mode: 'account' }), WANG);
    const changed = await flow.call<Statement>('report', 'statement', { month: '2027-03' }, CUST1);
    expect(changed.confirmation.state).toBe('changed');
    expect((await flow.call<Statement>('report', 'confirmStatement', { month: '2027-03' }, CUST1)).confirmation).toMatchObject({ state: 'confirmed', confirmedClosingFen: changed.totals.closingFen });
  });
});

describe('货款回笼 and 提成', () => {
  it('gives the merchandiser its own receipts and commission, the admin everyone’s, and the XLSX matches', async () => {
    await flow.rt.store.patch('staff', 'stf_li', { commissionRateBp: 250 });
    await flow.call('report', 'recordReceipt', { customerId: 'cus_RK2', requestId: 'rk2-receipt-0001', amountFen: 40_000, method: 'cash', date: '2027-03-20', mode: 'account' }, LI);
    const mine = await flow.call<ReceiptsReport>('report', 'receiptsReport', { month: '2027-03' }, WANG);
    const wangFen = A.totalFen + Math.floor(B.totalFen / 2) + 1234 + 100 + 50;
    expect(mine.totals.receivedFen).toBe(wangFen);
    expect(mine.commissions).toEqual([expect.objectContaining({ merchandiserName: '王敏', receivedFen: wangFen, rateBp: 100, commissionFen: Math.floor((wangFen * 100 + 5000) / 10000) })]);
    const all = await flow.call<ReceiptsReport>('report', 'receiptsReport', { month: '2027-03' }, ADMIN);
    expect(all.totals.count).toBe(4);
    expect(all.commissions.find((c) => c.merchandiserName === '李强')).toMatchObject({ receivedFen: 40_000, rateBp: 250, commissionFen: 1000 });
    expect(await flow.raw('report', 'receiptsReport', { month: '2027-03' }, CUST1)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const file = await flow.call<XlsxFile>('report', 'receiptsReport', { month: '2027-03', format: 'xlsx' }, ADMIN);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ArrayBuffer);
    const rows = (name: string) => {
      const out: unknown[][] = [];
      wb.getWorksheet(name)!.eachRow((r) => out.push((r.values as unknown[]).slice(1)));
      return out;
    };
    const commission = rows('提成');
    expect(commission.find((r) => r[0] === '李强')).toEqual(['李强', 1, 1, 400, '2.5%', 10]);
    expect(commission.at(-1)).toEqual(['合计', '', '', all.totals.receivedFen / 100, '', all.totals.commissionFen / 100]);
    expect(rows('货款回笼').filter((r) => typeof r[0] === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(r[0] as string))).toHaveLength(4);
    // The 合计 rows' amounts are yuan with two decimals, as the rows above them.
    const formats = (name: string, cells: number[]) => cells.map((c) => wb.getWorksheet(name)!.lastRow!.getCell(c).numFmt);
    expect(formats('提成', [4, 6])).toEqual(['#,##0.00', '#,##0.00']);
    expect(formats('货款回笼', [7, 8, 9])).toEqual(['#,##0.00', '#,##0.00', '#,##0.00']);
  });
});
