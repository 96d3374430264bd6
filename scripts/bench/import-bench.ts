/**
 * Import benchmark: 100,000 price rows from a CSV into a fresh embedded database, end to end
 * (read with exceljs, validate, compare with what exists, write in one SQLite transaction).
 *
 *   npx tsx scripts/bench/import-bench.ts [--rows 100000] [--keep]
 *
 * Set-up (not timed as the figure): 2,000 SKUs, 5 levels and 45 customers imported from
 * generated files. Then timed: the price file import, and a second import of the same file
 * (which must find every row unchanged and write nothing).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../local/sqliteStore';
import { parseArgs, runLocalImport } from '../import/cli';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const ROWS = Number(flag('rows') ?? 100_000);
const SKUS = 2000;
const LEVELS = ['金牌经销商', '银牌批发', '铜牌批发', '零售门店', '餐饮渠道'];
const targetsNeeded = Math.ceil(ROWS / SKUS);
const CUSTOMERS = Math.max(0, targetsNeeded - LEVELS.length);

function writeCsv(file: string, header: string[], rows: (string | number)[][]): void {
  const lines = [header.join(',')];
  for (const r of rows) lines.push(r.join(','));
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dinghuo-import-bench-'));
  const dataDir = path.join(dir, 'data');
  const sku = (i: number) => `B${String(i).padStart(5, '0')}`;
  const cus = (i: number) => `K${String(i).padStart(4, '0')}`;

  writeCsv(
    path.join(dir, 'products.csv'),
    ['商品编码', '商品名称', '规格', '分类', '单位', '箱规(件/箱)', '标准价(元)'],
    Array.from({ length: SKUS }, (_, i) => [sku(i), `商品${i % 400}`, `规格${i % 5}`, `分类${i % 12}`, '件', 12 + (i % 4) * 6, ((1000 + i * 7) / 100).toFixed(2)]),
  );
  writeCsv(
    path.join(dir, 'customers.csv'),
    ['客户编码', '客户名称', '客户等级', '跟单员', '信用额度(元)'],
    Array.from({ length: CUSTOMERS }, (_, i) => [cus(i), `客户${i}`, LEVELS[i % LEVELS.length]!, `跟单员${i % 4}`, 100000]),
  );
  const targets: [string, string][] = [...LEVELS.map((l) => ['等级', l] as [string, string]), ...Array.from({ length: CUSTOMERS }, (_, i) => ['客户', cus(i)] as [string, string])];
  const priceRows: (string | number)[][] = [];
  for (let t = 0; t < targets.length && priceRows.length < ROWS; t++) {
    for (let s = 0; s < SKUS && priceRows.length < ROWS; s++) {
      const base = 1000 + s * 7 - (t % 7) * 10;
      const withBreaks = s % 3 === 0;
      priceRows.push([
        targets[t]![0],
        targets[t]![1],
        sku(s),
        (base / 100).toFixed(2),
        withBreaks ? 120 : '',
        withBreaks ? ((base - 50) / 100).toFixed(2) : '',
        withBreaks ? 600 : '',
        withBreaks ? ((base - 100) / 100).toFixed(2) : '',
      ]);
    }
  }
  const priceFile = path.join(dir, 'prices.csv');
  writeCsv(priceFile, ['价格类型(等级/客户)', '等级或客户编码', '商品编码', '单价(元)', '阶梯1数量', '阶梯1单价(元)', '阶梯2数量', '阶梯2单价(元)'], priceRows);

  const store = new SqliteStore({ dataDir });
  const run = (kind: string, file: string) => runLocalImport(parseArgs([kind, file, '--quiet']), store);
  await run('products', path.join(dir, 'products.csv'));
  await run('customers', path.join(dir, 'customers.csv'));

  const t0 = process.hrtime.bigint();
  const first = await run('prices', priceFile);
  const s1 = Number(process.hrtime.bigint() - t0) / 1e9;
  const t1 = process.hrtime.bigint();
  const second = await run('prices', priceFile);
  const s2 = Number(process.hrtime.bigint() - t1) / 1e9;
  const count = await store.count('prices', {});
  store.close();

  const cpus = os.cpus();
  console.log('import benchmark — price list CSV into a fresh SqliteStore (file, WAL)');
  console.log(`  machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, node ${process.version}`);
  console.log(`  file: ${priceRows.length} rows, ${(fs.statSync(priceFile).size / 2 ** 20).toFixed(1)} MiB`);
  console.log(`  first import:  ${s1.toFixed(2)} s, ${Math.round(priceRows.length / s1)} rows/s — created ${first.created}, bad ${first.bad.length}, ${first.writes} writes`);
  console.log(`  re-import:     ${s2.toFixed(2)} s, ${Math.round(priceRows.length / s2)} rows/s — unchanged ${second.unchanged}, ${second.writes} writes`);
  console.log(`  price entries in the database: ${count}`);
  if (first.bad.length || first.created !== priceRows.length || second.writes !== 0 || count !== priceRows.length) {
    console.error('  UNEXPECTED RESULT');
    process.exitCode = 1;
  }
  if (!process.argv.includes('--keep')) fs.rmSync(dir, { recursive: true, force: true });
  else console.log(`  kept: ${dir}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
