/**
 * Applies what the Order aggregate (shared/src/orderAggregate.ts) decided, inside the caller's
 * transaction: stock as increments per SKU (after checking, in parallel reads, the stock the
 * change requires), the customer's account as one increment, the outbox job, the exception or
 * after-sales record, and the order's changed fields. Services load, call the aggregate, and call
 * this; they never build an order themselves.
 *
 * Stock and account documents are written by the rules in counters.ts (stockPatch, accountPatch),
 * the same the submit's conditional updates use: `available` moves with reserved and onHand
 * (reservedDelta r → available −r, onHandDelta h → available +h). The order's holds
 * (holds.<orderId>) follow the order after the change (holdsAfter): on a SKU whose reservation
 * moved, what the order still holds there (its unshipped quantity while its reservation is held:
 * a partial delivery or a 改单 leaves the rest; a release or consumption removes it); on the
 * account, the unpaid amount of an order that still counts against credit (a 改单 moves it,
 * cancel, reject and payment remove it).
 *
 * No oversell against a concurrent submit: a submit reserves by a conditional update outside any
 * transaction (`available >= qty`). A change here that lowers `available` (reserving again,
 * shipping a released reservation) first reads the stock document in this transaction and then
 * writes that same document: on Cloudbase (snapshot isolation) a submit's update committed after
 * the transaction's snapshot makes this write conflict, so the transaction is retried on fresh
 * stock, and a submit arriving after the write waits for the transaction's lock and then tests its
 * condition on the committed counter; the local store serialises both.
 */
import {
  DomainError,
  LIVE_STATUSES,
  unshippedBySku,
  type AccountEffect,
  type Order,
  type OrderChange,
  type OrderEffects,
  type StockEffect,
} from '@dinghuo/shared';
import type { Patch, Tx } from '../data/store';
import { availableIn, stockPatch } from './counters';

/** What the order holds after a change: base units per SKU, and the amount booked on its account (null: none). */
export interface Holds {
  stock: ReadonlyMap<string, number>;
  accountFen: number | null;
}

/** The holds of an order as it is: its unshipped quantities while its reservation is held; its unpaid amount while it counts against credit. */
export function holdsAfter(order: Pick<Order, 'lines' | 'shipments' | 'reservation' | 'status' | 'totalFen' | 'paidFen'>): Holds {
  const stock = order.reservation.state === 'held' ? unshippedBySku(order) : new Map<string, number>();
  const unpaid = order.totalFen - order.paidFen;
  return { stock, accountFen: LIVE_STATUSES.includes(order.status) && unpaid > 0 ? unpaid : null };
}

const holdPath = (orderId: string) => `holds.${orderId}`;

/**
 * The one place the customer's account is written from order changes: increments of the
 * `accounts` document (outstandingFen, and onAccountFen for a receipt's unallocated part), and the
 * holds of the orders changed set to what each still owes (`holds`: orderId → amount, null settles
 * it). An account missing (data older than accounts, never migrated) is opened with the change.
 */
export async function applyAccountEffect(tx: Tx, account: AccountEffect, holds: ReadonlyMap<string, number | null>): Promise<void> {
  const current = await tx.get('accounts', account.customerId);
  if (!current) {
    const held = [...holds].filter((e): e is [string, number] => e[1] !== null);
    return tx.set('accounts', {
      _id: account.customerId,
      outstandingFen: account.outstandingDelta,
      ...(account.onAccountDelta ? { onAccountFen: account.onAccountDelta } : {}),
      ...(held.length > 0 ? { holds: Object.fromEntries(held) } : {}),
    });
  }
  const patch: Patch = {};
  if (account.outstandingDelta !== 0) patch.outstandingFen = { $inc: account.outstandingDelta };
  if (account.onAccountDelta) patch.onAccountFen = { $inc: account.onAccountDelta };
  for (const [orderId, fen] of holds) patch[holdPath(orderId)] = fen ?? undefined;
  return Object.keys(patch).length > 0 ? tx.patch('accounts', account.customerId, patch) : Promise.resolve();
}

/** Throws OUT_OF_STOCK when a SKU has less than the change requires. */
async function checkStock(tx: Tx, stock: readonly StockEffect[]): Promise<void> {
  const needed = stock.filter((s) => s.requireAvailable > 0 || s.requireOnHand > 0);
  if (needed.length === 0) return;
  const docs = await Promise.all(needed.map((s) => tx.get('stock', s.skuId)));
  needed.forEach((s, i) => {
    const doc = docs[i] ?? null;
    const available = availableIn(doc);
    if (available < s.requireAvailable) {
      throw new DomainError('OUT_OF_STOCK', `库存不足，可订 ${available}`, {
        skuId: s.skuId,
        wanted: s.requireAvailable,
        available,
      });
    }
    const onHand = doc?.onHand ?? 0;
    if (onHand < s.requireOnHand) {
      throw new DomainError('OUT_OF_STOCK', `库存不足，无法发货（现有 ${Math.max(0, onHand)}）`, {
        skuId: s.skuId,
        wanted: s.requireOnHand,
        onHand,
      });
    }
  });
}

/**
 * Every write an order change has outside the order document (orderId: the order changed; holds:
 * what the order holds after it, holdsAfter(next); without it a moved reservation's hold is set to
 * the reservation taken or removed, and the account's booking is settled).
 */
export async function applyOrderEffects(tx: Tx, orderId: string, effects: OrderEffects, holds?: Holds): Promise<void> {
  await checkStock(tx, effects.stock);
  const writes: Promise<void>[] = [];
  for (const s of effects.stock) {
    const patch = stockPatch(orderId, s);
    if (holds && s.reservedDelta !== 0) patch[holdPath(orderId)] = holds.stock.get(s.skuId) || undefined;
    if (Object.keys(patch).length > 0) writes.push(tx.patch('stock', s.skuId, patch));
  }
  const account = effects.account;
  if (account && (account.outstandingDelta !== 0 || account.onAccountDelta)) {
    writes.push(applyAccountEffect(tx, account, new Map([[orderId, holds?.accountFen ?? null]])));
  }
  if (effects.messageJob) writes.push(tx.insert('messageJobs', effects.messageJob));
  const ex = effects.exception;
  if (ex?.op === 'insert') writes.push(tx.insert('exceptions', ex.exception));
  if (ex?.op === 'resolve') {
    const { status, resolution, resolvedBy, resolvedAt } = ex.exception;
    writes.push(tx.patch('exceptions', ex.exception._id, { status, resolution, resolvedBy, resolvedAt }));
  }
  const as = effects.afterSales;
  if (as?.op === 'insert') writes.push(tx.insert('afterSales', as.request));
  if (as?.op === 'move') writes.push(tx.patch('afterSales', as.request._id, { status: as.request.status, history: as.request.history }));
  await Promise.all(writes);
}

/** Applies the change's effects and writes the order's changed fields (never the whole document). */
export async function applyOrderChange(tx: Tx, change: OrderChange): Promise<void> {
  await applyOrderEffects(tx, change.order._id, change.effects, holdsAfter(change.order));
  if (Object.keys(change.changes).length > 0) await tx.patch('orders', change.order._id, change.changes as Patch);
}
