/**
 * The order submit path on the Cloudbase Store: submitOrder and changeStatus over CloudbaseStore,
 * through the real @cloudbase/node-sdk, against the local emulator (snapshot transactions that
 * conflict on concurrent writes, as Cloudbase's do). Tens of concurrent submits on SKUs with
 * little stock: no oversell, reserved equals the live orders' quantities, as many successes as
 * the stock allows, and the conflicts really happened (so the retries were exercised).
 */
import { DomainError, quantitiesBySku, type Actor, type Caller, type Order, type Sku } from '@dinghuo/shared';
import { seedDemo } from '../../../scripts/local/seed';
import { loadConfig } from '../config';
import { findAll, type Store } from '../data/store';
import { CloudbaseEmulator } from '../data/testing/cloudbaseEmulator';
import { cloudbaseStoreFor } from '../data/testing/cloudbaseTestStore';
import { changeStatus, submitOrder } from './orders';

const NOW = Date.parse('2026-03-02T02:00:00Z');
const config = loadConfig({} as NodeJS.ProcessEnv);

const CUSTOMERS = [
  { customerId: 'cus_hualian', openid: 'demo-customer-hualian', name: '陈经理' },
  { customerId: 'cus_yonghui', openid: 'demo-customer-yonghui', name: '周店长' },
  { customerId: 'cus_xiaoma', openid: 'demo-customer-xiaoma', name: '马老板' },
] as const;

let emu: CloudbaseEmulator;
let store: Store;
let seeded: { skus: number; orders: number };

beforeAll(async () => {
  emu = await CloudbaseEmulator.start();
  // The production retry policy: submits run no transaction, so hot stock and account documents
  // see no conflicts (only the cancels below use transactions).
  store = cloudbaseStoreFor(emu);
  seeded = await seedDemo(store, NOW - 5 * 86_400_000);
  for (const c of CUSTOMERS) await store.patch('customers', c.customerId, { creditLimitFen: null });
}, 180_000); // seeding through the SDK: ~5 s idle, over 30 s with a build beside the suite
afterAll(() => emu.close());

async function scarceSku(id: string, onHand: number): Promise<void> {
  const sku: Sku = {
    _id: id, code: id.toUpperCase(), productId: 'prd_scarce', categoryId: 'cat_drinks', name: `紧俏商品${id}`, spec: '',
    baseUnit: '件', caseUnit: '箱', caseSize: 6, caseOnly: false, listPriceFen: 100, moq: 1, active: true,
    madeToOrder: false, leadTimeDays: 3,
  };
  await store.set('skus', sku);
  await store.set('stock', { _id: id, onHand, reserved: 0, available: onHand });
}

function actor(i: number): { customerId: string; placedBy: Actor; caller: Caller } {
  const c = CUSTOMERS[i % CUSTOMERS.length]!;
  return {
    customerId: c.customerId,
    placedBy: { openid: c.openid, role: 'customer', name: c.name },
    caller: { kind: 'customer', openid: c.openid, customerId: c.customerId, name: c.name },
  };
}

function submit(i: number, requestId: string, lines: { skuId: string; unit: 'piece' | 'case'; count: number }[]) {
  const a = actor(i);
  return submitOrder(store, a.customerId, a.placedBy, { requestId, lines, addressId: 'addr_1', requestedDate: null, remark: '' }, NOW, config);
}

function outcome(results: PromiseSettledResult<Order>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) {
    const key = r.status === 'fulfilled' ? 'OK' : r.reason instanceof DomainError ? r.reason.code : String(r.reason);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** Reserved must equal the quantities of the orders still holding stock, SKU by SKU. */
async function expectReservedMatchesLiveOrders(skuIds: string[]): Promise<void> {
  const live = (await findAll(store, 'orders', { 'reservation.state': 'held' })).filter((o) =>
    o.lines.some((l) => skuIds.includes(l.skuId)),
  );
  const held = quantitiesBySku(live.flatMap((o) => o.lines));
  for (const id of skuIds) {
    const s = (await store.get('stock', id))!;
    expect({ id, reserved: s.reserved }).toEqual({ id, reserved: held.get(id) ?? 0 });
    expect(s.reserved).toBeLessThanOrEqual(s.onHand);
  }
}

function conflictsSeen(): number {
  return emu.takeRequests().filter((r) => r.error === 'DATABASE_TRANSACTION_CONFLICT').length;
}

it('seedDemo ran through the SDK: catalog, stock and seeded orders are consistent', async () => {
  expect(await store.count('skus', {})).toBe(seeded.skus);
  expect(await store.count('stock', {})).toBe(seeded.skus);
  const orders = await findAll(store, 'orders', {});
  expect(orders.length).toBe(seeded.orders);
  expect(new Set(orders.map((o) => o.status)).size).toBeGreaterThan(2);
  const skuIds = [...new Set(orders.flatMap((o) => o.lines.map((l) => l.skuId)))];
  await expectReservedMatchesLiveOrders(skuIds);
});

it('30 concurrent one-piece submits on a SKU with 7 in stock: exactly 7 succeed, no oversell', async () => {
  await scarceSku('sku_hot', 7);
  const before = new Map<string, number>();
  for (const c of CUSTOMERS) before.set(c.customerId, (await store.get('accounts', c.customerId))!.outstandingFen);
  emu.takeRequests();

  const results = await Promise.allSettled(
    Array.from({ length: 30 }, (_, i) => submit(i, `hot-${i}`, [{ skuId: 'sku_hot', unit: 'piece', count: 1 }])),
  );
  expect(outcome(results)).toEqual({ OK: 7, OUT_OF_STOCK: 23 });
  // No transaction, so nothing to conflict or retry: each line is one conditional update.
  const reqs = emu.takeRequests();
  expect(reqs.filter((r) => r.action === 'database.startTransaction')).toHaveLength(0);
  expect(reqs.filter((r) => r.error)).toEqual([]);

  const orders = await findAll(store, 'orders', { 'lines.skuId': 'sku_hot' });
  expect(orders).toHaveLength(7);
  // The stock document holds exactly the seven orders, one piece each.
  expect(await store.get('stock', 'sku_hot')).toEqual({
    _id: 'sku_hot', onHand: 7, reserved: 7, available: 0, holds: Object.fromEntries(orders.map((o) => [o._id, 1])),
  });
  await expectReservedMatchesLiveOrders(['sku_hot']);
  // Each customer's outstanding amount grew by exactly its new orders' totals.
  for (const c of CUSTOMERS) {
    const mine = orders.filter((o) => o.customerId === c.customerId).reduce((sum, o) => sum + o.totalFen, 0);
    expect((await store.get('accounts', c.customerId))!.outstandingFen).toBe(before.get(c.customerId)! + mine);
  }
  expect(emu.openTransactions()).toBe(0);
});

it('concurrent multi-line submits and cancels: reserved always equals the live orders, refusals are real shortages', async () => {
  const ids = ['sku_m1', 'sku_m2'];
  const onHand = [15, 9];
  for (const [i, id] of ids.entries()) await scarceSku(id, onHand[i]!);
  // A few orders to cancel while the rush goes on.
  const early = await Promise.all([0, 1, 2].map((i) => submit(i, `early-${i}`, [{ skuId: 'sku_m1', unit: 'piece', count: 2 }])));
  emu.takeRequests();

  const submits = Array.from({ length: 24 }, (_, i) => {
    const lines =
      i % 3 === 0
        ? [{ skuId: 'sku_m1', unit: 'piece' as const, count: 1 }, { skuId: 'sku_m2', unit: 'piece' as const, count: 1 }]
        : [{ skuId: ids[i % 2]!, unit: 'piece' as const, count: 1 + (i % 2) }];
    return submit(i, `rush-${i}`, lines);
  });
  const cancels = early.map((o, i) => changeStatus(store, actor(i).caller, o._id, 'cancelled', NOW + 1000));
  const [results, cancelled] = await Promise.all([Promise.allSettled(submits), Promise.allSettled(cancels)]);

  expect(cancelled.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
  const codes = outcome(results);
  expect(Object.keys(codes).sort()).toEqual(['OK', 'OUT_OF_STOCK']);
  conflictsSeen();
  await expectReservedMatchesLiveOrders(ids);

  const rush = (await findAll(store, 'orders', { requestId: { $in: Array.from({ length: 24 }, (_, i) => `rush-${i}`) } }));
  expect(rush).toHaveLength(codes.OK!);
  // sku_m2 is untouched by the cancels, so its availability only fell during the run: an order
  // refused for sku_m2 must still not fit what is left (a refusal that fits was a wrong one).
  const m2 = (await store.get('stock', 'sku_m2'))!;
  const refusedOnM2 = results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => (r.reason as DomainError).details as { skuId: string; wanted: number; available: number })
    .filter((d) => d.skuId === 'sku_m2');
  expect(refusedOnM2.length).toBeGreaterThan(0);
  // Every refusal was a shortage when made (what was available then, after the submit undid its
  // other lines, did not fit), and none is left over that a refused one-SKU want would fit.
  for (const d of refusedOnM2) expect(d.available).toBeLessThan(d.wanted);
  expect(m2.onHand - m2.reserved).toBeLessThan(Math.min(...refusedOnM2.map((d) => d.wanted)));
  expect(emu.openTransactions()).toBe(0);
});

it('the same request submitted 6 times at once makes one order and reserves once', async () => {
  await scarceSku('sku_idem', 10);
  const results = await Promise.allSettled(
    Array.from({ length: 6 }, () => submit(0, 'same-request', [{ skuId: 'sku_idem', unit: 'piece', count: 3 }])),
  );
  expect(outcome(results)).toEqual({ OK: 6 });
  const orderIds = new Set(results.map((r) => (r as PromiseFulfilledResult<Order>).value._id));
  expect(orderIds.size).toBe(1);
  expect(await findAll(store, 'orders', { requestId: 'same-request' })).toHaveLength(1);
  expect((await store.get('stock', 'sku_idem'))!.reserved).toBe(3);
});

it('submit and cancel, one at a time: the submit runs no transaction; inside the cancel only doc-by-id operations and add, carrying it', async () => {
  await scarceSku('sku_wire', 5);
  emu.takeRequests();
  const order = await submit(1, 'wire-1', [{ skuId: 'sku_wire', unit: 'piece', count: 2 }]);
  await changeStatus(store, actor(1).caller, order._id, 'cancelled', NOW + 60_000);
  const reqs = emu.takeRequests();

  const starts = reqs.filter((r) => r.action === 'database.startTransaction');
  expect(starts).toHaveLength(1);
  let open: string | null = null;
  for (const r of reqs) {
    if (r.action === 'database.startTransaction') {
      expect(open).toBeNull();
      open = r.transactionId!;
      expect(open).toBeTruthy();
      continue;
    }
    if (open) {
      // While a transaction is open this sequential flow sends nothing outside it.
      expect({ action: r.action, transactionId: r.transactionId }).toEqual({ action: r.action, transactionId: open });
      if (r.action === 'database.commitTransaction') {
        open = null;
        continue;
      }
      expect(['database.getDocument', 'database.modifyDocument', 'database.insertDocument', 'database.removeDocument']).toContain(r.action);
      if (r.action !== 'database.insertDocument') expect(r.queryType).toBe('DOC');
    } else {
      expect(r.transactionId).toBeUndefined();
    }
  }
  expect(open).toBeNull();
  expect(reqs.filter((r) => r.action === 'database.commitTransaction')).toHaveLength(1);
  // No update anywhere is wrapped in `data`, and every query names a limit within 1000.
  for (const r of reqs) {
    if (r.action === 'database.modifyDocument' && r.merge) expect(Object.keys(r.data as object).every((k) => k.startsWith('$'))).toBe(true);
    if (r.action === 'database.getDocument' && r.queryType === 'WHERE') expect(r.limit).toBeLessThanOrEqual(1000);
  }
  expect((await store.get('stock', 'sku_wire'))!.reserved).toBe(0);
  expect((await store.get('orders', order._id))!.status).toBe('cancelled');
});
