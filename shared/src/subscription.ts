import { z } from 'zod';
import { Id, Timestamp } from './ids';
import { ORDER_STATUS_LABELS, type OrderStatus } from './orderStatus';
import { formatFen } from './money';
import { formatWechatTime } from './time';

/** The result WeChat gives per template id from wx.requestSubscribeMessage. */
export const ConsentResult = z.enum(['accept', 'reject', 'ban', 'filter']);
export type ConsentResult = z.infer<typeof ConsentResult>;

/** Remaining one-time consents of one user for one template. */
export const SubscriptionConsent = z.object({
  _id: z.string(),
  openid: z.string(),
  templateId: z.string(),
  count: z.number().int().min(0),
  updatedAt: Timestamp,
});
export type SubscriptionConsent = z.infer<typeof SubscriptionConsent>;

export function consentId(openid: string, templateId: string): string {
  return `${openid}:${templateId}`;
}

/** Only `accept` grants a one-time message; reject, ban and filter grant none. */
export function consentsGranted(result: ConsentResult): number {
  return result === 'accept' ? 1 : 0;
}

export const MessageJobStatus = z.enum(['pending', 'sending', 'sent', 'no_quota', 'failed']);
export type MessageJobStatus = z.infer<typeof MessageJobStatus>;

/** An outbox row: written in the same atomic write as the status change it announces. */
export const MessageJob = z.object({
  _id: Id,
  kind: z.literal('order_status'),
  orderId: Id,
  customerId: Id,
  /** Template key in configuration, e.g. 'orderStatus'; the WeChat id comes from config. */
  templateKey: z.string(),
  status: MessageJobStatus,
  attempts: z.number().int().min(0),
  nextAttemptAt: Timestamp,
  /** Dispatcher lease: a job is claimed before sending so that it is sent at most once. */
  leaseUntil: Timestamp.nullable(),
  leaseOwner: z.string().nullable(),
  payload: z.object({ orderNo: z.string(), status: z.string(), amountFen: z.number().int(), at: Timestamp, note: z.string() }),
  recipients: z.array(z.string()),
  result: z.string().nullable(),
  sentTo: z.string().nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type MessageJob = z.infer<typeof MessageJob>;

/** WeChat subscription-message field limits. */
export const WECHAT_LIMITS = { thing: 20, character_string: 32, phrase: 5, name: 10 } as const;

/** Cut to n characters (code points), ending in … when cut. */
export function truncateThing(text: string, max: number = WECHAT_LIMITS.thing): string {
  const chars = Array.from(text.replace(/[\r\n\t]+/g, ' ').trim());
  if (chars.length <= max) return chars.join('') || '-';
  return chars.slice(0, max - 1).join('') + '…';
}

/** character_string: ASCII letters, digits and symbols only, at most 32. */
export function toCharacterString(text: string): string {
  const ascii = text.replace(/[^\x21-\x7e]/g, '');
  return (ascii || '-').slice(0, WECHAT_LIMITS.character_string);
}

/** phrase: at most 5 Chinese characters, no digits or letters or symbols. */
export function toPhrase(text: string): string {
  const han = Array.from(text).filter((c) => /\p{Script=Han}/u.test(c));
  return han.slice(0, WECHAT_LIMITS.phrase).join('') || '更新';
}

export interface OrderStatusMessageInput {
  orderNo: string;
  status: OrderStatus;
  amountFen: number;
  at: number;
  note: string;
}

/**
 * The order-status template's data. Field keys follow the template configured in WeChat's
 * console (character_string1 order number, phrase2 status, amount3, time4, thing5 remark).
 */
export function buildOrderStatusMessage(input: OrderStatusMessageInput): Record<string, { value: string }> {
  return {
    character_string1: { value: toCharacterString(input.orderNo) },
    phrase2: { value: toPhrase(ORDER_STATUS_LABELS[input.status]) },
    amount3: { value: formatFen(input.amountFen).replace(/,/g, '') },
    time4: { value: formatWechatTime(input.at) },
    thing5: { value: truncateThing(input.note || ORDER_STATUS_LABELS[input.status]) },
  };
}
