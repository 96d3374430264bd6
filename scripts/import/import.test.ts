/**
 * The import end to end against the real embedded database: the sample files (CSV and XLSX),
 * idempotent re-imports, dry runs, bad rows, GB18030 files, and orders priced by the real
 * services from what was imported.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseYuanToFen, type ImportKind } from '@dinghuo/shared';
import { SqliteStore } from '../local/sqliteStore';
import { COLLECTION_NAMES } from '../../cloudfunctions/_lib/data/store';
import { submitOrder } from '../../cloudfunctions/_lib/services/orders';
import { loadConfig } from '../../cloudfunctions/_lib/config';
import { exitCodeOf, formatReport, parseArgs, runLocalImport } from './cli';
import { buildSamplesWorkbook } from './samples/make-xlsx';

const SAMPLES = path.join(__dirname, 'samples');
const ORDER: ImportKind[] = ['products', 'customers', 'prices', 'stock'];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dinghuo-import-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function csvRows(file: string): string[][] {
  return fs.readFileSync(path.join(SAMPLES, file), 'utf8').trim().split('\n').map((l) => l.split(','));
}
/** Data rows of a sample file (the expected number of records). */
const dataRows = (kind: ImportKind) => csvRows(`${kind}.csv`).length - 1;

function snapshot(store: SqliteStore, skip: string[] = ['importRuns']): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const c of COLLECTION_NAMES) {
    if (skip.includes(c)) continue;
    out[c] = (store.db.prepare(`SELECT doc FROM "${c}" ORDER BY id`).all() as { doc: string }[]).map((r) => JSON.parse(r.doc));
  }
  return out;
}

const args = (kind: ImportKind, file: string, extra: string[] = []) => parseArgs([kind, file, '--quiet', ...extra]);

async function importAll(store: SqliteStore, fileOf: (k: ImportKind) => string, extra: string[] = []) {
  const reports = [];
  for (const kind of ORDER) reports.push(await runLocalImport(args(kind, fileOf(kind), extra), store));
  return reports;
}

describe('importing the sample files into an empty database', () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = new SqliteStore({ dataDir: ':memory:' });
  });
  afterEach(() => store.close());

  it('creates every record, and a second import of the same files changes nothing', async () => {
    const first = await importAll(store, (k) => path.join(SAMPLES, `${k}.csv`));
    for (const r of first) {
      expect(r).toMatchObject({ written: true, created: dataRows(r.kind), updated: 0, unchanged: 0, bad: [] });
    }
    expect(await store.count('skus', {})).toBe(dataRows('products'));
    expect(await store.count('customers', {})).toBe(dataRows('customers'));
    expect(await store.count('prices', {})).toBe(dataRows('prices'));
    const before = snapshot(store);

    const second = await importAll(store, (k) => path.join(SAMPLES, `${k}.csv`));
    for (const r of second) expect(r).toMatchObject({ created: 0, updated: 0, unchanged: dataRows(r.kind), writes: 0 });
    expect(snapshot(store)).toEqual(before);
  });

  it('reads the XLSX workbook (one sheet per kind, a title line on one) into the same records', async () => {
    const xlsx = path.join(tmp, 'samples.xlsx');
    await (await buildSamplesWorkbook()).xlsx.writeFile(xlsx);
    await importAll(store, () => xlsx);
    const other = new SqliteStore({ dataDir: ':memory:' });
    try {
      await importAll(other, (k) => path.join(SAMPLES, `${k}.csv`));
      // A customer without an invitation code in the sheet gets a random one.
      const strip = (s: Record<string, unknown[]>) => ({
        ...s,
        customers: (s.customers as { invitationCode: string; code: string }[]).map((c) => (c.code === 'K1003' ? { ...c, invitationCode: '' } : c)),
      });
      expect(strip(snapshot(store))).toEqual(strip(snapshot(other)));
    } finally {
      other.close();
    }
  });

  it('prices orders placed through the real order service from the imported price lists', async () => {
    await importAll(store, (k) => path.join(SAMPLES, `${k}.csv`));
    const prices = csvRows('prices.csv');
    const header = prices[0]!;
    const find = (target: string, sku: string) => prices.find((r) => r[1] === target && r[2] === sku)!;
    const own = find('K1001', 'QP-550');
    const breakQty = Number(own[header.indexOf('阶梯1数量')]);
    const breakPrice = parseYuanToFen(own[header.indexOf('阶梯1单价(元)')]!)!;
    const silver = parseYuanToFen(find('银牌批发', 'QP-550')[header.indexOf('单价(元)')]!)!;

    const config = loadConfig({} as NodeJS.ProcessEnv);
    const placedBy = { role: 'customer' as const, name: '店长' };
    const k1 = await submitOrder(store, 'cus_K1001', placedBy, { requestId: 'import-test-1', lines: [{ skuId: 'sku_QP-550', unit: 'piece', count: breakQty }], addressId: 'addr_1', requestedDate: null, remark: '' }, Date.now(), config);
    expect(k1.lines[0]).toMatchObject({ unitPriceFen: breakPrice, priceSource: 'customer', amountFen: breakPrice * breakQty });
    const k2 = await submitOrder(store, 'cus_K1002', placedBy, { requestId: 'import-test-2', lines: [{ skuId: 'sku_QP-550', unit: 'case', count: 1 }], addressId: 'addr_1', requestedDate: null, remark: '' }, Date.now(), config);
    expect(k2.lines[0]).toMatchObject({ unitPriceFen: silver, priceSource: 'level' });
    // The reservation made by the order survives a stock re-import.
    const reserved = (await store.get('stock', 'sku_QP-550'))!.reserved;
    expect(reserved).toBe(breakQty + 24);
    const again = await runLocalImport(args('stock', path.join(SAMPLES, 'stock.csv')), store);
    expect(again.unchanged).toBe(dataRows('stock'));
    expect((await store.get('stock', 'sku_QP-550'))!.reserved).toBe(reserved);
  });

  it('writes nothing on a dry run, but reports what it would do', async () => {
    const before = snapshot(store, []);
    const r = await runLocalImport(args('products', path.join(SAMPLES, 'products.csv'), ['--dry-run']), store);
    expect(r).toMatchObject({ dryRun: true, written: false, created: dataRows('products') });
    expect(r.writes).toBeGreaterThan(dataRows('products')); // SKUs plus their products and categories
    expect(snapshot(store, [])).toEqual(before);
    expect(formatReport(r)).toContain('试运行');
  });

  it('writes nothing when a row is bad, and only the good rows with --skip-bad', async () => {
    const file = path.join(tmp, 'bad-products.csv');
    fs.writeFileSync(file, ['商品编码,商品名称,标准价(元),箱规', 'G1,好商品,2.50,24', 'B1,坏价格,2.5.0,24', 'G2,好商品二,3,12', ',没有编码,1,1', 'G1,重复,2,2'].join('\n'));
    const refused = await runLocalImport(args('products', file), store);
    expect(refused.written).toBe(false);
    expect(refused.bad.map((b) => [b.row, b.reason])).toEqual([
      [3, '标准价「2.5.0」不是有效金额（以元为单位，最多两位小数）'],
      [5, '商品编码不能为空'],
      [6, '与第 2 行重复'],
    ]);
    expect(exitCodeOf(refused)).toBe(1);
    expect(await store.count('skus', {})).toBe(0);
    expect(await store.count('categories', {})).toBe(0);

    const skipped = await runLocalImport(args('products', file, ['--skip-bad']), store);
    expect(skipped).toMatchObject({ written: true, created: 2, skipped: 3 });
    expect(exitCodeOf(skipped)).toBe(0);
    expect((await store.get('skus', 'sku_G1'))!.listPriceFen).toBe(250);
    expect(await store.get('skus', 'sku_B1')).toBeNull();
  });

  it('reads a GB18030 CSV saved by Excel, with a title line, in the same way', async () => {
    const text = fs.readFileSync(path.join(SAMPLES, 'products.csv'), 'utf8');
    const gbk = path.join(tmp, 'products-gbk.csv');
    // GB18030 bytes of the title and the sample (encoded through the platform's TextDecoder table).
    fs.writeFileSync(gbk, encodeGb18030(`商品资料（导出）\n${text}`));
    const r = await runLocalImport(args('products', gbk), store);
    expect(r.bad).toEqual([]);
    expect(r.created).toBe(dataRows('products'));
    expect((await store.get('skus', 'sku_QP-550'))!.name).toBe(csvRows('products.csv')[1]![1]);
  });

  it('rejects a file whose header lacks a required column, naming it', async () => {
    const file = path.join(tmp, 'no-stock.csv');
    fs.writeFileSync(file, '商品编码,备注\nA,1\n');
    await expect(runLocalImport(args('stock', file), store)).rejects.toMatchObject({ code: 'IMPORT_HEADER_INVALID', message: expect.stringContaining('现有库存') });
    await expect(runLocalImport(args('stock', path.join(tmp, 'missing.csv')), store)).rejects.toMatchObject({ code: 'IMPORT_FILE_UNREADABLE' });
  });
});

/** A GB18030 encoder built from the decoder (Node ships only the decoding direction). */
function encodeGb18030(text: string): Buffer {
  const table = new Map<string, number[]>();
  const dec = new TextDecoder('gb18030');
  const needed = new Set([...text].filter((ch) => ch.charCodeAt(0) > 0x7f));
  for (let hi = 0x81; hi <= 0xfe && table.size < needed.size; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const ch = dec.decode(Uint8Array.from([hi, lo]));
      if (needed.has(ch) && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  const bytes: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) <= 0x7f) bytes.push(ch.charCodeAt(0));
    else {
      const b = table.get(ch);
      if (!b) throw new Error(`no GB18030 two-byte code for ${ch}`);
      bytes.push(...b);
    }
  }
  return Buffer.from(bytes);
}
