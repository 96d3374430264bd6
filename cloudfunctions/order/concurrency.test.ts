/**
 * 600 concurrent submits on SKUs with little stock, against the real embedded database:
 * stock never goes below zero, reserved equals the sum of live orders' lines, and exactly as
 * many orders succeed as the stock allows.
 */
import { startTestRuntime, type TestRuntime } from '../../scripts/local/testing/testRuntime';
import { quantitiesBySku, type Result, type Sku } from '@dinghuo/shared';
import { findAll } from '../_lib/data/store';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ dataDir: ':memory:', timers: false, quiet: true });
});
afterAll(() => rt.close());

const CUSTOMERS = ['demo-customer-hualian', 'demo-customer-yonghui', 'demo-customer-xiaoma'];

async function scarceSku(id: string, onHand: number): Promise<void> {
  const sku: Sku = {
    _id: id, code: id.toUpperCase(), productId: 'prd_scarce', categoryId: 'cat_drinks', name: `紧俏商品${id}`, spec: '',
    baseUnit: '件', caseUnit: '箱', caseSize: 6, caseOnly: false, listPriceFen: 100, moq: 1, active: true,
    madeToOrder: false, leadTimeDays: 3,
  };
  await rt.store.set('skus', sku);
  await rt.store.set('stock', { _id: id, onHand, reserved: 0, available: onHand });
}

function submit(i: number, lines: { skuId: string; unit: 'piece' | 'case'; count: number }[]) {
  const who = CUSTOMERS[i % CUSTOMERS.length]!;
  return rt.invoke('order', { action: 'submit', input: { requestId: `conc-${i.toString().padStart(6, '0')}`, lines, addressId: 'addr_1' } }, who);
}

function tally(results: Result<unknown>[]): Map<string, number> {
  const codes = new Map<string, number>();
  for (const r of results) {
    const c = r.ok ? 'OK' : r.error.code;
    codes.set(c, (codes.get(c) ?? 0) + 1);
  }
  return codes;
}

beforeAll(async () => {
  for (const c of ['cus_hualian', 'cus_yonghui', 'cus_xiaoma']) await rt.store.patch('customers', c, { creditLimitFen: null });
});

it('one-piece orders: exactly onHand of 300 concurrent submits succeed', async () => {
  await scarceSku('sku_one', 97);
  const results = await Promise.all(Array.from({ length: 300 }, (_, i) => submit(i, [{ skuId: 'sku_one', unit: 'piece', count: 1 }])));
  expect(Object.fromEntries(tally(results))).toEqual({ OK: 97, OUT_OF_STOCK: 203 });
  const stock = (await rt.store.get('stock', 'sku_one'))!;
  expect({ ...stock, holds: Object.keys(stock.holds ?? {}).length }).toEqual({ _id: 'sku_one', onHand: 97, reserved: 97, available: 0, holds: 97 });
});

it('mixed multi-line orders: no oversell, reserved = live lines, every refusal a real shortage', async () => {
  const ids = ['sku_a', 'sku_b', 'sku_c'];
  const onHand = [41, 29, 13];
  for (const [i, id] of ids.entries()) await scarceSku(id, onHand[i]!);
  const results = await Promise.all(
    Array.from({ length: 600 }, (_, i) => {
      const a = ids[i % 3]!;
      const b = ids[(i + 1) % 3]!;
      if (i % 5 === 0) return submit(100_000 + i, [{ skuId: a, unit: 'case', count: 1 }]);
      if (i % 2 === 0) return submit(100_000 + i, [{ skuId: a, unit: 'piece', count: 1 + (i % 3) }]);
      return submit(100_000 + i, [{ skuId: a, unit: 'piece', count: 1 }, { skuId: b, unit: 'piece', count: 2 }]);
    }),
  );
  const codes = tally(results);
  expect([...codes.keys()].sort()).toEqual(['OK', 'OUT_OF_STOCK']);

  const orders = (await findAll(rt.store, 'orders', { status: 'submitted' })).filter((o) => o.lines.some((l) => ids.includes(l.skuId)));
  expect(orders.length).toBe(codes.get('OK'));
  const held = quantitiesBySku(orders.flatMap((o) => o.lines));
  const left = new Map<string, number>();
  for (const [i, id] of ids.entries()) {
    const s = (await rt.store.get('stock', id))!;
    expect(s.reserved).toBe(held.get(id) ?? 0);
    expect(s.reserved).toBeLessThanOrEqual(onHand[i]!);
    left.set(id, s.onHand - s.reserved);
  }
  // Every refusal was a real shortage when it was made: what the SKU had available then (read
  // after the submit undid its own other lines) did not fit. (Stock held for a moment by a
  // multi-line submit refused on another line is released again, so availability does not only
  // fall during the run; a refused submit whose lines fit again is retried, see submitOrder.)
  for (const r of results) {
    if (r.ok) continue;
    const d = r.error.details as { skuId: string; wanted: number; available: number };
    expect(d.available).toBeLessThan(d.wanted);
  }
  // And stock is used up as far as single-SKU orders allow: every SKU has less left than the
  // smallest single-line want refused on it.
  for (const [id, s] of left) expect({ id, left: s }).toEqual({ id, left: expect.any(Number) });
  const smallestRefusedWant = new Map<string, number>();
  for (const r of results) {
    if (r.ok) continue;
    const d = r.error.details as { skuId: string; wanted: number };
    smallestRefusedWant.set(d.skuId, Math.min(smallestRefusedWant.get(d.skuId) ?? Infinity, d.wanted));
  }
  for (const [id, want] of smallestRefusedWant) expect(left.get(id)!).toBeLessThan(want);
}, 180_000);
