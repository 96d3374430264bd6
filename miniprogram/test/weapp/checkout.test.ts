import { setupWeapp, waitFor, ok } from './harness';

const me = {
  openid: 'o1', role: 'customer', name: '华联',
  customer: { _id: 'c1', name: '华联超市', code: 'HL', levelName: '一级经销商', creditLimitFen: null, outstandingFen: 0,
    addresses: [{ id: 'addr_1', contact: '张三', phone: '13900000000', address: '上海市黄浦区1号', isDefault: true }] },
};
const line = { skuId: 'a', unit: 'piece', count: 3, qty: 3, name: '矿泉水', spec: '550ml', baseUnit: '瓶', caseUnit: '箱', caseSize: 24, unitPriceFen: 150, amountFen: 450, available: 100, error: null };
const order = {
  _id: 'ord1', orderNo: 'DH001', status: 'submitted', totalFen: 450, lines: [{ ...line, skuCode: 'A', priceSource: 'level' }], timeline: [{ at: 1764000000000, event: 'status', status: 'submitted', by: { role: 'customer', name: '华联超市' }, note: '客户提交订单' }],
  address: { contact: '张三', phone: '13900000000', address: '上海市黄浦区1号' }, requestedDate: null, remark: '', merchandiser: { name: '王敏' }, createdAt: 1764000000000,
  dueDate: null, canCancel: true, canConfirmReceipt: false, canAfterSales: false, afterSales: [],
};

const h = setupWeapp({
  auth: () => ok(me),
  catalog: (action, input) => (action === 'quote' ? ok({ lines: input.lines.map(() => line), totalFen: 450, valid: true }) : null),
  order: (action, input) => {
    if (action === 'submit') return ok(order);
    if (action === 'detail') return ok(order);
    if (action === 'reorder') return ok({ lines: [{ skuId: 'a', unit: 'piece', count: 3 }, { skuId: 'b', unit: 'case', count: 1 }], dropped: [] });
    return null;
  },
  subscription: (action) => (action === 'templates' ? ok({ orderStatus: 'TMPL_ORDER_STATUS' }) : ok({ recorded: 1 })),
});

test('checkout submits once on a double tap, then asks for message consent on the user\'s tap', async () => {
  const wx = (global as any).wx;
  const asked: string[][] = [];
  wx.requestSubscribeMessage = (opts: any) => {
    asked.push(opts.tmplIds);
    const res = { errMsg: 'requestSubscribeMessage:ok', TMPL_ORDER_STATUS: 'accept' };
    opts.success?.(res);
    opts.complete?.(res);
  };
  h.storage.set('dinghuo.cart.v1', [{ skuId: 'a', unit: 'piece', count: 3 }]);
  const page = await h.load('packageOrder/checkout/index');
  const text = () => page.dom.textContent as string;
  await waitFor(() => text().includes('提交订单'));
  expect(text()).toContain('张三');

  const submit = page.querySelector('.checkout__bar .btn-primary');
  submit.dispatchEvent('tap');
  submit.dispatchEvent('tap');
  await waitFor(() => text().includes('订单已提交'));
  const submits = h.calls.filter((c) => c.action === 'submit');
  expect(submits).toHaveLength(1);
  expect(submits[0]!.input).toMatchObject({ lines: [{ skuId: 'a', unit: 'piece', count: 3 }], addressId: 'addr_1', requestedDate: null });
  expect(submits[0]!.input.requestId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
  expect(h.storage.get('dinghuo.cart.v1')).toEqual([]);

  // The order screen prefetches the templates; the tap needs no pause after it (the consent call
  // awaits the same prefetch).
  await waitFor(() => h.calls.some((c) => c.name === 'subscription' && c.action === 'templates'));
  page.querySelector('.card .btn-primary').dispatchEvent('tap');
  await waitFor(() => text().includes('已订阅'));
  expect(asked).toEqual([['TMPL_ORDER_STATUS']]);
  expect(h.calls.find((c) => c.action === 'consent')?.input).toEqual({ results: { TMPL_ORDER_STATUS: 'accept' } });
});

test('order detail: reorder fills the cart', async () => {
  // (the cart store is the only writer of its storage key; after the checkout above it is empty)
  const page = await h.load('packageOrder/detail/index', { id: 'ord1' });
  const text = () => page.dom.textContent as string;
  await waitFor(() => text().includes('DH001'));
  expect(text()).toContain('待审核');
  expect(text()).toContain('客户提交订单');
  expect(text()).toContain('取消订单');
  expect(h.calls.find((c) => c.action === 'detail')?.input).toEqual({ orderId: 'ord1' });
  const buttons = page.querySelectorAll('.detail__actions .btn-primary');
  buttons[buttons.length - 1].dispatchEvent('tap');
  await waitFor(() => (h.storage.get('dinghuo.cart.v1') as unknown[]).length === 2);
  expect(h.storage.get('dinghuo.cart.v1')).toEqual([
    { skuId: 'a', unit: 'piece', count: 3 },
    { skuId: 'b', unit: 'case', count: 1 },
  ]);
});
