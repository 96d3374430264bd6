/**
 * SqliteStore.patchSync applies simple patches with one json_set UPDATE (the submit path's stock
 * and credit updates); whatever the patch, the stored document must equal applyPatch's result,
 * and a patch of a missing document reports false and writes nothing.
 */
import fc from 'fast-check';
import { SqliteStore, simplePatchSql } from './sqliteStore';
import { applyPatch, type Patch } from '../../cloudfunctions/_lib/data/store';

let store: SqliteStore;
beforeAll(() => {
  store = new SqliteStore({ dataDir: ':memory:' });
});
afterAll(() => store.close());

const scalar = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const docArb = fc.dictionary(
  fc.constantFrom('a', 'b', 'reserved', 'onHand', 'name', 'nested', '中文'),
  fc.oneof(scalar, fc.dictionary(fc.string(), scalar, { maxKeys: 3 }), fc.array(scalar, { maxLength: 3 })),
);
const simplePatchArb = fc.dictionary(
  fc.constantFrom('a', 'b', 'reserved', 'onHand', 'name', 'x_1'),
  fc.oneof(fc.string({ unit: 'binary' }), fc.integer(), fc.maxSafeInteger(), fc.boolean(), fc.constant(null)),
  { minKeys: 1, maxKeys: 3 },
);
const anyPatchArb = fc.dictionary(
  fc.constantFrom('a', 'b', 'reserved', 'onHand', 'name', 'x_1', 'nested.inner', 'a-b', '中文'),
  fc.oneof(scalar, fc.constant(undefined), fc.record({ $inc: fc.integer() }), fc.dictionary(fc.string(), scalar, { maxKeys: 2 })),
  { maxKeys: 4 },
);
const patchArb = fc.oneof(simplePatchArb, anyPatchArb);

test('every patch stores exactly what applyPatch computes, on both the json_set and the read-modify-write path', () => {
  let n = 0;
  let viaSql = 0;
  fc.assert(
    fc.property(docArb, patchArb, (doc0, patch) => {
      const doc = { ...(JSON.parse(JSON.stringify(doc0)) as Record<string, unknown>), _id: `d${n++}` };
      store.setSync('stock', doc as never);
      if (simplePatchSql(patch as Patch)) viaSql += 1;
      expect(store.patchSync('stock', doc._id, patch as Patch)).toBe(true);
      const expected = JSON.parse(JSON.stringify(applyPatch(doc, patch as Patch))) as unknown;
      expect(store.getSync('stock', doc._id)).toEqual(expected);
      // Same key order too: the stored text is what JSON.stringify would write.
      expect(JSON.stringify(store.getSync('stock', doc._id))).toBe(JSON.stringify(expected));
    }),
    { numRuns: 2000 },
  );
  // Both paths were exercised.
  expect(viaSql).toBeGreaterThan(500);
  expect(viaSql).toBeLessThan(n);
});

test('integers stay integers in the stored JSON text', () => {
  store.setSync('stock', { _id: 'int', onHand: 10, reserved: 0, available: 10 });
  store.patchSync('stock', 'int', { reserved: 3 });
  const row = store.db.prepare(`SELECT doc FROM "stock" WHERE id = 'int'`).get() as { doc: string };
  expect(row.doc).toBe('{"_id":"int","onHand":10,"reserved":3,"available":10}');
});

test('a patch of a missing document changes nothing and reports false', () => {
  expect(store.patchSync('stock', 'missing', { reserved: 1 })).toBe(false);
  expect(store.patchSync('stock', 'missing', { reserved: { $inc: 1 } })).toBe(false);
  expect(store.getSync('stock', 'missing')).toBeNull();
});

test('getMany returns each existing document once, whatever the ids', async () => {
  store.setSync('stock', { _id: 'g1', onHand: 1, reserved: 0, available: 1 });
  store.setSync('stock', { _id: "g'2", onHand: 2, reserved: 0, available: 2 });
  const docs = await store.getMany('stock', ['g1', "g'2", 'g1', 'nope']);
  expect(docs.map((d) => d._id).sort()).toEqual(["g'2", 'g1']);
  expect(await store.getMany('stock', [])).toEqual([]);
});
