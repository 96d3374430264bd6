/**
 * Catalog scroll benchmark: the H5 build in headless Chromium, a customer scrolling through a
 * 2,000-SKU catalog from the first card to the last (pages of 20 load as the bottom nears).
 * Reports the DOM node count at the start and at the end (and the most .sku cards rendered at
 * once), long tasks (PerformanceObserver 'longtask': count and longest), frame times while
 * scrolling (requestAnimationFrame deltas: p50 / p95 / max) and the time each next page takes
 * from its request to its cards in the DOM.
 *
 *   npx tsx scripts/bench/catalog-scroll.ts [--skus 2000] [--step 240] [--h5-dir miniprogram/dist/h5]
 *
 * The local runtime runs on a temp data dir with only the generated catalog (scripts/bench/
 * fixture.ts shapes) and one customer signed in as the demo identity 华联超市. Builds the H5 app
 * (npm run build:h5) when it is missing.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startLocalRuntime } from '../local/server';
import { buildFixture, loadFixture } from './fixture';
import { flag, machineLine, ms, percentile, table, type BenchReport, runAsScript } from './util';

const ROOT = path.resolve(__dirname, '..', '..');
const DEFAULT_H5 = path.join(ROOT, 'miniprogram', 'dist', 'h5');
const OPENID = 'demo-customer-hualian';
export const CATALOG_NODE_TARGET = 3_000;
export const CATALOG_FRAME_P95_TARGET_MS = 50;

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

interface ScrollResult {
  nodesStart: number;
  nodesEnd: number;
  cardsStart: number;
  cardsMax: number;
  cardsEnd: number;
  frames: number[];
  longTasks: number[];
  pageLoads: { page: number; ms: number }[];
  scrolledPx: number;
  seconds: number;
  lastSku: string;
}

/** Runs in the page before the app: records long tasks and each catalog list request's start. */
function initScript(): void {
  const w = window as any;
  w.__bench = { longTasks: [] as number[], listStarts: {} as Record<number, number> };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__bench.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no longtask support: reported as 0
  }
  const raw = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    try {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes('/api/fn/catalog') && typeof init?.body === 'string') {
        const body = JSON.parse(init.body) as { action?: string; input?: { page?: number } };
        if (body.action === 'list' && body.input?.page) w.__bench.listStarts[body.input.page] = performance.now();
      }
    } catch {
      // not ours
    }
    return raw(input, init);
  };
}

/** Runs in the page: scrolls `step` px per frame to the end of the list, measuring as it goes. */
async function scrollThrough(step: number): Promise<Omit<ScrollResult, 'nodesStart' | 'cardsStart'>> {
  const w = window as any;
  const frames: number[] = [];
  const pageLoads: { page: number; ms: number }[] = [];
  const seen = new Set<number>([1]);
  let cardsMax = document.querySelectorAll('.sku').length;
  let last = performance.now();
  const t0 = last;
  let scrolled = 0;
  let stillFrames = 0;
  const lastTaskCount = w.__bench.longTasks.length;
  // Taro H5 scrolls each page in its own .taro_page element, not the window
  const scroller = (document.querySelector('.catalog')?.closest('.taro_page') ?? document.scrollingElement) as HTMLElement;
  await new Promise<void>((resolve) => {
    const tick = (now: number) => {
      frames.push(now - last);
      last = now;
      cardsMax = Math.max(cardsMax, document.querySelectorAll('.sku').length);
      // a page is loaded when its block is in the DOM (ids are catalog-page-<index from 0>)
      for (const [p, start] of Object.entries(w.__bench.listStarts as Record<string, number>)) {
        const n = Number(p);
        // (a build that renders every card has no page blocks: count its cards instead)
        if (!seen.has(n) && (document.getElementById(`catalog-page-${n - 1}`) || document.querySelectorAll('.sku').length >= 20 * n)) {
          seen.add(n);
          pageLoads.push({ page: n, ms: now - start });
        }
      }
      const before = scroller.scrollTop;
      scroller.scrollTop = before + step;
      const moved = scroller.scrollTop - before;
      scrolled += moved;
      stillFrames = moved > 0 ? 0 : stillFrames + 1;
      const ended = document.querySelector('[data-testid="list-end"]') !== null;
      // done when the list end shows and the page cannot scroll further; give up after 30 s stuck
      if ((ended && stillFrames > 10) || stillFrames > 1800) resolve();
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const names = Array.from(document.querySelectorAll('.sku')).map((e) => e.getAttribute('data-sku') ?? '');
  return {
    nodesEnd: document.getElementsByTagName('*').length,
    cardsMax,
    cardsEnd: names.length,
    frames: frames.slice(1),
    longTasks: (w.__bench.longTasks as number[]).slice(lastTaskCount),
    pageLoads,
    scrolledPx: scrolled,
    seconds: (performance.now() - t0) / 1000,
    lastSku: names[names.length - 1] ?? '',
  };
}

export async function runCatalogScrollBenchmark(argv: string[] = []): Promise<BenchReport> {
  const skus = flag(argv, 'skus', 2000);
  const step = flag(argv, 'step', 240);
  const h5Dir = path.resolve(option(argv, 'h5-dir') ?? DEFAULT_H5);
  const command = 'npx tsx scripts/bench/catalog-scroll.ts';
  if (!fs.existsSync(path.join(h5Dir, 'index.html'))) {
    if (h5Dir !== DEFAULT_H5) throw new Error(`no H5 build in ${h5Dir}`);
    console.error('building the H5 app (npm run build:h5) for the catalog scroll benchmark…');
    execFileSync('npm', ['run', 'build:h5'], { cwd: ROOT, stdio: 'inherit' });
  }
  const machine = machineLine();

  const f = buildFixture({ skus, customers: 1, hotSkus: 0, seed: 20260 });
  for (const s of f.skus) {
    s.active = true; // every generated SKU on the list
    delete s.saleScope;
  }
  f.users[0]!._id = OPENID; // the one customer is the demo identity the H5 picker signs in
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dinghuo-bench-scroll-'));
  const rt = await startLocalRuntime({ dataDir, port: 0, h5Dir, seed: false, timers: false, quiet: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const chromiumVersion = browser.version();
  let r: ScrollResult;
  try {
    loadFixture(rt.store, f);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'zh-CN', hasTouch: true });
    const page = await context.newPage();
    // tsx (esbuild keepNames) wraps nested functions in __name(); give the page one
    await page.addInitScript('globalThis.__name = (fn) => fn;');
    await page.addInitScript(initScript);
    await page.goto(`${rt.url}/#/pages/me/index`);
    const identity = page.locator(`.identity[data-openid="${OPENID}"]`);
    await identity.waitFor({ timeout: 30_000 });
    await identity.click();
    await page.goto(`${rt.url}/#/pages/catalog/index`);
    await page.waitForFunction(() => document.querySelectorAll('.sku').length >= 20, undefined, { timeout: 30_000 });
    await page.waitForTimeout(500);
    const start = await page.evaluate(() => ({ nodes: document.getElementsByTagName('*').length, cards: document.querySelectorAll('.sku').length }));
    const end = await page.evaluate(scrollThrough, step);
    r = { nodesStart: start.nodes, cardsStart: start.cards, ...end };
    await context.close();
  } finally {
    await browser.close();
    await rt.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  const lastSkuId = [...f.skus].sort((a, b) => a.code.localeCompare(b.code)).at(-1)?._id;
  const reachedEnd = r.lastSku === lastSkuId;
  const loads = r.pageLoads.map((p) => p.ms);
  const frameP95 = percentile(r.frames, 95);
  const misses: string[] = [];
  if (!reachedEnd) misses.push(`the scroll ended at ${r.lastSku || 'nothing'}, not the last SKU ${lastSkuId}`);
  if (r.nodesEnd > CATALOG_NODE_TARGET) misses.push(`${r.nodesEnd} DOM nodes at the end (target ≤ ${CATALOG_NODE_TARGET})`);
  if (frameP95 > CATALOG_FRAME_P95_TARGET_MS) misses.push(`frame p95 ${frameP95.toFixed(1)} ms (target ≤ ${CATALOG_FRAME_P95_TARGET_MS} ms)`);
  const longMax = r.longTasks.length ? Math.max(...r.longTasks) : 0;
  const rows: (string | number)[][] = [
    ['DOM nodes at the start / at the end', `${r.nodesStart} / ${r.nodesEnd}`],
    ['.sku cards rendered at the start / most at once / at the end', `${r.cardsStart} / ${r.cardsMax} / ${r.cardsEnd}`],
    ['long tasks while scrolling (count, longest)', `${r.longTasks.length}, ${r.longTasks.length ? ms(longMax, 0) : '—'}`],
    ['frame time while scrolling p50 / p95 / max', `${ms(percentile(r.frames, 50), 1)} / ${ms(frameP95, 1)} / ${ms(Math.max(...r.frames), 1)} (${r.frames.length} frames)`],
    [
      'next page, request to cards in the DOM: p50 / p95 / max',
      loads.length ? `${ms(percentile(loads, 50), 0)} / ${ms(percentile(loads, 95), 0)} / ${ms(Math.max(...loads), 0)} (${loads.length} pages)` : '—',
    ],
    ['scrolled', `${Math.round(r.scrolledPx).toLocaleString('en-US')} px in ${r.seconds.toFixed(1)} s (${step} px per frame), last card ${r.lastSku}`],
  ];
  const markdown = [
    '### Catalog scroll (H5 in headless Chromium)',
    '',
    `Command: \`${command}\` · machine: ${machine}`,
    '',
    `Data: ${skus.toLocaleString('en-US')} SKUs for one customer (华联超市, level price list with quantity breaks and its own list), ` +
      `pages of 20 loaded on reaching the bottom; Chromium ${chromiumVersion} headless, 390 × 844 viewport, scrolling ${step} px per animation frame ` +
      'from the first card to the last.',
    '',
    table(['what', 'measured'], rows),
    '',
    `Targets: reaches the last SKU, ≤ ${CATALOG_NODE_TARGET.toLocaleString('en-US')} DOM nodes at the end, frame p95 ≤ ${CATALOG_FRAME_P95_TARGET_MS} ms — ` +
      (misses.length ? `**missed**: ${misses.join('; ')}` : '**met**'),
  ].join('\n');
  return {
    title: 'Catalog scroll',
    command,
    markdown,
    pass: misses.length === 0,
    misses,
    summary: [
      [`Catalog DOM nodes after scrolling ${skus.toLocaleString('en-US')} SKUs (H5)`, `≤ ${CATALOG_NODE_TARGET.toLocaleString('en-US')}`, `${r.nodesEnd} (start ${r.nodesStart})`, r.nodesEnd <= CATALOG_NODE_TARGET && reachedEnd],
      ['Catalog scroll frame time p95 (H5)', `≤ ${CATALOG_FRAME_P95_TARGET_MS} ms`, ms(frameP95, 1), frameP95 <= CATALOG_FRAME_P95_TARGET_MS],
    ],
  };
}

if (require.main === module) runAsScript(runCatalogScrollBenchmark);
