/**
 * 导入供应商的表格 (CSV / XLSX): products, price lists, customers, stock.
 *
 *   npm run import -- <kind> <file> [--dry-run] [--skip-bad] [--data-dir .data] [--sheet 工作表]
 *   npm run import -- <kind> <file> --env <envId> [--chunk 500]   (Cloudbase, via the admin function)
 *     (needs TENCENTCLOUD_SECRETID/SECRETKEY and DINGHUO_ADMIN_KEY, which signs each call: README.md)
 *
 * kind: products|商品, prices|价格表, customers|客户, stock|库存. Formats: scripts/import/README.md
 * and the samples in scripts/import/samples/.
 *
 * Locally the rows are written into the embedded database of --data-dir in one SQLite
 * transaction. Nothing is written when a row is bad, unless --skip-bad. Exit code: 0 done (or a
 * clean dry run), 1 bad rows (nothing written), 2 the file or the arguments are wrong.
 */
import path from 'node:path';
import cliProgress from 'cli-progress';
import { DomainError, IMPORT_KIND_LABELS, ImportKind, type ImportReport } from '@dinghuo/shared';
import { readSheetFile } from './readSheet';
import { sqliteBatchWriter } from './batchWrite';
import { importViaFunction } from './chunked';
import { operatorKeyOrThrow, signedImportCall } from './operatorCall';
import { SqliteStore } from '../local/sqliteStore';
import { importRows, type ImportPhase } from '../../cloudfunctions/_lib/services/importer';

const KIND_ALIASES: Record<string, ImportKind> = {
  products: 'products', product: 'products', skus: 'products', 商品: 'products',
  prices: 'prices', price: 'prices', 价格: 'prices', 价格表: 'prices',
  customers: 'customers', customer: 'customers', 客户: 'customers',
  stock: 'stock', 库存: 'stock',
};

export interface CliArgs {
  kind: ImportKind;
  file: string;
  dryRun: boolean;
  skipBad: boolean;
  dataDir: string;
  sheet?: string;
  env?: string;
  chunk: number;
  json: boolean;
  quiet: boolean;
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (['dry-run', 'skip-bad', 'json', 'quiet'].includes(name)) flags.set(name, true);
    else if (inline !== undefined) flags.set(name, inline);
    else if (argv[i + 1] !== undefined) flags.set(name, argv[++i]!);
    else throw new DomainError('VALIDATION_FAILED', `参数 --${name} 缺少值`);
  }
  const [kindText, file] = positional;
  const kind = kindText ? KIND_ALIASES[kindText.toLowerCase()] : undefined;
  if (!kind || !file) {
    throw new DomainError('VALIDATION_FAILED', '用法：npm run import -- <products|prices|customers|stock> <文件.csv|.xlsx> [--dry-run] [--skip-bad] [--data-dir .data]');
  }
  const str = (k: string) => (typeof flags.get(k) === 'string' ? (flags.get(k) as string) : undefined);
  return {
    kind,
    file,
    dryRun: flags.has('dry-run'),
    skipBad: flags.has('skip-bad'),
    dataDir: str('data-dir') ?? '.data',
    ...(str('sheet') ? { sheet: str('sheet')! } : {}),
    ...(str('env') ? { env: str('env')! } : {}),
    chunk: Math.min(1000, Math.max(1, Number(str('chunk') ?? 500) || 500)),
    json: flags.has('json'),
    quiet: flags.has('quiet'),
  };
}

const PHASE_LABELS: Record<ImportPhase | 'check', string> = { validate: '校验', load: '比对', write: '写入', check: '校验' };

/** The report as a person reads it (Chinese). */
export function formatReport(r: ImportReport, maxBad = 50): string {
  const lines: string[] = [];
  const label = IMPORT_KIND_LABELS[r.kind];
  const mode = r.dryRun ? '试运行（未写入）' : r.written ? (r.writes > 0 ? `已写入 ${r.writes} 条记录` : '没有变化，无需写入') : '未写入';
  lines.push(`导入${label}：共 ${r.rows} 行 — ${mode}`);
  lines.push(`  新建 ${r.created}，更新 ${r.updated}，不变 ${r.unchanged}${r.skipped ? `，跳过错误行 ${r.skipped}` : ''}`);
  const rel = r.related;
  const extra = [
    rel.categories.length && `分类 ${rel.categories.join('、')}`,
    rel.products.length && `产品 ${rel.products.length} 个`,
    rel.levels.length && `客户等级 ${rel.levels.join('、')}（折扣 100%，请在系统中核对）`,
    rel.staff.length && `跟单员 ${rel.staff.join('、')}`,
    rel.priceLists.length && `价格表 ${rel.priceLists.join('、')}`,
  ].filter(Boolean);
  if (extra.length) lines.push(`  同时新建：${extra.join('；')}`);
  if (r.bad.length) {
    lines.push(`  错误行 ${r.bad.length} 行${!r.written && !r.dryRun ? '（未写入任何数据；修正后重试，或加 --skip-bad 跳过错误行）' : ''}：`);
    for (const b of r.bad.slice(0, maxBad)) lines.push(`    第 ${b.row} 行${b.key ? `（${b.key}）` : ''}：${b.reason}`);
    if (r.bad.length > maxBad) lines.push(`    …… 另有 ${r.bad.length - maxBad} 行`);
  }
  if (r.warnings.length) {
    lines.push(`  提醒 ${r.warnings.length} 条：`);
    for (const w of r.warnings.slice(0, maxBad)) lines.push(`    第 ${w.row} 行${w.key ? `（${w.key}）` : ''}：${w.reason}`);
  }
  return lines.join('\n');
}

export function exitCodeOf(r: ImportReport): number {
  return r.bad.length > 0 && !r.written && r.skipped === 0 ? 1 : 0;
}

function progressBar(quiet: boolean) {
  if (quiet || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: '{phase} [{bar}] {percentage}% | {value}/{total}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let current = '';
  return {
    update(phase: ImportPhase | 'check', done: number, total: number) {
      const name = PHASE_LABELS[phase];
      if (!started || name !== current) {
        if (started) bar.stop();
        bar.start(Math.max(total, 1), done, { phase: name });
        started = true;
        current = name;
      } else {
        bar.setTotal(Math.max(total, 1));
        bar.update(done, { phase: name });
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** Runs an import into the local embedded database; returns the report. */
export async function runLocalImport(args: CliArgs, store?: SqliteStore): Promise<ImportReport> {
  const sheet = await readSheetFile(args.file, args.kind, args.sheet ? { sheet: args.sheet } : {});
  const own = !store;
  const db = store ?? new SqliteStore({ dataDir: path.resolve(args.dataDir) });
  const bar = progressBar(args.quiet || args.json);
  try {
    return await importRows(db, args.kind, sheet.rows, {
      dryRun: args.dryRun,
      skipBad: args.skipBad,
      now: Date.now(),
      file: path.basename(args.file),
      writer: sqliteBatchWriter(db, (n) => bar.update('write', n, n)),
      onProgress: (phase, done, total) => bar.update(phase, done, total),
    });
  } finally {
    bar.stop();
    if (own) db.close();
  }
}

/**
 * Runs an import against a Cloudbase environment through the admin function, in chunks. The
 * secret keys let the SDK call the function; the admin key (DINGHUO_ADMIN_KEY) signs each call so
 * the function accepts it as an operator call (cloudfunctions/_lib/operatorAuth.ts).
 */
async function runRemoteImport(args: CliArgs): Promise<ImportReport> {
  const secretId = process.env.TENCENTCLOUD_SECRETID;
  const secretKey = process.env.TENCENTCLOUD_SECRETKEY;
  if (!secretId || !secretKey) throw new DomainError('VALIDATION_FAILED', '请设置环境变量 TENCENTCLOUD_SECRETID 和 TENCENTCLOUD_SECRETKEY');
  const adminKey = operatorKeyOrThrow();
  const sheet = await readSheetFile(args.file, args.kind, args.sheet ? { sheet: args.sheet } : {});
  const tcb = (await import('@cloudbase/node-sdk')).default;
  const app = tcb.init({ env: args.env!, secretId, secretKey });
  const bar = progressBar(args.quiet || args.json);
  try {
    return await importViaFunction(
      signedImportCall(async (name, data) => (await app.callFunction({ name, data })).result, adminKey),
      args.kind,
      sheet.rows,
      { dryRun: args.dryRun, skipBad: args.skipBad, file: path.basename(args.file), chunkSize: args.chunk, onChunk: (p, d, t) => bar.update(p, d, t) },
    );
  } finally {
    bar.stop();
  }
}

async function main(): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  try {
    const started = Date.now();
    const report = args.env ? await runRemoteImport(args) : await runLocalImport(args);
    if (args.json) console.log(JSON.stringify(report, null, 2));
    else {
      console.log(formatReport(report));
      console.log(`  用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒${args.env ? `，环境 ${args.env}` : `，数据目录 ${path.resolve(args.dataDir)}`}`);
    }
    return exitCodeOf(report);
  } catch (e) {
    if (e instanceof DomainError) {
      console.error(`导入失败：${e.message}`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(2);
    },
  );
}
