/**
 * The back office (管理后台, /admin/) in headless Chromium against the real local runtime: the
 * admin signs in, creates a product with an image and stock, gives a customer its own price, and
 * that customer sees the product at that price in the H5 app; bulk 审核 on the order board; an
 * import with bad rows shows every bad row, then applies the good ones; every page shows its
 * loading / empty / error states. Screenshots go to artifacts/e2e/.
 */
import type { Locator, Page } from 'playwright-core';
import type { CatalogItem } from '@dinghuo/shared/api';
import type { Page as ListPage } from '@dinghuo/shared/ids';
import type { BoardOrder } from '@dinghuo/shared/backofficeApi';
import { formatFen } from '@dinghuo/shared/money';
import { apiAs, newDesktopPage, newPhonePage, shot, signInAdmin, signInAs, useE2eSession } from './browser';

const session = useE2eSession();

// A 2×2 red PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

/** Picks an option of an antd Select by typing into it and clicking the option whose text matches. */
async function pick(page: Page, select: Locator, text: string, type = true): Promise<void> {
  await select.click();
  if (type) await page.keyboard.type(text);
  const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text }).first();
  await option.waitFor({ timeout: 15_000 });
  await option.click();
}

async function expectNoErrorState(page: Page): Promise<void> {
  expect(await page.locator('[data-state="error"]').count()).toBe(0);
}

test('admin: product with image and stock → customer price → the customer sees it in the H5 app at that price', async () => {
  const url = session.rt.url;
  const page = await newDesktopPage(session.browser);
  await signInAdmin(page, url, 'demo-admin');
  // 工作台 with its ECharts charts
  await page.locator('[data-testid="dashboard"]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid="chart-by-day"] canvas').waitFor({ timeout: 15_000 });
  await expect(page.locator('[data-testid="me"]').innerText()).resolves.toBe('赵总');
  await shot(page, 'admin-01-dashboard');

  // 商品 → 新建商品 with one SKU and an image
  await page.locator('.ant-menu-item', { hasText: '商品' }).click();
  await page.locator('[data-testid="product-table"]').waitFor({ timeout: 15_000 });
  await page.locator('[data-testid="product-new"]').click();
  const form = page.locator('[data-testid="product-form"]');
  await form.waitFor();
  await form.locator('[data-testid="product-code"]').fill('E2E-P1');
  await form.locator('[data-testid="product-name"]').fill('测试桂花乌龙茶');
  await form.locator('[data-testid="sku-code"]').fill('E2E-SKU1');
  await form.locator('[data-testid="sku-spec"]').fill('500ml');
  await form.locator('[data-testid="sku-price"]').fill('6.50');
  await form.locator('input[type="file"]').setInputFiles({ name: 'tea.png', mimeType: 'image/png', buffer: PNG });
  await form.locator('[data-testid="sku-image-preview"] img, img[data-testid="sku-image-preview"]').first().waitFor({ timeout: 15_000 });
  await shot(page, 'admin-02-product-form');
  await page.locator('[data-testid="product-save"]').click();
  await page.locator('.ant-drawer').waitFor({ state: 'detached', timeout: 15_000 });
  await page.locator('[data-testid="product-search"] input').fill('E2E-SKU1');
  await page.locator('[data-testid="product-search"] input').press('Enter');
  const row = page.locator('[data-testid="product-table"] tr[data-row-key="sku_E2E-SKU1"]');
  await row.waitFor({ timeout: 15_000 });
  await expect(row.innerText()).resolves.toContain('¥6.50/件');
  expect(await row.locator('img').count()).toBe(1);
  await shot(page, 'admin-03-product-list');

  // 库存 → 入库 100 with a reason (a stock movement record)
  await page.locator('.ant-menu-item', { hasText: '库存' }).click();
  await page.locator('[data-testid="stock-table"]').waitFor({ timeout: 15_000 });
  await page.locator('.ant-input-search input').first().fill('E2E-SKU1');
  await page.locator('.ant-input-search input').first().press('Enter');
  await page.locator('[data-testid="stock-table"] tr[data-row-key="sku_E2E-SKU1"]').click();
  await page.locator('[data-testid="stock-delta"] input, input[data-testid="stock-delta"]').first().fill('100');
  await page.locator('[data-testid="stock-adjust"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="stock-onhand"]')?.textContent === '100', undefined, { timeout: 15_000 });
  await page.locator('[data-testid="stock-movements"] tbody tr', { hasText: '盘点' }).first().waitFor({ timeout: 15_000 });
  await shot(page, 'admin-04-stock');
  await page.keyboard.press('Escape');

  // 价格 → 华联超市's own price list: ¥5.20 for the new SKU
  await page.locator('.ant-menu-item', { hasText: '价格' }).click();
  await pick(page, page.locator('[data-testid="price-customer"]'), '华联超市');
  await page.locator('[data-testid="open-customer-list"]').click();
  await page.locator('[data-testid="price-grid"]').waitFor({ timeout: 15_000 });
  await page.locator('.ant-input-search input').first().fill('E2E-SKU1');
  await page.locator('.ant-input-search input').first().press('Enter');
  const priceInput = page.locator('[data-testid="price-E2E-SKU1"] input, input[data-testid="price-E2E-SKU1"]').first();
  await priceInput.waitFor({ timeout: 15_000 });
  await priceInput.fill('5.20');
  await page.locator('[data-testid="price-save"]').click();
  await page.locator('.ant-message', { hasText: '已保存' }).waitFor({ timeout: 15_000 });
  // the preview answers what 华联超市 pays (the catalog's pricing code)
  await pick(page, page.locator('[data-testid="preview-customer"]'), '华联超市');
  await pick(page, page.locator('[data-testid="preview-sku"]'), 'E2E-SKU1');
  await page.waitForFunction(() => document.querySelector('[data-testid="preview-unit-price"]')?.textContent === '¥5.20', undefined, { timeout: 15_000 });
  await shot(page, 'admin-05-prices');
  await expectNoErrorState(page);
  await page.close();

  // The customer's catalog over HTTP and in the H5 app: ¥5.20/件, with the image
  const hualian = await apiAs(url, 'demo-customer-hualian');
  const found = await hualian<ListPage<CatalogItem>>('catalog', 'list', { page: 1, pageSize: 20, keyword: '桂花乌龙' });
  const item = found.items.find((i) => i.code === 'E2E-SKU1')!;
  expect(item).toBeTruthy();
  expect([item.unitPriceFen, item.priceSource, item.inStock]).toEqual([520, 'customer', true]);
  expect(item.imageUrl).toBeTruthy();
  const img = await fetch(new URL(item.imageUrl!, url));
  expect([img.status, img.headers.get('content-type')]).toEqual([200, 'image/png']);
  expect(Buffer.from(await img.arrayBuffer()).equals(PNG)).toBe(true);
  // another customer does not get 华联's own price
  const yonghui = await apiAs(url, 'demo-customer-yonghui');
  const theirs = (await yonghui<ListPage<CatalogItem>>('catalog', 'list', { page: 1, pageSize: 20, keyword: '桂花乌龙' })).items.find((i) => i.code === 'E2E-SKU1');
  expect(theirs?.unitPriceFen).not.toBe(520);

  const phone = await newPhonePage(session.browser);
  await signInAs(phone, url, 'demo-customer-hualian');
  await phone.locator('.sku').first().waitFor({ timeout: 30_000 });
  await phone.locator('.catalog__search input').fill('桂花乌龙');
  const card = phone.locator(`.sku[data-sku="${item.skuId}"]`);
  await card.waitFor({ timeout: 15_000 });
  await expect(card.locator('.price').first().innerText()).resolves.toBe(`${formatFen(520)}/件`);
  await shot(phone, 'admin-06-h5-catalog-new-product');
  await phone.close();
});

test('order board: filter 待审核, select, 批量审核 confirms them with the 跟单 review', async () => {
  const url = session.rt.url;
  const admin = await apiAs(url, 'demo-admin');
  const before = await admin<ListPage<BoardOrder>>('backoffice', 'orders', { page: 1, pageSize: 100, status: 'submitted' });
  expect(before.total).toBeGreaterThanOrEqual(2);

  const page = await newDesktopPage(session.browser);
  await signInAdmin(page, url, 'demo-admin', '/admin/orders?status=submitted');
  const board = page.locator('[data-testid="order-board"]');
  await board.waitFor({ timeout: 30_000 });
  const rows = board.locator('tbody tr.ant-table-row');
  await expect(rows.count()).resolves.toBe(Math.min(before.total, 20));
  for (const text of await rows.allInnerTexts()) expect(text).toContain('待审核');
  await shot(page, 'admin-07-order-board');

  const picked = before.items.slice(0, 2);
  for (const o of picked) await board.locator(`tr[data-row-key="${o._id}"] .ant-checkbox-input`).check();
  await page.locator('[data-testid="bulk-confirm"]').click();
  await page.locator('.ant-modal-confirm .ant-btn-primary').click();
  // Wait for the lasting outcome (the confirmed rows leave the 待审核 board), not the toast: antd's
  // message is gone after 3 s, which a loaded machine can miss between two polls.
  await page.waitForFunction((ids) => ids.every((id) => !document.querySelector(`tr[data-row-key="${id}"]`)), picked.map((o) => o._id), { timeout: 90_000 });
  await shot(page, 'admin-08-bulk-confirmed');

  for (const o of picked) {
    const d = await admin<{ status: string; dueDate: string | null; timeline: { event: string; status?: string }[] }>('followup', 'detail', { orderId: o._id });
    expect([o.orderNo, d.status]).toEqual([o.orderNo, 'confirmed']);
    expect(d.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  }
  const after = await admin<ListPage<BoardOrder>>('backoffice', 'orders', { page: 1, pageSize: 100, status: 'submitted' });
  expect(after.total).toBe(before.total - 2);

  // the order's detail (same actions as the 跟单 tab) and its 发货单 print page
  const one = picked[0]!;
  await page.goto(`${url}/admin/orders/${one._id}`);
  await expect(page.locator('[data-testid="order-status"]').innerText()).resolves.toBe('已确认');
  await page.goto(`${url}/admin/orders/${one._id}/print`);
  const note = page.locator('[data-testid="delivery-note"]');
  await note.waitFor({ timeout: 15_000 });
  await expect(note.innerText()).resolves.toContain(one.orderNo);
  await expect(page.locator('[data-testid="note-total"]').innerText()).resolves.toBe(formatFen(one.totalFen));
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  await shot(page, 'admin-09-delivery-note');
  await page.close();
});

test('import from the browser: the dry run lists every bad row, then the good rows are applied', async () => {
  const url = session.rt.url;
  const csv = [
    '商品编码,商品名称,规格,分类,单位,箱规(件/箱),只整箱,标准价(元),起订量,上架,定制,交期(天)',
    'E2E-IMP-1,导入测试饼干,200g,休闲零食,包,20,否,3.80,1,是,否,3',
    'E2E-IMP-2,导入测试薯片,,休闲零食,包,30,否,abc,1,是,否,3',
    'E2E-IMP-3,导入测试果冻,150g,休闲零食,包,0,否,2.50,1,是,否,3',
    'E2E-IMP-4,导入测试糖果,500g,休闲零食,袋,10,否,12.00,1,是,否,5',
  ].join('\n');
  const page = await newDesktopPage(session.browser);
  await signInAdmin(page, url, 'demo-admin', '/admin/imports');
  await page.locator('[data-testid="import-upload"] input[type="file"], input[type="file"]').first().setInputFiles({ name: '商品.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  const report = page.locator('[data-testid="import-report"]');
  await report.waitFor({ timeout: 30_000 });
  await expect(page.locator('[data-testid="import-bad-count"]').innerText()).resolves.toBe('2');
  const badRows = await page.locator('[data-testid="import-bad-rows"] tbody tr.ant-table-row').allInnerTexts();
  expect(badRows.map((t) => t.split(/\s+/)[0])).toEqual(['3', '4']);
  await expect(page.locator('[data-testid="import-created"]').innerText()).resolves.toBe('2');
  await shot(page, 'admin-10-import-dry-run');

  // nothing written by the dry run
  const admin = await apiAs(url, 'demo-admin');
  expect((await admin<ListPage<unknown>>('backoffice', 'products', { page: 1, pageSize: 20, keyword: 'E2E-IMP' })).total).toBe(0);
  // apply is refused until the bad rows are skipped on purpose
  await expect(page.locator('[data-testid="import-apply"]').isDisabled()).resolves.toBe(true);
  await page.locator('[data-testid="import-skip-bad"]').click();
  await page.locator('[data-testid="import-apply"]').click();
  await page.locator('.ant-message', { hasText: '已导入' }).waitFor({ timeout: 30_000 });
  await shot(page, 'admin-11-import-applied');
  const written = await admin<ListPage<{ code: string }>>('backoffice', 'products', { page: 1, pageSize: 20, keyword: 'E2E-IMP' });
  expect(written.items.map((p) => p.code).sort()).toEqual(['E2E-IMP-1', 'E2E-IMP-4']);
  await page.close();
});

test('every page has its loading, empty and error states', async () => {
  const url = session.rt.url;
  const page = await newDesktopPage(session.browser);
  await signInAdmin(page, url, 'demo-admin');

  // empty: filters that match nothing
  for (const [path, search] of [
    ['/admin/products', '[data-testid="product-search"] input'],
    ['/admin/customers', '[data-testid="customer-search"] input'],
  ] as const) {
    await page.goto(`${url}${path}`);
    await page.locator(search).fill('没有这个东西zzz');
    await page.locator(search).press('Enter');
    await page.locator('[data-state="empty"]').first().waitFor({ timeout: 15_000 });
  }
  await page.goto(`${url}/admin/orders?orderNo=NO-SUCH-ORDER`);
  await page.locator('[data-state="empty"]').waitFor({ timeout: 15_000 });
  await page.goto(`${url}/admin/prices`);
  await page.locator('[data-state="empty"]').waitFor({ timeout: 15_000 });
  await shot(page, 'admin-12-empty');

  // loading: hold the function's answer and see the spinner first
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/api/fn/backoffice', async (route) => {
    if (route.request().postData()?.includes('"stock"')) await held;
    await route.continue();
  });
  await page.goto(`${url}/admin/stock`);
  await page.locator('[data-state="loading"]').waitFor({ timeout: 15_000 });
  release();
  await page.locator('[data-testid="stock-table"]').waitFor({ timeout: 15_000 });
  await page.unroute('**/api/fn/backoffice');

  // error: the network fails → the error state with 重试, which recovers
  let fail = true;
  await page.route('**/api/fn/backoffice', (route) => (fail && route.request().postData()?.includes('"orders"') ? route.abort() : route.continue()));
  await page.goto(`${url}/admin/orders`);
  const error = page.locator('[data-state="error"]');
  await error.waitFor({ timeout: 15_000 });
  await expect(error.innerText()).resolves.toContain('网络异常');
  await shot(page, 'admin-13-error');
  fail = false;
  await error.getByRole('button', { name: /重\s*试/ }).click();
  await page.locator('[data-testid="order-board"]').waitFor({ timeout: 15_000 });
  await page.unroute('**/api/fn/backoffice');

  // an unknown order: the function's own NOT_FOUND message
  await page.goto(`${url}/admin/orders/o_nope`);
  await expect(page.locator('[data-state="error"]').innerText()).resolves.toContain('记录不存在');
  await page.close();
});

test('the back office is for staff: a customer is sent back to sign in; a merchandiser sees his customers only', async () => {
  const url = session.rt.url;
  const page = await newDesktopPage(session.browser);
  // a customer's token (from the H5 sign-in) is refused by the back office
  const signin = await fetch(`${url}/api/local/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ openid: 'demo-customer-hualian' }) });
  const { token } = (await signin.json()) as { token: string };
  await page.goto(`${url}/admin/signin`);
  await page.evaluate((t) => localStorage.setItem('dinghuo.admin.token', t), token);
  await page.goto(`${url}/admin/orders`);
  await page.waitForURL(/\/admin\/signin/, { timeout: 15_000 });
  await expect(page.locator('.ant-alert').first().innerText()).resolves.toContain('不是供应商员工');
  // only staff identities are offered
  const offered = await page.locator('.identity').evaluateAll((els) => els.map((e) => e.getAttribute('data-openid')));
  expect(offered.sort()).toEqual(['demo-admin', 'demo-merch-li', 'demo-merch-wang']);

  await signInAdmin(page, url, 'demo-merch-li', '/admin/orders');
  await page.locator('[data-testid="order-board"], [data-state="empty"]').first().waitFor({ timeout: 15_000 });
  const li = await apiAs(url, 'demo-merch-li');
  const mine = await li<ListPage<BoardOrder>>('backoffice', 'orders', { page: 1, pageSize: 100 });
  const shown = await page.locator('[data-testid="order-board"] tbody tr.ant-table-row').count();
  expect(shown).toBe(Math.min(mine.total, 20));
  for (const o of mine.items) expect(o.merchandiserId).toBe(mine.items[0]!.merchandiserId);
  // no 导入 for a merchandiser
  expect(await page.locator('.ant-menu-item', { hasText: '导入' }).count()).toBe(0);
  await page.close();
});
