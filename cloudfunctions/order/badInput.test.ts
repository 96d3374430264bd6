/**
 * Generated bad input (fast-check): every malformed or unauthorized call gets a typed error —
 * a known code and a Chinese message — and writes nothing.
 */
import fc from 'fast-check';
import { isErrorCode, type Result } from '@dinghuo/shared';
import { startTestRuntime, storeFingerprint, testStoreKind, type TestRuntime } from '../../scripts/local/testing/testRuntime';

/**
 * Generated cases per property: on the Cloudbase path every call is several SDK requests over
 * HTTP, so it runs a quarter of them (63 + 100 + 15 = 178 cases, against 710 on the embedded
 * database); its fingerprint reads the emulator's documents directly, no requests.
 */
const runs = (n: number) => (testStoreKind() === 'cloudbase' ? Math.ceil(n / 4) : n);

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ dataDir: ':memory:', timers: false, quiet: true });
});
afterAll(() => rt.close());

const fingerprint = () => storeFingerprint(rt);

function expectTypedError(r: Result<unknown>): void {
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(isErrorCode(r.error.code)).toBe(true);
  expect(r.error.code).not.toBe('INTERNAL');
  expect(r.error.message).toMatch(/[\u4e00-\u9fff]/);
  expect(r.error.message).not.toMatch(/Error|undefined|null|at \w+ \(/);
}

const IDENTITIES = [null, 'demo-customer-hualian', 'demo-customer-xiaoma', 'demo-merch-wang', 'demo-newuser', 'stranger-openid'];
const identity = fc.constantFrom(...IDENTITIES);
const junk = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.anything(), { maxLength: 3 }), fc.object({ maxDepth: 2 }));

describe('bad submits write nothing', () => {
  const badLine = fc.oneof(
    fc.record({ skuId: fc.oneof(fc.string({ maxLength: 80 }), fc.constant('sku_0001'), junk), unit: fc.oneof(fc.constantFrom('piece', 'case', 'box', ''), junk), count: fc.oneof(fc.integer({ min: -5, max: 0 }), fc.double({ noNaN: false }), fc.integer({ min: 2_000_000, max: 2 ** 40 }), junk) }),
    fc.record({ skuId: fc.constantFrom('sku_0001', 'sku_0018', 'sku_0055', 'nope'), unit: fc.constantFrom('piece', 'case'), count: fc.integer({ min: 1, max: 5 }) }),
    junk,
  );
  const badSubmit = fc.record(
    {
      requestId: fc.oneof(fc.string({ maxLength: 7 }), fc.string({ minLength: 65, maxLength: 80 }), fc.constant('has space!x'), fc.constant('valid-request-1'), junk),
      lines: fc.oneof(fc.constant([]), fc.array(badLine, { minLength: 1, maxLength: 4 }), fc.array(fc.constant({ skuId: 'sku_0001', unit: 'piece', count: 1 }), { minLength: 201, maxLength: 205 }), junk),
      addressId: fc.oneof(fc.constantFrom('addr_1', 'addr_9', ''), junk),
      requestedDate: fc.oneof(fc.constantFrom('2026-02-30', '2026/11/30', 'tomorrow'), junk),
      remark: fc.oneof(fc.string({ minLength: 201, maxLength: 220 }), junk),
      unitPriceFen: junk,
    },
    { requiredKeys: [] },
  );

  it('every generated bad submit gets a typed error and leaves the database unchanged', async () => {
    let errors = 0;
    await fc.assert(
      fc.asyncProperty(badSubmit, identity, async (input, who) => {
        const before = await fingerprint();
        const r = await rt.invoke('order', { action: 'submit', input }, who);
        if (r.ok) {
          // a generated input may happen to be a valid order; then it must be a real order
          expect(r.data).toHaveProperty('orderNo');
          return;
        }
        errors += 1;
        expectTypedError(r);
        expect(await fingerprint()).toBe(before);
      }),
      { numRuns: runs(250) },
    );
    expect(errors).toBeGreaterThan(runs(250) * 0.8);
  });
});

describe('any event to any function', () => {
  const fnName = fc.constantFrom('auth', 'catalog', 'order', 'reservationTimer');
  const action = fc.oneof(
    fc.constantFrom('whoami', 'bind', 'categories', 'list', 'quote', 'submit', 'detail', 'cancel', 'confirmReceipt', 'reorder', 'afterSalesCreate', 'afterSalesList', 'run', 'constructor', '__proto__', 'toString'),
    fc.string({ maxLength: 50 }),
    junk,
  );
  const event = fc.oneof(fc.record({ action, input: fc.oneof(junk, fc.object({ maxDepth: 3 })) }, { requiredKeys: [] }), junk);

  it('answers a typed error or valid data; an error writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fnName, event, identity, async (name, ev, who) => {
        const before = await fingerprint();
        const r = await rt.invoke(name, ev, who);
        if (!r.ok) {
          expectTypedError(r);
          expect(await fingerprint()).toBe(before);
        }
      }),
      { numRuns: runs(400) },
    );
  });

  it('staff-only and other customers’ actions are refused whatever the payload claims', async () => {
    const order = (await rt.store.find('orders', { customerId: 'cus_hualian', status: 'submitted' }, { limit: 1 }))[0]!;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('demo-customer-xiaoma', 'demo-newuser', 'stranger-openid'), fc.object({ maxDepth: 1 }), async (who, extra) => {
        const before = await fingerprint();
        const r = await rt.invoke('order', { action: 'cancel', input: { ...extra, orderId: order._id, customerId: 'cus_hualian', openid: 'demo-customer-hualian' } }, who);
        expectTypedError(r);
        expect(['NOT_FOUND', 'NOT_BOUND', 'VALIDATION_FAILED']).toContain(!r.ok && r.error.code);
        expect(await fingerprint()).toBe(before);
      }),
      { numRuns: runs(60) },
    );
  });
});
