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
import { DomainError, type Stock } from '@dinghuo/shared';
import { findAll, type Filter, type Patch, type Store } from '../data/store';

const holdPath = (orderId: string) => `holds.${orderId}`;

// --- the rules of a change, as patches (used outside and inside transactions) ----------------

/**
 * The one rule for changing a SKU's stock: reserved and onHand by these deltas, `available`
 * (onHand − reserved) with them, and — for an order's change of its reservation — the order's
 * hold: reserving sets it to what was reserved, releasing or consuming the reservation removes it.
 * The submit's reservations, their undoing, the stock import and the status changes' effects
 * (orderEffects.ts) all write stock through this.
 */
export function stockPatch(orderId: string | null, change: { reservedDelta: number; onHandDelta: number }): Patch {
  const patch: Patch = {};
  if (change.reservedDelta !== 0) patch.reserved = { $inc: change.reservedDelta };
  if (change.onHandDelta !== 0) patch.onHand = { $inc: change.onHandDelta };
  const availableDelta = change.onHandDelta - change.reservedDelta;
  if (availableDelta !== 0) patch.available = { $inc: availableDelta };
  if (orderId !== null && change.reservedDelta !== 0) patch[holdPath(orderId)] = change.reservedDelta > 0 ? change.reservedDelta : undefined;
  return patch;
}

/**
 * The one rule for changing a customer's account on behalf of an order: outstandingFen by deltaFen;
 * a booking records the order's hold (the amount booked), a settlement (cancel, reject, payment:
 * the order stops owing) removes it.
 */
export function accountPatch(orderId: string, deltaFen: number, hold: 'book' | 'settle'): Patch {
  return { outstandingFen: { $inc: deltaFen }, [holdPath(orderId)]: hold === 'book' ? deltaFen : undefined };
}

/** What a SKU has available (0 without a stock document; never below zero). */
export function availableIn(stock: Pick<Stock, 'onHand' | 'reserved' | 'available'> | null | undefined): number {
  if (!stock) return 0;
  return Math.max(0, stock.available ?? stock.onHand - stock.reserved);
}

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
        stockPatch(orderId, { reservedDelta: qty, onHandDelta: 0 }),
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
      store.updateWhere('stock', { ...idFilter(ids), [hold]: qty }, stockPatch(orderId, { reservedDelta: -qty, onHandDelta: 0 })),
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
    const n = await store.updateWhere('stock', { _id: skuId, onHand: current.onHand }, stockPatch(null, { reservedDelta: 0, onHandDelta: delta }));
    if (n === 1) return;
  }
  throw new DomainError('CONFLICT');
}

/**
 * Adds delta to a SKU's onHand (a back-office stock adjustment) by an increment of onHand and
 * available together, conditional on onHand being what was read (so the movement record's
 * onHandAfter is exact) and, for a decrease, on available staying at or above zero (onHand never
 * below reserved; a reservation made meanwhile is kept). A SKU without a stock document gets one
 * when delta is positive. Answers onHand before and after; OUT_OF_STOCK when the decrease would
 * eat into what is reserved.
 */
export async function addOnHand(store: Store, skuId: string, delta: number, attempts = 20): Promise<{ before: number; after: number }> {
  for (let i = 0; i < attempts; i++) {
    const current = await store.get('stock', skuId);
    if (!current) {
      if (delta < 0) throw new DomainError('OUT_OF_STOCK', `调整后库存 ${delta} 少于 0`, { onHand: 0, reserved: 0 });
      try {
        await store.insert('stock', { _id: skuId, onHand: delta, reserved: 0, available: delta });
        return { before: 0, after: delta };
      } catch (e) {
        if ((e as { code?: unknown }).code !== 'DUPLICATE_ID') throw e;
        continue;
      }
    }
    const available = availableIn(current);
    if (delta < 0 && available + delta < 0) {
      const after = current.onHand + delta;
      throw new DomainError('OUT_OF_STOCK', `调整后库存 ${after} 少于已预占的 ${current.reserved}`, { onHand: current.onHand, reserved: current.reserved });
    }
    const filter: Filter = { _id: skuId, onHand: current.onHand };
    if (delta < 0) filter.available = { $gte: -delta };
    const n = await store.updateWhere('stock', filter, stockPatch(null, { reservedDelta: 0, onHandDelta: delta }));
    if (n === 1) return { before: current.onHand, after: current.onHand + delta };
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
  const patch = accountPatch(orderId, amountFen, 'book');
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
    accountPatch(orderId, -amountFen, 'settle'),
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
// Status changes write stock and accounts through orderEffects.ts (applyOrderEffects,
// applyAccountEffect) with stockPatch and accountPatch above.

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
