import type { Customer } from './customer';
import type { Sku } from './catalog';
import type { CartLineInput } from './order';
import { DomainError, type ErrorBody } from './errors';
import { isSkuSoldTo, priceLine, resolveSkuPrice, sumFen, type PricedLine, type PricingContext } from './pricing';

export type CartLineResult =
  | { ok: true; input: CartLineInput; sku: Sku; priced: PricedLine }
  | { ok: false; input: CartLineInput; sku: Sku | null; error: ErrorBody };

/**
 * Validates and prices every line of a cart for one customer: the SKU exists, is active and is
 * sold to this customer; the unit is offered; whole cases where required; the MOQ is met.
 * Lines are judged independently so that the cart can show every problem at once.
 */
export function priceCart(
  lines: readonly CartLineInput[],
  skusById: ReadonlyMap<string, Sku>,
  ctx: PricingContext,
  customer: Pick<Customer, '_id' | 'levelId'>,
): CartLineResult[] {
  return lines.map((input) => {
    const sku = skusById.get(input.skuId) ?? null;
    try {
      if (!sku) throw new DomainError('SKU_NOT_FOUND');
      if (!sku.active) throw new DomainError('SKU_INACTIVE', `${sku.name} 已下架`);
      if (!isSkuSoldTo(sku, customer)) throw new DomainError('SKU_NOT_SOLD');
      const priced = priceLine(sku, resolveSkuPrice(sku, ctx), input.unit, input.count);
      return { ok: true, input, sku, priced };
    } catch (e) {
      if (e instanceof DomainError) return { ok: false, input, sku, error: e.toBody() };
      throw e;
    }
  });
}

/** The same SKU in the same unit twice is a client bug or a forged request. */
export function findDuplicateLine(lines: readonly CartLineInput[]): CartLineInput | null {
  const seen = new Set<string>();
  for (const l of lines) {
    const key = `${l.skuId}|${l.unit}`;
    if (seen.has(key)) return l;
    seen.add(key);
  }
  return null;
}

/** Base-unit quantity per SKU over all lines (a SKU may be ordered in cases and pieces). */
export function quantitiesBySku(lines: readonly { skuId: string; qty: number }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of lines) out.set(l.skuId, (out.get(l.skuId) ?? 0) + l.qty);
  return out;
}

/** Throws the first line's error (all of them in details) or returns the priced lines and total. */
export function requireValidCart(results: readonly CartLineResult[]): { lines: { sku: Sku; priced: PricedLine }[]; totalFen: number } {
  const bad = results.filter((r): r is Extract<CartLineResult, { ok: false }> => !r.ok);
  if (bad.length > 0) {
    const first = bad[0]!;
    throw new DomainError(first.error.code, first.error.message, {
      lines: bad.map((b) => ({ skuId: b.input.skuId, unit: b.input.unit, code: b.error.code, message: b.error.message })),
    });
  }
  const lines = results.map((r) => {
    if (!r.ok) throw new Error('unreachable');
    return { sku: r.sku, priced: r.priced };
  });
  return { lines, totalFen: sumFen(lines.map((l) => l.priced.amountFen)) };
}

/**
 * Checks that the stock covers every SKU's quantity: all lines or none. Returns the first
 * shortage, or null when everything fits.
 */
export function findShortage(
  wanted: ReadonlyMap<string, number>,
  available: ReadonlyMap<string, number>,
): { skuId: string; wanted: number; available: number } | null {
  for (const [skuId, qty] of wanted) {
    const have = available.get(skuId) ?? 0;
    if (qty > have) return { skuId, wanted: qty, available: have };
  }
  return null;
}

export interface ReorderPlan {
  lines: CartLineInput[];
  dropped: { skuId: string; name: string; reason: string }[];
}

/**
 * 再来一单: an old order's lines as a new cart for today's catalog. Lines whose SKU is gone,
 * inactive or no longer sold to the customer are dropped with a reason; a unit the SKU no longer
 * offers is converted (cases of a SKU now sold by the piece become pieces; pieces of a SKU now
 * sold in whole cases round up to whole cases). Prices are not carried: the cart is re-quoted.
 */
export function planReorder(
  lines: readonly { skuId: string; name: string; unit: CartLineInput['unit']; count: number; qty: number }[],
  skusById: ReadonlyMap<string, Sku>,
  customer: Pick<Customer, '_id' | 'levelId'>,
): ReorderPlan {
  const plan: ReorderPlan = { lines: [], dropped: [] };
  for (const line of lines) {
    const sku = skusById.get(line.skuId);
    if (!sku) plan.dropped.push({ skuId: line.skuId, name: line.name, reason: '商品已删除' });
    else if (!sku.active) plan.dropped.push({ skuId: line.skuId, name: line.name, reason: '商品已下架' });
    else if (!isSkuSoldTo(sku, customer)) plan.dropped.push({ skuId: line.skuId, name: line.name, reason: '该商品不再对您销售' });
    else if (line.unit === 'case' && sku.caseSize <= 1) plan.lines.push({ skuId: sku._id, unit: 'piece', count: line.qty });
    else if (line.unit === 'piece' && sku.caseOnly) {
      plan.lines.push({ skuId: sku._id, unit: 'case', count: Math.max(1, Math.ceil(line.qty / sku.caseSize)) });
    } else plan.lines.push({ skuId: sku._id, unit: line.unit, count: line.count });
  }
  return plan;
}
