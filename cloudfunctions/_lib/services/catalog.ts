import {
  availableOf,
  isSkuSoldTo,
  priceCart,
  resolveSkuPrice,
  quantitiesBySku,
  type CartLineInput,
  type CatalogItem,
  type Customer,
  type Page,
  type PricingContext,
  type Quote,
  type Sku,
  type Stock,
} from '@dinghuo/shared';
import { findAll, type Filter, type Store } from '../data/store';
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
  const filter: Filter = { active: true };
  if (input.categoryId) filter.categoryId = input.categoryId;
  const keyword = input.keyword?.trim();
  if (keyword) filter.$or = [{ name: { $contains: keyword } }, { code: { $contains: keyword } }, { spec: { $contains: keyword } }];
  // SKUs restricted to some customers are filtered here, so the page is cut after filtering.
  const all = (await findAll(store, 'skus', filter, [['code', 'asc']])).filter((s) => isSkuSoldTo(s, customer));
  const start = (input.page - 1) * input.pageSize;
  const pageSkus = all.slice(start, start + input.pageSize);
  const ids = pageSkus.map((s) => s._id);
  const [{ ctx }, stocks] = await Promise.all([loadPricingContext(store, customer, ids), store.getMany('stock', ids)]);
  const stockById = new Map(stocks.map((s) => [s._id, s]));
  return {
    items: pageSkus.map((s) => toCatalogItem(s, ctx, stockById.get(s._id))),
    page: input.page,
    pageSize: input.pageSize,
    total: all.length,
    hasMore: start + pageSkus.length < all.length,
  };
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
      error,
    };
  });
  const totalFen = quoteLines.reduce((t, l) => t + (l.error ? 0 : l.amountFen), 0);
  return { lines: quoteLines, totalFen, valid: quoteLines.every((l) => l.error === null) };
}
