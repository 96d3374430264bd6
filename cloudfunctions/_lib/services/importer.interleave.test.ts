/**
 * An import running alongside orders loses nothing, on both stores: orders, a cancel and their
 * stock and outstanding changes land between the import's read (its plan) and its write, and
 * afterwards the counters hold every one of them while the sheet's fields are written.
 * The customers sheet patches only the customer (the outstanding amount lives on the account);
 * the stock sheet moves onHand and available by an increment conditional on the onHand it read.
 */
import type { Actor, Caller, ImportKind, SheetRow } from '@dinghuo/shared';
import { SqliteStore } from '../../../scripts/local/sqliteStore';
import { sqliteBatchWriter } from '../../../scripts/import/batchWrite';
import { seedDemo } from '../../../scripts/local/seed';
import { loadConfig } from '../config';
import type { Store } from '../data/store';
import { CloudbaseEmulator } from '../data/testing/cloudbaseEmulator';
import { cloudbaseStoreFor } from '../data/testing/cloudbaseTestStore';
import { importRows, storeBatchWriter, type BatchWriter } from './importer';
import { changeStatus, submitOrder } from './orders';

const NOW = Date.parse('2026-03-02T02:00:00Z');
const config = loadConfig({} as NodeJS.ProcessEnv);
const placedBy: Actor = { openid: 'demo-customer-hualian', role: 'customer', name: '陈经理' };
const caller: Caller = { kind: 'customer', openid: 'demo-customer-hualian', customerId: 'cus_hualian', name: '陈经理' };

interface Harness {
  store: Store;
  writer: (store: Store) => BatchWriter;
  close: () => Promise<void>;
}

const stores: [string, () => Promise<Harness>][] = [
  [
    'local store (the CLI writer: one SQLite transaction)',
    async () => {
      const store = new SqliteStore({ dataDir: ':memory:' });
      await seedDemo(store, NOW - 5 * 86_400_000);
      return { store, writer: () => sqliteBatchWriter(store), close: async () => store.close() };
    },
  ],
  [
    'local store (the Store writer)',
    async () => {
      const store = new SqliteStore({ dataDir: ':memory:' });
      await seedDemo(store, NOW - 5 * 86_400_000);
      return { store, writer: (s) => storeBatchWriter(s), close: async () => store.close() };
    },
  ],
  [
    'Cloudbase (node-sdk against the emulator)',
    async () => {
      const emu = await CloudbaseEmulator.start();
      const store = cloudbaseStoreFor(emu);
      await seedDemo(store, NOW - 5 * 86_400_000);
      return { store, writer: (s) => storeBatchWriter(s), close: () => emu.close() };
    },
  ],
];

describe.each(stores)('%s', (_name, make) => {
  let h: Harness;
  beforeAll(async () => {
    h = await make();
  }, 60_000);
  afterAll(() => h.close());

  /** Imports rows; `between` runs after the import has read and planned, before it writes. */
  function importWithOrdersBetween(kind: ImportKind, rows: SheetRow[], between: () => Promise<void>) {
    const write = h.writer(h.store);
    return importRows(h.store, kind, rows, {
      dryRun: false,
      skipBad: false,
      now: NOW,
      writer: async (writes) => {
        await between();
        await write(writes);
      },
    });
  }

  const submit = (requestId: string, skuId: string, count: number) =>
    submitOrder(h.store, 'cus_hualian', placedBy, { requestId, lines: [{ skuId, unit: 'case', count }], addressId: 'addr_1', requestedDate: null, remark: '' }, NOW, config);

  it('the customers sheet: orders and a cancel between its read and its write all stay in the outstanding amount', async () => {
    const outstanding = async () => (await h.store.get('accounts', 'cus_hualian'))?.outstandingFen ?? 0;
    const before = await outstanding();
    let placed = 0;
    const report = await importWithOrdersBetween('customers', [{ row: 2, values: { code: 'C001', name: '华联超市（总店）', creditLimitFen: '600000' } }], async () => {
      const a = await submit('imp-cus-1', 'sku_0002', 2);
      const b = await submit('imp-cus-2', 'sku_0003', 1);
      await changeStatus(h.store, caller, a._id, 'cancelled', NOW + 1000);
      placed = b.totalFen;
    });
    expect(report).toMatchObject({ written: true, updated: 1, bad: [] });
    expect(placed).toBeGreaterThan(0);
    expect(await outstanding()).toBe(before + placed);
    const customer = (await h.store.get('customers', 'cus_hualian'))!;
    expect({ name: customer.name, creditLimitFen: customer.creditLimitFen }).toEqual({ name: '华联超市（总店）', creditLimitFen: 60_000_000 });
    // The customer document carries no counter for an import to overwrite.
    expect('outstandingFen' in customer).toBe(false);
  });

  it('the stock sheet: reservations and a cancel between its read and its write are kept; onHand is the counted figure', async () => {
    const sku = (await h.store.get('skus', 'sku_0005'))!;
    const before = (await h.store.get('stock', sku._id))!;
    let held = 0;
    const report = await importWithOrdersBetween('stock', [{ row: 2, values: { skuCode: sku.code, onHand: '500' } }], async () => {
      const a = await submit('imp-stk-1', sku._id, 2);
      const b = await submit('imp-stk-2', sku._id, 1);
      await changeStatus(h.store, caller, b._id, 'cancelled', NOW + 1000);
      held = a.lines[0]!.qty;
    });
    expect(report).toMatchObject({ written: true, updated: 1, bad: [] });
    const after = (await h.store.get('stock', sku._id))!;
    expect({ onHand: after.onHand, reserved: after.reserved, available: after.available }).toEqual({
      onHand: 500,
      reserved: before.reserved + held,
      available: 500 - before.reserved - held,
    });
  });
});
