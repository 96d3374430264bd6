/**
 * 分批发货 and 改单 in the H5 build in headless Chromium against the real local runtime: the
 * merchandiser ships part of an order from its phone (carrier, tracking number), the customer sees
 * that delivery on its order page and confirms it; the merchandiser changes an order (quantity,
 * reason) and the customer sees the new total and why; the customer changes its own unconfirmed
 * order. Screenshots go to artifacts/e2e/.
 */
import type { Page } from 'playwright-core';
import type { OrderDetail } from '@dinghuo/shared/api';
import type { FollowDetail } from '@dinghuo/shared/followupApi';
import { formatFen } from '@dinghuo/shared/money';
import { orderIdFor } from '../../cloudfunctions/_lib/services/orders';
import { apiAs, newPhonePage, shot, signInAs, useE2eSession } from './browser';

const session = useE2eSession();

const H1 = orderIdFor('cus_hualian', 'seed-h1'); // submitted
const H2 = orderIdFor('cus_hualian', 'seed-h2'); // confirmed
const H3 = orderIdFor('cus_hualian', 'seed-h3'); // confirmed

async function fillInput(page: Page, testid: string, value: string, nth = 0) {
  await page.locator(`[data-testid="${testid}"] input, input[data-testid="${testid}"]`).nth(nth).fill(value);
}

async function openFollow(page: Page, orderId: string) {
  await page.goto(`${session.rt.url}/#/packageFollowup/detail/index?id=${encodeURIComponent(orderId)}`);
  await page.locator('.fd__status').waitFor({ timeout: 30_000 });
}

async function openCustomerOrder(page: Page, orderId: string) {
  await page.goto(`${session.rt.url}/#/packageOrder/detail/index?id=${encodeURIComponent(orderId)}`);
  await page.locator('.detail__status').waitFor({ timeout: 30_000 });
}

async function confirmModal(page: Page) {
  await page.locator('.taro-modal__footer, .taro__modal').first().waitFor({ timeout: 5_000 }).catch(() => undefined);
  await page.getByText('确定', { exact: true }).click();
}

test('a partial shipment: the merchandiser ships part of an order, the customer sees that delivery and confirms it', async () => {
  const wang = await apiAs(session.rt.url, 'demo-merch-wang');
  const hualian = await apiAs(session.rt.url, 'demo-customer-hualian');
  await wang<FollowDetail>('followup', 'advanceNode', { orderId: H3, node: 'qc' });
  const before = await wang<FollowDetail>('followup', 'detail', { orderId: H3 });
  expect(before.status).toBe('ready_to_ship');
  const [first, second] = before.lines;
  const stockBefore = await session.rt.store.get('stock', first!.skuId);

  const page = await newPhonePage(session.browser);
  await signInAs(page, session.rt.url, 'demo-merch-wang');
  await page.locator('.fu-tile').first().waitFor({ timeout: 30_000 });
  await openFollow(page, H3);
  await page.locator('[data-testid="ship-open"]').click();
  await page.locator('[data-testid="ship-form"]').waitFor({ timeout: 10_000 });
  await fillInput(page, 'ship-qty', '10', 0);
  await fillInput(page, 'ship-qty', '0', 1);
  await fillInput(page, 'ship-carrier', '顺丰');
  await fillInput(page, 'ship-tracking', 'SF2026120201');
  await shot(page, 'fulfilment-01-ship-form');
  await page.locator('[data-testid="ship-submit"]').click();
  await page.locator('[data-testid="delivery"]').first().waitFor({ timeout: 15_000 });
  await expect(page.locator('.fd__status').innerText()).resolves.toBe('待发货');
  await expect(page.locator('[data-testid="deliveries"]').innerText()).resolves.toContain('SF2026120201');
  await shot(page, 'fulfilment-02-partly-shipped');
  await page.close();

  // exactly that stock was consumed, and the customer was sent a message for the delivery
  const stockAfter = await session.rt.store.get('stock', first!.skuId);
  expect(stockAfter).toMatchObject({ onHand: stockBefore!.onHand - 10, reserved: stockBefore!.reserved - 10 });
  const jobs = await session.rt.store.find('messageJobs', { orderId: H3 }, { limit: 50 });
  expect(jobs.some((j) => j.payload.note.includes('SF2026120201'))).toBe(true);

  const customer = await newPhonePage(session.browser);
  await signInAs(customer, session.rt.url, 'demo-customer-hualian');
  await customer.locator('.sku').first().waitFor({ timeout: 30_000 });
  await openCustomerOrder(customer, H3);
  const delivery = customer.locator('[data-testid="delivery"][data-no="1"]');
  await delivery.waitFor({ timeout: 15_000 });
  await expect(delivery.innerText()).resolves.toContain('顺丰 SF2026120201');
  await expect(delivery.innerText()).resolves.toContain(`${first!.name}`);
  await expect(customer.locator('[data-testid="timeline"]').innerText()).resolves.toContain('第1批发货');
  await shot(customer, 'fulfilment-03-customer-sees-delivery');
  await delivery.locator('[data-testid="delivery-receive"]').click();
  await confirmModal(customer);
  await customer.waitForFunction(() => document.querySelector('[data-testid="delivery"][data-no="1"]')?.getAttribute('data-received') === '1', undefined, {
    timeout: 15_000,
  });
  await shot(customer, 'fulfilment-04-customer-received-delivery');
  await customer.close();

  const seen = await hualian<OrderDetail>('order', 'detail', { orderId: H3 });
  expect(seen.status).toBe('ready_to_ship');
  expect(seen.shipments![0]!.receivedBy?.role).toBe('customer');
  // the rest ships: the order is shipped
  const rest = await wang<FollowDetail>('followup', 'ship', {
    orderId: H3,
    lines: [{ skuId: first!.skuId, qty: first!.qty - 10 }, { skuId: second!.skuId, qty: second!.qty }],
    carrier: '中通',
    trackingNo: 'ZT2026120202',
  });
  expect(rest.status).toBe('shipped');
});

test('an order change by the merchandiser is seen by the customer; the customer changes its own unconfirmed order', async () => {
  const hualian = await apiAs(session.rt.url, 'demo-customer-hualian');
  const before = await hualian<OrderDetail>('order', 'detail', { orderId: H2 });
  const line = before.lines[0]!;

  const page = await newPhonePage(session.browser);
  await signInAs(page, session.rt.url, 'demo-merch-wang');
  await page.locator('.fu-tile').first().waitFor({ timeout: 30_000 });
  await openFollow(page, H2);
  await page.locator('[data-testid="change-open"]').click();
  await page.locator('[data-testid="change-form"]').waitFor({ timeout: 10_000 });
  await fillInput(page, 'change-count', String(line.count + 2), 0);
  await fillInput(page, 'change-reason', '客户电话追加两箱');
  await shot(page, 'fulfilment-05-change-form');
  await page.locator('[data-testid="change-submit"]').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="change-form"]'), undefined, { timeout: 15_000 });
  await expect(page.locator('[data-testid="fd-timeline"]').innerText()).resolves.toContain('客户电话追加两箱');
  await page.close();

  const after = await hualian<OrderDetail>('order', 'detail', { orderId: H2 });
  expect(after.lines[0]!.count).toBe(line.count + 2);
  expect(after.totalFen).toBeGreaterThan(before.totalFen);

  const customer = await newPhonePage(session.browser);
  await signInAs(customer, session.rt.url, 'demo-customer-hualian');
  await customer.locator('.sku').first().waitFor({ timeout: 30_000 });
  await openCustomerOrder(customer, H2);
  await expect(customer.locator('.detail__status + .price, .price').first().innerText()).resolves.toBe(formatFen(after.totalFen));
  await expect(customer.locator('[data-testid="timeline"]').innerText()).resolves.toContain('原因：客户电话追加两箱');
  await shot(customer, 'fulfilment-06-customer-sees-change');

  // its own submitted order: fewer of the first line
  const mine = await hualian<OrderDetail>('order', 'detail', { orderId: H1 });
  await openCustomerOrder(customer, H1);
  await customer.locator('[data-testid="change-request"]').click();
  await customer.locator('[data-testid="change-request-form"]').waitFor({ timeout: 10_000 });
  await fillInput(customer, 'change-request-count', '0', mine.lines.length - 1);
  await fillInput(customer, 'change-request-reason', '最后一种先不要');
  await customer.locator('[data-testid="change-request-submit"]').click();
  await customer.waitForFunction(() => !document.querySelector('[data-testid="change-request-form"]'), undefined, { timeout: 15_000 });
  await expect(customer.locator('[data-testid="timeline"]').innerText()).resolves.toContain('最后一种先不要');
  await shot(customer, 'fulfilment-07-customer-changed-own-order');
  await customer.close();
  const changed = await hualian<OrderDetail>('order', 'detail', { orderId: H1 });
  expect(changed.lines).toHaveLength(mine.lines.length - 1);
  expect(changed.status).toBe('submitted');
});
