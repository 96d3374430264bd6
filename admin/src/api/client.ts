/**
 * The one typed client of the back office. Every call is `{ action, input }` to a cloud function
 * named in the shared contract (shared/src/api.ts: ApiInputs / ApiOutputs, which include the
 * `backoffice` function), so inputs and outputs are inferred from shared/ and checked by tsc.
 * The function parses every input with the shared zod schema and answers VALIDATION_FAILED with
 * Chinese messages (error.details.issues); the client does not load the schemas itself, so zod
 * and the contract's schemas stay off the first page load (they cost more CPU than the board).
 *
 * Transport: the local runtime's HTTP API (POST /api/fn/<name> with the sign-in token). On
 * Cloudbase the same call goes through the Web SDK's callFunction (see README: 管理后台).
 */
import type { ActionInput, ActionName, ActionOutput, FunctionName } from '@dinghuo/shared/api';
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

declare global {
  interface Window {
    /** The signed-in Cloudbase app, set by api/cloudbase.ts in a Cloudbase build. */
    dinghuoCloudbase?: { callFunction(opts: { name: string; data: unknown }): Promise<{ result: unknown }> };
  }
}

async function transport(name: string, action: string, input: unknown): Promise<unknown> {
  if (__CLOUD_ENV__) {
    if (!window.dinghuoCloudbase) return { ok: false, error: { code: 'UNAUTHENTICATED', message: '请先登录' } };
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

/** The message to show: the first field issue of a VALIDATION_FAILED (it says what is wrong), else the error's. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) {
    const issue = (e.details as { issues?: { path: string; message: string }[] } | undefined)?.issues?.[0];
    return e.code === 'VALIDATION_FAILED' && issue ? `${e.message}：${issue.message}` : e.message;
  }
  if (e instanceof Error && e.message) return e.message;
  return NETWORK_ERROR_MESSAGE;
}
