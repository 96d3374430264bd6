/**
 * The weapp size budgets hold for the real build (built first when missing), and the check
 * (scripts/bench/sizes.ts) fails — with a non-zero exit — when a build is over budget.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUDGETS, checkWeappSizes, WEAPP_DIST } from './sizes';
import { ROOT } from '../deploy/bundle-functions';

function ensureWeappBuild(): void {
  if (fs.existsSync(path.join(WEAPP_DIST, 'app.json')) && fs.existsSync(path.join(WEAPP_DIST, 'app.js'))) return;
  execFileSync('npm', ['run', 'build:weapp'], { cwd: ROOT, stdio: 'pipe', timeout: 300_000 });
}

/** A fake weapp dist: app.json plus files of the given sizes. */
function fakeDist(files: Record<string, number>, app: object): string {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'dinghuo-fake-weapp-'));
  fs.writeFileSync(path.join(dist, 'app.json'), JSON.stringify(app));
  for (const [file, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dist, file)), { recursive: true });
    fs.writeFileSync(path.join(dist, file), Buffer.alloc(bytes, 'a'));
  }
  return dist;
}

const APP = {
  pages: ['pages/home/index', 'pages/staff/index'],
  subPackages: [{ root: 'packageA', pages: ['detail/index'] }],
  tabBar: { list: [{ pagePath: 'pages/home/index' }, { pagePath: 'pages/staff/index' }] },
};

test('the weapp build is within budget and its main package holds every tab page', () => {
  ensureWeappBuild();
  const r = checkWeappSizes(WEAPP_DIST);
  expect(r.violations).toEqual([]);
  expect(r.main).toBeGreaterThan(10 * 1024);
  expect(r.main).toBeLessThanOrEqual(BUDGETS.mainBytes);
  expect(r.total).toBeLessThanOrEqual(BUDGETS.totalBytes);
  const app = JSON.parse(fs.readFileSync(path.join(WEAPP_DIST, 'app.json'), 'utf8')) as { tabBar: { list: { pagePath: string }[] } };
  expect(r.tabPages).toEqual(app.tabBar.list.map((t) => t.pagePath));
  for (const [, bytes] of Object.entries(r.subpackages)) expect(bytes).toBeLessThanOrEqual(BUDGETS.subpackageBytes);
}, 300_000);

test('a main package over 600 KB, a subpackage over 2 MB and a tab page in a subpackage are violations', () => {
  const dist = fakeDist(
    { 'pages/home/index.js': 400 * 1024, 'vendors.js': 250 * 1024, 'packageA/detail/index.js': 2 * 1024 * 1024 + 1, 'pages/staff/index.js': 10 },
    { ...APP, tabBar: { list: [...APP.tabBar.list, { pagePath: 'packageA/detail/index' }] } },
  );
  try {
    const r = checkWeappSizes(dist);
    // app.json counts too: it is part of the main package.
    expect(r.main).toBe(650 * 1024 + 10 + fs.statSync(path.join(dist, 'app.json')).size);
    expect(r.violations).toEqual([
      expect.stringContaining('main package'),
      expect.stringContaining('subpackage packageA'),
      'tab page packageA/detail/index is inside a subpackage',
    ]);
  } finally {
    fs.rmSync(dist, { recursive: true, force: true });
  }
});

test('source maps and licence files do not count, and a build just within budget passes', () => {
  const dist = fakeDist(
    { 'pages/home/index.js': 590 * 1024, 'pages/home/index.js.map': 900 * 1024, 'vendors.js.LICENSE.txt': 50 * 1024, 'pages/staff/index.js': 10 },
    APP,
  );
  try {
    expect(checkWeappSizes(dist).violations).toEqual([]);
  } finally {
    fs.rmSync(dist, { recursive: true, force: true });
  }
});

test('the size check exits non-zero over budget and zero within it', () => {
  const over = fakeDist({ 'pages/home/index.js': 601 * 1024, 'pages/staff/index.js': 10 }, APP);
  const within = fakeDist({ 'pages/home/index.js': 100 * 1024, 'pages/staff/index.js': 10 }, APP);
  try {
    const run = (dist: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/bench/sizes.ts'), '--dist', dist, '--no-functions'], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 180_000,
      });
    const bad = run(over);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('over budget: main package');
    const good = run(within);
    expect(good.status).toBe(0);
    expect(good.stdout).toContain('All within budget');
  } finally {
    fs.rmSync(over, { recursive: true, force: true });
    fs.rmSync(within, { recursive: true, force: true });
  }
}, 300_000);
