import {
  availableOf,
  customerVisibilityKeys,
  isSkuSoldTo,
  priceCart,
  resolveSkuPrice,
  quantitiesBySku,
  skuVisibleTo,
  type CartLineInput,
  type CatalogItem,
  type Customer,
  type Page,
  type PricingContext,
  type Quote,
  type Sku,
  type Stock,
} from '@dinghuo/shared';
import { MAX_QUERY_LIMIT, type Filter, type Store } from '../data/store';
import { loadPricingContext } from './pricingData';

export function toCatalogItem(sku: Sku, ctx: PricingContext, stock: Stock | undefined): CatalogItem {
  const price = resolveSkuPrice(sku, ctx);
  const available = availableOf(stock);
  const hasCase = sku.caseSize > 1;
  return {
    skuId: sku._id,
    code: sku.code,
    name: sku.name,
    spec: sku.spec,
    categoryId: sku.categoryId,
    baseUnit: sku.baseUnit,
    caseUnit: sku.caseUnit,
    caseSize: sku.caseSize,
    caseOnly: sku.caseOnly,
    unitOptions: hasCase ? (sku.caseOnly ? ['case'] : ['case', 'piece']) : ['piece'],
    unitPriceFen: price.unitPriceFen,
    casePriceFen: hasCase ? price.unitPriceFen * sku.caseSize : null,
    breaks: price.breaks,
    moq: price.moq,
    available,
    inStock: available > 0,
    priceSource: price.source,
    ...(sku.imageUrl ? { imageUrl: sku.imageUrl } : {}),
  };
}

export async function listCatalog(
  store: Store,
  customer: Customer,
  input: { categoryId?: string | undefined; keyword?: string | undefined; page: number; pageSize: number },
): Promise<Page<CatalogItem>> {
  // Who may see a SKU is matched in the query (visibleTo, derived from saleScope by skuVisibleTo),
  // so the page is cut by the store: one count and one page read, whatever the catalog's size.
  // A SKU without visibleTo (written before it existed) is not listed: reseed / re-import it.
  const filter: Filter = { active: true, visibleTo: { $hasAny: customerVisibilityKeys(customer) } };
  if (input.categoryId) filter.categoryId = input.categoryId;
  const keyword = input.keyword?.trim();
  if (keyword) filter.$or = [{ name: { $contains: keyword } }, { code: { $contains: keyword } }, { spec: { $contains: keyword } }];
  const start = (input.page - 1) * input.pageSize;
  const [total, found] = await Promise.all([
    store.count('skus', filter),
    store.find('skus', filter, { orderBy: [['code', 'asc']], skip: start, limit: input.pageSize }),
  ]);
  // The rule itself stays isSkuSoldTo; visibleTo is its indexable form (a stale copy never widens it).
  const pageSkus = found.filter((s) => isSkuSoldTo(s, customer));
  const ids = pageSkus.map((s) => s._id);
  const [{ ctx }, stocks] = await Promise.all([loadPricingContext(store, customer, ids), store.getMany('stock', ids)]);
  const stockById = new Map(stocks.map((s) => [s._id, s]));
  return {
    items: pageSkus.map((s) => toCatalogItem(s, ctx, stockById.get(s._id))),
    page: input.page,
    pageSize: input.pageSize,
    total,
    hasMore: start + found.length < total,
  };
}

/**
 * Writes visibleTo on SKUs stored before it existed (the catalog does not list a SKU without it).
 * Idempotent; each SKU is one patch. The local runtime runs it on start; on Cloudbase run it once
 * after deploying (or re-import the products file, which writes it too). Returns how many it wrote.
 */
export async function backfillSkuVisibility(store: Store): Promise<number> {
  let written = 0;
  for (;;) {
    // Patched SKUs leave the filter, so every round reads the first page again.
    const batch = await store.find('skus', { visibleTo: { $exists: false } }, { orderBy: [['_id', 'asc']], limit: MAX_QUERY_LIMIT });
    for (const sku of batch) await store.patch('skus', sku._id, { visibleTo: skuVisibleTo(sku) });
    written += batch.length;
    if (batch.length < MAX_QUERY_LIMIT) return written;
  }
}

/** Prices a cart as the server would on submit, with every line's problem (not only the first). */
export async function quoteCart(store: Store, customer: Customer, lines: readonly CartLineInput[]): Promise<Quote> {
  const ids = [...new Set(lines.map((l) => l.skuId))];
  const [skus, stocks, { ctx }] = await Promise.all([
    store.getMany('skus', ids),
    store.getMany('stock', ids),
    loadPricingContext(store, customer, ids),
  ]);
  const skusById = new Map(skus.map((s) => [s._id, s]));
  const availableBySku = new Map(stocks.map((s) => [s._id, availableOf(s)]));
  const results = priceCart(lines, skusById, ctx, customer);
  const wanted = quantitiesBySku(results.flatMap((r) => (r.ok ? [r.priced] : [])));
  const quoteLines = results.map((r) => {
    const sku = r.sku;
    const available = availableBySku.get(r.input.skuId) ?? 0;
    let error = r.ok ? null : { code: r.error.code, message: r.error.message };
    if (r.ok && (wanted.get(r.input.skuId) ?? 0) > available) {
      error = { code: 'OUT_OF_STOCK' as const, message: available > 0 ? `库存不足，仅剩 ${available}${r.sku.baseUnit}` : '已缺货' };
    }
    return {
      skuId: r.input.skuId,
      unit: r.input.unit,
      count: r.input.count,
      qty: r.ok ? r.priced.qty : 0,
      name: sku?.name ?? '未知商品',
      spec: sku?.spec ?? '',
      baseUnit: sku?.baseUnit ?? '件',
      caseUnit: sku?.caseUnit ?? '箱',
      caseSize: sku?.caseSize ?? 1,
      unitPriceFen: r.ok ? r.priced.unitPriceFen : 0,
      amountFen: r.ok ? r.priced.amountFen : 0,
      available,
      ...(sku?.imageUrl ? { imageUrl: sku.imageUrl } : {}),
      error,
    };
  });
  const totalFen = quoteLines.reduce((t, l) => t + (l.error ? 0 : l.amountFen), 0);
  return { lines: quoteLines, totalFen, valid: quoteLines.every((l) => l.error === null) };
}
