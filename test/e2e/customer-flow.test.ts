/**
 * The H5 build in headless Chromium against the real local runtime (functions + embedded
 * database + demo seed). Screenshots go to artifacts/e2e/.
 */
import type { Page } from 'playwright-core';
import type { CatalogItem, OrderSummary } from '@dinghuo/shared/api';
import type { Page as ListPage } from '@dinghuo/shared/ids';
import { formatFen } from '@dinghuo/shared/money';
import { apiAs, newPhonePage, shot, signInAs, useE2eSession } from './browser';

const session = useE2eSession();


async function visibleTabs(page: Page): Promise<string[]> {
  return page.locator('.tab-bar__item:visible').evaluateAll((els) => els.map((e) => e.getAttribute('data-tab') ?? ''));
}

/** name → the unit price text each SKU card shows. */
async function shownPrices(page: Page): Promise<Map<string, string>> {
  const cards = page.locator('.sku');
  const n = await cards.count();
  const out = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    const card = cards.nth(i);
    const name = (await card.locator('.sku__name').innerText()).trim();
    const spec = (await card.locator('.sku__spec').count()) > 0 ? (await card.locator('.sku__spec').innerText()).trim() : '';
    out.set(`${name}|${spec}`, (await card.locator('.price').first().innerText()).trim());
  }
  return out;
}

test('a customer sees the catalog at THAT customer\'s prices', async () => {
  const page = await newPhonePage(session.browser);
  await signInAs(page, session.rt.url, 'demo-customer-hualian');
  await page.locator('.sku').first().waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => document.querySelectorAll('.sku').length >= 20);
  await shot(page, '01-catalog-hualian');

  const hualian = await apiAs(session.rt.url, 'demo-customer-hualian');
  const xiaoma = await apiAs(session.rt.url, 'demo-customer-xiaoma');
  const mine = await hualian<ListPage<CatalogItem>>('catalog', 'list', { page: 1, pageSize: 20 });
  const theirs = await xiaoma<ListPage<CatalogItem>>('catalog', 'list', { page: 1, pageSize: 20 });

  const shown = await shownPrices(page);
  expect(shown.size).toBe(mine.items.length);
  for (const item of mine.items) {
    expect([item.name, shown.get(`${item.name}|${item.spec}`)]).toEqual([item.name, `${formatFen(item.unitPriceFen)}/${item.baseUnit}`]);
  }
  // The prices really are per customer: another customer's differ for some SKU on this page.
  const differs = mine.items.filter((m) => theirs.items.find((t) => t.skuId === m.skuId && t.unitPriceFen !== m.unitPriceFen));
  expect(differs.length).toBeGreaterThan(0);
  await expect(page.locator('.catalog__customer').innerText()).resolves.toContain('华联超市');
  expect(await visibleTabs(page)).toEqual(['catalog', 'cart', 'orders', 'me']);

  // Out-of-stock SKUs say so and cannot be added.
  const all = await hualian<ListPage<CatalogItem>>('catalog', 'list', { page: 1, pageSize: 100 });
  expect(all.items.some((i) => !i.inStock)).toBe(true);
  await page.close();
});

test('bind → browse → cart → submit → see the order → cancel', async () => {
  const page = await newPhonePage(session.browser);
  await signInAs(page, session.rt.url, 'demo-newuser');

  // Unbound: a bind screen, not an error.
  const code = page.locator('.bind__input input');
  await code.waitFor({ timeout: 30_000 });
  await shot(page, '02-bind-screen');
  await code.fill('XINDA2026');
  await page.locator('.bind__button').click();

  // Bound to 鑫达商贸: the catalog at its prices.
  await page.locator('.sku').first().waitFor({ timeout: 30_000 });
  await expect(page.locator('.catalog__customer').innerText()).resolves.toContain('鑫达商贸');
  const api = await apiAs(session.rt.url, 'demo-newuser');
  const list = await api<ListPage<CatalogItem>>('catalog', 'list', { page: 1, pageSize: 20 });
  const shown = await shownPrices(page);
  for (const item of list.items) expect(shown.get(`${item.name}|${item.spec}`)).toBe(`${formatFen(item.unitPriceFen)}/${item.baseUnit}`);

  // Search, then add an in-stock SKU to the cart.
  const target = list.items.find((i) => i.inStock && i.available >= Math.max(i.moq, 1) * 2)!;
  expect(target).toBeTruthy();
  await page.locator('.catalog__search input').fill(target.name);
  await page.waitForFunction(
    (name) => {
      const cards = Array.from(document.querySelectorAll('.sku'));
      return cards.length > 0 && cards.every((c) => (c.querySelector('.sku__name')?.textContent ?? '').includes(name));
    },
    target.name,
    { timeout: 15_000 },
  );
  await shot(page, '03-search');
  const card = page.locator(`.sku[data-sku="${target.skuId}"]`);
  await card.locator('.sku__add').click();
  await page.waitForFunction(() => document.querySelector('.tab-bar__badge')?.textContent === '1');

  // The cart survives a restart of the app.
  await page.reload();
  await page.locator('.sku').first().waitFor({ timeout: 30_000 });

  // Cart: priced by the server.
  await page.locator('.tab-bar__item[data-tab="cart"]:visible').click();
  const cartLine = page.locator('.cart-line');
  await cartLine.first().waitFor({ timeout: 15_000 });
  const quote = await api('catalog', 'quote', { lines: [{ skuId: target.skuId, unit: 'piece', count: Math.max(1, target.moq) }] });
  await page.waitForFunction((total) => document.querySelector('.cart__total')?.textContent === total, formatFen(quote.totalFen));
  await shot(page, '04-cart');

  // Checkout and submit.
  await page.locator('.bottom-bar .btn-primary:visible').click();
  const submit = page.locator('.checkout__bar .btn-primary');
  await submit.waitFor({ timeout: 15_000 });
  await expect(page.locator('.checkout__address--on').innerText()).resolves.toContain('孙经理');
  await page.locator('.checkout__remark textarea').fill('e2e 测试订单，请勿发货');
  await shot(page, '05-checkout');
  // A double tap places one order.
  await submit.dblclick();
  await page.locator('.checkout__done').waitFor({ timeout: 15_000 });
  const orderNoText = await page.locator('.checkout__done .muted').first().innerText();
  await shot(page, '06-submitted');
  const orders = await api<ListPage<OrderSummary>>('order', 'list', { page: 1, pageSize: 20 });
  expect(orders.items).toHaveLength(1);
  expect(orderNoText).toContain(orders.items[0]!.orderNo);
  expect(orders.items[0]!.status).toBe('submitted');

  // The order's detail: 待审核, then cancel.
  await page.locator('.checkout__actions .btn-primary').click();
  await page.locator('.detail__status').waitFor({ timeout: 15_000 });
  await expect(page.locator('.detail__status').innerText()).resolves.toBe('待审核');
  await shot(page, '07-order-detail');
  await page.locator('.detail__actions taro-button-core', { hasText: '取消订单' }).click();
  await page.locator('.taro-modal__footer, .taro__modal').first().waitFor({ timeout: 5_000 }).catch(() => undefined);
  await page.getByText('确定', { exact: true }).click();
  await page.waitForFunction(() => document.querySelector('.detail__status')?.textContent === '已取消', undefined, { timeout: 15_000 });
  await shot(page, '08-cancelled');
  const after = await api<ListPage<OrderSummary>>('order', 'list', { page: 1, pageSize: 20 });
  expect(after.items[0]!.status).toBe('cancelled');

  // My orders list shows it too.
  await page.goto(`${session.rt.url}/#/pages/orders/index`);
  await page.locator('.order-card').first().waitFor({ timeout: 15_000 });
  await expect(page.locator('.order-card').first().innerText()).resolves.toContain('已取消');
  await shot(page, '09-orders');
  await page.close();
});

test('the 跟单 tab shows only for staff', async () => {
  const page = await newPhonePage(session.browser);
  await signInAs(page, session.rt.url, 'demo-merch-wang');
  await page.waitForURL(/pages\/followup\/index/, { timeout: 30_000 });
  await page.waitForFunction(() => Array.from(document.querySelectorAll('.tab-bar__item')).some((e) => (e as HTMLElement).offsetParent !== null));
  expect(await visibleTabs(page)).toEqual(['followup', 'me']);
  await shot(page, '10-staff-followup-tab');
  await page.close();
});

test('without signing in, the H5 app asks to sign in and offers the demo identities', async () => {
  const page = await newPhonePage(session.browser);
  await page.goto(`${session.rt.url}/`);
  const gate = page.locator('[data-testid="gate-signin"]:visible');
  await gate.waitFor({ timeout: 30_000 });
  await expect(gate.innerText()).resolves.toContain('请先登录');
  await gate.locator('taro-button-core').click();
  await page.locator('.identity').first().waitFor({ timeout: 15_000 });
  const labels = await page.locator('.identity__label').allInnerTexts();
  expect(labels.some((l) => l.includes('华联超市'))).toBe(true);
  await shot(page, '00-identity-picker');
  await page.close();
});
