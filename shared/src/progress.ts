import { z } from 'zod';
import { Actor, Timestamp } from './ids';
import type { OrderStatus } from './orderStatus';
import { addDays, type BusinessDate } from './time';
import { NODE_KEYS } from './followupLabels';

export { NODE_KEYS, NODE_LABELS } from './followupLabels';

/** 跟单节点, in order. */
export const NodeKey = z.enum(NODE_KEYS);
export type NodeKey = z.infer<typeof NodeKey>;

export const ProgressNode = z.object({
  key: NodeKey,
  plannedDate: z.string().nullable(),
  actualAt: Timestamp.nullable(),
  by: Actor.nullable(),
  note: z.string().max(200).default(''),
  photoUrl: z.string().max(500).nullable().default(null),
});
export type ProgressNode = z.infer<typeof ProgressNode>;

export function emptyNodes(): ProgressNode[] {
  return NODE_KEYS.map((key) => ({ key, plannedDate: null, actualAt: null, by: null, note: '', photoUrl: null }));
}

/**
 * Default planned dates from the review date and the order's longest lead time: materials the
 * next day, production spread over the lead time, QC the day before shipment, delivery 2 days
 * after shipment, payment 30 days after delivery. The due date (交期) is the shipment date
 * unless the customer asked for a later one.
 */
export function defaultPlan(
  reviewDate: BusinessDate,
  leadTimeDays: number,
  requestedDate: BusinessDate | null,
): { dueDate: BusinessDate; planned: Record<NodeKey, BusinessDate> } {
  const lead = Math.max(1, leadTimeDays);
  let shipment = addDays(reviewDate, lead);
  if (requestedDate && requestedDate > shipment) shipment = requestedDate;
  const span = lead;
  const planned: Record<NodeKey, BusinessDate> = {
    intake: reviewDate,
    review: reviewDate,
    materials: addDays(reviewDate, Math.min(1, span)),
    production: addDays(reviewDate, Math.max(1, Math.floor(span / 2))),
    qc: addDays(shipment, -1) < reviewDate ? reviewDate : addDays(shipment, -1),
    shipment,
    delivery: addDays(shipment, 2),
    payment: addDays(shipment, 32),
  };
  return { dueDate: shipment, planned };
}

/**
 * The status a finished node moves the order to, if any, given its current status.
 * Nodes never move an order backwards and never skip the status machine: the caller still
 * checks the transition table.
 */
export function statusImpliedByNode(key: NodeKey, current: OrderStatus, madeToOrder: boolean): OrderStatus | null {
  switch (key) {
    case 'production':
      return current === 'confirmed' && madeToOrder ? 'in_production' : null;
    case 'qc':
      return current === 'confirmed' || current === 'in_production' ? 'ready_to_ship' : null;
    case 'shipment':
      return current === 'ready_to_ship' ? 'shipped' : null;
    case 'delivery':
      return current === 'shipped' ? 'delivered' : null;
    case 'payment':
      return current === 'delivered' ? 'completed' : null;
    default:
      return null;
  }
}
