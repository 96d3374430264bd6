/**
 * Test support for statements and reports: a local runtime with a clock the test moves, two
 * customers imported through the admin function and bound to WeChat users, and orders moved
 * through the real functions (submit, review, nodes, receipts, cancel, exceptions).
 */
import { businessDate, type Order, type Result } from '@dinghuo/shared';
import { startTestRuntime, type TestRuntime } from '../local/testing/testRuntime';

export const ADMIN = 'demo-admin';
export const WANG = 'demo-merch-wang';
export const LI = 'demo-merch-li';
export const CUST1 = 'report-test-k1';
export const CUST2 = 'report-test-k2';

export interface Flow {
  rt: TestRuntime;
  setClock(iso: string): void;
  call<T>(fn: string, action: string, input: unknown, openid: string | null): Promise<T>;
  raw(fn: string, action: string, input: unknown, openid: string | null): Promise<Result<unknown>>;
  /** Places an order as the customer at `iso` (SKU by index in the demo catalog, whole cases). */
  place(openid: string, iso: string, picks: [skuId: string, cases: number][]): Promise<Order>;
  /** Confirms (审单), then records nodes up to `until`, each at its own instant. */
  advance(orderId: string, steps: { node: 'qc' | 'shipment' | 'delivery' | 'payment'; at: string }[], merch?: string): Promise<Order>;
  confirm(orderId: string, iso: string, merch?: string): Promise<void>;
  order(orderId: string): Promise<Order>;
}

export async function startFlow(): Promise<Flow> {
  let clock = Date.parse('2027-02-01T02:00:00Z');
  const rt = await startTestRuntime({ dataDir: ':memory:', timers: false, quiet: true, now: () => clock });
  const raw = (fn: string, action: string, input: unknown, openid: string | null) => rt.invoke(fn, { action, input }, openid);
  const call = async <T>(fn: string, action: string, input: unknown, openid: string | null): Promise<T> => {
    const r = await raw(fn, action, input, openid);
    if (!r.ok) throw Object.assign(new Error(`${fn}.${action}: ${r.error.code} ${r.error.message}`), { code: r.error.code });
    return r.data as T;
  };
  // Two customers of 王敏 and 李强, imported through the admin function, then bound.
  const rows = [
    { code: 'RK1', name: '报表测试超市', levelName: '二级批发', merchandiser: '王敏', creditLimitFen: '不限', invitationCode: 'RPTK1AAA', contact: '甲', phone: '13800000011', address: '上海市测试路 1 号' },
    { code: 'RK2', name: '报表测试便利店', levelName: '二级批发', merchandiser: '李强', creditLimitFen: '不限', invitationCode: 'RPTK2BBB', contact: '乙', phone: '13800000012', address: '上海市测试路 2 号' },
  ].map((values, i) => ({ row: i + 2, values }));
  await call('admin', 'importRows', { kind: 'customers', rows, dryRun: false }, ADMIN);
  await call('auth', 'bind', { invitationCode: 'RPTK1AAA' }, CUST1);
  await call('auth', 'bind', { invitationCode: 'RPTK2BBB' }, CUST2);

  let n = 0;
  const flow: Flow = {
    rt,
    setClock: (iso) => {
      clock = Date.parse(iso);
    },
    call,
    raw,
    async place(openid, iso, picks) {
      flow.setClock(iso);
      n += 1;
      const detail = await call<Order>('order', 'submit', { requestId: `report-flow-${n}-x`, lines: picks.map(([skuId, count]) => ({ skuId, unit: 'case', count })), addressId: 'addr_1' }, openid);
      return detail;
    },
    async confirm(orderId, iso, merch = WANG) {
      flow.setClock(iso);
      await call('followup', 'review', { decision: 'confirm', orderId }, merch);
    },
    async advance(orderId, steps, merch = WANG) {
      for (const s of steps) {
        flow.setClock(s.at);
        if (s.node === 'payment') {
          // 回款 follows the receipts: the rest of the order is received on that day.
          const o = await flow.order(orderId);
          n += 1;
          await call('report', 'recordReceipt', {
            requestId: `report-flow-rc-${n}`,
            customerId: o.customerId,
            amountFen: o.totalFen - o.paidFen,
            method: 'bank',
            date: businessDate(Date.parse(s.at)),
            mode: 'orders',
            allocations: [{ orderId, amountFen: o.totalFen - o.paidFen }],
          }, merch);
        } else {
          await call('followup', 'advanceNode', { orderId, node: s.node }, merch);
        }
      }
      return flow.order(orderId);
    },
    order: async (orderId) => (await rt.store.get('orders', orderId))!,
  };
  return flow;
}

/**
 * The March 2027 orders the receipt tests pay: A delivered (placed 03-01), B shipped (03-02), C
 * only submitted (03-08), all by CUST1; answered as they are after their last step.
 */
export async function placeDeliveredShippedSubmitted(flow: Flow): Promise<[A: Order, B: Order, C: Order]> {
  const a = await flow.place(CUST1, '2027-03-01T02:00:00Z', [['sku_0001', 2]]);
  await flow.confirm(a._id, '2027-03-01T03:00:00Z');
  await flow.advance(a._id, [{ node: 'qc', at: '2027-03-02T02:00:00Z' }, { node: 'shipment', at: '2027-03-03T02:00:00Z' }, { node: 'delivery', at: '2027-03-04T02:00:00Z' }]);
  const b = await flow.place(CUST1, '2027-03-02T02:00:00Z', [['sku_0002', 3]]);
  await flow.confirm(b._id, '2027-03-02T03:00:00Z');
  await flow.advance(b._id, [{ node: 'qc', at: '2027-03-05T02:00:00Z' }, { node: 'shipment', at: '2027-03-06T02:00:00Z' }]);
  const c = await flow.place(CUST1, '2027-03-08T02:00:00Z', [['sku_0003', 1]]);
  return (await Promise.all([a, b, c].map((o) => flow.order(o._id)))) as [Order, Order, Order];
}
