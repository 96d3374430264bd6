/**
 * Helpers for the H5 e2e tests: build the H5 app if missing, start the real local runtime on a
 * fresh data directory, launch the system Chromium, and call the functions over HTTP with a demo
 * identity (to compare what the page shows with what the backend computes).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLocalRuntime, type LocalRuntime } from '../../scripts/local/server';
import { ADMIN_DIR, ensureAdminBuild, ensureH5Build, H5_DIR, ROOT } from './build';

export { ADMIN_DIR, ensureAdminBuild, ensureH5Build, H5_DIR, ROOT } from './build';
export const ARTIFACTS = path.join(ROOT, 'artifacts', 'e2e');

export async function startRuntime(): Promise<{ rt: LocalRuntime; dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dinghuo-e2e-'));
  const rt = await startLocalRuntime({ dataDir, port: 0, h5Dir: H5_DIR, adminDir: ADMIN_DIR, timers: false, quiet: true });
  return { rt, dataDir };
}

export async function launchBrowser(): Promise<Browser> {
  // playwright gives every launch a fresh temporary profile (the --user-data-dir of PLATFORM.md)
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function newPhonePage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'zh-CN', hasTouch: true });
  return context.newPage();
}

export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  // let page transitions, toasts and modals settle
  await page.waitForTimeout(600);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
}

/** A function client with one demo identity, over the same HTTP API the H5 app uses. */
export async function apiAs(baseUrl: string, openid: string) {
  const signin = await fetch(`${baseUrl}/api/local/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ openid }),
  });
  const { token } = (await signin.json()) as { token: string };
  return async <T = any>(fn: string, action: string, input: unknown = {}): Promise<T> => {
    const res = await fetch(`${baseUrl}/api/fn/${fn}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ action, input }),
    });
    const body = (await res.json()) as { ok: boolean; data?: T; error?: { code: string; message: string } };
    if (!body.ok) throw new Error(`${fn}.${action}: ${body.error?.code} ${body.error?.message}`);
    return body.data as T;
  };
}

/**
 * One runtime and one browser for a test file: registers beforeAll/afterAll and returns a
 * handle whose `rt` and `browser` are set once beforeAll has run.
 */
export function useE2eSession(): { rt: LocalRuntime; browser: Browser } {
  const session = {} as { rt: LocalRuntime; browser: Browser };
  jest.setTimeout(180_000);
  beforeAll(async () => {
    ensureH5Build();
    ensureAdminBuild();
    ({ rt: session.rt } = await startRuntime());
    session.browser = await launchBrowser();
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.rt?.close();
  });
  return session;
}

/** A desktop-sized page for the back office (管理后台). */
export async function newDesktopPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  return context.newPage();
}

/** Signs in to the back office (/admin/signin) as a demo staff identity and waits for the layout. */
export async function signInAdmin(page: Page, baseUrl: string, openid: string, path = '/admin/'): Promise<void> {
  await page.goto(`${baseUrl}/admin/signin`);
  const identity = page.locator(`.identity[data-openid="${openid}"]`);
  await identity.waitFor({ timeout: 30_000 });
  await identity.getByRole('button', { name: /登\s*录/ }).click();
  await page.locator('[data-testid="me"]').waitFor({ timeout: 30_000 });
  if (path !== '/admin/') await page.goto(`${baseUrl}${path}`);
}

/** Signs in on the demo identity picker of the local H5 build (我的 page). */
export async function signInAs(page: Page, baseUrl: string, openid: string): Promise<void> {
  await page.goto(`${baseUrl}/#/pages/me/index`);
  const identity = page.locator(`.identity[data-openid="${openid}"]`);
  await identity.waitFor({ timeout: 30_000 });
  await identity.click();
}
