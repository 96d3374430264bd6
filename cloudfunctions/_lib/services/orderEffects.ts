/**
 * Applies what the Order aggregate (shared/src/orderAggregate.ts) decided, inside the caller's
 * transaction: stock as increments per SKU (after checking, in parallel reads, the stock the
 * change requires), the customer's account as one increment, the outbox job, the exception or
 * after-sales record, and the order's changed fields. Services load, call the aggregate, and call
 * this; they never build an order themselves.
 *
 * Stock and account documents are written by the rules in counters.ts (stockPatch, accountPatch),
 * the same the submit's conditional updates use: `available` moves with reserved and onHand
 * (reservedDelta r → available −r, onHandDelta h → available +h), a release or consumption of the
 * order's reservation removes its hold (holds.<orderId>), a reservation taken again sets it, and
 * an account change settles the order's booking (removes its hold).
 *
 * No oversell against a concurrent submit: a submit reserves by a conditional update outside any
 * transaction (`available >= qty`). A change here that lowers `available` (reserving again,
 * shipping a released reservation) first reads the stock document in this transaction and then
 * writes that same document: on Cloudbase (snapshot isolation) a submit's update committed after
 * the transaction's snapshot makes this write conflict, so the transaction is retried on fresh
 * stock, and a submit arriving after the write waits for the transaction's lock and then tests its
 * condition on the committed counter; the local store serialises both.
 */
import { DomainError, type AccountEffect, type OrderChange, type OrderEffects, type StockEffect } from '@dinghuo/shared';
import type { Patch, Tx } from '../data/store';
import { accountPatch, availableIn, stockPatch } from './counters';

/**
 * The one place the customer's account is written from an order change: an increment on the
 * `accounts` document, settling the order's booking hold. An account missing (data older than
 * accounts, never migrated) is opened with the change.
 */
export async function applyAccountEffect(tx: Tx, orderId: string, account: AccountEffect): Promise<void> {
  const current = await tx.get('accounts', account.customerId);
  if (!current) return tx.set('accounts', { _id: account.customerId, outstandingFen: account.outstandingDelta });
  return tx.patch('accounts', account.customerId, accountPatch(orderId, account.outstandingDelta, 'settle'));
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

/** Every write an order change has outside the order document (orderId: the order changed). */
export async function applyOrderEffects(tx: Tx, orderId: string, effects: OrderEffects): Promise<void> {
  await checkStock(tx, effects.stock);
  const writes: Promise<void>[] = [];
  for (const s of effects.stock) {
    const patch = stockPatch(orderId, s);
    if (Object.keys(patch).length > 0) writes.push(tx.patch('stock', s.skuId, patch));
  }
  if (effects.account && effects.account.outstandingDelta !== 0) writes.push(applyAccountEffect(tx, orderId, effects.account));
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
  await applyOrderEffects(tx, change.order._id, change.effects);
  if (Object.keys(change.changes).length > 0) await tx.patch('orders', change.order._id, change.changes as Patch);
}
