import { z } from 'zod';
import { Actor, Id, Timestamp } from './ids';
import type { OrderStatus } from './orderStatus';

export const AfterSalesKind = z.enum(['return', 'redelivery', 'complaint']);
export type AfterSalesKind = z.infer<typeof AfterSalesKind>;
export const AFTER_SALES_KIND_LABELS: Record<AfterSalesKind, string> = {
  return: '退货',
  redelivery: '补货',
  complaint: '投诉',
};

export const AfterSalesStatus = z.enum(['open', 'accepted', 'rejected', 'resolved']);
export type AfterSalesStatus = z.infer<typeof AfterSalesStatus>;
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

export const AfterSalesRequest = z.object({
  _id: Id,
  orderId: Id,
  orderNo: z.string(),
  customerId: Id,
  merchandiserId: Id,
  kind: AfterSalesKind,
  status: AfterSalesStatus,
  description: z.string().min(1).max(500),
  lines: z.array(z.object({ skuId: Id, qty: z.number().int().min(1) })).default([]),
  createdBy: Actor,
  createdAt: Timestamp,
  history: z.array(z.object({ at: Timestamp, status: AfterSalesStatus, by: Actor, note: z.string() })),
});
export type AfterSalesRequest = z.infer<typeof AfterSalesRequest>;

/** After-sales can be asked for once goods have left the warehouse. */
export function canRequestAfterSales(status: OrderStatus): boolean {
  return status === 'shipped' || status === 'delivered' || status === 'completed';
}
