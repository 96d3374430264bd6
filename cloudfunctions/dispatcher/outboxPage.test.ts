/**
 * The local runtime's default sender is the recorder, and GET /local/outbox shows what it
 * recorded; the page's form simulates a customer's 允许 (H5 has no subscription dialog).
 */
import { startTestRuntime, type TestRuntime } from '../../scripts/local/testing/testRuntime';
import { loadConfig } from '../_lib/config';
import { resolveCaller } from '../_lib/identity';
import { changeStatus } from '../_lib/services/orders';

const config = loadConfig({ DINGHUO_TEMPLATE_ORDER_STATUS: 'tpl_local_outbox' } as unknown as NodeJS.ProcessEnv);
let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ dataDir: ':memory:', timers: false, quiet: true, config });
});

afterAll(async () => {
  await rt?.close();
});

/** Signs in as a demo identity and returns the session cookie the local pages read. */
async function cookieFor(openid: string): Promise<string> {
  const r = await fetch(`${rt.url}/api/local/signin`, { method: 'POST', body: JSON.stringify({ openid }) });
  expect(r.status).toBe(200);
  return r.headers.get('set-cookie')!.split(';')[0]!;
}

test('the local pages need the signed-in admin', async () => {
  const customer = await cookieFor('demo-customer-xiaoma');
  const consent = (cookie?: string) =>
    fetch(`${rt.url}/local/outbox/consent`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
      body: 'openid=demo-customer-xiaoma',
      redirect: 'manual',
    });
  for (const [cookie, status, code] of [[undefined, 401, 'UNAUTHENTICATED'], [customer, 403, 'FORBIDDEN']] as const) {
    const headers = cookie ? { cookie } : undefined;
    for (const r of [await fetch(`${rt.url}/local/outbox`, { headers }), await fetch(`${rt.url}/api/local/outbox`, { headers }), await consent(cookie)]) {
      expect([r.status, r.headers.get('x-dinghuo-error')]).toEqual([status, code]);
      expect(await r.text()).not.toContain('demo-customer-hualian'); // no recipient, no message
    }
  }
  expect(await rt.store.get('consents', 'demo-customer-xiaoma:tpl_local_outbox')).toBeNull();

  // The 401 page signs a person in as the demo admin (a form, then back to the page).
  const signin = await fetch(`${rt.url}/local/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'openid=demo-admin',
    redirect: 'manual',
  });
  expect([signin.status, signin.headers.get('location')]).toEqual([303, '/local/outbox']);
  const admin = signin.headers.get('set-cookie')!.split(';')[0]!;
  expect((await fetch(`${rt.url}/local/outbox`, { headers: { cookie: admin } })).status).toBe(200);
  expect((await fetch(`${rt.url}/api/local/outbox`, { headers: { cookie: admin } })).status).toBe(200);
});

test('a simulated consent, a status change and a timer tick end up on /local/outbox', async () => {
  const admin = await cookieFor('demo-admin');
  // The seeded orders' jobs go first (nobody has consented: no_quota).
  expect((await rt.tick('dispatcher')).ok).toBe(true);

  const form = await fetch(`${rt.url}/local/outbox/consent`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: admin },
    body: 'openid=demo-customer-xiaoma',
    redirect: 'manual',
  });
  expect(form.status).toBe(303);
  expect((await rt.store.get('consents', 'demo-customer-xiaoma:tpl_local_outbox'))?.count).toBe(1);

  // Staff cannot be granted consents through the form.
  await fetch(`${rt.url}/local/outbox/consent`, { method: 'POST', headers: { cookie: admin }, body: 'openid=demo-merch-wang', redirect: 'manual' });
  expect(await rt.store.get('consents', 'demo-merch-wang:tpl_local_outbox')).toBeNull();

  const [order] = await rt.store.find('orders', { customerId: 'cus_xiaoma', status: 'confirmed' }, { limit: 1 });
  const merch = await resolveCaller(rt.store, 'demo-merch-wang');
  const next = await changeStatus(rt.store, merch, order!._id, 'ready_to_ship', Date.now(), { note: '<b>备货完成</b>' });
  const r = await rt.tick('dispatcher');
  expect(r.ok).toBe(true);

  const sent = await rt.store.find('sentMessages', { jobId: next.notification!.jobId }, { limit: 10 });
  expect(sent.map((m) => m.touser)).toEqual(['demo-customer-xiaoma']);

  const html = await (await fetch(`${rt.url}/local/outbox`, { headers: { cookie: admin } })).text();
  expect(html).toContain('demo-customer-xiaoma');
  expect(html).toContain(`character_string1: ${order!.orderNo}`);
  expect(html).toContain('&lt;b&gt;备货完成&lt;/b&gt;'); // escaped, not markup
  expect(html).not.toContain('<b>备货完成</b>');
  expect(html).toContain('已发送');
});
