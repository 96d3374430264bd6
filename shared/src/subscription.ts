import { z } from 'zod';
import { Id, Timestamp } from './ids';
import { ORDER_STATUS_LABELS, OrderStatus } from './orderStatus';
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

/** One recipient's result on a job. `sent` and `errcode:*` are final; the rest may be retried. */
export const Delivery = z.object({ openid: z.string(), result: z.string(), at: Timestamp });
export type Delivery = z.infer<typeof Delivery>;

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
  payload: z.object({ orderNo: z.string(), status: OrderStatus, amountFen: z.number().int(), at: Timestamp, note: z.string() }),
  /** The customer's bound users at the latest attempt. */
  recipients: z.array(z.string()),
  /** Final state (or latest try) per recipient; a recipient with a final delivery is never sent to again. */
  deliveries: z.array(Delivery),
  result: z.string().nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type MessageJob = z.infer<typeof MessageJob>;

/** WeChat subscription-message field limits. */
export const WECHAT_LIMITS = { thing: 20, character_string: 32, phrase: 5, name: 10, amountDigits: 10 } as const;

/**
 * Emoji and invisible characters: WeChat rejects or mangles them in template values (47003),
 * and a cut inside an emoji sequence would leave half a character. Removed before measuring.
 */
const INVISIBLE_OR_EMOJI =
  /[\p{Extended_Pictographic}\p{Cc}\p{Cf}\p{Co}\p{Cs}\u{FE00}-\u{FE0F}\u{E0100}-\u{E01EF}\u{1F3FB}-\u{1F3FF}\u{1F1E6}-\u{1F1FF}\u20E3]/gu;

/** One line of plain visible text: no emoji, no control or format characters, single spaces. */
export function cleanText(text: string): string {
  return text
    .replace(/[\r\n\t\v\f\u2028\u2029]+/g, ' ')
    .replace(INVISIBLE_OR_EMOJI, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Cuts to at most `max` characters, ending in … when cut. Both measures stay within `max`:
 * code points (how WeChat documents the limit) and UTF-16 units (a character outside the BMP
 * counts 2), and a surrogate pair is never split. Empty text becomes `fallback`.
 */
export function truncateThing(text: string, max: number = WECHAT_LIMITS.thing, fallback = '-'): string {
  const chars = Array.from(cleanText(text));
  const units = (cs: string[]) => cs.reduce((n, c) => n + c.length, 0);
  if (chars.length === 0) return fallback;
  if (units(chars) <= max) return chars.join('');
  const kept: string[] = [];
  let used = 1; // the …
  for (const c of chars) {
    if (used + c.length > max) break;
    kept.push(c);
    used += c.length;
  }
  return kept.join('').trimEnd() + '…';
}

/** character_string: printable ASCII letters, digits and symbols only (no spaces), at most 32. */
export function toCharacterString(text: string, fallback = '-'): string {
  const ascii = text.replace(/[^\x21-\x7e]/g, '');
  return (ascii || fallback).slice(0, WECHAT_LIMITS.character_string);
}

/** phrase: at most 5 Chinese characters, nothing else (no digits, letters, symbols). */
export function toPhrase(text: string, fallback = '更新'): string {
  const han = Array.from(text).filter((c) => /\p{Script=Han}/u.test(c));
  return han.slice(0, WECHAT_LIMITS.phrase).join('') || fallback;
}

/**
 * amount: a currency symbol and at most 10 digits, decimals allowed ('¥1234.50'). Negative
 * amounts become 0; above 99,999,999.99 the cents are dropped, and the value is capped at
 * 10 digits of yuan.
 */
export function toAmount(fen: number): string {
  const safe = Number.isFinite(fen) ? Math.max(0, Math.trunc(fen)) : 0;
  const yuan = Math.floor(safe / 100);
  const cents = String(safe % 100).padStart(2, '0');
  const withCents = `${yuan}${cents}`;
  if (withCents.length <= WECHAT_LIMITS.amountDigits) return `¥${yuan}.${cents}`;
  return `¥${Math.min(yuan, 10 ** WECHAT_LIMITS.amountDigits - 1)}`;
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
  const label = ORDER_STATUS_LABELS[input.status];
  return {
    character_string1: { value: toCharacterString(input.orderNo) },
    phrase2: { value: toPhrase(label) },
    amount3: { value: toAmount(input.amountFen) },
    time4: { value: formatWechatTime(input.at) },
    thing5: { value: truncateThing(input.note, WECHAT_LIMITS.thing, truncateThing(`订单${label}`)) },
  };
}

// --- sending outcomes (the dispatcher's rules) -------------------------------------------------

/**
 * WeChat errCodes that end a message for one recipient: retrying cannot help. 43101: the user
 * refused or has no consent left (counts as no quota); 47003 bad template data; 40037 bad
 * template id; 40003 bad openid; 41030 bad page.
 */
export const FINAL_SEND_ERRCODES: Readonly<Record<number, 'no_quota' | 'failed'>> = {
  43101: 'no_quota',
  47003: 'failed',
  40037: 'failed',
  40003: 'failed',
  41030: 'failed',
};

/** What a failed send means (a successful send needs no classification). */
export type SendOutcome =
  | { kind: 'final'; jobStatus: 'no_quota' | 'failed'; errCode: number; result: string }
  | { kind: 'transient'; result: string };

/** Classifies what a send attempt threw: a final WeChat errCode, or anything else (retry). */
export function classifySendError(error: unknown): SendOutcome {
  const raw = error && typeof error === 'object' ? (error as { errCode?: unknown; errcode?: unknown }) : {};
  const code = Number(raw.errCode ?? raw.errcode);
  if (Number.isInteger(code) && Object.prototype.hasOwnProperty.call(FINAL_SEND_ERRCODES, code)) {
    return { kind: 'final', jobStatus: FINAL_SEND_ERRCODES[code]!, errCode: code, result: `errcode:${code}` };
  }
  const message = error instanceof Error ? error.message : String(error);
  const label = Number.isInteger(code) ? `errcode:${code}` : message.replace(/\s+/g, ' ').slice(0, 80) || 'error';
  return { kind: 'transient', result: `transient:${label}` };
}

/** Delay before retry number `attempts` + 1, after `attempts` failed passes (exponential, capped). */
export function retryDelayMs(attempts: number, baseMs: number, capMs = 6 * 3600_000): number {
  const n = Math.max(1, Math.floor(attempts));
  return Math.min(capMs, baseMs * 2 ** Math.min(n - 1, 30));
}

export function isFinalDelivery(d: Pick<Delivery, 'result'>): boolean {
  return d.result === 'sent' || d.result.startsWith('errcode:');
}

/**
 * The job's state after a dispatch pass, from every recipient's latest delivery.
 * - a transient failure with attempts left → back to pending (retry later);
 * - someone got the message → sent;
 * - a transient failure with no attempts left → failed;
 * - a final WeChat error other than 43101 → failed with that code;
 * - otherwise (no consent, 43101, nobody bound) → no_quota.
 */
export function jobOutcome(
  deliveries: readonly Pick<Delivery, 'result'>[],
  attempts: number,
  maxAttempts: number,
): { status: Exclude<MessageJobStatus, 'sending'>; result: string } {
  const results = deliveries.map((d) => d.result);
  const sent = results.filter((r) => r === 'sent').length;
  const transient = results.find((r) => r.startsWith('transient:'));
  if (transient && attempts < maxAttempts) return { status: 'pending', result: `retry:${transient.slice('transient:'.length)}` };
  if (sent > 0) return { status: 'sent', result: sent === results.length ? 'sent' : `sent:${sent}/${results.length}` };
  if (transient) return { status: 'failed', result: `max_attempts:${transient.slice('transient:'.length)}` };
  const failedCode = results.find((r) => r.startsWith('errcode:') && FINAL_SEND_ERRCODES[Number(r.slice(8))] === 'failed');
  if (failedCode) return { status: 'failed', result: failedCode };
  if (results.length === 0) return { status: 'no_quota', result: 'no_recipients' };
  return { status: 'no_quota', result: results.includes('errcode:43101') ? 'errcode:43101' : 'no_consent' };
}

// --- the `subscription` function's contract ---------------------------------------------------

/** WeChat's requestSubscribeMessage takes at most 3 template ids at a time. */
export const MAX_TEMPLATES_PER_REQUEST = 3;

export const TemplateIdInput = z.string().min(1).max(128).regex(/^[A-Za-z0-9_\-]+$/, '模板 id 格式不正确');

export const SubscriptionInputs = {
  /** The template ids the app asks consent for, by key. */
  templates: z.object({}),
  /** The user's answers from Taro.requestSubscribeMessage (without its errMsg). */
  consent: z.object({
    results: z
      .record(TemplateIdInput, ConsentResult)
      .refine((r) => Object.keys(r).length >= 1 && Object.keys(r).length <= MAX_TEMPLATES_PER_REQUEST, '应包含 1 到 3 个模板的结果'),
  }),
  /** The caller's remaining consents per configured template. */
  counts: z.object({}),
} as const;

export interface SubscriptionOutputs {
  templates: { orderStatus: string };
  /** Remaining one-time consents per template id, after recording. */
  consent: { counts: Record<string, number> };
  counts: { counts: Record<string, number> };
}
