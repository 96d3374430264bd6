/**
 * A CloudbaseStore wired to a CloudbaseEmulator through the real @cloudbase/node-sdk, for tests.
 */
import tcb from '@cloudbase/node-sdk';
import { CloudbaseStore, DEFAULT_TRANSACTION_RETRY, type TransactionRetryPolicy } from '../cloudbaseStore';
import type { CloudbaseEmulator } from './cloudbaseEmulator';

/**
 * Without TENCENTCLOUD=true the SDK first asks the Tencent Cloud metadata host whether it runs on
 * Tencent Cloud (a network call); the tests must stay on 127.0.0.1.
 */
export function useLocalCloudbaseEnv(): void {
  process.env.TENCENTCLOUD = 'true';
  process.env.SILENCE = 'true';
}

/** The SDK's database object, initialised against the emulator. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function emulatorDb(emulator: CloudbaseEmulator, env = 'dinghuo-test'): any {
  useLocalCloudbaseEnv();
  return tcb.init({ env, serviceUrl: emulator.url, secretId: 'emulator', secretKey: 'emulator' } as never).database();
}

export function cloudbaseStoreFor(
  emulator: CloudbaseEmulator,
  opts: { env?: string; retry?: TransactionRetryPolicy } = {},
): CloudbaseStore {
  return new CloudbaseStore(emulatorDb(emulator, opts.env), opts.retry ?? DEFAULT_TRANSACTION_RETRY);
}
