/**
 * The submit on the Cloudbase path (CloudbaseStore through the real @cloudbase/node-sdk, against
 * the emulator), as the network sees it:
 * - request budgets, from the emulator's request log with 100 ms per request: sequential round
 *   trips of a 1-, 20- and 200-line submit (at most 6, the same for 200 lines as for 20) and of
 *   the other use cases;
 * - a submit killed between any two of its steps (every later request of it dropped, as when the
 *   function's process dies) is repaired by the reservation timer from its intent: nothing stays
 *   reserved or booked for an order that was not written, and nothing is undone for one that was;
 * - lost answers, timeouts and conflicts injected into single requests: never oversold, never a
 *   leaked reservation, and a retry of the same request id makes one order.
 */
import { INTENT_LEASE_MS, type Actor, type Caller, type Order, type Sku } from '@dinghuo/shared';
import { seedDemo } from '../../../scripts/local/seed';
import { loadConfig } from '../config';
import { findAll, type Store } from '../data/store';
import { CloudbaseEmulator, sequentialRoundTrips, type Fault, type RecordedRequest } from '../data/testing/cloudbaseEmulator';
import { cloudbaseStoreFor } from '../data/testing/cloudbaseTestStore';
import { changeStatus, orderDetail, orderIdFor, repairStaleIntents, runReservationTimer, submitOrder } from './orders';
import { listCatalog } from './catalog';
import { whoami } from './auth';
import { listCustomers } from './backofficeCustomers';

const NOW = Date.parse('2026-03-02T02:00:00Z');
const config = loadConfig({} as NodeJS.ProcessEnv);
const HUALIAN = { customerId: 'cus_hualian', openid: 'demo-customer-hualian', name: '陈经理' };
const placedBy: Actor = { openid: HUALIAN.openid, role: 'customer', name: HUALIAN.name };
const caller: Caller = { kind: 'customer', openid: HUALIAN.openid, customerId: HUALIAN.customerId, name: HUALIAN.name };
const wang: Caller = { kind: 'merchandiser', openid: 'demo-merch-wang', staffId: 'stf_wang', name: '王敏' };

let emu: CloudbaseEmulator;
let store: Store;

/** 200 SKUs with plenty of stock, written straight into the emulator. */
const BULK = Array.from({ length: 200 }, (_, i) => `sku_b${String(i).padStart(3, '0')}`);

beforeAll(async () => {
  emu = await CloudbaseEmulator.start();
  store = cloudbaseStoreFor(emu);
  await seedDemo(store, NOW - 5 * 86_400_000);
  await store.patch('customers', HUALIAN.customerId, { creditLimitFen: 10_000_000_000 });
  emu.put(
    'skus',
    BULK.map((id, i) => ({
      _id: id, code: `B${i}`, productId: 'prd_bulk', categoryId: 'cat_drinks', name: `批量商品${i}`, spec: '', baseUnit: '件', caseUnit: '箱',
      caseSize: 6, caseOnly: false, listPriceFen: 100 + i, moq: 1, active: true, madeToOrder: false, leadTimeDays: 3, visibleTo: ['*'],
    })),
  );
  emu.put('stock', BULK.map((id) => ({ _id: id, onHand: 1_000_000, reserved: 0, available: 1_000_000 })));
}, 60_000);
afterAll(() => emu.close());
afterEach(() => {
  emu.fault = undefined;
  emu.setLatency(0);
});

const lines = (n: number, count = 1) => BULK.slice(0, n).map((skuId) => ({ skuId, unit: 'piece' as const, count }));

function submit(requestId: string, n: number, s: Store = store, count = 1) {
  return submitOrder(s, HUALIAN.customerId, placedBy, { requestId, lines: lines(n, count), addressId: 'addr_1', requestedDate: null, remark: '' }, NOW, config);
}

/**
 * Runs fn with 100 ms per request and answers its requests and sequential round trips. (The
 * benchmark uses 5 ms; here the latency is well above the CPU time a loaded test machine spends
 * between two requests of one round, which would otherwise count as a round of its own: at
 * 25 ms a full functions run beside a build, load ~10 on 2 cores, counted a 7th round.)
 */
const LATENCY_MS = 100;
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; requests: RecordedRequest[]; rounds: number }> {
  emu.takeRequests();
  emu.setLatency(LATENCY_MS);
  try {
    const value = await fn();
    const requests = emu.takeRequests();
    return { value, requests, rounds: sequentialRoundTrips(requests) };
  } finally {
    emu.setLatency(0);
  }
}

async function counters(skuIds: string[]) {
  const [stock, account] = await Promise.all([store.getMany('stock', skuIds), store.get('accounts', HUALIAN.customerId)]);
  return {
    stock: Object.fromEntries(stock.map((s) => [s._id, { reserved: s.reserved, available: s.available, holds: Object.keys(s.holds ?? {}).length }])),
    outstandingFen: account?.outstandingFen ?? 0,
  };
}

describe('request budgets (sequential round trips at 100 ms per request)', () => {
  const rounds = new Map<number, number>();

  it.each([1, 20, 200])('a %i-line submit makes at most 6 sequential round trips and at most 20 requests', async (n) => {
    // Quantities 1 to 7 pieces: lines of one quantity share one conditional update.
    const { value: order, requests, rounds: r } = await measured(() =>
      submitOrder(store, HUALIAN.customerId, placedBy, { requestId: `budget-${n}`, lines: BULK.slice(0, n).map((skuId, i) => ({ skuId, unit: 'piece', count: 1 + (i % 7) })), addressId: 'addr_1', requestedDate: null, remark: '' }, NOW, config),
    );
    expect(order.lines).toHaveLength(n);
    rounds.set(n, r);
    expect(r).toBeLessThanOrEqual(6);
    const stockUpdates = requests.filter((q) => q.action === 'database.modifyDocument' && q.collectionName === 'stock');
    expect(stockUpdates).toHaveLength(Math.min(n, 7));
    expect(requests.length).toBeLessThanOrEqual(20);
    expect(requests.filter((q) => q.action === 'database.startTransaction')).toHaveLength(0);
  });

  it('the round trips do not grow with the line count', () => {
    expect(rounds.get(200)).toBe(rounds.get(20));
    expect(rounds.get(20)).toBe(rounds.get(1));
  });

  it('a retried request id answers the existing order in one round trip', async () => {
    await submit('budget-retry', 20);
    const { value, rounds: r } = await measured(() => submit('budget-retry', 20));
    expect(value._id).toBe(orderIdFor(HUALIAN.customerId, 'budget-retry'));
    expect(r).toBe(1);
  });

  // The other use cases and their budgets.
  it('cancel of a 20-line order: at most 10 round trips (one transaction, lines in parallel)', async () => {
    const order = await submit('budget-cancel', 20);
    const { rounds: r } = await measured(() => changeStatus(store, caller, order._id, 'cancelled', NOW + 1000));
    expect(r).toBeLessThanOrEqual(10);
  });

  it('confirm and ship of a 20-line order: at most 10 round trips each', async () => {
    const order = await submit('budget-ship', 20);
    for (const to of ['confirmed', 'ready_to_ship', 'shipped'] as const) {
      const { rounds: r } = await measured(() => changeStatus(store, wang, order._id, to, NOW + 1000));
      expect({ to, r: r <= 10 }).toEqual({ to, r: true });
    }
  });

  it('reservation timer with nothing to do: 1 round trip; with one stale intent: at most 5', async () => {
    expect((await measured(() => runReservationTimer(store, NOW))).rounds).toBe(1);
    emu.put('reservations', [{ _id: 'o_stale_budget', customerId: HUALIAN.customerId, skuIds: BULK.slice(0, 20), state: 'pending', createdAt: NOW, deadline: NOW }]);
    const { rounds: r, value } = await measured(() => runReservationTimer(store, NOW + 1));
    expect(value.repaired.compensated).toEqual(['o_stale_budget']);
    expect(r).toBeLessThanOrEqual(5);
  });

  it('catalog page (the customer, then the page), whoami and order detail: at most 4, 2 and 1 round trips', async () => {
    const order = await submit('budget-detail', 5);
    const page = () => store.get('customers', HUALIAN.customerId).then((c) => listCatalog(store, c!, { page: 1, pageSize: 20 }));
    expect((await measured(page)).rounds).toBeLessThanOrEqual(4);
    expect((await measured(() => whoami(store, caller))).rounds).toBeLessThanOrEqual(2);
    expect((await measured(() => orderDetail(store, caller, order))).rounds).toBeLessThanOrEqual(1);
  });

  it('back office customer page: 2 round trips, one request per customer (its open orders) beyond a fixed 6', async () => {
    const admin: Caller = { kind: 'admin', openid: 'demo-admin', staffId: 'stf_zhao', name: '赵总' };
    const { value, requests, rounds } = await measured(() => listCustomers(store, admin, { page: 1, pageSize: 20 }));
    expect(value.items.length).toBeGreaterThan(1);
    expect(value.items.find((c) => c._id === HUALIAN.customerId)?.boundUsers).toBeGreaterThan(0);
    expect(rounds).toBeLessThanOrEqual(2);
    // page and count; then levels, staff, accounts, bound users, and one open-order count each
    expect(requests.length).toBeLessThanOrEqual(6 + value.items.length);
  });
});

describe('a submit killed between its steps is repaired by the reservation timer', () => {
  /**
   * Kills the victim's submit when `when` first says so: that request and every later one of the
   * victim are dropped (not carried out), as when the function's process dies.
   */
  function killVictim(when: (r: RecordedRequest) => boolean): void {
    let dead = false;
    emu.fault = (r) => {
      if (!r.url.includes('env=victim')) return undefined;
      if (!dead && when(r)) dead = true;
      return dead ? 'drop' : undefined;
    };
  }

  const isStockUpdate = (r: RecordedRequest) => r.action === 'database.modifyDocument' && r.collectionName === 'stock';
  let stockUpdatesSeen = 0;
  const steps: [string, (r: RecordedRequest) => boolean, 'compensated' | 'committed'][] = [
    ['after writing its intent, before reserving', (r) => isStockUpdate(r) || r.collectionName === 'accounts', 'compensated'],
    ['after reserving 3 of its 7 quantity groups of lines', (r) => isStockUpdate(r) && ++stockUpdatesSeen > 3, 'compensated'],
    ['after reserving every line and booking the credit, before writing the order', (r) => r.action === 'database.insertDocument' && r.collectionName === 'orders', 'compensated'],
    ['after writing the order, before marking its intent', (r) => r.action === 'database.modifyDocument' && r.collectionName === 'reservations', 'committed'],
  ];

  it.each(steps)('killed %s', async (name, when, outcome) => {
    const victim = cloudbaseStoreFor(emu, { env: 'victim' });
    const requestId = `kill-${name.length}-${outcome}`;
    const orderId = orderIdFor(HUALIAN.customerId, requestId);
    const skuIds = BULK.slice(20, 40);
    const before = await counters(skuIds);
    stockUpdatesSeen = 0;
    killVictim(when);
    const qty = (i: number) => 1 + (i % 7);
    const died = submitOrder(victim, HUALIAN.customerId, placedBy, { requestId, lines: skuIds.map((skuId, i) => ({ skuId, unit: 'piece', count: qty(i) })), addressId: 'addr_1', requestedDate: null, remark: '' }, NOW, config);
    // Killed after its last write, the submit itself cannot tell (and nobody hears its answer).
    if (outcome === 'compensated') await expect(died).rejects.toThrow();
    else await died.catch(() => null);
    emu.fault = undefined;
    const intent = await store.get('reservations', orderId);
    expect(intent?.state).toBe('pending');
    const written = await store.get('orders', orderId);
    expect(!!written).toBe(outcome === 'committed');

    // Before the intent's deadline the timer leaves it alone (its submit might still be running).
    expect(await repairStaleIntents(store, NOW + 60_000)).toEqual({ committed: [], compensated: [] });

    const repaired = await runReservationTimer(store, NOW + INTENT_LEASE_MS + 1);
    expect(repaired.repaired[outcome]).toEqual([orderId]);
    expect((await store.get('reservations', orderId))!.state).toBe(outcome);
    const after = await counters(skuIds);
    if (outcome === 'compensated') {
      expect(after).toEqual(before);
    } else {
      expect(after.outstandingFen).toBe(before.outstandingFen + written!.totalFen);
      skuIds.forEach((id, i) => expect(after.stock[id]).toEqual({ reserved: before.stock[id]!.reserved + qty(i), available: before.stock[id]!.available - qty(i), holds: before.stock[id]!.holds + 1 }));
    }
    // Repairing again changes nothing.
    expect(await repairStaleIntents(store, NOW + INTENT_LEASE_MS + 2)).toEqual({ committed: [], compensated: [] });
    expect(await counters(skuIds)).toEqual(after);

    // The customer submits again with the same request id: one order, reserved once.
    const again = await submit(requestId, 0, store).catch(() => null);
    expect(again === null || again._id === orderId).toBe(true);
  });
});

describe('faults injected into single requests', () => {
  function faultOnce(match: (r: RecordedRequest) => boolean, fault: Fault): () => boolean {
    let fired = false;
    emu.fault = (r) => {
      if (fired || !match(r)) return undefined;
      fired = true;
      return fault;
    };
    return () => fired;
  }
  const skuIds = BULK.slice(40, 60);
  const stockUpdate = (r: RecordedRequest) => r.action === 'database.modifyDocument' && r.collectionName === 'stock';

  it.each<[string, (r: RecordedRequest) => boolean, Fault]>([
    ['a reservation whose answer is lost', stockUpdate, 'lost-response'],
    ['a reservation that times out', stockUpdate, 'timeout'],
    ['a credit booking whose answer is lost', (r) => r.action === 'database.modifyDocument' && r.collectionName === 'accounts', 'lost-response'],
    ['the intent insert refused with a conflict', (r) => r.action === 'database.insertDocument' && r.collectionName === 'reservations', 'conflict'],
  ])('%s: the submit fails whole, leaves nothing held, and its retry makes one order', async (name, match, fault) => {
    const before = await counters(skuIds);
    const requestId = `fault-${name.length}-${fault}`;
    const fired = faultOnce(match, fault);
    const lineInput = skuIds.map((skuId) => ({ skuId, unit: 'piece' as const, count: 3 }));
    const req = { requestId, lines: lineInput, addressId: 'addr_1', requestedDate: null, remark: '' };
    await expect(submitOrder(store, HUALIAN.customerId, placedBy, req, NOW, config)).rejects.toThrow();
    expect(fired()).toBe(true);
    expect(await counters(skuIds)).toEqual(before);
    expect(await store.get('reservations', orderIdFor(HUALIAN.customerId, requestId))).toBeNull();

    const order = await submitOrder(store, HUALIAN.customerId, placedBy, req, NOW, config);
    const after = await counters(skuIds);
    expect(after.outstandingFen).toBe(before.outstandingFen + order.totalFen);
    for (const id of skuIds) expect(after.stock[id]!.reserved).toBe(before.stock[id]!.reserved + 3);
    expect((await store.get('reservations', order._id))!.state).toBe('committed');
  });

  it('the order insert whose answer is lost: the order is there, so the submit succeeds', async () => {
    const before = await counters(skuIds);
    faultOnce((r) => r.action === 'database.insertDocument' && r.collectionName === 'orders', 'lost-response');
    const order = await submitOrder(store, HUALIAN.customerId, placedBy, { requestId: 'fault-order-lost', lines: lines(3), addressId: 'addr_1', requestedDate: null, remark: '' }, NOW, config);
    expect(await store.get('orders', order._id)).toEqual(order);
    expect((await counters(skuIds)).outstandingFen).toBe(before.outstandingFen + order.totalFen);
  });

  it('the order insert whose answer is lost and its read-back too: nothing is undone, the timer marks the intent committed', async () => {
    const ids = BULK.slice(60, 63);
    const before = await counters(ids);
    const requestId = 'fault-order-lost-unread';
    const orderId = orderIdFor(HUALIAN.customerId, requestId);
    // The insert is carried out but its answer lost; then the submit's read of the order is cut.
    let inserted = false;
    let readCut = false;
    emu.fault = (r) => {
      if (!inserted && r.action === 'database.insertDocument' && r.collectionName === 'orders') {
        inserted = true;
        return 'lost-response';
      }
      if (inserted && !readCut && r.action === 'database.getDocument' && r.collectionName === 'orders') {
        readCut = true;
        return 'drop';
      }
      return undefined;
    };
    const req = { requestId, lines: ids.map((skuId) => ({ skuId, unit: 'piece' as const, count: 2 })), addressId: 'addr_1', requestedDate: null, remark: '' };
    await expect(submitOrder(store, HUALIAN.customerId, placedBy, req, NOW, config)).rejects.toThrow();
    expect(readCut).toBe(true);
    emu.fault = undefined;
    // The order exists: its reservation and booking stay, and its intent waits for the timer.
    const order = (await store.get('orders', orderId))!;
    expect(order).not.toBeNull();
    const held = await counters(ids);
    expect(held.outstandingFen).toBe(before.outstandingFen + order.totalFen);
    for (const id of ids) expect(held.stock[id]).toEqual({ reserved: before.stock[id]!.reserved + 2, available: before.stock[id]!.available - 2, holds: before.stock[id]!.holds + 1 });
    expect((await store.get('reservations', orderId))!.state).toBe('pending');
    const repaired = await runReservationTimer(store, NOW + INTENT_LEASE_MS + 1);
    expect(repaired.repaired.committed).toEqual([orderId]);
    expect(await counters(ids)).toEqual(held);
    // The retry answers the order; its cancel releases it once.
    expect((await submitOrder(store, HUALIAN.customerId, placedBy, req, NOW, config))._id).toBe(orderId);
    await changeStatus(store, caller, orderId, 'cancelled', NOW + INTENT_LEASE_MS + 2);
    expect(await counters(ids)).toEqual(before);
  });

  it('a cancel whose transaction meets an injected conflict is retried and applied once', async () => {
    const order = await submit('fault-cancel', 4);
    const before = await counters(BULK.slice(0, 4));
    faultOnce((r) => r.action === 'database.modifyDocument' && r.collectionName === 'stock' && !!r.transactionId, 'conflict');
    const cancelled = await changeStatus(store, caller, order._id, 'cancelled', NOW + 1000);
    expect(cancelled.status).toBe('cancelled');
    const after = await counters(BULK.slice(0, 4));
    for (const id of BULK.slice(0, 4)) expect(after.stock[id]!.reserved).toBe(before.stock[id]!.reserved - 1);
    expect(after.outstandingFen).toBe(before.outstandingFen - order.totalFen);
    expect(emu.openTransactions()).toBe(0);
  });
});

it('the hot SKU: 100 concurrent submits on a SKU with stock for 40 at 5 ms per request', async () => {
  emu.put('skus', [{ ...(await store.get('skus', BULK[0]!))!, _id: 'sku_hot100', code: 'HOT100' } as Sku]);
  emu.put('stock', [{ _id: 'sku_hot100', onHand: 40, reserved: 0, available: 40 }]);
  emu.setLatency(5);
  const results = await Promise.allSettled(
    Array.from({ length: 100 }, (_, i) =>
      submitOrder(store, HUALIAN.customerId, placedBy, { requestId: `hot100-${i}`, lines: [{ skuId: 'sku_hot100', unit: 'piece', count: 1 }], addressId: 'addr_1', requestedDate: null, remark: '' }, NOW, config),
    ),
  );
  emu.setLatency(0);
  const codes = results.map((r) => (r.status === 'fulfilled' ? 'OK' : (r.reason as { code?: string }).code));
  expect(codes.filter((c) => c === 'OK')).toHaveLength(40);
  expect(codes.filter((c) => c === 'OUT_OF_STOCK')).toHaveLength(60);
  const s = (await store.get('stock', 'sku_hot100'))!;
  expect({ reserved: s.reserved, available: s.available }).toEqual({ reserved: 40, available: 0 });
  expect((await findAll(store, 'orders', { 'lines.skuId': 'sku_hot100' })).length).toBe(40);
  void (null as unknown as Order);
});
