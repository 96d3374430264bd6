// The catalog keeps only the pages near the viewport rendered: unit rules of the window, and the
// compiled weapp page scrolled through many pages in miniprogram-simulate.
import { pageAt, pageHeight, windowAround } from '../../src/pages/catalog/window';
import { setupWeapp, waitFor, ok } from './harness';

describe('window arithmetic', () => {
  test('a page is as tall as measured, else the mean of the measured pages, else the guess', () => {
    expect(pageHeight([], 3, 500)).toBe(500);
    expect(pageHeight([100, 0, 300], 1, 500)).toBe(200);
    expect(pageHeight([100, undefined, 300], 2, 500)).toBe(300);
  });

  test('the page at an offset follows the cumulative heights and is clamped', () => {
    const h = [100, 200, 300];
    expect(pageAt(-50, 3, h, 0)).toBe(0);
    expect(pageAt(99, 3, h, 0)).toBe(0);
    expect(pageAt(100, 3, h, 0)).toBe(1);
    expect(pageAt(299, 3, h, 0)).toBe(1);
    expect(pageAt(300, 3, h, 0)).toBe(2);
    expect(pageAt(10_000, 3, h, 0)).toBe(2);
    expect(pageAt(10, 0, h, 0)).toBe(0);
  });

  test('pages outside the window become two spacers of their total height', () => {
    const h = [100, 200, 300, 400, 500, 600];
    expect(windowAround(3, 6, h, 0, 1)).toEqual({ from: 2, to: 5, before: 300, after: 600 });
    expect(windowAround(0, 6, h, 0, 1)).toEqual({ from: 0, to: 2, before: 0, after: 1800 });
    expect(windowAround(99, 6, h, 0, 1)).toEqual({ from: 4, to: 6, before: 1000, after: 0 });
    expect(windowAround(0, 0, h, 0, 1)).toEqual({ from: 0, to: 0, before: 0, after: 0 });
    // rendered + spacers always add up to the whole list
    for (let c = 0; c < 6; c++) {
      const w = windowAround(c, 6, h, 0, 1);
      const rendered = h.slice(w.from, w.to).reduce((a, b) => a + b, 0);
      expect(w.before + rendered + w.after).toBe(2100);
    }
  });
});

const TOTAL = 400; // 20 pages of 20
const me = { openid: 'o1', role: 'customer', name: '华联', customer: { _id: 'c1', name: '华联超市', code: 'HL', levelName: '一级经销商', addresses: [], creditLimitFen: null, outstandingFen: 0 } };
const item = (i: number) => ({
  skuId: `sku${i}`, code: `C${i}`, name: `商品${i}`, spec: '500g', categoryId: 'cat1', baseUnit: '件', caseUnit: '箱', caseSize: 12, caseOnly: false,
  unitOptions: ['piece', 'case'], unitPriceFen: 1000 + i, casePriceFen: 12000, breaks: [], moq: 1, available: 50, inStock: true, priceSource: 'level',
});

const h = setupWeapp({
  auth: (action) => (action === 'whoami' ? ok(me) : null),
  catalog: (action, input) => {
    if (action === 'categories') return ok([]);
    if (action === 'list') {
      const page = input.page as number;
      const pageSize = input.pageSize as number;
      const from = (page - 1) * pageSize;
      const items = Array.from({ length: Math.max(0, Math.min(pageSize, TOTAL - from)) }, (_, i) => item(from + i + 1));
      return ok({ items, page, pageSize, total: TOTAL, hasMore: from + items.length < TOTAL });
    }
    return null;
  },
});

test('scrolling through 20 pages keeps at most three pages of cards rendered, and scrolling back brings the first page back', async () => {
  const page = await h.load('pages/catalog/index');
  const cards = () => page.querySelectorAll('.sku') as unknown[];
  const names = () => (page.querySelectorAll('.sku__name') as { dom: HTMLElement }[]).map((n) => n.dom.textContent?.trim());
  await waitFor(() => cards().length === 20);

  let maxRendered = 0;
  for (let p = 2; p <= TOTAL / 20; p++) {
    page.instance.onReachBottom();
    await waitFor(() => names().includes(`商品${p * 20}`));
    maxRendered = Math.max(maxRendered, cards().length);
    // the user scrolls on to the new bottom
    page.instance.onPageScroll({ scrollTop: 10_000_000 });
    if (p >= 3) await waitFor(() => !names().includes(`商品${(p - 2) * 20}`));
    maxRendered = Math.max(maxRendered, cards().length);
  }
  await waitFor(() => page.dom.textContent.includes('已全部加载'));
  expect(h.calls.filter((c) => c.action === 'list').map((c) => c.input.page)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  expect(maxRendered).toBeLessThanOrEqual(60);
  expect(names()).toContain(`商品${TOTAL}`);
  expect(names()).not.toContain('商品1');
  // the pages scrolled past stand as one spacer
  expect(page.querySelectorAll('.catalog__spacer')).toHaveLength(1);
  expect(page.querySelector('.catalog__spacer').dom.getAttribute('style')).toMatch(/height: ?[1-9]\d*px/);

  // back to the top: the first page renders again and the last one goes
  page.instance.onPageScroll({ scrollTop: 0 });
  await waitFor(() => names().includes('商品1'));
  expect(names()).not.toContain(`商品${TOTAL}`);
  expect(cards().length).toBeLessThanOrEqual(60);
  // 20 pages rendered and scrolled: ~10 s alone, 60+ s with a build beside on this 2-core machine.
}, 300_000);
