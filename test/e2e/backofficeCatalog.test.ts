/**
 * The back office in headless Chromium: 整品下架 takes every SKU of a product off sale at once,
 * and a customer gets a second invitation code, which a WeChat user binds with and which is then
 * revoked on its own — the customer page shows who bound with which code.
 */
import type { Page as ListPage } from '@dinghuo/shared/ids';
import type { BackofficeCustomerDetail, BackofficeProductRow } from '@dinghuo/shared/backofficeApi';
import { apiAs, newDesktopPage, shot, signInAdmin, useE2eSession } from './browser';

const session = useE2eSession();

test('整品下架 / 整品上架: every SKU of the product at once', async () => {
  const url = session.rt.url;
  const admin = await apiAs(url, 'demo-admin');
  // a product with more than one SKU
  const rows = await admin<ListPage<BackofficeProductRow>>('backoffice', 'products', { page: 1, pageSize: 100 });
  const counts = new Map<string, number>();
  for (const r of rows.items) counts.set(r.productId, (counts.get(r.productId) ?? 0) + 1);
  const productId = [...counts].find(([, n]) => n > 1)?.[0] ?? rows.items[0]!.productId;
  const target = rows.items.find((r) => r.productId === productId && r.active)!;
  const skusOf = async () => (await admin<ListPage<BackofficeProductRow>>('backoffice', 'products', { page: 1, pageSize: 100 })).items.filter((r) => r.productId === productId);

  const page = await newDesktopPage(session.browser);
  await signInAdmin(page, url, 'demo-admin', '/admin/products');
  await page.locator('[data-testid="product-search"] input').fill(target.code);
  await page.locator('[data-testid="product-search"] input').press('Enter');
  const row = page.locator(`[data-testid="product-table"] tr[data-row-key="${target.skuId}"]`);
  await row.waitFor({ timeout: 30_000 });
  await row.locator('[data-testid="product-active-toggle"]').click();
  await page.locator('.ant-message', { hasText: '已下架整个商品' }).waitFor({ timeout: 30_000 });
  await row.locator('.ant-tag', { hasText: '已下架' }).waitFor({ timeout: 30_000 });
  expect((await skusOf()).map((s) => s.active)).toEqual((await skusOf()).map(() => false));
  await shot(page, 'admin-14-product-off-sale');
  await row.locator('[data-testid="product-active-toggle"]').click();
  await row.locator('.ant-tag', { hasText: '已上架' }).waitFor({ timeout: 30_000 });
  expect((await skusOf()).every((s) => s.active)).toBe(true);
  await page.context().close();
});

test('a second invitation code: a user binds with it, it is revoked alone, the page shows who bound with which', async () => {
  const url = session.rt.url;
  const admin = await apiAs(url, 'demo-admin');
  const page = await newDesktopPage(session.browser);
  await signInAdmin(page, url, 'demo-admin', '/admin/customers');
  await page.locator('[data-testid="customer-search"] input').fill('永辉');
  await page.locator('[data-testid="customer-search"] input').press('Enter');
  await page.locator('[data-testid="customer-table"] .ant-table-row', { hasText: '永辉' }).first().click();
  const codes = page.locator('[data-testid="invitations"]');
  await codes.locator('.ant-table-row').first().waitFor({ timeout: 30_000 });
  const before = await codes.locator('.ant-table-row').count();
  await page.locator('[data-testid="invitation-add"]').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="invitations"] .ant-table-row').length === n + 1, before, { timeout: 30_000 });

  const detail = await admin<BackofficeCustomerDetail>('backoffice', 'customer', { customerId: 'cus_yonghui' });
  const extra = detail.invitations.find((i) => !i.primary && !i.revoked)!;
  // a new WeChat user binds with the extra code (H5 API, as the app's 绑定 page calls it)
  const signin = await fetch(`${url}/api/local/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ openid: 'demo-newuser' }) });
  const { token } = (await signin.json()) as { token: string };
  const bound = await fetch(`${url}/api/fn/auth`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ action: 'bind', input: { invitationCode: extra.code } }) });
  expect(await bound.json()).toMatchObject({ ok: true, data: { role: 'customer' } });

  // revoke it in the page: only that code is 已作废; the user stays, listed with the code it used
  await page.reload();
  await page.locator('[data-testid="customer-table"] .ant-table-row', { hasText: '永辉' }).first().click();
  await page.locator(`[data-testid="invitation-revoke-${extra.code}"]`).click();
  await page.locator('.ant-popconfirm .ant-btn-primary').click();
  const revokedRow = codes.locator(`tr[data-row-key="${extra.code}"]`);
  await revokedRow.locator('.ant-tag', { hasText: '已作废' }).waitFor({ timeout: 30_000 });
  await expect(codes.locator('tr', { hasText: '主邀请码' }).innerText()).resolves.toContain('可用');
  await expect(page.locator('[data-testid="bound-users"] tr', { hasText: 'demo-newuser' }).innerText()).resolves.toContain(extra.code);
  await shot(page, 'admin-15-invitation-codes');

  // 更换主邀请码: the table's 主邀请码 row gets the new code the function made; the old one is gone
  const primaryRow = codes.locator('tr', { hasText: '主邀请码' });
  const oldPrimary = detail.invitations.find((i) => i.primary)!.code;
  await expect(primaryRow.innerText()).resolves.toContain(oldPrimary);
  await page.locator('[data-testid="invitation-create"]').click();
  await page.locator('.ant-popconfirm:visible .ant-btn-primary').click();
  await page.waitForFunction((old) => {
    const row = Array.from(document.querySelectorAll('[data-testid="invitations"] tr')).find((tr) => tr.textContent?.includes('主邀请码'));
    return row !== undefined && !row.textContent!.includes(old);
  }, oldPrimary, { timeout: 30_000 });
  const after = await admin<BackofficeCustomerDetail>('backoffice', 'customer', { customerId: 'cus_yonghui' });
  const newPrimary = after.invitations.find((i) => i.primary)!;
  expect(newPrimary.code).not.toBe(oldPrimary);
  expect(after.invitations.map((i) => i.code)).not.toContain(oldPrimary);
  await expect(primaryRow.innerText()).resolves.toContain(newPrimary.code);
  await page.context().close();
});
