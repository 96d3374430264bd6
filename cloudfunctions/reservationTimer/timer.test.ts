/** Timer-triggered functions run their timer only for a real trigger, never for a user's call. */
import { startTestRuntime, type TestRuntime } from '../../scripts/local/testing/testRuntime';

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
  expect(forged.ok).toBe(false);
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
