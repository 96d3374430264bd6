/**
 * The local bulk path of the import: the whole plan in one SQLite transaction through the
 * SqliteStore's synchronous primitives (all or nothing, and ~100× faster than one awaited
 * write per document). The Cloudbase side always writes through the Store interface
 * (storeBatchWriter in cloudfunctions/_lib/services/importer.ts).
 */
import type { ImportWrite } from '@dinghuo/shared';
import type { SqliteStore } from '../local/sqliteStore';
import { ownedCustomerFields, type BatchWriter } from '../../cloudfunctions/_lib/services/importer';

export function sqliteBatchWriter(store: SqliteStore, onWritten?: (n: number) => void): BatchWriter {
  return (writes: readonly ImportWrite[]) =>
    // store.transaction holds the store's lock, so no other call interleaves; the callback
    // only uses the synchronous primitives, which run inside the open SQLite transaction.
    store.transaction(async () => {
      writes.forEach((w, i) => {
        if (w.coll === 'stock') {
          // Inside the transaction nothing else writes: onHand and available move together.
          const current = store.getSync('stock', w.doc._id);
          if (!current) store.setSync('stock', { _id: w.doc._id, onHand: w.doc.onHand, reserved: 0, available: w.doc.onHand });
          else {
            const delta = w.doc.onHand - current.onHand;
            store.patchSync('stock', w.doc._id, { onHand: { $inc: delta }, available: { $inc: delta } });
          }
        } else if (w.coll === 'customers' && w.existing) {
          store.patchSync('customers', w.doc._id, ownedCustomerFields(w.doc));
        } else {
          store.setSync(w.coll, w.doc as never);
        }
        if (onWritten && (i + 1) % 5000 === 0) onWritten(i + 1);
      });
      onWritten?.(writes.length);
    });
}
