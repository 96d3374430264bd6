/**
 * Size budgets of the weapp build, as WeChat counts them (scripts/build-sizes.js measures):
 *  - the main package (everything outside the subpackage roots of app.json) ≤ 600 KB, and it
 *    holds every tab page (customer and merchandiser tabs: WeChat requires tab pages there);
 *  - each subpackage ≤ 2 MB; everything together ≤ 20 MB.
 * Exits non-zero when over budget. Also reports each cloud function's esbuild bundle size and
 * its cold require time (a fresh `node` process per bundle, median of 5).
 *
 *   npx tsx scripts/bench/sizes.ts [--dist miniprogram/dist/weapp] [--no-functions]
 *
 * Build the weapp first (npm run build:weapp); the jest test scripts/bench/sizes.test.ts does.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleAll, ROOT } from '../deploy/bundle-functions';
import { kb, machineLine, median, ms, size, table, type BenchReport, runAsScript } from './util';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { measureWeapp } = require('../build-sizes.js') as {
  measureWeapp: (dist: string) => { main: number; subpackages: Record<string, number>; total: number };
};

export const WEAPP_DIST = path.join(ROOT, 'miniprogram/dist/weapp');
export const BUDGETS = { mainBytes: 600 * 1024, subpackageBytes: 2 * 1024 * 1024, totalBytes: 20 * 1024 * 1024 };

export interface WeappSizeCheck {
  dist: string;
  main: number;
  subpackages: Record<string, number>;
  total: number;
  tabPages: string[];
  violations: string[];
}

interface AppJson {
  pages?: string[];
  subPackages?: { root: string; pages: string[] }[];
  subpackages?: { root: string; pages: string[] }[];
  tabBar?: { list?: { pagePath: string }[] };
}

export function checkWeappSizes(dist = WEAPP_DIST, budgets = BUDGETS): WeappSizeCheck {
  const appJsonFile = path.join(dist, 'app.json');
  if (!fs.existsSync(appJsonFile)) throw new Error(`no weapp build at ${dist}: run npm run build:weapp`);
  const app = JSON.parse(fs.readFileSync(appJsonFile, 'utf8')) as AppJson;
  const roots = (app.subPackages ?? app.subpackages ?? []).map((s) => s.root.replace(/\/$/, ''));
  const sizes = measureWeapp(dist);
  const violations: string[] = [];
  if (sizes.main > budgets.mainBytes) violations.push(`main package ${kb(sizes.main)} > ${kb(budgets.mainBytes)}`);
  for (const [root, bytes] of Object.entries(sizes.subpackages)) {
    if (bytes > budgets.subpackageBytes) violations.push(`subpackage ${root} ${kb(bytes)} > ${size(budgets.subpackageBytes)}`);
  }
  if (sizes.total > budgets.totalBytes) violations.push(`total ${kb(sizes.total)} > ${size(budgets.totalBytes)}`);
  const tabPages = (app.tabBar?.list ?? []).map((t) => t.pagePath.replace(/^\//, ''));
  for (const page of tabPages) {
    if (roots.some((r) => page === r || page.startsWith(`${r}/`))) violations.push(`tab page ${page} is inside a subpackage`);
    if (!fs.existsSync(path.join(dist, `${page}.js`))) violations.push(`tab page ${page} is missing from the main package`);
  }
  return { dist, ...sizes, tabPages, violations };
}

export interface FunctionSize {
  name: string;
  bytes: number;
  requireMs: number[];
  topPackages: [string, number][];
}

/** Bundles every function into a temp dir and times `require` in fresh Node processes. */
export async function measureFunctions(runs = 5): Promise<FunctionSize[]> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dinghuo-bench-bundles-'));
  try {
    const bundles = await bundleAll(outDir);
    return bundles.map((b) => {
      const requireMs: number[] = [];
      for (let i = 0; i < runs; i++) {
        const out = execFileSync(
          process.execPath,
          ['-e', `const t=process.hrtime.bigint();const m=require(${JSON.stringify(b.file)});const d=Number(process.hrtime.bigint()-t)/1e6;if(typeof m.main!=='function')process.exit(3);console.log(d)`],
          { cwd: os.tmpdir(), encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } as unknown as NodeJS.ProcessEnv },
        );
        requireMs.push(Number(out.trim()));
      }
      const topPackages = Object.entries(b.byPackage)
        .sort((x, y) => y[1] - x[1])
        .slice(0, 3);
      return { name: b.name, bytes: b.bytes, requireMs, topPackages };
    });
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

export async function runSizesBenchmark(argv: string[] = []): Promise<BenchReport> {
  const machine = machineLine();
  const distIdx = argv.indexOf('--dist');
  const dist = distIdx >= 0 && argv[distIdx + 1] ? path.resolve(argv[distIdx + 1]!) : WEAPP_DIST;
  const weapp = checkWeappSizes(dist);
  const parts = [
    '### Sizes',
    '',
    `Command: \`npx tsx scripts/bench/sizes.ts\` (after \`npm run build:weapp\`) · machine: ${machine}`,
    '',
    `Weapp build (${path.relative(ROOT, dist) || dist}), as WeChat counts packages (source maps and licence files left out):`,
    '',
    table(
      ['package', 'size', 'budget'],
      [
        [`main (${weapp.tabPages.length} tab pages: ${weapp.tabPages.join(', ')})`, kb(weapp.main), kb(BUDGETS.mainBytes)],
        ...Object.entries(weapp.subpackages).map(([root, bytes]) => [`subpackage ${root}`, kb(bytes), size(BUDGETS.subpackageBytes)]),
        ['total', size(weapp.total), size(BUDGETS.totalBytes)],
      ],
    ),
    '',
    weapp.violations.length ? `**Over budget**: ${weapp.violations.join('; ')}` : 'All within budget (checked by `scripts/bench/sizes.test.ts` in `npm test`).',
  ];
  if (!argv.includes('--no-functions')) {
    const fns = await measureFunctions();
    parts.push(
      '',
      'Cloud function bundles (`npm run build:functions`: esbuild, minified, node18, CommonJS) and their cold `require` time ' +
        '(a fresh `node` process per bundle, median of 5):',
      '',
      table(
        ['function', 'bundle', 'cold require (median)', 'largest parts'],
        fns.map((f) => [
          f.name,
          size(f.bytes),
          ms(median(f.requireMs), 1),
          f.topPackages.map(([p, b]) => `${p} ${kb(b)}`).join(', '),
        ]),
      ),
    );
  }
  return {
    title: 'Sizes',
    command: 'npx tsx scripts/bench/sizes.ts',
    markdown: parts.join('\n'),
    pass: weapp.violations.length === 0,
    misses: weapp.violations,
    summary: [
      ['Weapp main package (all tab pages)', `≤ ${kb(BUDGETS.mainBytes)}`, kb(weapp.main), weapp.main <= BUDGETS.mainBytes],
      [
        'Largest weapp subpackage',
        `≤ ${size(BUDGETS.subpackageBytes)}`,
        kb(Math.max(0, ...Object.values(weapp.subpackages))),
        Object.values(weapp.subpackages).every((b) => b <= BUDGETS.subpackageBytes),
      ],
      ['Weapp total', `≤ ${size(BUDGETS.totalBytes)}`, size(weapp.total), weapp.total <= BUDGETS.totalBytes],
    ],
  };
}

if (require.main === module) runAsScript(runSizesBenchmark, 'over budget');
