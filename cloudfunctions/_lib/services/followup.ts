/**
 * The merchandiser's 跟单 work on top of the Store: the today view and bucket lists, review
 * (confirm with a plan, or reject), recording progress nodes (moving the order's status where a
 * node implies it, through the same transition code as every status change, so the customer's
 * message job is written in the same transaction), exceptions, expediting, orders taken by phone,
 * customers and after-sales moves. The rules are in shared/ (followup.ts, warnings.ts,
 * progress.ts, and every change to an order in orderAggregate.ts); this file reads, checks scope,
 * and applies what the aggregate decided.
 *
 * Scope: a merchandiser sees only orders and customers whose merchandiserId is its staff id; an
 * admin sees all. Anything outside the scope is reported as NOT_FOUND.
 */
import { randomBytes } from 'node:crypto';
import {
  advanceableNodes,
  businessDate,
  businessMonth,
  DEFAULT_LEVEL_NAME,
  classifyOrders,
  confirmOrder,
  DomainError,
  expediteOrder,
  monthTotals,
  moveOrderAfterSales,
  notificationLabel,
  OPEN_STATUSES,
  openOrderException,
  orderLeadTimeDays,
  orderWarnings,
  bucketsOf,
  recordOrderNode,
  rejectOrder,
  resolveOrderException,
  reviewPlan,
  TODAY_BUCKETS,
  type AfterSalesRequest,
  type Caller,
  type Customer,
  type CustomerBrief,
  type CustomerView,
  type FollowDetail,
  type FollowItem,
  type NodeKey,
  type Order,
  type OrderException,
  type OrderStatus,
  type Page,
  type TodayBucket,
  type TodayView,
  type ExceptionKind,
  type Severity,
  type AfterSalesStatus,
} from '@dinghuo/shared';
import { findAll, type Filter, type Store } from '../data/store';
import type { AppConfig } from '../config';
import { requireStaff } from '../identity';
import {
  actorOf,
  canAccessOrder,
  listOrders,
  loadOrderFor,
  orderDetail,
  submitOrder,
  toSummary,
  updateOrder,
  type SubmitRequest,
} from './orders';
import { applyOrderChange } from './orderEffects';
import { outstandingOf } from './counters';

type StaffCaller = Extract<Caller, { kind: 'merchandiser' | 'admin' }>;

/** The documents a staff caller may see: its own customers' (merchandiser) or all (admin). */
export function staffScope(caller: Caller): Filter {
  const staff = requireStaff(caller);
  return staff.kind === 'admin' ? {} : { merchandiserId: staff.staffId };
}

function inScope(caller: StaffCaller, doc: { merchandiserId: string }): boolean {
  return caller.kind === 'admin' || doc.merchandiserId === caller.staffId;
}

function newId(prefix: string, now: number): string {
  return `${prefix}_${now.toString(36)}${randomBytes(5).toString('hex')}`;
}

// --- lists -------------------------------------------------------------------------------------

export function toFollowItem(o: Order, now: number, stuckAfterDays: number): FollowItem {
  const w = orderWarnings(o, now, { stuckAfterDays });
  return {
    ...toSummary(o),
    customerId: o.customerId,
    daysToDue: w.daysToDue,
    lastChangeAt: o.lastChangeAt,
    openExceptions: o.openExceptions,
    expediteCount: o.expediteCount,
    buckets: bucketsOf(w),
    nextNode: o.nodes.find((n) => n.actualAt === null)?.key ?? null,
  };
}

/** Orders that can be in a today-bucket: open ones, and any with an open exception. */
async function bucketCandidates(store: Store, caller: Caller): Promise<Order[]> {
  const filter: Filter = {
    ...staffScope(caller),
    $or: [{ status: { $in: [...OPEN_STATUSES] } }, { openExceptions: { $gt: 0 } }],
  };
  return findAll(store, 'orders', filter, [['createdAt', 'asc']]);
}

export const TODAY_PREVIEW = 5;

export async function todayView(store: Store, caller: Caller, now: number, config: AppConfig): Promise<TodayView> {
  const orders = await bucketCandidates(store, caller);
  const buckets = classifyOrders(orders, now, { stuckAfterDays: config.stuckAfterDays });
  const counts = {} as Record<TodayBucket, number>;
  const previews = {} as Record<TodayBucket, FollowItem[]>;
  for (const b of TODAY_BUCKETS) {
    counts[b] = buckets[b].length;
    previews[b] = buckets[b].slice(0, TODAY_PREVIEW).map((o) => toFollowItem(o, now, config.stuckAfterDays));
  }
  return { date: businessDate(now), stuckAfterDays: config.stuckAfterDays, counts, previews };
}

export async function listFollow(
  store: Store,
  caller: Caller,
  input: { bucket?: TodayBucket | undefined; status?: OrderStatus | undefined; customerId?: string | undefined; page: number; pageSize: number },
  now: number,
  config: AppConfig,
): Promise<Page<FollowItem>> {
  const skip = (input.page - 1) * input.pageSize;
  if (input.bucket) {
    let orders = await bucketCandidates(store, caller);
    if (input.customerId) orders = orders.filter((o) => o.customerId === input.customerId);
    if (input.status) orders = orders.filter((o) => o.status === input.status);
    const all = classifyOrders(orders, now, { stuckAfterDays: config.stuckAfterDays })[input.bucket];
    const items = all.slice(skip, skip + input.pageSize).map((o) => toFollowItem(o, now, config.stuckAfterDays));
    return { items, page: input.page, pageSize: input.pageSize, total: all.length, hasMore: skip + items.length < all.length };
  }
  const filter: Filter = { ...staffScope(caller) };
  if (input.status) filter.status = input.status;
  if (input.customerId) filter.customerId = input.customerId;
  const [orders, total] = await Promise.all([
    store.find('orders', filter, { orderBy: [['createdAt', 'desc']], skip, limit: input.pageSize }),
    store.count('orders', filter),
  ]);
  const items = orders.map((o) => toFollowItem(o, now, config.stuckAfterDays));
  return { items, page: input.page, pageSize: input.pageSize, total, hasMore: skip + items.length < total };
}

// --- detail ------------------------------------------------------------------------------------

async function leadTimeOf(store: Store, order: Order): Promise<number> {
  const skus = await store.getMany('skus', [...new Set(order.lines.map((l) => l.skuId))]);
  const byId = new Map(skus.map((s) => [s._id, s.leadTimeDays]));
  return orderLeadTimeDays(order.lines.map((l) => byId.get(l.skuId)));
}

export async function followDetail(store: Store, caller: Caller, order: Order, now: number, config: AppConfig): Promise<FollowDetail> {
  requireStaff(caller);
  const [base, exceptions] = await Promise.all([
    orderDetail(store, caller, order),
    store.find('exceptions', { orderId: order._id }, { orderBy: [['openedAt', 'desc']], limit: 100 }),
  ]);
  const warnings = orderWarnings(order, now, { stuckAfterDays: config.stuckAfterDays });
  let suggestedPlan: FollowDetail['suggestedPlan'] = null;
  if (order.status === 'submitted') {
    const leadTimeDays = await leadTimeOf(store, order);
    const plan = reviewPlan(businessDate(now), leadTimeDays, order.requestedDate);
    suggestedPlan = { ...plan, leadTimeDays };
  }
  return {
    ...base,
    warnings,
    buckets: bucketsOf(warnings),
    exceptions,
    advanceable: advanceableNodes(order),
    suggestedPlan,
    notificationLabel: notificationLabel(order.notification),
  };
}

export async function loadFollowDetail(store: Store, caller: Caller, orderId: string, now: number, config: AppConfig) {
  requireStaff(caller);
  return followDetail(store, caller, await loadOrderFor(store, caller, orderId), now, config);
}

// --- review ------------------------------------------------------------------------------------

export type ReviewDecision =
  | { decision: 'confirm'; orderId: string; dueDate?: string | undefined; planned?: Partial<Record<NodeKey, string>> | undefined; note: string }
  | { decision: 'reject'; orderId: string; reason: string };

/**
 * 审单. Confirm: the 交期 and the nodes' planned dates (defaults from the lead times, overridden
 * by the merchandiser) and the 审单 node are written with the status change in one transaction
 * (a reservation the timer released is taken again, or the confirm fails OUT_OF_STOCK).
 * Reject: with a reason, releasing the stock.
 */
export async function review(store: Store, caller: Caller, input: ReviewDecision, now: number): Promise<Order> {
  requireStaff(caller);
  const actor = actorOf(caller);
  if (input.decision === 'reject') {
    return (await updateOrder(store, caller, input.orderId, (o) => rejectOrder(o, actor, input.reason, now))).order;
  }
  const leadTimeDays = await leadTimeOf(store, await loadOrderFor(store, caller, input.orderId));
  const confirm = { leadTimeDays, dueDate: input.dueDate, planned: input.planned, note: input.note };
  return (await updateOrder(store, caller, input.orderId, (o) => confirmOrder(o, actor, confirm, now))).order;
}

// --- nodes -------------------------------------------------------------------------------------

export interface AdvanceInput {
  orderId: string;
  node: NodeKey;
  actualDate: string | null;
  note: string;
  photoUrl: string | null;
}

/**
 * Records a node as done (recordOrderNode: the status it implies moves with it, stock consumed on
 * shipment, the customer's message job; 回款 records the payment), in one transaction.
 */
export async function advanceNode(store: Store, caller: Caller, input: AdvanceInput, now: number): Promise<Order> {
  const staff = requireStaff(caller);
  const actor = actorOf(caller);
  const { orderId, ...node } = input;
  return (await updateOrder(store, staff, orderId, (o) => recordOrderNode(o, actor, node, now))).order;
}

// --- exceptions ----------------------------------------------------------------------------

export async function logException(
  store: Store,
  caller: Caller,
  input: { orderId: string; kind: ExceptionKind; severity: Severity; description: string; owner: string },
  now: number,
): Promise<{ order: Order; exception: OrderException }> {
  const staff = requireStaff(caller);
  const actor = actorOf(caller);
  const { orderId, ...rest } = input;
  const change = await updateOrder(store, staff, orderId, (o) => openOrderException(o, actor, { exceptionId: newId('ex', now), ...rest }, now));
  return { order: change.order, exception: change.effects.exception!.exception };
}

export async function resolveException(
  store: Store,
  caller: Caller,
  input: { exceptionId: string; resolution: string },
  now: number,
): Promise<Order> {
  const staff = requireStaff(caller);
  const actor = actorOf(caller);
  return store.transaction(async (tx) => {
    const ex = await tx.get('exceptions', input.exceptionId);
    if (!ex || !inScope(staff, ex)) throw new DomainError('EXCEPTION_NOT_FOUND');
    const order = await tx.get('orders', ex.orderId);
    if (!order || !canAccessOrder(staff, order)) throw new DomainError('EXCEPTION_NOT_FOUND');
    const change = resolveOrderException(order, ex, actor, input.resolution, now);
    await applyOrderChange(tx, change);
    return change.order;
  });
}

export async function listExceptions(
  store: Store,
  caller: Caller,
  input: { status: 'open' | 'resolved'; orderId?: string | undefined; page: number; pageSize: number },
): Promise<Page<OrderException>> {
  const filter: Filter = { ...staffScope(caller), status: input.status };
  if (input.orderId) filter.orderId = input.orderId;
  const skip = (input.page - 1) * input.pageSize;
  const [items, total] = await Promise.all([
    store.find('exceptions', filter, { orderBy: [['openedAt', input.status === 'open' ? 'asc' : 'desc']], skip, limit: input.pageSize }),
    store.count('exceptions', filter),
  ]);
  return { items, page: input.page, pageSize: input.pageSize, total, hasMore: skip + items.length < total };
}

// --- expedite ------------------------------------------------------------------------------

/**
 * 催单: a chase recorded on the timeline; expediteCount goes up. It is not progress, so the
 * order's lastChangeAt (the stuck warning) is left alone.
 */
export async function expedite(store: Store, caller: Caller, input: { orderId: string; note: string }, now: number): Promise<Order> {
  const staff = requireStaff(caller);
  const actor = actorOf(caller);
  return (await updateOrder(store, staff, input.orderId, (o) => expediteOrder(o, actor, input.note, now))).order;
}

// --- customers -----------------------------------------------------------------------------

/** A customer in the caller's scope, or NOT_FOUND. */
export async function loadScopedCustomer(store: Store, caller: Caller, customerId: string): Promise<Customer> {
  const staff = requireStaff(caller);
  const customer = await store.get('customers', customerId);
  if (!customer || !inScope(staff, customer)) throw new DomainError('NOT_FOUND');
  return customer;
}

/**
 * Customers as the staff's lists show them: with their level's and merchandiser's names, what
 * they owe and how many open orders they have (one parallel round of reads; the back office's
 * customer rows add to these).
 */
export async function customerBriefs(store: Store, customers: readonly Customer[]): Promise<CustomerBrief[]> {
  const [levels, staff, outstanding, openCounts] = await Promise.all([
    store.getMany('levels', [...new Set(customers.map((c) => c.levelId))]),
    store.getMany('staff', [...new Set(customers.map((c) => c.merchandiserId))]),
    outstandingOf(store, customers.map((c) => c._id)),
    Promise.all(customers.map((c) => store.count('orders', { customerId: c._id, status: { $in: [...OPEN_STATUSES] } }))),
  ]);
  const levelName = new Map(levels.map((l) => [l._id, l.name]));
  const staffName = new Map(staff.map((s) => [s._id, s.name]));
  return customers.map((c, i) => ({
    _id: c._id,
    code: c.code,
    name: c.name,
    // A customer whose level is gone is priced at the default level: named so too.
    levelName: levelName.get(c.levelId) ?? DEFAULT_LEVEL_NAME,
    merchandiserId: c.merchandiserId,
    merchandiserName: staffName.get(c.merchandiserId) ?? '',
    creditLimitFen: c.creditLimitFen,
    outstandingFen: outstanding.get(c._id) ?? 0,
    openOrders: openCounts[i] ?? 0,
  }));
}

export async function listCustomers(
  store: Store,
  caller: Caller,
  input: { keyword?: string | undefined; page: number; pageSize: number },
): Promise<Page<CustomerBrief>> {
  const filter: Filter = { ...staffScope(caller), active: true };
  const keyword = input.keyword?.trim();
  if (keyword) filter.$or = [{ name: { $contains: keyword } }, { code: { $contains: keyword } }];
  const skip = (input.page - 1) * input.pageSize;
  const [customers, total] = await Promise.all([
    store.find('customers', filter, { orderBy: [['code', 'asc']], skip, limit: input.pageSize }),
    store.count('customers', filter),
  ]);
  const items = await customerBriefs(store, customers);
  return { items, page: input.page, pageSize: input.pageSize, total, hasMore: skip + items.length < total };
}

/** A customer's orders, what it ordered this month (Shanghai) and what it still owes. */
export async function customerView(
  store: Store,
  caller: Caller,
  input: { customerId: string; status?: OrderStatus | undefined; page: number; pageSize: number },
  now: number,
): Promise<CustomerView> {
  const customer = await loadScopedCustomer(store, caller, input.customerId);
  const month = businessMonth(now);
  const [[brief], monthOrders, orders] = await Promise.all([
    customerBriefs(store, [customer]),
    findAll(store, 'orders', { customerId: customer._id, createdMonth: month }),
    listOrders(store, { customerId: customer._id }, input),
  ]);
  const totals = monthTotals(monthOrders, month);
  return {
    customer: { ...brief!, addresses: customer.addresses },
    month,
    monthFen: totals.totalFen,
    monthOrders: totals.count,
    outstandingFen: brief!.outstandingFen,
    orders,
  };
}

/** 代下单: the merchandiser places an order for one of its customers, as the customer would. */
export async function placeOrderFor(
  store: Store,
  caller: Caller,
  input: SubmitRequest & { customerId: string },
  now: number,
  config: AppConfig,
): Promise<Order> {
  const customer = await loadScopedCustomer(store, caller, input.customerId);
  const { customerId: _c, ...req } = input;
  return submitOrder(store, customer._id, actorOf(caller), req, now, config);
}

// --- after-sales ---------------------------------------------------------------------------

export async function listAfterSales(
  store: Store,
  caller: Caller,
  input: { status?: AfterSalesStatus | undefined; page: number; pageSize: number },
): Promise<Page<AfterSalesRequest>> {
  const filter: Filter = { ...staffScope(caller) };
  if (input.status) filter.status = input.status;
  const skip = (input.page - 1) * input.pageSize;
  const [items, total] = await Promise.all([
    store.find('afterSales', filter, { orderBy: [['createdAt', 'desc']], skip, limit: input.pageSize }),
    store.count('afterSales', filter),
  ]);
  return { items, page: input.page, pageSize: input.pageSize, total, hasMore: skip + items.length < total };
}

/** Staff move an after-sales request along AFTER_SALES_TRANSITIONS; the order's timeline says so. */
export async function updateAfterSales(
  store: Store,
  caller: Caller,
  input: { requestId: string; to: AfterSalesStatus; note: string },
  now: number,
): Promise<AfterSalesRequest> {
  const staff = requireStaff(caller);
  const actor = actorOf(caller);
  return store.transaction(async (tx) => {
    const request = await tx.get('afterSales', input.requestId);
    if (!request || !inScope(staff, request)) throw new DomainError('NOT_FOUND');
    const order = await tx.get('orders', request.orderId);
    if (!order) throw new DomainError('NOT_FOUND');
    const change = moveOrderAfterSales(order, request, actor, input, now);
    await applyOrderChange(tx, change);
    return change.effects.afterSales!.request;
  });
}
