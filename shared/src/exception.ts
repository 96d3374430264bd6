import { z } from 'zod';
import { Actor, Id, Timestamp } from './ids';
import { EXCEPTION_KINDS, SEVERITIES } from './followupLabels';

export { EXCEPTION_KINDS, EXCEPTION_KIND_LABELS, SEVERITIES, SEVERITY_LABELS } from './followupLabels';

export const ExceptionKind = z.enum(EXCEPTION_KINDS);
export type ExceptionKind = z.infer<typeof ExceptionKind>;

export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

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
