import { z } from 'zod';
import type { Role } from './ids';
import { ORDER_STATUSES } from './labels';

export { ORDER_STATUSES, ORDER_STATUS_LABELS } from './labels';

export const OrderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatus>;

/** What a transition does to the order's stock reservation. */
export type ReservationEffect = 'keep' | 'release' | 'consume';

export interface Transition {
  from: OrderStatus;
  to: OrderStatus;
  roles: readonly Role[];
  reservation: ReservationEffect;
  /** Does the customer get a status message for it? */
  notifyCustomer: boolean;
  /** Only for make-to-order orders. */
  madeToOrderOnly?: boolean;
}

const STAFF: readonly Role[] = ['merchandiser', 'admin'];

/** The one table of legal status transitions and who may make each. */
export const ORDER_TRANSITIONS: readonly Transition[] = [
  { from: 'submitted', to: 'confirmed', roles: STAFF, reservation: 'keep', notifyCustomer: true },
  { from: 'submitted', to: 'rejected', roles: STAFF, reservation: 'release', notifyCustomer: true },
  { from: 'submitted', to: 'cancelled', roles: ['customer', 'merchandiser', 'admin'], reservation: 'release', notifyCustomer: true },
  { from: 'confirmed', to: 'in_production', roles: STAFF, reservation: 'keep', notifyCustomer: true, madeToOrderOnly: true },
  { from: 'confirmed', to: 'ready_to_ship', roles: STAFF, reservation: 'keep', notifyCustomer: true },
  { from: 'confirmed', to: 'cancelled', roles: STAFF, reservation: 'release', notifyCustomer: true },
  { from: 'in_production', to: 'ready_to_ship', roles: STAFF, reservation: 'keep', notifyCustomer: true },
  { from: 'ready_to_ship', to: 'shipped', roles: STAFF, reservation: 'consume', notifyCustomer: true },
  { from: 'shipped', to: 'delivered', roles: ['customer', 'merchandiser', 'admin'], reservation: 'keep', notifyCustomer: true },
  { from: 'delivered', to: 'completed', roles: STAFF, reservation: 'keep', notifyCustomer: true },
];

export type TransitionCheck =
  | { ok: true; transition: Transition }
  | { ok: false; reason: 'illegal' | 'role' | 'not_made_to_order' };

export function findTransition(from: OrderStatus, to: OrderStatus): Transition | undefined {
  return ORDER_TRANSITIONS.find((t) => t.from === from && t.to === to);
}

export function checkTransition(
  from: OrderStatus,
  to: OrderStatus,
  role: Role,
  opts: { madeToOrder: boolean },
): TransitionCheck {
  const t = findTransition(from, to);
  if (!t) return { ok: false, reason: 'illegal' };
  if (!t.roles.includes(role)) return { ok: false, reason: 'role' };
  if (t.madeToOrderOnly && !opts.madeToOrder) return { ok: false, reason: 'not_made_to_order' };
  return { ok: true, transition: t };
}

export function nextStatuses(from: OrderStatus, role: Role, opts: { madeToOrder: boolean }): OrderStatus[] {
  return ORDER_TRANSITIONS.filter(
    (t) => t.from === from && t.roles.includes(role) && (!t.madeToOrderOnly || opts.madeToOrder),
  ).map((t) => t.to);
}

export const TERMINAL_STATUSES: readonly OrderStatus[] = ['completed', 'cancelled', 'rejected'];
/** Orders whose stock is still held (reserved) for them. */
export const RESERVING_STATUSES: readonly OrderStatus[] = ['submitted', 'confirmed', 'in_production', 'ready_to_ship'];
/** Orders the merchandiser still has to move towards shipment. */
export const OPEN_STATUSES: readonly OrderStatus[] = ['submitted', 'confirmed', 'in_production', 'ready_to_ship'];
/** Orders that count against the customer's credit. */
export const LIVE_STATUSES: readonly OrderStatus[] = [
  'submitted',
  'confirmed',
  'in_production',
  'ready_to_ship',
  'shipped',
  'delivered',
  'completed',
];

export function isCustomerCancellable(status: OrderStatus): boolean {
  return status === 'submitted';
}
