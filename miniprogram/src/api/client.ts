/**
 * The one module that calls the cloud functions. Every function takes `{ action, input }` and
 * answers a Result: `{ ok: true, data }` or `{ ok: false, error: { code, message } }`.
 * weapp: Taro.cloud.callFunction. H5 (local mode): POST /api/fn/<name> on the page's origin with
 * the local sign-in token. Errors are thrown as ApiError with a Chinese message.
 */
import Taro from '@tarojs/taro';
import type { ActionInput, ActionName, ActionOutput, FunctionName } from '@dinghuo/shared/api';
import { ApiError, NETWORK_ERROR_MESSAGE } from './errors';
import { getLocalToken } from './token';

export { ApiError } from './errors';

function unwrap(result: unknown): unknown {
  if (result && typeof result === 'object' && 'ok' in result) {
    const r = result as { ok: boolean; data?: unknown; error?: { code?: unknown; message?: unknown; details?: unknown } };
    if (r.ok) return r.data;
    const code = typeof r.error?.code === 'string' ? r.error.code : 'INTERNAL';
    const message = typeof r.error?.message === 'string' && r.error.message ? r.error.message : NETWORK_ERROR_MESSAGE;
    throw new ApiError(code, message, r.error?.details);
  }
  throw new ApiError('NETWORK', NETWORK_ERROR_MESSAGE);
}

async function callH5(name: string, action: string, input: unknown): Promise<unknown> {
  const token = getLocalToken();
  let res: Taro.request.SuccessCallbackResult<any>;
  try {
    res = await Taro.request({
      url: `/api/fn/${encodeURIComponent(name)}`,
      method: 'POST',
      header: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      data: { action, input },
    });
  } catch {
    throw new ApiError('NETWORK', NETWORK_ERROR_MESSAGE);
  }
  if (res.statusCode === 401 && !(res.data && typeof res.data === 'object' && 'ok' in res.data)) {
    throw new ApiError('UNAUTHENTICATED', '请先登录');
  }
  return res.data;
}

async function callCloud(name: string, action: string, input: unknown): Promise<unknown> {
  try {
    const res = await Taro.cloud.callFunction({ name, data: { action, input } as any });
    return res.result;
  } catch {
    throw new ApiError('NETWORK', NETWORK_ERROR_MESSAGE);
  }
}

/** Untyped call (the typed one is `call`, whose result type comes from ApiOutputs in shared/api.ts). */
export async function callRaw(name: string, action: string, input: unknown): Promise<unknown> {
  const result = process.env.TARO_ENV === 'h5' ? await callH5(name, action, input) : await callCloud(name, action, input);
  return unwrap(result);
}

export async function call<F extends FunctionName, A extends ActionName<F>>(
  fn: F,
  action: A,
  input: ActionInput<F, A>,
): Promise<ActionOutput<F, A>> {
  return (await callRaw(fn, action, input)) as ActionOutput<F, A>;
}
