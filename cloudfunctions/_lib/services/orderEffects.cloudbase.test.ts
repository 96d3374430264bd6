/**
 * No oversell when a status change inside a transaction and a submit's conditional update race
 * on one SKU's `available` — on the Cloudbase Store, through the real @cloudbase/node-sdk, against
 * the local emulator (snapshot transactions: a transactional write to a document committed after
 * the snapshot conflicts; a plain write to a document a transaction has written waits for it).
 *
 * The merchandiser confirms an order whose reservation the timer released (the confirm reserves
 * again, in its transaction, after reading the stock) while another order's submit reserves the
 * same SKU by its conditional single-document update (counters.reserveStockLines, outside any
 * transaction). Both interleavings are forced: the submit's update lands between the confirm's
 * read and its write, or right after the confirm's write.
 */
import { DomainError, newOrder, releaseOrderReservation, type Actor, type Caller, type Order } from '@dinghuo/shared';
import { customer, sku } from '../../../shared/test/fixtures';
import type { Store, Tx } from '../data/store';
import { CloudbaseEmulator } from '../data/testing/cloudbaseEmulator';
import { cloudbaseStoreFor } from '../data/testing/cloudbaseTestStore';
import { review } from './followup';
import { reserveStockLines } from './counters';

/** A submit's reservation of qty X for an order (counters.reserveStockLines): true when it held. */
const reserveStock = async (s: Store, orderId: string, skuId: string, qty: number) =>
  (await reserveStockLines(s, orderId, new Map([[skuId, qty]]))).length === 0;

const T0 = Date.UTC(2026, 2, 2, 2);
const HOUR = 3600_000;
const OID = 'o_bbbbbbbbbbbbbbbbbbbbbbbb';
const OTHER = 'o_cccccccccccccccccccccccc';
const CUSTOMER: Actor = { openid: 'o_c', role: 'customer', name: '陈经理' };
const MERCH: Caller = { kind: 'merchandiser', openid: 'o_m', staffId: 'stf_1', name: '王敏' };

let emu: CloudbaseEmulator;
let store: Store;

beforeAll(async () => {
  emu = await CloudbaseEmulator.start();
  store = cloudbaseStoreFor(emu);
}, 30_000);
afterAll(() => emu.close());

/** An order of 10 X whose reservation the timer has released: X has 10 on hand, all available. */
async function releasedOrder(): Promise<Order> {
  const x = sku({ _id: 'sku_x', code: 'X' });
  await store.set('skus', x);
  await store.set('customers', customer({ _id: 'cus_1' }));
  await store.set('accounts', { _id: 'cus_1', outstandingFen: 1000 });
  await store.set('stock', { _id: 'sku_x', onHand: 10, reserved: 0, available: 10 });
  const priced = { skuId: 'sku_x', unit: 'piece' as const, count: 10, qty: 10, unitPriceFen: 100, amountFen: 1000, source: 'level' as const };
  const { order } = newOrder(
    {
      orderId: OID,
      orderNo: 'DH2603020002',
      requestId: 'req-race',
      customer: customer({ _id: 'cus_1' }),
      merchandiserName: '王敏',
      placedBy: CUSTOMER,
      lines: [{ sku: x, priced }],
      totalFen: 1000,
      address: { contact: '陈', phone: '1', address: '上海' },
      requestedDate: null,
      remark: '',
      reservationHours: 48,
    },
    T0,
  );
  const released = releaseOrderReservation(order, T0 + 49 * HOUR)!.order;
  await store.set('orders', released);
  return released;
}

/**
 * The store, its transactions' reads and writes of stock reported to `hook` (with the attempt:
 * a transaction conflicting is run again).
 */
function observed(base: Store, hook: (event: 'read' | 'write', attempt: number) => Promise<void>): Store {
  let attempt = 0;
  const wrapped = Object.create(base) as Store;
  wrapped.transaction = (fn) =>
    base.transaction((tx) => {
      attempt++;
      const seen: Tx = {
        get: tx.get,
        set: tx.set,
        insert: tx.insert,
        remove: tx.remove,
        patch: async (coll, id, p) => {
          await tx.patch(coll, id, p);
          if (coll === 'stock') await hook('write', attempt);
        },
      };
      seen.get = async (coll, id) => {
        const doc = await tx.get(coll, id);
        if (coll === 'stock') await hook('read', attempt);
        return doc as never;
      };
      return fn(seen);
    });
  return wrapped;
}

/** review's confirm; each test at its own hour (the message job's id has the time in it). */
const confirm = (s: Store, hour: number) =>
  review(s, MERCH, { decision: 'confirm', orderId: OID, note: '' }, T0 + hour * HOUR).catch((e: unknown) => e);

async function stockX() {
  const s = (await store.get('stock', 'sku_x'))!;
  return { onHand: s.onHand, reserved: s.reserved, available: s.available, holds: s.holds ?? {} };
}

it('a submit reserving between the confirm’s stock read and its write: the confirm conflicts, retries on fresh stock, and is refused', async () => {
  await releasedOrder();
  const attempts: number[] = [];
  let submitted: boolean | null = null;
  const racing = observed(store, async (event, attempt) => {
    attempts.push(attempt);
    if (event === 'read' && submitted === null) submitted = await reserveStock(store, OTHER, 'sku_x', 6);
  });
  const result = await confirm(racing, 50);
  expect(submitted).toBe(true);
  expect(result).toBeInstanceOf(DomainError);
  expect((result as DomainError).code).toBe('OUT_OF_STOCK');
  expect((result as DomainError).details).toEqual({ skuId: 'sku_x', wanted: 10, available: 4 });
  // the first attempt's write conflicted with the submit's committed update: a second attempt ran
  expect(Math.max(...attempts)).toBeGreaterThanOrEqual(2);
  expect(await stockX()).toEqual({ onHand: 10, reserved: 6, available: 4, holds: { [OTHER]: 6 } });
  const order = (await store.get('orders', OID))!;
  expect([order.status, order.reservation.state]).toEqual(['submitted', 'released']);
});

it('a submit reserving right after the confirm’s write waits for the transaction and is refused', async () => {
  await releasedOrder();
  let submit: Promise<boolean> | null = null;
  const racing = observed(store, async (event) => {
    // not awaited inside the transaction: the plain update waits for the transaction's lock
    if (event === 'write' && submit === null) submit = reserveStock(store, OTHER, 'sku_x', 6);
  });
  const result = await confirm(racing, 51);
  expect(result).not.toBeInstanceOf(Error);
  expect((result as Order).reservation.state).toBe('held');
  expect(submit).not.toBeNull();
  expect(await submit!).toBe(false);
  expect(await stockX()).toEqual({ onHand: 10, reserved: 10, available: 0, holds: { [OID]: 10 } });
});

it('without a race the confirm-after-timer reserves again with the order’s hold (the conditional reserve then fits what is left)', async () => {
  await releasedOrder();
  await store.patch('stock', 'sku_x', { onHand: 16, available: 16 });
  const result = await confirm(store, 52);
  expect((result as Order).status).toBe('confirmed');
  expect(await reserveStock(store, OTHER, 'sku_x', 6)).toBe(true);
  expect(await reserveStock(store, 'o_dddddddddddddddddddddddd', 'sku_x', 1)).toBe(false);
  expect(await stockX()).toEqual({ onHand: 16, reserved: 16, available: 0, holds: { [OID]: 10, [OTHER]: 6 } });
});
