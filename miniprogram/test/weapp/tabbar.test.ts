import { setupWeapp, waitFor, ok } from './harness';

// The weapp custom tab bar shows the 跟单 tab to staff only.
const role: 'merchandiser' | 'customer' = 'merchandiser';
const h = setupWeapp({
  auth: () =>
    ok(
      role === 'merchandiser'
        ? { openid: 'w', role: 'merchandiser', name: '王敏', staff: { _id: 'stf_wang', name: '王敏' } }
        : { openid: 'c', role: 'customer', name: '华联', customer: { _id: 'c1', name: '华联超市', code: 'HL', levelName: '一级', addresses: [], creditLimitFen: null, outstandingFen: 0 } },
    ),
});

test('staff: a tab bar with 跟单 and 我的 only', async () => {
  const page = await h.load('pages/me/index');
  await waitFor(() => (page.dom.textContent as string).includes('进入跟单工作台'));
  const bar = await h.load('custom-tab-bar/index');
  await waitFor(() => (bar.dom.textContent as string).includes('跟单'));
  expect(bar.dom.textContent).toBe('跟单我的');
  // the selected tab is the page the bar belongs to
  expect(bar.querySelector('.tab-bar__item--active').dom.textContent).toBe('我的');
});
