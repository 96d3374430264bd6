/**
 * Runs every benchmark in sequence and prints one Markdown report; with --write it also
 * rewrites docs/PERFORMANCE.md from the figures just measured (nothing in it is typed by hand).
 *
 *   npm run bench                 # print
 *   npm run bench -- --write      # print and rewrite docs/PERFORMANCE.md
 *   npm run bench -- --only submit,pricing
 *   npm run bench -- --only admin-board --write   # updates only that section (and its target rows)
 *   (names: submit, submit-cloud, pricing, sizes, import, catalog-scroll, admin-board)
 *
 * The weapp size check needs a weapp build (npm run build:weapp), the catalog scroll benchmark an
 * H5 build (npm run build:h5) and the order board benchmark the back office build (npm run
 * build:admin); each is built here when missing.
 * Exits 1 when a target is missed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT } from '../deploy/bundle-functions';
import { runSubmitBenchmark } from './submit';
import { runSubmitCloudBenchmark } from './submit-cloud';
import { runPricingBenchmark } from './pricing';
import { runSizesBenchmark, WEAPP_DIST } from './sizes';
import { runCatalogScrollBenchmark } from './catalog-scroll';
import { runAdminBoardBenchmark } from './admin-board';
import { machineInfo, machineLine, table, type BenchReport } from './util';

const DOC = path.join(ROOT, 'docs/PERFORMANCE.md');

/** The spreadsheet import benchmark is its own script; its output is quoted as it prints it. */
function runImportBenchmark(): BenchReport {
  const script = path.join(ROOT, 'scripts/bench/import-bench.ts');
  const command = 'npx tsx scripts/bench/import-bench.ts';
  if (!fs.existsSync(script)) return { title: 'Spreadsheet import', command, markdown: '', pass: true, misses: [], summary: [] };
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  const pass = r.status === 0;
  return {
    title: 'Spreadsheet import',
    command,
    markdown: ['### Spreadsheet import', '', `Command: \`${command}\``, '', '```', out, '```'].join('\n'),
    pass,
    misses: pass ? [] : [`import benchmark exited with ${r.status}`],
    summary: [],
  };
}

const BENCHMARKS: Record<string, (argv: string[]) => Promise<BenchReport> | BenchReport> = {
  submit: runSubmitBenchmark,
  'submit-cloud': runSubmitCloudBenchmark,
  pricing: runPricingBenchmark,
  sizes: (argv) => {
    if (!fs.existsSync(path.join(WEAPP_DIST, 'app.json'))) {
      console.error('building the weapp (npm run build:weapp) for the size check…');
      execFileSync('npm', ['run', 'build:weapp'], { cwd: ROOT, stdio: 'inherit' });
    }
    return runSizesBenchmark(argv);
  },
  import: () => runImportBenchmark(),
  'catalog-scroll': runCatalogScrollBenchmark,
  'admin-board': runAdminBoardBenchmark,
};

function render(reports: BenchReport[], seconds: number): string {
  const m = machineInfo();
  const summary = reports.flatMap((r) => r.summary).map(([what, target, measured, met]) => [what, target, measured, met ? 'met' : '**missed**']);
  return [
    '# Performance',
    '',
    'Measured speed and size of 订货通, written by `npm run bench -- --write` (scripts/bench/run-all.ts) from the ' +
      'benchmark scripts under scripts/bench/ — nothing here is typed by hand. Each section names the command that ' +
      'measures it alone. The weapp size budgets are also checked on every `npm test` (scripts/bench/sizes.test.ts).',
    '',
    `Machine: ${machineLine(m)}. ` +
      'Figures are wall-clock times on a shared 2-core machine; expect a quiet laptop to be faster.',
    '',
    '## Targets',
    '',
    table(['what', 'target', 'measured', ''], summary),
    '',
    '## Figures',
    '',
    ...reports.filter((r) => r.markdown).flatMap((r) => [r.markdown, '']),
    `All benchmarks took ${Math.round(seconds)} s.`,
    '',
  ].join('\n');
}

/**
 * With --only, --write updates the existing document instead of replacing it: each report's
 * section (from its "### " heading to the next) and its rows of the targets table (matched by
 * their first cell) are replaced, or added; the other benchmarks' figures stay as measured.
 */
export function mergeIntoDoc(doc: string, reports: BenchReport[]): string {
  let out = doc;
  for (const r of reports) {
    if (!r.markdown) continue;
    const heading = r.markdown.split('\n')[0]!;
    const start = out.indexOf(`${heading}\n`);
    if (start >= 0) {
      const rest = out.slice(start + heading.length);
      const next = rest.search(/\n### |\nAll benchmarks took/);
      const end = next >= 0 ? start + heading.length + next + 1 : out.length;
      out = `${out.slice(0, start)}${r.markdown}\n\n${out.slice(end).replace(/^\n+/, '')}`;
    } else {
      const tail = out.search(/\nAll benchmarks took/);
      out = tail >= 0 ? `${out.slice(0, tail + 1)}${r.markdown}\n\n${out.slice(tail + 1)}` : `${out.trimEnd()}\n\n${r.markdown}\n`;
    }
    for (const [what, target, measured, met] of r.summary) {
      const row = `| ${what} | ${target} | ${measured} | ${met ? 'met' : '**missed**'} |`;
      const lines = out.split('\n');
      const i = lines.findIndex((l) => l.startsWith(`| ${what} |`));
      if (i >= 0) lines[i] = row;
      else {
        // append to the targets table (the first table after "## Targets")
        const t = lines.indexOf('## Targets');
        let j = t + 1;
        while (j < lines.length && !lines[j]!.startsWith('|')) j++;
        while (j < lines.length && lines[j]!.startsWith('|')) j++;
        lines.splice(j, 0, row);
      }
      out = lines.join('\n');
    }
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  const onlyIdx = argv.indexOf('--only');
  const only = onlyIdx >= 0 ? (argv[onlyIdx + 1] ?? '').split(',').filter(Boolean) : Object.keys(BENCHMARKS);
  const unknown = only.filter((n) => !(n in BENCHMARKS));
  if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(', ')} (known: ${Object.keys(BENCHMARKS).join(', ')})`);
  const t0 = performance.now();
  const reports: BenchReport[] = [];
  for (const name of only) {
    console.error(`— ${name} …`);
    const started = performance.now();
    const report = await BENCHMARKS[name]!(argv);
    console.error(`— ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s${report.pass ? '' : ` (missed: ${report.misses.join('; ')})`}`);
    reports.push(report);
  }
  const doc = render(reports, (performance.now() - t0) / 1000);
  console.log(doc);
  if (argv.includes('--write')) {
    fs.mkdirSync(path.dirname(DOC), { recursive: true });
    const partial = onlyIdx >= 0 && fs.existsSync(DOC);
    fs.writeFileSync(DOC, partial ? mergeIntoDoc(fs.readFileSync(DOC, 'utf8'), reports) : doc);
    console.error(`wrote ${path.relative(ROOT, DOC)}`);
  }
  return reports.every((r) => r.pass) ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(2);
    },
  );
}
