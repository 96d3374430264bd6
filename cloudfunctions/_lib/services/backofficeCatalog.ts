/**
 * The back office's products, images and price lists on top of the Store. Pricing itself is the
 * shared rule (pricing.ts) through the catalog's own code (toCatalogItem, quoteCart), so a preview
 * is what the customer's catalog and cart show. Writes are admin-only; reads are for any staff.
 */
import {
  newStock,
  DomainError,
  importIds,
  isSkuSoldTo,
  MAX_IMAGE_BYTES,
  Sku as SkuSchema,
  withVisibleTo,
  type BackofficeProductRow,
  type BackofficeRefs,
  type Caller,
  type Category,
  type CustomerLevel,
  type Page,
  type PriceEntry,
  type PriceGrid,
  type PriceGridRow,
  type PriceList,
  type PriceListRow,
  type PricePreview,
  type Product,
  type ProductDetail,
  type Sku,
  type UploadedImage,
} from '@dinghuo/shared';
import type { z } from 'zod';
import type { BackofficeInputs } from '@dinghuo/shared';
import { applyPatch, findAll, type Filter, type Patch, type Store } from '../data/store';
import { requireAdmin, requireStaff } from '../identity';
import type { FileStorage } from '../storage';
import { quoteCart, toCatalogItem } from './catalog';
import { loadScopedCustomer } from './followup';
import { loadLevel, loadPricingContext, priceEntryId } from './pricingData';
import { availableIn } from './counters';

export type In<A extends keyof typeof BackofficeInputs> = z.output<(typeof BackofficeInputs)[A]>;

export function pageOf<T>(items: T[], input: { page: number; pageSize: number }, total: number): Page<T> {
  const skip = (input.page - 1) * input.pageSize;
  return { items, page: input.page, pageSize: input.pageSize, total, hasMore: skip + items.length < total };
}

export function skuKeywordFilter(keyword: string | undefined): Filter {
  const k = keyword?.trim();
  return k ? { $or: [{ code: { $contains: k } }, { name: { $contains: k } }, { spec: { $contains: k } }] } : {};
}

// --- reference data --------------------------------------------------------------------------

export async function refs(store: Store, caller: Caller): Promise<BackofficeRefs> {
  const staff = requireStaff(caller);
  const [categories, levels, staffDocs] = await Promise.all([
    store.find('categories', {}, { orderBy: [['sort', 'asc']], limit: 1000 }),
    store.find('levels', {}, { orderBy: [['_id', 'asc']], limit: 1000 }),
    store.find('staff', {}, { orderBy: [['_id', 'asc']], limit: 1000 }),
  ]);
  return {
    categories,
    levels,
    staff: staffDocs.map((s) => ({ _id: s._id, name: s.name, role: s.role })),
    me: { staffId: staff.staffId, name: staff.name, role: staff.kind },
  };
}

export async function saveLevel(store: Store, caller: Caller, input: In<'saveLevel'>): Promise<CustomerLevel> {
  requireAdmin(caller);
  const id = input._id ?? importIds.level(input.name);
  if (input._id && !(await store.get('levels', input._id))) throw new DomainError('NOT_FOUND');
  if (!input._id && (await store.get('levels', id))) throw new DomainError('CONFLICT', `客户等级「${input.name}」已存在`);
  const level: CustomerLevel = { _id: id, name: input.name, discountBp: input.discountBp };
  await store.set('levels', level);
  return level;
}

export async function saveCategory(store: Store, caller: Caller, input: In<'saveCategory'>): Promise<Category> {
  requireAdmin(caller);
  const id = input._id ?? importIds.category(input.name);
  if (input._id && !(await store.get('categories', input._id))) throw new DomainError('NOT_FOUND');
  if (!input._id && (await store.get('categories', id))) throw new DomainError('CONFLICT', `分类「${input.name}」已存在`);
  const category: Category = { _id: id, name: input.name, sort: input.sort };
  await store.set('categories', category);
  return category;
}

// --- products ----------------------------------------------------------------------------------

/** URLs a browser can open for these SKUs' images (Cloudbase: temporary URLs). */
async function imageUrls(storage: FileStorage, skus: readonly Sku[]): Promise<Map<string, string>> {
  const ids = skus.flatMap((s) => (s.imageFileId ? [s.imageFileId] : []));
  const byFile = ids.length ? await storage.browserUrls(ids) : new Map<string, string>();
  const out = new Map<string, string>();
  for (const s of skus) {
    const url = (s.imageFileId && byFile.get(s.imageFileId)) || s.imageUrl;
    if (url) out.set(s._id, url);
  }
  return out;
}

export async function listProducts(store: Store, caller: Caller, storage: FileStorage, input: In<'products'>): Promise<Page<BackofficeProductRow>> {
  requireStaff(caller);
  const filter: Filter = { ...skuKeywordFilter(input.keyword) };
  if (input.categoryId) filter.categoryId = input.categoryId;
  if (input.active !== undefined) filter.active = input.active;
  const skip = (input.page - 1) * input.pageSize;
  const [skus, total, categories] = await Promise.all([
    store.find('skus', filter, { orderBy: [['code', 'asc']], skip, limit: input.pageSize }),
    store.count('skus', filter),
    store.find('categories', {}, { limit: 1000 }),
  ]);
  const ids = skus.map((s) => s._id);
  const [stocks, urls] = await Promise.all([store.getMany('stock', ids), imageUrls(storage, skus)]);
  const stockById = new Map(stocks.map((s) => [s._id, s]));
  const categoryName = new Map(categories.map((c) => [c._id, c.name]));
  const items = skus.map((s): BackofficeProductRow => {
    const st = stockById.get(s._id);
    return {
      skuId: s._id,
      productId: s.productId,
      code: s.code,
      name: s.name,
      spec: s.spec,
      categoryId: s.categoryId,
      categoryName: categoryName.get(s.categoryId) ?? '',
      baseUnit: s.baseUnit,
      caseUnit: s.caseUnit,
      caseSize: s.caseSize,
      caseOnly: s.caseOnly,
      listPriceFen: s.listPriceFen,
      moq: s.moq,
      leadTimeDays: s.leadTimeDays,
      madeToOrder: s.madeToOrder,
      active: s.active,
      imageUrl: urls.get(s._id) ?? null,
      onHand: st?.onHand ?? 0,
      reserved: st?.reserved ?? 0,
      available: availableIn(st),
    };
  });
  return pageOf(items, input, total);
}

export async function productDetail(store: Store, caller: Caller, storage: FileStorage, productId: string): Promise<ProductDetail> {
  requireStaff(caller);
  const [product, skus] = await Promise.all([
    store.get('products', productId),
    store.find('skus', { productId }, { orderBy: [['code', 'asc']], limit: 200 }),
  ]);
  if (!product) throw new DomainError('NOT_FOUND');
  const urls = await imageUrls(storage, skus);
  return { product, skus: skus.map((s) => (urls.has(s._id) ? { ...s, imageUrl: urls.get(s._id) } : s)) };
}

function isStoredFileId(id: string): boolean {
  return id.startsWith('local:') || id.startsWith('cloud://');
}

/** The SKU fields the product form owns (besides the optional active, lowStockThreshold, saleScope, image). */
const FORM_FIELDS = ['code', 'productId', 'categoryId', 'name', 'spec', 'baseUnit', 'caseUnit', 'caseSize', 'caseOnly', 'listPriceFen', 'moq', 'madeToOrder', 'leadTimeDays'] as const;

/**
 * Creates or updates a product and the SKUs given, in one transaction (new SKUs get a stock
 * record at zero). Codes are unique; a SKU's id comes from its code as the import derives it, so
 * a later import of the same code updates it. An existing product and SKU get a patch of the
 * fields the form sent, never their whole document: 上架/下架 (setSkusActive, setProductActive),
 * 低库存预警 (库存) and the import's sale scope, changed meanwhile, stay unless the form set them.
 */
export async function saveProduct(store: Store, caller: Caller, storage: FileStorage, input: In<'saveProduct'>): Promise<ProductDetail> {
  requireAdmin(caller);
  const p = input.product;
  const productId = p._id ?? importIds.product(p.code);
  const codes = input.skus.map((s) => s.code);
  const dup = codes.find((c, i) => codes.indexOf(c) !== i);
  if (dup) throw new DomainError('VALIDATION_FAILED', `SKU 编码 ${dup} 重复`);

  const [existingProduct, sameCodeProducts, category, skusByCode, ownSkus] = await Promise.all([
    store.get('products', productId),
    store.find('products', { code: p.code }, { limit: 2 }),
    store.get('categories', p.categoryId),
    store.find('skus', { code: { $in: codes } }, { limit: 1000 }),
    store.find('skus', { productId }, { limit: 1000 }),
  ]);
  if (p._id && !existingProduct) throw new DomainError('NOT_FOUND');
  if (!p._id && existingProduct) throw new DomainError('CONFLICT', `产品编码 ${p.code} 已存在`);
  if (sameCodeProducts.some((x) => x._id !== productId)) throw new DomainError('CONFLICT', `产品编码 ${p.code} 已被其他产品使用`);
  if (!category) throw new DomainError('VALIDATION_FAILED', '分类不存在', { issues: [{ path: 'product.categoryId', message: '分类不存在' }] });
  const own = new Map(ownSkus.map((s) => [s._id, s]));

  const writes = input.skus.map((si, i): { id: string; fresh: Sku | null; patch: Patch } => {
    const id = si._id ?? importIds.sku(si.code);
    const existing = own.get(id) ?? null;
    if (si._id && !existing) throw new DomainError('NOT_FOUND', `SKU ${si.code} 不属于该产品`);
    const holder = skusByCode.find((s) => s.code === si.code && s._id !== id);
    if (holder) throw new DomainError('CONFLICT', `SKU 编码 ${si.code} 已被其他商品使用`);
    if (!si._id && skusByCode.some((s) => s._id === id)) throw new DomainError('CONFLICT', `SKU 编码 ${si.code} 已存在`);
    if (si.caseOnly && si.caseSize <= 1) {
      throw new DomainError('VALIDATION_FAILED', '只整箱的商品箱规应大于 1', { issues: [{ path: `skus.${i}.caseSize`, message: '只整箱的商品箱规应大于 1' }] });
    }
    if (si.imageFileId && !isStoredFileId(si.imageFileId)) {
      throw new DomainError('VALIDATION_FAILED', '图片请先上传', { issues: [{ path: `skus.${i}.imageFileId`, message: '图片请先上传' }] });
    }
    // the form's fields; the optional ones only when sent (or, for a new SKU, their defaults)
    const patch: Patch = {
      code: si.code,
      productId,
      categoryId: p.categoryId,
      name: p.name,
      spec: si.spec,
      baseUnit: si.baseUnit,
      caseUnit: si.caseUnit,
      caseSize: si.caseSize,
      caseOnly: si.caseOnly,
      listPriceFen: si.listPriceFen,
      moq: si.moq,
      madeToOrder: si.madeToOrder,
      leadTimeDays: si.leadTimeDays,
    };
    if (si.active !== undefined || !existing) patch.active = si.active ?? true;
    // a threshold of 0 is stored as no field (no alert)
    if (si.lowStockThreshold !== undefined) patch.lowStockThreshold = si.lowStockThreshold > 0 ? si.lowStockThreshold : undefined;
    if (si.imageFileId === null) Object.assign(patch, { imageFileId: undefined, imageUrl: undefined });
    else if (si.imageFileId !== undefined) Object.assign(patch, { imageFileId: si.imageFileId, imageUrl: storage.displayUrl(si.imageFileId) });
    // the whole SKU as it will be, to validate it and derive who sees it (visibleTo) from its sale scope
    const merged = applyPatch((existing ?? { _id: id }) as Sku, patch);
    if (si.saleScope) merged.saleScope = si.saleScope;
    const parsed = SkuSchema.safeParse(merged);
    if (!parsed.success) {
      throw new DomainError('VALIDATION_FAILED', undefined, {
        issues: parsed.error.issues.slice(0, 20).map((x) => ({ path: `skus.${i}.${x.path.map(String).join('.')}`, message: x.message })),
      });
    }
    const sku = withVisibleTo(parsed.data);
    if (!existing) return { id, fresh: sku, patch };
    if (si.saleScope) Object.assign(patch, { saleScope: sku.saleScope, visibleTo: sku.visibleTo });
    for (const k of FORM_FIELDS) if (existing[k] === patch[k]) delete patch[k];
    return { id, fresh: null, patch };
  });
  const productFields = { code: p.code, name: p.name, categoryId: p.categoryId, description: p.description };
  await store.transaction(async (tx) => {
    if (existingProduct) await tx.patch('products', productId, productFields);
    else await tx.insert('products', { _id: productId, ...productFields, active: true });
    for (const w of writes) {
      if (w.fresh) {
        await tx.insert('skus', w.fresh);
        if (!(await tx.get('stock', w.id))) await tx.insert('stock', newStock(w.id, 0));
      } else if (Object.keys(w.patch).length > 0) {
        await tx.patch('skus', w.id, w.patch);
      }
    }
  });
  return productDetail(store, caller, storage, productId);
}

export async function setSkusActive(store: Store, caller: Caller, input: In<'setSkusActive'>): Promise<{ updated: number }> {
  requireAdmin(caller);
  // Existence comes from reading the SKUs, not from updateWhere's count: on Cloudbase that counts only
  // documents actually modified, so a SKU already in the wanted state would count 0 (NOT_FOUND).
  const found = await store.getMany('skus', [...new Set(input.skuIds)]);
  if (found.length === 0) throw new DomainError('NOT_FOUND');
  await Promise.all(found.filter((s) => s.active !== input.active).map((s) => store.updateWhere('skus', { _id: s._id }, { active: input.active })));
  return { updated: found.length };
}

/**
 * 上架 / 下架 a whole product: one conditional update of every SKU of it not yet in that state
 * (no read-modify-write, so a concurrent edit of other fields is untouched), beside the product's
 * own flag and the existence check, all three in parallel.
 */
export async function setProductActive(store: Store, caller: Caller, input: In<'setProductActive'>): Promise<{ updated: number }> {
  requireAdmin(caller);
  const [product, updated] = await Promise.all([
    store.get('products', input.productId),
    store.updateWhere('skus', { productId: input.productId, active: !input.active }, { active: input.active }),
    store.updateWhere('products', { _id: input.productId, active: !input.active }, { active: input.active }),
  ]);
  if (!product) throw new DomainError('NOT_FOUND', '商品不存在');
  return { updated };
}

const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};
const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

export async function uploadImage(caller: Caller, storage: FileStorage, input: In<'uploadImage'>): Promise<UploadedImage> {
  requireAdmin(caller);
  const bytes = Buffer.from(input.base64, 'base64');
  if (bytes.length === 0) throw new DomainError('VALIDATION_FAILED', '图片是空的');
  if (bytes.length > MAX_IMAGE_BYTES) throw new DomainError('VALIDATION_FAILED', `图片不能超过 ${MAX_IMAGE_BYTES / 1024 / 1024} MB`);
  if (!MAGIC[input.mime]!(bytes)) throw new DomainError('VALIDATION_FAILED', '图片格式不正确，请上传 JPG、PNG 或 WebP 图片');
  const stored = await storage.put(bytes, EXT[input.mime]!, 'sku-images');
  const url = (await storage.browserUrls([stored.fileId])).get(stored.fileId) ?? storage.displayUrl(stored.fileId);
  return { fileId: stored.fileId, url, bytes: stored.bytes };
}

// --- price lists ---------------------------------------------------------------------------------

async function toListRows(store: Store, lists: readonly PriceList[]): Promise<PriceListRow[]> {
  const levelIds = [...new Set(lists.flatMap((l) => (l.levelId ? [l.levelId] : [])))];
  const customerIds = [...new Set(lists.flatMap((l) => (l.customerId ? [l.customerId] : [])))];
  const [levels, customers, counts] = await Promise.all([
    store.getMany('levels', levelIds),
    store.getMany('customers', customerIds),
    Promise.all(lists.map((l) => store.count('prices', { priceListId: l._id }))),
  ]);
  const names = new Map<string, string>([...levels.map((l) => [l._id, l.name] as const), ...customers.map((c) => [c._id, c.name] as const)]);
  return lists.map((l, i) => ({
    ...l,
    targetName: names.get((l.scope === 'level' ? l.levelId : l.customerId) ?? '') ?? '',
    entryCount: counts[i] ?? 0,
  }));
}

/** Level lists, and customer lists of the customers in the caller's scope. */
export async function listPriceLists(store: Store, caller: Caller): Promise<PriceListRow[]> {
  const staff = requireStaff(caller);
  let lists = await findAll(store, 'priceLists', {});
  if (staff.kind === 'merchandiser') {
    const mine = new Set((await findAll(store, 'customers', { merchandiserId: staff.staffId })).map((c) => c._id));
    lists = lists.filter((l) => l.scope === 'level' || (l.customerId !== undefined && mine.has(l.customerId)));
  }
  lists.sort((a, b) => (a.scope === b.scope ? a.name.localeCompare(b.name, 'zh') : a.scope === 'level' ? -1 : 1));
  return toListRows(store, lists);
}

async function loadScopedList(store: Store, caller: Caller, priceListId: string): Promise<PriceList> {
  const staff = requireStaff(caller);
  const list = await store.get('priceLists', priceListId);
  if (!list) throw new DomainError('NOT_FOUND');
  if (staff.kind === 'merchandiser' && list.scope === 'customer') await loadScopedCustomer(store, caller, list.customerId ?? '');
  return list;
}

export async function ensurePriceList(store: Store, caller: Caller, input: In<'ensurePriceList'>): Promise<PriceListRow> {
  requireAdmin(caller);
  let target: { _id: string; name: string };
  let filter: Filter;
  if (input.scope === 'level') {
    const level = await store.get('levels', input.levelId);
    if (!level) throw new DomainError('NOT_FOUND');
    target = level;
    filter = { scope: 'level', levelId: level._id };
  } else {
    const customer = await store.get('customers', input.customerId);
    if (!customer) throw new DomainError('NOT_FOUND');
    target = customer;
    filter = { scope: 'customer', customerId: customer._id };
  }
  const [found] = await store.find('priceLists', filter, { orderBy: [['_id', 'asc']], limit: 1 });
  let list = found;
  if (!list) {
    list = {
      _id: importIds.priceList(input.scope, target._id),
      name: input.scope === 'level' ? `${target.name}价` : `${target.name}专属价`,
      scope: input.scope,
      ...(input.scope === 'level' ? { levelId: target._id } : { customerId: target._id }),
    };
    await store.set('priceLists', list);
  }
  return (await toListRows(store, [list]))[0]!;
}

export async function priceGrid(store: Store, caller: Caller, input: In<'priceGrid'>): Promise<PriceGrid> {
  const list = await loadScopedList(store, caller, input.priceListId);
  const filter: Filter = { ...skuKeywordFilter(input.keyword) };
  if (input.categoryId) filter.categoryId = input.categoryId;
  const skip = (input.page - 1) * input.pageSize;
  let levelId = list.levelId;
  if (list.scope === 'customer') levelId = (await store.get('customers', list.customerId ?? ''))?.levelId;
  const [[row], skus, total, level] = await Promise.all([
    toListRows(store, [list]),
    store.find('skus', filter, { orderBy: [['code', 'asc']], skip, limit: input.pageSize }),
    store.count('skus', filter),
    loadLevel(store, levelId ?? ''),
  ]);
  const entries = await store.getMany('prices', skus.map((s) => priceEntryId(list._id, s._id)));
  const bySku = new Map(entries.map((e) => [e.skuId, e]));
  const rows = skus.map((s): PriceGridRow => {
    const e = bySku.get(s._id);
    return {
      skuId: s._id,
      code: s.code,
      name: s.name,
      spec: s.spec,
      baseUnit: s.baseUnit,
      caseSize: s.caseSize,
      listPriceFen: s.listPriceFen,
      entry: e ? { priceFen: e.priceFen, breaks: e.breaks, moq: e.moq ?? null } : null,
    };
  });
  return { priceList: row!, levelDiscountBp: level.discountBp, rows: pageOf(rows, input, total) };
}

/** Upserts and removes one list's entries in one transaction; `remove` holds SKU ids. */
export async function savePriceEntries(store: Store, caller: Caller, input: In<'savePriceEntries'>): Promise<{ upserted: number; removed: number }> {
  requireAdmin(caller);
  const list = await store.get('priceLists', input.priceListId);
  if (!list) throw new DomainError('NOT_FOUND');
  const skuIds = [...new Set([...input.upsert.map((e) => e.skuId), ...input.remove])];
  const skus = await store.getMany('skus', skuIds);
  const known = new Set(skus.map((s) => s._id));
  const missing = skuIds.find((id) => !known.has(id));
  if (missing) throw new DomainError('SKU_NOT_FOUND', `商品不存在：${missing}`);
  const seen = new Set<string>();
  const entries: PriceEntry[] = input.upsert.map((e, i) => {
    if (seen.has(e.skuId)) throw new DomainError('VALIDATION_FAILED', '同一商品只能有一行价格', { issues: [{ path: `upsert.${i}.skuId`, message: '重复' }] });
    seen.add(e.skuId);
    const minQtys = e.breaks.map((b) => b.minQty);
    if (new Set(minQtys).size !== minQtys.length) {
      throw new DomainError('VALIDATION_FAILED', '阶梯价的起始数量不能重复', { issues: [{ path: `upsert.${i}.breaks`, message: '起始数量重复' }] });
    }
    return {
      _id: priceEntryId(list._id, e.skuId),
      priceListId: list._id,
      skuId: e.skuId,
      priceFen: e.priceFen,
      breaks: [...e.breaks].sort((a, b) => a.minQty - b.minQty),
      ...(e.moq !== null ? { moq: e.moq } : {}),
    };
  });
  const removing = input.remove.filter((id) => !seen.has(id));
  await store.transaction(async (tx) => {
    for (const e of entries) await tx.set('prices', e);
    for (const skuId of removing) await tx.remove('prices', priceEntryId(list._id, skuId));
  });
  return { upserted: entries.length, removed: removing.length };
}

/** What the customer pays for the SKU: its catalog item and a cart quote, by the catalog's own code. */
export async function pricePreview(store: Store, caller: Caller, input: In<'pricePreview'>): Promise<PricePreview> {
  const customer = await loadScopedCustomer(store, caller, input.customerId);
  const [sku, stock, { ctx, level }] = await Promise.all([
    store.get('skus', input.skuId),
    store.get('stock', input.skuId),
    loadPricingContext(store, customer, [input.skuId]),
  ]);
  if (!sku) throw new DomainError('SKU_NOT_FOUND');
  const item = toCatalogItem(sku, ctx, stock ?? undefined);
  const unit = input.unit ?? item.unitOptions[0]!;
  const count = input.count ?? 1;
  const quote = await quoteCart(store, customer, [{ skuId: sku._id, unit, count }]);
  const line = quote.lines[0]!;
  return {
    customerId: customer._id,
    customerName: customer.name,
    levelName: level.name,
    item,
    source: item.priceSource,
    quantity: line.error && line.qty === 0 ? null : { unit, count, qty: line.qty, unitPriceFen: line.unitPriceFen, amountFen: line.amountFen },
    error: line.error,
    sold: sku.active && isSkuSoldTo(sku, customer),
  };
}
