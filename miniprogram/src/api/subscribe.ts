/**
 * Asking the customer for order-status messages (WeChat one-time subscriptions) after they
 * submit an order: subscription.templates → Taro.requestSubscribeMessage → subscription.consent.
 * Each `accept` lets the backend send one status message; the backend counts them.
 *
 * WeChat only shows the consent dialog when the call comes from a tap. Call
 * prefetchOrderStatusTemplates() when the checkout page loads, so that the tap handler reaches
 * requestSubscribeMessage without waiting for the network first (an await of a network call
 * before it can lose the tap and fail with "can only be invoked by user TAP gesture").
 *
 * Never throws and never blocks the order: H5 has no subscription messages ('unsupported',
 * nothing recorded); any failure is 'failed'.
 */
import Taro from '@tarojs/taro';
import type { ConsentResult } from '@dinghuo/shared/subscription';
import { call } from './client';

export type ConsentOutcome = 'accepted' | 'rejected' | 'unsupported' | 'failed';

const ANSWERS: readonly string[] = ['accept', 'reject', 'ban', 'filter'];
let templateIds: Promise<string[]> | null = null;

function supported(): boolean {
  return process.env.TARO_ENV === 'weapp' && typeof Taro.requestSubscribeMessage === 'function';
}

/** The order-status template ids (at most 3), fetched once per app run. */
export function prefetchOrderStatusTemplates(): Promise<string[]> {
  if (!supported()) return Promise.resolve([]);
  if (!templateIds) {
    templateIds = call('subscription', 'templates', {})
      .then((t) => [t.orderStatus].filter((id) => typeof id === 'string' && id.length > 0).slice(0, 3))
      .catch(() => {
        templateIds = null; // try again next time
        return [];
      });
  }
  return templateIds;
}

/** Keeps only WeChat's answers for the ids we asked about (drops errMsg and anything else). */
export function answersFor(tmplIds: readonly string[], res: unknown): Record<string, ConsentResult> {
  const out: Record<string, ConsentResult> = {};
  if (!res || typeof res !== 'object') return out;
  for (const id of tmplIds) {
    const v = (res as Record<string, unknown>)[id];
    if (typeof v === 'string' && ANSWERS.includes(v)) out[id] = v as ConsentResult;
  }
  return out;
}

/** Call from the tap that submits (or follows the submit of) an order. */
export async function askOrderStatusConsent(): Promise<ConsentOutcome> {
  if (!supported()) return 'unsupported';
  try {
    const tmplIds = await prefetchOrderStatusTemplates();
    if (tmplIds.length === 0) return 'failed';
    const res = await Taro.requestSubscribeMessage({ tmplIds } as Taro.requestSubscribeMessage.Option);
    const results = answersFor(tmplIds, res);
    if (Object.keys(results).length === 0) return 'failed';
    await call('subscription', 'consent', { results });
    return Object.values(results).includes('accept') ? 'accepted' : 'rejected';
  } catch {
    return 'failed';
  }
}
