/**
 * The order lifecycle on top of the Store: submit (price on the server, reserve all lines or none,
 * write the order, idempotent by the client's request id), status changes through the Order
 * aggregate (shared/src/orderAggregate.ts: it decides; updateOrder loads, applies its effects
 * and saves, in one transaction), and the reservation timer.
 */
import { createHash } from 'node:crypto';
import {
  availableOf,
  businessDate,
  canRequestAfterSales,
  cancelOrder,
  customerTimeline,
  DomainError,
  findDuplicateLine,
  findShortage,
  moveOrder,
  newOrder,
  nextStatuses,
  planReorder,
  priceCart,
  quantitiesBySku,
  receiveOrder,
  releaseOrderReservation,
  requestOrderAfterSales,
  requireValidCart,
  type Actor,
  type AfterSalesRequest,
  type Caller,
  type CartLineInput,
  type Customer,
  type Order,
  type OrderChange,
  type OrderDetail,
  type OrderStatus,
  type OrderSummary,
  type Page,
  type ReorderResult,
  type Role,
} from '@dinghuo/shared';
import type { Store, Filter } from '../data/store';
import type { AppConfig } from '../config';
import { loadCustomer, loadPricingContext } from './pricingData';
import { applyOrderChange } from './orderEffects';

export function actorOf(caller: Caller): Actor {
  if (caller.kind === 'anonymous') return { openid: caller.openid, role: 'system', name: '访客' };
  return { openid: caller.openid, role: caller.kind, name: caller.name };
}

export function roleOf(caller: Caller): Role {
  if (caller.kind === 'anonymous') throw new DomainError('NOT_BOUND');
  return caller.kind;
}

/** Can this caller see this order? Customers their own, merchandisers their customers', admins all. */
export function canAccessOrder(caller: Caller, order: Pick<Order, 'customerId' | 'merchandiserId'>): boolean {
  switch (caller.kind) {
    case 'customer':
      return order.customerId === caller.customerId;
    case 'merchandiser':
      return order.merchandiserId === caller.staffId;
    case 'admin':
      return true;
    default:
      return false;
  }
}

/** Another tenant's order is reported as missing, never as existing-but-forbidden. */
export async function loadOrderFor(store: Store, caller: Caller, orderId: string): Promise<Order> {
  const order = await store.get('orders', orderId);
  if (!order || !canAccessOrder(caller, order)) throw new DomainError('NOT_FOUND');
  return order;
}

/** Deterministic order id from (customer, request id): a retried submit finds the same order. */
export function orderIdFor(customerId: string, requestId: string): string {
  return 'o_' + createHash('sha256').update(`${customerId}\u0000${requestId}`).digest('hex').slice(0, 24);
}

export function orderNoFor(orderId: string, now: number): string {
  const digits = BigInt('0x' + orderId.slice(2, 14)).toString().slice(-8).padStart(8, '0');
  return `DH${businessDate(now).replace(/-/g, '').slice(2)}${digits}`;
}

function linesFingerprint(lines: readonly { skuId: string; unit: string; count: number }[]): string {
  return lines
    .map((l) => `${l.skuId}|${l.unit}|${l.count}`)
    .sort()
    .join(',');
}

export interface SubmitRequest {
  requestId: string;
  lines: CartLineInput[];
  addressId: string;
  requestedDate: string | null;
  remark: string;
}

/**
 * Submits an order for a customer, placed by `placedBy` (the customer itself, or its merchandiser
 * for an order taken by phone). Prices come from the server only.
 */
export async function submitOrder(
  store: Store,
  customerId: string,
  placedBy: Actor,
  req: SubmitRequest,
  now: number,
  config: AppConfig,
): Promise<Order> {
  const orderId = orderIdFor(customerId, req.requestId);
  const existing = await store.get('orders', orderId);
  if (existing) return sameRequestOrThrow(existing, req);

  const duplicate = findDuplicateLine(req.lines);
  if (duplicate) throw new DomainError('DUPLICATE_LINE', undefined, { skuId: duplicate.skuId });

  const customer = await loadCustomer(store, customerId);
  const address = customer.addresses.find((a) => a.id === req.addressId);
  if (!address) throw new DomainError('ADDRESS_NOT_FOUND');

  const skuIds = [...new Set(req.lines.map((l) => l.skuId))];
  const [skus, { ctx }, merchandiser] = await Promise.all([
    store.getMany('skus', skuIds),
    loadPricingContext(store, customer, skuIds),
    store.get('staff', customer.merchandiserId),
  ]);
  const skusById = new Map(skus.map((s) => [s._id, s]));
  const { lines, totalFen } = requireValidCart(priceCart(req.lines, skusById, ctx, customer));
  const wanted = quantitiesBySku(lines.map((l) => l.priced));

  const { order } = newOrder(
    {
      orderId,
      orderNo: orderNoFor(orderId, now),
      requestId: req.requestId,
      customer,
      merchandiserName: merchandiser?.name ?? '',
      placedBy,
      lines,
      totalFen,
      address,
      requestedDate: req.requestedDate,
      remark: req.remark,
      reservationHours: config.reservationHours,
    },
    now,
  );

  return store.transaction(async (tx) => {
    const raced = await tx.get('orders', orderId);
    if (raced) return sameRequestOrThrow(raced, req);

    const fresh = await tx.get('customers', customer._id);
    if (!fresh) throw new DomainError('NOT_FOUND');
    if (fresh.creditLimitFen !== null && fresh.outstandingFen + totalFen > fresh.creditLimitFen) {
      throw new DomainError('CREDIT_LIMIT_EXCEEDED', undefined, {
        creditLimitFen: fresh.creditLimitFen,
        outstandingFen: fresh.outstandingFen,
        orderTotalFen: totalFen,
      });
    }

    const stocks = new Map<string, { onHand: number; reserved: number }>();
    for (const skuId of wanted.keys()) {
      const s = await tx.get('stock', skuId);
      stocks.set(skuId, s ?? { onHand: 0, reserved: 0 });
    }
    const shortage = findShortage(wanted, new Map([...stocks].map(([id, s]) => [id, availableOf(s)])));
    if (shortage) {
      const name = skusById.get(shortage.skuId)?.name ?? '';
      throw new DomainError('OUT_OF_STOCK', `${name} 库存不足，可订 ${shortage.available}`, shortage);
    }
    for (const [skuId, qty] of wanted) {
      const s = stocks.get(skuId)!;
      await tx.patch('stock', skuId, { reserved: s.reserved + qty });
    }
    await tx.patch('customers', customer._id, { outstandingFen: fresh.outstandingFen + totalFen });
    await tx.insert('orders', order);
    return order;
  });
}

function sameRequestOrThrow(order: Order, req: SubmitRequest): Order {
  if (linesFingerprint(order.lines) !== linesFingerprint(req.lines)) throw new DomainError('REQUEST_ID_REUSED');
  return order;
}

// --- status changes ------------------------------------------------------------------------

/**
 * Load, change, save: in one transaction the order is read (and must be the caller's), the
 * Order aggregate decides the change, and its effects and the order's changed fields are written.
 */
export async function updateOrder(store: Store, caller: Caller, orderId: string, change: (order: Order) => OrderChange): Promise<OrderChange> {
  return store.transaction(async (tx) => {
    const order = await tx.get('orders', orderId);
    if (!order || !canAccessOrder(caller, order)) throw new DomainError('NOT_FOUND');
    const result = change(order);
    await applyOrderChange(tx, result);
    return result;
  });
}

/**
 * Moves an order to `to` if the transition table allows it for the caller's role: in one
 * transaction the reservation is released or consumed, the customer's outstanding amount is
 * adjusted, the timeline gets an entry and the customer's message job is written.
 */
export async function changeStatus(
  store: Store,
  caller: Caller,
  orderId: string,
  to: OrderStatus,
  now: number,
  opts: { note?: string } = {},
): Promise<Order> {
  roleOf(caller);
  const actor = actorOf(caller);
  return (await updateOrder(store, caller, orderId, (order) => moveOrder(order, actor, to, opts.note ?? '', now))).order;
}

// --- the reservation timer -----------------------------------------------------------------

/**
 * Releases the stock held by orders still unconfirmed past their deadline. The order stays
 * submitted (the merchandiser may still confirm it, which reserves again if stock allows).
 */
export async function releaseExpiredReservations(store: Store, now: number, limit = 200): Promise<{ released: string[] }> {
  const expired = await store.find(
    'orders',
    { status: 'submitted', 'reservation.state': 'held', 'reservation.expiresAt': { $lte: now } },
    { orderBy: [['reservation.expiresAt', 'asc']], limit },
  );
  const released: string[] = [];
  for (const candidate of expired) {
    const done = await store.transaction(async (tx) => {
      const order = await tx.get('orders', candidate._id);
      const change = order && releaseOrderReservation(order, now);
      if (!change) return false;
      await applyOrderChange(tx, change);
      return true;
    });
    if (done) released.push(candidate._id);
  }
  return { released };
}

// --- reads -----------------------------------------------------------------------------------

export function toSummary(o: Order): OrderSummary {
  return {
    _id: o._id,
    orderNo: o.orderNo,
    status: o.status,
    totalFen: o.totalFen,
    lineCount: o.lines.length,
    firstLineName: o.lines[0]?.name ?? '',
    createdAt: o.createdAt,
    dueDate: o.dueDate,
    customerName: o.customer.name,
  };
}

export async function listOrders(
  store: Store,
  scope: Filter,
  input: { status?: OrderStatus | undefined; page: number; pageSize: number },
): Promise<Page<OrderSummary>> {
  const filter: Filter = { ...scope };
  if (input.status) filter.status = input.status;
  const skip = (input.page - 1) * input.pageSize;
  const [items, total] = await Promise.all([
    store.find('orders', filter, { orderBy: [['createdAt', 'desc']], skip, limit: input.pageSize }),
    store.count('orders', filter),
  ]);
  return { items: items.map(toSummary), page: input.page, pageSize: input.pageSize, total, hasMore: skip + items.length < total };
}

/**
 * The order as its caller may see it. `justCreated`: the order was created by this very call (its
 * createdAt is the call's clock), so it has no after-sales requests yet and none are queried.
 */
export async function orderDetail(store: Store, caller: Caller, order: Order, opts: { justCreated?: boolean } = {}): Promise<OrderDetail> {
  const afterSales = opts.justCreated
    ? []
    : await store.find('afterSales', { orderId: order._id }, { orderBy: [['createdAt', 'desc']], limit: 50 });
  const { requestId: _requestId, ...rest } = order;
  const isCustomer = caller.kind === 'customer';
  return {
    ...rest,
    // exceptions and chases are the supplier's internal work
    timeline: isCustomer ? customerTimeline(order.timeline) : order.timeline,
    canCancel: caller.kind !== 'anonymous' && nextStatuses(order.status, caller.kind, { madeToOrder: order.madeToOrder }).includes('cancelled'),
    canConfirmReceipt: order.status === 'shipped',
    canAfterSales: canRequestAfterSales(order.status),
    afterSales,
  };
}

/** 再来一单: the old order's lines as a new cart, dropping what can no longer be ordered. */
export async function reorderLines(store: Store, customer: Customer, order: Order): Promise<ReorderResult> {
  const skus = await store.getMany('skus', order.lines.map((l) => l.skuId));
  return planReorder(order.lines, new Map(skus.map((s) => [s._id, s])), customer);
}

export async function createAfterSales(
  store: Store,
  caller: Caller,
  input: { orderId: string; kind: AfterSalesRequest['kind']; description: string },
  now: number,
): Promise<AfterSalesRequest> {
  const actor = actorOf(caller);
  const change = await updateOrder(store, caller, input.orderId, (order) =>
    requestOrderAfterSales(order, actor, { requestId: `as_${order._id.slice(2, 14)}_${now.toString(36)}`, kind: input.kind, description: input.description }, now),
  );
  return change.effects.afterSales!.request;
}

/** 确认收货 by the customer (or staff): shipped → delivered, the 签收 node done. */
export async function confirmReceipt(store: Store, caller: Caller, orderId: string, now: number): Promise<Order> {
  roleOf(caller);
  const actor = actorOf(caller);
  return (await updateOrder(store, caller, orderId, (order) => receiveOrder(order, actor, now))).order;
}

/** 取消订单: the customer while submitted, staff until shipment. */
export async function cancel(store: Store, caller: Caller, orderId: string, reason: string, now: number): Promise<Order> {
  roleOf(caller);
  const actor = actorOf(caller);
  return (await updateOrder(store, caller, orderId, (order) => cancelOrder(order, actor, reason, now))).order;
}
