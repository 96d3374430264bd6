/**
 * Pure rules of the 跟单 (order following) tab: which today-buckets an order falls into and in
 * what order they are listed, the review plan (交期 and node planned dates) with the
 * merchandiser's overrides, which progress node may be recorded now and what status it moves the
 * order to, the actual date of a node, the customer-notification label, after-sales moves and a
 * customer's month totals.
 */
import { AFTER_SALES_TRANSITIONS, type AfterSalesStatus } from './afterSales';
import { DomainError } from './errors';
import { LIVE_STATUSES, findTransition, type OrderStatus } from './orderStatus';
import { defaultPlan, NODE_KEYS, NODE_LABELS, statusImpliedByNode, type NodeKey } from './progress';
import { addDays, businessDate, startOfBusinessDate, type BusinessDate } from './time';
import { bucketsOf, orderWarnings, TODAY_BUCKETS, type TodayBucket, type WarningInput } from './warnings';

// --- today buckets -------------------------------------------------------------------------

export interface BucketableOrder extends WarningInput {
  _id: string;
  createdAt: number;
}

function byNumber<T>(key: (o: T) => number): (a: T, b: T) => number {
  return (a, b) => key(a) - key(b);
}

function dueKey(o: { dueDate: string | null }): number {
  return o.dueDate ? startOfBusinessDate(o.dueDate) : Number.MAX_SAFE_INTEGER;
}

/**
 * How each bucket's list is ordered: the most urgent first. Overdue and due-soon by due date
 * (oldest due first), stuck by the oldest last change, awaiting review by the oldest submission,
 * exceptions by the most exceptions, then the oldest last change.
 */
const BUCKET_SORT: Record<TodayBucket, (a: BucketableOrder, b: BucketableOrder) => number> = {
  overdue: (a, b) => dueKey(a) - dueKey(b) || a.createdAt - b.createdAt,
  dueSoon: (a, b) => dueKey(a) - dueKey(b) || a.createdAt - b.createdAt,
  stuck: byNumber((o) => o.lastChangeAt),
  awaitingReview: byNumber((o) => o.createdAt),
  exceptions: (a, b) => b.openExceptions - a.openExceptions || a.lastChangeAt - b.lastChangeAt,
};

/** Every order in each today-bucket it belongs to, each bucket sorted most urgent first. */
export function classifyOrders<T extends BucketableOrder>(
  orders: readonly T[],
  now: number,
  opts: { stuckAfterDays?: number } = {},
): Record<TodayBucket, T[]> {
  const out = Object.fromEntries(TODAY_BUCKETS.map((b) => [b, [] as T[]])) as Record<TodayBucket, T[]>;
  for (const o of orders) {
    for (const b of bucketsOf(orderWarnings(o, now, opts))) out[b].push(o);
  }
  for (const b of TODAY_BUCKETS) out[b].sort((x, y) => BUCKET_SORT[b](x, y) || (x._id < y._id ? -1 : x._id > y._id ? 1 : 0));
  return out;
}

// --- review plan ---------------------------------------------------------------------------

export interface ReviewPlan {
  dueDate: BusinessDate;
  planned: Record<NodeKey, BusinessDate>;
}

export interface PlanOverrides {
  dueDate?: BusinessDate | undefined;
  planned?: Partial<Record<NodeKey, BusinessDate>> | undefined;
}

function minDate(a: BusinessDate, b: BusinessDate): BusinessDate {
  return a < b ? a : b;
}
function maxDate(a: BusinessDate, b: BusinessDate): BusinessDate {
  return a > b ? a : b;
}

/** The longest lead time of an order's SKUs (missing SKUs count as the default 3 days). */
export function orderLeadTimeDays(leadTimes: readonly (number | undefined)[]): number {
  return leadTimes.reduce<number>((m, d) => Math.max(m, d ?? 3), 0) || 3;
}

/**
 * The plan set on confirming an order: the defaults from the lead time (progress.defaultPlan),
 * then the merchandiser's due date (the later nodes follow it: shipment on the due date, QC the
 * day before, delivery 2 days and payment 32 days after), then any node date set by hand.
 * A due date or a planned date (after 接单) before the review date is refused.
 */
export function reviewPlan(
  reviewDate: BusinessDate,
  leadTimeDays: number,
  requestedDate: BusinessDate | null,
  overrides: PlanOverrides = {},
): ReviewPlan {
  const base = defaultPlan(reviewDate, leadTimeDays, requestedDate);
  const planned = { ...base.planned };
  const dueDate = overrides.dueDate ?? base.dueDate;
  if (dueDate < reviewDate) throw new DomainError('DUE_DATE_INVALID', undefined, { dueDate, reviewDate });
  if (dueDate !== base.dueDate) {
    const qc = maxDate(reviewDate, addDays(dueDate, -1));
    const production = minDate(base.planned.production, qc);
    Object.assign(planned, {
      materials: minDate(base.planned.materials, production),
      production,
      qc,
      shipment: dueDate,
      delivery: addDays(dueDate, 2),
      payment: addDays(dueDate, 32),
    });
  }
  for (const key of NODE_KEYS) {
    const date = overrides.planned?.[key];
    if (date === undefined) continue;
    if (key !== 'intake' && date < reviewDate) {
      throw new DomainError('PLAN_INVALID', `${NODE_LABELS[key]}的计划日期不能早于审单日期`, { node: key, date, reviewDate });
    }
    planned[key] = date;
  }
  return { dueDate, planned };
}

// --- advancing a node ----------------------------------------------------------------------

/** Statuses in which each node may be recorded (intake and review are recorded by submit/review). */
const NODE_ALLOWED_IN: Record<NodeKey, readonly OrderStatus[]> = {
  intake: [],
  review: [],
  materials: ['confirmed', 'in_production', 'ready_to_ship'],
  production: ['confirmed', 'in_production', 'ready_to_ship'],
  qc: ['confirmed', 'in_production', 'ready_to_ship'],
  shipment: ['ready_to_ship', 'shipped', 'delivered', 'completed'],
  delivery: ['shipped', 'delivered', 'completed'],
  payment: ['delivered', 'completed'],
};

/** What must happen before a node, when the order is not far enough yet. */
const NODE_PREREQUISITE: Partial<Record<NodeKey, string>> = {
  shipment: '请先完成质检节点',
  delivery: '请先完成出货节点',
  payment: '请先完成签收节点',
};

export interface NodeAdvanceInput {
  status: OrderStatus;
  madeToOrder: boolean;
  nodes: readonly { key: NodeKey; actualAt: number | null }[];
}

/**
 * May `key` be recorded now, and which status does it move the order to (null: none)? Throws a
 * DomainError saying why not. The implied move is always a legal transition of the table.
 */
export function checkNodeAdvance(order: NodeAdvanceInput, key: NodeKey): { to: OrderStatus | null } {
  if (key === 'intake' || key === 'review') {
    throw new DomainError('NODE_INVALID', key === 'intake' ? '接单节点在下单时自动完成' : '审单节点请通过审单完成');
  }
  const node = order.nodes.find((n) => n.key === key);
  if (!node) throw new DomainError('NODE_INVALID');
  if (node.actualAt !== null) throw new DomainError('NODE_ALREADY_DONE', `${NODE_LABELS[key]}节点已完成`);
  if (!NODE_ALLOWED_IN[key].includes(order.status)) {
    if (order.status === 'submitted') throw new DomainError('NODE_OUT_OF_ORDER', '订单还未审核，请先审单');
    if (order.status === 'cancelled' || order.status === 'rejected') throw new DomainError('ILLEGAL_TRANSITION');
    throw new DomainError('NODE_OUT_OF_ORDER', NODE_PREREQUISITE[key] ?? undefined);
  }
  const to = statusImpliedByNode(key, order.status, order.madeToOrder);
  if (to !== null && !findTransition(order.status, to)) throw new DomainError('ILLEGAL_TRANSITION');
  return { to };
}

/** Nodes that may be recorded now, in node order. */
export function advanceableNodes(order: NodeAdvanceInput): NodeKey[] {
  return NODE_KEYS.filter((key) => {
    try {
      checkNodeAdvance(order, key);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The instant recorded as a node's actual time: now when the date is today (or not given), noon
 * Shanghai of an earlier date, never a future date.
 */
export function nodeActualAt(actualDate: BusinessDate | null | undefined, now: number): number {
  const today = businessDate(now);
  if (!actualDate || actualDate === today) return now;
  if (actualDate > today) throw new DomainError('DATE_IN_FUTURE');
  return startOfBusinessDate(actualDate) + 12 * 3600_000;
}

// --- notification label --------------------------------------------------------------------

export type NotificationTone = 'ok' | 'pending' | 'fail' | 'none';

/** What the merchandiser sees of the customer's last status message. */
export function notificationLabel(n: { status: string } | null | undefined): { text: string; tone: NotificationTone } {
  switch (n?.status) {
    case 'sent':
      return { text: '客户已通知', tone: 'ok' };
    case 'pending':
    case 'sending':
      return { text: '通知发送中', tone: 'pending' };
    case 'failed':
      return { text: '通知失败', tone: 'fail' };
    case 'no_quota':
      return { text: '未通知（客户未订阅）', tone: 'none' };
    default:
      return { text: '未通知', tone: 'none' };
  }
}

// --- after-sales -----------------------------------------------------------------------------

export function canMoveAfterSales(from: AfterSalesStatus, to: AfterSalesStatus): boolean {
  return AFTER_SALES_TRANSITIONS[from].includes(to);
}

// --- a customer's month --------------------------------------------------------------------

/** Ordered amount and count of a customer's live orders placed in `month` ('YYYY-MM', Shanghai). */
export function monthTotals(
  orders: readonly { status: OrderStatus; createdMonth: string; totalFen: number }[],
  month: string,
): { totalFen: number; count: number } {
  let totalFen = 0;
  let count = 0;
  for (const o of orders) {
    if (o.createdMonth !== month || !LIVE_STATUSES.includes(o.status)) continue;
    totalFen += o.totalFen;
    count += 1;
  }
  return { totalFen, count };
}

// --- what the customer sees of the timeline ---------------------------------------------------

/** Timeline events that are the supplier's internal work (exceptions, chases), not for customers. */
export const INTERNAL_TIMELINE_EVENTS: readonly string[] = ['exception', 'expedite'];

/** The timeline as the customer sees it: without the merchandiser's internal entries. */
export function customerTimeline<T extends { event: string }>(timeline: readonly T[]): T[] {
  return timeline.filter((t) => !INTERNAL_TIMELINE_EVENTS.includes(t.event));
}
