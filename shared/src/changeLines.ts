/**
 * The lines a 改单 form sends: the order's lines with the counts entered (0 removes a line) and
 * the lines added from the catalog. A SKU added in a unit the order already has is merged into
 * that line (the order may hold one line per SKU and unit); blank or non-integer counts are
 * reported, not guessed. No zod and no runtime import, for the mini-program; the server prices
 * and validates the result (changeOrder).
 */
export type ChangeUnit = 'piece' | 'case';

export interface ChangeLineDraft {
  skuId: string;
  unit: ChangeUnit;
  /** As typed. */
  count: string;
}

export type ChangeLinesResult =
  | { ok: true; lines: { skuId: string; unit: ChangeUnit; count: number }[] }
  | { ok: false; message: string };

const key = (l: { skuId: string; unit: string }) => `${l.skuId}|${l.unit}`;

export function changeFormLines(kept: readonly ChangeLineDraft[], added: readonly ChangeLineDraft[]): ChangeLinesResult {
  const out = new Map<string, { skuId: string; unit: ChangeUnit; count: number }>();
  for (const l of [...kept, ...added]) {
    const text = l.count.trim();
    if (!/^\d+$/.test(text)) return { ok: false, message: '数量请填写整数' };
    const n = Number(text);
    const prev = out.get(key(l));
    out.set(key(l), { skuId: l.skuId, unit: l.unit, count: (prev?.count ?? 0) + n });
  }
  const lines = [...out.values()].filter((l) => l.count > 0);
  if (lines.length === 0) return { ok: false, message: '至少保留一种商品；不要了请取消订单' };
  return { ok: true, lines };
}

/** The first count offered for a SKU added in a unit: enough to reach its MOQ. */
export function firstCount(item: { moq: number; caseSize: number }, unit: ChangeUnit): number {
  const moq = Math.max(1, item.moq);
  return unit === 'case' ? Math.max(1, Math.ceil(moq / Math.max(1, item.caseSize))) : moq;
}
