/**
 * Enum values and labels of progress nodes and exceptions (the 跟单 pages), with no zod and no
 * runtime import (see labels.ts); progress.ts and exception.ts build their zod enums from these
 * lists and re-export them.
 */

/** 跟单节点, in order. */
export const NODE_KEYS = ['intake', 'review', 'materials', 'production', 'qc', 'shipment', 'delivery', 'payment'] as const;
export type NodeKey = (typeof NODE_KEYS)[number];

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

export const EXCEPTION_KINDS = ['material_short', 'qc_failed', 'delay', 'customer_change', 'other'] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

export const EXCEPTION_KIND_LABELS: Record<ExceptionKind, string> = {
  material_short: '缺料',
  qc_failed: '质检不合格',
  delay: '延期',
  customer_change: '客户变更',
  other: '其他',
};

export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const SEVERITY_LABELS: Record<Severity, string> = { low: '一般', medium: '较重', high: '严重' };
