/**
 * Subscription-message consent after an order is submitted. The `subscription` function may not
 * be deployed yet: every step degrades to "unavailable" instead of failing the checkout.
 * Taro.requestSubscribeMessage must run inside the user's tap, so the template ids are fetched
 * beforehand (prefetchOrderTemplates) and the tap handler calls askOrderStatusConsent at once.
 */
import Taro from '@tarojs/taro';
import { callRaw } from './client';

export type ConsentOutcome = 'accepted' | 'rejected' | 'unavailable';

let templates: Promise<string[]> | null = null;

export function prefetchOrderTemplates(): Promise<string[]> {
  if (process.env.TARO_ENV !== 'weapp') return Promise.resolve([]);
  if (!templates) {
    templates = callRaw('subscription', 'templates', {})
      .then((data) => {
        const ids = Object.values((data ?? {}) as Record<string, unknown>).filter((v): v is string => typeof v === 'string' && v.length > 0);
        return ids.slice(0, 3);
      })
      .catch(() => {
        templates = null;
        return [];
      });
  }
  return templates;
}

/** Call from a tap handler. Never throws. */
export async function askOrderStatusConsent(tmplIds: string[]): Promise<ConsentOutcome> {
  if (process.env.TARO_ENV !== 'weapp' || tmplIds.length === 0) return 'unavailable';
  let results: Record<string, string>;
  try {
    const res = (await Taro.requestSubscribeMessage({ tmplIds } as Taro.requestSubscribeMessage.Option)) as unknown as Record<string, unknown>;
    results = {};
    for (const id of tmplIds) {
      const v = res[id];
      if (v === 'accept' || v === 'reject' || v === 'ban' || v === 'filter') results[id] = v;
    }
  } catch {
    return 'unavailable';
  }
  try {
    await callRaw('subscription', 'consent', { results });
  } catch {
    // The consent count is best effort; the order is placed either way.
  }
  return Object.values(results).includes('accept') ? 'accepted' : 'rejected';
}
