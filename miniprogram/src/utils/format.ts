/**
 * Display helpers for the app bundle. The shared package's `money.ts` and `orderStatus.ts` define
 * zod schemas at module top level, so importing them would pull zod (~100 KB) into the main
 * package; these copies are kept equal to the shared ones by miniprogram/test/weapp/format.test.ts.
 */
import type { OrderStatus } from '@dinghuo/shared/orderStatus';
import type { AfterSalesKind, AfterSalesStatus } from '@dinghuo/shared/afterSales';

/** ¥12.34; negative amounts as -¥12.34 (same as shared formatFen). */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.floor(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}¥${yuan.toLocaleString('en-US')}.${cents}`;
}

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  submitted: '待审核',
  confirmed: '已确认',
  in_production: '生产中',
  ready_to_ship: '待发货',
  shipped: '已发货',
  delivered: '已签收',
  completed: '已完成',
  cancelled: '已取消',
  rejected: '已驳回',
};

export const AFTER_SALES_KIND_LABELS: Record<AfterSalesKind, string> = {
  return: '退货',
  redelivery: '补货',
  complaint: '投诉',
};

export const AFTER_SALES_STATUS_LABELS: Record<AfterSalesStatus, string> = {
  open: '待处理',
  accepted: '处理中',
  rejected: '已拒绝',
  resolved: '已解决',
};

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
