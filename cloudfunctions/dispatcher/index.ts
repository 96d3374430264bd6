/**
 * dispatcher: sends the order-status messages waiting in the outbox (messageJobs). Runs on a
 * Cloudbase timer trigger (see scripts/deploy FUNCTION_CONFIG; locally every 3 s). An admin may
 * also run it by hand (`run`). Sending goes through the MessageSender port: WeChat on Cloudbase,
 * the recorder locally. Rules and guarantees: _lib/services/dispatch.ts.
 */
import { Api } from '@dinghuo/shared/contract';
import { defineFunction } from '../_lib/runtime';
import { requireAdmin } from '../_lib/identity';
import { dispatchPending } from '../_lib/services/dispatch';
import { senderFor } from '../_lib/senders';

export const main = defineFunction(
  Api.dispatcher,
  {
    run: async (_input, ctx) => {
      requireAdmin(ctx.caller);
      return dispatchPending({ store: ctx.store, config: ctx.config, now: ctx.now, sender: senderFor(ctx) });
    },
  },
  { timer: (ctx) => dispatchPending({ store: ctx.store, config: ctx.config, now: ctx.now, sender: senderFor(ctx) }) },
);
