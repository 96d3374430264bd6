/**
 * More than one invitation code per customer: an admin adds several, WeChat users bind with
 * each (auth.bind), one is revoked (nobody can bind with it any more, who bound with it stays
 * bound), and the customer detail says who bound with which code — on the embedded database and
 * (functions-cloudbase) through the Cloudbase SDK against the emulator.
 */
import type { BackofficeCustomerDetail, Result } from '@dinghuo/shared';
import { startTestRuntime, storeFingerprint, type TestRuntime } from '../../scripts/local/testing/testRuntime';

const ADMIN = 'demo-admin';
const WANG = 'demo-merch-wang';
const CUSTOMER = 'cus_xinda';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ dataDir: ':memory:', timers: false, quiet: true });
});
afterAll(async () => {
  await rt.close();
});

async function ok<T>(fn: string, openid: string, action: string, input: unknown): Promise<T> {
  const r = (await rt.invoke(fn, { action, input }, openid)) as Result<T>;
  if (!r.ok) throw new Error(`${fn}.${action}: ${r.error.code} ${r.error.message}`);
  return r.data;
}
const bo = <T = BackofficeCustomerDetail>(action: string, input: unknown, openid = ADMIN) => ok<T>('backoffice', openid, action, input);
const bind = (openid: string, invitationCode: string) => rt.invoke('auth', { action: 'bind', input: { invitationCode } }, openid);

test('several codes: each binds, one revoked stops binding, the detail says who bound with which', async () => {
  const before = await bo('customer', { customerId: CUSTOMER });
  const own = before.invitationCode;
  expect(before.invitations).toEqual([expect.objectContaining({ code: own, primary: true, revoked: false })]);

  await bo('addInvitation', { customerId: CUSTOMER, code: 'XDSTORE1' });
  const added = await bo('addInvitation', { customerId: CUSTOMER });
  const random = added.invitations.find((i) => !i.primary && i.code !== 'XDSTORE1')!.code;
  expect(random).toMatch(/^[A-Z0-9]{4,32}$/);
  expect(added.invitations.map((i) => i.code).sort()).toEqual([own, 'XDSTORE1', random].sort());

  // a user binds with each of the three codes (case as typed)
  expect(await bind('wx-inv-1', own)).toMatchObject({ ok: true, data: { role: 'customer' } });
  expect(await bind('wx-inv-2', 'xdstore1')).toMatchObject({ ok: true });
  expect(await bind('wx-inv-3', random)).toMatchObject({ ok: true });
  for (const openid of ['wx-inv-1', 'wx-inv-2', 'wx-inv-3']) expect((await rt.store.get('users', openid))!.customerId).toBe(CUSTOMER);

  // revoke one extra code: it stops binding, the others still bind, its user stays bound
  const revoked = await bo('revokeInvitation', { customerId: CUSTOMER, code: 'XDSTORE1' });
  expect(revoked.invitations.find((i) => i.code === 'XDSTORE1')).toMatchObject({ revoked: true, boundUsers: 1 });
  expect(revoked.invitations.find((i) => i.code === random)).toMatchObject({ revoked: false, boundUsers: 1 });
  expect(revoked.invitations.find((i) => i.primary)).toMatchObject({ code: own, revoked: false, boundUsers: 1 });
  expect(await bind('wx-inv-4', 'XDSTORE1')).toMatchObject({ ok: false, error: { code: 'INVITATION_INVALID' } });
  expect(await bind('wx-inv-5', random)).toMatchObject({ ok: true });
  expect((await rt.store.get('users', 'wx-inv-2'))!.customerId).toBe(CUSTOMER);

  // who bound with which code
  const detail = await bo('customer', { customerId: CUSTOMER });
  const byUser = Object.fromEntries(detail.users.filter((u) => u.openid.startsWith('wx-inv-')).map((u) => [u.openid, u.invitationCode]));
  expect(byUser).toEqual({ 'wx-inv-1': own, 'wx-inv-2': 'XDSTORE1', 'wx-inv-3': random, 'wx-inv-5': random });
  expect(detail.invitations.find((i) => i.code === random)!.boundUsers).toBe(2);
});

test("a code another customer holds (its own or an extra one) is refused; a merchandiser may not add codes; a foreign code is not revoked", async () => {
  await bo('addInvitation', { customerId: CUSTOMER, code: 'XDSTORE9' });
  const fp = await storeFingerprint(rt);
  // cus_hualian's own code, and cus_xinda's extra code, for another customer
  expect(await rt.invoke('backoffice', { action: 'addInvitation', input: { customerId: CUSTOMER, code: 'HUALIAN01' } }, ADMIN)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  expect(await rt.invoke('backoffice', { action: 'addInvitation', input: { customerId: 'cus_hualian', code: 'XDSTORE9' } }, ADMIN)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  expect(await rt.invoke('backoffice', { action: 'createInvitation', input: { customerId: 'cus_hualian', code: 'XDSTORE9' } }, ADMIN)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  expect(await rt.invoke('backoffice', { action: 'addInvitation', input: { customerId: CUSTOMER } }, WANG)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  // cus_hualian cannot revoke cus_xinda's code
  expect(await rt.invoke('backoffice', { action: 'revokeInvitation', input: { customerId: 'cus_hualian', code: 'XDSTORE9' } }, ADMIN)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  expect(await storeFingerprint(rt)).toBe(fp);
  expect(await bind('wx-inv-9', 'XDSTORE9')).toMatchObject({ ok: true });
});

test('two admins adding the same code at once: exactly one gets it', async () => {
  const [a, b] = await Promise.all([
    rt.invoke('backoffice', { action: 'addInvitation', input: { customerId: CUSTOMER, code: 'RACE01' } }, ADMIN),
    rt.invoke('backoffice', { action: 'addInvitation', input: { customerId: 'cus_hualian', code: 'RACE01' } }, ADMIN),
  ]);
  expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
  const loser = a.ok ? b : a;
  expect(loser).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
});
