/**
 * The back office function through the local runtime, on the real embedded database and on the
 * Cloudbase path (functions-cloudbase project), with the demo data seeded at a known instant
 * (Thursday 2026-03-05 10:00 Shanghai): roles and scope,
 * products and images (shown in the customer's catalog), price lists and the price preview (equal
 * to the customer's catalog), customers and invitation codes, stock adjustments as increments
 * with movement records, the order board, bulk 审核, delivery notes, browser imports and the
 * dashboard.
 */
import { startLocalRuntime } from '../../scripts/local/server';
import { okData as data, resultCode as code, startTestRuntime, type TestRuntime } from '../../scripts/local/testing/testRuntime';
import { orderIdFor } from '../_lib/services/orders';
import { main as backofficeMain } from './index';
import type {
  BackofficeCustomerDetail,
  BackofficeCustomerRow,
  BackofficeProductRow,
  BackofficeRefs,
  BackofficeStockRow,
  BoardOrder,
  BulkConfirmResult,
  CatalogItem,
  CustomerBrief,
  DashboardView,
  DeliveryNote,
  ImportReport,
  Page,
  PriceGrid,
  PriceListRow,
  PricePreview,
  ProductDetail,
  Quote,
  StockMovement,
  UploadedImage,
  XlsxFile,
} from '@dinghuo/shared';

const WANG = 'demo-merch-wang';
const LI = 'demo-merch-li';
const ADMIN = 'demo-admin';
const HUALIAN = 'demo-customer-hualian';
const YONGHUI = 'demo-customer-yonghui';
const NEWUSER = 'demo-newuser';

const sh = (y: number, m: number, d: number, hh = 12, mm = 0) => Date.UTC(y, m - 1, d, hh - 8, mm);
const T0 = sh(2026, 3, 5, 10);
const H1 = orderIdFor('cus_hualian', 'seed-h1'); // submitted today
const H2 = orderIdFor('cus_hualian', 'seed-h2'); // confirmed, overdue
const Y1 = orderIdFor('cus_yonghui', 'seed-y1'); // submitted yesterday
const Y2 = orderIdFor('cus_yonghui', 'seed-y2'); // cancelled

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let rt: TestRuntime;
let clock = T0;

beforeEach(async () => {
  clock = T0;
  rt = await startTestRuntime({ dataDir: ':memory:', timers: false, quiet: true, seedAt: T0, now: () => clock });
});
afterEach(() => rt.close());

const bo = (who: string | null, action: string, input: object = {}) => rt.invoke('backoffice', { action, input }, who);
const ok = async <T>(who: string, action: string, input: object = {}) => data<T>(await bo(who, action, input));

const newProduct = (imageFileId?: string) => ({
  product: { code: 'P900', name: '山楂果汁', categoryId: 'cat_drinks', description: '测试新品' },
  skus: [
    { code: 'SZ-300', spec: '300ml', baseUnit: '瓶', caseSize: 24, listPriceFen: 500, moq: 24, leadTimeDays: 5, ...(imageFileId ? { imageFileId } : {}) },
    { code: 'SZ-1L', spec: '1L', baseUnit: '瓶', caseSize: 6, caseOnly: true, listPriceFen: 1500, madeToOrder: true },
  ],
});

describe('roles and scope', () => {
  it('refuses customers, unbound users and calls without identity', async () => {
    for (const action of ['refs', 'products', 'customers', 'orders', 'stock', 'dashboard', 'priceLists']) {
      expect(code(await bo(HUALIAN, action))).toBe('FORBIDDEN');
      expect(code(await bo(NEWUSER, action))).toBe('NOT_BOUND');
      expect(code(await bo(null, action))).toBe('UNAUTHENTICATED');
    }
    expect(code(await bo(HUALIAN, 'pricePreview', { customerId: 'cus_hualian', skuId: 'sku_0001' }))).toBe('FORBIDDEN');
  });

  it("shows a merchandiser only his customers, their orders and their price lists, and lets him write nothing", async () => {
    const li = await ok<Page<BackofficeCustomerRow>>(LI, 'customers');
    expect(li.items.map((c) => c._id)).toEqual(['cus_xinda']);
    expect(li.total).toBe(1);
    expect(code(await bo(LI, 'customer', { customerId: 'cus_hualian' }))).toBe('NOT_FOUND');
    expect(code(await bo(LI, 'pricePreview', { customerId: 'cus_hualian', skuId: 'sku_0001' }))).toBe('NOT_FOUND');
    expect(code(await bo(LI, 'deliveryNote', { orderId: H2 }))).toBe('NOT_FOUND');
    expect((await ok<Page<BoardOrder>>(LI, 'orders')).total).toBe(0);
    expect((await ok<Page<BoardOrder>>(LI, 'orders', { merchandiserId: 'stf_wang' })).total).toBe(0);
    const lists = await ok<PriceListRow[]>(LI, 'priceLists');
    expect(lists.map((l) => l._id).sort()).toEqual(['pl_vip', 'pl_wholesale']);
    expect(code(await bo(LI, 'priceGrid', { priceListId: 'pl_hualian' }))).toBe('NOT_FOUND');
    // Reads of the catalog are for every staff member.
    expect((await ok<Page<BackofficeProductRow>>(LI, 'products')).total).toBeGreaterThan(50);
    expect((await ok<BackofficeRefs>(LI, 'refs')).me).toEqual({ staffId: 'stf_li', name: '李强', role: 'merchandiser' });
    // Writes are the admin's.
    for (const [action, input] of [
      ['saveProduct', newProduct()],
      ['setSkusActive', { skuIds: ['sku_0001'], active: false }],
      ['uploadImage', { mime: 'image/png', base64: PNG.toString('base64') }],
      ['savePriceEntries', { priceListId: 'pl_vip', upsert: [{ skuId: 'sku_0001', priceFen: 1 }] }],
      ['saveCustomer', { _id: 'cus_xinda', code: 'C004', name: '鑫达', levelId: 'lv_vip', merchandiserId: 'stf_li' }],
      ['createInvitation', { customerId: 'cus_xinda' }],
      ['adjustStock', { skuId: 'sku_0001', delta: 5, reason: 'inbound' }],
      ['importFile', { kind: 'stock', fileName: 's.csv', base64: Buffer.from('商品编码,现有库存\nSP001-1,1\n').toString('base64') }],
      ['monthlyReportXlsx', { month: '2026-03' }],
    ] as const) {
      expect(`${action}: ${code(await bo(LI, action, input))}`).toBe(`${action}: FORBIDDEN`);
    }
    expect((await rt.store.get('stock', 'sku_0001'))!.onHand).toBe(24 * 40);
  });

  it('answers bad input with typed errors', async () => {
    expect(code(await bo(ADMIN, 'products', { pageSize: 1000 }))).toBe('VALIDATION_FAILED');
    expect(code(await bo(ADMIN, 'orders', { from: '2026-13-01' }))).toBe('VALIDATION_FAILED');
    expect(code(await bo(ADMIN, 'orders', { from: '2026-03-05', to: '2026-03-01' }))).toBe('VALIDATION_FAILED');
    expect(code(await bo(ADMIN, 'adjustStock', { skuId: 'sku_0001', delta: 0, reason: 'inbound' }))).toBe('VALIDATION_FAILED');
    expect(code(await bo(ADMIN, 'adjustStock', { skuId: 'sku_0001', delta: 1.5, reason: 'inbound' }))).toBe('VALIDATION_FAILED');
    expect(code(await bo(ADMIN, 'bulkConfirm', { orderIds: [] }))).toBe('VALIDATION_FAILED');
    expect(code(await bo(ADMIN, 'nope'))).toBe('UNKNOWN_ACTION');
  });
});

describe('products and images', () => {
  it('creates a product with an image that the customer sees in the catalog, served from local storage', async () => {
    const img = await ok<UploadedImage>(ADMIN, 'uploadImage', { fileName: 'a.png', mime: 'image/png', base64: PNG.toString('base64') });
    expect(img.fileId).toMatch(/^local:sku-images\/[a-f0-9]{32}\.png$/);
    expect(img.url).toBe(`/files/${img.fileId.slice('local:'.length)}`);
    const res = await fetch(rt.url + img.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await fetch(rt.url + '/files/../dinghuo.sqlite')).status).toBe(404);

    const saved = await ok<ProductDetail>(ADMIN, 'saveProduct', newProduct(img.fileId));
    expect(saved.product._id).toBe('prd_P900');
    expect(saved.skus.map((s) => s._id)).toEqual(['sku_SZ-1L', 'sku_SZ-300']);
    const sku = saved.skus.find((s) => s.code === 'SZ-300')!;
    expect(sku).toMatchObject({ imageFileId: img.fileId, imageUrl: img.url, name: '山楂果汁', caseSize: 24, moq: 24, visibleTo: ['*'] });
    expect(await rt.store.get('stock', 'sku_SZ-300')).toEqual({ _id: 'sku_SZ-300', onHand: 0, reserved: 0, available: 0 });

    const catalog = data<Page<CatalogItem>>(await rt.invoke('catalog', { action: 'list', input: { keyword: 'SZ-300' } }, HUALIAN));
    expect(catalog.items).toHaveLength(1);
    expect(catalog.items[0]!.imageUrl).toBe(img.url);
    const quote = data<Quote>(await rt.invoke('catalog', { action: 'quote', input: { lines: [{ skuId: 'sku_SZ-300', unit: 'case', count: 1 }] } }, HUALIAN));
    expect(quote.lines[0]!.imageUrl).toBe(img.url);

    const rows = await ok<Page<BackofficeProductRow>>(ADMIN, 'products', { keyword: '山楂' });
    expect(rows.items.map((r) => [r.code, r.imageUrl, r.categoryName])).toEqual([
      ['SZ-1L', null, '饮料'],
      ['SZ-300', img.url, '饮料'],
    ]);

    // Edit: the image stays unless changed; null removes it.
    const edited = await ok<ProductDetail>(ADMIN, 'saveProduct', {
      product: { _id: 'prd_P900', code: 'P900', name: '山楂果汁（新）', categoryId: 'cat_drinks' },
      skus: [{ _id: 'sku_SZ-300', code: 'SZ-300', spec: '300ml', caseSize: 24, listPriceFen: 520 }],
    });
    expect(edited.skus.find((s) => s._id === 'sku_SZ-300')).toMatchObject({ imageFileId: img.fileId, listPriceFen: 520, name: '山楂果汁（新）' });
    const removed = await ok<ProductDetail>(ADMIN, 'saveProduct', {
      product: { _id: 'prd_P900', code: 'P900', name: '山楂果汁', categoryId: 'cat_drinks' },
      skus: [{ _id: 'sku_SZ-300', code: 'SZ-300', caseSize: 24, listPriceFen: 520, imageFileId: null }],
    });
    expect(removed.skus.find((s) => s._id === 'sku_SZ-300')!.imageUrl).toBeUndefined();
  });

  it('refuses bad products and images, writing nothing', async () => {
    expect(code(await bo(ADMIN, 'saveProduct', { ...newProduct(), skus: [{ code: 'X1', caseSize: 1, caseOnly: true, listPriceFen: 100 }] }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(code(await bo(ADMIN, 'saveProduct', { ...newProduct(), skus: [{ code: 'SP001-1', listPriceFen: 100 }] }))).toBe('CONFLICT');
    expect(code(await bo(ADMIN, 'saveProduct', { ...newProduct(), skus: [{ code: 'X1', listPriceFen: -1 }] }))).toBe('VALIDATION_FAILED');
    expect(code(await bo(ADMIN, 'saveProduct', { ...newProduct('https://evil.example/x.png') }))).toBe('VALIDATION_FAILED');
    expect(code(await bo(ADMIN, 'saveProduct', { product: { ...newProduct().product, categoryId: 'cat_nope' }, skus: newProduct().skus }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(await rt.store.get('products', 'prd_P900')).toBeNull();
    expect(await rt.store.count('skus', { productId: 'prd_P900' })).toBe(0);
    expect(code(await bo(ADMIN, 'uploadImage', { mime: 'image/png', base64: Buffer.from('not an image').toString('base64') }))).toBe('VALIDATION_FAILED');
    expect(code(await bo(ADMIN, 'uploadImage', { mime: 'image/gif', base64: PNG.toString('base64') }))).toBe('VALIDATION_FAILED');
    const big = Buffer.alloc(2 * 1024 * 1024 + 10, 0);
    PNG.copy(big);
    expect(code(await bo(ADMIN, 'uploadImage', { mime: 'image/png', base64: big.toString('base64') }))).toBe('VALIDATION_FAILED');
  });

  it('takes SKUs off sale (下架) and back, and the catalog follows', async () => {
    const catalogHas = async (skuCode: string) =>
      data<Page<CatalogItem>>(await rt.invoke('catalog', { action: 'list', input: { keyword: skuCode } }, HUALIAN)).items.some((i) => i.code === skuCode);
    expect(await catalogHas('SP001-1')).toBe(true);
    expect(await ok(ADMIN, 'setSkusActive', { skuIds: ['sku_0001', 'sku_0002'], active: false })).toEqual({ updated: 2 });
    expect(await catalogHas('SP001-1')).toBe(false);
    expect((await ok<Page<BackofficeProductRow>>(ADMIN, 'products', { active: false })).items.map((r) => r.skuId)).toEqual(
      expect.arrayContaining(['sku_0001', 'sku_0002']),
    );
    await ok(ADMIN, 'setSkusActive', { skuIds: ['sku_0001'], active: true });
    expect(await catalogHas('SP001-1')).toBe(true);
    expect(code(await bo(ADMIN, 'setSkusActive', { skuIds: ['sku_nope'], active: true }))).toBe('NOT_FOUND');
  });
});

describe('price lists', () => {
  it("sets a customer's own price with breaks; the preview is what its catalog and cart show", async () => {
    const list = await ok<PriceListRow>(ADMIN, 'ensurePriceList', { scope: 'customer', customerId: 'cus_yonghui' });
    expect(list).toMatchObject({ _id: 'pl_cus_yonghui', scope: 'customer', customerId: 'cus_yonghui', targetName: '永辉便利', entryCount: 0 });
    // Asking again finds the same list.
    expect((await ok<PriceListRow>(ADMIN, 'ensurePriceList', { scope: 'customer', customerId: 'cus_yonghui' }))._id).toBe('pl_cus_yonghui');
    expect((await ok<PriceListRow>(ADMIN, 'ensurePriceList', { scope: 'level', levelId: 'lv_vip' }))._id).toBe('pl_vip');

    const before = await ok<PricePreview>(ADMIN, 'pricePreview', { customerId: 'cus_yonghui', skuId: 'sku_0002' });
    expect(before.source).not.toBe('customer');
    await ok(ADMIN, 'savePriceEntries', {
      priceListId: list._id,
      upsert: [{ skuId: 'sku_0002', priceFen: 333, breaks: [{ minQty: 120, priceFen: 300 }, { minQty: 24, priceFen: 320 }], moq: 12 }],
    });
    const preview = await ok<PricePreview>(ADMIN, 'pricePreview', { customerId: 'cus_yonghui', skuId: 'sku_0002', unit: 'case', count: 10 });
    expect(preview.source).toBe('customer');
    expect(preview.item).toMatchObject({ unitPriceFen: 333, moq: 12, breaks: [{ minQty: 24, priceFen: 320 }, { minQty: 120, priceFen: 300 }] });
    expect(preview.quantity).toEqual({ unit: 'case', count: 10, qty: 120, unitPriceFen: 300, amountFen: 36000 });
    expect(preview.sold).toBe(true);

    // The customer's own catalog and cart say the same.
    const catalog = data<Page<CatalogItem>>(await rt.invoke('catalog', { action: 'list', input: { keyword: preview.item.code } }, YONGHUI));
    expect(catalog.items.find((i) => i.skuId === 'sku_0002')).toEqual(preview.item);
    const quote = data<Quote>(await rt.invoke('catalog', { action: 'quote', input: { lines: [{ skuId: 'sku_0002', unit: 'case', count: 10 }] } }, YONGHUI));
    expect(quote.lines[0]!.unitPriceFen).toBe(preview.quantity!.unitPriceFen);
    expect(quote.totalFen).toBe(preview.quantity!.amountFen);

    // Below the MOQ: the same error as the cart.
    const small = await ok<PricePreview>(ADMIN, 'pricePreview', { customerId: 'cus_yonghui', skuId: 'sku_0002', unit: 'piece', count: 3 });
    expect(small.error?.code).toBe('BELOW_MOQ');

    const grid = await ok<PriceGrid>(ADMIN, 'priceGrid', { priceListId: list._id, keyword: 'SP001-2' });
    expect(grid.rows.items).toHaveLength(1);
    expect(grid.rows.items[0]!.entry).toEqual({ priceFen: 333, breaks: [{ minQty: 24, priceFen: 320 }, { minQty: 120, priceFen: 300 }], moq: 12 });
    expect(grid.levelDiscountBp).toBe(9200);

    // Removing the entry falls back to the level's price.
    expect(await ok(ADMIN, 'savePriceEntries', { priceListId: list._id, remove: ['sku_0002'] })).toEqual({ upserted: 0, removed: 1 });
    expect((await ok<PricePreview>(ADMIN, 'pricePreview', { customerId: 'cus_yonghui', skuId: 'sku_0002' })).item).toEqual(before.item);
  });

  it('refuses bad entries and writes none of them', async () => {
    expect(
      code(await bo(ADMIN, 'savePriceEntries', { priceListId: 'pl_vip', upsert: [{ skuId: 'sku_0001', priceFen: 1 }, { skuId: 'sku_nope', priceFen: 1 }] })),
    ).toBe('SKU_NOT_FOUND');
    expect(
      code(await bo(ADMIN, 'savePriceEntries', { priceListId: 'pl_vip', upsert: [{ skuId: 'sku_0001', priceFen: 1, breaks: [{ minQty: 5, priceFen: 1 }, { minQty: 5, priceFen: 2 }] }] })),
    ).toBe('VALIDATION_FAILED');
    expect(code(await bo(ADMIN, 'savePriceEntries', { priceListId: 'pl_vip', upsert: [{ skuId: 'sku_0001', priceFen: 1.5 }] }))).toBe('VALIDATION_FAILED');
    expect(code(await bo(ADMIN, 'savePriceEntries', { priceListId: 'pl_nope', upsert: [] }))).toBe('NOT_FOUND');
    expect((await rt.store.get('prices', 'pl_vip:sku_0001'))!.priceFen).not.toBe(1);
  });
});

describe('customers and invitation codes', () => {
  it('shows each customer as the 跟单 tab does, a customer whose level is gone at the default level', async () => {
    await rt.store.patch('customers', 'cus_xiaoma', { levelId: 'lv_removed' });
    try {
      const rows = (await ok<Page<BackofficeCustomerRow>>(WANG, 'customers')).items;
      const briefs = data<Page<CustomerBrief>>(await rt.invoke('followup', { action: 'customers', input: {} }, WANG)).items;
      const brief = ({ _id, code, name, levelName, merchandiserId, merchandiserName, creditLimitFen, outstandingFen, openOrders }: CustomerBrief) =>
        ({ _id, code, name, levelName, merchandiserId, merchandiserName, creditLimitFen, outstandingFen, openOrders });
      expect(rows.map(brief)).toEqual(briefs.map(brief));
      expect(rows.find((r) => r._id === 'cus_xiaoma')).toMatchObject({ levelId: 'lv_removed', levelName: '默认' });
    } finally {
      await rt.store.patch('customers', 'cus_xiaoma', { levelId: 'lv_retail' });
    }
  });

  it('creates and edits a customer without touching what orders keep', async () => {
    const created = await ok<BackofficeCustomerDetail>(ADMIN, 'saveCustomer', {
      code: 'C900',
      name: '好邻居便利',
      levelId: 'lv_retail',
      merchandiserId: 'stf_li',
      creditLimitFen: 100000,
      addresses: [{ id: 'a1', contact: '王店长', phone: '13900000000', address: '上海市黄浦区南京东路 1 号' }],
    });
    expect(created).toMatchObject({ _id: 'cus_C900', levelName: '零售门店', merchandiserName: '李强', active: true, outstandingFen: 0, boundUsers: 0 });
    expect(created.invitationCode).toMatch(/^[A-Z2-9]{8}$/);
    expect(created.addresses[0]!.isDefault).toBe(true);
    expect((await ok<Page<BackofficeCustomerRow>>(LI, 'customers')).items.map((c) => c._id)).toEqual(['cus_xinda', 'cus_C900']);

    expect(await rt.store.get('accounts', 'cus_C900')).toEqual({ _id: 'cus_C900', outstandingFen: 0 });
    expect(await rt.store.get('customers', 'cus_C900')).not.toHaveProperty('outstandingFen');

    // The outstanding amount is the account's (moved by orders): shown, never written by the form.
    expect(await rt.store.updateWhere('accounts', { _id: 'cus_hualian' }, { outstandingFen: { $inc: 12345 } })).toBe(1);
    const outstanding = (await rt.store.get('accounts', 'cus_hualian'))!.outstandingFen;
    expect(outstanding).toBeGreaterThanOrEqual(12345);
    expect((await ok<BackofficeCustomerDetail>(WANG, 'customer', { customerId: 'cus_hualian' })).outstandingFen).toBe(outstanding);
    const edited = await ok<BackofficeCustomerDetail>(ADMIN, 'saveCustomer', {
      _id: 'cus_hualian', code: 'C001', name: '华联超市', levelId: 'lv_wholesale', merchandiserId: 'stf_wang', creditLimitFen: null, active: true,
      addresses: [{ id: 'addr_1', contact: '陈经理', phone: '13911110001', address: '上海市浦东新区张杨路 1000 号', isDefault: true }],
    });
    expect(edited).toMatchObject({ levelId: 'lv_wholesale', creditLimitFen: null, outstandingFen: outstanding, invitationCode: 'HUALIAN01' });
    expect(edited.users.map((u) => u.openid)).toEqual([HUALIAN]);
    expect((await rt.store.get('accounts', 'cus_hualian'))!.outstandingFen).toBe(outstanding);
    expect(await rt.store.get('customers', 'cus_hualian')).not.toHaveProperty('outstandingFen');

    expect(code(await bo(ADMIN, 'saveCustomer', { code: 'C001', name: 'x', levelId: 'lv_vip', merchandiserId: 'stf_wang' }))).toBe('CONFLICT');
    expect(code(await bo(ADMIN, 'saveCustomer', { code: 'C901', name: 'x', levelId: 'lv_nope', merchandiserId: 'stf_wang' }))).toBe('VALIDATION_FAILED');
    expect(code(await bo(ADMIN, 'saveCustomer', { code: 'C901', name: 'x', levelId: 'lv_vip', merchandiserId: 'stf_admin' }))).toBe('VALIDATION_FAILED');
    expect(await rt.store.get('customers', 'cus_C901')).toBeNull();
  });

  it('revokes an invitation code, makes a new one, and lists who bound with it', async () => {
    const bind = (c: string) => rt.invoke('auth', { action: 'bind', input: { invitationCode: c } }, NEWUSER);
    await ok(ADMIN, 'revokeInvitation', { customerId: 'cus_xinda' });
    expect(code(await bind('XINDA2026'))).toBe('INVITATION_INVALID');
    expect(code(await bo(ADMIN, 'createInvitation', { customerId: 'cus_xinda', code: 'HUALIAN01' }))).toBe('CONFLICT');
    const fresh = await ok<BackofficeCustomerDetail>(ADMIN, 'createInvitation', { customerId: 'cus_xinda', code: 'xinda2027' });
    expect(fresh).toMatchObject({ invitationCode: 'XINDA2027', invitationRevoked: false, boundUsers: 0 });
    expect(code(await bind('XINDA2026'))).toBe('INVITATION_INVALID');
    expect(code(await bind('XINDA2027'))).toBe('OK');
    const after = await ok<BackofficeCustomerDetail>(LI, 'customer', { customerId: 'cus_xinda' });
    expect(after.users.map((u) => [u.openid, u.boundAt])).toEqual([[NEWUSER, T0]]);
    await ok(ADMIN, 'unbindUser', { customerId: 'cus_xinda', openid: NEWUSER });
    expect(await rt.store.get('users', NEWUSER)).toBeNull();
    expect(code(await bo(ADMIN, 'unbindUser', { customerId: 'cus_xinda', openid: HUALIAN }))).toBe('NOT_FOUND');
  });
});

describe('stock', () => {
  it('adjusts stock as increments with a movement record each, never below what is reserved', async () => {
    const before = (await rt.store.get('stock', 'sku_0001'))!;
    // Ten adjustments at once: each is an increment, none is lost.
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => bo(ADMIN, 'adjustStock', { skuId: 'sku_0001', delta: i % 2 ? 7 : -3, reason: 'stocktake' })));
    expect(results.map(code)).toEqual(Array(10).fill('OK'));
    const after = (await rt.store.get('stock', 'sku_0001'))!;
    expect(after.onHand).toBe(before.onHand + 5 * 7 - 5 * 3);
    expect(after.reserved).toBe(before.reserved);
    // available moves with onHand (the order core's counter, kept by increments).
    expect(after.available).toBe(before.available + 20);
    expect(after.available).toBe(after.onHand - after.reserved);
    const moves = await ok<Page<StockMovement>>(WANG, 'stockMovements', { skuId: 'sku_0001', pageSize: 100 });
    expect(moves.total).toBe(10);
    expect(moves.items.reduce((n, m) => n + m.delta, 0)).toBe(20);
    expect(moves.items[0]).toMatchObject({ reason: 'stocktake', note: '盘点', by: { staffId: 'stf_admin', name: '赵总' }, at: T0 });

    // sku_0001 is reserved by H1 (5 cases): on hand cannot drop below that.
    expect(after.reserved).toBeGreaterThan(0);
    const r = await bo(ADMIN, 'adjustStock', { skuId: 'sku_0001', delta: -(after.onHand - after.reserved + 1), reason: 'damage' });
    expect(code(r)).toBe('OUT_OF_STOCK');
    expect(await rt.store.get('stock', 'sku_0001')).toEqual(after);
    expect(await rt.store.count('stockMovements', { skuId: 'sku_0001' })).toBe(10);
    const down = await ok<{ stock: BackofficeStockRow }>(ADMIN, 'adjustStock', { skuId: 'sku_0001', delta: -(after.onHand - after.reserved), reason: 'damage', note: '破损' });
    expect(down.stock).toMatchObject({ onHand: after.reserved, reserved: after.reserved, available: 0 });
    expect(await rt.store.get('stock', 'sku_0001')).toMatchObject({ onHand: after.reserved, reserved: after.reserved, available: 0 });
    // Nothing is left to reserve: the catalog's submit path refuses the SKU.
    const none = await rt.invoke('order', { action: 'submit', input: { requestId: 'bo-stock-0001', lines: [{ skuId: 'sku_0001', unit: 'case', count: 1 }], addressId: 'addr_1' } }, HUALIAN);
    expect(code(none)).toBe('OUT_OF_STOCK');
    // A SKU without a stock document gets one by an inbound adjustment, with available.
    await ok(ADMIN, 'saveProduct', newProduct());
    await rt.store.remove('stock', 'sku_SZ-300');
    expect(code(await bo(ADMIN, 'adjustStock', { skuId: 'sku_SZ-300', delta: -1, reason: 'damage' }))).toBe('OUT_OF_STOCK');
    expect(await rt.store.get('stock', 'sku_SZ-300')).toBeNull();
    await ok(ADMIN, 'adjustStock', { skuId: 'sku_SZ-300', delta: 30, reason: 'inbound' });
    expect(await rt.store.get('stock', 'sku_SZ-300')).toEqual({ _id: 'sku_SZ-300', onHand: 30, reserved: 0, available: 30 });
    expect(code(await bo(ADMIN, 'adjustStock', { skuId: 'sku_nope', delta: 1, reason: 'inbound' }))).toBe('SKU_NOT_FOUND');
  });

  it('flags SKUs at or below their low-stock threshold', async () => {
    const row = await ok<BackofficeStockRow>(ADMIN, 'setLowStockThreshold', { skuId: 'sku_0009', threshold: 1000 });
    expect(row).toMatchObject({ lowStockThreshold: 1000, low: true });
    await ok(ADMIN, 'setLowStockThreshold', { skuId: 'sku_0002', threshold: 1 });
    const low = await ok<Page<BackofficeStockRow>>(WANG, 'stock', { lowOnly: true });
    expect(low.items.map((r) => r.skuId)).toEqual(['sku_0009']);
    const all = await ok<Page<BackofficeStockRow>>(WANG, 'stock', { keyword: 'SP001-1' });
    expect(all.items[0]).toMatchObject({ skuId: 'sku_0001', lowStockThreshold: 0, low: false });
    expect(all.items[0]!.available).toBe(all.items[0]!.onHand - all.items[0]!.reserved);
  });
});

describe('orders', () => {
  it('filters the board by status, customer, merchandiser and date, newest first with a total', async () => {
    const all = await ok<Page<BoardOrder>>(ADMIN, 'orders', { pageSize: 100 });
    expect(all.total).toBe(8);
    const created = all.items.map((o) => o.createdAt);
    expect(created).toEqual([...created].sort((a, b) => b - a));
    const submitted = await ok<Page<BoardOrder>>(ADMIN, 'orders', { status: 'submitted' });
    expect(submitted.items.map((o) => o._id)).toEqual([H1, Y1]);
    expect((await ok<Page<BoardOrder>>(ADMIN, 'orders', { customerId: 'cus_yonghui' })).total).toBe(3);
    expect((await ok<Page<BoardOrder>>(ADMIN, 'orders', { merchandiserId: 'stf_wang' })).total).toBe(8);
    expect((await ok<Page<BoardOrder>>(ADMIN, 'orders', { merchandiserId: 'stf_li' })).total).toBe(0);
    const recent = await ok<Page<BoardOrder>>(ADMIN, 'orders', { from: '2026-03-04', to: '2026-03-05' });
    expect(recent.items.map((o) => o._id)).toEqual([H1, Y1]);
    const february = await ok<Page<BoardOrder>>(ADMIN, 'orders', { to: '2026-02-28', pageSize: 100 });
    expect(february.total).toBe(3);
    expect(february.items.map((o) => o._id)).toEqual(all.items.filter((o) => o.createdDate <= '2026-02-28').map((o) => o._id));
    expect((await ok<Page<BoardOrder>>(ADMIN, 'orders', { to: '2026-02-20' })).total).toBe(0);
    const page2 = await ok<Page<BoardOrder>>(ADMIN, 'orders', { page: 2, pageSize: 3 });
    expect(page2.items.map((o) => o._id)).toEqual(all.items.slice(3, 6).map((o) => o._id));
    expect(page2.hasMore).toBe(true);
    const h2 = all.items.find((o) => o._id === H2)!;
    expect(h2).toMatchObject({ overdue: true, customerCode: 'C001', merchandiserName: '王敏', status: 'confirmed' });
    const byNo = await ok<Page<BoardOrder>>(ADMIN, 'orders', { orderNo: h2.orderNo.slice(-6) });
    expect(byNo.items.map((o) => o._id)).toEqual([H2]);
  });

  it('confirms orders in bulk with the 审单 of the 跟单 tab, reporting each', async () => {
    const res = await ok<BulkConfirmResult>(WANG, 'bulkConfirm', { orderIds: [H1, H2, Y1, 'o_nope'] });
    expect(res.results.map((r) => [r.orderId, r.ok, r.error?.code ?? null])).toEqual([
      [H1, true, null],
      [H2, false, 'ILLEGAL_TRANSITION'],
      [Y1, true, null],
      ['o_nope', false, 'NOT_FOUND'],
    ]);
    expect(res).toMatchObject({ confirmed: 2, failed: 2 });
    expect(res.results[1]!.orderNo).toMatch(/^DH/);
    for (const id of [H1, Y1]) {
      const o = (await rt.store.get('orders', id))!;
      expect(o.status).toBe('confirmed');
      expect(o.dueDate).not.toBeNull();
      expect(o.nodes.find((n) => n.key === 'review')!.actualAt).toBe(T0);
      expect(await rt.store.count('messageJobs', { orderId: id })).toBe(1);
    }
    // Another merchandiser's orders are not his to confirm.
    const li = await ok<BulkConfirmResult>(LI, 'bulkConfirm', { orderIds: [H1] });
    expect(li.results[0]).toEqual({ orderId: H1, orderNo: null, ok: false, error: expect.objectContaining({ code: 'NOT_FOUND' }) });
  });

  it('gives the data of a 发货单 for a confirmed order, and none for an unconfirmed or cancelled one', async () => {
    const note = await ok<DeliveryNote>(ADMIN, 'deliveryNote', { orderId: H2 });
    const order = (await rt.store.get('orders', H2))!;
    expect(note).toMatchObject({ orderNo: order.orderNo, date: '2026-03-05', customer: { code: 'C001', name: '华联超市' }, merchandiser: '王敏' });
    expect(note.lines.map((l) => l.quantityText)).toEqual(order.lines.map((l) => (l.unit === 'case' ? `${l.count} 箱（${l.qty} ${l.baseUnit}）` : `${l.qty} ${l.baseUnit}`)));
    expect(note.totalFen).toBe(order.totalFen);
    expect(note.totalQty).toBe(order.lines.reduce((n, l) => n + l.qty, 0));
    expect(code(await bo(ADMIN, 'deliveryNote', { orderId: H1 }))).toBe('ILLEGAL_TRANSITION');
    expect(code(await bo(ADMIN, 'deliveryNote', { orderId: Y2 }))).toBe('ILLEGAL_TRANSITION');
  });
});

describe('imports from the browser', () => {
  const csv = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  const products = '商品编码,商品名称,规格,分类,单位,箱规(件/箱),只整箱,标准价(元),起订量,上架,定制,交期(天)\n';

  it('reports every bad row on a dry run, writes nothing while a row is bad, then applies', async () => {
    const bad = products + 'NEW-1,新品甲,500ml,饮料,瓶,12,否,3.50,1,是,否,3\nNEW-2,新品乙,1L,饮料,瓶,6,否,abc,1,是,否,3\nNEW-3,,1L,饮料,瓶,6,否,5,1,是,否,3\n';
    const dry = await ok<ImportReport & { fileName: string }>(ADMIN, 'importFile', { kind: 'products', fileName: '新品.csv', base64: csv(bad) });
    expect(dry).toMatchObject({ dryRun: true, written: false, rows: 3, created: 1, fileName: '新品.csv' });
    expect(dry.bad.map((b) => b.row)).toEqual([3, 4]);
    const applied = await bo(ADMIN, 'importFile', { kind: 'products', fileName: '新品.csv', base64: csv(bad), dryRun: false });
    expect(code(applied)).toBe('IMPORT_INVALID');
    expect(((applied as unknown as { error: { details: { report: ImportReport } } }).error.details.report.bad).map((b) => b.row)).toEqual([3, 4]);
    expect(await rt.store.get('skus', 'sku_NEW-1')).toBeNull();

    const skipped = await ok<ImportReport>(ADMIN, 'importFile', { kind: 'products', fileName: '新品.csv', base64: csv(bad), dryRun: false, skipBad: true });
    expect(skipped).toMatchObject({ written: true, created: 1, skipped: 2 });
    expect(await rt.store.get('skus', 'sku_NEW-1')).toMatchObject({ name: '新品甲', listPriceFen: 350 });
  });

  it('reads XLSX with the CLI reader and refuses unreadable files', async () => {
    const fs = await import('node:fs');
    const xlsx = fs.readFileSync('scripts/import/samples/samples.xlsx');
    const r = await ok<ImportReport & { sheetName: string }>(ADMIN, 'importFile', { kind: 'stock', fileName: 'samples.xlsx', base64: xlsx.toString('base64') });
    expect(r.rows).toBeGreaterThan(0);
    expect(r.dryRun).toBe(true);
    expect(code(await bo(ADMIN, 'importFile', { kind: 'stock', fileName: 'x.xls', base64: csv('abc') }))).toBe('IMPORT_FILE_UNREADABLE');
    expect(code(await bo(ADMIN, 'importFile', { kind: 'stock', fileName: 'x.csv', base64: csv('foo,bar\n1,2\n') }))).toBe('IMPORT_HEADER_INVALID');
    expect(code(await bo(ADMIN, 'importFile', { kind: 'stock', fileName: 'x.csv', base64: '!!!' }))).toBe('VALIDATION_FAILED');
  });
});

describe('dashboard and reports', () => {
  it("shows today's orders, overdue, open exceptions and the month, scoped for a merchandiser", async () => {
    await rt.invoke('followup', { action: 'logException', input: { orderId: H2, kind: 'delay', severity: 'high', description: '物流延误' } }, WANG);
    const d = await ok<DashboardView>(ADMIN, 'dashboard');
    const h1 = (await rt.store.get('orders', H1))!;
    expect(d).toMatchObject({ date: '2026-03-05', month: '2026-03', overdue: 1, openExceptions: 1 });
    expect(d.today).toEqual({ orders: 1, amountFen: h1.totalFen, awaitingReview: 2 });
    expect(d.byDay.map((x) => x.date)).toEqual(['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05']);
    expect(d.byDay.at(-1)).toEqual({ date: '2026-03-05', orders: 1, amountFen: h1.totalFen });
    expect(d.byCustomer.map((c) => c.customerName)).toEqual(expect.arrayContaining(['华联超市', '永辉便利']));
    const fens = d.byCustomer.map((c) => c.orderedFen);
    expect(fens).toEqual([...fens].sort((a, b) => b - a));
    expect(d.byProduct.length).toBeGreaterThan(0);

    const li = await ok<DashboardView>(LI, 'dashboard');
    expect(li).toMatchObject({ overdue: 0, openExceptions: 0, today: { orders: 0, amountFen: 0, awaitingReview: 0 }, byCustomer: [], byProduct: [] });
  });

  it('downloads the monthly report as XLSX (admin)', async () => {
    const x = await ok<XlsxFile>(ADMIN, 'monthlyReportXlsx', { month: '2026-03' });
    const bytes = Buffer.from(x.base64, 'base64');
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    expect(x.bytes).toBe(bytes.length);
    expect(code(await bo(WANG, 'monthlyReportXlsx', { month: '2026-03' }))).toBe('FORBIDDEN');
  });
});

describe('signed in from a browser on Cloudbase (web sign-in)', () => {
  // What Cloudbase puts in the context of a call from a browser signed in with Cloudbase's web
  // sign-in: the end user's uid (TCB_UUID), no WX_OPENID.
  const webContext = (vars: Record<string, string>) => ({ environment: JSON.stringify({ TCB_ENV: 'env-1', ...vars }), dinghuoLocal: { store: rt.store, now: clock } });

  it('is the staff member whose users document is tcb:<uid>; anonymous web users and payload claims are nobody', async () => {
    await rt.store.set('users', { _id: 'tcb:uid-zhao', role: 'admin', staffId: 'stf_admin', name: '赵总' });
    const refsResult = data<BackofficeRefs>(await backofficeMain({ action: 'refs', input: {} }, webContext({ TCB_UUID: 'uid-zhao' })));
    expect(refsResult.me).toEqual({ staffId: 'stf_admin', name: '赵总', role: 'admin' });
    expect(code(await backofficeMain({ action: 'refs', input: {} }, webContext({ TCB_UUID: 'uid-zhao', TCB_ISANONYMOUS_USER: 'true' })))).toBe('UNAUTHENTICATED');
    expect(code(await backofficeMain({ action: 'refs', input: {} }, webContext({ TCB_UUID: 'uid-stranger' })))).toBe('NOT_BOUND');
    expect(code(await backofficeMain({ action: 'refs', input: { openid: 'demo-admin' }, openid: 'demo-admin' } as never, webContext({})))).toBe('UNAUTHENTICATED');
  });

  it('lets an admin grant and revoke a browser sign-in for a staff member', async () => {
    const asWeb = (action: string, input: object = {}) => backofficeMain({ action, input }, webContext({ TCB_UUID: 'uid-wang' }));
    // Before: the browser user is nobody; whoami tells it the id to give the admin.
    expect(code(await asWeb('refs'))).toBe('NOT_BOUND');
    const me = data<{ openid: string; role: null }>(await rt.functions.get('auth')!({ action: 'whoami', input: {} }, webContext({ TCB_UUID: 'uid-wang' })));
    expect(me).toMatchObject({ openid: 'tcb:uid-wang', role: null });

    expect(code(await bo(WANG, 'grantStaffLogin', { loginId: 'tcb:uid-wang', staffId: 'stf_wang' }))).toBe('FORBIDDEN');
    const logins = await ok<{ loginId: string; staffId: string; kind: string }[]>(ADMIN, 'grantStaffLogin', { loginId: 'tcb:uid-wang', staffId: 'stf_wang' });
    expect(logins.filter((l) => l.staffId === 'stf_wang').map((l) => [l.loginId, l.kind])).toEqual([
      [WANG, 'wechat'],
      ['tcb:uid-wang', 'web'],
    ]);
    // Now the browser user is 王敏, with his scope.
    expect(data<BackofficeRefs>(await asWeb('refs')).me).toEqual({ staffId: 'stf_wang', name: '王敏', role: 'merchandiser' });
    expect(code(await asWeb('customer', { customerId: 'cus_xinda' }))).toBe('NOT_FOUND');
    expect(code(await bo(ADMIN, 'grantStaffLogin', { loginId: HUALIAN, staffId: 'stf_wang' }))).toBe('ALREADY_BOUND');
    expect(code(await bo(ADMIN, 'revokeStaffLogin', { loginId: ADMIN }))).toBe('FORBIDDEN');
    await ok(ADMIN, 'revokeStaffLogin', { loginId: 'tcb:uid-wang' });
    expect(code(await asWeb('refs'))).toBe('NOT_BOUND');
  });
});

// The local runtime's own seed (images kept in its files dir), whichever store the project tests.
describe('the demo seed', () => {
  it('gives a few products images, served by the local runtime and shown in the catalog', async () => {
    const seeded = await startLocalRuntime({ dataDir: ':memory:', timers: false, quiet: true });
    try {
      const list = data<Page<CatalogItem>>(await seeded.invoke('catalog', { action: 'list', input: { pageSize: 100 } }, HUALIAN));
      const withImage = list.items.filter((i) => i.imageUrl);
      expect(withImage.length).toBeGreaterThanOrEqual(5);
      const res = await fetch(seeded.url + withImage[0]!.imageUrl!);
      expect(res.status).toBe(200);
      const png = Buffer.from(await res.arrayBuffer());
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(96); // IHDR width
    } finally {
      await seeded.close();
    }
  });
});
