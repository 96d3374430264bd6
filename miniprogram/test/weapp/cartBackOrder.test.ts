/**
 * 缺货登记 from the cart in the compiled weapp (miniprogram-simulate): a line that wants more than
 * is available offers a back-order, which opens the 缺货登记 page for that SKU, unit and count; a
 * line that fits, or has another problem, offers none.
 */
import { setupWeapp, waitFor, ok } from './harness';

const me = { openid: 'o1', role: 'customer', name: '华联', customer: { _id: 'c1', name: '华联超市', code: 'HL', levelName: '一级经销商', addresses: [], creditLimitFen: null, outstandingFen: 0 } };

function quoteLine(l: { skuId: string; unit: 'piece' | 'case'; count: number }) {
  const qty = l.unit === 'case' ? l.count * 12 : l.count;
  const error =
    l.skuId === 'short' && qty > 5 ? { code: 'OUT_OF_STOCK', message: '库存不足，仅剩 5瓶' } : l.skuId === 'moq' ? { code: 'BELOW_MOQ', message: '未达到起订量' } : null;
  return { ...l, qty, name: `商品${l.skuId}`, spec: '', baseUnit: '瓶', caseUnit: '箱', caseSize: 12, unitPriceFen: 100, amountFen: 100 * qty, available: 5, error };
}

const h = setupWeapp({
  auth: () => ok(me),
  catalog: (action, input) => {
    if (action !== 'quote') return null;
    const lines = (input.lines as any[]).map(quoteLine);
    return ok({ lines, totalFen: lines.reduce((s, l) => s + l.amountFen, 0), valid: lines.every((l) => !l.error) });
  },
});

test('a short cart line offers 缺货登记 with its SKU, unit and count; other lines do not', async () => {
  h.storage.set('dinghuo.cart.v1', [
    { skuId: 'fits', unit: 'piece', count: 2 },
    { skuId: 'short', unit: 'case', count: 1 },
    { skuId: 'moq', unit: 'piece', count: 1 },
  ]);
  const wx = (global as any).wx;
  const opened: string[] = [];
  const navigateTo = wx.navigateTo;
  wx.navigateTo = (opts: { url: string }) => {
    opened.push(opts.url);
    return navigateTo(opts);
  };
  const page = await h.load('pages/cart/index');
  const text = () => page.dom.textContent as string;
  await waitFor(() => text().includes('库存不足，仅剩 5瓶'));
  const offers = () => (page.querySelectorAll('.chip') as any[]).filter((c) => (c.dom.textContent as string).trim() === '缺货登记');
  expect(offers()).toHaveLength(1);
  offers()[0].dispatchEvent('tap');
  await waitFor(() => opened.length === 1);
  const url = new URL(`https://x${opened[0]}`);
  expect(url.pathname).toBe('/packageSupply/sku/index');
  expect(Object.fromEntries(url.searchParams)).toMatchObject({ skuId: 'short', u: 'case', count: '1', available: '5', from: 'cart', name: '商品short', unit: '箱' });
});
