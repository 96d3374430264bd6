/**
 * Turns a map of action handlers into a Cloudbase function `main(event, context)`:
 * parse the event, resolve the caller from the trusted context, parse the input with the shared
 * schema, run the handler, and answer `{ ok: true, data }` or `{ ok: false, error }` with a stable
 * code and a Chinese message. Unexpected errors are logged and answered as INTERNAL.
 */
import type { z } from 'zod';
import { DomainError, FunctionEvent, type Caller, type ErrorIssue, type Result } from '@dinghuo/shared';
import type { Store } from './data/store';
import { loadConfig, type AppConfig } from './config';
import { isTimerTrigger, openidFromContext, resolveCaller, type FunctionContextParam } from './identity';
import { hasOperatorEnvelope, OPERATOR_CALLER, operatorKeyFrom, recordOperatorCall, verifyOperatorCall, type OperatorEnvelope } from './operatorAuth';
import type { MessageSender } from './senders';
import type { FileStorage } from './storage';
import type { FunctionContract } from '@dinghuo/shared/contract';

export interface HandlerContext {
  caller: Caller;
  store: Store;
  now: number;
  config: AppConfig;
  /** Subscription-message sender passed by the local runtime or a test; absent on Cloudbase (see senders.ts senderFor). */
  sender?: MessageSender | undefined;
  /** File storage passed by the local runtime or a test; absent on Cloudbase (see storage.ts storageFor). */
  storage?: FileStorage | undefined;
}

/** Set only by the local runtime and tests, on the context object they build (never from the event). */
export interface LocalInvocation {
  store: Store;
  now?: number;
  config?: AppConfig;
  /** Where subscription messages go (the local runtime passes its recorder). */
  sender?: MessageSender;
  /** 'timer' only from the local runtime's own scheduler (tick), never for an HTTP call. */
  trigger?: 'timer';
  /** Where uploaded files go (the local runtime passes its files directory). */
  storage?: FileStorage;
}

export type CloudContext = FunctionContextParam & { dinghuoLocal?: LocalInvocation };

/**
 * One handler per action of the function's contract (shared/src/contract.ts `Api`): it gets the
 * parsed input and must answer the action's output type, so a wrong answer fails tsc.
 */
export type Handlers<C extends FunctionContract> = {
  [A in keyof C]: (input: z.output<C[A]['input']>, ctx: HandlerContext) => Promise<z.output<C[A]['output']>>;
};

export interface FunctionOptions {
  /** Actions an unbound (anonymous) WeChat user may call. */
  anonymousActions?: readonly string[];
  /**
   * Run with the system caller on a timer trigger: a timer-shaped event (`Type: 'Timer'`) from a
   * trusted trigger (Cloudbase: TRIGGER_SRC=timer in the context, see isTimerTrigger; locally: the
   * runtime's own scheduler). Any other timer-shaped call is refused with TIMER_ONLY.
   */
  timer?: (ctx: Omit<HandlerContext, 'caller'>) => Promise<unknown>;
  /**
   * Actions a call signed with the admin key may make when there is no WeChat user (operatorAuth.ts);
   * the function's name is part of what is signed.
   */
  operator?: { functionName: string; actions: readonly string[] };
}

let cloudStore: Promise<Store> | null = null;

async function storeFor(context: CloudContext | undefined): Promise<Store> {
  if (context?.dinghuoLocal) return context.dinghuoLocal.store;
  if (!cloudStore) {
    // Loaded only on Cloudbase; the local runtime always passes its own store.
    cloudStore = import('./data/cloudbaseStore').then((m) => m.createCloudbaseStore());
  }
  return cloudStore;
}

export function zodIssues(error: z.ZodError): ErrorIssue[] {
  return error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

export function toErrorResult(e: unknown): Result<never> {
  if (e instanceof DomainError) return { ok: false, error: e.toBody() };
  console.error('[dinghuo] unexpected error', e);
  return { ok: false, error: new DomainError('INTERNAL').toBody() };
}

export function defineFunction<C extends FunctionContract>(contract: C, handlers: Handlers<C>, options: FunctionOptions = {}) {
  const anonymous = new Set(options.anonymousActions ?? []);
  return async function main(event: unknown, context?: CloudContext): Promise<Result<unknown>> {
    try {
      const local = context?.dinghuoLocal;
      const now = local?.now ?? Date.now();
      const config = local?.config ?? loadConfig();
      // Anyone can send `{ Type: 'Timer' }` (a client, another function, an HTTP access route):
      // the timer runs only when the platform's context says a timer trigger sent it.
      const isTimer = event !== null && typeof event === 'object' && (event as { Type?: unknown }).Type === 'Timer';
      if (options.timer && isTimer) {
        const trusted = local ? local.trigger === 'timer' : isTimerTrigger(context);
        if (!trusted) throw new DomainError('TIMER_ONLY');
        const store = await storeFor(context);
        return { ok: true, data: await options.timer({ store, now, config, sender: local?.sender }) };
      }
      const parsedEvent = FunctionEvent.safeParse(event);
      if (!parsedEvent.success) throw new DomainError('VALIDATION_FAILED', undefined, { issues: zodIssues(parsedEvent.error) });
      const { action } = parsedEvent.data;
      if (!Object.prototype.hasOwnProperty.call(contract, action)) throw new DomainError('UNKNOWN_ACTION');
      const schema = contract[action]!.input;
      const handler = handlers[action as keyof C];

      const openid = openidFromContext(context);
      let caller: Caller;
      let store: Store;
      // An operator call: no WeChat user, a signature made with the admin key beside the input.
      // With a WeChat user in the context the envelope is ignored: the identity is that user.
      let operatorCall: OperatorEnvelope | null = null;
      if (openid) {
        store = await storeFor(context);
        caller = await resolveCaller(store, openid);
        if (caller.kind === 'anonymous' && !anonymous.has(action)) throw new DomainError('NOT_BOUND');
      } else if (hasOperatorEnvelope(event)) {
        operatorCall = verifyOperatorCall({
          fn: options.operator?.functionName ?? '',
          action,
          allowedActions: options.operator?.actions ?? [],
          input: parsedEvent.data.input,
          envelope: (event as { operator?: unknown }).operator,
          key: operatorKeyFrom(process.env),
          now,
        });
        store = await storeFor(context);
        caller = OPERATOR_CALLER;
      } else {
        throw new DomainError('UNAUTHENTICATED');
      }

      const input = schema.safeParse(parsedEvent.data.input ?? {});
      if (!input.success) throw new DomainError('VALIDATION_FAILED', undefined, { issues: zodIssues(input.error) });
      if (operatorCall) await recordOperatorCall(store, options.operator!.functionName, action, operatorCall, parsedEvent.data.input, now);
      const data = await handler(input.data as never, { caller, store, now, config, sender: local?.sender, storage: local?.storage });
      return { ok: true, data };
    } catch (e) {
      return toErrorResult(e);
    }
  };
}

export type CloudFunctionMain = ReturnType<typeof defineFunction>;
