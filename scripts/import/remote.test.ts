/**
 * The CLI's Cloudbase path end to end, offline: `npm run import -- <kind> <file> --env test` in
 * its own process, with the real @cloudbase/node-sdk pointed (TCB_CONTEXT_CNFG) at the local
 * Cloudbase emulator, which answers the SDK's functions.invokeFunction by running the admin
 * function's main on the local runtime with no WeChat user — what a call made with the
 * environment's secret keys is. The CLI signs each call with DINGHUO_ADMIN_KEY.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { startLocalRuntime, type LocalRuntime } from '../local/server';
import { CloudbaseEmulator } from '../../cloudfunctions/_lib/data/testing/cloudbaseEmulator';
import { COLLECTION_NAMES, findAll } from '../../cloudfunctions/_lib/data/store';
import { OPERATOR_KEY_ENV } from '../../cloudfunctions/_lib/operatorAuth';

const ROOT = path.resolve(__dirname, '../..');
const SAMPLES = path.join(__dirname, 'samples');
const KEY = 'remote-import-test-admin-key-0123456789';
const savedKey = process.env[OPERATOR_KEY_ENV];

let rt: LocalRuntime;
let emu: CloudbaseEmulator;

beforeAll(async () => {
  // The admin function's environment (on Cloudbase: cloudbaserc.json envVariables).
  process.env[OPERATOR_KEY_ENV] = KEY;
  rt = await startLocalRuntime({ dataDir: ':memory:', timers: false, quiet: true });
  emu = await CloudbaseEmulator.start({ functions: (name, event) => rt.invoke(name, event, null) });
});
afterAll(async () => {
  await emu.close();
  rt.close();
  if (savedKey === undefined) delete process.env[OPERATOR_KEY_ENV];
  else process.env[OPERATOR_KEY_ENV] = savedKey;
});

function fingerprint(): string {
  const h = createHash('sha256');
  for (const c of COLLECTION_NAMES) {
    for (const row of rt.store.db.prepare(`SELECT id, doc FROM "${c}" ORDER BY id`).iterate() as Iterable<{ id: string; doc: string }>) {
      h.update(c).update(row.id).update(row.doc);
    }
  }
  return h.digest('hex');
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run import -- …` in a child process (async: the emulator answers from this process). */
function npmImport(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '--silent', 'import', '--', ...args],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 180_000, // a child process with tsx: seconds idle, a minute or more on a loaded machine
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          // the SDK goes to the emulator, never to the network
          TCB_CONTEXT_CNFG: JSON.stringify({ URL: emu.url }),
          TENCENTCLOUD: 'true',
          SILENCE: 'true',
          TENCENTCLOUD_SECRETID: 'local-secret-id',
          TENCENTCLOUD_SECRETKEY: 'local-secret-key',
          ...env,
        } as unknown as NodeJS.ProcessEnv,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const invokes = () => emu.takeRequests().filter((r) => r.action === 'functions.invokeFunction');

test('products, customers and prices import through the SDK and the admin function, signed with the admin key', async () => {
  emu.takeRequests();
  for (const [kind, file] of [['products', 'products.csv'], ['customers', 'customers.csv']] as const) {
    const r = await npmImport([kind, path.join(SAMPLES, file), '--env', 'test', '--quiet'], { [OPERATOR_KEY_ENV]: KEY });
    expect({ kind, code: r.code, stderr: r.stderr }).toEqual({ kind, code: 0, stderr: '' });
    expect(r.stdout).toContain('已写入');
  }
  invokes();

  const r = await npmImport(['prices', path.join(SAMPLES, 'prices.csv'), '--env', 'test', '--chunk', '2', '--json'], { [OPERATOR_KEY_ENV]: KEY });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout) as { written: boolean; created: number; rows: number; bad: unknown[] };
  expect(report).toMatchObject({ written: true, rows: 5, created: 5, bad: [] });
  // 5 rows in chunks of 2: three dry-run calls, then three real ones, each its own signed call.
  const calls = invokes();
  expect(calls.map((c) => c.body.function_name)).toEqual(Array(6).fill('admin'));
  const events = calls.map((c) => JSON.parse(String(c.body.request_data)) as { action: string; input: { dryRun: boolean }; operator: { nonce: string } });
  expect(events.map((e) => [e.action, e.input.dryRun])).toEqual([...Array(3).fill(['importRows', true]), ...Array(3).fill(['importRows', false])]);
  expect(new Set(events.map((e) => e.operator.nonce)).size).toBe(6);
  for (const e of events) expect(await rt.store.get('operatorCalls', e.operator.nonce)).toMatchObject({ fn: 'admin', action: 'importRows' });
  expect(JSON.stringify(events)).not.toContain(KEY);

  // The figures from the file are in the database.
  const qp550 = await findAll(rt.store, 'prices', { skuId: 'sku_QP-550' });
  expect(qp550.map((p) => p.priceFen).sort()).toEqual([155, 170, 185]);
  expect(qp550.find((p) => p.priceFen === 170)!.breaks).toEqual([
    { minQty: 240, priceFen: 160 },
    { minQty: 1200, priceFen: 150 },
  ]);
}, 360_000);

test('with the wrong admin key the function refuses every call: exit 2, the Chinese reason, nothing written', async () => {
  const before = fingerprint();
  emu.takeRequests();
  const r = await npmImport(['stock', path.join(SAMPLES, 'stock.csv'), '--env', 'test', '--quiet'], { [OPERATOR_KEY_ENV]: 'a-different-admin-key-of-enough-length-00' });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('导入失败：管理密钥签名无效');
  // It stopped at the first (dry-run) chunk.
  expect(invokes()).toHaveLength(1);
  expect(fingerprint()).toBe(before);
}, 180_000);

test('without an admin key the CLI does not call at all', async () => {
  const before = fingerprint();
  emu.takeRequests();
  const r = await npmImport(['stock', path.join(SAMPLES, 'stock.csv'), '--env', 'test', '--quiet'], {});
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(OPERATOR_KEY_ENV);
  expect(emu.takeRequests()).toHaveLength(0);
  expect(fingerprint()).toBe(before);
}, 180_000);
