/**
 * The local store under real concurrency: four processes, each with its own connection to one
 * database file (not one event loop behind one mutex), submit 80 orders each at once on three
 * SKUs with little stock. No oversell, reserved equals the live orders' quantities, available
 * equals onHand - reserved, no intent left pending, and every submit either made its order or
 * was refused for a shortage.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { quantitiesBySku, type Sku } from '@dinghuo/shared';
import { SqliteStore } from './sqliteStore';
import { seedDemo } from './seed';
import { findAll } from '../../cloudfunctions/_lib/data/store';

const ROOT = path.resolve(__dirname, '../..');
const WORKER = path.join(__dirname, 'testing/submitWorker.ts');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dinghuo-mp-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 }));

function runWorker(worker: number, count: number, skuIds: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, dir, String(worker), String(count), skuIds.join(',')], { cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`worker ${worker} exited ${code}: ${err}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>);
    });
  });
}

it('four processes on one database file: no oversell, reserved = live orders, nothing pending', async () => {
  const ids = ['sku_mp1', 'sku_mp2', 'sku_mp3'];
  const onHand = [61, 37, 23];
  const setup = new SqliteStore({ dataDir: dir });
  await seedDemo(setup);
  for (const c of ['cus_hualian', 'cus_yonghui', 'cus_xiaoma']) await setup.patch('customers', c, { creditLimitFen: null });
  for (const [i, id] of ids.entries()) {
    const sku: Sku = {
      _id: id, code: id.toUpperCase(), productId: 'prd_mp', categoryId: 'cat_drinks', name: `并发商品${i}`, spec: '', baseUnit: '件', caseUnit: '箱',
      caseSize: 6, caseOnly: false, listPriceFen: 100, moq: 1, active: true, madeToOrder: false, leadTimeDays: 3,
    };
    await setup.set('skus', sku);
    await setup.set('stock', { _id: id, onHand: onHand[i]!, reserved: 0, available: onHand[i]! });
  }
  await setup.close();

  const tallies = await Promise.all([0, 1, 2, 3].map((w) => runWorker(w, 80, ids)));
  const codes: Record<string, number> = {};
  for (const t of tallies) for (const [k, n] of Object.entries(t)) codes[k] = (codes[k] ?? 0) + n;
  expect(Object.keys(codes).sort()).toEqual(['OK', 'OUT_OF_STOCK']);

  const store = new SqliteStore({ dataDir: dir });
  try {
    const orders = (await findAll(store, 'orders', {})).filter((o) => o.requestId.startsWith('mp-'));
    expect(orders).toHaveLength(codes.OK!);
    const held = quantitiesBySku(orders.flatMap((o) => o.lines));
    for (const [i, id] of ids.entries()) {
      const s = (await store.get('stock', id))!;
      expect({ id, reserved: s.reserved, available: s.available, holds: Object.keys(s.holds ?? {}).length }).toEqual({
        id,
        reserved: held.get(id) ?? 0,
        available: onHand[i]! - (held.get(id) ?? 0),
        holds: orders.filter((o) => o.lines.some((l) => l.skuId === id)).length,
      });
      expect(s.reserved).toBeLessThanOrEqual(onHand[i]!);
    }
    // Stock ran out: 320 submits want far more than 121 pieces.
    expect(codes.OUT_OF_STOCK).toBeGreaterThan(0);
    expect(await store.count('reservations', { state: 'pending' })).toBe(0);
  } finally {
    await store.close();
  }
}, 120_000);
