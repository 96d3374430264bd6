/**
 * SqliteStore.patchSync and updateWhere apply a patch with one json_set UPDATE when patchSql can
 * write it (sets, increments, deletes, dot paths such as holds.<orderId>); whatever the patch, the
 * stored document must equal applyPatch's result, and a patch of a missing document reports
 * false and writes nothing.
 */
import fc from 'fast-check';
import { SqliteStore, patchSql } from './sqliteStore';
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
  fc.constantFrom('a', 'b', 'reserved', 'onHand', 'name', 'nested', 'holds', '中文'),
  fc.oneof(scalar, fc.dictionary(fc.string(), scalar, { maxKeys: 3 }), fc.array(scalar, { maxLength: 3 })),
);
const simplePatchArb = fc.dictionary(
  fc.constantFrom('a', 'b', 'reserved', 'onHand', 'name', 'x_1'),
  fc.oneof(fc.string({ unit: 'binary' }), fc.integer(), fc.maxSafeInteger(), fc.boolean(), fc.constant(null)),
  { minKeys: 1, maxKeys: 3 },
);
const anyPatchArb = fc.dictionary(
  fc.constantFrom('a', 'b', 'reserved', 'onHand', 'name', 'x_1', 'nested.inner', 'holds.ord_1', 'holds.ord_2', 'nested.deep.x', 'a.b', 'a-b', '中文'),
  fc.oneof(
    scalar,
    fc.constant(undefined),
    fc.record({ $inc: fc.integer() }),
    fc.record({ $inc: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }) }),
    fc.dictionary(fc.string(), scalar, { maxKeys: 2 }),
    fc.array(scalar, { maxLength: 2 }),
  ),
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
      if (patchSql(patch as Patch)) viaSql += 1;
      expect(store.patchSync('stock', doc._id, patch as Patch)).toBe(true);
      const expected = JSON.parse(JSON.stringify(applyPatch(doc, patch as Patch))) as unknown;
      expect(store.getSync('stock', doc._id)).toEqual(expected);
      // Same key order too: the stored text is what JSON.stringify would write.
      expect(JSON.stringify(store.getSync('stock', doc._id))).toBe(JSON.stringify(expected));
    }),
    { numRuns: 4000 },
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

test('updateWhere writes a conditional reservation in one statement: only documents that match change', async () => {
  store.setSync('stock', { _id: 'r1', onHand: 10, reserved: 0, available: 10 } as never);
  store.setSync('stock', { _id: 'r2', onHand: 10, reserved: 8, available: 2, holds: { ord_a: 8 } } as never);
  const reserve = (id: string, q: number, orderId: string) =>
    store.updateWhere('stock', { _id: id, available: { $gte: q } }, { available: { $inc: -q }, reserved: { $inc: q }, [`holds.${orderId}`]: q });
  expect(await reserve('r1', 4, 'ord_x')).toBe(1);
  expect(await reserve('r2', 4, 'ord_x')).toBe(0);
  expect(store.getSync('stock', 'r1')).toEqual({ _id: 'r1', onHand: 10, reserved: 4, available: 6, holds: { ord_x: 4 } });
  expect(store.getSync('stock', 'r2')).toEqual({ _id: 'r2', onHand: 10, reserved: 8, available: 2, holds: { ord_a: 8 } });
  // The undo is conditional on the hold and removes it.
  const undo = { available: { $inc: 4 }, reserved: { $inc: -4 }, 'holds.ord_x': undefined };
  expect(await store.updateWhere('stock', { _id: 'r1', 'holds.ord_x': 4 }, undo)).toBe(1);
  expect(await store.updateWhere('stock', { _id: 'r1', 'holds.ord_x': 4 }, undo)).toBe(0);
  expect(store.getSync('stock', 'r1')).toEqual({ _id: 'r1', onHand: 10, reserved: 0, available: 10, holds: {} });
});

test('updateWhere gives every matched document the patch, as applyPatch would, for any patch', async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(docArb, { minLength: 1, maxLength: 4 }), patchArb, async (docs0, patch) => {
      const group = `grp${n++}`;
      const docs = docs0.map((d, i) => ({ ...(JSON.parse(JSON.stringify(d)) as Record<string, unknown>), _id: `${group}-${i}`, group }));
      for (const d of docs) store.setSync('stock', d as never);
      expect(await store.updateWhere('stock', { group }, patch as Patch)).toBe(docs.length);
      for (const d of docs) {
        const expected = JSON.parse(JSON.stringify(applyPatch(d, patch as Patch))) as unknown;
        expect(JSON.stringify(store.getSync('stock', d._id))).toBe(JSON.stringify(expected));
      }
    }),
    { numRuns: 500 },
  );
});

test('an increment of a number beyond 2^53 adds as JavaScript does (doubles), one within it stays an exact integer', () => {
  // Found by the property test in CI: SQLite read -71269176510569900 as an exact int64.
  for (const [b, inc] of [[-71269176510569900, 385634897], [Number.MAX_SAFE_INTEGER - 1, 10], [41, 1]] as const) {
    store.setSync('stock', { _id: 'big', b } as never);
    store.patchSync('stock', 'big', { b: { $inc: inc } });
    expect((store.getSync('stock', 'big') as unknown as { b: number }).b).toBe(b + inc);
  }
  const row = store.db.prepare(`SELECT doc FROM "stock" WHERE id = 'big'`).pluck().get() as string;
  expect(row).toBe('{"_id":"big","b":42}');
});
