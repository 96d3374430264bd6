/**
 * Catalog pricing benchmark: one customer's prices for all 10,000 SKUs of the benchmark catalog
 * (scripts/bench/fixture.ts), for a VIP customer with its own price list (200 entries with
 * breaks) on top of its level's list (5,000 entries with quantity breaks).
 *  - pure: resolveSkuPrice over every SKU with a loaded PricingContext (shared/src/pricing.ts);
 *  - store-backed: loadPricingContext from the embedded database (every entry of the customer's
 *    lists), then every SKU read (findAll) and priced;
 *  - the `catalog` function's list action (page 1, 20 items) through the local runtime.
 *
 *   npx tsx scripts/bench/pricing.ts [--runs 30]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildPricingContext, resolveSkuPrice, type Sku } from '@dinghuo/shared';
import { startLocalRuntime } from '../local/server';
import { findAll } from '../../cloudfunctions/_lib/data/store';
import { loadPricingContext } from '../../cloudfunctions/_lib/services/pricingData';
import { buildFixture, customerOpenid, DEFAULT_FIXTURE, loadFixture } from './fixture';
import { flag, machineLine, ms, percentile, table, type BenchReport, runAsScript } from './util';

export const PRICING_TARGET_MS = 50;

async function sample(runs: number, fn: () => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export async function runPricingBenchmark(argv: string[] = []): Promise<BenchReport> {
  const runs = flag(argv, 'runs', 30);
  const machine = machineLine();
  const f = buildFixture(DEFAULT_FIXTURE);
  const customerIndex = f.customers.findIndex((c, i) => c.levelId === 'lv_vip' && f.priceLists.some((l) => l.customerId === c._id) && i >= 0);
  const customer = f.customers[customerIndex]!;
  const level = f.levels.find((l) => l._id === customer.levelId)!;
  const lists = f.priceLists.filter((l) => l.customerId === customer._id || l.levelId === customer.levelId);
  const listIds = new Set(lists.map((l) => l._id));
  const entries = f.prices.filter((e) => listIds.has(e.priceListId));

  // Pure pricing: build the context once, then price every SKU.
  const ctx = buildPricingContext(customer, level, lists, entries);
  let checksum = 0;
  const priceAll = (skus: readonly Sku[]) => {
    let sum = 0;
    for (const sku of skus) sum += resolveSkuPrice(sku, ctx).unitPriceFen;
    checksum = sum;
  };
  await sample(10, () => priceAll(f.skus)); // warm up
  const pure = await sample(runs, () => priceAll(f.skus));
  const build = await sample(runs, () => buildPricingContext(customer, level, lists, entries));
  const sources = { customer: 0, level: 0, list_discount: 0 };
  for (const sku of f.skus) sources[resolveSkuPrice(sku, ctx).source] += 1;

  // Store-backed, in the local runtime's database (a file in a temp dir).
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dinghuo-bench-pricing-'));
  const rt = await startLocalRuntime({ dataDir, seed: false, timers: false, quiet: true });
  try {
    loadFixture(rt.store, f);
    await sample(3, () => loadPricingContext(rt.store, customer));
    const loadCtx = await sample(runs, () => loadPricingContext(rt.store, customer));
    const endToEnd = await sample(runs, async () => {
      const [{ ctx: loaded }, skus] = await Promise.all([loadPricingContext(rt.store, customer), findAll(rt.store, 'skus', {})]);
      let sum = 0;
      for (const sku of skus) sum += resolveSkuPrice(sku, loaded).unitPriceFen;
      if (sum !== checksum) throw new Error('store-backed prices differ from the in-memory ones');
    });
    const openid = customerOpenid(customerIndex);
    const listEvent = { action: 'list', input: { page: 1, pageSize: 20 } };
    const first = await rt.invoke('catalog', listEvent, openid);
    if (!first.ok) throw new Error(`catalog.list failed: ${first.error.code}`);
    const catalogRuns = Math.max(5, Math.round(runs / 3));
    const catalogList = await sample(catalogRuns, () => rt.invoke('catalog', listEvent, openid));
    const deepEvent = { action: 'list', input: { page: 400, pageSize: 20 } };
    const deep = await rt.invoke('catalog', deepEvent, openid);
    if (!deep.ok || (deep.data as { items: unknown[] }).items.length !== 20) throw new Error('catalog.list page 400 is not a full page');
    const catalogDeep = await sample(catalogRuns, () => rt.invoke('catalog', deepEvent, openid));

    const rows = [
      ['resolveSkuPrice × 10,000 SKUs (context loaded)', runs, ms(percentile(pure, 50)), ms(percentile(pure, 95))],
      ['buildPricingContext (5,200 entries, in memory)', runs, ms(percentile(build, 50)), ms(percentile(build, 95))],
      ['loadPricingContext from the store (all entries)', runs, ms(percentile(loadCtx, 50)), ms(percentile(loadCtx, 95))],
      ['load context + read 10,000 SKUs + price them all', runs, ms(percentile(endToEnd, 50)), ms(percentile(endToEnd, 95))],
      ['`catalog` list, page 1 of 20 (function via invoke)', catalogRuns, ms(percentile(catalogList, 50)), ms(percentile(catalogList, 95))],
      ['`catalog` list, page 400 of 20 (function via invoke)', catalogRuns, ms(percentile(catalogDeep, 50)), ms(percentile(catalogDeep, 95))],
    ];
    const misses: string[] = [];
    const pureP50 = percentile(pure, 50);
    const storeP50 = percentile(loadCtx, 50) + pureP50;
    if (pureP50 > PRICING_TARGET_MS) misses.push(`pricing 10,000 SKUs p50 ${ms(pureP50)} > ${PRICING_TARGET_MS} ms`);
    if (storeP50 > PRICING_TARGET_MS) misses.push(`load context + price p50 ${ms(storeP50)} > ${PRICING_TARGET_MS} ms`);
    const command = 'npx tsx scripts/bench/pricing.ts' + (runs !== 30 ? ` --runs ${runs}` : '');
    const markdown = [
      '### Catalog pricing (one customer, 10,000 SKUs)',
      '',
      `Command: \`${command}\` · machine: ${machine}`,
      '',
      `Customer ${customer.code}: level ${level.name} (list of ${entries.length - 200} entries with two quantity breaks each) ` +
        `plus its own list of 200 entries; prices come from its own list for ${sources.customer} SKUs, the level list for ` +
        `${sources.level} and the level discount for ${sources.list_discount}. Store: the local runtime's SQLite file in a temp dir.`,
      '',
      table(['what', 'runs', 'p50', 'p95'], rows),
      '',
      'The catalog list cuts the page in the query: one count and one page read (active SKUs whose `visibleTo` holds one of ' +
        'the customer\'s keys, in code order, from the (active, visibleTo) and (active, code) indexes), then prices only ' +
        'the page. A deep page costs more only by the rows the query skips.',
      '',
      `Target: a customer's prices for 10,000 SKUs ≤ ${PRICING_TARGET_MS} ms, with the context loaded and with loading it from the store — ` +
        (misses.length ? `**missed**: ${misses.join('; ')}` : '**met**'),
    ].join('\n');
    const summary: BenchReport['summary'] = [
      ['One customer\'s prices for 10,000 SKUs (context loaded), p50', `≤ ${PRICING_TARGET_MS} ms`, ms(pureP50), pureP50 <= PRICING_TARGET_MS],
      ['… including loading the context from the store, p50', `≤ ${PRICING_TARGET_MS} ms`, ms(storeP50), storeP50 <= PRICING_TARGET_MS],
    ];
    return { title: 'Catalog pricing', command, markdown, pass: misses.length === 0, misses, summary };
  } finally {
    await rt.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) runAsScript(runPricingBenchmark);
