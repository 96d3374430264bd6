/**
 * 冲抵预收 through the report function on the local runtime (and, in the functions-cloudbase
 * project, on the emulator): money received on account is applied to the customer's orders later,
 * oldest shipped first or as named; the 回款 node follows; the account's balances move together;
 * a retry returns the same application; bad input writes nothing; concurrent applications never
 * apply the balance twice. The statement counts the money once.
 */
import type { AccountApplication, MonthlyReport, Order, Receipt, ReceiptForm, Statement } from '@dinghuo/shared';
import { storeFingerprint } from '../../scripts/local/testing/testRuntime';
import { ADMIN, CUST1, LI, placeDeliveredShippedSubmitted, startFlow, WANG, type Flow } from '../../scripts/report/testFlow';

let flow: Flow;
let A: Order, B: Order, C: Order;

const account = async () => (await flow.rt.store.get('accounts', 'cus_RK1'))!;

beforeAll(async () => {
  flow = await startFlow();
  [A, B, C] = await placeDeliveredShippedSubmitted(flow);
  flow.setClock('2027-03-09T02:00:00Z');
  // The customer pays in advance, more than A and part of B, all on account.
  await flow.call<Receipt>('report', 'recordReceipt', { requestId: 'onacc-rc-0001', customerId: 'cus_RK1', amountFen: A.totalFen + 1000, method: 'bank', date: '2027-02-27', mode: 'account' }, WANG);
  flow.setClock('2027-03-12T02:00:00Z');
});
afterAll(() => flow.rt.close());

describe('冲抵预收 (applying money on account)', () => {
  it('refuses what cannot be applied with a typed error and writes nothing', async () => {
    const before = await storeFingerprint(flow.rt);
    const bad: [unknown, string, string][] = [
      [{ requestId: 'onacc-bad-0001', customerId: 'cus_RK1', mode: 'auto', amountFen: A.totalFen + 1001 }, WANG, 'ON_ACCOUNT_INSUFFICIENT'],
      [{ requestId: 'onacc-bad-0002', customerId: 'cus_RK1', mode: 'orders', allocations: [{ orderId: C._id, amountFen: C.totalFen + 1 }] }, WANG, 'ALLOCATION_EXCEEDS_UNPAID'],
      [{ requestId: 'onacc-bad-0003', customerId: 'cus_RK1', mode: 'orders', allocations: [{ orderId: 'o_nope', amountFen: 1 }] }, WANG, 'RECEIPT_ALLOCATION_INVALID'],
      [{ requestId: 'onacc-bad-0004', customerId: 'cus_RK2', mode: 'auto' }, LI, 'ON_ACCOUNT_EMPTY'],
      [{ requestId: 'onacc-bad-0005', customerId: 'cus_RK1', mode: 'auto' }, LI, 'NOT_FOUND'],
      [{ requestId: 'onacc-bad-0006', customerId: 'cus_RK1', mode: 'auto' }, CUST1, 'FORBIDDEN'],
      [{ requestId: 'short', customerId: 'cus_RK1', mode: 'auto' }, WANG, 'VALIDATION_FAILED'],
    ];
    for (const [input, who, code] of bad) expect(await flow.raw('report', 'applyOnAccount', input, who)).toMatchObject({ ok: false, error: { code } });
    expect(await storeFingerprint(flow.rt)).toBe(before);
  });

  it('applies the balance oldest shipped first: A completes with its 回款 node, B is part-paid; a retry is the same application', async () => {
    const before = await account();
    expect(before.onAccountFen).toBe(A.totalFen + 1000);
    const input = { requestId: 'onacc-apply-0001', customerId: 'cus_RK1', mode: 'auto' };
    const [x, y] = await Promise.all([
      flow.call<AccountApplication>('report', 'applyOnAccount', input, WANG),
      flow.call<AccountApplication>('report', 'applyOnAccount', input, WANG),
    ]);
    expect(y).toEqual(x);
    expect(x.allocations.map((a) => [a.orderId, a.amountFen])).toEqual([[A._id, A.totalFen], [B._id, 1000]]);
    expect(x).toMatchObject({ amountFen: A.totalFen + 1000, date: '2027-03-12', month: '2027-03' });
    const [a, b, after] = await Promise.all([flow.order(A._id), flow.order(B._id), account()]);
    expect(a).toMatchObject({ status: 'completed', paidFen: A.totalFen });
    expect(a.nodes.find((n) => n.key === 'payment')!.actualAt).toBe(Date.parse('2027-03-12T02:00:00Z'));
    expect(b).toMatchObject({ status: 'shipped', paidFen: 1000 });
    expect(b.timeline.at(-1)).toMatchObject({ event: 'payment' });
    expect(after.onAccountFen).toBe(0);
    expect(after.outstandingFen).toBe(before.outstandingFen - A.totalFen - 1000);
    expect(after.holds?.[A._id]).toBeUndefined();
    expect(after.holds?.[B._id]).toBe(B.totalFen - 1000);
    expect(await flow.rt.store.count('accountApplications', { customerId: 'cus_RK1' })).toBe(1);
    // the same request id asking for something else is refused; the balance is now empty
    expect(await flow.raw('report', 'applyOnAccount', { ...input, amountFen: 5 }, WANG)).toMatchObject({ ok: false, error: { code: 'REQUEST_ID_REUSED' } });
    expect(await flow.raw('report', 'applyOnAccount', { ...input, requestId: 'onacc-apply-0002' }, WANG)).toMatchObject({ ok: false, error: { code: 'ON_ACCOUNT_EMPTY' } });
    const form = await flow.call<ReceiptForm>('report', 'receiptForm', { customerId: 'cus_RK1' }, WANG);
    expect(form.customer.onAccountFen).toBe(0);
    expect(form.applications.map((p) => p._id)).toEqual([x._id]);
  });

  it('concurrent applications of one balance to the same orders never apply it twice', async () => {
    await flow.call<Receipt>('report', 'recordReceipt', { requestId: 'onacc-rc-0002', customerId: 'cus_RK1', amountFen: 3000, method: 'cash', date: '2027-03-12', mode: 'account' }, WANG);
    const [b0, c0] = await Promise.all([flow.order(B._id), flow.order(C._id)]);
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        flow.raw('report', 'applyOnAccount', i % 2 ? { requestId: `onacc-race-000${i}`, customerId: 'cus_RK1', mode: 'auto', amountFen: 2000 } : { requestId: `onacc-race-000${i}`, customerId: 'cus_RK1', mode: 'orders', allocations: [{ orderId: C._id, amountFen: 2000 }] }, WANG),
      ),
    );
    const ok = results.filter((r) => r.ok).map((r) => (r as { data: AccountApplication }).data);
    expect(ok).toHaveLength(1); // 3,000 on account: a second 2,000 does not fit
    expect(results.filter((r) => !r.ok).map((r) => (r as { error: { code: string } }).error.code)).toEqual(['ON_ACCOUNT_INSUFFICIENT', 'ON_ACCOUNT_INSUFFICIENT', 'ON_ACCOUNT_INSUFFICIENT']);
    const [b, c, acc] = await Promise.all([flow.order(B._id), flow.order(C._id), account()]);
    expect(b.paidFen - b0.paidFen + c.paidFen - c0.paidFen).toBe(2000);
    expect(acc.onAccountFen).toBe(1000);
  });

  it('the statement counts the money when received, and the orders paid when applied', async () => {
    const feb = await flow.call<Statement>('report', 'statement', { month: '2027-02', customerId: 'cus_RK1' }, WANG);
    expect(feb.totals).toMatchObject({ paidFen: A.totalFen + 1000, closingFen: -(A.totalFen + 1000) });
    const mar = await flow.call<Statement>('report', 'statement', { month: '2027-03', customerId: 'cus_RK1' }, WANG);
    // shipped in March: A and B; received in March: the 3,000 on account
    expect(mar.totals).toMatchObject({ openingFen: -(A.totalFen + 1000), shippedFen: A.totalFen + B.totalFen, paidFen: 3000 });
    expect(mar.totals.closingFen).toBe(B.totalFen - 1000 - 3000);
    expect(mar.lines.find((l) => l.orderId === A._id)).toMatchObject({ paidInMonthFen: A.totalFen, unpaidAtEndFen: 0, paidDate: '2027-03-12' });
  });

  it('the monthly report’s 回款 is what reached the orders in the month: applications when applied, not the advance', async () => {
    const row = async (month: string) => (await flow.call<MonthlyReport>('admin', 'monthlyReport', { month }, ADMIN)).byCustomer.find((c) => c.customerId === 'cus_RK1');
    // February: the advance was received, but paid no order
    expect((await row('2027-02'))?.paidFen ?? 0).toBe(0);
    // March: A in full and 1,000 of B on the 12th, then the 2,000 of the race
    expect((await row('2027-03'))!.paidFen).toBe(A.totalFen + 1000 + 2000);
    // April: 500 more to B. March keeps what it had; April counts only the 500 (not B's whole paidFen).
    flow.setClock('2027-04-02T02:00:00Z');
    await flow.call<Receipt>('report', 'recordReceipt', { requestId: 'onacc-rc-0003', customerId: 'cus_RK1', amountFen: 500, method: 'bank', date: '2027-04-02', mode: 'orders', allocations: [{ orderId: B._id, amountFen: 500 }] }, WANG);
    expect((await row('2027-03'))!.paidFen).toBe(A.totalFen + 1000 + 2000);
    expect((await row('2027-04'))!.paidFen).toBe(500);
  });
});
