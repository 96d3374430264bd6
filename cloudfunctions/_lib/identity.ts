/**
 * The caller's identity comes from the trusted function context only. On Cloudbase the platform
 * puts WX_OPENID into the invocation context (`context.environment` as JSON, or the older
 * `context.environ` 'K=V;K=V' string, the same two forms @cloudbase/node-sdk's
 * getCloudbaseContext parses) and into process.env for the invocation. The local runtime builds
 * the same context from its signed-in session. The event (the client's payload) is never read.
 */
import { DomainError, type Caller } from '@dinghuo/shared';
import type { Store } from './data/store';

export interface FunctionContextParam {
  environ?: string;
  environment?: string;
  request_id?: string;
  function_name?: string;
  [key: string]: unknown;
}

export function contextVariables(context: FunctionContextParam | undefined): Record<string, string> {
  const vars: Record<string, string> = {};
  if (!context || typeof context !== 'object') return vars;
  if (typeof context.environment === 'string' && context.environment) {
    try {
      const parsed = JSON.parse(context.environment) as Record<string, unknown>;
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') vars[k] = v;
    } catch {
      // a malformed context carries no identity
    }
  } else if (typeof context.environ === 'string') {
    for (const part of context.environ.split(';')) {
      const i = part.indexOf('=');
      if (i > 0) vars[part.slice(0, i)] = part.slice(i + 1);
    }
  }
  return vars;
}

/** The users-collection id of a Cloudbase web sign-in (the back office in a browser): `tcb:<uid>`. */
export const WEB_USER_PREFIX = 'tcb:';

/**
 * The caller's identity (the users-collection id), or null for an anonymous invocation: the
 * WeChat openid (the mini-program); else, for a browser signed in with Cloudbase web sign-in
 * (the back office: account/SMS sign-in or a WeChat scan through Cloudbase's WeChat provider),
 * `tcb:<TCB_UUID>` — set by the platform from the sign-in, never by the client's payload;
 * Cloudbase's anonymous sign-in gives no identity.
 */
export function openidFromContext(context: FunctionContextParam | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  const vars = contextVariables(context);
  const fromContext = vars.WX_OPENID;
  if (fromContext) return fromContext;
  // On Cloudbase (SCF) the per-invocation environment also carries it.
  const scf = env.TENCENTCLOUD_RUNENV === 'SCF';
  if (scf && env.WX_OPENID) return env.WX_OPENID;
  const uid = vars.TCB_UUID || (scf ? env.TCB_UUID : undefined);
  const anonymous = (vars.TCB_UUID ? vars.TCB_ISANONYMOUS_USER : env.TCB_ISANONYMOUS_USER) === 'true';
  if (uid && !anonymous) return `${WEB_USER_PREFIX}${uid}`;
  return null;
}

/**
 * Whether the platform itself invoked the function from a timer trigger. Cloudbase (SCF) marks a
 * timer trigger's invocation with TRIGGER_SRC=timer in the invocation's context and environment
 * (the variable @cloudbase/node-sdk reads to pick the timer's WeChat token, see its
 * utils/wxCloudToken). The event is the caller's and proves nothing: any client, another
 * function or an HTTP access route can send `{ Type: 'Timer' }`, but none of them sets the
 * context. A timer trigger carries no user.
 */
export function isTimerTrigger(context: FunctionContextParam | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  const vars = contextVariables(context);
  // The context's value wins (as in node-sdk's getCloudbaseContext); the process environment
  // counts only inside a Cloudbase function.
  const source = vars.TRIGGER_SRC ?? (env.TENCENTCLOUD_RUNENV === 'SCF' ? env.TRIGGER_SRC : undefined);
  return source === 'timer' && !openidFromContext(context, env);
}

export async function resolveCaller(store: Store, openid: string): Promise<Caller> {
  const user = await store.get('users', openid);
  if (!user) return { kind: 'anonymous', openid };
  if (user.role === 'customer' && user.customerId) {
    return { kind: 'customer', openid, customerId: user.customerId, name: user.name };
  }
  if ((user.role === 'merchandiser' || user.role === 'admin') && user.staffId) {
    return { kind: user.role, openid, staffId: user.staffId, name: user.name };
  }
  return { kind: 'anonymous', openid };
}

export function requireCustomer(caller: Caller): Extract<Caller, { kind: 'customer' }> {
  if (caller.kind === 'customer') return caller;
  if (caller.kind === 'anonymous') throw new DomainError('NOT_BOUND');
  throw new DomainError('FORBIDDEN');
}

export function requireStaff(caller: Caller): Extract<Caller, { kind: 'merchandiser' | 'admin' }> {
  if (caller.kind === 'merchandiser' || caller.kind === 'admin') return caller;
  throw new DomainError('FORBIDDEN');
}

export function requireAdmin(caller: Caller): Extract<Caller, { kind: 'admin' }> {
  if (caller.kind === 'admin') return caller;
  throw new DomainError('FORBIDDEN');
}
