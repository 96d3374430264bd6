/**
 * The supply function through the local runtime, on the real embedded database and on the
 * Cloudbase path (functions-cloudbase project), demo data
 * seeded at 2026-03-05 10:00 Shanghai: back-orders (缺货登记) registered when a SKU is short,
 * the shortfall and allocation by priority, fills as ordinary reserved orders when stock is
 * imported, samples (request, send, 批板, order), the supply report (data and XLSX), typed errors
 * with nothing written, roles and scope.
 */
import ExcelJS from 'exceljs';
import { okData as data, resultCode as code, startTestRuntime, type TestRuntime } from '../../scripts/local/testing/testRuntime';
import type { AllocateResult, BackOrder, CatalogItem, OrderDetail, Page, Sample, ShortfallRow, SupplyReport, XlsxFile } from '@dinghuo/shared';
import { SUPPLY_SHEETS } from '../_lib/services/reportXlsx';

const WANG = 'demo-merch-wang';
const LI = 'demo-merch-li';
const ADMIN = 'demo-admin';
const HUALIAN = 'demo-customer-hualian';
const YONGHUI = 'demo-customer-yonghui';
const HOUR = 3600_000;
const sh = (y: number, m: number, d: number, hh = 12, mm = 0) => Date.UTC(y, m - 1, d, hh - 8, mm);
const T0 = sh(2026, 3, 5, 10);

let rt: TestRuntime;
let clock = T0;

beforeEach(async () => {
  clock = T0;
  rt = await startTestRuntime({ dataDir: ':memory:', timers: false, quiet: true, seedAt: T0, now: () => clock });
});
afterEach(() => rt.close());

const call = (who: string | null, action: string, input: object = {}) => rt.invoke('supply', { action, input }, who);
const ok = async <T>(who: string, action: string, input: object = {}) => data<T>(await call(who, action, input));

/** A SKU both 华联 and 永辉 may order by the piece, with no MOQ above one piece. */
async function commonSku(): Promise<CatalogItem> {
  const list = async (who: string) =>
    data<Page<CatalogItem>>(await rt.invoke('catalog', { action: 'list', input: { page: 1, pageSize: 100 } }, who)).items;
  const [h, y] = await Promise.all([list(HUALIAN), list(YONGHUI)]);
  const ys = new Set(y.filter((i) => !i.caseOnly && i.moq <= 1).map((i) => i.skuId));
  const sku = h.find((i) => ys.has(i.skuId) && !i.caseOnly && i.moq <= 1);
  if (!sku) throw new Error('no common SKU in the demo data');
  return sku;
}

async function snapshot() {
  const [backOrders, orders, stock, samples] = await Promise.all([
    rt.store.find('backOrders', {}, { limit: 1000 }),
    rt.store.count('orders', {}),
    rt.store.find('stock', {}, { limit: 1000 }),
    rt.store.find('samples', {}, { limit: 1000 }),
  ]);
  return JSON.stringify({ backOrders, orders, stock, samples });
}

describe('scarce stock: back-orders, shortfall, allocation by priority', () => {
  it('registers back-orders only when short, suggests by priority, fills as reserved orders when stock is imported', async () => {
    const sku = await commonSku();
    await rt.store.patch('stock', sku.skuId, { onHand: 10, reserved: 0, available: 10, holds: undefined });
    // 永辉 becomes a key customer in 华东 through the customers import (优先级/区域)
    data(
      await rt.invoke(
        'admin',
        { action: 'importRows', input: { kind: 'customers', dryRun: false, rows: [{ row: 2, values: { code: 'C002', priority: '8', region: '华东' } }] } },
        ADMIN,
      ),
    );
    expect(await rt.store.get('customers', 'cus_yonghui')).toMatchObject({ priority: 8, region: '华东' });

    // not short: no back-order
    expect(code(await call(HUALIAN, 'backOrderCreate', { skuId: sku.skuId, unit: 'piece', count: 10, addressId: 'addr_1' }))).toBe('BACKORDER_NOT_SHORT');
    // staff cannot register for a customer, nor an unknown address
    expect(code(await call(WANG, 'backOrderCreate', { skuId: sku.skuId, unit: 'piece', count: 30, addressId: 'addr_1' }))).toBe('FORBIDDEN');
    expect(code(await call(HUALIAN, 'backOrderCreate', { skuId: sku.skuId, unit: 'piece', count: 30, addressId: 'nope' }))).toBe('ADDRESS_NOT_FOUND');
    expect(code(await call(HUALIAN, 'backOrderCreate', { skuId: sku.skuId, unit: 'piece', count: -1, addressId: 'addr_1' }))).toBe('VALIDATION_FAILED');
    expect(await rt.store.count('backOrders', {})).toBe(0);

    const hl = await ok<BackOrder>(HUALIAN, 'backOrderCreate', { skuId: sku.skuId, unit: 'piece', count: 30, addressId: 'addr_1' });
    clock += HOUR;
    const yh = await ok<BackOrder>(YONGHUI, 'backOrderCreate', { skuId: sku.skuId, unit: 'piece', count: 20, addressId: 'addr_1' });
    expect(hl).toMatchObject({ status: 'waiting', qty: 30, filledQty: 0, customerId: 'cus_hualian' });

    // the shortfall: later but key customer first
    const [row] = await ok<ShortfallRow[]>(WANG, 'shortfall');
    expect(row).toMatchObject({ skuId: sku.skuId, available: 10, demandQty: 50, shortQty: 40 });
    expect(row!.demands.map((d) => [d.backOrderId, d.priority, d.keyCustomer, d.region, d.suggestedQty])).toEqual([
      [yh._id, 8, true, '华东', 10],
      [hl._id, 0, false, '未分区', 0],
    ]);
    // roles and scope
    expect(code(await call(HUALIAN, 'shortfall'))).toBe('FORBIDDEN');
    expect(code(await call(HUALIAN, 'allocate', { skuId: sku.skuId }))).toBe('FORBIDDEN');
    expect(await ok<ShortfallRow[]>(LI, 'shortfall')).toEqual([]);
    expect(code(await call(LI, 'allocate', { skuId: sku.skuId, allocations: [{ backOrderId: hl._id, qty: 5 }] }))).toBe('NOT_FOUND');
    expect((await ok<Page<BackOrder>>(YONGHUI, 'backOrders')).items.map((b) => b._id)).toEqual([yh._id]);
    expect(code(await call(YONGHUI, 'backOrderCancel', { backOrderId: hl._id }))).toBe('NOT_FOUND');

    // a bad allocation writes nothing
    const before = await snapshot();
    expect(code(await call(WANG, 'allocate', { skuId: sku.skuId, allocations: [{ backOrderId: yh._id, qty: 10 }, { backOrderId: hl._id, qty: 5 }] }))).toBe('ALLOCATION_INVALID');
    expect(code(await call(WANG, 'allocate', { skuId: sku.skuId, allocations: [{ backOrderId: hl._id, qty: 31 }] }))).toBe('ALLOCATION_INVALID');
    expect(await snapshot()).toBe(before);

    // the merchandiser allocates against the suggestion: 4 to 华联 by hand
    const manual = await ok<AllocateResult>(WANG, 'allocate', { skuId: sku.skuId, allocations: [{ backOrderId: hl._id, qty: 4 }] });
    expect(manual.filled).toEqual([{ backOrderId: hl._id, qty: 4, orderId: expect.any(String), error: null }]);
    const manualOrder = (await rt.store.get('orders', manual.filled[0]!.orderId!))!;
    expect(manualOrder).toMatchObject({ customerId: 'cus_hualian', status: 'submitted', reservation: { state: 'held' } });
    expect(manualOrder.lines.map((l) => [l.skuId, l.qty])).toEqual([[sku.skuId, 4]]);
    expect(await rt.store.get('stock', sku.skuId)).toMatchObject({ onHand: 10, reserved: 4, available: 6 });
    expect(manual.shortfall).toMatchObject({ available: 6, demandQty: 46 });

    // stock arrives through the stock import: filled in priority order, through the submit path
    clock += HOUR;
    data(
      await rt.invoke('admin', { action: 'importRows', input: { kind: 'stock', dryRun: false, rows: [{ row: 2, values: { skuCode: sku.code, onHand: '40' } }] } }, ADMIN),
    );
    const yhAfter = (await rt.store.get('backOrders', yh._id))!;
    const hlAfter = (await rt.store.get('backOrders', hl._id))!;
    expect(yhAfter).toMatchObject({ status: 'filled', filledQty: 20 });
    expect(hlAfter).toMatchObject({ status: 'waiting', filledQty: 20 }); // 4 by hand + 16 of the 36 available
    expect(hlAfter.orderIds).toHaveLength(2);
    expect(await rt.store.get('stock', sku.skuId)).toMatchObject({ onHand: 40, reserved: 40, available: 0 });
    const yhOrder = data<OrderDetail>(await rt.invoke('order', { action: 'detail', input: { orderId: yhAfter.orderIds[0] } }, YONGHUI));
    expect(yhOrder).toMatchObject({ status: 'submitted', placedBy: { role: 'system' } });
    expect(yhOrder.lines[0]).toMatchObject({ skuId: sku.skuId, qty: 20 });
    expect(yhOrder.totalFen).toBe(yhOrder.lines[0]!.amountFen);

    // nothing left to allocate
    const none = await ok<AllocateResult>(WANG, 'allocate', { skuId: sku.skuId });
    expect(none.filled).toEqual([]);
    expect(none.shortfall).toMatchObject({ available: 0, demandQty: 10, shortQty: 10 });

    // the customer gives up the rest
    expect((await ok<BackOrder>(HUALIAN, 'backOrderCancel', { backOrderId: hl._id })).status).toBe('cancelled');
    expect(code(await call(HUALIAN, 'backOrderCancel', { backOrderId: hl._id }))).toBe('BACKORDER_NOT_WAITING');
    expect(code(await call(WANG, 'allocate', { skuId: sku.skuId }))).toBe('NOT_FOUND');
  });

  it('a fill the customer cannot take (credit limit) stays waiting with the reason, and the next one in line is served', async () => {
    const sku = await commonSku();
    await rt.store.patch('stock', sku.skuId, { onHand: 0, reserved: 0, available: 0, holds: undefined });
    const hl = await ok<BackOrder>(HUALIAN, 'backOrderCreate', { skuId: sku.skuId, unit: 'piece', count: 5, addressId: 'addr_1' });
    const yh = await ok<BackOrder>(YONGHUI, 'backOrderCreate', { skuId: sku.skuId, unit: 'piece', count: 5, addressId: 'addr_1' });
    await rt.store.patch('customers', 'cus_hualian', { priority: 9, creditLimitFen: 1 });
    await rt.store.patch('stock', sku.skuId, { onHand: 5, available: 5 });
    const r = await ok<AllocateResult>(ADMIN, 'allocate', { skuId: sku.skuId });
    expect(r.filled.map((f) => [f.backOrderId, f.error?.code ?? null])).toEqual([[hl._id, 'CREDIT_LIMIT_EXCEEDED']]);
    expect((await rt.store.get('backOrders', hl._id))!.lastError).toContain('信用额度');
    expect(await rt.store.get('stock', sku.skuId)).toMatchObject({ reserved: 0 });
    const byHand = await ok<AllocateResult>(ADMIN, 'allocate', { skuId: sku.skuId, allocations: [{ backOrderId: yh._id, qty: 5 }] });
    expect(byHand.filled[0]!.error).toBeNull();
    expect(await rt.store.get('stock', sku.skuId)).toMatchObject({ reserved: 5 });
  });
});

describe('samples (样品单)', () => {
  it('request, send with courier and cost, 批板 by the customer, then an order; roles and scope', async () => {
    const sku = await commonSku();
    const other = (await commonSkuOther(sku.skuId))!;
    const s = await ok<Sample>(HUALIAN, 'sampleRequest', { items: [{ skuId: sku.skuId, qty: 2 }], note: '看颜色' });
    expect(s).toMatchObject({ status: 'requested', customerId: 'cus_hualian', merchandiserId: 'stf_wang', requestedMonth: '2026-03' });
    expect(s.sampleNo).toMatch(/^YP260305/);

    expect(code(await call(HUALIAN, 'sampleSend', { sampleId: s._id, company: '顺丰', trackingNo: 'SF1', costFen: 1800 }))).toBe('FORBIDDEN');
    expect(code(await call(HUALIAN, 'sampleDecide', { sampleId: s._id, approved: true }))).toBe('SAMPLE_ILLEGAL_TRANSITION');
    expect(code(await call(LI, 'sampleSend', { sampleId: s._id, company: '顺丰', trackingNo: 'SF1', costFen: 1800 }))).toBe('NOT_FOUND');
    expect(code(await call(WANG, 'sampleSend', { sampleId: s._id, company: '顺丰', trackingNo: 'SF1', costFen: -1 }))).toBe('VALIDATION_FAILED');
    expect(code(await call(YONGHUI, 'sampleDetail', { sampleId: s._id }))).toBe('NOT_FOUND');

    clock += HOUR;
    const sent = await ok<Sample>(WANG, 'sampleSend', { sampleId: s._id, company: '顺丰', trackingNo: 'SF1234567', costFen: 1800 });
    expect(sent).toMatchObject({ status: 'sent', courier: { company: '顺丰', trackingNo: 'SF1234567', costFen: 1800, sentMonth: '2026-03' } });
    expect(code(await call(WANG, 'sampleSend', { sampleId: s._id, company: '顺丰', trackingNo: 'SF1', costFen: 1 }))).toBe('SAMPLE_ILLEGAL_TRANSITION');

    const approved = await ok<Sample>(HUALIAN, 'sampleDecide', { sampleId: s._id, approved: true, note: '颜色OK' });
    expect(approved).toMatchObject({ status: 'approved', decision: { approved: true, note: '颜色OK', by: { role: 'customer' } } });
    expect(approved.history.map((h) => h.status)).toEqual(['requested', 'sent', 'approved']);

    const before = await snapshot();
    expect(code(await call(HUALIAN, 'sampleOrder', { sampleId: s._id, lines: [{ skuId: other, unit: 'piece', count: 1 }], addressId: 'addr_1' }))).toBe('SAMPLE_LINE_INVALID');
    expect(await snapshot()).toBe(before);

    const { sample, order } = await ok<{ sample: Sample; order: OrderDetail }>(HUALIAN, 'sampleOrder', {
      sampleId: s._id,
      lines: [{ skuId: sku.skuId, unit: 'piece', count: 3 }],
      addressId: 'addr_1',
    });
    expect(sample).toMatchObject({ status: 'ordered', orderId: order._id });
    expect(order).toMatchObject({ status: 'submitted', customerId: 'cus_hualian' });
    expect((await rt.store.get('samples', s._id))!.orderId).toBe(order._id);
    expect(code(await call(HUALIAN, 'sampleOrder', { sampleId: s._id, lines: [{ skuId: sku.skuId, unit: 'piece', count: 3 }], addressId: 'addr_1' }))).toBe(
      'SAMPLE_ILLEGAL_TRANSITION',
    );

    // staff request for their customers only
    expect((await ok<Sample>(WANG, 'sampleRequest', { customerId: 'cus_hualian', items: [{ skuId: sku.skuId, qty: 1 }] })).requestedBy.role).toBe('merchandiser');
    expect(code(await call(WANG, 'sampleRequest', { items: [{ skuId: sku.skuId, qty: 1 }] }))).toBe('VALIDATION_FAILED');
    expect(code(await call(LI, 'sampleRequest', { customerId: 'cus_hualian', items: [{ skuId: sku.skuId, qty: 1 }] }))).toBe('NOT_FOUND');
    expect(code(await call(HUALIAN, 'sampleRequest', { items: [{ skuId: 'sku_nope', qty: 1 }] }))).toBe('SKU_NOT_FOUND');
    expect(code(await call(null, 'samples'))).toBe('UNAUTHENTICATED');
    expect((await ok<Page<Sample>>(HUALIAN, 'samples')).total).toBe(2);
    expect((await ok<Page<Sample>>(LI, 'samples')).total).toBe(0);

    // a rejected one, and a cancelled one
    clock += HOUR;
    const r = await ok<Sample>(HUALIAN, 'sampleRequest', { items: [{ skuId: sku.skuId, qty: 1 }] });
    await ok<Sample>(WANG, 'sampleSend', { sampleId: r._id, company: '中通', trackingNo: 'ZT1', costFen: 1200 });
    expect((await ok<Sample>(HUALIAN, 'sampleDecide', { sampleId: r._id, approved: false, note: '偏色' })).status).toBe('rejected');
    const c = await ok<Sample>(HUALIAN, 'sampleRequest', { items: [{ skuId: sku.skuId, qty: 1 }] });
    expect((await ok<Sample>(HUALIAN, 'sampleCancel', { sampleId: c._id })).status).toBe('cancelled');

    // the month's registers
    const report = await ok<SupplyReport>(WANG, 'report', { month: '2026-03' });
    expect(report.samples.map((x) => x.statusLabel).sort()).toEqual(['已下单', '已取消', '待寄样', '未通过'].sort());
    expect(report.courier.map((x) => [x.sampleNo, x.company, x.costFen])).toEqual([
      [s.sampleNo, '顺丰', 1800],
      [r.sampleNo, '中通', 1200],
    ]);
    expect(report.totals).toMatchObject({ sampleCount: 4, courierCount: 2, courierFen: 3000 });
    expect((await ok<SupplyReport>(LI, 'report', { month: '2026-03' })).samples).toEqual([]);
    expect((await ok<SupplyReport>(WANG, 'report', { month: '2026-04' })).samples).toEqual([]);
    expect(code(await call(HUALIAN, 'report', { month: '2026-03' }))).toBe('FORBIDDEN');

    const file = await ok<XlsxFile>(ADMIN, 'report', { month: '2026-03', format: 'xlsx' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(Object.values(SUPPLY_SHEETS));
    const courier = wb.getWorksheet(SUPPLY_SHEETS.courier)!;
    expect(courier.getRow(courier.rowCount).values).toEqual([undefined, '合计', '', '', '', '', 30, '']);
  });
});

describe('the supply report', () => {
  it('quantities by product and production batch, key customers by region, quality problems, in the staff scope', async () => {
    await rt.store.patch('customers', 'cus_hualian', { priority: 6, region: '华南' });
    const fu = (who: string, action: string, input: object) => rt.invoke('followup', { action, input }, who);
    const list = data<Page<{ _id: string; status: string; customerName: string }>>(await fu(WANG, 'list', { status: 'confirmed', page: 1, pageSize: 50 }));
    const confirmed = list.items[0]!;
    data(await fu(WANG, 'logException', { orderId: confirmed._id, kind: 'qc_failed', severity: 'high', description: '色差' }));
    data(await fu(WANG, 'logException', { orderId: confirmed._id, kind: 'delay', severity: 'low', description: '物流慢' }));
    const done = await fu(WANG, 'advanceNode', { orderId: confirmed._id, node: 'materials' });
    const produced = done.ok ? await fu(WANG, 'advanceNode', { orderId: confirmed._id, node: 'production' }) : done;

    const report = await ok<SupplyReport>(WANG, 'report', { month: '2026-03' });
    expect(report.quality.map((q) => [q.source, q.kindLabel, q.description])).toEqual([['异常', '质检不合格', '色差']]);
    const hualian = report.keyCustomers.find((c) => c.customerId === 'cus_hualian')!;
    expect(hualian).toMatchObject({ region: '华南', priority: 6, keyCustomer: true });
    expect(report.regions.find((r) => r.region === '华南')).toMatchObject({ customerCount: 1, keyCustomerCount: 1, orderedFen: hualian.orderedFen });
    expect(report.byProduct.reduce((n, p) => n + p.orderedQty, 0)).toBeGreaterThan(0);
    if (produced.ok) {
      const order = (await rt.store.get('orders', confirmed._id))!;
      expect(report.byBatch.filter((b) => b.orderNos.includes(order.orderNo)).map((b) => [b.batchDate, b.skuId, b.qty])).toEqual(
        order.lines.map((l) => ['2026-03-05', l.skuId, l.qty]).sort((a, b) => (a[1]! < b[1]! ? -1 : 1)),
      );
    } else {
      throw new Error(`production node not recorded: ${produced.error.code}`);
    }
    // 李强's scope has none of 王敏's customers
    const li = await ok<SupplyReport>(LI, 'report', { month: '2026-03' });
    expect(li.keyCustomers.map((c) => c.customerId)).not.toContain('cus_hualian');
    expect(li.quality).toEqual([]);
  });
});

async function commonSkuOther(not: string): Promise<string | undefined> {
  const items = data<Page<CatalogItem>>(await rt.invoke('catalog', { action: 'list', input: { page: 1, pageSize: 100 } }, HUALIAN)).items;
  return items.find((i) => i.skuId !== not)?.skuId;
}
