/**
 * The local store keeps master-data documents (SKUs, prices, customers…) parsed after a read by
 * id. What it answers must still be what the database holds: after a write through the store,
 * inside or outside a transaction, a transaction that rolls back, and a commit by another
 * connection on the same file (an import run from the CLI while the server runs).
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Sku } from '@dinghuo/shared';
import { SqliteStore } from './sqliteStore';

let dir: string;
let store: SqliteStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dinghuo-cache-'));
  store = new SqliteStore({ dataDir: dir });
});
afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
});

function sku(id: string, listPriceFen: number): Sku {
  return {
    _id: id, code: id.toUpperCase(), productId: 'p', categoryId: 'c', name: '商品', spec: '', baseUnit: '件', caseUnit: '箱',
    caseSize: 12, caseOnly: false, listPriceFen, moq: 1, active: true, madeToOrder: false, leadTimeDays: 3,
  };
}

const price = async (id: string) => (await store.get('skus', id))?.listPriceFen ?? null;
const prices = async (ids: string[]) =>
  Object.fromEntries((await store.getMany('skus', ids)).map((s) => [s._id, s.listPriceFen]));

test('every write through the store is read back, by get and by getMany', async () => {
  await store.set('skus', sku('a', 100));
  expect(await price('a')).toBe(100);
  expect(await prices(['a', 'b'])).toEqual({ a: 100 }); // b cached as absent
  await store.insert('skus', sku('b', 200));
  expect(await prices(['a', 'b'])).toEqual({ a: 100, b: 200 });
  await store.patch('skus', 'a', { listPriceFen: 110 });
  expect(await price('a')).toBe(110);
  await store.updateWhere('skus', { active: true }, { listPriceFen: { $inc: 5 } });
  expect(await prices(['a', 'b'])).toEqual({ a: 115, b: 205 });
  await store.set('skus', sku('b', 300));
  expect(await price('b')).toBe(300);
  await store.remove('skus', 'a');
  expect(await price('a')).toBeNull();
  expect(await prices(['a', 'b'])).toEqual({ b: 300 });
});

test('a transaction’s writes are read after it commits, and a rolled-back one leaves the committed value', async () => {
  await store.set('skus', sku('a', 100));
  expect(await price('a')).toBe(100);
  await store.transaction(async (tx) => {
    await tx.patch('skus', 'a', { listPriceFen: 120 });
    expect((await tx.get('skus', 'a'))?.listPriceFen).toBe(120);
  });
  expect(await price('a')).toBe(120);
  await expect(
    store.transaction(async (tx) => {
      await tx.patch('skus', 'a', { listPriceFen: 999 });
      await tx.insert('skus', sku('c', 1));
      expect((await tx.get('skus', 'a'))?.listPriceFen).toBe(999);
      throw new Error('abort');
    }),
  ).rejects.toThrow('abort');
  expect(await price('a')).toBe(120);
  expect(await price('c')).toBeNull();
});

test('a commit by another connection on the same file is seen at the next read', async () => {
  await store.set('skus', sku('a', 100));
  expect(await price('a')).toBe(100);
  expect(await price('z')).toBeNull();
  const other = new Database(path.join(dir, 'dinghuo.sqlite'));
  try {
    other.prepare(`UPDATE skus SET doc = json_set(doc, '$.listPriceFen', 150) WHERE id = 'a'`).run();
    other.prepare('INSERT INTO skus (id, doc) VALUES (?, ?)').run('z', JSON.stringify(sku('z', 7)));
  } finally {
    other.close();
  }
  expect(await price('a')).toBe(150);
  expect(await prices(['a', 'z'])).toEqual({ a: 150, z: 7 });
});

test('reads inside a group-commit batch see what another connection committed before it began', async () => {
  // A batch holds the write lock, so the store looks at data_version once per batch: the look
  // must come after the batch began, in every batch.
  await store.set('skus', sku('a', 100));
  const other = new Database(path.join(dir, 'dinghuo.sqlite'), { timeout: 0 });
  const stock = (id: string) => ({ _id: id, onHand: 1, reserved: 0, available: 1 });
  try {
    for (const [i, fen] of [101, 102, 103].entries()) {
      // A write opens a batch; a read made in the same turn runs inside it.
      const [, seen] = await Promise.all([store.set('stock', stock(`s${i}`)), price('a')]);
      expect(seen).toBe(i === 0 ? 100 : fen - 1);
      other.prepare(`UPDATE skus SET doc = json_set(doc, '$.listPriceFen', ?) WHERE id = 'a'`).run(fen);
    }
    // While a batch is open no other connection can commit (why one look per batch is enough).
    const write = store.set('stock', stock('s9'));
    expect(() => other.prepare(`UPDATE skus SET doc = json_set(doc, '$.listPriceFen', 1) WHERE id = 'a'`).run()).toThrow(/locked|busy/i);
    const [, seen] = await Promise.all([write, price('a')]);
    expect(seen).toBe(103);
  } finally {
    other.close();
  }
});

test('a cached document is shared, so it is frozen: changing one means writing it', async () => {
  await store.set('skus', sku('a', 100));
  const first = (await store.get('skus', 'a'))!;
  expect(() => {
    (first as { listPriceFen: number }).listPriceFen = 1;
  }).toThrow(TypeError);
  expect(await price('a')).toBe(100);
  // Collections that change all the time (stock, orders) are not cached: their documents are the caller's.
  await store.set('stock', { _id: 'a', onHand: 5, reserved: 0, available: 5 });
  const stock = (await store.get('stock', 'a'))!;
  stock.onHand = 6;
  expect((await store.get('stock', 'a'))?.onHand).toBe(5);
});
