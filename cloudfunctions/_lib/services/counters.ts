/**
 * The mutable counters, kept apart from master data: stock (per SKU) and the customer's account
 * (outstanding amount). Every change is an increment; the reservations and bookings a submit
 * makes are single-document conditional updates (one request each on Cloudbase, atomic there
 * and in the local store), never a read-then-write of a document others change.
 *
 * Each reservation or booking also records a hold on the document it changes (holds[orderId]),
 * in the same update: so doing it twice changes nothing (a retried request, a lost answer), and
 * undoing it is conditional on the hold being there (never undoes what was not done, never twice).
 */
import { DomainError, type Order } from '@dinghuo/shared';
import { findAll, type Filter, type Patch, type Store, type Tx } from '../data/store';

const holdPath = (orderId: string) => `holds.${orderId}`;

// --- stock, outside a transaction (the submit path) ----------------------------------------

/** The SKUs of a line set grouped by quantity: lines of one quantity share one update. */
function byQuantity(wanted: ReadonlyMap<string, number>): [qty: number, skuIds: string[]][] {
  const groups = new Map<number, string[]>();
  for (const [skuId, qty] of wanted) groups.set(qty, [...(groups.get(qty) ?? []), skuId]);
  return [...groups];
}

const idFilter = (ids: string[]): Filter => (ids.length === 1 ? { _id: ids[0]! } : { _id: { $in: ids } });

/**
 * Reserves every line of an order at once: one conditional update per distinct quantity (each
 * document is updated atomically when it has that much available; a document database updates
 * each matching document on its own), all in parallel. Answers the SKUs refused (not enough
 * available, or no stock document); read back from the holds only when some were.
 */
export async function reserveStockLines(store: Store, orderId: string, wanted: ReadonlyMap<string, number>): Promise<string[]> {
  const hold = holdPath(orderId);
  const unsure = await Promise.all(
    byQuantity(wanted).map(async ([qty, ids]) => {
      const n = await store.updateWhere(
        'stock',
        { ...idFilter(ids), available: { $gte: qty }, [hold]: { $exists: false } },
        { reserved: { $inc: qty }, available: { $inc: -qty }, [hold]: qty },
      );
      return n === ids.length ? [] : ids;
    }),
  );
  const check = unsure.flat();
  if (check.length === 0) return [];
  const held = new Set((await store.getMany('stock', check)).filter((s) => s.holds?.[orderId] === wanted.get(s._id)).map((s) => s._id));
  return check.filter((id) => !held.has(id));
}

/** Undoes the order's reservations of these lines, where it holds them (one update per quantity). */
export async function releaseStockLines(store: Store, orderId: string, wanted: ReadonlyMap<string, number>): Promise<void> {
  const hold = holdPath(orderId);
  await Promise.all(
    byQuantity(wanted).map(([qty, ids]) =>
      store.updateWhere('stock', { ...idFilter(ids), [hold]: qty }, { reserved: { $inc: -qty }, available: { $inc: qty }, [hold]: undefined }),
    ),
  );
}

/** Undoes whatever the order holds on these SKUs (read from the holds): the timer's repair. */
export async function releaseAllHolds(store: Store, orderId: string, skuIds: readonly string[]): Promise<number> {
  const stocks = skuIds.length ? await store.getMany('stock', skuIds) : [];
  const held = new Map<string, number>();
  for (const s of stocks) {
    const q = s.holds?.[orderId];
    if (q) held.set(s._id, q);
  }
  await releaseStockLines(store, orderId, held);
  return held.size;
}

/**
 * Sets a SKU's onHand to a counted figure (stock import) by an increment of onHand and available
 * together, conditional on onHand being what was read: a reservation made meanwhile is kept.
 */
export async function setOnHand(store: Store, skuId: string, onHand: number, attempts = 20): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    const current = await store.get('stock', skuId);
    if (!current) {
      try {
        await store.insert('stock', { _id: skuId, onHand, reserved: 0, available: onHand });
        return;
      } catch (e) {
        if ((e as { code?: unknown }).code !== 'DUPLICATE_ID') throw e;
        continue;
      }
    }
    const delta = onHand - current.onHand;
    if (delta === 0) return;
    const n = await store.updateWhere('stock', { _id: skuId, onHand: current.onHand }, { onHand: { $inc: delta }, available: { $inc: delta } });
    if (n === 1) return;
  }
  throw new DomainError('CONFLICT');
}

// --- the customer's account, outside a transaction (the submit path) ----------------------

/**
 * Books the order's amount on the customer's account if it stays within the credit limit (null:
 * no limit). False when it would not. The limit is the customer's (master data, read with it).
 */
export async function bookCredit(
  store: Store,
  customerId: string,
  orderId: string,
  amountFen: number,
  limitFen: number | null,
): Promise<boolean> {
  const filter: Filter = { _id: customerId, [holdPath(orderId)]: { $exists: false } };
  if (limitFen !== null) filter.outstandingFen = { $lte: limitFen - amountFen };
  const patch: Patch = { outstandingFen: { $inc: amountFen }, [holdPath(orderId)]: amountFen };
  if ((await store.updateWhere('accounts', filter, patch)) === 1) return true;
  // A customer without an account yet (made by an import since): open it, then book once more.
  if (await store.get('accounts', customerId)) return false;
  await ensureAccount(store, customerId);
  return (await store.updateWhere('accounts', filter, patch)) === 1;
}

/** Undoes the order's booking, if it booked exactly this amount. */
export async function unbookCredit(store: Store, customerId: string, orderId: string, amountFen: number): Promise<boolean> {
  const n = await store.updateWhere(
    'accounts',
    { _id: customerId, [holdPath(orderId)]: amountFen },
    { outstandingFen: { $inc: -amountFen }, [holdPath(orderId)]: undefined },
  );
  return n === 1;
}

/** Undoes whatever the order booked (read from the hold): the timer's repair. */
export async function unbookAll(store: Store, customerId: string, orderId: string): Promise<boolean> {
  const account = await store.get('accounts', customerId);
  const amount = account?.holds?.[orderId];
  if (amount === undefined) return false;
  return unbookCredit(store, customerId, orderId, amount);
}

export async function ensureAccount(store: Store, customerId: string): Promise<void> {
  try {
    await store.insert('accounts', { _id: customerId, outstandingFen: 0 });
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'DUPLICATE_ID') throw e;
  }
}

/** Outstanding amounts of customers (0 for one without an account). */
export async function outstandingOf(store: Store, customerIds: readonly string[]): Promise<Map<string, number>> {
  const accounts = customerIds.length ? await store.getMany('accounts', customerIds) : [];
  const out = new Map<string, number>(customerIds.map((id) => [id, 0]));
  for (const a of accounts) out.set(a._id, a.outstandingFen);
  return out;
}

// --- inside a status change's transaction ----------------------------------------------------

/**
 * What a status change does to stock, inside its transaction (the order document is in the
 * same transaction, so the effect is applied once per transition): release or consume the
 * order's reservation, or reserve again (if available) after the timer released it. Each write
 * is an increment; the order's holds go with the reservation.
 */
export async function applyStockEffect(tx: Tx, order: Pick<Order, '_id' | 'lines'>, effect: 'release' | 'consume' | 'reserve'): Promise<void> {
  const qty = new Map<string, number>();
  for (const l of order.lines) qty.set(l.skuId, (qty.get(l.skuId) ?? 0) + l.qty);
  const skuIds = [...qty.keys()];
  const hold = holdPath(order._id);
  if (effect !== 'reserve') {
    // The order holds its stock, so its stock documents exist: increments, no reads.
    await Promise.all(
      skuIds.map((id) => {
        const n = qty.get(id)!;
        if (effect === 'release') return tx.patch('stock', id, { reserved: { $inc: -n }, available: { $inc: n }, [hold]: undefined });
        return tx.patch('stock', id, { onHand: { $inc: -n }, reserved: { $inc: -n }, [hold]: undefined });
      }),
    );
    return;
  }
  const stocks = await Promise.all(skuIds.map((id) => tx.get('stock', id)));
  {
    skuIds.forEach((skuId, i) => {
      const s = stocks[i];
      const wanted = qty.get(skuId)!;
      const available = Math.max(0, s ? (s.available ?? s.onHand - s.reserved) : 0);
      if (available < wanted) throw new DomainError('OUT_OF_STOCK', `库存不足，可订 ${available}`, { skuId, wanted, available });
    });
  }
  await Promise.all(stocks.map((s) => s && tx.patch('stock', s._id, { reserved: { $inc: qty.get(s._id)! }, available: { $inc: -qty.get(s._id)! }, [hold]: qty.get(s._id)! })));
}

/**
 * Changes the customer's outstanding amount by deltaFen inside a status change's transaction
 * (cancel, reject, payment: negative); the order's booking hold goes, as it no longer owes.
 */
export async function changeOutstanding(tx: Tx, customerId: string, orderId: string, deltaFen: number): Promise<void> {
  const account = await tx.get('accounts', customerId);
  if (!account) {
    await tx.set('accounts', { _id: customerId, outstandingFen: deltaFen });
    return;
  }
  await tx.patch('accounts', customerId, { outstandingFen: { $inc: deltaFen }, [holdPath(orderId)]: undefined });
}

// --- migration of data written before the counters moved ---------------------------------------

/**
 * Brings a store written before stock carried `available` and before outstanding amounts moved
 * to accounts into the current shape; idempotent, and a no-op on a current store. The local
 * runtime runs it on start; on Cloudbase run it once (admin) after deploying.
 */
export async function migrateCounters(store: Store): Promise<{ stock: number; accounts: number }> {
  let stock = 0;
  for (const s of await findAll(store, 'stock', { available: { $exists: false } })) {
    stock += await store.updateWhere(
      'stock',
      { _id: s._id, available: { $exists: false }, onHand: s.onHand, reserved: s.reserved },
      { available: s.onHand - s.reserved },
    );
  }
  let accounts = 0;
  for (const c of await findAll(store, 'customers', { outstandingFen: { $exists: true } })) {
    const legacy = (c as unknown as { outstandingFen?: unknown }).outstandingFen;
    try {
      await store.insert('accounts', { _id: c._id, outstandingFen: typeof legacy === 'number' ? legacy : 0 });
      accounts++;
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'DUPLICATE_ID') throw e;
    }
    await store.patch('customers', c._id, { outstandingFen: undefined });
  }
  return { stock, accounts };
}
