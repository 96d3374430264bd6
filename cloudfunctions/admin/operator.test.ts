/**
 * Operator calls to the admin function (no WeChat user; a signature made with the admin key
 * DINGHUO_ADMIN_KEY beside the input), on the local runtime's embedded database: a valid
 * signature imports; every kind of bad, foreign, expired, replayed or tampered signature gets its
 * typed error and leaves every collection exactly as it was. The WeChat admin path is unchanged.
 */
import { isErrorCode, type ImportReport, type Result, type SheetRow } from '@dinghuo/shared';
import { startTestRuntime, storeFingerprint, type TestRuntime } from '../../scripts/local/testing/testRuntime';
import { OPERATOR_KEY_ENV, OPERATOR_WINDOW_MS, signOperatorCall, type OperatorEnvelope } from '../_lib/operatorAuth';

const KEY = 'k'.repeat(8) + 'operator-test-key-0123456789abcdef';
const OTHER_KEY = 'x'.repeat(8) + 'operator-test-key-0123456789abcdef';

let rt: TestRuntime;
let clock = Date.parse('2027-03-01T02:00:00Z');
const savedKey = process.env[OPERATOR_KEY_ENV];

beforeAll(async () => {
  process.env[OPERATOR_KEY_ENV] = KEY;
  rt = await startTestRuntime({ dataDir: ':memory:', timers: false, quiet: true, now: () => clock });
});
afterAll(() => {
  rt.close();
  if (savedKey === undefined) delete process.env[OPERATOR_KEY_ENV];
  else process.env[OPERATOR_KEY_ENV] = savedKey;
});

const fingerprint = () => storeFingerprint(rt);

const rows = (list: Record<string, string>[]): SheetRow[] => list.map((values, i) => ({ row: i + 2, values }));
const stockInput = (onHand: number, dryRun = false) => ({ kind: 'stock', rows: rows([{ skuCode: 'SP001-1', onHand: String(onHand) }]), dryRun, file: 'stock.csv' });

/** An operator call as the CLI sends it (no openid in the context). */
const send = (event: Record<string, unknown>, fn = 'admin') => rt.invoke(fn, event, null);
const signed = (input: unknown, opts: { key?: string; fn?: string; action?: string; at?: number } = {}) => ({
  action: opts.action ?? 'importRows',
  input,
  operator: signOperatorCall(opts.key ?? KEY, opts.fn ?? 'admin', opts.action ?? 'importRows', input, opts.at ?? clock),
});

async function expectRefused(event: Record<string, unknown>, code: string, fn = 'admin'): Promise<void> {
  const before = await fingerprint();
  const onHand = (await rt.store.get('stock', 'sku_0001'))!.onHand;
  const r: Result<unknown> = await send(event, fn);
  expect(r).toMatchObject({ ok: false, error: { code } });
  if (!r.ok) {
    expect(isErrorCode(r.error.code)).toBe(true);
    expect(r.error.message).toMatch(/[\u4e00-\u9fff]/);
  }
  expect(await fingerprint()).toBe(before);
  expect((await rt.store.get('stock', 'sku_0001'))!.onHand).toBe(onHand);
}

describe('operator calls (admin key signature, no WeChat user)', () => {
  it('a valid signature imports, and the call is recorded under its nonce', async () => {
    const target = (await rt.store.get('stock', 'sku_0001'))!.onHand + 11;
    const dry = await send(signed(stockInput(target, true)));
    expect(dry).toMatchObject({ ok: true, data: { dryRun: true, updated: 1 } });
    expect((await rt.store.get('stock', 'sku_0001'))!.onHand).toBe(target - 11);

    const event = signed(stockInput(target));
    const r = await send(event);
    expect(r).toMatchObject({ ok: true, data: { written: true, updated: 1 } });
    expect((await rt.store.get('stock', 'sku_0001'))!.onHand).toBe(target);
    const nonce = (event.operator as OperatorEnvelope).nonce;
    expect(await rt.store.get('operatorCalls', nonce)).toMatchObject({ fn: 'admin', action: 'importRows', signedAt: clock, at: clock });
  });

  it('a signature at the edge of the ±5 minute window is accepted', async () => {
    const onHand = (await rt.store.get('stock', 'sku_0001'))!.onHand;
    expect(await send(signed(stockInput(onHand + 1), { at: clock - OPERATOR_WINDOW_MS + 1000 }))).toMatchObject({ ok: true });
    expect(await send(signed(stockInput(onHand + 2), { at: clock + OPERATOR_WINDOW_MS - 1000 }))).toMatchObject({ ok: true });
    expect((await rt.store.get('stock', 'sku_0001'))!.onHand).toBe(onHand + 2);
  });

  it('refuses a replayed signature (same nonce), writing nothing', async () => {
    const onHand = (await rt.store.get('stock', 'sku_0001'))!.onHand;
    const event = signed(stockInput(onHand + 5));
    expect(await send(event)).toMatchObject({ ok: true });
    expect((await rt.store.get('stock', 'sku_0001'))!.onHand).toBe(onHand + 5);
    // Someone who captured the event sends it again, after the stock has moved on.
    await rt.store.patch('stock', 'sku_0001', { onHand: onHand + 9 });
    await expectRefused(event, 'OPERATOR_REPLAYED');
    // Even a later, differently signed input under the same nonce.
    const nonce = (event.operator as OperatorEnvelope).nonce;
    const input = stockInput(onHand + 1);
    await expectRefused({ action: 'importRows', input, operator: signOperatorCall(KEY, 'admin', 'importRows', input, clock, nonce) }, 'OPERATOR_REPLAYED');
  });

  it('refuses a signature made with another key', async () => {
    await expectRefused(signed(stockInput(1), { key: OTHER_KEY }), 'OPERATOR_SIGNATURE_INVALID');
  });

  it('refuses a damaged signature', async () => {
    const event = signed(stockInput(2));
    const op = event.operator;
    const flipped = (op.sig[0] === '0' ? '1' : '0') + op.sig.slice(1);
    await expectRefused({ ...event, operator: { ...op, sig: flipped } }, 'OPERATOR_SIGNATURE_INVALID');
    await expectRefused({ ...event, operator: { ...op, sig: op.sig.slice(0, 62) } }, 'OPERATOR_SIGNATURE_INVALID');
    await expectRefused({ ...event, operator: { ...op, ts: op.ts + 1 } }, 'OPERATOR_SIGNATURE_INVALID');
    await expectRefused({ ...event, operator: { ...op, nonce: `${op.nonce}x` } }, 'OPERATOR_SIGNATURE_INVALID');
  });

  it('refuses a malformed envelope', async () => {
    const input = stockInput(3);
    const good = signOperatorCall(KEY, 'admin', 'importRows', input, clock);
    for (const operator of [null, 'signed', 42, [], {}, { ...good, v: 2 }, { ...good, nonce: 'short' }, { ...good, nonce: 'bad nonce with spaces!!' }, { ...good, ts: String(good.ts) }, { ...good, sig: good.sig.toUpperCase() }]) {
      await expectRefused({ action: 'importRows', input, operator }, 'OPERATOR_SIGNATURE_INVALID');
    }
  });

  it('refuses an expired or a future signature', async () => {
    await expectRefused(signed(stockInput(4), { at: clock - OPERATOR_WINDOW_MS - 1000 }), 'OPERATOR_SIGNATURE_EXPIRED');
    await expectRefused(signed(stockInput(4), { at: clock + OPERATOR_WINDOW_MS + 1000 }), 'OPERATOR_SIGNATURE_EXPIRED');
    // A signature that was valid when made is refused once the function's clock has moved on.
    const event = signed(stockInput(4));
    clock += OPERATOR_WINDOW_MS + 1;
    try {
      await expectRefused(event, 'OPERATOR_SIGNATURE_EXPIRED');
    } finally {
      clock -= OPERATOR_WINDOW_MS + 1;
    }
  });

  it('refuses a tampered input: other rows, another file kind, a dry run turned real, an added field', async () => {
    const event = signed(stockInput(6, true));
    await expectRefused({ ...event, input: stockInput(600, true) }, 'OPERATOR_SIGNATURE_INVALID');
    await expectRefused({ ...event, input: { ...stockInput(6, true), kind: 'products' } }, 'OPERATOR_SIGNATURE_INVALID');
    await expectRefused({ ...event, input: stockInput(6, false) }, 'OPERATOR_SIGNATURE_INVALID');
    await expectRefused({ ...event, input: { ...stockInput(6, true), skipBad: true } }, 'OPERATOR_SIGNATURE_INVALID');
    // Key order does not matter (the input hash is over canonical JSON).
    const { rows: r, kind, dryRun, file } = stockInput(6, true);
    expect(await send({ ...event, input: { file, dryRun, rows: r, kind } })).toMatchObject({ ok: true, data: { dryRun: true } });
  });

  it('refuses a signature moved to another action or function', async () => {
    const input = { month: '2027-02', format: 'data' };
    // Signed for monthlyReport: a valid signature, but not an action operator calls may make.
    await expectRefused(signed(input, { action: 'monthlyReport' }), 'OPERATOR_NOT_ALLOWED');
    // An importRows signature sent as another action.
    await expectRefused({ ...signed(stockInput(7)), action: 'monthlyReport' }, 'OPERATOR_NOT_ALLOWED');
    // Signed for another function name.
    await expectRefused(signed(stockInput(7), { fn: 'report' }), 'OPERATOR_SIGNATURE_INVALID');
    // Another function does not take operator calls at all.
    const submit = { requestId: 'operator-test-1', lines: [{ skuId: 'sku_0001', unit: 'case', count: 1 }], addressId: 'addr_1' };
    await expectRefused(signed(submit, { fn: 'order', action: 'submit' }), 'OPERATOR_NOT_ALLOWED', 'order');
  });

  it('refuses every operator call when the function has no key (or one too short to be a secret)', async () => {
    const event = signed(stockInput(8));
    try {
      delete process.env[OPERATOR_KEY_ENV];
      await expectRefused(event, 'OPERATOR_NOT_CONFIGURED');
      process.env[OPERATOR_KEY_ENV] = 'short';
      await expectRefused(signed(stockInput(8), { key: 'short' }), 'OPERATOR_NOT_CONFIGURED');
    } finally {
      process.env[OPERATOR_KEY_ENV] = KEY;
    }
  });

  it('a correctly signed but invalid input is a validation error and uses up nothing', async () => {
    const input = { kind: 'nonsense', rows: [] };
    const event = signed(input);
    await expectRefused(event, 'VALIDATION_FAILED');
    expect(await rt.store.get('operatorCalls', (event.operator as OperatorEnvelope).nonce)).toBeNull();
  });

  it('a call with neither a WeChat user nor a signature is still unauthenticated', async () => {
    await expectRefused({ action: 'importRows', input: stockInput(9) }, 'UNAUTHENTICATED');
  });
});

describe('the WeChat paths are unchanged', () => {
  it('an admin WeChat user imports without any signature', async () => {
    const onHand = (await rt.store.get('stock', 'sku_0001'))!.onHand;
    const r = await rt.invoke('admin', { action: 'importRows', input: stockInput(onHand + 3) }, 'demo-admin');
    expect(r).toMatchObject({ ok: true, data: { written: true } });
    expect((r as { data: ImportReport }).data.updated).toBe(1);
  });

  it('a valid envelope does not lift a WeChat user: the identity is the openid in the context', async () => {
    const before = await fingerprint();
    expect(await rt.invoke('admin', signed(stockInput(10)), 'demo-merch-wang')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await rt.invoke('admin', signed(stockInput(10)), 'someone-unbound')).toMatchObject({ ok: false, error: { code: 'NOT_BOUND' } });
    expect(await fingerprint()).toBe(before);
  });
});
