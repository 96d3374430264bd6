import { z } from 'zod';
import { Actor, Id, Timestamp } from './ids';
import type { OrderStatus } from './orderStatus';
import { AFTER_SALES_KINDS, AFTER_SALES_STATUSES } from './afterSalesLabels';

export { AFTER_SALES_KIND_LABELS, AFTER_SALES_STATUS_LABELS, AFTER_SALES_TRANSITIONS } from './afterSalesLabels';

export const AfterSalesKind = z.enum(AFTER_SALES_KINDS);
export type AfterSalesKind = z.infer<typeof AfterSalesKind>;

export const AfterSalesStatus = z.enum(AFTER_SALES_STATUSES);
export type AfterSalesStatus = z.infer<typeof AfterSalesStatus>;

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
