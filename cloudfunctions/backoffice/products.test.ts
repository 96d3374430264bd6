/**
 * Products in the back office: 整品上架/下架 (every SKU of a product with one conditional update)
 * and saveProduct as a patch of the form's fields, so a 上架/下架 or 低库存预警 change made while the
 * form was open survives its save — on the embedded database and (functions-cloudbase) through
 * the Cloudbase SDK against the emulator.
 */
import { skuVisibleTo, type ProductDetail, type Result, type SkuInput, type Sku } from '@dinghuo/shared';
import { startTestRuntime, storeFingerprint, type TestRuntime } from '../../scripts/local/testing/testRuntime';

const ADMIN = 'demo-admin';
const WANG = 'demo-merch-wang';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ dataDir: ':memory:', timers: false, quiet: true });
});
afterAll(async () => {
  await rt.close();
});

async function ok<T>(openid: string, action: string, input: unknown): Promise<T> {
  const r = (await rt.invoke('backoffice', { action, input }, openid)) as Result<T>;
  if (!r.ok) throw new Error(`${action}: ${r.error.code} ${r.error.message}`);
  return r.data;
}

const sku = (code: string, extra: Partial<SkuInput> = {}): SkuInput => ({ code, spec: `${code} 规格`, listPriceFen: 1200, ...extra });

let n = 0;
/** A new product with three SKUs, as the form creates it. */
async function newProduct(): Promise<ProductDetail> {
  n++;
  const refs = await ok<{ categories: { _id: string }[] }>(ADMIN, 'refs', {});
  return ok<ProductDetail>(ADMIN, 'saveProduct', {
    product: { code: `PT${n}`, name: `测试商品${n}`, categoryId: refs.categories[0]!._id, description: '' },
    skus: [sku(`PT${n}-1`), sku(`PT${n}-2`), sku(`PT${n}-3`, { active: false, lowStockThreshold: 5 })],
  });
}

const skusOf = async (productId: string): Promise<Sku[]> => (await rt.store.find('skus', { productId }, { orderBy: [['code', 'asc']], limit: 100 })) as Sku[];

/** The form's save of what it loaded, with `edit` applied to every SKU (only what a form sends). */
function formSave(d: ProductDetail, edit: (s: Sku) => Partial<SkuInput> = () => ({})) {
  return {
    product: { _id: d.product._id, code: d.product.code, name: d.product.name, categoryId: d.product.categoryId, description: d.product.description },
    skus: d.skus.map((s) => ({ _id: s._id, code: s.code, spec: s.spec, baseUnit: s.baseUnit, caseUnit: s.caseUnit, caseSize: s.caseSize, caseOnly: s.caseOnly, listPriceFen: s.listPriceFen, moq: s.moq, leadTimeDays: s.leadTimeDays, madeToOrder: s.madeToOrder, ...edit(s) })),
  };
}

describe('整品上架 / 下架 (setProductActive)', () => {
  it('takes every SKU of the product off sale and back, counting only those that changed', async () => {
    const d = await newProduct();
    expect((await skusOf(d.product._id)).map((s) => s.active)).toEqual([true, true, false]);
    expect(await ok(ADMIN, 'setProductActive', { productId: d.product._id, active: false })).toEqual({ updated: 2 });
    expect((await skusOf(d.product._id)).map((s) => s.active)).toEqual([false, false, false]);
    expect((await rt.store.get('products', d.product._id))!.active).toBe(false);
    // again: nothing left to change, still answered
    expect(await ok(ADMIN, 'setProductActive', { productId: d.product._id, active: false })).toEqual({ updated: 0 });
    expect(await ok(ADMIN, 'setProductActive', { productId: d.product._id, active: true })).toEqual({ updated: 3 });
    expect((await skusOf(d.product._id)).map((s) => s.active)).toEqual([true, true, true]);
    expect((await rt.store.get('products', d.product._id))!.active).toBe(true);
  });

  it('leaves other products alone', async () => {
    const a = await newProduct();
    const b = await newProduct();
    await ok(ADMIN, 'setProductActive', { productId: a.product._id, active: false });
    expect((await skusOf(b.product._id)).map((s) => s.active)).toEqual([true, true, false]);
  });

  it('an unknown product is NOT_FOUND and a merchandiser is refused, both writing nothing', async () => {
    const d = await newProduct();
    const before = await storeFingerprint(rt);
    const missing = await rt.invoke('backoffice', { action: 'setProductActive', input: { productId: 'prd_nope', active: false } }, ADMIN);
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    if (!missing.ok) expect(missing.error.message).toMatch(/[\u4e00-\u9fff]/);
    const merch = await rt.invoke('backoffice', { action: 'setProductActive', input: { productId: d.product._id, active: false } }, WANG);
    expect(merch).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const bad = await rt.invoke('backoffice', { action: 'setProductActive', input: { productId: d.product._id } }, ADMIN);
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await storeFingerprint(rt)).toBe(before);
  });
});

describe('saveProduct patches only what the form sent', () => {
  it('a 下架 and a 低库存预警 change made while the form was open survive its save', async () => {
    const d = await newProduct();
    const [s1, s2] = d.skus;
    // the form is open (it loaded d); meanwhile: 整品下架, and 库存 sets a threshold on s2
    await ok(ADMIN, 'setProductActive', { productId: d.product._id, active: false });
    await ok(ADMIN, 'setLowStockThreshold', { skuId: s2!._id, threshold: 40 });
    // the form saves a new price and spec; it did not touch 上架 or the threshold, so does not send them
    await ok(ADMIN, 'saveProduct', formSave(d, (s) => ({ listPriceFen: s.listPriceFen + 100, spec: `${s.spec} 新` })));
    const after = await skusOf(d.product._id);
    expect(after.map((s) => s.active)).toEqual([false, false, false]);
    expect(after.map((s) => s.lowStockThreshold ?? 0)).toEqual([0, 40, 5]);
    expect(after.map((s) => s.listPriceFen)).toEqual([1300, 1300, 1300]);
    expect(after[0]!.spec).toBe(`${s1!.spec} 新`);
    expect((await rt.store.get('products', d.product._id))!.active).toBe(false);
  });

  it('what the form did set wins: its 上架 switch and threshold', async () => {
    const d = await newProduct();
    await ok(ADMIN, 'saveProduct', formSave(d, (s) => (s.code.endsWith('-3') ? { active: true, lowStockThreshold: 0 } : {})));
    const after = await skusOf(d.product._id);
    expect(after.map((s) => s.active)).toEqual([true, true, true]);
    expect(after[2]!.lowStockThreshold).toBeUndefined();
  });

  it('a save racing 整品下架 and a threshold change: all three land, in any order', async () => {
    const d = await newProduct();
    await Promise.all([
      ok(ADMIN, 'saveProduct', formSave(d, (s) => ({ moq: s.moq + 2 }))),
      ok(ADMIN, 'setProductActive', { productId: d.product._id, active: false }),
      ok(ADMIN, 'setLowStockThreshold', { skuId: d.skus[0]!._id, threshold: 7 }),
    ]);
    const after = await skusOf(d.product._id);
    expect(after.map((s) => s.active)).toEqual([false, false, false]);
    expect(after[0]!.lowStockThreshold).toBe(7);
    expect(after.map((s) => s.moq)).toEqual(d.skus.map((s) => s.moq + 2));
  });

  it("keeps a SKU's sale scope (set by the import) that the form does not edit", async () => {
    const d = await newProduct();
    const scoped = d.skus[0]!;
    const saleScope = { customerIds: ['cus_001'] };
    await rt.store.patch('skus', scoped._id, { saleScope, visibleTo: skuVisibleTo({ saleScope }) });
    await ok(ADMIN, 'saveProduct', formSave(d, () => ({ leadTimeDays: 9 })));
    const after = (await rt.store.get('skus', scoped._id))!;
    expect(after.leadTimeDays).toBe(9);
    expect(after.saleScope).toEqual(saleScope);
    expect(after.visibleTo).toEqual(['cu:cus_001']);
  });
});
