/**
 * Date and count display helpers of the app. Money and the domain labels come from the zod-free
 * shared modules (@dinghuo/shared/fen, @dinghuo/shared/labels); dates are computed here at a fixed
 * +08:00 so that dayjs and its timezone plugin stay out of the main package.
 */
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** 'YYYY-MM-DD' in Asia/Shanghai (fixed +08:00), `days` after the instant. */
export function businessDateAfter(days: number, now = Date.now()): string {
  const d = new Date(now + SHANGHAI_OFFSET_MS + days * 86400000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** '2026-11-25 15:01' in Asia/Shanghai. */
export function formatDateTime(at: number): string {
  const d = new Date(at + SHANGHAI_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** '3箱' / '24件'. */
export function formatCount(count: number, unit: 'piece' | 'case', names: { baseUnit: string; caseUnit: string }): string {
  return `${count}${unit === 'case' ? names.caseUnit : names.baseUnit}`;
}
