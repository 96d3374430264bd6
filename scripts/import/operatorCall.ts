/**
 * The CLI side of an operator call (cloudfunctions/_lib/operatorAuth.ts): every call to the admin
 * function is signed with the admin key from the operator's environment (DINGHUO_ADMIN_KEY), a
 * fresh nonce and the current time. The key itself never travels.
 */
import { DomainError, type Result } from '@dinghuo/shared';
import { OPERATOR_KEY_ENV, OPERATOR_KEY_MIN_LENGTH, operatorKeyFrom, signOperatorCall } from '../../cloudfunctions/_lib/operatorAuth';
import type { AdminCall } from './chunked';

/** Sends one event to a function and returns its answer (app.callFunction on Cloudbase). */
export type FunctionInvoker = (name: string, event: Record<string, unknown>) => Promise<unknown>;

export function operatorKeyOrThrow(env: NodeJS.ProcessEnv = process.env): string {
  const key = operatorKeyFrom(env);
  if (!key) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `请设置环境变量 ${OPERATOR_KEY_ENV}（管理密钥，至少 ${OPERATOR_KEY_MIN_LENGTH} 个字符，与云函数 admin 的环境变量一致）`,
    );
  }
  return key;
}

/** An AdminCall (importRows) whose every call carries a fresh operator signature. */
export function signedImportCall(invoke: FunctionInvoker, key: string, clock: () => number = Date.now): AdminCall {
  return async (input) => {
    const operator = signOperatorCall(key, 'admin', 'importRows', input, clock());
    const result = await invoke('admin', { action: 'importRows', input, operator });
    if (!result || typeof result !== 'object' || typeof (result as { ok?: unknown }).ok !== 'boolean') {
      throw new DomainError('INTERNAL', `云函数 admin 的返回无法识别：${JSON.stringify(result)?.slice(0, 200)}`);
    }
    return result as Result<unknown>;
  };
}
