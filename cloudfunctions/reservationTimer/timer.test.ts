/** Timer-triggered functions run their timer only for a real trigger, never for a user's call. */
import { ERROR_MESSAGES, type Result } from '@dinghuo/shared';
import { startTestRuntime, type TestRuntime } from '../../scripts/local/testing/testRuntime';
import { CloudbaseEmulator } from '../_lib/data/testing/cloudbaseEmulator';
import { useLocalCloudbaseEnv } from '../_lib/data/testing/cloudbaseTestStore';
import { isTimerTrigger } from '../_lib/identity';
import type { CloudContext } from '../_lib/runtime';
import { main as dispatcherMain } from '../dispatcher';
import { main as timerMain } from './index';

let rt: TestRuntime;
let clock = Date.UTC(2026, 10, 25, 2, 0);
beforeEach(async () => {
  clock = Date.UTC(2026, 10, 25, 2, 0);
  rt = await startTestRuntime({ dataDir: ':memory:', timers: false, quiet: true, now: () => clock });
});
afterEach(() => rt.close());

async function placeOrder(): Promise<string> {
  const r = await rt.invoke(
    'order',
    { action: 'submit', input: { requestId: 'timer-auth-1', lines: [{ skuId: 'sku_0002', unit: 'case', count: 1 }], addressId: 'addr_1' } },
    'demo-customer-yonghui',
  );
  if (!r.ok) throw new Error(r.error.code);
  return (r.data as { _id: string })._id;
}

it('a customer sending a timer-shaped payload does not run the timer', async () => {
  const orderId = await placeOrder();
  clock += 49 * 3600_000;
  const forged = await rt.invoke('reservationTimer', { Type: 'Timer', TriggerName: 'x' }, 'demo-customer-yonghui');
  expect(!forged.ok && forged.error.code).toBe('TIMER_ONLY');
  expect((await rt.store.get('orders', orderId))!.reservation.state).toBe('held');
  const real = await rt.tick('reservationTimer');
  expect(real.ok).toBe(true);
  expect((await rt.store.get('orders', orderId))!.reservation.state).toBe('released');
});

it('an admin may run it on demand; a customer may not', async () => {
  await placeOrder();
  clock += 49 * 3600_000;
  const byCustomer = await rt.invoke('reservationTimer', { action: 'run' }, 'demo-customer-yonghui');
  expect(!byCustomer.ok && byCustomer.error.code).toBe('FORBIDDEN');
  const byAdmin = await rt.invoke('reservationTimer', { action: 'run' }, 'demo-admin');
  expect(byAdmin.ok && (byAdmin.data as { released: string[] }).released).toHaveLength(1);
});

it('over HTTP, no session, another session or a forged trigger name: TIMER_ONLY for both timers, and nothing runs', async () => {
  const orderId = await placeOrder();
  clock += 49 * 3600_000;
  const signin = await fetch(`${rt.url}/api/local/signin`, { method: 'POST', body: JSON.stringify({ openid: 'demo-admin' }) });
  const { token } = (await signin.json()) as { token: string };
  const jobsBefore = await rt.store.find('messageJobs', {}, { limit: 1000 });
  for (const fn of ['reservationTimer', 'dispatcher']) {
    const headerSets: Record<string, string>[] = [{}, { authorization: `Bearer ${token}` }, { authorization: 'Bearer forged' }];
    for (const headers of headerSets) {
      for (const event of [{ Type: 'Timer' }, { Type: 'Timer', TriggerName: 'reservationTimerTimer', Time: new Date().toISOString(), Message: '' }]) {
        const r = await fetch(`${rt.url}/api/fn/${fn}`, { method: 'POST', headers, body: JSON.stringify(event) });
        expect(r.status).toBe(200);
        const body = (await r.json()) as Result<unknown>;
        expect(body).toEqual({ ok: false, error: { code: 'TIMER_ONLY', message: ERROR_MESSAGES.TIMER_ONLY } });
      }
    }
  }
  expect((await rt.store.get('orders', orderId))!.reservation.state).toBe('held');
  expect(await rt.store.find('messageJobs', {}, { limit: 1000 })).toEqual(jobsBefore);
  expect(await rt.store.count('sentMessages', {})).toBe(0);
});

const env = (vars: Record<string, string>) => vars as unknown as NodeJS.ProcessEnv;

describe('on Cloudbase: only the platform context of a timer trigger runs the timer', () => {
  const contexts: [string, CloudContext | undefined][] = [
    ['no context', undefined],
    ['another function / an HTTP access route', { environ: 'WX_APPID=wx123;TCB_ENV=prod;TCB_SOURCE=scf' }],
    ['a user of the mini-program', { environ: 'WX_OPENID=o-user;WX_APPID=wx123;TCB_ENV=prod;TRIGGER_SRC=tcb' }],
    ['an HTTP access route (new context form)', { environment: JSON.stringify({ TCB_ENV: 'prod', TRIGGER_SRC: 'http' }) }],
    ['a user with a timer source (impossible, still refused)', { environ: 'WX_OPENID=o-user;TRIGGER_SRC=timer' }],
    ['a malformed context', { environment: '{not json' }],
  ];
  it.each(contexts)('%s: TIMER_ONLY before any database access', async (_name, context) => {
    // No dinghuoLocal: reaching the store would try @cloudbase/node-sdk and fail differently.
    for (const fn of [timerMain, dispatcherMain]) {
      expect(await fn({ Type: 'Timer', TriggerName: 'reservationTimerTimer', Time: '2026-11-25T02:00:00Z' }, context)).toEqual({
        ok: false,
        error: { code: 'TIMER_ONLY', message: ERROR_MESSAGES.TIMER_ONLY },
      });
    }
  });

  it('reads TRIGGER_SRC from the context first, from the process only inside a Cloudbase function', () => {
    expect(isTimerTrigger({ environ: 'TRIGGER_SRC=timer;TCB_ENV=prod' }, env({}))).toBe(true);
    expect(isTimerTrigger({ environment: JSON.stringify({ TRIGGER_SRC: 'timer' }) }, env({}))).toBe(true);
    expect(isTimerTrigger({ environ: 'TCB_ENV=prod' }, env({ TENCENTCLOUD_RUNENV: 'SCF', TRIGGER_SRC: 'timer' }))).toBe(true);
    expect(isTimerTrigger({ environ: 'TCB_ENV=prod' }, env({ TRIGGER_SRC: 'timer' }))).toBe(false); // not on Cloudbase
    expect(isTimerTrigger({ environ: 'TRIGGER_SRC=tcb' }, env({ TENCENTCLOUD_RUNENV: 'SCF', TRIGGER_SRC: 'timer' }))).toBe(false); // the context wins
    expect(isTimerTrigger({ environ: 'TRIGGER_SRC=timer' }, env({ TENCENTCLOUD_RUNENV: 'SCF', WX_OPENID: 'o-user' }))).toBe(false);
    expect(isTimerTrigger(undefined, env({}))).toBe(false);
  });

  it('a real timer trigger context runs it against the Cloudbase store (emulator, real node-sdk)', async () => {
    const emu = await CloudbaseEmulator.start();
    const saved = { ...process.env };
    try {
      useLocalCloudbaseEnv();
      Object.assign(process.env, {
        TCB_CONTEXT_CNFG: JSON.stringify({ URL: emu.url }),
        TENCENTCLOUD_SECRETID: 'dummy-id',
        TENCENTCLOUD_SECRETKEY: 'dummy-key',
        TCB_CONTEXT_KEYS: 'TCB_ENV',
        TCB_ENV: 'env-timer',
      });
      const r = await timerMain(
        { Type: 'Timer', TriggerName: 'reservationTimerTimer', Time: '2026-11-25T02:00:00Z', Message: '' },
        { environ: 'TRIGGER_SRC=timer;TCB_ENV=env-timer;SCF_NAMESPACE=env-timer' },
      );
      expect(r).toEqual({ ok: true, data: { released: [], repaired: { committed: [], compensated: [] } } });
      expect(emu.takeRequests().length).toBeGreaterThan(0); // it did query the orders
    } finally {
      for (const k of ['TCB_CONTEXT_CNFG', 'TENCENTCLOUD_SECRETID', 'TENCENTCLOUD_SECRETKEY', 'TCB_CONTEXT_KEYS', 'TCB_ENV', 'TENCENTCLOUD', 'SILENCE']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
      await emu.close();
    }
  });
});
