/**
 * The runtime the functions tests run against: the local runtime over the embedded database, or,
 * with DINGHUO_TEST_STORE=cloudbase (the `functions-cloudbase` jest project), the same runtime
 * over CloudbaseStore through the real @cloudbase/node-sdk against the emulator — one set of
 * tests for both stores' semantics.
 */
import { createHash } from 'node:crypto';
import type { Result } from '@dinghuo/shared';
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

export interface TestRuntimeOptions extends LocalRuntimeOptions {
  /**
   * Seed the demo data as of this instant (instead of now), without the demo images: for tests
   * whose expectations are dated (overdue orders, 今日, the month's report).
   */
  seedAt?: number;
}

type Dump = [string, Record<string, unknown>[]][];
/** Demo data dumps by seed instant: a test file seeding before each test makes it once. */
const dumps = new Map<number, Promise<Dump>>();

/**
 * The demo data, made by the same seed through the same services on an in-memory local store:
 * loaded into the emulator as a fixture, since seeding through the SDK takes thousands of requests.
 */
function demoDump(at: number | undefined): Promise<Dump> {
  const make = async (): Promise<Dump> => {
    const scratch = new SqliteStore({ dataDir: ':memory:' });
    await seedDemo(scratch, at);
    const out: Dump = [];
    for (const c of COLLECTION_NAMES) out.push([c, (await findAll(scratch, c, {})) as never]);
    scratch.close();
    return out;
  };
  // Seeded "now" is not cached: its relative dates would drift from a later test's clock.
  if (at === undefined) return make();
  let d = dumps.get(at);
  if (!d) dumps.set(at, (d = make()));
  return d;
}

export async function startTestRuntime(opts: TestRuntimeOptions): Promise<TestRuntime> {
  const { seedAt, ...rest } = opts;
  const seed = rest.seed !== false;
  if (testStoreKind() !== 'cloudbase') {
    if (seedAt === undefined || !seed) return Object.assign(await startLocalRuntime({ ...rest, store: undefined }), { emulator: null });
    const rt = await startLocalRuntime({ ...rest, seed: false, store: undefined });
    await seedDemo(rt.store, seedAt);
    return Object.assign(rt, { emulator: null });
  }
  const emulator = await CloudbaseEmulator.start();
  if (seed) for (const [c, docs] of await demoDump(seedAt)) emulator.put(c, docs);
  const store = Object.assign(cloudbaseStoreFor(emulator), { close: () => emulator.close() });
  return Object.assign(await startLocalRuntime({ ...rest, seed: false, store }), { emulator });
}

/**
 * A hash of every document of every collection, to assert that a call wrote nothing. On the
 * Cloudbase path it reads the emulator's committed documents directly (no SDK requests: a
 * whole-database read per generated case would be hundreds of requests), and counts an open
 * transaction as a change (its writes could still land).
 */
export async function storeFingerprint(rt: Pick<TestRuntime, 'store' | 'emulator'>): Promise<string> {
  const h = createHash('sha256');
  const all = rt.emulator
    ? COLLECTION_NAMES.map((c) => rt.emulator!.docs(c))
    : await Promise.all(COLLECTION_NAMES.map((c) => findAll(rt.store, c, {})));
  COLLECTION_NAMES.forEach((c, i) => {
    for (const doc of all[i]!) h.update(c).update(canonical(doc));
  });
  if (rt.emulator) h.update(`open transactions: ${rt.emulator.openTransactions()}`);
  return h.digest('hex');
}

/** JSON with every object's keys sorted, at every depth (a replacer list would drop nested keys). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
    .join(',')}}`;
}

/** A function's answer that must be ok: its data (a failed answer fails the test with its code). */
export function okData<T>(r: Result<unknown>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.data as T;
}

/** A function's answer as 'OK' or its error code, for asserting refusals. */
export function resultCode(r: Result<unknown>): string {
  return r.ok ? 'OK' : r.error.code;
}
