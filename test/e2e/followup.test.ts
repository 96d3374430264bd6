/**
 * The 跟单 tab of the H5 build in headless Chromium against the real local runtime: the demo
 * merchandiser signs in, sees its overdue orders, records a progress node, and the customer sees
 * the order's new status (over HTTP and in its own order page); review and exceptions from the
 * phone too. Screenshots go to artifacts/e2e/.
 */
import type { Page } from 'playwright-core';
import type { OrderDetail, Quote } from '@dinghuo/shared/api';
import { formatFen } from '@dinghuo/shared/money';
import type { CustomerView, FollowDetail, TodayView } from '@dinghuo/shared/followupApi';
import { apiAs, newPhonePage, shot, signInAs, useE2eSession } from './browser';

const session = useE2eSession();


const tileCount = (page: Page, bucket: string) => page.locator(`.fu-tile[data-bucket="${bucket}"] .fu-tile__count`).innerText();

test('a merchandiser sees overdue orders, records a node, and the customer sees the new status', async () => {
  const wang = await apiAs(session.rt.url, 'demo-merch-wang');
  const hualian = await apiAs(session.rt.url, 'demo-customer-hualian');
  const today = await wang<TodayView>('followup', 'today');
  expect(today.counts.overdue).toBeGreaterThan(0);
  const overdue = today.previews.overdue[0]!;

  const page = await newPhonePage(session.browser);
  await signInAs(page, session.rt.url, 'demo-merch-wang');
  await page.locator('.fu-tile').first().waitFor({ timeout: 30_000 });
  for (const b of ['overdue', 'dueSoon', 'stuck', 'awaitingReview', 'exceptions'] as const) {
    expect([b, await tileCount(page, b)]).toEqual([b, String(today.counts[b])]);
  }
  await expect(page.locator('.card[data-bucket="overdue"]').innerText()).resolves.toContain(overdue.customerName);
  await shot(page, 'followup-01-today');

  // The overdue count opens its list.
  await page.locator('.fu-tile[data-bucket="overdue"]').click();
  const row = page.locator(`.page[data-testid="follow-list"] .fu-row[data-order="${overdue._id}"]`);
  await row.waitFor({ timeout: 15_000 });
  await expect(row.innerText()).resolves.toContain('逾期');
  await shot(page, 'followup-02-overdue-list');

  // Its detail: confirmed, 质检 may be recorded.
  await row.click();
  await page.locator('.fd__status').waitFor({ timeout: 15_000 });
  await expect(page.locator('.fd__status').innerText()).resolves.toBe('已确认');
  const qc = page.locator('.fd-node[data-node="qc"]');
  await qc.locator('.fd-node__button').click();
  await qc.locator('.fd-node-note input').fill('抽检合格 e2e');
  await shot(page, 'followup-03-node-form');
  await qc.locator('.fd-node-form .btn-primary').click();
  await page.waitForFunction(() => document.querySelector('.fd__status')?.textContent === '待发货', undefined, { timeout: 15_000 });
  await expect(qc.locator('.fd-node__done').innerText()).resolves.toContain('✓');
  await expect(page.locator('.fd-notify').innerText()).resolves.toBe('通知发送中');
  await expect(page.locator('.fd-tl--latest').innerText()).resolves.toContain('质检：抽检合格 e2e');
  await shot(page, 'followup-04-node-recorded');

  // The customer sees it: over HTTP…
  const seen = await hualian<OrderDetail>('order', 'detail', { orderId: overdue._id });
  expect(seen.status).toBe('ready_to_ship');
  expect(seen.timeline.at(-1)).toMatchObject({ status: 'ready_to_ship', note: '质检：抽检合格 e2e' });
  expect(seen.notification?.status).toBe('pending');
  const jobs = await session.rt.store.find('messageJobs', { orderId: overdue._id }, { limit: 50 });
  expect(jobs.map((j) => j.payload.status)).toContain('ready_to_ship');

  await page.close();

  // …and on its own order page (a second phone).
  const customerPage = await newPhonePage(session.browser);
  await signInAs(customerPage, session.rt.url, 'demo-customer-hualian');
  await customerPage.locator('.sku').first().waitFor({ timeout: 30_000 });
  await customerPage.goto(`${session.rt.url}/#/packageOrder/detail/index?id=${encodeURIComponent(overdue._id)}`);
  await customerPage.waitForFunction(() => document.querySelector('.detail__status')?.textContent === '待发货', undefined, { timeout: 15_000 });
  await expect(customerPage.locator('[data-testid="timeline"]').innerText()).resolves.toContain('抽检合格 e2e');
  await shot(customerPage, 'followup-05-customer-sees-status');
  await customerPage.close();
});

test('a merchandiser reviews a submitted order and logs an exception from the phone', async () => {
  const wang = await apiAs(session.rt.url, 'demo-merch-wang');
  const today = await wang<TodayView>('followup', 'today');
  const submitted = today.previews.awaitingReview[0]!;
  const before = await wang<FollowDetail>('followup', 'detail', { orderId: submitted._id });

  const page = await newPhonePage(session.browser);
  await signInAs(page, session.rt.url, 'demo-merch-wang');
  await page.locator('.fu-tile').first().waitFor({ timeout: 30_000 });
  await page.locator('.fu-tile[data-bucket="awaitingReview"]').click();
  await page.locator(`.page[data-testid="follow-list"] .fu-row[data-order="${submitted._id}"]`).click();
  const form = page.locator('[data-testid="review-form"]');
  await form.waitFor({ timeout: 15_000 });
  await expect(form.locator('[data-testid="review-due"]').innerText()).resolves.toContain(before.suggestedPlan!.dueDate);
  await shot(page, 'followup-06-review-form');
  await form.locator('.btn-primary').click();
  await page.waitForFunction(() => document.querySelector('.fd__status')?.textContent === '已确认', undefined, { timeout: 15_000 });
  await expect(page.locator('[data-testid="fd-due"]').innerText()).resolves.toContain(before.suggestedPlan!.dueDate);
  const after = await wang<FollowDetail>('followup', 'detail', { orderId: submitted._id });
  expect(after.status).toBe('confirmed');
  expect(after.dueDate).toBe(before.suggestedPlan!.dueDate);

  // Log an exception: it shows on the order and in today's count.
  await page.locator('[data-testid="exception-open"]').click();
  await page.locator('[data-testid="exception-form"] .chip[data-kind="qc_failed"]').click();
  await page.locator('[data-testid="exception-form"] textarea').fill('外箱破损两箱');
  await page.locator('[data-testid="exception-form"] .btn-primary').click();
  await page.locator('.fd-ex[data-status="open"]').waitFor({ timeout: 15_000 });
  await expect(page.locator('.fd-ex[data-status="open"]').innerText()).resolves.toContain('外箱破损两箱');
  await shot(page, 'followup-07-exception');
  const now = await wang<TodayView>('followup', 'today');
  expect(now.counts.exceptions).toBe(today.counts.exceptions + 1);
  expect(now.previews.exceptions.map((i) => i._id)).toContain(submitted._id);
  await page.goto(`${session.rt.url}/#/pages/followup/index`);
  await page.waitForFunction(
    (n) => document.querySelector('.fu-tile[data-bucket="exceptions"] .fu-tile__count')?.textContent === String(n),
    now.counts.exceptions,
    { timeout: 15_000 },
  );
  await shot(page, 'followup-08-today-after');
  await page.close();
});

test("a merchandiser opens a customer's view and takes an order by phone (代下单)", async () => {
  const wang = await apiAs(session.rt.url, 'demo-merch-wang');
  const xiaoma = await apiAs(session.rt.url, 'demo-customer-xiaoma');
  const view = await wang<CustomerView>('followup', 'customerView', { customerId: 'cus_xiaoma' });

  const page = await newPhonePage(session.browser);
  await signInAs(page, session.rt.url, 'demo-merch-wang');
  await page.locator('.fu-tile').first().waitFor({ timeout: 30_000 });
  await page.locator('[data-testid="link-customers"]').click();
  const card = page.locator('.page[data-testid="customers"] .cu-card[data-customer="cus_xiaoma"]');
  await card.waitFor({ timeout: 15_000 });
  // only 王敏's customers
  await expect(page.locator('.page[data-testid="customers"] .cu-card').count()).resolves.toBe(3);
  await card.click();
  const cv = page.locator('.page[data-testid="customer-view"]');
  await cv.waitFor({ timeout: 15_000 });
  await expect(cv.locator('[data-testid="cv-month"]').innerText()).resolves.toBe(formatFen(view.monthFen));
  await expect(cv.locator('[data-testid="cv-outstanding"]').innerText()).resolves.toBe(formatFen(view.outstandingFen));
  await shot(page, 'followup-09-customer-view');

  await cv.locator('[data-testid="cv-place"]').click();
  const po = page.locator('.page[data-testid="place-order"]');
  await po.locator('.po-add').first().waitFor({ timeout: 15_000 });
  const skuId = await po.locator('.po-sku:has(.po-add)').first().getAttribute('data-sku');
  await po.locator(`.po-sku[data-sku="${skuId}"] .po-add`).click();
  await po.locator('[data-testid="po-quote"]').waitFor({ timeout: 15_000 });
  const catalog = await wang<{ items: { skuId: string; unitOptions: ('piece' | 'case')[] }[] }>('followup', 'catalogFor', { customerId: 'cus_xiaoma', pageSize: 30 });
  const unit = catalog.items.find((i) => i.skuId === skuId)!.unitOptions[0]!;
  const quote = await xiaoma<Quote>('catalog', 'quote', { lines: [{ skuId, unit, count: 1 }] });
  await expect(po.locator('[data-testid="po-total"]').innerText()).resolves.toBe(formatFen(quote.totalFen));
  await shot(page, 'followup-10-place-order');
  await po.locator('[data-testid="po-submit"]').click();
  await page.waitForFunction(() => Array.from(document.querySelectorAll('.fd__status')).some((e) => e.textContent === '待审核'), undefined, { timeout: 15_000 });
  await shot(page, 'followup-11-placed');

  const theirs = await xiaoma<{ items: { _id: string; totalFen: number; status: string }[] }>('order', 'list', { page: 1, pageSize: 20 });
  const placed = theirs.items.find((o) => o.status === 'submitted')!;
  expect(placed.totalFen).toBe(quote.totalFen);
  const detail = await xiaoma<OrderDetail>('order', 'detail', { orderId: placed._id });
  expect(detail.placedBy).toMatchObject({ role: 'merchandiser', name: '王敏' });
  await page.close();
});
