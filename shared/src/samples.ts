/**
 * Samples (样品单): the customer (or his merchandiser) requests samples of SKUs, the merchandiser
 * sends them (courier, tracking number, courier cost), the customer approves or rejects them
 * (批板), and an approved sample becomes an order. One transition table; each move is a pure
 * function returning the fields it changes, which the service writes with a conditional update
 * on the status it moved from (so two concurrent moves cannot both apply).
 */
import { z } from 'zod';
import { Actor, Id, Timestamp, type Role } from './ids';
import { Fen } from './money';
import { DomainError } from './errors';
import { businessMonth } from './time';
import { SAMPLE_STATUS_LABELS } from './supplyLabels';

export const SAMPLE_STATUSES = ['requested', 'sent', 'approved', 'rejected', 'ordered', 'cancelled'] as const;
export const SampleStatus = z.enum(SAMPLE_STATUSES);
export type SampleStatus = z.infer<typeof SampleStatus>;

export { SAMPLE_STATUS_LABELS };

export type SampleAction = 'send' | 'approve' | 'reject' | 'order' | 'cancel';

/** The legal moves: from, to, and who may make them. */
export const SAMPLE_TRANSITIONS: Record<SampleAction, { from: SampleStatus[]; to: SampleStatus; roles: Role[] }> = {
  send: { from: ['requested'], to: 'sent', roles: ['merchandiser', 'admin'] },
  approve: { from: ['sent'], to: 'approved', roles: ['customer', 'merchandiser', 'admin'] },
  reject: { from: ['sent'], to: 'rejected', roles: ['customer', 'merchandiser', 'admin'] },
  order: { from: ['approved'], to: 'ordered', roles: ['customer', 'merchandiser', 'admin'] },
  cancel: { from: ['requested'], to: 'cancelled', roles: ['customer', 'merchandiser', 'admin'] },
};

export const SampleItem = z.object({
  skuId: Id,
  skuCode: z.string(),
  name: z.string(),
  spec: z.string(),
  baseUnit: z.string(),
  qty: z.number().int().min(1).max(1000),
});
export type SampleItem = z.infer<typeof SampleItem>;

export const Courier = z.object({
  company: z.string().min(1).max(20),
  trackingNo: z.string().min(1).max(40),
  costFen: Fen,
  sentAt: Timestamp,
  /** YYYY-MM of sentAt in Shanghai: the courier-cost register's month. */
  sentMonth: z.string(),
  sentBy: Actor,
});
export type Courier = z.infer<typeof Courier>;

export const SampleHistoryEntry = z.object({ at: Timestamp, status: SampleStatus, by: Actor, note: z.string().max(200) });

export const Sample = z.object({
  _id: Id,
  sampleNo: z.string(),
  customerId: Id,
  customerName: z.string(),
  customerCode: z.string(),
  merchandiserId: Id,
  items: z.array(SampleItem).min(1).max(20),
  note: z.string().max(200),
  status: SampleStatus,
  requestedBy: Actor,
  requestedAt: Timestamp,
  /** YYYY-MM of requestedAt in Shanghai: the samples register's month. */
  requestedMonth: z.string(),
  courier: Courier.nullable(),
  decision: z.object({ approved: z.boolean(), by: Actor, at: Timestamp, note: z.string().max(200) }).nullable(),
  orderId: Id.nullable(),
  history: z.array(SampleHistoryEntry),
  updatedAt: Timestamp,
});
export type Sample = z.infer<typeof Sample>;

export type SampleChanges = Partial<Pick<Sample, 'status' | 'courier' | 'decision' | 'orderId' | 'history' | 'updatedAt'>>;

export function newSample(
  input: { sampleId: string; sampleNo: string; customer: { _id: string; name: string; code: string; merchandiserId: string }; items: SampleItem[]; note: string },
  by: Actor,
  now: number,
): Sample {
  const skuIds = new Set(input.items.map((i) => i.skuId));
  if (skuIds.size !== input.items.length) throw new DomainError('DUPLICATE_LINE', '同一商品请合并为一行');
  return {
    _id: input.sampleId,
    sampleNo: input.sampleNo,
    customerId: input.customer._id,
    customerName: input.customer.name,
    customerCode: input.customer.code,
    merchandiserId: input.customer.merchandiserId,
    items: input.items,
    note: input.note,
    status: 'requested',
    requestedBy: by,
    requestedAt: now,
    requestedMonth: businessMonth(now),
    courier: null,
    decision: null,
    orderId: null,
    history: [{ at: now, status: 'requested', by, note: input.note }],
    updatedAt: now,
  };
}

function move(sample: Sample, action: SampleAction, by: Actor, note: string, now: number): SampleChanges {
  const t = SAMPLE_TRANSITIONS[action];
  if (by.role === 'system' || !t.roles.includes(by.role)) throw new DomainError('FORBIDDEN');
  if (!t.from.includes(sample.status)) {
    throw new DomainError('SAMPLE_ILLEGAL_TRANSITION', `样品单${SAMPLE_STATUS_LABELS[sample.status]}，不能${ACTION_LABELS[action]}`, {
      status: sample.status,
      action,
    });
  }
  return { status: t.to, history: [...sample.history, { at: now, status: t.to, by, note }], updatedAt: now };
}

const ACTION_LABELS: Record<SampleAction, string> = { send: '寄样', approve: '批板', reject: '退板', order: '下单', cancel: '取消' };

export function sendSample(sample: Sample, by: Actor, courier: { company: string; trackingNo: string; costFen: number }, now: number): SampleChanges {
  const changes = move(sample, 'send', by, `${courier.company} ${courier.trackingNo}`, now);
  return { ...changes, courier: { ...courier, sentAt: now, sentMonth: businessMonth(now), sentBy: by } };
}

export function decideSample(sample: Sample, by: Actor, approved: boolean, note: string, now: number): SampleChanges {
  const changes = move(sample, approved ? 'approve' : 'reject', by, note, now);
  return { ...changes, decision: { approved, by, at: now, note } };
}

export function cancelSample(sample: Sample, by: Actor, note: string, now: number): SampleChanges {
  return move(sample, 'cancel', by, note, now);
}

/** The order lines must be SKUs of the sample; answers the changes that record the order. */
export function orderFromSample(sample: Sample, by: Actor, lines: readonly { skuId: string }[], orderId: string, now: number): SampleChanges {
  const changes = move(sample, 'order', by, '', now);
  const skus = new Set(sample.items.map((i) => i.skuId));
  const foreign = lines.find((l) => !skus.has(l.skuId));
  if (foreign) throw new DomainError('SAMPLE_LINE_INVALID', undefined, { skuId: foreign.skuId });
  return { ...changes, orderId };
}

/** The order's request id for a sample: a retried 下单 returns the same order. */
export function sampleOrderRequestId(sampleId: string): string {
  return `sample-${sampleId}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}

export function canMoveSample(sample: Pick<Sample, 'status'>, action: SampleAction, role: Role): boolean {
  const t = SAMPLE_TRANSITIONS[action];
  return t.from.includes(sample.status) && t.roles.includes(role);
}
