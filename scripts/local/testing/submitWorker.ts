/**
 * One process of the local store's multi-process concurrency test (sqliteMultiProcess.test.ts):
 * opens its own connection to the database file and submits orders, all at once, printing the
 * outcome codes as JSON on its last line.
 *
 *   node --import tsx scripts/local/testing/submitWorker.ts <dataDir> <worker> <count> <skuIds,…>
 */
import { DomainError, type Actor } from '@dinghuo/shared';
import { SqliteStore } from '../sqliteStore';
import { loadConfig } from '../../../cloudfunctions/_lib/config';
import { submitOrder } from '../../../cloudfunctions/_lib/services/orders';

const CUSTOMERS = [
  { id: 'cus_hualian', openid: 'demo-customer-hualian' },
  { id: 'cus_yonghui', openid: 'demo-customer-yonghui' },
  { id: 'cus_xiaoma', openid: 'demo-customer-xiaoma' },
];

async function main(): Promise<void> {
  const [dataDir, worker, count, skus] = process.argv.slice(2);
  const skuIds = skus!.split(',');
  const store = new SqliteStore({ dataDir: dataDir! });
  const config = loadConfig({} as NodeJS.ProcessEnv);
  const n = Number(count);
  const results = await Promise.allSettled(
    Array.from({ length: n }, (_, i) => {
      const c = CUSTOMERS[i % CUSTOMERS.length]!;
      const placedBy: Actor = { openid: c.openid, role: 'customer', name: '并发' };
      const a = skuIds[i % skuIds.length]!;
      const b = skuIds[(i + 1) % skuIds.length]!;
      const lines = i % 3 === 0 ? [{ skuId: a, unit: 'piece' as const, count: 1 }, { skuId: b, unit: 'piece' as const, count: 2 }] : [{ skuId: a, unit: 'piece' as const, count: 1 }];
      return submitOrder(store, c.id, placedBy, { requestId: `mp-${worker}-${i}`, lines, addressId: 'addr_1', requestedDate: null, remark: '' }, Date.now(), config);
    }),
  );
  const codes: Record<string, number> = {};
  for (const r of results) {
    const k = r.status === 'fulfilled' ? 'OK' : r.reason instanceof DomainError ? r.reason.code : `ERR ${String((r.reason as Error)?.message ?? r.reason)}`;
    codes[k] = (codes[k] ?? 0) + 1;
  }
  store.close();
  console.log(JSON.stringify(codes));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
