/**
 * 改单 adds a product (H5 build, headless Chromium, real local runtime): the merchandiser searches
 * the customer's catalog in the change form, adds a SKU the order did not have, sees the new total
 * quoted at the customer's prices, and saves; the order has the new line at that price.
 */
import type { Page } from 'playwright-core';
import type { CatalogItem, Page as ListPage, Quote } from '@dinghuo/shared';
import type { FollowDetail } from '@dinghuo/shared/followupApi';
import { formatFen } from '@dinghuo/shared/money';
import { orderIdFor } from '../../cloudfunctions/_lib/services/orders';
import { apiAs, newPhonePage, shot, signInAs, useE2eSession } from './browser';

const session = useE2eSession();
const H2 = orderIdFor('cus_hualian', 'seed-h2'); // confirmed

async function fillInput(page: Page, testid: string, value: string, nth = 0) {
  await page.locator(`[data-testid="${testid}"] input, input[data-testid="${testid}"]`).nth(nth).fill(value);
}

test('the merchandiser adds a new product to an order in the 改单 form, at the customer’s price', async () => {
  const wang = await apiAs(session.rt.url, 'demo-merch-wang');
  const order = await wang<FollowDetail>('followup', 'detail', { orderId: H2 });
  const catalog = await wang<ListPage<CatalogItem>>('followup', 'catalogFor', { customerId: 'cus_hualian', page: 1, pageSize: 100 });
  const have = new Set(order.lines.map((l) => l.skuId));
  const target = catalog.items.find((i) => !have.has(i.skuId) && i.unitOptions.includes('piece') && !i.caseOnly && i.available >= Math.max(1, i.moq) * 2 && i.name.length >= 2)!;
  expect(target).toBeTruthy();
  const newLines = [...order.lines.map((l) => ({ skuId: l.skuId, unit: l.unit, count: l.count })), { skuId: target.skuId, unit: 'piece' as const, count: Math.max(1, target.moq) }];
  const quote = await wang<Quote>('followup', 'quoteFor', { customerId: 'cus_hualian', lines: newLines });

  const page = await newPhonePage(session.browser);
  await signInAs(page, session.rt.url, 'demo-merch-wang');
  await page.locator('.fu-tile').first().waitFor({ timeout: 30_000 });
  await page.goto(`${session.rt.url}/#/packageFollowup/detail/index?id=${encodeURIComponent(H2)}`);
  await page.locator('.fd__status').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid="change-open"]').click();
  await page.locator('[data-testid="change-form"]').waitFor({ timeout: 10_000 });
  await fillInput(page, 'change-search', target.code);
  await page.locator('[data-testid="change-search-submit"]').click();
  const found = page.locator(`[data-testid="change-found-item"][data-sku="${target.skuId}"]`);
  await found.waitFor({ timeout: 15_000 });
  // the customer's own price, as the server computed it
  await expect(found.innerText()).resolves.toContain(`${formatFen(target.unitPriceFen)}/${target.baseUnit}`);
  await found.locator('[data-testid="change-add"]').click();
  await page.locator(`[data-testid="change-added"][data-sku="${target.skuId}"]`).waitFor({ timeout: 10_000 });
  await page.locator('[data-testid="change-total"]', { hasText: formatFen(quote.totalFen) }).waitFor({ timeout: 15_000 });
  await fillInput(page, 'change-reason', '客户追加新品');
  await shot(page, 'fulfilment-08-change-add-line');
  await page.locator('[data-testid="change-submit"]').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="change-form"]'), undefined, { timeout: 15_000 });
  await page.close();

  const changed = await wang<FollowDetail>('followup', 'detail', { orderId: H2 });
  const added = changed.lines.find((l) => l.skuId === target.skuId)!;
  expect(added).toMatchObject({ unit: 'piece', count: Math.max(1, target.moq), unitPriceFen: quote.lines.find((l) => l.skuId === target.skuId)!.unitPriceFen });
  expect(changed.totalFen).toBe(quote.totalFen);
  expect(changed.lines).toHaveLength(order.lines.length + 1);
});
