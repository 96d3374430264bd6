/**
 * A CloudbaseStore wired to a CloudbaseEmulator through the real @cloudbase/node-sdk, for tests.
 */
import tcb from '@cloudbase/node-sdk';
import { CloudbaseStore } from '../cloudbaseStore';
import type { CloudbaseEmulator } from './cloudbaseEmulator';

/**
 * Without TENCENTCLOUD=true the SDK first asks the Tencent Cloud metadata host whether it runs on
 * Tencent Cloud (a network call); the tests must stay on 127.0.0.1.
 */
export function useLocalCloudbaseEnv(): void {
  process.env.TENCENTCLOUD = 'true';
  process.env.SILENCE = 'true';
}

export function cloudbaseStoreFor(emulator: CloudbaseEmulator, env = 'dinghuo-test'): CloudbaseStore {
  useLocalCloudbaseEnv();
  const app = tcb.init({ env, serviceUrl: emulator.url, secretId: 'emulator', secretKey: 'emulator' } as never);
  return new CloudbaseStore(app.database());
}
