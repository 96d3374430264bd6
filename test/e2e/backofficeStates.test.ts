/**
 * Every route of the back office (管理后台) in headless Chromium shows its three states, from the
 * one shared component (admin/src/components/states.tsx): on an empty database the empty state
 * (antd Empty with what is missing), never a blank page or a crash; while the functions are slow a
 * loading indicator; when a function fails the error state with its Chinese message and 重试,
 * which recovers. The runtime is the real local runtime with nothing in it but the admin.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { startLocalRuntime, type LocalRuntime } from '../../scripts/local/server';
import { ADMIN_DIR, ensureAdminBuild, launchBrowser, shot } from './browser';

jest.setTimeout(240_000);

/** Every page of the back office, and the state it shows on an empty database. */
const ROUTES: { path: string; name: string; empty: 'empty' | 'error' }[] = [
  { path: '/admin/', name: '工作台', empty: 'empty' },
  { path: '/admin/products', name: '商品', empty: 'empty' },
  { path: '/admin/prices', name: '价格', empty: 'empty' },
  { path: '/admin/customers', name: '客户', empty: 'empty' },
  { path: '/admin/stock', name: '库存', empty: 'empty' },
  { path: '/admin/orders', name: '订单', empty: 'empty' },
  { path: '/admin/imports', name: '导入', empty: 'empty' },
  { path: '/admin/reports', name: '报表', empty: 'empty' },
  // the admin's own sign-in is listed, so 账号 is never empty for an admin: its table shows
  { path: '/admin/accounts', name: '账号', empty: 'empty' },
  // an order that does not exist: the function's NOT_FOUND message, not a blank page
  { path: '/admin/orders/o_none', name: '订单详情', empty: 'error' },
  { path: '/admin/orders/o_none/print', name: '发货单', empty: 'error' },
];

let rt: LocalRuntime;
let browser: Browser;
let dataDir: string;
let token: string;

beforeAll(async () => {
  ensureAdminBuild();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dinghuo-e2e-states-'));
  rt = await startLocalRuntime({ dataDir, port: 0, adminDir: ADMIN_DIR, seed: false, timers: false, quiet: true });
  // nothing but the admin who signs in
  await rt.store.set('staff', { _id: 'stf_admin', name: '赵总', role: 'admin', phone: '' });
  await rt.store.set('users', { _id: 'demo-admin', role: 'admin', staffId: 'stf_admin', name: '赵总' });
  const signin = await fetch(`${rt.url}/api/local/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ openid: 'demo-admin' }) });
  ({ token } = (await signin.json()) as { token: string });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await rt?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function signedInPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  await context.addInitScript((t) => localStorage.setItem('dinghuo.admin.token', t), token);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  return page;
}
const pageErrors: string[] = [];

/** The action a call to /api/fn/<name> asks for. */
function actionOf(route: Route): string {
  try {
    return (JSON.parse(route.request().postData() ?? '{}') as { action?: string }).action ?? '';
  } catch {
    return '';
  }
}

/** The one state the page's main content shows, once it shows one. */
async function shownState(page: Page, want: 'empty' | 'error' | 'loading'): Promise<string> {
  const el = page.locator(`[data-state="${want}"]`).first();
  await el.waitFor({ timeout: 30_000 });
  return el.innerText();
}

test('an empty database: every page shows its empty state (or the order pages a NOT_FOUND error), never a blank page', async () => {
  const page = await signedInPage();
  for (const r of ROUTES) {
    await page.goto(`${rt.url}${r.path}`);
    if (r.path === '/admin/accounts') {
      // the admin itself is a staff sign-in
      await page.locator('.ant-table-row', { hasText: '赵总' }).first().waitFor({ timeout: 30_000 });
      continue;
    }
    const text = await shownState(page, r.empty);
    if (r.empty === 'empty') {
      expect(await page.locator('[data-state="empty"] .ant-empty').count()).toBeGreaterThan(0);
      expect(text).toMatch(/[\u4e00-\u9fff]/);
    } else {
      expect(text).toContain('记录不存在');
    }
    expect(await page.locator('[data-state="error"]').count()).toBe(r.empty === 'error' ? 1 : 0);
    if (r.path === '/admin/') await shot(page, 'admin-states-01-empty-dashboard');
  }
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('a failing function: every page shows the error state with its Chinese message and 重试, which recovers', async () => {
  const page = await signedInPage();
  let failing = true;
  // every call but the session (backoffice.refs) answers a typed error while `failing`
  await page.route('**/api/fn/*', (route) =>
    failing && actionOf(route) !== 'refs'
      ? route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ok: false, error: { code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' } }) })
      : route.continue(),
  );
  for (const r of ROUTES) {
    failing = true;
    await page.goto(`${rt.url}${r.path}`);
    const error = page.locator('[data-state="error"]').first();
    await error.waitFor({ timeout: 30_000 });
    await expect(error.innerText()).resolves.toContain('服务暂时不可用，请稍后重试');
    if (r.path === '/admin/orders') await shot(page, 'admin-states-02-error-orders');
    // 重试 with the function back: the page leaves its error state
    failing = false;
    await error.getByRole('button', { name: /重\s*试/ }).click();
    await page.locator(`[data-state="${r.empty}"], .ant-table-row`).first().waitFor({ timeout: 30_000 });
    if (r.empty === 'empty') expect(await page.locator('[data-state="error"]').count()).toBe(0);
  }
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

test('a slow function: every page shows a loading indicator until the answer arrives', async () => {
  const page = await signedInPage();
  let release: () => void = () => undefined;
  let held = new Promise<void>((r) => (release = r));
  await page.route('**/api/fn/*', async (route) => {
    if (actionOf(route) !== 'refs') await held;
    await route.continue().catch(() => undefined);
  });
  for (const r of ROUTES) {
    held = new Promise<void>((res) => (release = res));
    await page.goto(`${rt.url}${r.path}`);
    const loading = page.locator('[data-state="loading"]').first();
    await loading.waitFor({ timeout: 30_000 });
    expect(await loading.locator('.ant-spin').count()).toBe(1);
    if (r.path === '/admin/products') await shot(page, 'admin-states-03-loading-products');
    release();
    await page.locator(`[data-state="${r.empty}"], .ant-table-row`).first().waitFor({ timeout: 30_000 });
  }
  release();
  expect(pageErrors).toEqual([]);
  await page.context().close();
});
