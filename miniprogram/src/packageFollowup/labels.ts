/**
 * Labels of the 跟单 pages. Copies of shared/progress.ts and shared/exception.ts (importing shared
 * values would pull zod into the bundle); kept equal by miniprogram/test/weapp/followupLabels.test.ts.
 */
import type { NodeKey } from '@dinghuo/shared/progress';
import type { ExceptionKind, Severity } from '@dinghuo/shared/exception';
import type { AfterSalesStatus } from '@dinghuo/shared/afterSales';

export const NODE_KEYS: readonly NodeKey[] = ['intake', 'review', 'materials', 'production', 'qc', 'shipment', 'delivery', 'payment'];

export const NODE_LABELS: Record<NodeKey, string> = {
  intake: '接单',
  review: '审单',
  materials: '备料',
  production: '生产',
  qc: '质检',
  shipment: '出货',
  delivery: '签收',
  payment: '回款',
};

export const EXCEPTION_KINDS: readonly ExceptionKind[] = ['material_short', 'qc_failed', 'delay', 'customer_change', 'other'];

export const EXCEPTION_KIND_LABELS: Record<ExceptionKind, string> = {
  material_short: '缺料',
  qc_failed: '质检不合格',
  delay: '延期',
  customer_change: '客户变更',
  other: '其他',
};

export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high'];
export const SEVERITY_LABELS: Record<Severity, string> = { low: '一般', medium: '较重', high: '严重' };

/** Copy of shared AFTER_SALES_TRANSITIONS. */
export const AFTER_SALES_MOVES: Record<AfterSalesStatus, AfterSalesStatus[]> = {
  open: ['accepted', 'rejected'],
  accepted: ['resolved'],
  rejected: [],
  resolved: [],
};
