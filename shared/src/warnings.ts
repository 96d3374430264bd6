import type { OrderStatus } from './orderStatus';
import { OPEN_STATUSES } from './orderStatus';
import { businessDate, daysBetween, type BusinessDate } from './time';
import type { TodayBucket } from './labels';

export const DUE_SOON_DAYS = 3;
export const STUCK_AFTER_DAYS = 3;

export interface WarningInput {
  status: OrderStatus;
  dueDate: BusinessDate | null;
  lastChangeAt: number;
  openExceptions: number;
}

export interface OrderWarnings {
  overdue: boolean;
  dueSoon: boolean;
  stuck: boolean;
  awaitingReview: boolean;
  hasOpenExceptions: boolean;
  /** Days until the due date (negative when overdue), null without one. */
  daysToDue: number | null;
}

/**
 * Warnings for one order at an instant, by Shanghai calendar days: overdue when the due date is
 * before today; due soon when it is today or within the next DUE_SOON_DAYS days (weekends count);
 * stuck when an open order has not changed for STUCK_AFTER_DAYS calendar days.
 */
export function orderWarnings(order: WarningInput, now: number, opts: { stuckAfterDays?: number } = {}): OrderWarnings {
  const today = businessDate(now);
  const open = OPEN_STATUSES.includes(order.status);
  const daysToDue = order.dueDate ? daysBetween(today, order.dueDate) : null;
  const stuckDays = opts.stuckAfterDays ?? STUCK_AFTER_DAYS;
  return {
    overdue: open && daysToDue !== null && daysToDue < 0,
    dueSoon: open && daysToDue !== null && daysToDue >= 0 && daysToDue <= DUE_SOON_DAYS,
    stuck: open && daysBetween(businessDate(order.lastChangeAt), today) >= stuckDays,
    awaitingReview: order.status === 'submitted',
    hasOpenExceptions: order.openExceptions > 0,
    daysToDue,
  };
}

export { TODAY_BUCKETS, TODAY_BUCKET_LABELS, type TodayBucket } from './labels';

export function bucketsOf(w: OrderWarnings): TodayBucket[] {
  const out: TodayBucket[] = [];
  if (w.overdue) out.push('overdue');
  if (w.dueSoon) out.push('dueSoon');
  if (w.stuck) out.push('stuck');
  if (w.awaitingReview) out.push('awaitingReview');
  if (w.hasOpenExceptions) out.push('exceptions');
  return out;
}
