/**
 * Receipts (收款) and 冲抵预收 racing on the Cloudbase Store: each racer is its own
 * @cloudbase/node-sdk client (as separate function instances are) against the emulator, whose
 * snapshot transactions conflict on concurrent writes, with latency to widen the windows. Receipts
 * auto-allocated and named to the same orders, and applications of the same on-account balance,
 * all at once: no order is paid beyond its total, the balance is never applied twice, and every
 * fen is where the records say (orders' paidFen, the account's outstanding and on-account).
 */
import { DomainError, type AccountApplication, type Caller, type Order, type Receipt } from '@dinghuo/shared';
import { seedDemo } from '../../../scripts/local/seed';
import { findAll, type Store } from '../data/store';
import { CloudbaseEmulator } from '../data/testing/cloudbaseEmulator';
import { cloudbaseStoreFor } from '../data/testing/cloudbaseTestStore';
import { applyOnAccount, PAYABLE_STATUSES, recordReceipt } from './receipts';

const NOW = Date.parse('2026-03-05T02:00:00Z');
const WANG: Caller = { kind: 'merchandiser', openid: 'demo-merch-wang', staffId: 'stf_wang', name: '王敏' };
const CUS = 'cus_hualian';

let emu: CloudbaseEmulator;
let clients: Store[];

beforeAll(async () => {
  emu = await CloudbaseEmulator.start();
  clients = Array.from({ length: 8 }, () => cloudbaseStoreFor(emu, { retry: { attempts: 60, baseDelayMs: 5, maxDelayMs: 200 } }));
  await seedDemo(clients[0]!, NOW);
}, 60_000);
afterAll(() => emu.close());

async function outcome<T>(p: Promise<T>): Promise<T | string> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
}

it('concurrent receipts and applications for one customer never over-apply, and the balances add up', async () => {
  const store = clients[0]!;
  const orders0 = (await findAll(store, 'orders', { customerId: CUS, status: { $in: [...PAYABLE_STATUSES] } })).filter((o) => o.totalFen > o.paidFen);
  expect(orders0.length).toBeGreaterThanOrEqual(2);
  const owed0 = orders0.reduce((n, o) => n + o.totalFen - o.paidFen, 0);
  const [first, second] = orders0 as [Order, Order];
  // Money on account to apply: a third of what is owed.
  const prepaid = Math.floor(owed0 / 3);
  await recordReceipt(store, WANG, { requestId: 'cb-prepaid-0001', customerId: CUS, amountFen: prepaid, method: 'bank', date: '2026-03-04', reference: '', note: '', mode: 'account', allocations: [] }, NOW);
  const account0 = (await store.get('accounts', CUS))!;
  emu.takeRequests();
  emu.setLatency(3);

  const piece = Math.floor(owed0 / 4);
  const racers: Promise<Receipt | AccountApplication | string>[] = [
    // two auto receipts and two applications, each a quarter / a third of what is owed
    ...[0, 1].map((i) => outcome(recordReceipt(clients[i]!, WANG, { requestId: `cb-auto-000${i}`, customerId: CUS, amountFen: piece, method: 'bank', date: '2026-03-05', reference: '', note: '', mode: 'auto', allocations: [] }, NOW + i))),
    ...[2, 3].map((i) => outcome(applyOnAccount(clients[i]!, WANG, { requestId: `cb-apply-000${i}`, customerId: CUS, mode: 'auto', amountFen: Math.ceil(prepaid * 0.6), allocations: [], note: '' }, NOW + i))),
    // the whole of the first order named by a receipt and by an application at once
    outcome(recordReceipt(clients[4]!, WANG, { requestId: 'cb-named-0004', customerId: CUS, amountFen: first.totalFen - first.paidFen, method: 'wechat', date: '2026-03-05', reference: '', note: '', mode: 'orders', allocations: [{ orderId: first._id, amountFen: first.totalFen - first.paidFen }] }, NOW + 4)),
    outcome(applyOnAccount(clients[5]!, WANG, { requestId: 'cb-named-0005', customerId: CUS, mode: 'orders', allocations: [{ orderId: second._id, amountFen: Math.min(second.totalFen - second.paidFen, Math.floor(prepaid / 2)) }], note: '' }, NOW + 5)),
    // retries of racers through other clients: the same records, never a second one
    outcome(recordReceipt(clients[6]!, WANG, { requestId: 'cb-auto-0000', customerId: CUS, amountFen: piece, method: 'bank', date: '2026-03-05', reference: '', note: '', mode: 'auto', allocations: [] }, NOW + 6)),
    outcome(applyOnAccount(clients[7]!, WANG, { requestId: 'cb-apply-0002', customerId: CUS, mode: 'auto', amountFen: Math.ceil(prepaid * 0.6), allocations: [], note: '' }, NOW + 7)),
  ];
  const results = await Promise.all(racers);
  emu.setLatency(0);
  const conflicts = emu.takeRequests().filter((r) => r.error === 'DATABASE_TRANSACTION_CONFLICT').length;
  // the race was real: transactions collided and were retried
  expect(conflicts).toBeGreaterThan(0);

  // Every refusal is a typed, expected one.
  const refused = results.filter((r): r is string => typeof r === 'string');
  for (const code of refused) expect(['ON_ACCOUNT_INSUFFICIENT', 'ALLOCATION_EXCEEDS_UNPAID', 'NOTHING_TO_APPLY', 'ON_ACCOUNT_EMPTY']).toContain(code);
  // The first two applications together ask for 120% of the balance: not both fit.
  expect(refused).toContain('ON_ACCOUNT_INSUFFICIENT');
  // Retries answer with the records of the originals (or the same refusal).
  expect(results[6]).toEqual(results[0]);
  if (typeof results[2] !== 'string') expect(results[7]).toEqual(results[2]);

  const [receipts, applications, orders, account] = await Promise.all([
    findAll(store, 'receipts', { customerId: CUS }),
    findAll(store, 'accountApplications', { customerId: CUS }),
    findAll(store, 'orders', { customerId: CUS }),
    store.get('accounts', CUS),
  ]);
  const newReceipts = receipts.filter((r) => r._id !== receipts.find((x) => x.requestId === 'cb-prepaid-0001')!._id);
  expect(newReceipts.length + applications.length).toBe(results.slice(0, 6).filter((r) => typeof r !== 'string').length);
  const allocated = new Map<string, number>();
  for (const rec of [...newReceipts, ...applications]) for (const a of rec.allocations) allocated.set(a.orderId, (allocated.get(a.orderId) ?? 0) + a.amountFen);
  for (const o of orders) {
    const before = orders0.find((x) => x._id === o._id);
    expect(o.paidFen).toBeLessThanOrEqual(o.totalFen);
    expect(o.paidFen).toBe((before?.paidFen ?? o.paidFen - (allocated.get(o._id) ?? 0)) + (allocated.get(o._id) ?? 0));
  }
  const applied = applications.reduce((n, a) => n + a.amountFen, 0);
  const keptOnAccount = newReceipts.reduce((n, r) => n + r.onAccountFen, 0);
  const paidToOrders = [...allocated.values()].reduce((n, f) => n + f, 0);
  expect(applied).toBeLessThanOrEqual(prepaid);
  expect(account!.onAccountFen).toBe((account0.onAccountFen ?? 0) + keptOnAccount - applied);
  expect(account!.onAccountFen).toBeGreaterThanOrEqual(0);
  expect(account!.outstandingFen).toBe(account0.outstandingFen - paidToOrders);
  // each order's hold on the account is what it still owes
  for (const o of orders) {
    const owes = o.totalFen - o.paidFen;
    if (orders0.some((x) => x._id === o._id)) expect(account!.holds?.[o._id]).toBe(owes > 0 ? owes : undefined);
  }
}, 120_000);
