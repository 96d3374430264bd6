/**
 * The deploy bundles: every function bundles into one CommonJS file that loads in a plain Node
 * process (no tsx, no node_modules lookups for our code), exports main, answers an anonymous
 * call with UNAUTHENTICATED, and never carries the local runtime's embedded database.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  bundleAll,
  bundleFunction,
  checkCloudbaserc,
  cloudbaseConfig,
  functionNames,
  ROOT,
  type BundleResult,
} from './bundle-functions';
import { signOperatorCall } from '../../cloudfunctions/_lib/operatorAuth';

let outDir: string;
let results: BundleResult[];

beforeAll(async () => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dinghuo-bundles-'));
  results = await bundleAll(outDir);
}, 300_000);

afterAll(() => {
  fs.rmSync(outDir, { recursive: true, force: true });
});

/** A scratch source folder under .build (inside the repo, so esbuild resolves its node_modules). */
function fixtureDir(): string {
  fs.mkdirSync(path.join(ROOT, '.build'), { recursive: true });
  return fs.mkdtempSync(path.join(ROOT, '.build', 'fixture-'));
}

/** Runs a script in a fresh Node process (outside jest's module system) and parses its JSON output. */
function runNode(script: string, env: Record<string, string> = {}): unknown {
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd: os.tmpdir(),
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env } as unknown as NodeJS.ProcessEnv,
    timeout: 180_000,
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

test('every function folder gets a bundle and a package.json', () => {
  const names = functionNames();
  expect(names.length).toBeGreaterThan(0);
  expect(results.map((r) => r.name)).toEqual(names);
  for (const name of names) {
    expect(fs.statSync(path.join(outDir, name, 'index.js')).size).toBeGreaterThan(1000);
    const pkg = JSON.parse(fs.readFileSync(path.join(outDir, name, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('index.js');
  }
});

test('each bundle loads in a plain Node process and exports main', () => {
  const files = results.map((r) => r.file);
  const loaded = runNode(
    `const out = {}; for (const f of ${JSON.stringify(files)}) out[f] = typeof require(f).main; console.log(JSON.stringify(out));`,
  ) as Record<string, string>;
  for (const f of files) expect(loaded[f]).toBe('function');
});

test('the bundled auth function answers UNAUTHENTICATED without WX_OPENID in the context', () => {
  const file = path.join(outDir, 'auth', 'index.js');
  const answers = runNode(`
    const { main } = require(${JSON.stringify(file)});
    Promise.all([
      main({ action: 'whoami', input: {} }, {}),
      main({ action: 'whoami', input: {} }, { environ: 'WX_APPID=wx123;TCB_ENV=prod' }),
      // identity in the payload is never trusted
      main({ action: 'whoami', input: {}, openid: 'forged', WX_OPENID: 'forged' }, { environment: '{}' }),
    ]).then((r) => console.log(JSON.stringify(r)));
  `) as { ok: boolean; error?: { code: string; message: string } }[];
  expect(answers).toHaveLength(3);
  for (const a of answers) {
    expect(a.ok).toBe(false);
    expect(a.error?.code).toBe('UNAUTHENTICATED');
    expect(a.error?.message).toMatch(/[\u4e00-\u9fa5]/);
  }
});

test('the admin key is configured on the admin function only, and the bundled admin function checks operator signatures before any database access', () => {
  const rc = cloudbaseConfig(functionNames()) as { functions: { name: string; envVariables: Record<string, string> }[] };
  expect(rc.functions.filter((f) => 'DINGHUO_ADMIN_KEY' in f.envVariables).map((f) => f.name)).toEqual(['admin']);
  expect(rc.functions.find((f) => f.name === 'admin')!.envVariables.DINGHUO_ADMIN_KEY).toBe('{{env.DINGHUO_ADMIN_KEY}}');

  const file = path.join(outDir, 'admin', 'index.js');
  const key = 'bundle-test-admin-key-0123456789abcdef';
  const input = { kind: 'stock', rows: [], dryRun: true };
  const events = [
    { action: 'importRows', input, operator: signOperatorCall('another-key-that-is-long-enough-000000', 'admin', 'importRows', input) },
    { action: 'importRows', input, operator: signOperatorCall(key, 'admin', 'importRows', input, Date.now() - 3_600_000) },
    { action: 'monthlyReport', input: { month: '2027-01' }, operator: signOperatorCall(key, 'admin', 'monthlyReport', { month: '2027-01' }) },
  ];
  const script = (evs: unknown[]) => `
    const { main } = require(${JSON.stringify(file)});
    Promise.all(${JSON.stringify(evs)}.map((e) => main(e, { environ: 'WX_APPID=wx123;TCB_ENV=prod' }))).then((r) => console.log(JSON.stringify(r)));
  `;
  const codes = (answers: unknown) => (answers as { error?: { code: string } }[]).map((a) => a.error?.code);
  expect(codes(runNode(script(events), { DINGHUO_ADMIN_KEY: key }))).toEqual(['OPERATOR_SIGNATURE_INVALID', 'OPERATOR_SIGNATURE_EXPIRED', 'OPERATOR_NOT_ALLOWED']);
  expect(codes(runNode(script(events.slice(0, 1))))).toEqual(['OPERATOR_NOT_CONFIGURED']);
});

test('no bundle contains better-sqlite3', () => {
  for (const r of results) {
    expect(fs.readFileSync(r.file, 'utf8').includes('better-sqlite3')).toBe(false);
    expect(Object.keys(r.byPackage)).not.toContain('better-sqlite3');
  }
});

test('a function that reaches better-sqlite3 fails to bundle', async () => {
  const srcDir = fixtureDir();
  try {
    fs.mkdirSync(path.join(srcDir, 'leaky'));
    fs.writeFileSync(
      path.join(srcDir, 'leaky', 'index.ts'),
      `import Database from 'better-sqlite3';\nexport const main = async () => new Database(':memory:').open;\n`,
    );
    await expect(bundleFunction('leaky', path.join(srcDir, 'out'), { srcDir })).rejects.toThrow(/reaches better-sqlite3/);
  } finally {
    fs.rmSync(srcDir, { recursive: true, force: true });
  }
});

test('a lazily required wx-server-sdk stays external and is listed in the function package.json', async () => {
  const srcDir = fixtureDir();
  try {
    fs.mkdirSync(path.join(srcDir, 'sender'));
    fs.writeFileSync(
      path.join(srcDir, 'sender', 'index.ts'),
      `export const main = async () => require('wx-server-sdk').DYNAMIC_CURRENT_ENV;\n`,
    );
    const r = await bundleFunction('sender', path.join(srcDir, 'out'), { srcDir });
    expect(r.externals).toEqual(['wx-server-sdk']);
    const pkg = JSON.parse(fs.readFileSync(path.join(srcDir, 'out', 'sender', 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies)).toEqual(['wx-server-sdk']);
    expect(cloudbaseConfig(['sender'], { sender: r.externals }).functions).toEqual([
      expect.objectContaining({ name: 'sender', installDependency: true }),
    ]);
  } finally {
    fs.rmSync(srcDir, { recursive: true, force: true });
  }
});

test('cloudbaserc.json lists every function and is in sync (npm run build:functions regenerates it)', async () => {
  const r = await checkCloudbaserc(Object.fromEntries(results.map((b) => [b.name, b.externals])));
  if (!r.ok) console.error('cloudbaserc.json is out of date: run npm run build:functions and commit it');
  expect(r.actual).toBe(r.expected);
  const rc = JSON.parse(r.actual!) as ReturnType<typeof cloudbaseConfig> & {
    functions: { name: string; handler: string; installDependency: boolean; triggers?: { type: string; config: string }[] }[];
  };
  expect(rc.functions.map((f) => f.name)).toEqual(functionNames());
  for (const f of rc.functions) {
    expect(f.handler).toBe('index.main');
    // A bundle with no external package needs no install on Cloudbase.
    const bundle = results.find((b) => b.name === f.name)!;
    expect(f.installDependency).toBe(bundle.externals.length > 0);
  }
  // Functions with a timer handler get a timer trigger.
  for (const name of functionNames()) {
    const src = fs.readFileSync(path.join(ROOT, 'cloudfunctions', name, 'index.ts'), 'utf8');
    const fn = rc.functions.find((f) => f.name === name)!;
    if (/\btimer\s*:/.test(src)) {
      expect(fn.triggers?.[0]?.type).toBe('timer');
      expect(fn.triggers?.[0]?.config.split(' ')).toHaveLength(7);
    }
  }
});
