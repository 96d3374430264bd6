/**
 * 冲抵预收 in the H5 build (headless Chromium, real local runtime): money a customer paid on
 * account is applied by the merchandiser from the receipt page, part of it by age; the orders'
 * paid amounts and the customer's balances move as the report function says.
 */
import type { Order, ReceiptForm } from '@dinghuo/shared';
import { apiAs, newPhonePage, shot, signInAs, useE2eSession } from './browser';

const session = useE2eSession();

test('a merchandiser applies part of a customer’s money on account to its oldest unpaid order', async () => {
  const wang = await apiAs(session.rt.url, 'demo-merch-wang');
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());
  await wang('report', 'recordReceipt', { requestId: 'e2e-onaccount-0001', customerId: 'cus_hualian', amountFen: 10000, method: 'bank', date: today, mode: 'account' });
  const before = await wang<ReceiptForm>('report', 'receiptForm', { customerId: 'cus_hualian' });
  expect(before.customer.onAccountFen).toBe(10000);
  const oldest = before.openOrders[0]!;
  expect(oldest.unpaidFen).toBeGreaterThan(6000);

  const page = await newPhonePage(session.browser);
  await signInAs(page, session.rt.url, 'demo-merch-wang');
  await page.locator('.fu-tile').first().waitFor({ timeout: 30_000 });
  await page.goto(`${session.rt.url}/#/packageFollowup/receipt/index?customerId=cus_hualian`);
  await page.locator('[data-testid=rc-apply]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=rc-apply-amount] input, input[data-testid=rc-apply-amount]').first().fill('60');
  await shot(page, 'receipt-04-apply-on-account');
  await page.locator('[data-testid=rc-apply-submit]').click();
  await page.locator('[data-testid=rc-application]', { hasText: '60.00' }).first().waitFor({ timeout: 15_000 });
  await expect(page.locator('[data-testid=rc-on-account]').innerText()).resolves.toContain('40.00');
  await shot(page, 'receipt-05-applied');
  await page.close();

  const after = await wang<ReceiptForm>('report', 'receiptForm', { customerId: 'cus_hualian' });
  expect(after.customer.onAccountFen).toBe(4000);
  expect(after.customer.outstandingFen).toBe(before.customer.outstandingFen - 6000);
  expect(after.applications[0]).toMatchObject({ amountFen: 6000, allocations: [{ orderId: oldest.orderId, amountFen: 6000 }] });
  const order = (await session.rt.store.get('orders', oldest.orderId)) as Order;
  expect(order.paidFen).toBe(oldest.paidFen + 6000);
});
