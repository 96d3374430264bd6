/**
 * Outputs are part of the contract: every action of every function is called for real (local
 * runtime, seeded demo data; the embedded database, or Cloudbase through the emulator in the
 * functions-cloudbase project) and its answer is parsed with the action's output
 * schema (shared/src/contract.ts). The parse must succeed and change nothing: an unknown field
 * (stripped by the schema), a missing one (filled by a default) or a wrong type fails. The last
 * test checks that no action of the contract was left out.
 */
import { Api } from '@dinghuo/shared/contract';
import type { BackofficeProductRow, CatalogItem, FollowDetail, OrderDetail, Page, PriceListRow, Result, UploadedImage } from '@dinghuo/shared';
import { startTestRuntime, type TestRuntime } from '../scripts/local/testing/testRuntime';
import { demoProductPng } from '../scripts/local/seedImages';
import { defineFunction } from './_lib/runtime';

const HUALIAN = 'demo-customer-hualian';
const NEWUSER = 'demo-newuser';
const WANG = 'demo-merch-wang';
const ADMIN = 'demo-admin';

type Fn = keyof typeof Api;

let rt: TestRuntime;
const clock = Date.UTC(2026, 10, 25, 2, 0);
const checked = new Set<string>();

beforeAll(async () => {
  rt = await startTestRuntime({ dataDir: ':memory:', timers: false, quiet: true, now: () => clock });
});
afterAll(() => rt.close());

/** Calls an action, parses its answer with the action's output schema, and returns the answer. */
async function call<T = unknown>(fn: Fn, action: string, input: object, openid: string): Promise<T> {
  const r = (await rt.invoke(fn, { action, input }, openid)) as Result<unknown>;
  if (!r.ok) throw new Error(`${fn}.${action}: ${r.error.code} ${r.error.message}`);
  const contract = (Api[fn] as Record<string, { output: { safeParse(v: unknown): { success: boolean; data?: unknown; error?: unknown } } }>)[action];
  if (!contract) throw new Error(`${fn}.${action} is not in the contract`);
  const parsed = contract.output.safeParse(r.data);
  if (!parsed.success) throw new Error(`${fn}.${action} answered outside its schema: ${String(parsed.error)}`);
  expect(parsed.data).toEqual(r.data);
  checked.add(`${fn}.${action}`);
  return r.data as T;
}

const reqId = (n: number) => `contract-${String(n).padStart(4, '0')}`;

describe('every action answers its output schema', () => {
  let items: CatalogItem[] = [];
  const cart = () => [{ skuId: items[0]!.skuId, unit: 'piece' as const, count: items[0]!.moq || 1 }];

  it('auth', async () => {
    await call('auth', 'whoami', {}, HUALIAN);
    await call('auth', 'whoami', {}, WANG);
    await call('auth', 'whoami', {}, NEWUSER);
    await call('auth', 'bind', { invitationCode: 'XINDA2026' }, NEWUSER);
  });

  it('catalog', async () => {
    await call('catalog', 'categories', {}, HUALIAN);
    const page = await call<Page<CatalogItem>>('catalog', 'list', { page: 1, pageSize: 50 }, HUALIAN);
    items = page.items.filter((i) => i.inStock && !i.caseOnly && i.available >= 10 * Math.max(1, i.moq));
    expect(items.length).toBeGreaterThan(0);
    await call('catalog', 'quote', { lines: cart() }, HUALIAN);
  });

  it('order and followup, through an order’s whole life', async () => {
    const submitted = await call<OrderDetail>('order', 'submit', { requestId: reqId(1), lines: cart(), addressId: 'addr_1' }, HUALIAN);
    await call('order', 'list', { page: 1, pageSize: 5 }, HUALIAN);
    await call('order', 'detail', { orderId: submitted._id }, HUALIAN);
    await call('order', 'reorder', { orderId: submitted._id }, HUALIAN);

    const toCancel = await call<OrderDetail>('order', 'submit', { requestId: reqId(2), lines: cart(), addressId: 'addr_1' }, HUALIAN);
    expect((await call<OrderDetail>('order', 'cancel', { orderId: toCancel._id }, HUALIAN)).status).toBe('cancelled');

    const toReject = await call<OrderDetail>('order', 'submit', { requestId: reqId(3), lines: cart(), addressId: 'addr_1' }, HUALIAN);
    await call('followup', 'review', { decision: 'reject', orderId: toReject._id, reason: '停产' }, WANG);

    await call('followup', 'today', {}, WANG);
    await call('followup', 'list', { page: 1, pageSize: 5 }, WANG);
    await call('followup', 'list', { bucket: 'awaitingReview', page: 1, pageSize: 5 }, WANG);
    await call('followup', 'detail', { orderId: submitted._id }, WANG);
    await call('followup', 'review', { decision: 'confirm', orderId: submitted._id }, WANG);
    const withException = await call<FollowDetail>(
      'followup',
      'logException',
      { orderId: submitted._id, kind: 'delay', severity: 'low', description: '物流延误' },
      WANG,
    );
    await call('followup', 'exceptions', { page: 1, pageSize: 5 }, WANG);
    await call('followup', 'resolveException', { exceptionId: withException.exceptions[0]!._id, resolution: '已改发顺丰' }, WANG);
    await call('followup', 'expedite', { orderId: submitted._id, note: '客户催货' }, WANG);
    await call('followup', 'advanceNode', { orderId: submitted._id, node: 'qc' }, WANG);
    expect((await call<FollowDetail>('followup', 'advanceNode', { orderId: submitted._id, node: 'shipment' }, WANG)).status).toBe('shipped');

    expect((await call<OrderDetail>('order', 'confirmReceipt', { orderId: submitted._id }, HUALIAN)).status).toBe('delivered');
    const request = await call<{ _id: string }>('order', 'afterSalesCreate', { orderId: submitted._id, kind: 'complaint', description: '外箱破损' }, HUALIAN);
    await call('order', 'afterSalesList', { page: 1, pageSize: 5 }, HUALIAN);
    await call('followup', 'afterSalesList', { page: 1, pageSize: 5 }, WANG);
    await call('followup', 'afterSalesUpdate', { requestId: request._id, to: 'accepted', note: '已联系客户' }, WANG);

    await call('followup', 'customers', { page: 1, pageSize: 5 }, WANG);
    await call('followup', 'customerView', { customerId: 'cus_hualian', page: 1, pageSize: 5 }, WANG);
    await call('followup', 'catalogFor', { customerId: 'cus_hualian', page: 1, pageSize: 5 }, WANG);
    await call('followup', 'quoteFor', { customerId: 'cus_hualian', lines: cart() }, WANG);
    await call('followup', 'placeOrder', { customerId: 'cus_hualian', requestId: reqId(4), lines: cart(), addressId: 'addr_1' }, WANG);
  });

  it('deliveries and order changes', async () => {
    const more = () => [{ ...cart()[0]!, count: cart()[0]!.count + 1 }];
    const mine = await call<OrderDetail>('order', 'submit', { requestId: reqId(5), lines: cart(), addressId: 'addr_1' }, HUALIAN);
    await call('order', 'change', { orderId: mine._id, lines: more(), reason: '多要一件' }, HUALIAN);
    await call('followup', 'changeOrder', { orderId: mine._id, lines: cart(), reason: '按原数量' }, WANG);
    await call('followup', 'review', { decision: 'confirm', orderId: mine._id }, WANG);
    const ready = await call<FollowDetail>('followup', 'advanceNode', { orderId: mine._id, node: 'qc' }, WANG);
    const line = ready.lines[0]!;
    const shipped = await call<FollowDetail>(
      'followup',
      'ship',
      { orderId: mine._id, lines: [{ skuId: line.skuId, qty: line.qty }], carrier: '顺丰', trackingNo: 'SF0001' },
      WANG,
    );
    expect(shipped.status).toBe('shipped');
    expect((await call<OrderDetail>('order', 'receiveDelivery', { orderId: mine._id, no: 1 }, HUALIAN)).status).toBe('delivered');
  });

  it('report', async () => {
    await call('report', 'statementCustomers', {}, HUALIAN);
    await call('report', 'statement', { month: '2026-11' }, HUALIAN);
    await call('report', 'statementXlsx', { month: '2026-11' }, HUALIAN);
    await call('report', 'receiptForm', { customerId: 'cus_hualian' }, WANG);
    await call('report', 'recordReceipt', { requestId: reqId(20), customerId: 'cus_hualian', amountFen: 12345, method: 'bank', date: '2026-11-24', reference: 'B1' }, WANG);
    await call('report', 'recordReceipt', { requestId: reqId(21), customerId: 'cus_hualian', amountFen: 500, method: 'cash', date: '2026-11-24', mode: 'account' }, WANG);
    await call('report', 'applyOnAccount', { requestId: reqId(22), customerId: 'cus_hualian', mode: 'auto', amountFen: 500 }, WANG);
    await call('report', 'confirmStatement', { month: '2026-10' }, HUALIAN);
    await call('report', 'receiptsReport', { month: '2026-11' }, WANG);
    await call('report', 'receiptsReport', { month: '2026-11', format: 'xlsx' }, ADMIN);
  });

  it('admin', async () => {
    await call('admin', 'importRows', { kind: 'stock', rows: [{ row: 2, values: { skuCode: items[0]!.code, onHand: '500' } }] }, ADMIN);
    await call('admin', 'monthlyReport', { month: '2026-11' }, ADMIN);
    await call('admin', 'monthlyReport', { month: '2026-11', format: 'xlsx' }, ADMIN);
  });

  it('subscription', async () => {
    const { orderStatus } = await call<{ orderStatus: string }>('subscription', 'templates', {}, HUALIAN);
    await call('subscription', 'consent', { results: { [orderStatus]: 'accept' } }, HUALIAN);
    await call('subscription', 'counts', {}, HUALIAN);
  });

  it('supply', async () => {
    const sku = items[0]!;
    await rt.store.patch('stock', sku.skuId, { onHand: 0, reserved: 0, available: 0, holds: undefined });
    const bo = await call<{ _id: string }>('supply', 'backOrderCreate', { skuId: sku.skuId, unit: 'piece', count: Math.max(1, sku.moq), addressId: 'addr_1' }, HUALIAN);
    await call('supply', 'backOrders', { page: 1, pageSize: 5 }, HUALIAN);
    await call('supply', 'shortfall', {}, WANG);
    await rt.store.patch('stock', sku.skuId, { onHand: 1000, available: 1000 });
    await call('supply', 'allocate', { skuId: sku.skuId }, WANG);
    const bo2 = await call<{ _id: string }>('supply', 'backOrderCreate', { skuId: sku.skuId, unit: 'piece', count: 5000, addressId: 'addr_1' }, HUALIAN);
    expect(bo2._id).not.toBe(bo._id);
    await call('supply', 'backOrderCancel', { backOrderId: bo2._id }, HUALIAN);
    const s = await call<{ _id: string }>('supply', 'sampleRequest', { items: [{ skuId: sku.skuId, qty: 1 }] }, HUALIAN);
    await call('supply', 'samples', { page: 1, pageSize: 5 }, HUALIAN);
    await call('supply', 'sampleDetail', { sampleId: s._id }, WANG);
    await call('supply', 'sampleSend', { sampleId: s._id, company: '顺丰', trackingNo: 'SF0001', costFen: 1500 }, WANG);
    await call('supply', 'sampleDecide', { sampleId: s._id, approved: true }, HUALIAN);
    await call('supply', 'sampleOrder', { sampleId: s._id, lines: cart(), addressId: 'addr_1' }, HUALIAN);
    const c = await call<{ _id: string }>('supply', 'sampleRequest', { customerId: 'cus_hualian', items: [{ skuId: sku.skuId, qty: 1 }] }, WANG);
    await call('supply', 'sampleCancel', { sampleId: c._id }, HUALIAN);
    await call('supply', 'report', { month: '2026-11' }, WANG);
    await call('supply', 'report', { month: '2026-11', format: 'xlsx' }, ADMIN);
  });

  it('dispatcher and reservationTimer (run by hand)', async () => {
    await call('dispatcher', 'run', {}, ADMIN);
    await call('reservationTimer', 'run', {}, ADMIN);
  });

  it('backoffice, every action (admin; the board and dashboard also as a merchandiser)', async () => {
    await call('backoffice', 'refs', {}, ADMIN);
    await call('backoffice', 'staffLogins', {}, ADMIN);
    await call('backoffice', 'grantStaffLogin', { loginId: 'tcb:contract', staffId: 'stf_li' }, ADMIN);
    await call('backoffice', 'revokeStaffLogin', { loginId: 'tcb:contract' }, ADMIN);
    await call('backoffice', 'saveLevel', { name: '契约等级', discountBp: 9000 }, ADMIN);
    await call('backoffice', 'saveCategory', { name: '契约类目', sort: 99 }, ADMIN);

    const rows = await call<Page<BackofficeProductRow>>('backoffice', 'products', { page: 1, pageSize: 5 }, ADMIN);
    await call('backoffice', 'product', { productId: rows.items[0]!.productId }, ADMIN);
    const image = await call<UploadedImage>('backoffice', 'uploadImage', { fileName: 'c.png', mime: 'image/png', base64: demoProductPng([1, 2, 3], 16).toString('base64') }, ADMIN);
    await call(
      'backoffice',
      'saveProduct',
      { product: { code: 'P950', name: '契约新品', categoryId: rows.items[0]!.categoryId }, skus: [{ code: 'CT-1', listPriceFen: 990, imageFileId: image.fileId }] },
      ADMIN,
    );
    await call('backoffice', 'setSkusActive', { skuIds: ['sku_CT-1'], active: true }, ADMIN);
    await call('backoffice', 'setProductActive', { productId: 'prd_P950', active: true }, ADMIN);

    await call('backoffice', 'priceLists', {}, ADMIN);
    const list = await call<PriceListRow>('backoffice', 'ensurePriceList', { scope: 'customer', customerId: 'cus_hualian' }, ADMIN);
    await call('backoffice', 'savePriceEntries', { priceListId: list._id, upsert: [{ skuId: items[0]!.skuId, priceFen: 100, breaks: [{ minQty: 48, priceFen: 90 }] }] }, ADMIN);
    await call('backoffice', 'priceGrid', { priceListId: list._id, page: 1, pageSize: 5 }, ADMIN);
    await call('backoffice', 'pricePreview', { customerId: 'cus_hualian', skuId: items[0]!.skuId, unit: 'piece', count: 48 }, WANG);

    await call('backoffice', 'customers', { page: 1, pageSize: 5 }, WANG);
    await call('backoffice', 'customer', { customerId: 'cus_hualian' }, WANG);
    await call('backoffice', 'saveCustomer', { code: 'C950', name: '契约客户', levelId: 'lv_retail', merchandiserId: 'stf_wang' }, ADMIN);
    await call('backoffice', 'createInvitation', { customerId: 'cus_C950' }, ADMIN);
    await call('backoffice', 'revokeInvitation', { customerId: 'cus_C950' }, ADMIN);
    await call('backoffice', 'addInvitation', { customerId: 'cus_C950' }, ADMIN);
    await call('backoffice', 'unbindUser', { customerId: 'cus_xinda', openid: NEWUSER }, ADMIN);

    await call('backoffice', 'stock', { page: 1, pageSize: 5 }, WANG);
    await call('backoffice', 'adjustStock', { skuId: items[0]!.skuId, delta: 10, reason: 'inbound' }, ADMIN);
    await call('backoffice', 'stockMovements', { skuId: items[0]!.skuId }, WANG);
    await call('backoffice', 'setLowStockThreshold', { skuId: items[0]!.skuId, threshold: 5 }, ADMIN);

    const order = await call<OrderDetail>('order', 'submit', { requestId: reqId(5), lines: cart(), addressId: 'addr_1' }, HUALIAN);
    await call('backoffice', 'orders', { page: 1, pageSize: 5 }, ADMIN);
    await call('backoffice', 'orders', { status: 'submitted', page: 1, pageSize: 5 }, WANG);
    await call('backoffice', 'bulkConfirm', { orderIds: [order._id, 'ord_missing'] }, WANG);
    await call('backoffice', 'deliveryNote', { orderId: order._id }, WANG);

    const csv = Buffer.from(`商品编码,现有库存\n${items[0]!.code},800\n`).toString('base64');
    await call('backoffice', 'importFile', { kind: 'stock', fileName: 's.csv', base64: csv, dryRun: true }, ADMIN);
    await call('backoffice', 'importRuns', { page: 1, pageSize: 5 }, ADMIN);
    await call('backoffice', 'dashboard', { month: '2026-11' }, ADMIN);
    await call('backoffice', 'dashboard', {}, WANG);
    await call('backoffice', 'monthlyReportXlsx', { month: '2026-11' }, ADMIN);
  });

  it('left no action of the contract out', () => {
    const all = Object.entries(Api).flatMap(([fn, actions]) => Object.keys(actions).map((a) => `${fn}.${a}`));
    expect(all.filter((a) => !checked.has(a))).toEqual([]);
  });
});

/** Compile-time half of the contract: a handler answering the wrong shape does not type-check. */
export const wrongAnswers = () => [
  defineFunction(Api.auth, {
    // @ts-expect-error whoami must answer Me, not a bare string
    whoami: async () => 'me',
    // @ts-expect-error bind must answer Me: role is Role | null
    bind: async (_input, { caller }) => ({ openid: caller.openid, role: 'boss', name: '' }),
  }),
  defineFunction({ setSkusActive: Api.backoffice.setSkusActive }, {
    // @ts-expect-error setSkusActive answers { updated: number }
    setSkusActive: async () => ({ updated: '2' }),
  }),
  defineFunction(Api.reservationTimer, {
    // @ts-expect-error run answers { released: string[] }
    run: async () => ({ released: 3 }),
  }),
];
