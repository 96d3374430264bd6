/**
 * The local store finds a filter's statement by its shape (filterShape) and builds the SQL
 * (compileFilter) only the first time it meets that shape. So the two walks must agree: for any
 * filter, the same parameters in the same order, and filters of one shape the same SQL.
 */
import fc from 'fast-check';
import type { Filter } from '../../cloudfunctions/_lib/data/store';
import { compileFilter, filterShape } from './sqliteStore';

// Indexed fields (written into the SQL by name), plain fields and dot paths (bound), the id.
const FIELDS = ['_id', 'status', 'customerId', 'createdAt', 'reservation.state', 'a', 'holds.o1', 'x.y'] as const;
const scalar = fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: -5, max: 5 }), fc.constantFrom('a', 'b', ''));
const list = fc.array(fc.oneof(fc.boolean(), fc.integer({ min: -5, max: 5 }), fc.constantFrom('a', 'b')), { maxLength: 4 });
const ops = fc.record(
  {
    $eq: scalar,
    $ne: scalar,
    $gt: fc.integer({ min: -5, max: 5 }),
    $gte: fc.integer({ min: -5, max: 5 }),
    $lt: fc.integer({ min: -5, max: 5 }),
    $lte: fc.integer({ min: -5, max: 5 }),
    $in: list,
    $nin: list,
    $exists: fc.boolean(),
    $contains: fc.constantFrom('x', '关'),
    $hasAny: list,
  },
  { requiredKeys: [] },
).filter((o) => Object.keys(o).length > 0);
const leaf: fc.Arbitrary<Filter> = fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(scalar, ops, fc.constant(undefined)), { maxKeys: 3 }) as fc.Arbitrary<Filter>;
const filterArb: fc.Arbitrary<Filter> = fc.oneof(
  leaf,
  fc.tuple(leaf, fc.array(leaf, { maxLength: 3 })).map(([f, ors]) => ({ ...f, $or: ors }) as Filter),
);

test('filterShape binds what compileFilter binds, in the same order', () => {
  fc.assert(
    fc.property(filterArb, (filter) => {
      const a: unknown[] = [];
      const b: unknown[] = [];
      compileFilter(filter, a);
      filterShape(filter, b);
      expect(b).toEqual(a);
    }),
    { numRuns: 3000 },
  );
});

test('filters of one shape compile to one SQL text', () => {
  const sqlByShape = new Map<string, string>();
  let shared = 0;
  fc.assert(
    fc.property(filterArb, (filter) => {
      const shape = filterShape(filter, []);
      const sql = compileFilter(filter, []);
      const seen = sqlByShape.get(shape);
      if (seen !== undefined) {
        shared += 1;
        expect(sql).toBe(seen);
      } else sqlByShape.set(shape, sql);
    }),
    { numRuns: 5000 },
  );
  // The property is not vacuous: many filters met a shape seen before.
  expect(shared).toBeGreaterThan(500);
});

test('a bad field path is refused by both walks', () => {
  for (const filter of [{ 'a b': 1 }, { 'x..y': { $gt: 1 } }, { "a'": { $exists: true } }] as Filter[]) {
    expect(() => compileFilter(filter, [])).toThrow('bad field path');
    expect(() => filterShape(filter, [])).toThrow('bad field path');
  }
});
