/**
 * Group commit in SqliteStore: the writes of the requests in flight share one SQLite commit, and
 * a caller is answered only once its write is committed (seen by another connection on the same
 * file); a write that fails fails alone; a transaction stands apart from the batch.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from './sqliteStore';

let dir: string;
let store: SqliteStore;
let other: Database.Database;
const committedDoc = (id: string) => other.prepare(`SELECT doc FROM "stock" WHERE id = ?`).pluck().get(id) as string | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dinghuo-groupcommit-'));
  store = new SqliteStore({ dataDir: dir });
  other = new Database(path.join(dir, 'dinghuo.sqlite'), { readonly: true });
});
afterEach(async () => {
  other.close();
  // Resolves once the store's checkpoint worker has closed its own connection (its -wal/-shm files).
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
});

test('concurrent writes share one commit, and each answers only once another connection sees it', async () => {
  const seenWhenAnswered: boolean[] = [];
  const commitsBefore = store.commits;
  const writes = Array.from({ length: 50 }, (_, i) =>
    store.insert('stock', { _id: `s${i}`, onHand: i, reserved: 0, available: i }).then(() => {
      seenWhenAnswered.push(committedDoc(`s${i}`) !== undefined);
    }),
  );
  // Before the event loop turns, nothing is committed: another connection sees none of them.
  expect(committedDoc('s0')).toBeUndefined();
  await Promise.all(writes);
  expect(seenWhenAnswered).toEqual(Array(50).fill(true));
  expect(other.prepare(`SELECT count(*) FROM "stock"`).pluck().get()).toBe(50);
  // One commit for all 50, not one each.
  expect(store.commits - commitsBefore).toBe(1);
  // A read alone opens no batch and commits nothing.
  await store.get('stock', 's1');
  expect(store.commits - commitsBefore).toBe(1);
});

test('a write that fails in a batch fails alone; the others in the batch commit', async () => {
  await store.insert('stock', { _id: 'dup', onHand: 1, reserved: 0, available: 1 });
  const results = await Promise.allSettled([
    store.insert('stock', { _id: 'a', onHand: 1, reserved: 0, available: 1 }),
    store.insert('stock', { _id: 'dup', onHand: 2, reserved: 0, available: 2 }),
    store.updateWhere('stock', { _id: 'dup', available: { $gte: 1 } }, { available: { $inc: -1 }, reserved: { $inc: 1 } }),
    store.insert('stock', { _id: 'b', onHand: 1, reserved: 0, available: 1 }),
  ]);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  expect((results[1] as PromiseRejectedResult).reason.code).toBe('DUPLICATE_ID');
  expect(JSON.parse(committedDoc('dup')!)).toEqual({ _id: 'dup', onHand: 1, reserved: 1, available: 0 });
  expect(committedDoc('a')).toBeDefined();
  expect(committedDoc('b')).toBeDefined();
});

test('a transaction commits the open batch first and then stands alone: its rollback undoes only itself', async () => {
  const before = store.insert('stock', { _id: 'kept', onHand: 5, reserved: 0, available: 5 });
  const tx = store.transaction(async (t) => {
    await t.insert('stock', { _id: 'rolled', onHand: 1, reserved: 0, available: 1 });
    throw new Error('refused');
  });
  await expect(tx).rejects.toThrow('refused');
  await before;
  expect(committedDoc('kept')).toBeDefined();
  expect(committedDoc('rolled')).toBeUndefined();
  expect(await store.get('stock', 'rolled')).toBeNull();
});

test('close commits a batch still open', async () => {
  const write = store.insert('stock', { _id: 'late', onHand: 1, reserved: 0, available: 1 });
  store.close();
  await write;
  expect(committedDoc('late')).toBeDefined();
  store = new SqliteStore({ dataDir: dir }); // for afterEach
});
