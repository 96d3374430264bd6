/**
 * Every change to an order goes through the Order aggregate (shared/src/orderAggregate.ts) and is
 * written by applyOrderChange (cloudfunctions/_lib/services/orderEffects.ts): no handler or service
 * writes or patches an order document itself, nor spreads an order to patch it.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..');
const EFFECTS = path.join('cloudfunctions', '_lib', 'services', 'orderEffects.ts');
/**
 * The dispatcher records a message's outcome on the order (its `notification`) with one
 * conditional update that only lands while that job is still the order's latest: not a change of
 * the order's state, and no read-then-write.
 */
const NOTIFICATION_OUTCOME = /store\.updateWhere\('orders', \{ _id: job\.orderId, 'notification\.jobId': job\._id \}, \{ notification: /;

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [rel] : [];
  });
}

it('no handler or service writes an order but applyOrderChange (and the submit’s insert)', () => {
  const files = sources('cloudfunctions');
  expect(files).toContain(EFFECTS);
  const offending: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    text.split('\n').forEach((line, i) => {
      const writes = /\b(set|patch|updateWhere|remove)\(\s*'orders'/.test(line) && !NOTIFICATION_OUTCOME.test(line);
      const spreads = /\{\s*\.\.\.(order|fresh|raced|existing|o|next)\b\s*,/.test(line);
      if ((writes && file !== EFFECTS) || spreads) offending.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  expect(offending).toEqual([]);
});
