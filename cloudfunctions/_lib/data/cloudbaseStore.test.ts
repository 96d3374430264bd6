/**
 * One Store conformance suite, run against both implementations:
 * - SqliteStore (the local embedded database, ':memory:');
 * - CloudbaseStore through the REAL @cloudbase/node-sdk 3.18.3, pointed at a local emulator
 *   (testing/cloudbaseEmulator.ts) that records every request and answers it from in-memory
 *   documents with MongoDB-like semantics (mingo; snapshot transactions with write conflicts).
 * Then, for Cloudbase only, what goes over the wire: inside a transaction only doc-by-id
 * operations carrying the transaction id, updates sent as operator fields (never wrapped in
 * `data`), every query with an explicit limit ≤ 1000.
 */
import { DomainError } from '@dinghuo/shared';
import { SqliteStore } from '../../../scripts/local/sqliteStore';
import { createCloudbaseStore } from './cloudbaseStore';
import { findAll, MAX_QUERY_LIMIT, type Filter, type Store } from './store';
import { CloudbaseEmulator, type RecordedRequest } from './testing/cloudbaseEmulator';
import { cloudbaseStoreFor, emulatorDb, useLocalCloudbaseEnv } from './testing/cloudbaseTestStore';

/** A loose document type: the suite uses the `orders` collection as a generic one. */
interface Row {
  _id: string;
  [k: string]: unknown;
}

interface Harness {
  store: Store;
  /** Loads documents directly (fast path for large fixtures). */
  load(docs: Row[]): Promise<void>;
  emulator: CloudbaseEmulator | null;
  close(): Promise<void>;
}

const C = 'orders' as const;

async function sqliteHarness(): Promise<Harness> {
  const store = new SqliteStore({ dataDir: ':memory:' });
  return {
    store,
    emulator: null,
    load: async (docs) => {
      for (const d of docs) store.insertSync(C, d as never);
    },
    close: async () => store.close(),
  };
}

async function cloudbaseHarness(): Promise<Harness> {
  const emulator = await CloudbaseEmulator.start();
  const store = cloudbaseStoreFor(emulator);
  return {
    store,
    emulator,
    load: async (docs) => {
      // One insertDocument request per 200 documents, through the SDK.
      const db = emulatorDb(emulator);
      for (let i = 0; i < docs.length; i += 200) await db.collection(C).add(docs.slice(i, i + 200));
    },
    close: () => emulator.close(),
  };
}

const FIXTURE: Row[] = [
  { _id: 'a', n: 1, s: 'Apple', tag: 'x', nested: { k: 1, name: '华联超市' }, flag: true, opt: null },
  { _id: 'b', n: 2, s: 'banana', tag: 'y', nested: { k: 2, name: '永辉便利' }, flag: false },
  { _id: 'c', n: 3, s: 'Cherry', tag: 'x', nested: { k: 3, name: '小马副食' }, flag: true, opt: 'set' },
  { _id: 'd', n: 4, s: 'Date.2', tag: 'z', nested: { k: 4, name: '华联二店' }, flag: false },
  { _id: 'e', n: 5, s: 'elder', nested: { k: 5, name: 'Elder Co' } },
];

const ids = (rows: unknown[]): string[] => (rows as Row[]).map((r) => r._id).sort();
const asRow = (r: unknown): Row => r as Row;

describe.each([
  ['SqliteStore', sqliteHarness],
  ['CloudbaseStore via node-sdk + emulator', cloudbaseHarness],
])('Store conformance: %s', (_name, make) => {
  let h: Harness;
  let store: Store;
  beforeEach(async () => {
    h = await make();
    store = h.store;
    for (const d of FIXTURE) await store.insert(C, d as never);
  });
  afterEach(() => h.close());

  it('get returns the document or null; getMany leaves out missing ids and repeats', async () => {
    expect(await store.get(C, 'c')).toEqual(FIXTURE[2]);
    expect(await store.get(C, 'nope')).toBeNull();
    expect(ids(await store.getMany(C, ['a', 'zz', 'c', 'a']))).toEqual(['a', 'c']);
    expect(await store.getMany(C, [])).toEqual([]);
  });

  const cases: [string, Filter, string[]][] = [
    ['equality', { tag: 'x' }, ['a', 'c']],
    ['$eq', { tag: { $eq: 'x' } }, ['a', 'c']],
    ['$ne (missing fields match)', { tag: { $ne: 'x' } }, ['b', 'd', 'e']],
    ['$gt', { n: { $gt: 3 } }, ['d', 'e']],
    ['$gte', { n: { $gte: 3 } }, ['c', 'd', 'e']],
    ['$lt', { n: { $lt: 2 } }, ['a']],
    ['$lte', { n: { $lte: 2 } }, ['a', 'b']],
    ['a range', { n: { $gte: 2, $lt: 4 } }, ['b', 'c']],
    ['$in', { tag: { $in: ['x', 'z'] } }, ['a', 'c', 'd']],
    ['$in on _id', { _id: { $in: ['a', 'e', 'zz'] } }, ['a', 'e']],
    ['$nin (missing fields match)', { tag: { $nin: ['x'] } }, ['b', 'd', 'e']],
    ['$exists true (null counts as present)', { opt: { $exists: true } }, ['a', 'c']],
    ['$exists false', { opt: { $exists: false } }, ['b', 'd', 'e']],
    ['null matches null and missing', { opt: null }, ['a', 'b', 'd', 'e']],
    ['$eq null', { opt: { $eq: null } }, ['a', 'b', 'd', 'e']],
    ['$ne null', { opt: { $ne: null } }, ['c']],
    ['boolean', { flag: true }, ['a', 'c']],
    ['$contains is case-insensitive', { s: { $contains: 'AN' } }, ['b']],
    ['$contains takes regex characters literally', { s: { $contains: '.' } }, ['d']],
    ['$contains on a dot path, Chinese', { 'nested.name': { $contains: '华联' } }, ['a', 'd']],
    ['dot path comparison', { 'nested.k': { $lte: 2 } }, ['a', 'b']],
    ['$or', { $or: [{ tag: 'y' }, { n: { $gte: 5 } }] }, ['b', 'e']],
    ['$or with other fields', { tag: 'x', $or: [{ n: 1 }, { n: 4 }] }, ['a']],
    ['undefined conditions are ignored', { tag: undefined, n: { $lt: 3 } }, ['a', 'b']],
  ];
  it.each(cases)('find and count: %s', async (_label, filter, expected) => {
    expect(ids(await store.find(C, filter, { limit: 100 }))).toEqual(expected);
    expect(await store.count(C, filter)).toBe(expected.length);
  });

  it('$hasAny: an array field holding one of the values (catalog visibility), with other conditions, ordered and paged', async () => {
    await h.load([
      { _id: 'v1', vis: ['*'], k: 1, grp: 'g' },
      { _id: 'v2', vis: ['lv:a', 'cu:x'], k: 2, grp: 'g' },
      { _id: 'v3', vis: ['lv:b'], k: 3, grp: 'g' },
      { _id: 'v4', vis: [], k: 4, grp: 'g' },
      { _id: 'v5', k: 5, grp: 'g' },
      { _id: 'v6', vis: ['cu:y', 'lv:b'], k: 6, grp: 'h' },
      { _id: 'v7', vis: [1, 'lv:a'], k: 7, grp: 'g' },
      // A scalar is compared as MongoDB's $in compares it.
      { _id: 'v8', vis: 'cu:y', k: 8, grp: 'h' },
    ]);
    const cases: [Filter, string[]][] = [
      [{ vis: { $hasAny: ['*', 'lv:a', 'cu:z'] } }, ['v1', 'v2', 'v7']],
      [{ vis: { $hasAny: ['lv:b'] } }, ['v3', 'v6']],
      [{ vis: { $hasAny: ['cu:x', 'cu:y'] } }, ['v2', 'v6', 'v8']],
      [{ vis: { $hasAny: [1] } }, ['v7']],
      [{ vis: { $hasAny: ['nobody'] } }, []],
      [{ vis: { $hasAny: [] } }, []],
      [{ grp: 'g', vis: { $hasAny: ['lv:b', '*'] } }, ['v1', 'v3']],
      [{ vis: { $hasAny: ['lv:b'] }, $or: [{ k: 3 }, { k: 6 }, { k: 1 }] }, ['v3', 'v6']],
    ];
    for (const [filter, expected] of cases) {
      expect(ids(await store.find(C, filter, { limit: 100 }))).toEqual(expected);
      expect(await store.count(C, filter)).toBe(expected.length);
    }
    const page = await store.find(C, { vis: { $hasAny: ['*', 'lv:a', 'lv:b'] } }, { orderBy: [['k', 'desc']], skip: 1, limit: 2 });
    expect(page.map((r) => asRow(r)._id)).toEqual(['v6', 'v3']);
  });

  it('orderBy (several keys, missing first ascending), skip and limit', async () => {
    const sorted = await store.find(C, {}, { orderBy: [['tag', 'asc'], ['n', 'desc']], limit: 100 });
    expect(sorted.map((r) => asRow(r)._id)).toEqual(['e', 'c', 'a', 'b', 'd']);
    const page = await store.find(C, {}, { orderBy: [['n', 'asc']], skip: 1, limit: 2 });
    expect(page.map((r) => asRow(r)._id)).toEqual(['b', 'c']);
    const desc = await store.find(C, { flag: { $exists: true } }, { orderBy: [['nested.k', 'desc']], limit: 3 });
    expect(desc.map((r) => asRow(r)._id)).toEqual(['d', 'c', 'b']);
  });

  it('a limit over 1000 is refused; findAll pages past 1000', async () => {
    await expect(store.find(C, {}, { limit: MAX_QUERY_LIMIT + 1 })).rejects.toThrow(/limit/);
    const many: Row[] = Array.from({ length: 1203 }, (_, i) => ({ _id: `m${String(i).padStart(5, '0')}`, bulk: true, i }));
    await h.load(many);
    const all = await findAll(store, C, { bulk: true });
    expect(all.length).toBe(1203);
    expect(new Set(all.map((r) => asRow(r)._id)).size).toBe(1203);
    expect(asRow(all[1202]).i).toBe(1202);
  });

  it('insert of an existing id fails and changes nothing', async () => {
    await expect(store.insert(C, { _id: 'a', n: 99 } as never)).rejects.toMatchObject({ code: 'DUPLICATE_ID' });
    expect(await store.get(C, 'a')).toEqual(FIXTURE[0]);
  });

  it('set replaces the whole document, or creates it', async () => {
    await store.set(C, { _id: 'a', n: 10, other: 'v' } as never);
    expect(await store.get(C, 'a')).toEqual({ _id: 'a', n: 10, other: 'v' });
    await store.set(C, { _id: 'new', n: 0 } as never);
    expect(await store.get(C, 'new')).toEqual({ _id: 'new', n: 0 });
  });

  it('patch: values, $inc, dot paths, nested objects replaced whole, undefined removes', async () => {
    await store.patch(C, 'a', {
      n: { $inc: 10 },
      'nested.k': 42,
      'nested.extra': 'v',
      tag: 'w',
      obj: { p: 1, q: [1, 2] },
      opt: undefined,
      counter: { $inc: 2 },
      s: null,
    });
    expect(await store.get(C, 'a')).toEqual({
      _id: 'a',
      n: 11,
      s: null,
      tag: 'w',
      nested: { k: 42, name: '华联超市', extra: 'v' },
      flag: true,
      obj: { p: 1, q: [1, 2] },
      counter: 2,
    });
    await store.patch(C, 'a', { obj: { r: 3 }, n: { $inc: -20 } });
    expect(await store.get(C, 'a')).toMatchObject({ obj: { r: 3 }, n: -9 });
  });

  it('patch of a missing document creates nothing', async () => {
    await store.patch(C, 'ghost', { n: { $inc: 1 } });
    expect(await store.get(C, 'ghost')).toBeNull();
  });

  it('updateWhere returns how many documents it updated; a condition matching none returns 0', async () => {
    expect(await store.updateWhere(C, { tag: 'x' }, { state: 'done', n: { $inc: 100 } })).toBe(2);
    expect(ids(await store.find(C, { state: 'done' }, { limit: 10 }))).toEqual(['a', 'c']);
    expect(asRow(await store.get(C, 'c')).n).toBe(103);
    // The conditional reservation pattern: decrement only if enough is left.
    expect(await store.updateWhere(C, { _id: 'b', n: { $gte: 3 } }, { n: { $inc: -3 } })).toBe(0);
    expect(asRow(await store.get(C, 'b')).n).toBe(2);
    expect(await store.updateWhere(C, { _id: 'b', n: { $gte: 2 } }, { n: { $inc: -2 } })).toBe(1);
    expect(asRow(await store.get(C, 'b')).n).toBe(0);
  });

  it('remove deletes one document; removing a missing one is not an error', async () => {
    await store.remove(C, 'b');
    await store.remove(C, 'b');
    expect(await store.get(C, 'b')).toBeNull();
    expect(await store.count(C, {})).toBe(4);
  });

  it('transaction commits every write together and returns the callback value', async () => {
    const out = await store.transaction(async (tx) => {
      const a = asRow(await tx.get(C, 'a'));
      expect(await tx.get(C, 'missing')).toBeNull();
      await tx.patch(C, 'a', { n: (a.n as number) + 1, 'nested.k': { $inc: 5 } });
      await tx.set(C, { _id: 'b', replaced: true } as never);
      await tx.insert(C, { _id: 'f', n: 6 } as never);
      await tx.remove(C, 'c');
      // The transaction reads its own writes.
      expect(asRow(await tx.get(C, 'a')).n).toBe(2);
      expect(await tx.get(C, 'f')).toEqual({ _id: 'f', n: 6 });
      expect(await tx.get(C, 'c')).toBeNull();
      return 'ok';
    });
    expect(out).toBe('ok');
    expect(await store.get(C, 'a')).toMatchObject({ n: 2, nested: { k: 6 } });
    expect(await store.get(C, 'b')).toEqual({ _id: 'b', replaced: true });
    expect(await store.get(C, 'f')).toEqual({ _id: 'f', n: 6 });
    expect(await store.get(C, 'c')).toBeNull();
  });

  it('a DomainError thrown inside a transaction rolls back every write and reaches the caller as is', async () => {
    const before = ids(await store.find(C, {}, { limit: 100 }));
    const err = await store
      .transaction(async (tx) => {
        await tx.patch(C, 'a', { n: { $inc: 1000 } });
        await tx.insert(C, { _id: 'g', n: 7 } as never);
        await tx.remove(C, 'b');
        await tx.set(C, { _id: 'c', gone: true } as never);
        throw new DomainError('OUT_OF_STOCK', '库存不足，可订 0', { skuId: 'x' });
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('OUT_OF_STOCK');
    expect(ids(await store.find(C, {}, { limit: 100 }))).toEqual(before);
    for (const d of FIXTURE) expect(await store.get(C, d._id)).toEqual(d);
  });

  it('an insert of an existing id inside a transaction fails it and nothing is written', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.patch(C, 'b', { n: 50 });
        await tx.insert(C, { _id: 'a', n: 0 } as never);
      }),
    ).rejects.toMatchObject({ code: 'DUPLICATE_ID' });
    expect(await store.get(C, 'b')).toEqual(FIXTURE[1]);
    expect(await store.get(C, 'a')).toEqual(FIXTURE[0]);
  });

  it('concurrent read-modify-write transactions lose no update', async () => {
    await store.set(C, { _id: 'counter', n: 0 } as never);
    const N = 12;
    await Promise.all(
      Array.from({ length: N }, () =>
        store.transaction(async (tx) => {
          const c = asRow(await tx.get(C, 'counter'));
          await tx.patch(C, 'counter', { n: (c.n as number) + 1 });
        }),
      ),
    );
    expect(asRow(await store.get(C, 'counter')).n).toBe(N);
  });
});

// --- what the SDK sends (Cloudbase only) --------------------------------------------------------

describe('CloudbaseStore on the wire (real node-sdk requests recorded by the emulator)', () => {
  let emu: CloudbaseEmulator;
  let store: Store;
  beforeEach(async () => {
    emu = await CloudbaseEmulator.start();
    store = cloudbaseStoreFor(emu);
    for (const d of FIXTURE) await store.insert(C, d as never);
    emu.takeRequests();
  });
  afterEach(() => emu.close());

  const DOC_BY_ID_ACTIONS = ['database.getDocument', 'database.modifyDocument', 'database.removeDocument'];

  it('inside a transaction only doc-by-id operations and add are sent, each carrying the transaction id', async () => {
    await store.transaction(async (tx) => {
      await tx.get(C, 'a');
      await tx.patch(C, 'a', { n: { $inc: 1 } });
      await tx.set(C, { _id: 'b', n: 0 } as never);
      await tx.insert(C, { _id: 'h', n: 8 } as never);
      await tx.remove(C, 'c');
    });
    const reqs = emu.takeRequests();
    expect(reqs.map((r) => r.action)).toEqual([
      'database.startTransaction',
      'database.getDocument',
      'database.modifyDocument',
      'database.modifyDocument',
      'database.insertDocument',
      'database.removeDocument',
      'database.commitTransaction',
    ]);
    const txId = reqs[reqs.length - 1]!.transactionId;
    expect(txId).toBeTruthy();
    for (const r of reqs.slice(1, -1)) {
      expect(r.transactionId).toBe(txId);
      expect(r.action).not.toBe('database.calculateDocument');
      if (DOC_BY_ID_ACTIONS.includes(r.action)) {
        expect(r.queryType).toBe('DOC');
        expect(Object.keys(r.query ?? {})).toEqual(['_id']);
        expect(r.multi).toBe(false);
      } else {
        expect(r.action).toBe('database.insertDocument');
      }
    }
    expect(reqs.every((r) => !r.error)).toBe(true);
  });

  it('a failed transaction is rolled back on the server (abortTransaction) and leaves no open transaction', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.patch(C, 'a', { n: 5 });
        throw new DomainError('CREDIT_LIMIT_EXCEEDED');
      }),
    ).rejects.toMatchObject({ code: 'CREDIT_LIMIT_EXCEEDED' });
    const actions = emu.takeRequests().map((r) => r.action);
    expect(actions[actions.length - 1]).toBe('database.abortTransaction');
    expect(actions).not.toContain('database.commitTransaction');
    expect(emu.openTransactions()).toBe(0);
  });

  it('updates are sent as operator fields, never wrapped in `data`', async () => {
    await store.patch(C, 'a', { reserved: { $inc: 3 }, 'nested.k': 9, note: 'x', obj: { p: 1 }, opt: undefined });
    await store.updateWhere(C, { _id: 'b', n: { $gte: 1 } }, { n: { $inc: -1 } });
    await store.transaction(async (tx) => tx.patch(C, 'c', { reserved: { $inc: 2 } }));
    const updates = emu.takeRequests().filter((r) => r.action === 'database.modifyDocument');
    expect(updates).toHaveLength(3);
    const [patch, where, inTx] = updates as [RecordedRequest, RecordedRequest, RecordedRequest];
    expect(patch.data).toEqual({
      $inc: { reserved: 3 },
      $set: { 'nested.k': 9, note: 'x', obj: { p: 1 } },
      $unset: { opt: '' },
    });
    expect(patch.merge).toBe(true);
    expect(where.queryType).toBe('WHERE');
    expect(where.query).toEqual({ _id: 'b', n: { $gte: 1 } });
    expect(where.data).toEqual({ $inc: { n: -1 } });
    expect(where.transactionId).toBeUndefined();
    expect(inTx.data).toEqual({ $inc: { reserved: 2 } });
    expect(inTx.transactionId).toBeTruthy();
    // The serialized form the SDK puts on the wire: EJSON, typed numbers, no `data` key.
    expect(JSON.parse(inTx.body.data as string)).toEqual({ $inc: { reserved: { $numberInt: '2' } } });
    for (const u of updates) expect(JSON.stringify(u.data)).not.toMatch(/"data"/);
    expect(await store.get(C, 'a')).not.toHaveProperty('data');
  });

  it('set sends a replacement (merge: false, upsert) without _id in the data', async () => {
    await store.set(C, { _id: 'a', n: 1 } as never);
    const [r] = emu.takeRequests();
    expect(r).toMatchObject({ action: 'database.modifyDocument', queryType: 'DOC', merge: false, upsert: true });
    expect(r!.data).toEqual({ n: 1 });
    expect(r!.query).toEqual({ _id: 'a' });
  });

  it('every query carries an explicit limit ≤ 1000: find as asked, getMany and findAll at 1000', async () => {
    await store.find(C, { tag: 'x' }, { limit: 20, skip: 3, orderBy: [['n', 'desc']] });
    await store.getMany(C, ['a', 'b']);
    await findAll(store, C, {});
    await store.count(C, { tag: 'x' });
    const reqs = emu.takeRequests();
    const queries = reqs.filter((r) => r.action === 'database.getDocument');
    expect(queries.map((q) => q.limit)).toEqual([20, 1000, 1000]);
    expect(queries[0]).toMatchObject({ offset: 3, order: { n: -1 }, query: { tag: 'x' } });
    expect(queries[1]!.query).toEqual({ _id: { $in: ['a', 'b'] } });
    for (const q of queries) {
      expect(typeof q.body.limit).toBe('number');
      expect(q.limit!).toBeLessThanOrEqual(MAX_QUERY_LIMIT);
    }
    expect(reqs.filter((r) => r.action === 'database.calculateDocument')).toHaveLength(1);
  });

  it('a find with limit 0 sends no query (the SDK would turn 0 into its default 100)', async () => {
    expect(await store.find(C, {}, { limit: 0 })).toEqual([]);
    expect(emu.takeRequests().filter((r) => r.action === 'database.getDocument')).toHaveLength(0);
  });

  it('$contains is sent as a case-insensitive regular expression with the text escaped', async () => {
    await store.find(C, { 'nested.name': { $contains: 'a.b(c' } }, { limit: 5 });
    const [q] = emu.takeRequests();
    expect(JSON.parse(q!.body.query as string)).toEqual({
      'nested.name': { $regularExpression: { pattern: 'a\\.b\\(c', options: 'i' } },
    });
  });

  it('concurrent transactions on one document conflict and are retried until all succeed', async () => {
    await store.set(C, { _id: 'hot', n: 0 } as never);
    emu.takeRequests();
    const N = 20;
    // 20 writers on one document: with the default 10 attempts one of them can lose every round
    // when the machine is loaded (seen with a build beside the suite); this test is about the
    // retries, so it gives them the budget of a rush (as orders.cloudbase.test.ts does).
    const rush = cloudbaseStoreFor(emu, { retry: { attempts: 40, baseDelayMs: 5, maxDelayMs: 250 } });
    await Promise.all(
      Array.from({ length: N }, () =>
        rush.transaction(async (tx) => {
          const c = asRow(await tx.get(C, 'hot'));
          await tx.patch(C, 'hot', { n: (c.n as number) + 1 });
        }),
      ),
    );
    expect(asRow(await store.get(C, 'hot')).n).toBe(N);
    const reqs = emu.takeRequests();
    // The emulator really did refuse conflicting writes, so the retries were exercised.
    expect(reqs.filter((r) => r.error === 'DATABASE_TRANSACTION_CONFLICT').length).toBeGreaterThan(0);
    expect(reqs.filter((r) => r.action === 'database.commitTransaction' && !r.error)).toHaveLength(N);
    expect(emu.openTransactions()).toBe(0);
  });

  it('a conflict that outlasts the retries becomes DomainError CONFLICT, after rolling back each attempt', async () => {
    const patient = cloudbaseStoreFor(emu, { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    // Another transaction holds the document for the whole time.
    const holder = await emulatorDb(emu).startTransaction();
    await holder.collection(C).doc('a').update({ n: 100 });
    emu.takeRequests();
    const err = await patient
      .transaction(async (tx) => {
        await tx.patch(C, 'b', { n: 20 });
        await tx.patch(C, 'a', { n: 10 });
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('CONFLICT');
    const reqs = emu.takeRequests();
    expect(reqs.filter((r) => r.action === 'database.startTransaction')).toHaveLength(3);
    expect(reqs.filter((r) => r.error === 'DATABASE_TRANSACTION_CONFLICT')).toHaveLength(3);
    expect(reqs.filter((r) => r.action === 'database.commitTransaction')).toHaveLength(0);
    await holder.commit();
    expect(await store.get(C, 'a')).toMatchObject({ n: 100 });
    expect(await store.get(C, 'b')).toEqual(FIXTURE[1]);
    expect(emu.openTransactions()).toBe(0);
  });
});

describe('the emulator behaves like Cloudbase transactions (raw SDK calls)', () => {
  let emu: CloudbaseEmulator;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let db: any;
  beforeEach(async () => {
    emu = await CloudbaseEmulator.start();
    db = emulatorDb(emu);
    await db.collection('stock').add({ _id: 's', onHand: 5, reserved: 0 });
  });
  afterEach(() => emu.close());

  it('a transaction reads its snapshot, and writing a document committed since then conflicts', async () => {
    const t = await db.startTransaction();
    expect((await t.collection('stock').doc('s').get()).data).toMatchObject({ reserved: 0 });
    await db.collection('stock').doc('s').update({ reserved: db.command.inc(2) });
    expect((await t.collection('stock').doc('s').get()).data).toMatchObject({ reserved: 0 });
    await expect(t.collection('stock').doc('s').update({ reserved: 1 })).rejects.toMatchObject({
      code: 'DATABASE_TRANSACTION_CONFLICT',
    });
    expect(emu.openTransactions()).toBe(0);
    expect(emu.docs('stock')).toEqual([{ _id: 's', onHand: 5, reserved: 2 }]);
  });

  it('a write outside transactions waits for the transaction holding the document, then applies on top', async () => {
    const t = await db.startTransaction();
    await t.collection('stock').doc('s').update({ reserved: db.command.inc(3) });
    let outsideDone = false;
    const outside = db
      .collection('stock')
      .where({ _id: 's', onHand: db.command.gte(5) })
      .update({ onHand: db.command.inc(-5) })
      .then((r: { updated: number }) => {
        outsideDone = true;
        return r.updated;
      });
    await new Promise((r) => setTimeout(r, 30));
    expect(outsideDone).toBe(false);
    await t.commit();
    expect(await outside).toBe(1);
    expect(emu.docs('stock')).toEqual([{ _id: 's', onHand: 0, reserved: 3 }]);
  });
});

describe('createCloudbaseStore (the production factory) honours TCB_CONTEXT_CNFG', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ['TCB_CONTEXT_CNFG', 'TENCENTCLOUD_SECRETID', 'TENCENTCLOUD_SECRETKEY', 'TCB_CONTEXT_KEYS', 'TCB_ENV']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('sends to the URL from the context, to the current function environment', async () => {
    const emu = await CloudbaseEmulator.start();
    try {
      useLocalCloudbaseEnv();
      process.env.TCB_CONTEXT_CNFG = JSON.stringify({ URL: emu.url });
      process.env.TENCENTCLOUD_SECRETID = 'dummy-id';
      process.env.TENCENTCLOUD_SECRETKEY = 'dummy-key';
      // How the function runtime passes the environment id: TCB_ENV, listed in TCB_CONTEXT_KEYS.
      process.env.TCB_CONTEXT_KEYS = 'TCB_ENV';
      process.env.TCB_ENV = 'env-from-context';
      const store = createCloudbaseStore();
      await store.insert('stock', { _id: 'sku_1', onHand: 3, reserved: 0, available: 3 });
      expect(await store.get('stock', 'sku_1')).toEqual({ _id: 'sku_1', onHand: 3, reserved: 0, available: 3 });
      const reqs = emu.takeRequests();
      expect(reqs).toHaveLength(2);
      for (const r of reqs) {
        expect(r.body.envName).toBe('env-from-context');
        expect(r.url).toContain('env=env-from-context');
      }
    } finally {
      await emu.close();
    }
  });
});
