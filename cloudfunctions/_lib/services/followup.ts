/**
 * The merchandiser's 跟单 work on top of the Store: the today view and bucket lists, review
 * (confirm with a plan, or reject), recording progress nodes (moving the order's status where a
 * node implies it, through the same transition code as every status change, so the customer's
 * message job is written in the same transaction), exceptions, expediting, orders taken by phone,
 * customers and after-sales moves. The rules are in shared/ (followup.ts, warnings.ts,
 * progress.ts); this file reads, checks scope and writes.
 *
 * Scope: a merchandiser sees only orders and customers whose merchandiserId is its staff id; an
 * admin sees all. Anything outside the scope is reported as NOT_FOUND.
 */
import { randomBytes } from 'node:crypto';
import {
  advanceableNodes,
  businessDate,
  businessMonth,
  canMoveAfterSales,
  checkNodeAdvance,
  checkTransition,
  classifyOrders,
  DomainError,
  monthTotals,
  NODE_LABELS,
  nodeActualAt,
  notificationLabel,
  OPEN_STATUSES,
  orderLeadTimeDays,
  orderWarnings,
  bucketsOf,
  reviewPlan,
  TODAY_BUCKETS,
  EXCEPTION_KIND_LABELS,
  AFTER_SALES_STATUS_LABELS,
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
import { findAll, type Filter, type Store, type Tx } from '../data/store';
import type { AppConfig } from '../config';
import { requireStaff } from '../identity';
import {
  actorOf,
  applyTransition,
  canAccessOrder,
  changeStatus,
  listOrders,
  loadOrderFor,
  orderDetail,
  submitOrder,
  toSummary,
  type SubmitRequest,
} from './orders';
import { loadLevel } from './pricingData';
import { changeOutstanding, outstandingOf } from './counters';

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
    return changeStatus(store, caller, input.orderId, 'rejected', now, {
      note: input.reason,
      mutate: (o) => ({ ...o, nodes: o.nodes.map((n) => (n.key === 'review' ? { ...n, by: actor, note: `驳回：${input.reason}` } : n)) }),
    });
  }
  const order = await loadOrderFor(store, caller, input.orderId);
  if (order.status !== 'submitted') throw new DomainError('ILLEGAL_TRANSITION');
  const plan = reviewPlan(businessDate(now), await leadTimeOf(store, order), order.requestedDate, {
    dueDate: input.dueDate,
    planned: input.planned,
  });
  const note = input.note ? `审单通过，交期 ${plan.dueDate}；${input.note}` : `审单通过，交期 ${plan.dueDate}`;
  return changeStatus(store, caller, input.orderId, 'confirmed', now, {
    note,
    mutate: (o) => ({
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

// --- nodes -------------------------------------------------------------------------------------

export interface AdvanceInput {
  orderId: string;
  node: NodeKey;
  actualDate: string | null;
  note: string;
  photoUrl: string | null;
}

/**
 * Records a node as done. When the node implies a status (质检 → 待发货, 出货 → 已发货, 签收 →
 * 已签收, 回款 → 已完成, 生产 → 生产中 for make-to-order), the status moves in the same
 * transaction through applyTransition (stock consumed on shipment, the customer's message job
 * written). 回款 also records the payment: paidFen = totalFen and the customer's outstanding
 * amount drops by what was unpaid.
 */
export async function advanceNode(store: Store, caller: Caller, input: AdvanceInput, now: number): Promise<Order> {
  const staff = requireStaff(caller);
  const actor = actorOf(caller);
  const actualAt = nodeActualAt(input.actualDate, now);
  const label = NODE_LABELS[input.node];
  return store.transaction(async (tx) => {
    const order = await tx.get('orders', input.orderId);
    if (!order || !canAccessOrder(staff, order)) throw new DomainError('NOT_FOUND');
    const { to } = checkNodeAdvance(order, input.node);
    const note = input.note ? `${label}：${input.note}` : `${label}完成`;
    const markNode = (o: Order): Order => ({
      ...o,
      nodes: o.nodes.map((n) =>
        n.key === input.node ? { ...n, actualAt, by: actor, note: input.note, photoUrl: input.photoUrl ?? n.photoUrl } : n,
      ),
    });
    const pay = input.node === 'payment' ? await recordPayment(tx, order) : (o: Order) => o;
    if (to) {
      const check = checkTransition(order.status, to, staff.kind, { madeToOrder: order.madeToOrder });
      if (!check.ok) throw new DomainError(check.reason === 'role' ? 'FORBIDDEN' : 'ILLEGAL_TRANSITION');
      return applyTransition(tx, order, check.transition, actor, now, { note, mutate: (o) => pay(markNode(o)) });
    }
    const next = pay(
      markNode({
        ...order,
        updatedAt: now,
        lastChangeAt: now,
        timeline: [...order.timeline, { at: now, event: 'node', by: actor, note }],
      }),
    );
    await tx.set('orders', next);
    return next;
  });
}

/** 回款: the unpaid rest of the order is paid; the customer's outstanding amount drops by it. */
async function recordPayment(tx: Tx, order: Order): Promise<(o: Order) => Order> {
  const unpaid = Math.max(0, order.totalFen - order.paidFen);
  if (unpaid > 0) await changeOutstanding(tx, order.customerId, order._id, -unpaid);
  return (o) => ({ ...o, paidFen: o.totalFen });
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
  const id = newId('ex', now);
  return store.transaction(async (tx) => {
    const order = await tx.get('orders', input.orderId);
    if (!order || !canAccessOrder(staff, order)) throw new DomainError('NOT_FOUND');
    if (order.status === 'cancelled' || order.status === 'rejected') throw new DomainError('ILLEGAL_TRANSITION');
    const exception: OrderException = {
      _id: id,
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
    await tx.insert('exceptions', exception);
    const next: Order = {
      ...order,
      openExceptions: order.openExceptions + 1,
      updatedAt: now,
      lastChangeAt: now,
      timeline: [
        ...order.timeline,
        { at: now, event: 'exception', by: actor, note: `${EXCEPTION_KIND_LABELS[input.kind]}：${input.description}`.slice(0, 200) },
      ],
    };
    await tx.set('orders', next);
    return { order: next, exception };
  });
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
    if (ex.status !== 'open') throw new DomainError('EXCEPTION_ALREADY_RESOLVED');
    const order = await tx.get('orders', ex.orderId);
    if (!order || !canAccessOrder(staff, order)) throw new DomainError('EXCEPTION_NOT_FOUND');
    await tx.set('exceptions', { ...ex, status: 'resolved', resolution: input.resolution, resolvedBy: actor, resolvedAt: now });
    const next: Order = {
      ...order,
      openExceptions: Math.max(0, order.openExceptions - 1),
      updatedAt: now,
      lastChangeAt: now,
      timeline: [
        ...order.timeline,
        { at: now, event: 'exception', by: actor, note: `已处理（${EXCEPTION_KIND_LABELS[ex.kind]}）：${input.resolution}`.slice(0, 200) },
      ],
    };
    await tx.set('orders', next);
    return next;
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
  return store.transaction(async (tx) => {
    const order = await tx.get('orders', input.orderId);
    if (!order || !canAccessOrder(staff, order)) throw new DomainError('NOT_FOUND');
    if (!OPEN_STATUSES.includes(order.status)) throw new DomainError('ILLEGAL_TRANSITION');
    const next: Order = {
      ...order,
      expediteCount: order.expediteCount + 1,
      updatedAt: now,
      timeline: [...order.timeline, { at: now, event: 'expedite', by: actor, note: `催单：${input.note}`.slice(0, 200) }],
    };
    await tx.set('orders', next);
    return next;
  });
}

// --- customers -----------------------------------------------------------------------------

/** A customer in the caller's scope, or NOT_FOUND. */
export async function loadScopedCustomer(store: Store, caller: Caller, customerId: string): Promise<Customer> {
  const staff = requireStaff(caller);
  const customer = await store.get('customers', customerId);
  if (!customer || !inScope(staff, customer)) throw new DomainError('NOT_FOUND');
  return customer;
}

async function toBriefs(store: Store, customers: Customer[]): Promise<CustomerBrief[]> {
  const levelIds = [...new Set(customers.map((c) => c.levelId))];
  const staffIds = [...new Set(customers.map((c) => c.merchandiserId))];
  const [levels, staff, outstanding, openCounts] = await Promise.all([
    Promise.all(levelIds.map((id) => loadLevel(store, id))),
    store.getMany('staff', staffIds),
    outstandingOf(store, customers.map((c) => c._id)),
    Promise.all(customers.map((c) => store.count('orders', { customerId: c._id, status: { $in: [...OPEN_STATUSES] } }))),
  ]);
  const levelName = new Map(levels.map((l) => [l._id, l.name]));
  const staffName = new Map(staff.map((s) => [s._id, s.name]));
  return customers.map((c, i) => ({
    _id: c._id,
    code: c.code,
    name: c.name,
    levelName: levelName.get(c.levelId) ?? '',
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
  const items = await toBriefs(store, customers);
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
    toBriefs(store, [customer]),
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
    if (!canMoveAfterSales(request.status, input.to)) throw new DomainError('ILLEGAL_TRANSITION');
    const next: AfterSalesRequest = {
      ...request,
      status: input.to,
      history: [...request.history, { at: now, status: input.to, by: actor, note: input.note }],
    };
    await tx.set('afterSales', next);
    const order = await tx.get('orders', request.orderId);
    if (order) {
      const label = AFTER_SALES_STATUS_LABELS[input.to];
      await tx.set('orders', {
        ...order,
        updatedAt: now,
        timeline: [
          ...order.timeline,
          { at: now, event: 'after_sales', by: actor, note: (input.note ? `售后${label}：${input.note}` : `售后${label}`).slice(0, 200) },
        ],
      });
    }
    return next;
  });
}
