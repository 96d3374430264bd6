import { setupWeapp, waitFor, ok } from './harness';

const me = { openid: 'o1', role: 'customer', name: '华联', customer: { _id: 'c1', name: '华联超市', code: 'HL', levelName: '一级经销商', addresses: [], creditLimitFen: null, outstandingFen: 0 } };
const item = (i: number, extra: Record<string, unknown> = {}) => ({
  skuId: `sku${i}`, code: `C${i}`, name: `商品${i}`, spec: '500g', categoryId: 'cat1', baseUnit: '件', caseUnit: '箱', caseSize: 12, caseOnly: false,
  unitOptions: ['piece', 'case'], unitPriceFen: 1000 + i, casePriceFen: 12000, breaks: [], moq: 1, available: 50, inStock: true, priceSource: 'level', ...extra,
});

const h = setupWeapp({
  auth: (action) => (action === 'whoami' ? ok(me) : null),
  catalog: (action, input) => {
    if (action === 'categories') return ok([{ _id: 'cat1', name: '饮料', sort: 1 }]);
    if (action === 'list') {
      const page = input.page as number;
      const items = page === 1
        ? [item(1, { breaks: [{ minQty: 24, priceFen: 900 }], imageUrl: 'cloud://env-1/sku-images/abc.png' }), item(2, { inStock: false, available: 0 }), ...Array.from({ length: 18 }, (_, i) => item(i + 3))]
        : Array.from({ length: 5 }, (_, i) => item(i + 21));
      return ok({ items, page, pageSize: 20, total: 25, hasMore: page === 1 });
    }
    return null;
  },
});

test('catalog renders this customer\'s prices, breaks, stock, and adds to the cart', async () => {
  const page = await h.load('pages/catalog/index');
  const text = () => page.dom.textContent as string;
  await waitFor(() => text().includes('商品1'));
  expect(text()).toContain('华联超市');
  expect(text()).toContain('¥10.01/件');
  expect(text()).toContain('¥120.00/箱');
  expect(text()).toContain('满24件 ¥9.00/件');
  expect(text()).toContain('缺货');
  expect(text()).toContain('饮料');
  // The SKU's image (a cloud storage fileID, which <Image> shows as it is); none for SKUs without one.
  expect((page.dom.innerHTML as string).match(/<wx-image class="[^"]*sku__image/g)).toHaveLength(1);
  const listCall = h.calls.find((c) => c.name === 'catalog' && c.action === 'list');
  expect(listCall?.input).toMatchObject({ page: 1, pageSize: 20 });

  const add = page.querySelector('.sku__add');
  add.dispatchEvent('tap');
  await waitFor(() => (h.storage.get('dinghuo.cart.v1') as unknown[] | undefined)?.length === 1);
  expect(h.storage.get('dinghuo.cart.v1')).toEqual([{ skuId: 'sku1', unit: 'piece', count: 1 }]);

  // the next page comes on reaching the bottom
  page.instance.onReachBottom();
  await waitFor(() => text().includes('商品25'));
  expect(h.calls.filter((c) => c.action === 'list').map((c) => c.input.page)).toEqual([1, 2]);
  await waitFor(() => text().includes('已全部加载'));
});
