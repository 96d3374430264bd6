/**
 * A store call made inside a transaction's callback (instead of through its Tx) would wait for
 * the transaction, which waits for it: the local store refuses it at once. It knows the call's
 * async context through an AsyncLocalStorage, which in Node 20 turns on promise hooks for every
 * promise of the process (a fifth of a submit's CPU when left on): on only while a transaction
 * runs. Both halves are held here: the refusal, in every transaction, and no hooks outside one.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Stock } from '@dinghuo/shared';
import { SqliteStore } from './sqliteStore';

let store: SqliteStore;
beforeEach(() => {
  store = new SqliteStore({ dataDir: ':memory:' });
});
afterEach(() => store.close());

const stock = (id: string, onHand: number): Stock => ({ _id: id, onHand, reserved: 0, available: onHand });

test('a store call inside a transaction fails at once, in every transaction; the transaction goes on', async () => {
  await store.set('stock', stock('s1', 5));
  for (let i = 1; i <= 3; i++) {
    const misuse = await store.transaction(async (tx) => {
      const refused = await store.get('stock', 's1').then(
        () => null,
        (e: Error) => e.message,
      );
      await tx.patch('stock', 's1', { onHand: { $inc: 1 } });
      return refused;
    });
    expect(misuse).toBe('store call inside a transaction: use the Tx passed to the callback');
    expect((await store.get('stock', 's1'))?.onHand).toBe(5 + i);
  }
});

test('outside a transaction no promise hooks are on: after a commit, after a rollback, beside queued calls', () => {
  // In a process of its own: jest itself turns promise hooks on.
  const script = `
    const { executionAsyncId } = require('node:async_hooks');
    const { SqliteStore } = require(${JSON.stringify(path.join(__dirname, 'sqliteStore'))});
    const probe = () => Promise.resolve().then(() => executionAsyncId());
    (async () => {
      const store = new SqliteStore({ dataDir: ':memory:' });
      const seen = { before: await probe() };
      await store.transaction(async (tx) => {
        await tx.set('stock', { _id: 's', onHand: 1, reserved: 0, available: 1 });
        seen.inside = await probe();
      });
      seen.afterCommit = await probe();
      await store.transaction(async () => { throw new Error('x'); }).catch(() => undefined);
      seen.afterRollback = await probe();
      const [, queued] = await Promise.all([
        store.transaction((tx) => tx.patch('stock', 's', { onHand: { $inc: 1 } })),
        store.get('stock', 's'),
      ]);
      seen.queuedOnHand = queued.onHand;
      seen.afterQueued = await probe();
      await store.close();
      console.log(JSON.stringify(seen));
    })();`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8', timeout: 60_000 });
  const seen = JSON.parse(out.trim()) as Record<string, number>;
  // Inside, the context is tracked (that is what the guard reads); outside, nothing is.
  expect(seen.inside).not.toBe(0);
  expect(seen).toEqual({ before: 0, inside: seen.inside, afterCommit: 0, afterRollback: 0, queuedOnHand: 2, afterQueued: 0 });
}, 60_000);
