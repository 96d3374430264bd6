/**
 * Applies what the Order aggregate (shared/src/orderAggregate.ts) decided, inside the caller's
 * transaction: stock as increments per SKU (after checking, in parallel reads, the stock the
 * change requires), the customer's account as one increment, the outbox job, the exception or
 * after-sales record, and the order's changed fields. Services load, call the aggregate, and call
 * this; they never build an order themselves.
 */
import { availableOf, DomainError, type AccountEffect, type OrderChange, type OrderEffects, type StockEffect } from '@dinghuo/shared';
import type { Patch, Tx } from '../data/store';

/** The one place the customer's account is written from an order change. */
export function applyAccountEffect(tx: Tx, account: AccountEffect): Promise<void> {
  const patch: Patch = {};
  if (account.outstandingDelta !== 0) patch.outstandingFen = { $inc: account.outstandingDelta };
  if (account.onAccountDelta) patch.onAccountFen = { $inc: account.onAccountDelta };
  return Object.keys(patch).length > 0 ? tx.patch('customers', account.customerId, patch) : Promise.resolve();
}

function stockPatch(s: StockEffect): Patch {
  const patch: Patch = {};
  if (s.reservedDelta !== 0) patch.reserved = { $inc: s.reservedDelta };
  if (s.onHandDelta !== 0) patch.onHand = { $inc: s.onHandDelta };
  return patch;
}

/** Throws OUT_OF_STOCK when a SKU has less than the change requires. */
async function checkStock(tx: Tx, stock: readonly StockEffect[]): Promise<void> {
  const needed = stock.filter((s) => s.requireAvailable > 0 || s.requireOnHand > 0);
  if (needed.length === 0) return;
  const docs = await Promise.all(needed.map((s) => tx.get('stock', s.skuId)));
  needed.forEach((s, i) => {
    const doc = docs[i] ?? { onHand: 0, reserved: 0 };
    const available = availableOf(doc);
    if (available < s.requireAvailable) {
      throw new DomainError('OUT_OF_STOCK', `库存不足，可订 ${Math.max(0, available)}`, {
        skuId: s.skuId,
        wanted: s.requireAvailable,
        available: Math.max(0, available),
      });
    }
    if (doc.onHand < s.requireOnHand) {
      throw new DomainError('OUT_OF_STOCK', `库存不足，无法发货（现有 ${Math.max(0, doc.onHand)}）`, {
        skuId: s.skuId,
        wanted: s.requireOnHand,
        onHand: doc.onHand,
      });
    }
  });
}

/** Every write an order change has outside the order document. */
export async function applyOrderEffects(tx: Tx, effects: OrderEffects): Promise<void> {
  await checkStock(tx, effects.stock);
  const writes: Promise<void>[] = [];
  for (const s of effects.stock) {
    const patch = stockPatch(s);
    if (Object.keys(patch).length > 0) writes.push(tx.patch('stock', s.skuId, patch));
  }
  if (effects.account) writes.push(applyAccountEffect(tx, effects.account));
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
  await applyOrderEffects(tx, change.effects);
  if (Object.keys(change.changes).length > 0) await tx.patch('orders', change.order._id, change.changes as Patch);
}
