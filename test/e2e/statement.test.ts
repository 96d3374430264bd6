/**
 * The 对账单 page of the H5 build in headless Chromium against the real local runtime: a customer
 * and its merchandiser open it from 我的, see the figures the report function computes, and
 * export the Excel file (a browser download whose figures are read back with exceljs).
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { formatFen } from '@dinghuo/shared/money';
import type { Statement } from '@dinghuo/shared/statement';
import { businessMonth } from '@dinghuo/shared/time';
import { apiAs, newPhonePage, shot, signInAs, useE2eSession } from './browser';

const session = useE2eSession();

async function openStatement(openid: string, via: 'me' | 'url' = 'me'): Promise<Page> {
  const page = await newPhonePage(session.browser);
  await page.goto(`${session.rt.url}/#/pages/me/index`);
  const identity = page.locator(`.identity[data-openid="${openid}"]`);
  await identity.waitFor({ timeout: 30_000 });
  await identity.click();
  // Signing in lands on the home tab; come back to 我的 through the tab bar.
  await page.waitForURL((u) => !u.hash.includes('pages/me'), { timeout: 30_000 });
  await page.locator('.tab-bar__item--active:not([data-tab="me"]):visible').waitFor({ timeout: 30_000 });
  // The tab switch after sign-in may still be settling (seconds on a loaded machine), and a tap on
  // 我的 during it can be lost: tap until 我的 shows its link, instead of a fixed pause.
  const link = page.locator('[data-testid=open-statement]:visible');
  for (let attempt = 1; ; attempt++) {
    await page.locator('.tab-bar__item[data-tab="me"]:visible').click();
    try {
      await link.waitFor({ timeout: 5_000 });
      break;
    } catch (e) {
      if (attempt >= 6) throw e;
    }
  }
  await link.click();
  await page.locator('[data-testid=statement]').waitFor({ timeout: 30_000 });
  return page;
}

const sums = async (page: Page) =>
  Promise.all(['opening', 'ordered', 'shipped', 'paid', 'closing'].map((k) => page.locator(`[data-testid=sum-${k}]`).innerText()));

test('a customer sees its month as the report function computes it and exports it to Excel', async () => {
  const month = businessMonth(Date.now());
  const expected = await (await apiAs(session.rt.url, 'demo-customer-hualian'))<Statement>('report', 'statement', { month });
  expect(expected.lines.length).toBeGreaterThan(0);
  const page = await openStatement('demo-customer-hualian');
  const t = expected.totals;
  expect(await sums(page)).toEqual([t.openingFen, t.orderedFen, t.shippedFen, t.paidFen, t.closingFen].map(formatFen));
  expect(await page.locator('[data-testid=statement-line]').count()).toBe(expected.lines.length);
  await shot(page, 'statement-01-customer');

  const download = page.waitForEvent('download');
  await page.locator('[data-testid=statement-export]').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`对账单-${expected.customer.name}-${month}.xlsx`);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(fs.readFileSync((await file.path())!) as unknown as ArrayBuffer);
  const rows: unknown[][] = [];
  wb.getWorksheet('对账单')!.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
  expect(rows.find((r) => r[0] === '期末未付(元)')?.[1]).toBe(t.closingFen / 100);

  // The previous month has its own figures.
  await page.locator('[data-testid=month-prev]').click();
  await expect(page.locator('[data-testid=month-label]').innerText()).resolves.not.toContain(String(Number(month.slice(5))) + '月');
});

test('a merchandiser switches between its customers', async () => {
  const month = businessMonth(Date.now());
  const wang = await apiAs(session.rt.url, 'demo-merch-wang');
  const customers = await wang<{ _id: string; name: string }[]>('report', 'statementCustomers', {});
  expect(customers.length).toBeGreaterThan(1);
  const page = await openStatement('demo-merch-wang', 'url');
  const chips = page.locator('[data-testid=statement-customer]');
  expect(await chips.allInnerTexts()).toEqual(customers.map((c) => c.name));
  const second = customers[1]!;
  const expected = await wang<Statement>('report', 'statement', { month, customerId: second._id });
  await chips.nth(1).click();
  await page.locator('.section-title', { hasText: second.name }).waitFor({ timeout: 15_000 });
  expect(await page.locator('[data-testid=sum-ordered]').innerText()).toBe(formatFen(expected.totals.orderedFen));
  await shot(page, 'statement-02-merchandiser');
});
