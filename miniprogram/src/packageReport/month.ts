/**
 * Month arithmetic for the statement page without dayjs/zod (kept out of the bundle): business
 * months are Asia/Shanghai, a fixed UTC+8 (as shared/time.ts).
 */
const SHANGHAI_MS = 8 * 3600_000;

/** 'YYYY-MM' of an instant in Shanghai. */
export function monthOf(at: number): string {
  const d = new Date(at + SHANGHAI_MS);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month `delta` months from `month`. */
export function shiftMonth(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) + delta;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/** '2026年11月' */
export function monthLabel(month: string): string {
  const [y, m] = month.split('-');
  return `${y}年${Number(m)}月`;
}
