/**
 * The ordering backend through the local runtime against the real embedded database:
 * server-side pricing, all-or-nothing reservation, idempotent submit, credit limit, the status
 * machine's effects on stock, access by role and ownership.
 */
import { okData as data, resultCode as code, startTestRuntime, type TestRuntime } from '../../scripts/local/testing/testRuntime';
import { backfillSkuVisibility } from '../_lib/services/catalog';
import { withVisibleTo, type CatalogItem, type OrderDetail, type Page, type Result } from '@dinghuo/shared';

const HUALIAN = 'demo-customer-hualian';
const YONGHUI = 'demo-customer-yonghui';
const XIAOMA = 'demo-customer-xiaoma';
const WANG = 'demo-merch-wang';
const LI = 'demo-merch-li';

let rt: TestRuntime;
let clock = Date.UTC(2026, 10, 25, 2, 0);

beforeEach(async () => {
  clock = Date.UTC(2026, 10, 25, 2, 0);
  rt = await startTestRuntime({ dataDir: ':memory:', timers: false, quiet: true, now: () => clock });
});
afterEach(() => rt.close());

async function stockOf(skuId: string) {
  return (await rt.store.get('stock', skuId))!;
}
async function submit(openid: string, lines: { skuId: string; unit: 'piece' | 'case'; count: number }[], requestId: string, extra: object = {}) {
  return rt.invoke('order', { action: 'submit', input: { requestId, lines, addressId: 'addr_1', ...extra } }, openid);
}

describe('catalog', () => {
  it('shows each customer its own prices for the same SKU', async () => {
    const list = async (who: string) =>
      data<Page<CatalogItem>>(await rt.invoke('catalog', { action: 'list', input: { page: 1, pageSize: 100 } }, who));
    const [h, y, x] = await Promise.all([list(HUALIAN), list(YONGHUI), list(XIAOMA)]);
    const price = (p: Page<CatalogItem>, id: string) => p.items.find((i) => i.skuId === id)!;
    // sku_0001 has a customer price for 华联 and a VIP level entry; 永辉 gets its level list; 小马 the list price.
    expect(price(h, 'sku_0001').priceSource).toBe('customer');
    expect(price(y, 'sku_0001').priceSource).toBe('level');
    expect(price(x, 'sku_0001').priceSource).toBe('list_discount');
    const sku = (await rt.store.get('skus', 'sku_0001'))!;
    expect(price(x, 'sku_0001').unitPriceFen).toBe(sku.listPriceFen);
    expect(price(h, 'sku_0001').unitPriceFen).toBeLessThan(price(y, 'sku_0001').unitPriceFen);
  });

  it('hides SKUs not sold to the customer and inactive ones, and pages', async () => {
    const all = async (who: string) => {
      const items: CatalogItem[] = [];
      for (let page = 1; ; page++) {
        const p = data<Page<CatalogItem>>(await rt.invoke('catalog', { action: 'list', input: { page, pageSize: 7 } }, who));
        items.push(...p.items);
        if (!p.hasMore) {
          expect(items.length).toBe(p.total);
          return items;
        }
      }
    };
    const retail = await all(XIAOMA);
    const vip = await all(HUALIAN);
    const restricted = (await rt.store.find('skus', { 'saleScope.levelIds': { $exists: true } }, { limit: 100 })).map((s) => s._id);
    expect(restricted.length).toBeGreaterThan(0);
    for (const id of restricted) {
      expect(retail.some((i) => i.skuId === id)).toBe(false);
      expect(vip.some((i) => i.skuId === id)).toBe(true);
    }
    const inactive = await rt.store.find('skus', { active: false }, { limit: 100 });
    expect(inactive.length).toBeGreaterThan(0);
    for (const s of inactive) expect(vip.some((i) => i.skuId === s._id)).toBe(false);
    expect(new Set(vip.map((i) => i.skuId)).size).toBe(vip.length);
  });

  it('filters by category and keyword and reports available stock', async () => {
    const p = data<Page<CatalogItem>>(
      await rt.invoke('catalog', { action: 'list', input: { categoryId: 'cat_drinks', keyword: '矿泉水', page: 1, pageSize: 50 } }, HUALIAN),
    );
    expect(p.items.length).toBeGreaterThan(0);
    for (const i of p.items) {
      expect(i.categoryId).toBe('cat_drinks');
      expect(i.name).toContain('矿泉水');
      const s = await stockOf(i.skuId);
      expect(i.available).toBe(s.onHand - s.reserved);
    }
  });

  it('a SKU sold to one customer is listed for that customer only; a SKU without visibleTo is not listed', async () => {
    const base = (await rt.store.get('skus', 'sku_0001'))!;
    const { visibleTo: _v, ...legacy } = base;
    await rt.store.set('skus', withVisibleTo({ ...base, _id: 'sku_only_xm', code: 'ZZ-ONLY', name: '小马专供', saleScope: { customerIds: ['cus_xiaoma'] } }));
    await rt.store.set('skus', { ...legacy, _id: 'sku_legacy', code: 'ZZ-OLD', name: '旧数据商品' });
    const keyword = async (who: string, kw: string) =>
      data<Page<CatalogItem>>(await rt.invoke('catalog', { action: 'list', input: { keyword: kw, page: 1, pageSize: 20 } }, who));
    expect((await keyword(XIAOMA, '小马专供')).items.map((i) => i.skuId)).toEqual(['sku_only_xm']);
    expect((await keyword(HUALIAN, '小马专供')).total).toBe(0);
    expect((await keyword(YONGHUI, 'ZZ-')).items.map((i) => i.skuId)).toEqual([]);
    expect((await keyword(XIAOMA, 'ZZ-')).total).toBe(1);

    // The backfill (run by the local runtime on start) derives it, after which the SKU is listed by its scope.
    await rt.store.set('skus', { ...legacy, _id: 'sku_legacy_vip', code: 'ZZ-OLD-VIP', name: '旧数据限售', saleScope: { levelIds: ['lv_vip'] } });
    expect(await backfillSkuVisibility(rt.store)).toBe(2);
    expect(await backfillSkuVisibility(rt.store)).toBe(0);
    expect((await rt.store.get('skus', 'sku_legacy_vip'))!.visibleTo).toEqual(['lv:lv_vip']);
    expect((await keyword(XIAOMA, 'ZZ-OLD')).items.map((i) => i.skuId)).toEqual(['sku_legacy']);
    expect((await keyword(HUALIAN, 'ZZ-OLD')).items.map((i) => i.skuId)).toEqual(['sku_legacy', 'sku_legacy_vip']);
  });
});

describe('submit', () => {
  it('prices on the server, ignoring any price the client sends, and reserves stock', async () => {
    const before = await stockOf('sku_0003');
    const r = await submit(HUALIAN, [{ skuId: 'sku_0003', unit: 'case', count: 2, unitPriceFen: 1 } as never], 'req-price-01', {
      totalFen: 1,
    });
    const order = data<OrderDetail>(r);
    const quote = data<{ totalFen: number }>(
      await rt.invoke('catalog', { action: 'quote', input: { lines: [{ skuId: 'sku_0003', unit: 'case', count: 2 }] } }, HUALIAN),
    );
    expect(order.totalFen).toBe(quote.totalFen);
    expect(order.totalFen).toBeGreaterThan(2);
    const sku = (await rt.store.get('skus', 'sku_0003'))!;
    expect(order.lines[0]!.qty).toBe(2 * sku.caseSize);
    expect((await stockOf('sku_0003')).reserved).toBe(before.reserved + 2 * sku.caseSize);
  });

  it('returns the same order for a retried request id, and reserves once', async () => {
    const lines = [{ skuId: 'sku_0004', unit: 'case' as const, count: 1 }];
    const before = await stockOf('sku_0004');
    const [a, b] = await Promise.all([submit(YONGHUI, lines, 'retry-0001'), submit(YONGHUI, lines, 'retry-0001')]);
    const c = await submit(YONGHUI, lines, 'retry-0001');
    expect(data<OrderDetail>(a)._id).toBe(data<OrderDetail>(b)._id);
    expect(data<OrderDetail>(c)._id).toBe(data<OrderDetail>(a)._id);
    expect((await stockOf('sku_0004')).reserved - before.reserved).toBe(data<OrderDetail>(a).lines[0]!.qty);
    expect(await rt.store.count('orders', { requestId: 'retry-0001' })).toBe(1);
    expect(code(await submit(YONGHUI, [{ skuId: 'sku_0004', unit: 'case', count: 2 }], 'retry-0001'))).toBe('REQUEST_ID_REUSED');
  });

  it('reserves all lines or none when one line is short', async () => {
    const short = (await rt.store.find('stock', { onHand: 0 }, { limit: 1 }))[0]!;
    const before = await stockOf('sku_0001');
    const r = await submit(HUALIAN, [{ skuId: 'sku_0001', unit: 'case', count: 1 }, { skuId: short._id, unit: 'case', count: 1 }], 'none-0001');
    expect(['OUT_OF_STOCK', 'BELOW_MOQ', 'NOT_WHOLE_CASE']).toContain(code(r));
    expect(await stockOf('sku_0001')).toEqual(before);
    expect(await rt.store.count('orders', { requestId: 'none-0001' })).toBe(0);
  });

  it('refuses an order over the credit limit with its own code, writing nothing', async () => {
    const customer = (await rt.store.get('customers', 'cus_xiaoma'))!;
    const account = (await rt.store.get('accounts', 'cus_xiaoma'))!;
    const sku = (await rt.store.get('skus', 'sku_0018'))!; // 东北大米 5kg, case-only
    const stock = await stockOf(sku._id);
    const cases = Math.floor((stock.onHand - stock.reserved) / sku.caseSize);
    expect(sku.listPriceFen * sku.caseSize * cases).toBeGreaterThan(customer.creditLimitFen! - account.outstandingFen);
    const r = await submit(XIAOMA, [{ skuId: sku._id, unit: 'case', count: cases }], 'credit-0001');
    expect(code(r)).toBe('CREDIT_LIMIT_EXCEEDED');
    expect(!r.ok && r.error.message).toMatch(/信用额度/);
    expect(await stockOf(sku._id)).toEqual(stock);
    expect((await rt.store.get('accounts', 'cus_xiaoma'))!.outstandingFen).toBe(account.outstandingFen);
  });

  it('validates MOQ, whole cases and units', async () => {
    expect(code(await submit(HUALIAN, [{ skuId: 'sku_0001', unit: 'piece', count: 1 }], 'moq-00001'))).toBe('BELOW_MOQ');
    const caseOnly = (await rt.store.find('skus', { caseOnly: true, active: true }, { limit: 1 }))[0]!;
    const restricted = (await rt.store.find('skus', { 'saleScope.levelIds': { $exists: true } }, { limit: 1 }))[0]!;
    expect(code(await submit(HUALIAN, [{ skuId: caseOnly._id, unit: 'piece', count: 500 }], 'case-00001'))).toBe('NOT_WHOLE_CASE');
    expect(code(await submit(HUALIAN, [{ skuId: 'sku_9999', unit: 'piece', count: 5 }], 'nosku-0001'))).toBe('SKU_NOT_FOUND');
    expect(code(await submit(XIAOMA, [{ skuId: restricted._id, unit: 'case', count: 1 }], 'scope-0001'))).toBe('SKU_NOT_SOLD');
    expect(code(await submit(HUALIAN, [{ skuId: 'sku_0001', unit: 'case', count: 1 }], 'addr-00001', { addressId: 'addr_9' }))).toBe(
      'ADDRESS_NOT_FOUND',
    );
  });
});

describe('lifecycle', () => {
  async function placeAndGet(openid: string, requestId: string) {
    return data<OrderDetail>(await submit(openid, [{ skuId: 'sku_0002', unit: 'case', count: 1 }], requestId));
  }
  const move = (openid: string, orderId: string, action: string, input: object = {}) =>
    rt.invoke('order', { action, input: { orderId, ...input } }, openid);

  it('cancel releases the reservation and the credit, and is recorded on the timeline', async () => {
    const before = await stockOf('sku_0002');
    const outstanding = (await rt.store.get('accounts', 'cus_hualian'))!.outstandingFen;
    const order = await placeAndGet(HUALIAN, 'cancel-001');
    const cancelled = data<OrderDetail>(await move(HUALIAN, order._id, 'cancel', { reason: '买错了' }));
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.timeline.at(-1)).toMatchObject({ status: 'cancelled', note: '买错了', by: { role: 'customer' } });
    expect(await stockOf('sku_0002')).toEqual(before);
    expect((await rt.store.get('accounts', 'cus_hualian'))!.outstandingFen).toBe(outstanding);
    expect(code(await move(HUALIAN, order._id, 'cancel'))).toBe('ORDER_NOT_CANCELLABLE');
  });

  it('a customer cannot cancel once confirmed; shipping consumes the stock', async () => {
    const before = await stockOf('sku_0002');
    const order = await placeAndGet(HUALIAN, 'ship-0001');
    const { changeStatus } = await import('../_lib/services/orders');
    const wang = { kind: 'merchandiser' as const, openid: WANG, staffId: 'stf_wang', name: '王敏' };
    await changeStatus(rt.store, wang, order._id, 'confirmed', clock);
    expect(code(await move(HUALIAN, order._id, 'cancel'))).toBe('ORDER_NOT_CANCELLABLE');
    await changeStatus(rt.store, wang, order._id, 'ready_to_ship', clock);
    await changeStatus(rt.store, wang, order._id, 'shipped', clock);
    const qty = order.lines[0]!.qty;
    expect(await stockOf('sku_0002')).toEqual({ ...before, onHand: before.onHand - qty, available: before.available - qty });
    const delivered = data<OrderDetail>(await move(HUALIAN, order._id, 'confirmReceipt'));
    expect(delivered.status).toBe('delivered');
    expect(delivered.timeline.map((t) => t.status)).toEqual(['submitted', 'confirmed', 'ready_to_ship', 'shipped', 'delivered']);
    // each staff change wrote a message job for the customer in the same transaction
    expect(await rt.store.count('messageJobs', { orderId: order._id })).toBe(3);
    expect(order.afterSales).toEqual([]);
    const asr = await move(HUALIAN, order._id, 'afterSalesCreate', { kind: 'return', description: '两瓶破损' });
    expect(code(asr)).toBe('OK');
    // A retried submit answers the order as it is now, after-sales requests included.
    clock += 60_000;
    const replay = data<OrderDetail>(await submit(HUALIAN, [{ skuId: 'sku_0002', unit: 'case', count: 1 }], 'ship-0001'));
    expect(replay._id).toBe(order._id);
    expect(replay.status).toBe('delivered');
    expect(replay.afterSales.map((a) => a.description)).toEqual(['两瓶破损']);
  });

  it('the timer releases reservations of orders left unconfirmed past the deadline', async () => {
    const before = await stockOf('sku_0002');
    const order = await placeAndGet(YONGHUI, 'timer-0001');
    expect((await stockOf('sku_0002')).reserved).toBe(before.reserved + order.lines[0]!.qty);
    clock += 47 * 3600_000;
    await rt.tick('reservationTimer');
    expect((await stockOf('sku_0002')).reserved).toBe(before.reserved + order.lines[0]!.qty);
    clock += 2 * 3600_000;
    await rt.tick('reservationTimer');
    expect((await stockOf('sku_0002')).reserved).toBe(before.reserved);
    const after = (await rt.store.get('orders', order._id))!;
    expect(after.status).toBe('submitted');
    expect(after.reservation.state).toBe('released');
    // cancelling it now must not release a second time
    expect(code(await move(YONGHUI, order._id, 'cancel'))).toBe('OK');
    expect((await stockOf('sku_0002')).reserved).toBe(before.reserved);
  });

  it('reorder rebuilds the cart from an old order; afterwards it prices at today’s prices', async () => {
    const order = await placeAndGet(HUALIAN, 'reorder-01');
    await rt.store.patch('prices', 'pl_hualian:sku_0002', { priceFen: 1, breaks: [] });
    const re = data<{ lines: { skuId: string; unit: string; count: number }[] }>(await move(HUALIAN, order._id, 'reorder'));
    expect(re.lines).toEqual([{ skuId: 'sku_0002', unit: 'case', count: 1 }]);
    const quote = data<{ lines: { unitPriceFen: number }[] }>(await rt.invoke('catalog', { action: 'quote', input: { lines: re.lines } }, HUALIAN));
    expect(quote.lines[0]!.unitPriceFen).toBe(1);
  });
});

describe('access', () => {
  it('a customer sees only its own orders; a forged customerId in the payload changes nothing', async () => {
    const mine = data<OrderDetail>(await submit(YONGHUI, [{ skuId: 'sku_0002', unit: 'case', count: 1 }], 'own-00001'));
    const forged = await rt.invoke('order', { action: 'list', input: { customerId: 'cus_yonghui', page: 1, pageSize: 100 } }, HUALIAN);
    expect(data<Page<{ _id: string }>>(forged).items.some((o) => o._id === mine._id)).toBe(false);
    expect(code(await rt.invoke('order', { action: 'detail', input: { orderId: mine._id } }, HUALIAN))).toBe('NOT_FOUND');
    expect(code(await rt.invoke('order', { action: 'cancel', input: { orderId: mine._id } }, HUALIAN))).toBe('NOT_FOUND');
    expect((await rt.store.get('orders', mine._id))!.status).toBe('submitted');
  });

  it('a merchandiser sees only its customers’ orders; an admin sees all', async () => {
    const order = data<OrderDetail>(await submit(YONGHUI, [{ skuId: 'sku_0002', unit: 'case', count: 1 }], 'scope-0002'));
    expect(code(await rt.invoke('order', { action: 'detail', input: { orderId: order._id } }, WANG))).toBe('OK');
    expect(code(await rt.invoke('order', { action: 'detail', input: { orderId: order._id } }, LI))).toBe('NOT_FOUND');
    expect(code(await rt.invoke('order', { action: 'detail', input: { orderId: order._id } }, 'demo-admin'))).toBe('OK');
  });

  it('staff cannot use customer-only actions, and the unbound cannot order', async () => {
    expect(code(await submit(WANG, [{ skuId: 'sku_0002', unit: 'case', count: 1 }], 'staff-0001'))).toBe('FORBIDDEN');
    expect(code(await submit('demo-newuser', [{ skuId: 'sku_0002', unit: 'case', count: 1 }], 'anon-00001'))).toBe('NOT_BOUND');
    expect(code(await rt.invoke('order', { action: 'list', input: {} }, null))).toBe('UNAUTHENTICATED');
  });

  it('binding by invitation code works once, through HTTP with a session', async () => {
    const signin = await fetch(`${rt.url}/api/local/signin`, { method: 'POST', body: JSON.stringify({ openid: 'demo-newuser' }) });
    const { token } = (await signin.json()) as { token: string };
    const call = async (name: string, body: object) =>
      (await (await fetch(`${rt.url}/api/fn/${name}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(body) })).json()) as Result<unknown>;
    expect(code(await call('auth', { action: 'bind', input: { invitationCode: 'WRONG123' } }))).toBe('INVITATION_INVALID');
    const me = data<{ role: string; customer: { name: string } }>(await call('auth', { action: 'bind', input: { invitationCode: 'xinda2026' } }));
    expect(me).toMatchObject({ role: 'customer', customer: { name: '鑫达商贸' } });
    expect(code(await call('auth', { action: 'bind', input: { invitationCode: 'XINDA2026' } }))).toBe('ALREADY_BOUND');
    // a forged identity in the body is ignored: still the session's user
    const who = data<{ openid: string }>(await call('auth', { action: 'whoami', input: { openid: 'demo-admin' }, openid: 'demo-admin' }));
    expect(who.openid).toBe('demo-newuser');
  });
});
