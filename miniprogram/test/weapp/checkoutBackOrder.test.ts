/**
 * A submit refused for stock (OUT_OF_STOCK, another customer took it between the cart and the
 * submit) offers 缺货登记 for the cart line of the SKU named, in the compiled weapp.
 */
import { setupWeapp, waitFor, ok } from './harness';

const me = {
  openid: 'o1', role: 'customer', name: '华联',
  customer: { _id: 'c1', name: '华联超市', code: 'HL', levelName: '一级经销商', creditLimitFen: null, outstandingFen: 0,
    addresses: [{ id: 'addr_1', contact: '张三', phone: '13900000000', address: '上海市黄浦区1号', isDefault: true }] },
};
const line = (skuId: string, count: number) => ({ skuId, unit: 'piece', count, qty: count, name: skuId === 'a' ? '矿泉水' : '洗衣液', spec: '', baseUnit: '瓶', caseUnit: '箱', caseSize: 24, unitPriceFen: 150, amountFen: 150 * count, available: 100, error: null });

const h = setupWeapp({
  auth: () => ok(me),
  catalog: (action, input) => (action === 'quote' ? ok({ lines: input.lines.map((l: any) => line(l.skuId, l.count)), totalFen: 900, valid: true }) : null),
  order: (action) => (action === 'submit' ? { ok: false as const, error: { code: 'OUT_OF_STOCK', message: '洗衣液 库存不足，可订 1', details: { skuId: 'b', wanted: 3, available: 1 } } } : null),
});

test('a submit refused OUT_OF_STOCK offers 缺货登记 for that SKU’s line, with what is available', async () => {
  const wx = (global as any).wx;
  const opened: string[] = [];
  const navigateTo = wx.navigateTo;
  wx.navigateTo = (opts: { url: string }) => {
    opened.push(opts.url);
    return navigateTo(opts);
  };
  h.storage.set('dinghuo.cart.v1', [{ skuId: 'a', unit: 'piece', count: 3 }, { skuId: 'b', unit: 'piece', count: 3 }]);
  const page = await h.load('packageOrder/checkout/index');
  const text = () => page.dom.textContent as string;
  await waitFor(() => text().includes('提交订单'));
  expect(text()).not.toContain('缺货登记');
  page.querySelector('.checkout__bar .btn-primary').dispatchEvent('tap');
  await waitFor(() => text().includes('洗衣液 库存不足，可订 1'));
  const offers = (page.querySelectorAll('.chip') as any[]).filter((c) => (c.dom.textContent as string).trim() === '缺货登记');
  expect(offers).toHaveLength(1);
  offers[0].dispatchEvent('tap');
  await waitFor(() => opened.length === 1);
  const url = new URL(`https://x${opened[0]}`);
  expect(Object.fromEntries(url.searchParams)).toMatchObject({ skuId: 'b', u: 'piece', count: '3', available: '1', from: 'cart', name: '洗衣液' });
});
