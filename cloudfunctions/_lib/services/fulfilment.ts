/**
 * Fulfilment on top of the Store: 分批发货 (a delivery of some lines with its carrier and tracking
 * number), 确认收货 per delivery, and 改单 (the merchandiser's change before shipment, or the
 * customer's while unconfirmed). The rules are the Order aggregate's (shared/src/orderFulfilment.ts);
 * this file loads, prices (the shared pricing rules, server side), and applies in one transaction.
 */
import {
  changeOrderLines,
  DomainError,
  findDuplicateLine,
  priceCart,
  receiveDelivery,
  requireValidCart,
  shipDelivery,
  type Caller,
  type CartLineInput,
  type DeliveryInput,
  type Order,
} from '@dinghuo/shared';
import type { Store } from '../data/store';
import { requireStaff } from '../identity';
import { actorOf, canAccessOrder, loadOrderFor, roleOf, updateOrder } from './orders';
import { applyOrderChange } from './orderEffects';
import { loadCustomer, loadPricingContext } from './pricingData';

/** 发货: one delivery (staff); stock consumed, the customer's message job written, in one transaction. */
export async function shipOrderDelivery(store: Store, caller: Caller, input: DeliveryInput & { orderId: string }, now: number): Promise<Order> {
  const staff = requireStaff(caller);
  const actor = actorOf(caller);
  const { orderId, ...delivery } = input;
  return (await updateOrder(store, staff, orderId, (o) => shipDelivery(o, actor, delivery, now))).order;
}

/** 确认收货 of one delivery (the customer its own, or staff). */
export async function receiveOrderDelivery(store: Store, caller: Caller, input: { orderId: string; no: number }, now: number): Promise<Order> {
  roleOf(caller);
  const actor = actorOf(caller);
  return (await updateOrder(store, caller, input.orderId, (o) => receiveDelivery(o, actor, input.no, now))).order;
}

export interface ChangeRequest {
  orderId: string;
  lines: CartLineInput[];
  dueDate?: string | undefined;
  requestedDate?: string | null | undefined;
  reason: string;
}

/**
 * 改单: the new lines are priced by the server for the order's customer (the same rules as a new
 * order: MOQ, case-only, sale scope, customer and level prices); then, in one transaction, the
 * order and the customer's account (`accounts`) are read again, the aggregate decides (reservation difference,
 * credit recheck, timeline, message), and everything is written or nothing.
 */
export async function changeOrder(store: Store, caller: Caller, req: ChangeRequest, now: number): Promise<Order> {
  roleOf(caller);
  const actor = actorOf(caller);
  const duplicate = findDuplicateLine(req.lines);
  if (duplicate) throw new DomainError('DUPLICATE_LINE', undefined, { skuId: duplicate.skuId });
  const current = await loadOrderFor(store, caller, req.orderId);
  const customer = await loadCustomer(store, current.customerId);
  const skuIds = [...new Set(req.lines.map((l) => l.skuId))];
  const [skus, { ctx }] = await Promise.all([store.getMany('skus', skuIds), loadPricingContext(store, customer, skuIds)]);
  const { lines, totalFen } = requireValidCart(priceCart(req.lines, new Map(skus.map((s) => [s._id, s])), ctx, customer));

  return store.transaction(async (tx) => {
    // the account (outstanding amount) is read in the transaction and written by the effects in
    // it (an increment of the same document), so a concurrent booking makes the transaction retry
    // on the fresh amount; the limit is master data, read with the customer
    const [order, account] = await Promise.all([tx.get('orders', req.orderId), tx.get('accounts', customer._id)]);
    if (!order || !canAccessOrder(caller, order)) throw new DomainError('NOT_FOUND');
    const change = changeOrderLines(
      order,
      actor,
      {
        lines,
        totalFen,
        dueDate: req.dueDate,
        requestedDate: req.requestedDate,
        reason: req.reason,
        credit: { creditLimitFen: customer.creditLimitFen, outstandingFen: account?.outstandingFen ?? 0 },
      },
      now,
    );
    await applyOrderChange(tx, change);
    return change.order;
  });
}
