import { setupWeapp, waitFor, ok, fail } from './harness';

const me = { openid: 'o1', role: 'customer', name: '华联', customer: { _id: 'c1', name: '华联超市', code: 'HL', levelName: '一级经销商', addresses: [], creditLimitFen: null, outstandingFen: 0 } };

function quoteLine(l: { skuId: string; unit: 'piece' | 'case'; count: number }) {
  const caseSize = 12;
  const qty = l.unit === 'case' ? l.count * caseSize : l.count;
  const unitPriceFen = l.skuId === 'a' ? 250 : 1999;
  const short = l.skuId === 'b' && qty > 5;
  return {
    ...l, qty, name: l.skuId === 'a' ? '矿泉水' : '洗衣液', spec: '', baseUnit: '瓶', caseUnit: '箱', caseSize, unitPriceFen,
    amountFen: unitPriceFen * qty, available: 5, error: short ? { code: 'OUT_OF_STOCK', message: '库存不足，最多可订5瓶' } : null,
  };
}

let quoteFails = false;
const h = setupWeapp({
  auth: () => ok(me),
  catalog: (action, input) => {
    if (action !== 'quote') return null;
    if (quoteFails) return fail('INTERNAL', '系统繁忙，请稍后重试');
    const lines = (input.lines as any[]).map(quoteLine);
    return ok({ lines, totalFen: lines.reduce((s, l) => s + l.amountFen, 0), valid: lines.every((l) => !l.error) });
  },
});

test('cart prices lines with the server quote, shows per-line errors, and persists changes', async () => {
  h.storage.set('dinghuo.cart.v1', [
    { skuId: 'a', unit: 'case', count: 2 },
    { skuId: 'b', unit: 'piece', count: 6 },
  ]);
  const page = await h.load('pages/cart/index');
  const text = () => page.dom.textContent as string;
  await waitFor(() => text().includes('矿泉水'));
  expect(text()).toContain('¥60.00'); // 2 cases × 12 × ¥2.50
  expect(text()).toContain('库存不足，最多可订5瓶');
  expect(text()).toContain('¥179.94'); // 60.00 + 6 × 19.99
  expect(text()).toContain('请先处理标红的商品');
  const quoteCall = h.calls.find((c) => c.action === 'quote');
  // no prices are sent, only what and how many
  expect(quoteCall?.input).toEqual({ lines: [{ skuId: 'a', unit: 'case', count: 2 }, { skuId: 'b', unit: 'piece', count: 6 }] });

  // − on the second line: 5 pieces fit, the error goes away, the change is persisted
  const decs = page.querySelectorAll('.stepper__btn');
  decs[2].dispatchEvent('tap');
  await waitFor(() => !text().includes('库存不足') && text().includes('¥159.95'));
  expect(h.storage.get('dinghuo.cart.v1')).toEqual([
    { skuId: 'a', unit: 'case', count: 2 },
    { skuId: 'b', unit: 'piece', count: 5 },
  ]);

  // a failed quote shows the Chinese message, never raw error text
  quoteFails = true;
  decs[0].dispatchEvent('tap');
  await waitFor(() => text().includes('系统繁忙，请稍后重试'));
  expect(text()).toContain('重试');
});
