/**
 * Scarce stock and samples in the H5 build (headless Chromium, real local runtime):
 * - a customer whose cart line is short opts into a back-order (缺货登记) from the cart; the line
 *   leaves the cart;
 * - the merchandiser sees the shortfall and allocates the scarce stock, the key customer first;
 * - stock arrives (stock import) and the customer's back-order is filled as an order;
 * - a sample: the customer requests it, the merchandiser sends it (courier, cost), the customer
 *   approves it (批板) and orders from it.
 * Screenshots go to artifacts/e2e/.
 */
import type { Page } from 'playwright-core';
import type { BackOrder, CatalogItem, OrderDetail, Page as ListPage, Sample, ShortfallRow } from '@dinghuo/shared';
import { apiAs, newPhonePage, shot, signInAs, useE2eSession } from './browser';

const session = useE2eSession();

async function confirmModal(page: Page) {
  await page.locator('.taro-modal__footer, .taro__modal').first().waitFor({ timeout: 10_000 }).catch(() => undefined);
  await page.getByText('确定', { exact: true }).click();
}

/** A SKU both 华联 and 永辉 may order by the piece with no MOQ above one piece, and none of the demo orders hold. */
async function commonSku(exclude: string[] = []): Promise<CatalogItem> {
  const [h, y] = await Promise.all(
    ['demo-customer-hualian', 'demo-customer-yonghui'].map(async (who) => (await (await apiAs(session.rt.url, who))<ListPage<CatalogItem>>('catalog', 'list', { page: 1, pageSize: 100 })).items),
  );
  const ys = new Set(y!.filter((i) => !i.caseOnly && i.moq <= 1).map((i) => i.skuId));
  for (const i of h!) {
    if (!ys.has(i.skuId) || i.caseOnly || i.moq > 1 || exclude.includes(i.skuId)) continue;
    const stock = await session.rt.store.get('stock', i.skuId);
    if (stock && Object.keys(stock.holds ?? {}).length === 0) return i;
  }
  throw new Error('no common SKU free of reservations in the demo data');
}

test('a short cart line is back-ordered from the cart; the merchandiser allocates the key customer first; arriving stock fills the back-order', async () => {
  const sku = await commonSku();
  const [hualian, yonghui, wang, admin] = await Promise.all([
    apiAs(session.rt.url, 'demo-customer-hualian'),
    apiAs(session.rt.url, 'demo-customer-yonghui'),
    apiAs(session.rt.url, 'demo-merch-wang'),
    apiAs(session.rt.url, 'demo-admin'),
  ]);
  await session.rt.store.patch('stock', sku.skuId, { onHand: 5, reserved: 0, available: 5 });
  // 永辉 is a key customer (优先级 8)
  await session.rt.store.patch('customers', 'cus_yonghui', { priority: 8, region: '华东' });

  // 华联 puts 8 in the cart: only 5 are available, so the cart offers 缺货登记.
  const page = await newPhonePage(session.browser);
  await signInAs(page, session.rt.url, 'demo-customer-hualian');
  await page.locator('.sku').first().waitFor({ timeout: 30_000 });
  await page.locator('.catalog__search input').fill(sku.name);
  const card = page.locator(`.sku[data-sku="${sku.skuId}"]`);
  await card.waitFor({ timeout: 15_000 });
  await card.locator('.sku__add').click();
  await page.locator('.tab-bar__item[data-tab="cart"]:visible').click();
  const line = page.locator(`[data-testid="cart-line"][data-sku="${sku.skuId}"]`);
  await line.waitFor({ timeout: 15_000 });
  for (let n = 1; n < 8; n++) await line.locator('[data-action="inc"]').click();
  await line.locator('[data-testid="line-error"]').waitFor({ timeout: 15_000 });
  await line.locator('[data-testid="cart-backorder"]').click();
  await page.locator('[data-testid="sku-supply"]').waitFor({ timeout: 15_000 });
  await expect(page.locator('[data-testid="backorder-count"] input, input[data-testid="backorder-count"]').first().inputValue()).resolves.toBe('8');
  await expect(page.locator('[data-testid="backorder-available"]').innerText()).resolves.toContain('5');
  await shot(page, 'supply-01-backorder-from-cart');
  await page.locator('[data-testid="backorder-submit"]').click();
  await confirmModal(page);
  // back in the cart, without the back-ordered line
  await page.getByText('购物车是空的').waitFor({ timeout: 15_000 });
  await shot(page, 'supply-02-cart-after-backorder');

  const mine = await hualian<ListPage<BackOrder>>('supply', 'backOrders', { page: 1, pageSize: 20 });
  expect(mine.items.filter((b) => b.skuId === sku.skuId).map((b) => [b.status, b.qty, b.unit])).toEqual([['waiting', 8, 'piece']]);
  const hlBackOrder = mine.items.find((b) => b.skuId === sku.skuId)!;
  // 永辉 registers later, for 10
  const yhBackOrder = await yonghui<BackOrder>('supply', 'backOrderCreate', { skuId: sku.skuId, unit: 'piece', count: 10, addressId: 'addr_1' });

  // The merchandiser sees the shortfall: 永辉 (key customer) first, the suggestion gives it all 5.
  const staff = await newPhonePage(session.browser);
  await signInAs(staff, session.rt.url, 'demo-merch-wang');
  await staff.locator('.fu-tile').first().waitFor({ timeout: 30_000 });
  await staff.goto(`${session.rt.url}/#/packageSupply/shortfall/index`);
  const row = staff.locator(`[data-testid="shortfall-row"][data-sku="${sku.skuId}"]`);
  await row.waitFor({ timeout: 30_000 });
  const demands = row.locator('[data-testid="shortfall-demand"]');
  await expect(demands.nth(0).getAttribute('data-customer')).resolves.toBe('cus_yonghui');
  await expect(demands.nth(0).innerText()).resolves.toContain('★');
  await expect(demands.nth(0).innerText()).resolves.toContain('建议 5');
  await expect(demands.nth(1).getAttribute('data-customer')).resolves.toBe('cus_hualian');
  await expect(demands.nth(1).innerText()).resolves.toContain('建议 0');
  await shot(staff, 'supply-03-shortfall');
  await row.locator('[data-testid="shortfall-suggest"]').click();
  await staff.getByText('生成订单 1 笔').waitFor({ timeout: 15_000 });
  await shot(staff, 'supply-04-allocated');
  await confirmModal(staff);

  const [yhAfter] = await Promise.all([yonghui<ListPage<BackOrder>>('supply', 'backOrders', { page: 1, pageSize: 20 })]);
  expect(yhAfter.items.find((b) => b._id === yhBackOrder._id)).toMatchObject({ filledQty: 5, status: 'waiting' });
  const yhOrder = await yonghui<OrderDetail>('order', 'detail', { orderId: yhAfter.items.find((b) => b._id === yhBackOrder._id)!.orderIds[0] });
  expect(yhOrder.lines.map((l) => [l.skuId, l.qty])).toEqual([[sku.skuId, 5]]);
  expect((await hualian<ListPage<BackOrder>>('supply', 'backOrders', { page: 1, pageSize: 20 })).items.find((b) => b._id === hlBackOrder._id)).toMatchObject({ filledQty: 0 });
  const left = await wang<ShortfallRow[]>('supply', 'shortfall', { skuId: sku.skuId });
  expect(left[0]).toMatchObject({ available: 0, demandQty: 13 });

  // Stock arrives (13 more): 永辉's remaining 5 first, then 华联's 8, each as an order.
  await admin('admin', 'importRows', { kind: 'stock', dryRun: false, rows: [{ row: 2, values: { skuCode: sku.code, onHand: '18' } }] });
  const filled = (await hualian<ListPage<BackOrder>>('supply', 'backOrders', { page: 1, pageSize: 20 })).items.find((b) => b._id === hlBackOrder._id)!;
  expect(filled).toMatchObject({ status: 'filled', filledQty: 8 });
  const hlOrder = await hualian<OrderDetail>('order', 'detail', { orderId: filled.orderIds[0] });
  expect(hlOrder).toMatchObject({ status: 'submitted', customerId: 'cus_hualian' });
  expect(hlOrder.lines.map((l) => [l.skuId, l.qty])).toEqual([[sku.skuId, 8]]);
  expect(await session.rt.store.get('stock', sku.skuId)).toMatchObject({ onHand: 18, reserved: 18, available: 0 });

  // The customer sees it filled on its back-order page.
  await page.goto(`${session.rt.url}/#/packageSupply/backorders/index`);
  await page.locator('[data-testid="backorder-card"]', { hasText: '已补齐' }).first().waitFor({ timeout: 30_000 });
  await shot(page, 'supply-05-backorder-filled');
  await page.close();
  await staff.close();
});

test('a sample: requested by the customer, sent by the merchandiser with courier and cost, approved (批板), then ordered', async () => {
  const sku = await commonSku();
  const hualian = await apiAs(session.rt.url, 'demo-customer-hualian');
  const page = await newPhonePage(session.browser);
  await signInAs(page, session.rt.url, 'demo-customer-hualian');
  await page.locator('.sku').first().waitFor({ timeout: 30_000 });
  await page.goto(`${session.rt.url}/#/packageSupply/sku/index?skuId=${encodeURIComponent(sku.skuId)}&name=${encodeURIComponent(sku.name)}&u=piece&unit=${encodeURIComponent(sku.baseUnit)}&count=1`);
  await page.locator('[data-testid="sample-request"]').click();
  await page.locator('[data-testid="sample-status"]', { hasText: '待寄样' }).waitFor({ timeout: 15_000 });
  const sampleId = decodeURIComponent(new URL(page.url().replace('#/', '')).searchParams.get('id') ?? '');
  expect(sampleId).toMatch(/\S/);
  await shot(page, 'supply-06-sample-requested');

  const staff = await newPhonePage(session.browser);
  await signInAs(staff, session.rt.url, 'demo-merch-wang');
  await staff.locator('.fu-tile').first().waitFor({ timeout: 30_000 });
  await staff.goto(`${session.rt.url}/#/packageSupply/sample/index?id=${encodeURIComponent(sampleId)}`);
  await staff.locator('[data-testid="sample-send"]').waitFor({ timeout: 30_000 });
  await staff.locator('[data-testid="sample-company"] input, input[data-testid="sample-company"]').first().fill('顺丰');
  await staff.locator('[data-testid="sample-tracking"] input, input[data-testid="sample-tracking"]').first().fill('SF2026120299');
  await staff.locator('[data-testid="sample-cost"] input, input[data-testid="sample-cost"]').first().fill('18.50');
  await staff.locator('[data-testid="sample-send"]').click();
  await staff.locator('[data-testid="sample-status"]', { hasText: '已寄样' }).waitFor({ timeout: 15_000 });
  await expect(staff.locator('[data-testid="sample-courier"]').innerText()).resolves.toContain('顺丰 SF2026120299');
  await expect(staff.locator('[data-testid="sample-courier"]').innerText()).resolves.toContain('18.50');
  await shot(staff, 'supply-07-sample-sent');
  await staff.close();

  await page.goto(`${session.rt.url}/#/packageSupply/sample/index?id=${encodeURIComponent(sampleId)}`);
  await page.reload();
  await page.locator('[data-testid="sample-approve"]').click();
  await page.locator('[data-testid="sample-status"]', { hasText: '已批板' }).waitFor({ timeout: 15_000 });
  await page.locator('[data-testid="sample-order-count"] input, input[data-testid="sample-order-count"]').first().fill('3');
  await shot(page, 'supply-08-sample-approved');
  await page.locator('[data-testid="sample-order"]').click();
  await page.locator('.detail__status').waitFor({ timeout: 30_000 });
  await shot(page, 'supply-09-order-from-sample');
  await page.close();

  const sample = await hualian<Sample>('supply', 'sampleDetail', { sampleId });
  expect(sample).toMatchObject({ status: 'ordered', courier: { company: '顺丰', trackingNo: 'SF2026120299', costFen: 1850 }, decision: { approved: true } });
  const order = await hualian<OrderDetail>('order', 'detail', { orderId: sample.orderId! });
  expect(order.lines.map((l) => [l.skuId, l.qty])).toEqual([[sku.skuId, 3]]);
});
