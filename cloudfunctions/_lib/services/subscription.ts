/**
 * One-time subscription consents: each `accept` the user gives in Taro.requestSubscribeMessage
 * is one message we may send them for that template. Counted per (openid, template id) in the
 * `consents` collection; the dispatcher spends them (services/dispatch.ts).
 */
import { consentId, consentsGranted, DomainError, type ConsentResult } from '@dinghuo/shared';
import type { Store } from '../data/store';
import type { AppConfig } from '../config';

/** The template ids configured for this environment, by key. */
export function configuredTemplates(config: AppConfig): { orderStatus: string } {
  return { orderStatus: config.templates.orderStatus };
}

function knownTemplateIds(config: AppConfig): Set<string> {
  return new Set(Object.values(configuredTemplates(config)).filter((id) => id.length > 0));
}

/**
 * Records the user's answers: every `accept` adds one consent, atomically (an increment in a
 * transaction, so concurrent calls and the dispatcher's decrements never lose an update).
 * Any unknown template id refuses the whole call before anything is written.
 */
export async function recordConsent(
  store: Store,
  openid: string,
  results: Record<string, ConsentResult>,
  now: number,
  config: AppConfig,
): Promise<{ counts: Record<string, number> }> {
  const known = knownTemplateIds(config);
  const unknown = Object.keys(results).filter((id) => !known.has(id));
  if (unknown.length > 0) throw new DomainError('TEMPLATE_UNKNOWN', undefined, { templateIds: unknown });

  const write = () =>
    store.transaction(async (tx) => {
      const counts: Record<string, number> = {};
      for (const [templateId, result] of Object.entries(results)) {
        const id = consentId(openid, templateId);
        const granted = consentsGranted(result);
        const current = await tx.get('consents', id);
        if (granted > 0 && current) {
          await tx.patch('consents', id, { count: { $inc: granted }, updatedAt: now });
        } else if (granted > 0) {
          await tx.insert('consents', { _id: id, openid, templateId, count: granted, updatedAt: now });
        }
        counts[templateId] = (current?.count ?? 0) + granted;
      }
      return counts;
    });
  try {
    return { counts: await write() };
  } catch (e) {
    // Two first consents of one user raced to insert the same document: the loser retries once
    // and now finds it (Cloudbase reports the duplicate id, it does not retry that itself).
    if ((e as { code?: string }).code === 'DUPLICATE_ID' || /duplicate/i.test(String((e as Error)?.message))) {
      return { counts: await write() };
    }
    throw e;
  }
}

/** The caller's remaining consents for each configured template. */
export async function consentCounts(store: Store, openid: string, config: AppConfig): Promise<{ counts: Record<string, number> }> {
  const ids = [...knownTemplateIds(config)];
  const docs = await store.getMany('consents', ids.map((t) => consentId(openid, t)));
  const byTemplate = new Map(docs.map((d) => [d.templateId, d.count]));
  return { counts: Object.fromEntries(ids.map((t) => [t, byTemplate.get(t) ?? 0])) };
}
