/**
 * Receipts in the H5 build (headless Chromium, real local runtime): the merchandiser records a
 * customer's payment from the customer view, the order's paid amount and the customer's balance
 * move as the report function says, and the customer confirms last month's statement (对账确认).
 */
import type { ReceiptForm, Statement } from '@dinghuo/shared';
import { businessMonth } from '@dinghuo/shared/time';
import { apiAs, newPhonePage, shot, signInAs, useE2eSession } from './browser';

const session = useE2eSession();

test('a merchandiser records a receipt from the customer view and the customer confirms its statement', async () => {
  const wang = await apiAs(session.rt.url, 'demo-merch-wang');
  const before = await wang<ReceiptForm>('report', 'receiptForm', { customerId: 'cus_hualian' });
  const page = await newPhonePage(session.browser);
  await signInAs(page, session.rt.url, 'demo-merch-wang');
  await page.locator('.fu-tile').first().waitFor({ timeout: 30_000 });
  await page.goto(`${session.rt.url}/#/packageFollowup/customer/index?id=cus_hualian`);
  await page.locator('[data-testid=cv-receipt]').click();
  await page.locator('[data-testid=receipt-form]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=rc-amount] input').fill('123.45');
  await page.locator('[data-testid=rc-method]', { hasText: '微信' }).click();
  await shot(page, 'receipt-01-form');
  await page.locator('[data-testid=rc-submit]').click();
  await page.locator('[data-testid=rc-recent]', { hasText: '123.45' }).first().waitFor({ timeout: 15_000 });
  const after = await wang<ReceiptForm>('report', 'receiptForm', { customerId: 'cus_hualian' });
  expect(after.recent.length).toBe(before.recent.length + 1);
  expect(after.recent[0]).toMatchObject({ amountFen: 12345, method: 'wechat' });
  const paidToOrders = 12345 - after.recent[0]!.onAccountFen;
  expect(after.customer.outstandingFen).toBe(before.customer.outstandingFen - paidToOrders);
  expect(after.customer.onAccountFen).toBe(before.customer.onAccountFen + after.recent[0]!.onAccountFen);
  await shot(page, 'receipt-02-recorded');
  await page.close();

  // The customer confirms last month's statement on the statement page.
  const last = (() => {
    const [y, m] = businessMonth(Date.now()).split('-').map(Number) as [number, number];
    return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  })();
  const hualian = await apiAs(session.rt.url, 'demo-customer-hualian');
  expect((await hualian<Statement>('report', 'statement', { month: last })).confirmation.state).toBe('confirmable');
  const cp = await newPhonePage(session.browser);
  await signInAs(cp, session.rt.url, 'demo-customer-hualian');
  await cp.waitForURL((u) => !u.hash.includes('pages/me'), { timeout: 30_000 });
  await cp.goto(`${session.rt.url}/#/packageReport/statement/index?month=${last}`);
  // A fresh load of the page, so it starts from the finished sign-in (token and whoami stored),
  // not from a hash change racing the sign-in's own navigation.
  await cp.waitForLoadState('networkidle').catch(() => undefined);
  await cp.reload();
  // The statement loads through the report function first; on a loaded machine that can take a while.
  await cp.locator('[data-testid=statement-confirm]:visible').waitFor({ timeout: 90_000 });
  await cp.locator('[data-testid=statement-confirm]:visible').click();
  await cp.locator('.taro-modal__footer, .taro__modal').first().waitFor({ timeout: 5_000 }).catch(() => undefined);
  await cp.getByText('确定', { exact: true }).click();
  await cp.locator('[data-testid=statement-confirmation]:visible', { hasText: '客户已确认' }).waitFor({ timeout: 15_000 });
  await shot(cp, 'receipt-03-statement-confirmed');
  expect((await hualian<Statement>('report', 'statement', { month: last })).confirmation.state).toBe('confirmed');
  await cp.close();
});
