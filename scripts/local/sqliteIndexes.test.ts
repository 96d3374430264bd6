/**
 * findAll pages by _id; on an indexed field the embedded database must answer those pages from
 * the (field, id) index instead of sorting every match again for every page.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileFilter, SqliteStore } from './sqliteStore';
import { findAll, type Filter } from '../../cloudfunctions/_lib/data/store';

function plan(store: SqliteStore, coll: string, filter: Filter): string {
  const params: unknown[] = [];
  const where = compileFilter(filter, params);
  const rows = store.db
    .prepare(`EXPLAIN QUERY PLAN SELECT doc FROM "${coll}" WHERE ${where} ORDER BY id ASC LIMIT ? OFFSET ?`)
    .all(...params, 1000, 0) as { detail: string }[];
  return rows.map((r) => r.detail).join('; ');
}

test('an equality page ordered by id uses the index and no sort', () => {
  const store = new SqliteStore({ dataDir: ':memory:' });
  try {
    const p = plan(store, 'prices', { priceListId: 'pl_vip' });
    expect(p).toContain('USING INDEX ix_prices_priceListId_id');
    expect(p).not.toContain('TEMP B-TREE');
    expect(plan(store, 'orders', { customerId: 'c1' })).not.toContain('TEMP B-TREE');
  } finally {
    store.close();
  }
});

test('a database made with the old single-column indexes is migrated, and findAll still pages in id order', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dinghuo-ix-'));
  try {
    const old = new SqliteStore({ dataDir: dir });
    old.db.exec('DROP INDEX "ix_prices_priceListId_id"');
    old.db.exec(`CREATE INDEX "ix_prices_priceListId" ON "prices" (json_extract(doc, '$.priceListId'))`);
    // Inserted in a scrambled order, so rowid order is not id order.
    old.db.transaction(() => {
      for (let k = 0; k < 2500; k++) {
        const i = (k * 7919) % 2500;
        const priceListId = i % 2 === 0 ? 'pl_a' : 'pl_b';
        old.setSync('prices', { _id: `${priceListId}:sku_${String(i).padStart(5, '0')}`, priceListId, skuId: `sku_${i}`, priceFen: 100 + i, breaks: [] });
      }
    })();
    await old.close();

    const store = new SqliteStore({ dataDir: dir });
    const names = (store.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'prices'`).all() as { name: string }[]).map((r) => r.name);
    expect(names).toContain('ix_prices_priceListId_id');
    expect(names).not.toContain('ix_prices_priceListId');
    const all = await findAll(store, 'prices', { priceListId: 'pl_a' });
    expect(all).toHaveLength(1250);
    const ids = all.map((d) => d._id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(1250);
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
  }
});

test('the monthly report reads the month’s exceptions by openedAt through an index, not a table scan', () => {
  const store = new SqliteStore({ dataDir: ':memory:' });
  try {
    const p = plan(store, 'exceptions', { openedAt: { $gte: 1_700_000_000_000, $lt: 1_702_000_000_000 } });
    expect(p).toContain('USING INDEX ix_exceptions_openedAt_id');
    expect(p).not.toMatch(/SCAN exceptions(?! USING)/);
  } finally {
    store.close();
  }
});

test('the catalog page (active SKUs a customer may see, in code order) is cut by indexes: the count from one alone', () => {
  const store = new SqliteStore({ dataDir: ':memory:' });
  try {
    const filter: Filter = { active: true, visibleTo: { $hasAny: ['*', 'lv:lv_vip', 'cu:cus_1'] } };
    const params: unknown[] = [];
    const where = compileFilter(filter, params);
    const explain = (sql: string, extra: unknown[] = []) =>
      (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params, ...extra) as { detail: string }[]).map((r) => r.detail).join('; ');
    const count = explain(`SELECT count(*) AS n FROM "skus" WHERE ${where}`);
    expect(count).toContain('USING COVERING INDEX ix_skus_active_visibleTo_id');
    const page = explain(`SELECT doc FROM "skus" WHERE ${where} ORDER BY json_extract(doc, '$.code') ASC LIMIT ? OFFSET ?`, [20, 0]);
    expect(page).toContain('USING INDEX ix_skus_active_code_id');
    expect(page).not.toContain('TEMP B-TREE');
  } finally {
    store.close();
  }
});
