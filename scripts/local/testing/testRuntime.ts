/**
 * The runtime the functions tests run against: the local runtime over the embedded database, or,
 * with DINGHUO_TEST_STORE=cloudbase (the `functions-cloudbase` jest project), the same runtime
 * over CloudbaseStore through the real @cloudbase/node-sdk against the emulator — one set of
 * tests for both stores' semantics.
 */
import { createHash } from 'node:crypto';
import { COLLECTION_NAMES, findAll, type Store } from '../../../cloudfunctions/_lib/data/store';
import { CloudbaseEmulator } from '../../../cloudfunctions/_lib/data/testing/cloudbaseEmulator';
import { cloudbaseStoreFor } from '../../../cloudfunctions/_lib/data/testing/cloudbaseTestStore';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../server';
import { SqliteStore } from '../sqliteStore';
import { seedDemo } from '../seed';

export type TestStoreKind = 'sqlite' | 'cloudbase';

export function testStoreKind(): TestStoreKind {
  return process.env.DINGHUO_TEST_STORE === 'cloudbase' ? 'cloudbase' : 'sqlite';
}

export type TestRuntime = LocalRuntime<Store> & { emulator: CloudbaseEmulator | null };

export async function startTestRuntime(opts: LocalRuntimeOptions): Promise<TestRuntime> {
  if (testStoreKind() !== 'cloudbase') return Object.assign(await startLocalRuntime({ ...opts, store: undefined }), { emulator: null });
  const emulator = await CloudbaseEmulator.start();
  if (opts.seed !== false) {
    // The demo data is made by the same seed through the same services, on an in-memory local
    // store, and copied into the emulator: seeding through the SDK takes thousands of requests.
    const scratch = new SqliteStore({ dataDir: ':memory:' });
    await seedDemo(scratch);
    for (const c of COLLECTION_NAMES) emulator.put(c, (await findAll(scratch, c, {})) as never);
    scratch.close();
  }
  const store = Object.assign(cloudbaseStoreFor(emulator), { close: () => emulator.close() });
  return Object.assign(await startLocalRuntime({ ...opts, store }), { emulator });
}

/** A hash of every document of every collection, to assert that a call wrote nothing. */
export async function storeFingerprint(store: Store): Promise<string> {
  const h = createHash('sha256');
  const all = await Promise.all(COLLECTION_NAMES.map((c) => findAll(store, c, {})));
  COLLECTION_NAMES.forEach((c, i) => {
    for (const doc of all[i]!) h.update(c).update(JSON.stringify(doc, Object.keys(doc as object).sort()));
  });
  return h.digest('hex');
}
