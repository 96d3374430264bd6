/**
 * When the cart or the submit offers the customer a back-order (缺货登记) for a line: the line is
 * short of stock (it wants more than is available) and has no other problem (a SKU no longer sold,
 * a quantity below the MOQ... must be fixed, not back-ordered). No zod and no runtime import, for
 * the mini-program; the server checks again (requireShort in supply.ts).
 */
export interface BackOrderOffer {
  skuId: string;
  unit: 'piece' | 'case';
  count: number;
  /** Base units wanted and available now. */
  qty: number;
  available: number;
}

interface LineLike {
  skuId: string;
  unit: 'piece' | 'case';
  count: number;
  qty: number;
  available: number;
  error: { code: string } | null;
}

/** The back-order a priced cart line (a QuoteLine) may be opted into, or null when it is not short. */
export function backOrderOfferFor(line: LineLike): BackOrderOffer | null {
  if (line.error && line.error.code !== 'OUT_OF_STOCK') return null;
  if (line.count <= 0 || line.qty <= line.available) return null;
  return { skuId: line.skuId, unit: line.unit, count: line.count, qty: line.qty, available: Math.max(0, line.available) };
}

/**
 * The offers for a submit refused with OUT_OF_STOCK: the cart lines of the SKU the error names
 * (its details: skuId, wanted, available). Anything else offers nothing.
 */
export function backOrderOffersForSubmitError(
  error: { code?: string | null; details?: unknown } | null,
  cartLines: readonly { skuId: string; unit: 'piece' | 'case'; count: number }[],
): BackOrderOffer[] {
  if (!error || error.code !== 'OUT_OF_STOCK') return [];
  const d = (error.details ?? {}) as { skuId?: unknown; wanted?: unknown; available?: unknown };
  if (typeof d.skuId !== 'string') return [];
  const wanted = typeof d.wanted === 'number' ? d.wanted : 0;
  const available = typeof d.available === 'number' ? Math.max(0, d.available) : 0;
  return cartLines.filter((l) => l.skuId === d.skuId && l.count > 0).map((l) => ({ skuId: l.skuId, unit: l.unit, count: l.count, qty: wanted, available }));
}
