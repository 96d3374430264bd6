/**
 * The today buckets as the app shows them. Copies of shared/warnings.ts labels (importing shared
 * values would pull zod into the bundle); kept equal by miniprogram/test/weapp/followupLabels.test.ts.
 */
import type { TodayBucket } from '@dinghuo/shared/warnings';

export const BUCKETS: readonly TodayBucket[] = ['overdue', 'dueSoon', 'stuck', 'awaitingReview', 'exceptions'];

export const BUCKET_LABELS: Record<TodayBucket, string> = {
  overdue: '已逾期',
  dueSoon: '3天内到期',
  stuck: '停滞未动',
  awaitingReview: '待审核',
  exceptions: '有异常',
};

export function dueText(daysToDue: number | null): string {
  if (daysToDue === null) return '未定交期';
  if (daysToDue < 0) return `逾期${-daysToDue}天`;
  if (daysToDue === 0) return '今天到期';
  return `${daysToDue}天后到期`;
}
