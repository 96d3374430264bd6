/**
 * Statements through the report function on the local runtime: orders placed, shipped, paid and
 * cancelled through the real functions on a moving clock; the expected figures are computed
 * from those orders, and the XLSX is read back with exceljs.
 */
import ExcelJS from 'exceljs';
import type { Order, Statement, StatementCustomer, XlsxFile } from '@dinghuo/shared';
import { ADMIN, CUST1, CUST2, LI, startFlow, WANG, type Flow } from '../../scripts/report/testFlow';

let flow: Flow;
let A: Order, B: Order, C: Order, D: Order, E: Order, F: Order;

beforeAll(async () => {
  flow = await startFlow();
  // A: February, shipped in February, paid in March → March's opening balance.
  A = await flow.place(CUST1, '2027-02-10T02:00:00Z', [['sku_0001', 2]]);
  await flow.confirm(A._id, '2027-02-10T03:00:00Z');
  await flow.advance(A._id, [{ node: 'qc', at: '2027-02-19T02:00:00Z' }, { node: 'shipment', at: '2027-02-20T02:00:00Z' }]);
  // F: 00:10 on 1 March in Shanghai (still February in UTC) → a March order.
  F = await flow.place(CUST1, '2027-02-28T16:10:00Z', [['sku_0002', 1]]);
  // B: March, shipped and paid in March.
  B = await flow.place(CUST1, '2027-03-05T02:00:00Z', [['sku_0001', 3], ['sku_0003', 1]]);
  await flow.confirm(B._id, '2027-03-05T04:00:00Z');
  await flow.advance(B._id, [
    { node: 'qc', at: '2027-03-06T02:00:00Z' },
    { node: 'shipment', at: '2027-03-08T02:00:00Z' },
    { node: 'delivery', at: '2027-03-10T02:00:00Z' },
    { node: 'payment', at: '2027-03-20T02:00:00Z' },
  ]);
  // C: March, not shipped. D: March, cancelled.
  C = await flow.place(CUST1, '2027-03-12T02:00:00Z', [['sku_0003', 2]]);
  D = await flow.place(CUST1, '2027-03-15T02:00:00Z', [['sku_0002', 1]]);
  flow.setClock('2027-03-15T03:00:00Z');
  await flow.call('order', 'cancel', { orderId: D._id }, CUST1);
  await flow.advance(A._id, [{ node: 'delivery', at: '2027-03-25T02:00:00Z' }, { node: 'payment', at: '2027-03-28T02:00:00Z' }]);
  // E: 00:30 on 1 April in Shanghai → not March.
  E = await flow.place(CUST1, '2027-03-31T16:30:00Z', [['sku_0002', 1]]);
  // Another customer's order in March.
  await flow.place(CUST2, '2027-03-09T02:00:00Z', [['sku_0001', 1]]);
  [A, B, C, D, E, F] = (await Promise.all([A, B, C, D, E, F].map((o) => flow.order(o._id)))) as [Order, Order, Order, Order, Order, Order];
  flow.setClock('2027-04-02T02:00:00Z');
});
afterAll(() => flow.rt.close());

const march = () => ({
  orderCount: 3,
  orderedFen: F.totalFen + B.totalFen + C.totalFen,
  shippedFen: B.totalFen,
  paidFen: A.totalFen + B.totalFen,
  onAccountFen: 0,
  openingFen: A.totalFen,
  closingFen: A.totalFen + B.totalFen - (A.totalFen + B.totalFen),
});

describe('statement (对账单)', () => {
  it('gives the customer its own month: orders, shipments, payments and balances from the real orders', async () => {
    expect([A.status, B.status, C.status, D.status]).toEqual(['completed', 'completed', 'submitted', 'cancelled']);
    const s = await flow.call<Statement>('report', 'statement', { month: '2027-03' }, CUST1);
    expect(s.customer.code).toBe('RK1');
    expect(s.merchandiserName).toBe('王敏');
    expect(s.totals).toEqual(march());
    expect(s.lines.map((l) => l.orderNo).sort()).toEqual([A, B, C, F].map((o) => o.orderNo).sort());
    const b = s.lines.find((l) => l.orderId === B._id)!;
    expect(b).toMatchObject({ shippedDate: '2027-03-08', paidDate: '2027-03-20', shippedInMonthFen: B.totalFen, paidInMonthFen: B.paidFen, unpaidAtEndFen: 0 });

    const feb = await flow.call<Statement>('report', 'statement', { month: '2027-02' }, CUST1);
    expect(feb.totals).toMatchObject({ orderCount: 1, orderedFen: A.totalFen, shippedFen: A.totalFen, closingFen: A.totalFen });
    const apr = await flow.call<Statement>('report', 'statement', { month: '2027-04' }, CUST1);
    expect(apr.totals).toMatchObject({ orderCount: 1, orderedFen: E.totalFen, openingFen: march().closingFen });
  });

  it('lets a customer see only its own statement, whatever id it sends', async () => {
    const s = await flow.call<Statement>('report', 'statement', { month: '2027-03', customerId: 'cus_RK1' }, CUST2);
    expect(s.customer._id).toBe('cus_RK2');
    expect(await flow.call<StatementCustomer[]>('report', 'statementCustomers', {}, CUST1)).toEqual([{ _id: 'cus_RK1', code: 'RK1', name: '报表测试超市' }]);
  });

  it('lets the merchandiser see its customers’ statements and nobody else’s; the admin sees all', async () => {
    const mine = await flow.call<Statement>('report', 'statement', { month: '2027-03', customerId: 'cus_RK1' }, WANG);
    expect(mine.totals).toEqual(march());
    const other = await flow.raw('report', 'statement', { month: '2027-03', customerId: 'cus_RK1' }, LI);
    expect(other).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const none = await flow.raw('report', 'statement', { month: '2027-03' }, WANG);
    expect(none).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: '请选择客户' } });
    const codes = (await flow.call<StatementCustomer[]>('report', 'statementCustomers', {}, WANG)).map((c) => c.code);
    expect(codes).toContain('RK1');
    expect(codes).not.toContain('RK2');
    expect((await flow.call<Statement>('report', 'statement', { month: '2027-03', customerId: 'cus_RK2' }, ADMIN)).customer.code).toBe('RK2');
    const bad = await flow.raw('report', 'statement', { month: '2027-3' }, CUST1);
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await flow.raw('report', 'statement', { month: '2027-03' }, 'someone-unbound')).toMatchObject({ ok: false, error: { code: 'NOT_BOUND' } });
  });

  it('exports the statement as XLSX whose figures match the orders', async () => {
    const file = await flow.call<XlsxFile>('report', 'statementXlsx', { month: '2027-03' }, CUST1);
    expect(file.fileName).toBe('对账单-报表测试超市-2027-03.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('对账单')!;
    const rows: unknown[][] = [];
    ws.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
    const value = (label: string) => rows.find((r) => r[0] === label)?.[1];
    const t = march();
    expect(value('期初未付(元)')).toBe(t.openingFen / 100);
    expect(value('本月订货(元)')).toBe(t.orderedFen / 100);
    expect(value('本月发货(元)')).toBe(t.shippedFen / 100);
    expect(value('本月回款(元)')).toBe(t.paidFen / 100);
    expect(value('期末未付(元)')).toBe(t.closingFen / 100);
    const header = rows.findIndex((r) => r[0] === '订单号');
    const lines = rows.slice(header + 1, -1);
    expect(lines.map((r) => r[0]).sort()).toEqual([A, B, C, F].map((o) => o.orderNo).sort());
    const bRow = lines.find((r) => r[0] === B.orderNo)!;
    expect(bRow[3]).toBe(B.totalFen / 100);
    expect(bRow[2]).toBe('已完成');
    expect(rows[rows.length - 1]![0]).toBe('合计');
  });
});
