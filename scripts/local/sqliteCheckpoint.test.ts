/**
 * A file-backed SqliteStore checkpoints its WAL on a worker thread (commits never wait for the
 * fsync of a checkpoint): the writes reach the database file itself while the store is open,
 * and a closed store reopens with everything in it.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from './sqliteStore';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dinghuo-ckpt-'));
});
// Each test awaits its stores' close(), which resolves once the checkpoint worker has let go of the files.
afterEach(() => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 }));

async function writeStock(store: SqliteStore, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await store.transaction(async (tx) => {
      await tx.set('stock', { _id: `sku_${i}`, onHand: 100, reserved: 0, available: 100 });
      await tx.set('skus', {
        _id: `sku_${i}`, code: `C${i}`, productId: 'p', categoryId: 'c', name: '商品'.repeat(20), spec: '', baseUnit: '件',
        caseUnit: '箱', caseSize: 12, caseOnly: false, listPriceFen: 100, moq: 1, active: true, madeToOrder: false, leadTimeDays: 3,
      });
    });
  }
}

test('the main connection does not checkpoint; the worker copies the WAL into the database file', async () => {
  const store = new SqliteStore({ dataDir: dir });
  try {
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await writeStock(store, 300);
    let copied = 0;
    // The worker checkpoints every 200 ms once it has started; on a loaded machine starting it
    // (a thread that loads better-sqlite3) alone can take seconds: wait up to 30 s, not 5.
    const deadline = Date.now() + 30_000;
    for (let attempt = 0; Date.now() < deadline && copied < 300; attempt++) {
      await sleep(100);
      // The database file alone (without its WAL), copied aside, holds what was checkpointed.
      const snapshot = path.join(dir, `snapshot-${attempt}.sqlite`);
      fs.copyFileSync(path.join(dir, 'dinghuo.sqlite'), snapshot);
      const db = new Database(snapshot, { readonly: true });
      try {
        copied = (db.prepare('SELECT count(*) AS n FROM stock').get() as { n: number }).n;
      } catch {
        copied = 0; // not even the tables are in the file yet
      } finally {
        db.close();
      }
    }
    expect(copied).toBe(300);
  } finally {
    await store.close();
  }
});

test('a closed store reopens with every write, and the same data dir can be opened again and again', async () => {
  const first = new SqliteStore({ dataDir: dir });
  await writeStock(first, 50);
  await first.patch('stock', 'sku_7', { reserved: 5 });
  await first.close();
  for (let round = 0; round < 3; round++) {
    const again = new SqliteStore({ dataDir: dir });
    expect(await again.count('stock', {})).toBe(50);
    expect((await again.get('stock', 'sku_7'))?.reserved).toBe(5 + round);
    await again.patch('stock', 'sku_7', { reserved: 6 + round });
    await again.close();
  }
});

test('a script that awaits close() runs on after it: the process waits for the checkpoint worker to exit', () => {
  // The worker is unref'd while the store is open; a script whose last await is close() must
  // not find its event loop empty and end before the rest of it runs.
  const script = [
    `const { SqliteStore } = require(${JSON.stringify(path.join(__dirname, 'sqliteStore'))});`,
    `(async () => {`,
    `  const store = new SqliteStore({ dataDir: ${JSON.stringify(dir)} });`,
    `  await store.set('stock', { _id: 'a', onHand: 1, reserved: 0, available: 1 });`,
    `  await store.close();`,
    `  console.log('after close');`,
    `})();`,
  ].join('\n');
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8', timeout: 60_000 });
  expect(out.trim()).toBe('after close');
  const db = new Database(path.join(dir, 'dinghuo.sqlite'), { readonly: true });
  try {
    expect(db.prepare(`SELECT count(*) FROM stock`).pluck().get()).toBe(1);
  } finally {
    db.close();
  }
}, 60_000);

test('an in-memory store has no checkpointer and keeps SQLite defaults', async () => {
  const store = new SqliteStore({ dataDir: ':memory:' });
  try {
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('memory');
  } finally {
    await store.close();
  }
});

describe('the WAL stays bounded under sustained writes', () => {
  async function walAfter(limit: number | undefined): Promise<number> {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dinghuo-wal-'));
    const store = new SqliteStore({ dataDir: d, ...(limit !== undefined ? { walLimitBytes: limit } : {}) });
    try {
      let max = 0;
      for (let round = 0; round < 8; round++) {
        await writeStock(store, 400);
        max = Math.max(max, fs.statSync(path.join(d, 'dinghuo.sqlite-wal')).size);
      }
      return max;
    } finally {
      await store.close();
      fs.rmSync(d, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
    }
  }

  test('with a 256 KiB limit the WAL never grows far past it; without one it does', async () => {
    const limit = 256 * 1024;
    const bounded = await walAfter(limit);
    const unbounded = await walAfter(Number.MAX_SAFE_INTEGER);
    // one look every 32 calls: the file may pass the limit by what those calls wrote
    expect(bounded).toBeLessThan(2 * 1024 * 1024);
    expect(unbounded).toBeGreaterThan(bounded * 2);
  }, 180_000);
});
