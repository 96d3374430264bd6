/**
 * applyPatch (the read-modify-write of the stores) gives every document its own copy of what the
 * patch sets: the patch object is never written through, whether it sets a path and a path
 * inside it, or is applied to many documents.
 */
import { applyPatch, type Patch } from './store';

test('a patch setting `a` and `a.b` leaves the patch as it was, and the document has both', () => {
  const patch = { a: { x: 1 }, 'a.b': 2 } as Patch;
  const doc = applyPatch({ _id: 'd1' }, patch);
  expect(doc).toEqual({ _id: 'd1', a: { x: 1, b: 2 } });
  expect(patch).toEqual({ a: { x: 1 }, 'a.b': 2 });
  // a second document patched with it gets the same, not a value the first wrote into the patch
  expect(applyPatch({ _id: 'd2' }, { a: patch.a } as Patch)).toEqual({ _id: 'd2', a: { x: 1 } });
});

test('one patch applied to many documents shares no nested object between them or with the patch', () => {
  const patch = { holds: { o1: 3 }, lines: [{ skuId: 's1', qty: 1 }] } as unknown as Patch;
  const [d1, d2] = [applyPatch({ _id: 'd1' }, patch), applyPatch({ _id: 'd2' }, patch)] as unknown as { holds: Record<string, number>; lines: { qty: number }[] }[];
  d1!.holds.o1 = 99;
  d1!.lines[0]!.qty = 99;
  expect(d2).toEqual({ _id: 'd2', holds: { o1: 3 }, lines: [{ skuId: 's1', qty: 1 }] });
  expect(patch).toEqual({ holds: { o1: 3 }, lines: [{ skuId: 's1', qty: 1 }] });
});

test('a dot path under an object the patch sets is written into the copy, not into the patch, whatever the order', () => {
  const patch = { 'a.b': 2, a: { x: 1 }, 'a.c': { $inc: 1 } } as Patch;
  expect(applyPatch({ _id: 'd1', a: { b: 7 } }, patch)).toEqual({ _id: 'd1', a: { x: 1, c: 1 } });
  expect(patch).toEqual({ 'a.b': 2, a: { x: 1 }, 'a.c': { $inc: 1 } });
});
