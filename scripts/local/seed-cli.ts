/** `npm run seed -- [--data-dir .data] [--reset]`: seeds the demo data into a data directory. */
import fs from 'node:fs';
import path from 'node:path';
import { SqliteStore } from './sqliteStore';
import { isSeeded, seedDemo } from './seed';
import { seedDemoImages } from './seedImages';
import { createLocalStorage } from '../../cloudfunctions/_lib/storage';

async function main(): Promise<void> {
  const i = process.argv.indexOf('--data-dir');
  const dataDir = path.resolve(i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : '.data');
  if (process.argv.includes('--reset')) fs.rmSync(dataDir, { recursive: true, force: true });
  const store = new SqliteStore({ dataDir });
  try {
    if (await isSeeded(store)) {
      console.log(`${dataDir} 已有数据，未重复写入（用 --reset 清空后重建）`);
      return;
    }
    const r = await seedDemo(store);
    await seedDemoImages(store, createLocalStorage(path.join(dataDir, 'files')));
    console.log(`已写入演示数据：${r.skus} 个 SKU，${r.orders} 个订单 → ${dataDir}`);
  } finally {
    store.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
