/**
 * The order lifecycle on top of the Store: submit (price on the server, reserve all lines or none
 * by conditional single-document updates, book the amount, write the order, idempotent by the
 * client's request id), every other change through the Order aggregate
 * (shared/src/orderAggregate.ts: it decides; updateOrder loads, applies its effects and saves, in
 * one transaction), and the reservation timer (repairing half-done submits from their intents,
 * releasing unconfirmed orders' stock).
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
  INTENT_LEASE_MS,
  moveOrder,
  newOrder,
  nextStatuses,
  planReorder,
  priceCart,
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
  type ReservationIntent,
  type Role,
  type Sku,
} from '@dinghuo/shared';
import type { Store, Filter } from '../data/store';
import type { AppConfig } from '../config';
import { startPricingContext } from './pricingData';
import { applyOrderChange } from './orderEffects';
import {
  bookCredit,
  outstandingOf,
  releaseAllHolds,
  releaseStockLines,
  reserveStockLines,
  unbookAll,
  unbookCredit,
} from './counters';

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
 *
 * Built for a document database where every call is a network request (the Medusa pattern: a
 * reservation record plus compensation), in at most six sequential rounds whatever the line count:
 * 1. in parallel: the order by id (a retried request answers it), the reservation intent inserted
 *    by the order id (one request has one intent: idempotent), the customer, the SKUs and the
 *    customer's own price lists;
 * 2-3. the level, its price lists and the merchandiser; then the price entries by id; the order is
 *    built by the Order aggregate (newOrder), whose effects name what to reserve and book;
 * 4. every line reserved by a conditional update of its stock document (`available >= qty`; lines
 *    of one quantity share one request, each document updated atomically on its own) and the
 *    amount booked on the customer's account within the credit limit, all at once; on any refusal
 *    or failure what was reserved or booked is undone (conditional on its hold) and the intent
 *    removed;
 * 5. the order inserted by its deterministic id;
 * 6. the intent marked committed.
 * A submit that dies after 1 leaves its intent pending: past the intent's deadline the reservation
 * timer undoes its holds, or marks it committed if the order was written.
 */
export async function submitOrder(
  store: Store,
  customerId: string,
  placedBy: Actor,
  req: SubmitRequest,
  now: number,
  config: AppConfig,
): Promise<Order> {
  const duplicate = findDuplicateLine(req.lines);
  if (duplicate) throw new DomainError('DUPLICATE_LINE', undefined, { skuId: duplicate.skuId });
  // A refused submit removes its intent, so a second pass can take over a request whose first
  // holder was refused while this one waited.
  for (let pass = 0; pass < 3; pass++) {
    const order = await submitOnce(store, customerId, placedBy, req, now, config);
    if (order) return order;
  }
  throw new DomainError('CONFLICT');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function submitOnce(
  store: Store,
  customerId: string,
  placedBy: Actor,
  req: SubmitRequest,
  now: number,
  config: AppConfig,
): Promise<Order | null> {
  const started = performance.now();
  const orderId = orderIdFor(customerId, req.requestId);
  const skuIds = [...new Set(req.lines.map((l) => l.skuId))];
  const intent: ReservationIntent = {
    _id: orderId,
    customerId,
    skuIds,
    state: 'pending',
    createdAt: now,
    deadline: now + INTENT_LEASE_MS,
  };

  // Round 1.
  const pricing = startPricingContext(store, customerId, skuIds);
  const [existingR, intentR, customerR, skusR] = await Promise.allSettled([
    store.get('orders', orderId),
    store.insert('reservations', intent),
    store.get('customers', customerId),
    store.getMany('skus', skuIds),
  ]);
  let owned = intentR.status === 'fulfilled';
  const dropIntent = async () => {
    if (owned) await store.remove('reservations', orderId).catch(() => undefined);
  };
  if (existingR.status === 'fulfilled' && existingR.value) return sameRequestOrThrow(existingR.value, req);
  if (intentR.status === 'rejected') {
    if ((intentR.reason as { code?: unknown })?.code !== 'DUPLICATE_ID') throw intentR.reason;
    const other = await awaitOtherSubmit(store, intent, req);
    if (other === 'again') return null;
    if (other !== 'owned') return other;
    owned = true;
  }

  let order: Order;
  let wanted: Map<string, number>;
  let skusById: Map<string, Sku>;
  let creditLimitFen: number | null;
  let amountFen: number;
  try {
    if (existingR.status === 'rejected') throw existingR.reason;
    if (customerR.status === 'rejected') throw customerR.reason;
    if (skusR.status === 'rejected') throw skusR.reason;
    const customer = customerR.value;
    if (!customer) throw new DomainError('NOT_FOUND');
    if (!customer.active) throw new DomainError('CUSTOMER_INACTIVE');
    creditLimitFen = customer.creditLimitFen;
    const address = customer.addresses.find((a) => a.id === req.addressId);
    if (!address) throw new DomainError('ADDRESS_NOT_FOUND');
    // Rounds 2 and 3.
    const [{ ctx }, merchandiser] = await Promise.all([pricing(customer), store.get('staff', customer.merchandiserId)]);
    skusById = new Map(skusR.value.map((s) => [s._id, s]));
    const { lines, totalFen } = requireValidCart(priceCart(req.lines, skusById, ctx, customer));
    const created = newOrder(
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
    order = created.order;
    // What submitting does, as the aggregate decided it: each SKU reserved, the amount booked;
    // here as conditional single-document updates (round 4), not inside a transaction.
    wanted = new Map(created.effects.stock.map((s) => [s.skuId, s.reservedDelta]));
    amountFen = created.effects.account?.outstandingDelta ?? 0;
  } catch (e) {
    await dropIntent();
    throw e;
  }

  // Round 4: every line (one conditional update per distinct quantity) and the credit at once.
  const undo = async (credit: boolean): Promise<boolean> => {
    try {
      await Promise.all([
        releaseStockLines(store, orderId, wanted),
        credit ? unbookCredit(store, order.customerId, orderId, amountFen) : Promise.resolve(false),
      ]);
      return true;
    } catch {
      // Left to the reservation timer, which repairs from the intent after its deadline.
      return false;
    }
  };
  for (let attempt = 1; ; attempt++) {
    const [lineResult, creditResult] = await Promise.all([
      reserveStockLines(store, orderId, wanted).then(
        (refused) => ({ refused, error: null as unknown }),
        (error: unknown) => ({ refused: [] as string[], error }),
      ),
      bookCredit(store, order.customerId, orderId, amountFen, creditLimitFen).then(
        (ok) => ({ ok, error: null as unknown }),
        (error: unknown) => ({ ok: false, error }),
      ),
    ]);
    const refusedSkus = lineResult.refused;
    const failed = lineResult.error !== null ? { reason: lineResult.error } : null;
    if (!failed && !creditResult.error && refusedSkus.length === 0 && creditResult.ok) break;
    // A booking whose answer was lost may have happened: it is undone too (conditional on its hold).
    const [undone, refusal] = await Promise.all([
      undo(creditResult.ok || creditResult.error !== null),
      failed || creditResult.error
        ? Promise.resolve(null)
        : refusalError(store, order, wanted, creditResult.ok ? refusedSkus : [], skusById, creditLimitFen),
    ]);
    // Stock held for a moment by other submits that were then refused elsewhere and undid it is
    // not a shortage: when what was refused fits now, the lines are reserved again.
    if (undone && refusal?.retry && attempt < 4) continue;
    if (undone) await dropIntent();
    throw failed ? failed.reason : creditResult.error ? creditResult.error : refusal!.error;
  }

  // The timer never undoes a live submit's work: its intent's deadline is far past any function
  // timeout. A submit that somehow ran that long gives up rather than race it.
  if (performance.now() - started > INTENT_LEASE_MS / 2) {
    if (await undo(true)) await dropIntent();
    throw new DomainError('CONFLICT');
  }

  // Round 5.
  try {
    await store.insert('orders', order);
  } catch (e) {
    // A lost answer: the order may be written. Undo, as for a refusal, only when the read-back
    // says it is not. When that read fails too, whether it exists is unknown: undoing would
    // release stock and credit an existing order still holds (its later cancel would release them
    // twice), so the intent stays pending and the reservation timer settles it from the order.
    const written = await store.get('orders', orderId).then(
      (o) => o ?? 'absent',
      () => 'unknown' as const,
    );
    if (written === 'unknown') throw e;
    if (written === 'absent') {
      if (await undo(true)) await dropIntent();
      throw e;
    }
  }
  // Round 6. Not fatal: the timer marks an intent committed when it finds its order.
  await store.patch('reservations', orderId, { state: 'committed' }).catch(() => undefined);
  return order;
}

/**
 * Another call holds the intent of this request (a double tap, a retry while the first is still
 * running): wait for its order. 'again' when the other was refused (its intent is gone: submit
 * again), 'owned' when this call took over an intent the timer had compensated.
 */
async function awaitOtherSubmit(store: Store, intent: ReservationIntent, req: SubmitRequest): Promise<Order | 'again' | 'owned'> {
  for (let i = 0; i < 60; i++) {
    const [order, current] = await Promise.all([store.get('orders', intent._id), store.get('reservations', intent._id)]);
    if (order) return sameRequestOrThrow(order, req);
    if (!current) return 'again';
    if (current.state === 'compensated') {
      const { _id: _omit, ...fresh } = intent;
      const n = await store.updateWhere('reservations', { _id: intent._id, state: 'compensated' }, fresh);
      if (n === 1) return 'owned';
    }
    await sleep(Math.min(10 * 2 ** i, 200));
  }
  throw new DomainError('CONFLICT');
}

/**
 * The refusal of a submit: the credit limit (no refused SKUs given), else the first SKU short of
 * stock as it is now; `retry` when every refused line fits what is available now.
 */
async function refusalError(
  store: Store,
  order: Order,
  wanted: Map<string, number>,
  refusedSkus: string[],
  skusById: Map<string, Sku>,
  creditLimitFen: number | null,
): Promise<{ error: DomainError; retry: boolean }> {
  if (refusedSkus.length === 0) {
    const outstandingFen = (await outstandingOf(store, [order.customerId])).get(order.customerId) ?? 0;
    const error = new DomainError('CREDIT_LIMIT_EXCEEDED', undefined, { creditLimitFen, outstandingFen, orderTotalFen: order.totalFen });
    return { error, retry: false };
  }
  const stocks = new Map((await store.getMany('stock', refusedSkus)).map((s) => [s._id, s]));
  const availableNow = (skuId: string) => {
    const s = stocks.get(skuId);
    return Math.max(0, s ? (s.available ?? availableOf(s)) : 0);
  };
  const short = refusedSkus.find((id) => availableNow(id) < wanted.get(id)!);
  const skuId = short ?? refusedSkus[0]!;
  const shortage = { skuId, wanted: wanted.get(skuId)!, available: availableNow(skuId) };
  const name = skusById.get(skuId)?.name ?? '';
  return { error: new DomainError('OUT_OF_STOCK', `${name} 库存不足，可订 ${shortage.available}`, shortage), retry: short === undefined };
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
 * Repairs the submits that died half way: a reservation intent still pending past its deadline
 * (no submit can still be running for it). If its order was written, the submit had finished
 * but for marking the intent: it is marked committed. Otherwise whatever the submit had reserved
 * or booked is undone — read from the holds on the stock and account documents, each undone by
 * a conditional update, so running this twice, or alongside another run, undoes nothing twice —
 * and the intent is marked compensated.
 */
export async function repairStaleIntents(store: Store, now: number, limit = 200): Promise<{ committed: string[]; compensated: string[] }> {
  const stale = await store.find('reservations', { state: 'pending', deadline: { $lte: now } }, { orderBy: [['deadline', 'asc']], limit });
  const committed: string[] = [];
  const compensated: string[] = [];
  if (stale.length === 0) return { committed, compensated };
  const orders = new Set((await store.getMany('orders', stale.map((i) => i._id))).map((o) => o._id));
  await Promise.all(
    stale.map(async (intent) => {
      if (orders.has(intent._id)) {
        await store.updateWhere('reservations', { _id: intent._id, state: 'pending' }, { state: 'committed' });
        committed.push(intent._id);
        return;
      }
      await Promise.all([releaseAllHolds(store, intent._id, intent.skuIds), unbookAll(store, intent.customerId, intent._id)]);
      if ((await store.updateWhere('reservations', { _id: intent._id, state: 'pending' }, { state: 'compensated' })) === 1) {
        compensated.push(intent._id);
      }
    }),
  );
  return { committed, compensated };
}

/**
 * The reservation timer: repairs submits that died half way (repairStaleIntents), then releases
 * the stock held by orders still unconfirmed past their deadline. Such an order stays submitted
 * (the merchandiser may still confirm it, which reserves again if stock allows).
 */
export async function runReservationTimer(store: Store, now: number) {
  const [repaired, { released }] = await Promise.all([repairStaleIntents(store, now), releaseExpiredReservations(store, now)]);
  return { released, repaired };
}

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
