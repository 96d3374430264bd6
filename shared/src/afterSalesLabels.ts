/**
 * After-sales kinds and statuses, their labels and the legal moves, with no zod and no runtime
 * import (see labels.ts); afterSales.ts builds its zod enums from these lists and re-exports them.
 */

export const AFTER_SALES_KINDS = ['return', 'redelivery', 'complaint'] as const;
export type AfterSalesKind = (typeof AFTER_SALES_KINDS)[number];
export const AFTER_SALES_KIND_LABELS: Record<AfterSalesKind, string> = {
  return: '退货',
  redelivery: '补货',
  complaint: '投诉',
};

export const AFTER_SALES_STATUSES = ['open', 'accepted', 'rejected', 'resolved'] as const;
export type AfterSalesStatus = (typeof AFTER_SALES_STATUSES)[number];
export const AFTER_SALES_STATUS_LABELS: Record<AfterSalesStatus, string> = {
  open: '待处理',
  accepted: '处理中',
  rejected: '已拒绝',
  resolved: '已解决',
};

/** Legal after-sales moves (staff only). */
export const AFTER_SALES_TRANSITIONS: Readonly<Record<AfterSalesStatus, readonly AfterSalesStatus[]>> = {
  open: ['accepted', 'rejected'],
  accepted: ['resolved'],
  rejected: [],
  resolved: [],
};
