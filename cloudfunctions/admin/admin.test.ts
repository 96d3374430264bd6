/**
 * The admin function on the local runtime: importRows (admin only, dry run first, nothing
 * written with bad rows, the chunked protocol the CLI uses against Cloudbase) and the monthly
 * report, whose XLSX is read back and checked against orders made through the real functions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { ImportReport, Order, OrderException, SheetRow, XlsxFile } from '@dinghuo/shared';
import { readSheetFile } from '../../scripts/import/readSheet';
import { importViaFunction } from '../../scripts/import/chunked';
import { writeMonthlyReport } from '../../scripts/report/cli';
import { ADMIN, CUST1, CUST2, startFlow, WANG, type Flow } from '../../scripts/report/testFlow';

const SAMPLES = path.join(__dirname, '../../scripts/import/samples');

let flow: Flow;
beforeAll(async () => {
  flow = await startFlow();
});
afterAll(() => flow.rt.close());

const rows = (list: Record<string, string>[]): SheetRow[] => list.map((values, i) => ({ row: i + 2, values }));

describe('admin.importRows', () => {
  it('is for admins only', async () => {
    const input = { kind: 'stock', rows: rows([{ skuCode: 'SP001-1', onHand: '1' }]), dryRun: true };
    expect(await flow.raw('admin', 'importRows', input, WANG)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await flow.raw('admin', 'importRows', input, CUST1)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await flow.raw('admin', 'importRows', input, 'not-a-user')).toMatchObject({ ok: false, error: { code: 'NOT_BOUND' } });
    expect(await flow.raw('admin', 'importRows', input, null)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('dry-runs by default and writes nothing', async () => {
    const before = (await flow.rt.store.get('stock', 'sku_0001'))!;
    const r = await flow.call<ImportReport>('admin', 'importRows', { kind: 'stock', rows: rows([{ skuCode: 'SP001-1', onHand: String(before.onHand + 7) }]) }, ADMIN);
    expect(r).toMatchObject({ dryRun: true, written: false, updated: 1 });
    expect(await flow.rt.store.get('stock', 'sku_0001')).toEqual(before);
  });

  it('refuses a real run with a bad row (IMPORT_INVALID, the rows and reasons), writing nothing', async () => {
    const before = (await flow.rt.store.get('stock', 'sku_0002'))!;
    const res = await flow.raw('admin', 'importRows', { kind: 'stock', rows: rows([{ skuCode: 'SP001-2', onHand: '5' }, { skuCode: 'NOPE', onHand: '1' }]), dryRun: false }, ADMIN);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe('IMPORT_INVALID');
    const report = (res.error.details as { report: ImportReport }).report;
    expect(report.bad).toEqual([{ row: 3, key: 'NOPE', reason: '商品编码「NOPE」不存在，请先导入商品' }]);
    expect(await flow.rt.store.get('stock', 'sku_0002')).toEqual(before);

    const skipped = await flow.call<ImportReport>('admin', 'importRows', { kind: 'stock', rows: rows([{ skuCode: 'SP001-2', onHand: '5' }, { skuCode: 'NOPE', onHand: '1' }]), dryRun: false, skipBad: true }, ADMIN);
    expect(skipped).toMatchObject({ written: true, updated: 1, skipped: 1 });
    expect((await flow.rt.store.get('stock', 'sku_0002'))!.onHand).toBe(5);
  });

  it('imports a file in chunks through the function, checking every chunk before writing any; a second run changes nothing', async () => {
    const call = (input: Parameters<Parameters<typeof importViaFunction>[0]>[0]) => flow.raw('admin', 'importRows', input, ADMIN);
    const products = await readSheetFile(path.join(SAMPLES, 'products.csv'), 'products');
    const customers = await readSheetFile(path.join(SAMPLES, 'customers.csv'), 'customers');
    const prices = await readSheetFile(path.join(SAMPLES, 'prices.csv'), 'prices');
    const opts = { dryRun: false, skipBad: false, file: 'x.csv', chunkSize: 2 };

    // Prices before their SKUs exist: every chunk is checked, nothing is written.
    const early = await importViaFunction(call, 'prices', prices.rows, opts);
    expect(early.written).toBe(false);
    expect(early.bad.length).toBe(prices.rows.length);
    expect(await flow.rt.store.count('prices', { priceListId: { $in: ['pl_cus_K1001'] } })).toBe(0);

    const p = await importViaFunction(call, 'products', products.rows, opts);
    expect(p).toMatchObject({ written: true, created: products.rows.length, bad: [] });
    await importViaFunction(call, 'customers', customers.rows, opts);
    const pr = await importViaFunction(call, 'prices', prices.rows, opts);
    expect(pr).toMatchObject({ written: true, created: prices.rows.length });
    const again = await importViaFunction(call, 'prices', prices.rows, opts);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: prices.rows.length, writes: 0 });

    // The same SKU in two chunks is caught before any call.
    const dup = rows([{ skuCode: 'QP-550', onHand: '1' }, { skuCode: 'LC-500', onHand: '2' }, { skuCode: 'QP-550', onHand: '3' }]);
    const d = await importViaFunction(call, 'stock', dup, opts);
    expect(d.written).toBe(false);
    expect(d.bad).toEqual([{ row: 4, key: 'QP-550', reason: '与第 2 行重复' }]);
    expect(await flow.rt.store.get('stock', 'sku_QP-550')).toBeNull();
  });
});

describe('admin.monthlyReport', () => {
  let orders: Order[] = [];
  let marchException: OrderException;

  beforeAll(async () => {
    const o1 = await flow.place(CUST1, '2027-05-03T02:00:00Z', [['sku_0001', 2], ['sku_0003', 1]]);
    await flow.confirm(o1._id, '2027-05-03T03:00:00Z');
    await flow.advance(o1._id, [{ node: 'qc', at: '2027-05-05T02:00:00Z' }, { node: 'shipment', at: '2027-05-06T02:00:00Z' }, { node: 'delivery', at: '2027-05-07T02:00:00Z' }, { node: 'payment', at: '2027-05-20T02:00:00Z' }]);
    const o2 = await flow.place(CUST1, '2027-05-10T02:00:00Z', [['sku_0001', 1]]);
    await flow.confirm(o2._id, '2027-05-10T03:00:00Z');
    flow.setClock('2027-05-11T02:00:00Z');
    marchException = (await flow.call<{ exceptions: OrderException[] }>('followup', 'logException', { orderId: o2._id, kind: 'material_short', severity: 'high', description: '瓶盖缺料，预计晚到三天', owner: '采购部' }, WANG)).exceptions[0]!;
    const o3 = await flow.place(CUST2, '2027-05-12T02:00:00Z', [['sku_0003', 3]]);
    // Outside May: placed on 1 June at 00:30 Shanghai; an exception logged in June.
    const o4 = await flow.place(CUST1, '2027-05-31T16:30:00Z', [['sku_0001', 5]]);
    await flow.confirm(o4._id, '2027-06-01T01:00:00Z');
    flow.setClock('2027-06-02T02:00:00Z');
    await flow.call('followup', 'logException', { orderId: o4._id, kind: 'delay', severity: 'low', description: '六月的异常', owner: '' }, WANG);
    orders = await Promise.all([o1, o2, o3].map((o) => flow.order(o._id)));
  });

  async function readBack(file: XlsxFile | string) {
    const wb = new ExcelJS.Workbook();
    if (typeof file === 'string') await wb.xlsx.readFile(file);
    else await wb.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ArrayBuffer);
    const sheet = (name: string) => {
      const out: unknown[][] = [];
      wb.getWorksheet(name)!.eachRow((r) => out.push((r.values as unknown[]).slice(1)));
      return out;
    };
    return { customers: sheet('按客户'), products: sheet('按商品'), exceptions: sheet('异常登记') };
  }

  function expectMatchesOrders(x: Awaited<ReturnType<typeof readBack>>) {
    const byCustomer = (code: string) => x.customers.find((r) => r[0] === code)!;
    const mine = orders.filter((o) => o.customer.code === 'RK1');
    expect(byCustomer('RK1').slice(3)).toEqual([
      mine.length,
      mine.reduce((n, o) => n + o.totalFen, 0) / 100,
      mine.filter((o) => o.status === 'completed').length,
      mine.filter((o) => o.status === 'completed').reduce((n, o) => n + o.totalFen, 0) / 100,
      mine.reduce((n, o) => n + o.paidFen, 0) / 100,
    ]);
    const other = orders.filter((o) => o.customer.code === 'RK2');
    expect(byCustomer('RK2')[4]).toBe(other.reduce((n, o) => n + o.totalFen, 0) / 100);

    const qty = new Map<string, number>();
    for (const o of orders) for (const l of o.lines) qty.set(l.skuCode, (qty.get(l.skuCode) ?? 0) + l.qty);
    const products = x.products.slice(1);
    expect(new Map(products.map((r) => [r[0] as string, r[4] as number]))).toEqual(qty);

    expect(x.exceptions.slice(1).map((r) => [r[0], r[1], r[2], r[3], r[4], r[5], r[6]])).toEqual([
      [marchException.orderNo, '报表测试超市', '缺料', '严重', '瓶盖缺料，预计晚到三天', '采购部', '未解决'],
    ]);
  }

  it('returns the month’s figures as an XLSX the numbers of which match the orders', async () => {
    const file = await flow.call<XlsxFile>('admin', 'monthlyReport', { month: '2027-05', format: 'xlsx' }, ADMIN);
    expect(file.fileName).toBe('月度报表-供应商-2027-05.xlsx');
    expectMatchesOrders(await readBack(file));
    expect(await flow.raw('admin', 'monthlyReport', { month: '2027-05' }, WANG)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('writes the same report from the script', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dinghuo-report-')), 'report.xlsx');
    await writeMonthlyReport(flow.rt.store, '2027-05', out);
    expectMatchesOrders(await readBack(out));
  });
});
