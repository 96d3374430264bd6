import { setupWeapp, waitFor, ok } from './harness';

// An unbound WeChat user: role null and no customer → a bind prompt, not an error.
const h = setupWeapp({
  auth: (action) => (action === 'whoami' ? ok({ openid: 'new', role: null, name: '' }) : null),
  catalog: () => {
    throw new Error('catalog must not be called before binding');
  },
});

test('an unbound user sees the bind prompt on the catalog and the bind screen on 我的', async () => {
  const catalog = await h.load('pages/catalog/index');
  await waitFor(() => (catalog.dom.textContent as string).includes('去绑定'));
  expect(h.calls.filter((c) => c.name === 'catalog')).toEqual([]);
  const me = await h.load('pages/me/index');
  await waitFor(() => (me.dom.textContent as string).includes('绑定客户账号'));
  expect(me.dom.textContent).toContain('邀请码');
  // weapp has no demo identity picker
  expect(me.dom.textContent).not.toContain('演示身份');
});
