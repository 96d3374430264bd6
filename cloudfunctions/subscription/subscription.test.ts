/**
 * The subscription function through the local runtime and the embedded database: template ids
 * from configuration, consents counted per user and template (accept adds one, the rest none),
 * atomic under concurrency, unknown template ids refused with nothing written, identity from
 * the context only.
 */
import { startTestRuntime, type TestRuntime } from '../../scripts/local/testing/testRuntime';
import { loadConfig } from '../_lib/config';

const TEMPLATE = 'tpl_from_config_01';
const config = loadConfig({ DINGHUO_TEMPLATE_ORDER_STATUS: TEMPLATE } as unknown as NodeJS.ProcessEnv);
const HUALIAN = 'demo-customer-hualian';
const YONGHUI = 'demo-customer-yonghui';

let rt: TestRuntime;

beforeEach(async () => {
  rt = await startTestRuntime({ dataDir: ':memory:', timers: false, quiet: true, config, now: () => Date.UTC(2026, 10, 25, 8) });
});

afterEach(async () => {
  await rt?.close();
});

const consent = (openid: string | null, results: Record<string, unknown>) =>
  rt.invoke('subscription', { action: 'consent', input: { results } }, openid);

async function countOf(openid: string): Promise<number> {
  return (await rt.store.get('consents', `${openid}:${TEMPLATE}`))?.count ?? 0;
}

test('templates come from configuration', async () => {
  expect(await rt.invoke('subscription', { action: 'templates', input: {} }, HUALIAN)).toEqual({ ok: true, data: { orderStatus: TEMPLATE } });
  const other = await startTestRuntime({
    dataDir: ':memory:',
    timers: false,
    quiet: true,
    config: loadConfig({ DINGHUO_TEMPLATE_ORDER_STATUS: 'another_env_tpl' } as unknown as NodeJS.ProcessEnv),
  });
  try {
    expect(await other.invoke('subscription', { action: 'templates', input: {} }, HUALIAN)).toEqual({ ok: true, data: { orderStatus: 'another_env_tpl' } });
  } finally {
    await other.close();
  }
});

test('each accept adds one consent; reject, ban and filter add none', async () => {
  expect(await consent(HUALIAN, { [TEMPLATE]: 'accept' })).toEqual({ ok: true, data: { counts: { [TEMPLATE]: 1 } } });
  expect(await consent(HUALIAN, { [TEMPLATE]: 'accept' })).toEqual({ ok: true, data: { counts: { [TEMPLATE]: 2 } } });
  for (const answer of ['reject', 'ban', 'filter']) {
    expect(await consent(HUALIAN, { [TEMPLATE]: answer })).toEqual({ ok: true, data: { counts: { [TEMPLATE]: 2 } } });
  }
  expect(await countOf(HUALIAN)).toBe(2);
  expect(await rt.store.get('consents', `${HUALIAN}:${TEMPLATE}`)).toMatchObject({ openid: HUALIAN, templateId: TEMPLATE, count: 2 });
  // Per user: another customer's count is separate.
  expect(await countOf(YONGHUI)).toBe(0);
  expect(await rt.invoke('subscription', { action: 'counts', input: {} }, HUALIAN)).toEqual({ ok: true, data: { counts: { [TEMPLATE]: 2 } } });
  expect(await rt.invoke('subscription', { action: 'counts', input: {} }, YONGHUI)).toEqual({ ok: true, data: { counts: { [TEMPLATE]: 0 } } });
});

test('a first reject writes nothing', async () => {
  await consent(HUALIAN, { [TEMPLATE]: 'reject' });
  expect(await rt.store.get('consents', `${HUALIAN}:${TEMPLATE}`)).toBeNull();
});

test('concurrent accepts are all counted', async () => {
  const results = await Promise.all(Array.from({ length: 20 }, () => consent(HUALIAN, { [TEMPLATE]: 'accept' })));
  expect(results.every((r) => r.ok)).toBe(true);
  expect(await countOf(HUALIAN)).toBe(20);
});

test('an unknown template id is refused with a typed error and nothing is written', async () => {
  const r = await consent(HUALIAN, { [TEMPLATE]: 'accept', not_our_template: 'accept' });
  expect(r).toMatchObject({ ok: false, error: { code: 'TEMPLATE_UNKNOWN', message: '消息模板不存在或已停用', details: { templateIds: ['not_our_template'] } } });
  expect(await rt.store.count('consents', {})).toBe(0);
});

test('malformed answers are refused', async () => {
  for (const results of [{}, { [TEMPLATE]: 'yes' }, { a: 'accept', b: 'accept', c: 'accept', d: 'accept' }, { 'bad id!': 'accept' }]) {
    const r = await consent(HUALIAN, results);
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  }
  // WeChat's errMsg key must be stripped by the client: it is not a template id.
  expect(await consent(HUALIAN, { [TEMPLATE]: 'accept', errMsg: 'requestSubscribeMessage:ok' })).toMatchObject({ ok: false });
  expect(await rt.store.count('consents', {})).toBe(0);
});

test('identity comes from the context, never the payload', async () => {
  expect(await consent(null, { [TEMPLATE]: 'accept' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  expect(await consent('demo-newuser', { [TEMPLATE]: 'accept' })).toMatchObject({ ok: false, error: { code: 'NOT_BOUND' } });
  const r = await rt.invoke('subscription', { action: 'consent', input: { results: { [TEMPLATE]: 'accept' }, openid: YONGHUI } }, HUALIAN);
  expect(r.ok).toBe(true);
  expect(await countOf(HUALIAN)).toBe(1);
  expect(await countOf(YONGHUI)).toBe(0);
});
