/**
 * subscription: the app's side of WeChat subscription messages. `templates` gives the template
 * ids to pass to Taro.requestSubscribeMessage (from configuration, never from code);
 * `consent` records the user's answers (each accept = one message we may send);
 * `counts` tells the caller how many they have left. Identity comes from the context only.
 */
import { Api } from '@dinghuo/shared/contract';
import { defineFunction } from '../_lib/runtime';
import { configuredTemplates, consentCounts, recordConsent } from '../_lib/services/subscription';

export const main = defineFunction(Api.subscription, {
  templates: async (_input, { config }) => configuredTemplates(config),
  consent: async (input, { store, caller, now, config }) => recordConsent(store, caller.openid, input.results, now, config),
  counts: async (_input, { store, caller, config }) => consentCounts(store, caller.openid, config),
});
