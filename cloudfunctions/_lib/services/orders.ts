/**
 * The order lifecycle on top of the Store: submit (price on the server, reserve all lines or none,
 * write the order, idempotent by the client's request id), status changes through the shared
 * transition table (releasing or consuming the reservation, appending to the timeline and
 * writing the customer's message job in the same transaction), and the reservation timer.
 */
import { createHash } from 'node:crypto';
import {
  availableOf,
  businessDate,
  businessMonth,
  canRequestAfterSales,
  checkTransition,
  customerTimeline,
  DomainError,
  emptyNodes,
  findDuplicateLine,
  findShortage,
  nextStatuses,
  planReorder,
  priceCart,
  quantitiesBySku,
  requireValidCart,
  type Actor,
  type AfterSalesRequest,
  type Caller,
  type CartLineInput,
  type Customer,
  type MessageJob,
  type Order,
  type OrderDetail,
  type OrderStatus,
  type OrderSummary,
  type Page,
  type ReorderResult,
  type Role,
  type Transition,
} from '@dinghuo/shared';
import type { Store, Tx, Filter } from '../data/store';
import type { AppConfig } from '../config';
import { loadCustomer, loadPricingContext } from './pricingData';

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
  const madeToOrder = lines.some((l) => l.sku.madeToOrder);

  const order: Order = {
    _id: orderId,
    orderNo: orderNoFor(orderId, now),
    requestId: req.requestId,
    customerId: customer._id,
    customer: { name: customer.name, code: customer.code, levelId: customer.levelId },
    merchandiserId: customer.merchandiserId,
    merchandiser: { name: merchandiser?.name ?? '' },
    placedBy,
    status: 'submitted',
    lines: lines.map(({ sku, priced }) => ({
      skuId: sku._id,
      skuCode: sku.code,
      name: sku.name,
      spec: sku.spec,
      unit: priced.unit,
      count: priced.count,
      qty: priced.qty,
      baseUnit: sku.baseUnit,
      caseUnit: sku.caseUnit,
      caseSize: sku.caseSize,
      unitPriceFen: priced.unitPriceFen,
      amountFen: priced.amountFen,
      priceSource: priced.source,
    })),
    totalFen,
    paidFen: 0,
    address: { contact: address.contact, phone: address.phone, address: address.address },
    requestedDate: req.requestedDate,
    remark: req.remark,
    madeToOrder,
    dueDate: null,
    nodes: emptyNodes().map((n) => (n.key === 'intake' ? { ...n, actualAt: now, by: placedBy } : n)),
    timeline: [
      {
        at: now,
        event: 'status',
        status: 'submitted',
        by: placedBy,
        note: placedBy.role === 'customer' ? '客户提交订单' : `${placedBy.name} 代客下单`,
      },
    ],
    reservation: { state: 'held', expiresAt: now + config.reservationHours * 3600_000 },
    openExceptions: 0,
    expediteCount: 0,
    notification: null,
    createdAt: now,
    updatedAt: now,
    lastChangeAt: now,
    createdDate: businessDate(now),
    createdMonth: businessMonth(now),
  };

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

export interface StatusChangeOptions {
  note?: string;
  /** Extra changes to the order made in the same transaction (due date, nodes...). */
  mutate?: (order: Order) => Order;
  /** The timeline event kind (default 'status'). */
  event?: Order['timeline'][number]['event'];
}

async function adjustStock(tx: Tx, order: Order, effect: 'release' | 'consume'): Promise<void> {
  const qty = quantitiesBySku(order.lines);
  for (const [skuId, n] of qty) {
    const s = await tx.get('stock', skuId);
    if (!s) continue;
    if (effect === 'release') {
      await tx.patch('stock', skuId, { reserved: Math.max(0, s.reserved - n) });
    } else {
      await tx.patch('stock', skuId, { onHand: Math.max(0, s.onHand - n), reserved: Math.max(0, s.reserved - n) });
    }
  }
}

/** Re-reserves the stock of an order whose reservation the timer released. */
async function reserveAgain(tx: Tx, order: Order): Promise<void> {
  const wanted = quantitiesBySku(order.lines);
  const stocks = new Map<string, { onHand: number; reserved: number }>();
  for (const skuId of wanted.keys()) stocks.set(skuId, (await tx.get('stock', skuId)) ?? { onHand: 0, reserved: 0 });
  const shortage = findShortage(wanted, new Map([...stocks].map(([id, s]) => [id, availableOf(s)])));
  if (shortage) throw new DomainError('OUT_OF_STOCK', `库存不足，可订 ${shortage.available}`, shortage);
  for (const [skuId, n] of wanted) await tx.patch('stock', skuId, { reserved: stocks.get(skuId)!.reserved + n });
}

export function messageJobFor(order: Order, status: OrderStatus, note: string, now: number): MessageJob {
  return {
    _id: `mj_${order._id.slice(2)}_${now.toString(36)}_${status}`,
    kind: 'order_status',
    orderId: order._id,
    customerId: order.customerId,
    templateKey: 'orderStatus',
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    leaseUntil: null,
    leaseOwner: null,
    payload: { orderNo: order.orderNo, status, amountFen: order.totalFen, at: now, note },
    recipients: [],
    deliveries: [],
    result: null,
    createdAt: now,
    updatedAt: now,
  };
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
  opts: StatusChangeOptions = {},
): Promise<Order> {
  const role = roleOf(caller);
  const actor = actorOf(caller);
  return store.transaction(async (tx) => {
    const order = await tx.get('orders', orderId);
    if (!order || !canAccessOrder(caller, order)) throw new DomainError('NOT_FOUND');
    const check = checkTransition(order.status, to, role, { madeToOrder: order.madeToOrder });
    if (!check.ok) {
      if (to === 'cancelled' && role === 'customer') throw new DomainError('ORDER_NOT_CANCELLABLE');
      if (check.reason === 'role') throw new DomainError('FORBIDDEN');
      throw new DomainError('ILLEGAL_TRANSITION');
    }
    return applyTransition(tx, order, check.transition, actor, now, opts);
  });
}

export async function applyTransition(
  tx: Tx,
  order: Order,
  t: Transition,
  actor: Actor,
  now: number,
  opts: StatusChangeOptions = {},
): Promise<Order> {
  let reservation = order.reservation;
  if (t.reservation === 'release' && reservation.state === 'held') {
    await adjustStock(tx, order, 'release');
    reservation = { ...reservation, state: 'released' };
  } else if (t.reservation === 'consume') {
    if (reservation.state !== 'held') await reserveAgain(tx, order);
    await adjustStock(tx, order, 'consume');
    reservation = { ...reservation, state: 'consumed' };
  } else if (t.to === 'confirmed' && reservation.state === 'released') {
    await reserveAgain(tx, order);
    reservation = { ...reservation, state: 'held' };
  }
  if (t.to === 'cancelled' || t.to === 'rejected') {
    const customer = await tx.get('customers', order.customerId);
    if (customer) {
      await tx.patch('customers', customer._id, {
        outstandingFen: customer.outstandingFen - (order.totalFen - order.paidFen),
      });
    }
  }
  const note = opts.note ?? '';
  let next: Order = {
    ...order,
    status: t.to,
    reservation,
    updatedAt: now,
    lastChangeAt: now,
    timeline: [...order.timeline, { at: now, event: opts.event ?? 'status', status: t.to, by: actor, note }],
  };
  if (opts.mutate) next = opts.mutate(next);
  const notify = t.notifyCustomer && actor.role !== 'customer';
  if (notify) {
    const job = messageJobFor(next, t.to, note, now);
    await tx.insert('messageJobs', job);
    next = { ...next, notification: { status: 'pending', jobId: job._id, at: now } };
  }
  await tx.set('orders', next);
  return next;
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
      if (!order || order.status !== 'submitted' || order.reservation.state !== 'held' || order.reservation.expiresAt > now) {
        return false;
      }
      await adjustStock(tx, order, 'release');
      await tx.set('orders', {
        ...order,
        reservation: { ...order.reservation, state: 'released' },
        updatedAt: now,
        timeline: [
          ...order.timeline,
          { at: now, event: 'note', by: { role: 'system', name: '系统' }, note: '超时未审核，已释放预占库存' },
        ],
      });
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
  const order = await loadOrderFor(store, caller, input.orderId);
  if (!canRequestAfterSales(order.status)) throw new DomainError('AFTER_SALES_NOT_ALLOWED');
  const actor = actorOf(caller);
  const request: AfterSalesRequest = {
    _id: `as_${order._id.slice(2, 14)}_${now.toString(36)}`,
    orderId: order._id,
    orderNo: order.orderNo,
    customerId: order.customerId,
    merchandiserId: order.merchandiserId,
    kind: input.kind,
    status: 'open',
    description: input.description,
    lines: [],
    createdBy: actor,
    createdAt: now,
    history: [{ at: now, status: 'open', by: actor, note: input.description.slice(0, 100) }],
  };
  await store.transaction(async (tx) => {
    const fresh = await tx.get('orders', order._id);
    if (!fresh) throw new DomainError('NOT_FOUND');
    await tx.insert('afterSales', request);
    await tx.set('orders', {
      ...fresh,
      updatedAt: now,
      timeline: [...fresh.timeline, { at: now, event: 'after_sales', by: actor, note: `申请售后：${input.description.slice(0, 60)}` }],
    });
  });
  return request;
}
