/**
 * The back office on the Cloudbase Store: the backoffice function over CloudbaseStore, through the
 * real @cloudbase/node-sdk, against the local emulator (snapshot transactions that conflict on
 * concurrent writes, as Cloudbase's do). Concurrent stock adjustments lose no increment and
 * write one movement each; a product save is one transaction; the board's filters, the price
 * preview and bulk 审核 run on the SDK's queries.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BackofficeProductRow, BoardOrder, BulkConfirmResult, CatalogItem, Page, PricePreview, ProductDetail, Result, StockMovement } from '@dinghuo/shared';
import { seedDemo } from '../../../scripts/local/seed';
import type { Store } from '../data/store';
import { CloudbaseEmulator } from '../data/testing/cloudbaseEmulator';
import { cloudbaseStoreFor } from '../data/testing/cloudbaseTestStore';
import { createLocalStorage } from '../storage';
import { main as backoffice } from '../../backoffice/index';
import { main as catalog } from '../../catalog/index';
import { orderIdFor } from './orders';

const NOW = Date.parse('2026-03-02T02:00:00Z');
const RUSH_RETRY = { attempts: 40, baseDelayMs: 5, maxDelayMs: 250 };

let emu: CloudbaseEmulator;
let store: Store;
let filesDir: string;

beforeAll(async () => {
  emu = await CloudbaseEmulator.start();
  store = cloudbaseStoreFor(emu, { retry: RUSH_RETRY });
  await seedDemo(store, NOW);
  filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dinghuo-cb-files-'));
}, 30_000);
afterAll(() => {
  emu.close();
  fs.rmSync(filesDir, { recursive: true, force: true });
});

const ctx = (openid: string) => ({ environ: `WX_OPENID=${openid}`, dinghuoLocal: { store, now: NOW, storage: createLocalStorage(filesDir) } });
function data<T>(r: Result<unknown>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.data as T;
}
const bo = async <T>(openid: string, action: string, input: object = {}) => data<T>(await backoffice({ action, input }, ctx(openid)));

test('concurrent stock adjustments are increments: none is lost, each has its movement', async () => {
  const before = (await store.get('stock', 'sku_0005'))!;
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => backoffice({ action: 'adjustStock', input: { skuId: 'sku_0005', delta: i + 1, reason: 'inbound' } }, ctx('demo-admin'))));
  expect(results.filter((r) => !r.ok)).toEqual([]);
  const after = (await store.get('stock', 'sku_0005'))!;
  expect(after.onHand).toBe(before.onHand + 78);
  expect(after.reserved).toBe(before.reserved);
  expect(after.available).toBe(before.available + 78);
  const moves = await bo<Page<StockMovement>>('demo-admin', 'stockMovements', { skuId: 'sku_0005', pageSize: 100 });
  expect(moves.total).toBe(12);
  expect(moves.items.map((m) => m.delta).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
});

test('a product is saved in one transaction, and its price preview is what the catalog shows', async () => {
  const saved = await bo<ProductDetail>('demo-admin', 'saveProduct', {
    product: { code: 'P777', name: '云端新品', categoryId: 'cat_snacks' },
    skus: [{ code: 'YD-1', spec: '100g', caseSize: 10, listPriceFen: 990 }],
  });
  expect(saved.skus.map((s) => s._id)).toEqual(['sku_YD-1']);
  expect(await store.get('stock', 'sku_YD-1')).toEqual({ _id: 'sku_YD-1', onHand: 0, reserved: 0, available: 0 });
  const rows = await bo<Page<BackofficeProductRow>>('demo-admin', 'products', { keyword: 'YD-1' });
  expect(rows.items.map((r) => r.skuId)).toEqual(['sku_YD-1']);
  const preview = await bo<PricePreview>('demo-merch-wang', 'pricePreview', { customerId: 'cus_hualian', skuId: 'sku_0001' });
  const list = data<Page<CatalogItem>>(await catalog({ action: 'list', input: { keyword: preview.item.code } }, ctx('demo-customer-hualian')));
  expect(list.items.find((i) => i.skuId === 'sku_0001')).toEqual(preview.item);
});

test('the board filters and bulk 审核 run on the SDK', async () => {
  const submitted = await bo<Page<BoardOrder>>('demo-admin', 'orders', { status: 'submitted' });
  const ids = submitted.items.map((o) => o._id);
  expect(ids).toEqual(expect.arrayContaining([orderIdFor('cus_hualian', 'seed-h1'), orderIdFor('cus_yonghui', 'seed-y1')]));
  expect((await bo<Page<BoardOrder>>('demo-admin', 'orders', { customerId: 'cus_yonghui' })).total).toBe(3);
  expect((await bo<Page<BoardOrder>>('demo-merch-li', 'orders')).total).toBe(0);
  const res = await bo<BulkConfirmResult>('demo-merch-wang', 'bulkConfirm', { orderIds: ids });
  expect(res).toMatchObject({ confirmed: ids.length, failed: 0 });
  for (const id of ids) expect((await store.get('orders', id))!.status).toBe('confirmed');
});
