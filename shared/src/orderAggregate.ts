/**
 * The Order aggregate: every change to an order is a pure function of the order, the actor, the
 * input and the clock. It checks the change (the status table, roles, node rules) and returns the
 * next order, the fields that changed, and its effects outside the order document: stock per SKU,
 * the customer's account, the customer's message job (outbox), the timeline entries appended, and
 * the exception or after-sales record written with it. Services load, apply the effects and save
 * (cloudfunctions/_lib/services/orderEffects.ts); no service builds an order by hand.
 *
 * Stock effects follow the status machine (orderStatus.ts): submit reserves; cancel, reject and
 * the reservation timer release a held reservation; shipping consumes (onHand and reserved both
 * drop); confirming an order whose reservation the timer released reserves again.
 */
import { canRequestAfterSales, type AfterSalesKind, type AfterSalesRequest, type AfterSalesStatus } from './afterSales';
import { AFTER_SALES_STATUS_LABELS } from './afterSalesLabels';
import { quantitiesBySku } from './cart';
import type { Sku } from './catalog';
import type { Address, Customer } from './customer';
import { DomainError } from './errors';
import { EXCEPTION_KIND_LABELS, type ExceptionKind, type OrderException, type Severity } from './exception';
import { canMoveAfterSales, checkNodeAdvance, nodeActualAt, reviewPlan } from './followup';
import { SYSTEM_ACTOR, type Actor, type Role } from './ids';
import type { Order, OrderLine, TimelineEntry } from './order';
import { checkTransition, OPEN_STATUSES, type OrderStatus, type Transition } from './orderStatus';
import type { PricedLine } from './pricing';
import { emptyNodes, NODE_LABELS, type NodeKey, type ProgressNode } from './progress';
import { shipmentsOf, unshippedLines } from './shipments';
import type { MessageJob } from './subscription';
import { businessDate, businessMonth, type BusinessDate } from './time';

// --- effects -----------------------------------------------------------------------------------

/** One SKU's stock change, applied as increments. */
export interface StockEffect {
  skuId: string;
  reservedDelta: number;
  onHandDelta: number;
  /** Base units that must be available (onHand − reserved) before the change; 0: no check. */
  requireAvailable: number;
  /** Base units that must be on hand before the change (shipping a held reservation); 0: no check. */
  requireOnHand: number;
}

/** The customer's outstanding amount (ordered, not yet paid), in fen. */
export interface AccountEffect {
  customerId: string;
  outstandingDelta: number;
  /** The customer's money on account (预收, a receipt's unallocated part); absent: no change. */
  onAccountDelta?: number;
}

/** An exception record written with the change: a new one, or one resolved (its resolution fields written). */
export interface ExceptionEffect {
  op: 'insert' | 'resolve';
  exception: OrderException;
}

/** An after-sales request written with the change: a new one, or one moved (its status and history written). */
export interface AfterSalesEffect {
  op: 'insert' | 'move';
  request: AfterSalesRequest;
}

export interface OrderEffects {
  stock: StockEffect[];
  account: AccountEffect | null;
  /** The customer's status message, written with the change (outbox). */
  messageJob: MessageJob | null;
  /** Entries appended to the order's timeline (already in the next order). */
  timeline: TimelineEntry[];
  exception: ExceptionEffect | null;
  afterSales: AfterSalesEffect | null;
}

export interface OrderChange {
  order: Order;
  /** The top-level fields of the order that changed: what the service writes. */
  changes: Partial<Order>;
  effects: OrderEffects;
}

const NO_EFFECTS: Omit<OrderEffects, 'timeline'> = { stock: [], account: null, messageJob: null, exception: null, afterSales: null };

export function changeOf(order: Order, next: Order, effects: Partial<Omit<OrderEffects, 'timeline'>> = {}): OrderChange {
  const changes: Record<string, unknown> = {};
  for (const key of Object.keys(next) as (keyof Order)[]) {
    if (next[key] !== order[key]) changes[key] = next[key];
  }
  return {
    order: next,
    changes: changes as Partial<Order>,
    effects: { ...NO_EFFECTS, ...effects, timeline: next.timeline.slice(order.timeline.length) },
  };
}

export function entry(at: number, event: TimelineEntry['event'], by: Actor, note: string, status?: OrderStatus): TimelineEntry {
  const e: TimelineEntry = { at, event, by, note: note.slice(0, 200) };
  if (status) e.status = status;
  return e;
}

export function withNode(order: Order, key: NodeKey, edit: (n: ProgressNode) => ProgressNode): ProgressNode[] {
  return order.nodes.map((n) => (n.key === key ? edit(n) : n));
}

export function requireStaffActor(actor: Actor): 'merchandiser' | 'admin' {
  if (actor.role !== 'merchandiser' && actor.role !== 'admin') throw new DomainError('FORBIDDEN');
  return actor.role;
}

// --- stock arithmetic -----------------------------------------------------------------------

export function stockEffects(order: { lines: readonly { skuId: string; qty: number }[] }, per: (qty: number) => Omit<StockEffect, 'skuId'>): StockEffect[] {
  return [...quantitiesBySku(order.lines)].map(([skuId, qty]) => ({ skuId, ...per(qty) }));
}

export const reserve = (qty: number) => ({ reservedDelta: qty, onHandDelta: 0, requireAvailable: qty, requireOnHand: 0 });
export const release = (qty: number) => ({ reservedDelta: -qty, onHandDelta: 0, requireAvailable: 0, requireOnHand: 0 });
export const consumeHeld = (qty: number) => ({ reservedDelta: -qty, onHandDelta: -qty, requireAvailable: 0, requireOnHand: qty });
/** Shipping an order whose reservation was released: the goods must still be available. */
export const consumeUnheld = (qty: number) => ({ reservedDelta: 0, onHandDelta: -qty, requireAvailable: qty, requireOnHand: 0 });

// --- the customer's message ---------------------------------------------------------------------

/** The outbox job announcing `status` to the order's customer. */
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

// --- submit ------------------------------------------------------------------------------------

export interface NewOrderInput {
  orderId: string;
  orderNo: string;
  requestId: string;
  customer: Pick<Customer, '_id' | 'name' | 'code' | 'levelId' | 'merchandiserId'>;
  merchandiserName: string;
  placedBy: Actor;
  /** Priced lines (requireValidCart's output), in the cart's order. */
  lines: readonly { sku: Sku; priced: PricedLine }[];
  totalFen: number;
  address: Pick<Address, 'contact' | 'phone' | 'address'>;
  requestedDate: BusinessDate | null;
  remark: string;
  /** Unconfirmed orders' reservations are released this many hours after submit. */
  reservationHours: number;
}

/** An order line from a SKU and its server price (submit and 改单). */
export function toOrderLine(sku: Sku, priced: PricedLine): OrderLine {
  return {
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
  };
}

/**
 * A new submitted order (with snapshots of prices, customer and merchandiser, the 接单 node done)
 * and what submitting it does: reserve every line (all must be available) and add the total to
 * the customer's outstanding amount.
 */
export function newOrder(input: NewOrderInput, now: number): { order: Order; effects: OrderEffects } {
  const { placedBy } = input;
  const timeline = [
    entry(now, 'status', placedBy, placedBy.role === 'customer' ? '客户提交订单' : `${placedBy.name} 代客下单`, 'submitted'),
  ];
  const order: Order = {
    _id: input.orderId,
    orderNo: input.orderNo,
    requestId: input.requestId,
    customerId: input.customer._id,
    customer: { name: input.customer.name, code: input.customer.code, levelId: input.customer.levelId },
    merchandiserId: input.customer.merchandiserId,
    merchandiser: { name: input.merchandiserName },
    placedBy,
    status: 'submitted',
    lines: input.lines.map(({ sku, priced }) => toOrderLine(sku, priced)),
    totalFen: input.totalFen,
    paidFen: 0,
    address: { contact: input.address.contact, phone: input.address.phone, address: input.address.address },
    requestedDate: input.requestedDate,
    remark: input.remark,
    madeToOrder: input.lines.some((l) => l.sku.madeToOrder),
    dueDate: null,
    nodes: emptyNodes().map((n) => (n.key === 'intake' ? { ...n, actualAt: now, by: placedBy } : n)),
    timeline,
    reservation: { state: 'held', expiresAt: now + input.reservationHours * 3600_000 },
    shipments: [],
    openExceptions: 0,
    expediteCount: 0,
    notification: null,
    createdAt: now,
    updatedAt: now,
    lastChangeAt: now,
    createdDate: businessDate(now),
    createdMonth: businessMonth(now),
  };
  return {
    order,
    effects: {
      ...NO_EFFECTS,
      stock: stockEffects(order, reserve),
      account: { customerId: order.customerId, outstandingDelta: order.totalFen },
      timeline,
    },
  };
}

// --- status changes ------------------------------------------------------------------------

/** The transition `actor` may make to `to`, or the DomainError saying why not. */
export function requireTransition(order: Pick<Order, 'status' | 'madeToOrder'>, to: OrderStatus, actor: Actor): Transition {
  if (actor.role === 'system') throw new DomainError('FORBIDDEN');
  const role: Role = actor.role;
  const check = checkTransition(order.status, to, role, { madeToOrder: order.madeToOrder });
  if (check.ok) return check.transition;
  if (to === 'cancelled' && role === 'customer') throw new DomainError('ORDER_NOT_CANCELLABLE');
  if (check.reason === 'role') throw new DomainError('FORBIDDEN');
  throw new DomainError('ILLEGAL_TRANSITION');
}

export interface StatusChangeOptions {
  note: string;
  /** Changes to the order made with the status change (due date, nodes, payment...). */
  edit?: (order: Order) => Order;
  /** An account change of its own (the payment node); cancel and reject compute theirs. */
  account?: AccountEffect | null;
}

/**
 * Moves the order along the transition table: the reservation is released, consumed or taken
 * again as the transition says, a cancelled or rejected order's unpaid amount leaves the
 * customer's outstanding amount, the timeline gets a status entry, and — unless the customer made
 * the change itself — the customer's message job is written and the order's notification set.
 */
export function statusChange(order: Order, actor: Actor, to: OrderStatus, now: number, opts: StatusChangeOptions): OrderChange {
  const t = requireTransition(order, to, actor);
  let reservation = order.reservation;
  let stock: StockEffect[] = [];
  if (t.reservation === 'release' && reservation.state === 'held') {
    stock = stockEffects(order, release);
    reservation = { ...reservation, state: 'released' };
  } else if (t.reservation === 'consume') {
    // what earlier deliveries (分批发货) shipped was consumed with them
    stock = stockEffects({ lines: unshippedLines(order) }, reservation.state === 'held' ? consumeHeld : consumeUnheld);
    reservation = { ...reservation, state: 'consumed' };
  } else if (t.to === 'confirmed' && reservation.state === 'released') {
    stock = stockEffects(order, reserve);
    reservation = { ...reservation, state: 'held' };
  }
  let account = opts.account ?? null;
  if (t.to === 'cancelled' || t.to === 'rejected') {
    const unpaid = order.totalFen - order.paidFen;
    account = unpaid !== 0 ? { customerId: order.customerId, outstandingDelta: -unpaid } : null;
  }
  let next: Order = {
    ...order,
    status: t.to,
    reservation,
    updatedAt: now,
    lastChangeAt: now,
    timeline: [...order.timeline, entry(now, 'status', actor, opts.note, t.to)],
  };
  if (opts.edit) next = opts.edit(next);
  let messageJob: MessageJob | null = null;
  if (t.notifyCustomer && actor.role !== 'customer') {
    messageJob = messageJobFor(next, t.to, opts.note, now);
    next = { ...next, notification: { status: 'pending', jobId: messageJob._id, at: now } };
  }
  return changeOf(order, next, { stock, account, messageJob });
}

/** Any move of the transition table with a note (what the staff's plain status changes use). */
export function moveOrder(order: Order, actor: Actor, to: OrderStatus, note: string, now: number): OrderChange {
  return statusChange(order, actor, to, now, { note });
}

export interface ConfirmInput {
  /** The order's longest SKU lead time (orderLeadTimeDays). */
  leadTimeDays: number;
  dueDate?: BusinessDate | undefined;
  planned?: Partial<Record<NodeKey, BusinessDate>> | undefined;
  note: string;
}

/**
 * 审单通过: the 交期 and the nodes' planned dates (reviewPlan: defaults from the lead time, then
 * the merchandiser's overrides) and the 审单 node are set with the move to confirmed; a
 * reservation the timer released is taken again (the stock must still be available).
 */
export function confirmOrder(order: Order, actor: Actor, input: ConfirmInput, now: number): OrderChange {
  if (order.status !== 'submitted') throw new DomainError('ILLEGAL_TRANSITION');
  requireTransition(order, 'confirmed', actor);
  const plan = reviewPlan(businessDate(now), input.leadTimeDays, order.requestedDate, { dueDate: input.dueDate, planned: input.planned });
  const note = input.note ? `审单通过，交期 ${plan.dueDate}；${input.note}` : `审单通过，交期 ${plan.dueDate}`;
  return statusChange(order, actor, 'confirmed', now, {
    note,
    edit: (o) => ({
      ...o,
      dueDate: plan.dueDate,
      nodes: o.nodes.map((n) => ({
        ...n,
        plannedDate: plan.planned[n.key],
        ...(n.key === 'review' ? { actualAt: now, by: actor, note: input.note } : {}),
      })),
    }),
  });
}

/** 驳回: with a reason; the reservation is released and the amount leaves the customer's account. */
export function rejectOrder(order: Order, actor: Actor, reason: string, now: number): OrderChange {
  return statusChange(order, actor, 'rejected', now, {
    note: reason,
    edit: (o) => ({ ...o, nodes: withNode(o, 'review', (n) => ({ ...n, by: actor, note: `驳回：${reason}`.slice(0, 200) })) }),
  });
}

/** 取消: the customer while submitted, staff until shipment; releases the reservation. */
export function cancelOrder(order: Order, actor: Actor, reason: string, now: number): OrderChange {
  return statusChange(order, actor, 'cancelled', now, { note: reason || (actor.role === 'customer' ? '客户取消订单' : '订单已取消') });
}

/** 确认收货: shipped → delivered, every delivery not yet received marked received, and the 签收 node done if it was not yet. */
export function receiveOrder(order: Order, actor: Actor, now: number): OrderChange {
  const shipments = shipmentsOf(order);
  const receivedAll = shipments.map((s) => (s.receivedAt === null ? { ...s, receivedAt: now, receivedBy: actor } : s));
  return statusChange(order, actor, 'delivered', now, {
    note: actor.role === 'customer' ? '客户确认收货' : '已签收',
    edit: (o) => ({
      ...o,
      ...(shipments.length > 0 ? { shipments: receivedAll } : {}),
      nodes: withNode(o, 'delivery', (n) => (n.actualAt === null ? { ...n, actualAt: now, by: actor } : n)),
    }),
  });
}

// --- progress nodes and payment -----------------------------------------------------------------

export interface NodeInput {
  node: NodeKey;
  /** The day it happened (Shanghai); null: now. */
  actualDate: BusinessDate | null;
  note: string;
  photoUrl: string | null;
}

/**
 * Records a progress node as done (staff only). When the node implies a status (质检 → 待发货,
 * 出货 → 已发货, 签收 → 已签收, 回款 → 已完成, 生产 → 生产中 for make-to-order) the order moves
 * with it through the transition table (stock consumed on shipment, the customer's message job).
 * 回款 is the payment: paidFen becomes totalFen and the unpaid rest leaves the customer's account.
 */
export function recordOrderNode(order: Order, actor: Actor, input: NodeInput, now: number): OrderChange {
  requireStaffActor(actor);
  const actualAt = nodeActualAt(input.actualDate, now);
  const { to } = checkNodeAdvance(order, input.node);
  const label = NODE_LABELS[input.node];
  const note = input.note ? `${label}：${input.note}` : `${label}完成`;
  const isPayment = input.node === 'payment';
  // 回款 follows the receipts: the node can only be ticked for an order paid in full (a prepaid
  // order once delivered); receivePayment records it when a receipt pays the rest.
  if (isPayment && order.paidFen < order.totalFen) throw new DomainError('PAYMENT_BY_RECEIPT');
  const unpaid = Math.max(0, order.totalFen - order.paidFen);
  const account = isPayment && unpaid > 0 ? { customerId: order.customerId, outstandingDelta: -unpaid } : null;
  const edit = (o: Order): Order => ({
    ...o,
    nodes: withNode(o, input.node, (n) => ({ ...n, actualAt, by: actor, note: input.note, photoUrl: input.photoUrl ?? n.photoUrl })),
    ...(isPayment ? { paidFen: o.totalFen } : {}),
  });
  if (to) return statusChange(order, actor, to, now, { note, edit, account });
  const next = edit({ ...order, updatedAt: now, lastChangeAt: now, timeline: [...order.timeline, entry(now, 'node', actor, note)] });
  return changeOf(order, next, { account });
}

export interface PaymentInput {
  receiptId: string;
  amountFen: number;
  /** When the money came in (the receipt's date). */
  receivedAt: number;
  /** '银行转账 流水号 123' — how the timeline names the receipt. */
  label: string;
}

/**
 * A receipt's share paid to the order (staff only): paidFen grows by it and it leaves the
 * customer's outstanding amount. When it pays the order in full and the order is delivered, the
 * 回款 node is recorded at the receipt's date and the order completes; a prepaid order keeps its
 * node until delivery, when the merchandiser may tick it.
 */
export function receivePayment(order: Order, actor: Actor, input: PaymentInput, now: number): OrderChange {
  requireStaffActor(actor);
  if (order.status === 'cancelled' || order.status === 'rejected') throw new DomainError('ILLEGAL_TRANSITION');
  const unpaid = order.totalFen - order.paidFen;
  if (!Number.isInteger(input.amountFen) || input.amountFen <= 0) throw new DomainError('VALIDATION_FAILED', '分配金额必须大于 0');
  if (input.amountFen > unpaid) throw new DomainError('ALLOCATION_EXCEEDS_UNPAID', undefined, { orderId: order._id, unpaidFen: unpaid });
  const paidFen = order.paidFen + input.amountFen;
  const full = paidFen === order.totalFen;
  const note = `收款 ${(input.amountFen / 100).toFixed(2)} 元（${input.label}），${full ? '已付清' : `累计已付 ${(paidFen / 100).toFixed(2)} 元`}`;
  const account: AccountEffect = { customerId: order.customerId, outstandingDelta: -input.amountFen };
  const paid: Order = { ...order, paidFen, updatedAt: now, lastChangeAt: now, timeline: [...order.timeline, entry(now, 'payment', actor, note)] };
  const paymentNode = order.nodes.find((n) => n.key === 'payment');
  if (full && paymentNode && paymentNode.actualAt === null && order.status === 'delivered') {
    const edit = (o: Order): Order => ({
      ...o,
      paidFen,
      nodes: withNode(o, 'payment', (n) => ({ ...n, actualAt: Math.min(input.receivedAt, now), by: actor, note: input.label.slice(0, 200) })),
    });
    const moved = statusChange(paid, actor, 'completed', now, { note: '回款完成', edit, account });
    return changeOf(order, moved.order, moved.effects);
  }
  return changeOf(order, paid, { account });
}

// --- exceptions and expediting --------------------------------------------------------------------

export interface ExceptionInput {
  /** The new record's id (made by the caller). */
  exceptionId: string;
  kind: ExceptionKind;
  severity: Severity;
  description: string;
  owner: string;
}

/** 登记异常 (staff): a new open exception record; the order counts it and says so on its timeline. */
export function openOrderException(order: Order, actor: Actor, input: ExceptionInput, now: number): OrderChange {
  requireStaffActor(actor);
  if (order.status === 'cancelled' || order.status === 'rejected') throw new DomainError('ILLEGAL_TRANSITION');
  const exception: OrderException = {
    _id: input.exceptionId,
    orderId: order._id,
    orderNo: order.orderNo,
    customerId: order.customerId,
    merchandiserId: order.merchandiserId,
    kind: input.kind,
    severity: input.severity,
    description: input.description,
    owner: input.owner || actor.name,
    status: 'open',
    resolution: '',
    openedBy: actor,
    openedAt: now,
    resolvedBy: null,
    resolvedAt: null,
  };
  const next: Order = {
    ...order,
    openExceptions: order.openExceptions + 1,
    updatedAt: now,
    lastChangeAt: now,
    timeline: [...order.timeline, entry(now, 'exception', actor, `${EXCEPTION_KIND_LABELS[input.kind]}：${input.description}`)],
  };
  return changeOf(order, next, { exception: { op: 'insert', exception } });
}

/** 处理异常 (staff): the record is resolved; the order's open count drops. */
export function resolveOrderException(order: Order, exception: OrderException, actor: Actor, resolution: string, now: number): OrderChange {
  requireStaffActor(actor);
  if (exception.orderId !== order._id) throw new DomainError('EXCEPTION_NOT_FOUND');
  if (exception.status !== 'open') throw new DomainError('EXCEPTION_ALREADY_RESOLVED');
  const next: Order = {
    ...order,
    openExceptions: Math.max(0, order.openExceptions - 1),
    updatedAt: now,
    lastChangeAt: now,
    timeline: [...order.timeline, entry(now, 'exception', actor, `已处理（${EXCEPTION_KIND_LABELS[exception.kind]}）：${resolution}`)],
  };
  const resolved: OrderException = { ...exception, status: 'resolved', resolution, resolvedBy: actor, resolvedAt: now };
  return changeOf(order, next, { exception: { op: 'resolve', exception: resolved } });
}

/**
 * 催单 (staff, open orders only): a chase on the timeline; expediteCount goes up. It is not
 * progress, so lastChangeAt (the stuck warning) is left alone.
 */
export function expediteOrder(order: Order, actor: Actor, note: string, now: number): OrderChange {
  requireStaffActor(actor);
  if (!OPEN_STATUSES.includes(order.status)) throw new DomainError('ILLEGAL_TRANSITION');
  const next: Order = {
    ...order,
    expediteCount: order.expediteCount + 1,
    updatedAt: now,
    timeline: [...order.timeline, entry(now, 'expedite', actor, `催单：${note}`)],
  };
  return changeOf(order, next);
}

// --- the reservation timer ---------------------------------------------------------------------

/**
 * Releases the stock of an order still unconfirmed past its reservation deadline, or null when
 * the order is not such an order (any more). The order stays submitted: the merchandiser may
 * still confirm it, which reserves again if the stock allows.
 */
export function releaseOrderReservation(order: Order, now: number): OrderChange | null {
  if (order.status !== 'submitted' || order.reservation.state !== 'held' || order.reservation.expiresAt > now) return null;
  const next: Order = {
    ...order,
    reservation: { ...order.reservation, state: 'released' },
    updatedAt: now,
    timeline: [...order.timeline, entry(now, 'note', SYSTEM_ACTOR, '超时未审核，已释放预占库存')],
  };
  return changeOf(order, next, { stock: stockEffects(order, release) });
}

// --- after-sales -----------------------------------------------------------------------------

export interface AfterSalesInput {
  requestId: string;
  kind: AfterSalesKind;
  description: string;
}

/** 申请售后 (once the goods have left): a new open request; the order's timeline says so. */
export function requestOrderAfterSales(order: Order, actor: Actor, input: AfterSalesInput, now: number): OrderChange {
  if (!canRequestAfterSales(order.status)) throw new DomainError('AFTER_SALES_NOT_ALLOWED');
  const request: AfterSalesRequest = {
    _id: input.requestId,
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
  const next: Order = {
    ...order,
    updatedAt: now,
    timeline: [...order.timeline, entry(now, 'after_sales', actor, `申请售后：${input.description.slice(0, 60)}`)],
  };
  return changeOf(order, next, { afterSales: { op: 'insert', request } });
}

/** Staff move an after-sales request along AFTER_SALES_TRANSITIONS; the order's timeline says so. */
export function moveOrderAfterSales(
  order: Order,
  request: AfterSalesRequest,
  actor: Actor,
  input: { to: AfterSalesStatus; note: string },
  now: number,
): OrderChange {
  requireStaffActor(actor);
  if (request.orderId !== order._id) throw new DomainError('NOT_FOUND');
  if (!canMoveAfterSales(request.status, input.to)) throw new DomainError('ILLEGAL_TRANSITION');
  const moved: AfterSalesRequest = {
    ...request,
    status: input.to,
    history: [...request.history, { at: now, status: input.to, by: actor, note: input.note }],
  };
  const label = AFTER_SALES_STATUS_LABELS[input.to];
  const next: Order = {
    ...order,
    updatedAt: now,
    timeline: [...order.timeline, entry(now, 'after_sales', actor, input.note ? `售后${label}：${input.note}` : `售后${label}`)],
  };
  return changeOf(order, next, { afterSales: { op: 'move', request: moved } });
}
