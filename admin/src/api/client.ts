/**
 * The one typed client of the back office. Every call is `{ action, input }` to a cloud function
 * named in the shared contract (shared/src/api.ts: ApiInputs / ApiOutputs, which include the
 * `backoffice` function), so inputs and outputs are inferred from shared/ and checked by tsc.
 * Inputs are parsed with the same zod schemas the functions use before they are sent (a bad form
 * shows the function's own Chinese message without a round trip); the function parses again.
 *
 * Transport: the local runtime's HTTP API (POST /api/fn/<name> with the sign-in token). On
 * Cloudbase the same call goes through the Web SDK's callFunction (see README: 管理后台).
 */
import { ApiInputs, type ActionInput, type ActionName, type ActionOutput, type FunctionName } from '@dinghuo/shared/api';
import { getToken } from './session';

export const NETWORK_ERROR_MESSAGE = '网络异常，请稍后重试';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Listeners told when a call answers UNAUTHENTICATED (the layout sends the user to sign in). */
const unauthenticatedListeners = new Set<() => void>();
export function onUnauthenticated(fn: () => void): () => void {
  unauthenticatedListeners.add(fn);
  return () => unauthenticatedListeners.delete(fn);
}

interface CloudbaseApp {
  callFunction(opts: { name: string; data: unknown }): Promise<{ result: unknown }>;
}
declare global {
  interface Window {
    /** Set by the Cloudbase build's sign-in (README: 管理后台). */
    dinghuoCloudbase?: CloudbaseApp;
  }
}

async function transport(name: string, action: string, input: unknown): Promise<unknown> {
  if (__CLOUD_ENV__ && window.dinghuoCloudbase) {
    const res = await window.dinghuoCloudbase.callFunction({ name, data: { action, input } });
    return res.result;
  }
  const token = getToken();
  const res = await fetch(`/api/fn/${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ action, input }),
  });
  return res.json();
}

function unwrap(result: unknown): unknown {
  if (result && typeof result === 'object' && 'ok' in result) {
    const r = result as { ok: boolean; data?: unknown; error?: { code?: unknown; message?: unknown; details?: unknown } };
    if (r.ok) return r.data;
    const code = typeof r.error?.code === 'string' ? r.error.code : 'INTERNAL';
    const message = typeof r.error?.message === 'string' && r.error.message ? r.error.message : NETWORK_ERROR_MESSAGE;
    if (code === 'UNAUTHENTICATED') unauthenticatedListeners.forEach((fn) => fn());
    throw new ApiError(code, message, r.error?.details);
  }
  throw new ApiError('NETWORK', NETWORK_ERROR_MESSAGE);
}

export async function call<F extends FunctionName, A extends ActionName<F>>(fn: F, action: A, input: ActionInput<F, A>): Promise<ActionOutput<F, A>> {
  const schema = (ApiInputs[fn] as Record<string, { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string; path: PropertyKey[] }[] } } }>)[action];
  if (schema) {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error?.issues ?? [];
      const first = issues[0];
      throw new ApiError('VALIDATION_FAILED', first ? first.message : '提交的信息有误，请检查后重试', {
        issues: issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      });
    }
  }
  let result: unknown;
  try {
    result = await transport(fn, action, input);
  } catch {
    throw new ApiError('NETWORK', NETWORK_ERROR_MESSAGE);
  }
  return unwrap(result) as ActionOutput<F, A>;
}

/** The back office's own function. */
export function bo<A extends ActionName<'backoffice'>>(action: A, input: ActionInput<'backoffice', A>): Promise<ActionOutput<'backoffice', A>> {
  return call('backoffice', action, input);
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error && e.message) return e.message;
  return NETWORK_ERROR_MESSAGE;
}
