/**
 * Enum values and Chinese display labels of order statuses and the today buckets, with no zod and
 * no other runtime import: the mini-program imports them from here (zod must stay out of its
 * bundle), and the schema modules (orderStatus.ts, warnings.ts) build their zod enums from these
 * lists and re-export them, so there is one copy. Labels only subpackage pages show live in their
 * own zod-free modules (afterSalesLabels.ts, followupLabels.ts), so the main package does not
 * carry them.
 */

/** Who a signed-in user is (ids.ts builds the zod enum from this list). */
export const ROLES = ['customer', 'merchandiser', 'admin'] as const;
export type RoleName = (typeof ROLES)[number];
export const ROLE_LABELS: Record<RoleName, string> = {
  customer: '客户',
  merchandiser: '跟单员',
  admin: '管理员',
};

export const ORDER_STATUSES = [
  'submitted',
  'confirmed',
  'in_production',
  'ready_to_ship',
  'shipped',
  'delivered',
  'completed',
  'cancelled',
  'rejected',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  submitted: '待审核',
  confirmed: '已确认',
  in_production: '生产中',
  ready_to_ship: '待发货',
  shipped: '已发货',
  delivered: '已签收',
  completed: '已完成',
  cancelled: '已取消',
  rejected: '已驳回',
};

/** The merchandiser's today buckets (shared/warnings.ts sorts orders into them). */
export type TodayBucket = 'overdue' | 'dueSoon' | 'stuck' | 'awaitingReview' | 'exceptions';
export const TODAY_BUCKETS: readonly TodayBucket[] = ['overdue', 'dueSoon', 'stuck', 'awaitingReview', 'exceptions'];
export const TODAY_BUCKET_LABELS: Record<TodayBucket, string> = {
  overdue: '已逾期',
  dueSoon: '3天内到期',
  stuck: '停滞未动',
  awaitingReview: '待审核',
  exceptions: '有异常',
};

/** What can happen on an order's timeline. */
export const TIMELINE_EVENTS = ['status', 'node', 'exception', 'expedite', 'note', 'payment', 'after_sales', 'shipment', 'change'] as const;
export type TimelineEvent = (typeof TIMELINE_EVENTS)[number];

export const TIMELINE_EVENT_LABELS: Record<TimelineEvent, string> = {
  status: '状态',
  node: '跟单进度',
  exception: '异常',
  expedite: '催单',
  note: '备注',
  payment: '回款',
  after_sales: '售后',
  shipment: '发货',
  change: '改单',
};

/** A timeline entry's headline: the new status for a status change, else the kind of event. */
export function timelineLabel(entry: { event: TimelineEvent; status?: OrderStatus | undefined }): string {
  return entry.event === 'status' && entry.status ? ORDER_STATUS_LABELS[entry.status] : TIMELINE_EVENT_LABELS[entry.event];
}
