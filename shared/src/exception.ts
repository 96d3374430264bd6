import { z } from 'zod';
import { Actor, Id, Timestamp } from './ids';

export const ExceptionKind = z.enum(['material_short', 'qc_failed', 'delay', 'customer_change', 'other']);
export type ExceptionKind = z.infer<typeof ExceptionKind>;

export const EXCEPTION_KIND_LABELS: Record<ExceptionKind, string> = {
  material_short: '缺料',
  qc_failed: '质检不合格',
  delay: '延期',
  customer_change: '客户变更',
  other: '其他',
};

export const Severity = z.enum(['low', 'medium', 'high']);
export type Severity = z.infer<typeof Severity>;
export const SEVERITY_LABELS: Record<Severity, string> = { low: '一般', medium: '较重', high: '严重' };

export const OrderException = z.object({
  _id: Id,
  orderId: Id,
  orderNo: z.string(),
  customerId: Id,
  merchandiserId: Id,
  kind: ExceptionKind,
  severity: Severity,
  description: z.string().min(1).max(200),
  /** Who is to solve it (a name; free text on a phone). */
  owner: z.string().max(20),
  status: z.enum(['open', 'resolved']),
  resolution: z.string().max(200).default(''),
  openedBy: Actor,
  openedAt: Timestamp,
  resolvedBy: Actor.nullable().default(null),
  resolvedAt: Timestamp.nullable().default(null),
});
export type OrderException = z.infer<typeof OrderException>;
