/**
 * Display helpers; money and dates come from shared/ (one formatFen, Shanghai business dates),
 * from its zod-free modules (fen, time, labels) so the first page load does not evaluate zod.
 */
import { formatFen } from '@dinghuo/shared/fen';
import { formatShortDateTime } from '@dinghuo/shared/time';
import { ORDER_STATUS_LABELS, type OrderStatus } from '@dinghuo/shared/labels';

export { formatFen };
export const fen = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : formatFen(v));
export const dateTime = (at: number | null | undefined): string => (at ? formatShortDateTime(at) : '—');
export const statusLabel = (s: OrderStatus): string => ORDER_STATUS_LABELS[s] ?? s;

export const STATUS_COLORS: Record<OrderStatus, string> = {
  submitted: 'gold',
  confirmed: 'blue',
  in_production: 'purple',
  ready_to_ship: 'cyan',
  shipped: 'geekblue',
  delivered: 'green',
  completed: 'green',
  cancelled: 'default',
  rejected: 'red',
};

/** "12.34" (yuan, as typed in a form) → fen; shared parseYuanToFen does the rounding rule. */
export { parseYuanToFen } from '@dinghuo/shared/fen';

/** Triggers a browser download of a base64 file. */
export function downloadBase64(fileName: string, contentType: string, base64: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: contentType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A File's content as base64 (no data: prefix). */
export function fileToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => {
      const s = String(r.result);
      resolve(s.slice(s.indexOf(',') + 1));
    };
    r.onerror = () => reject(new Error('无法读取文件'));
    r.readAsDataURL(file);
  });
}
