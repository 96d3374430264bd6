/**
 * Samples in the compiled weapp build: the customer sees a sent sample with its courier and
 * approves it (批板) through supply.sampleDecide; the supply pages sit in the packageSupply
 * subpackage, not the main package.
 */
import fs from 'fs';
import path from 'path';
import { DIST, ok, setupWeapp, waitFor } from './harness';

const sample = {
  _id: 'smp_1',
  sampleNo: 'YP260305ABCDEF',
  customerId: 'cus_hualian',
  customerName: '华联超市',
  customerCode: 'C001',
  merchandiserId: 'stf_wang',
  items: [{ skuId: 'sku_1', skuCode: 'S1', name: '清泉矿泉水', spec: '550ml', baseUnit: '瓶', qty: 2 }],
  note: '',
  status: 'sent',
  requestedBy: { role: 'customer', name: '陈经理' },
  requestedAt: 0,
  requestedMonth: '2026-03',
  courier: { company: '顺丰', trackingNo: 'SF1234567', costFen: 1800, sentAt: 0, sentMonth: '2026-03', sentBy: { role: 'merchandiser', name: '王敏' } },
  decision: null,
  orderId: null,
  history: [],
  updatedAt: 0,
};

const h = setupWeapp({
  auth: () => ok({ openid: 'c', role: 'customer', name: '陈经理', customer: { _id: 'cus_hualian', name: '华联超市', code: 'C001', levelName: '一级', addresses: [], creditLimitFen: null, outstandingFen: 0 } }),
  supply: (action, input) => {
    if (action === 'sampleDetail') return ok(sample);
    if (action === 'sampleDecide') return ok({ ...sample, status: input.approved ? 'approved' : 'rejected', decision: { approved: input.approved, by: { role: 'customer', name: '陈经理' }, at: 1, note: input.note } });
    throw new Error(`unexpected supply.${action}`);
  },
});

test('the customer sees the courier and approves the sample (批板)', async () => {
  const page = await h.load('packageSupply/sample/index', { id: 'smp_1' });
  await waitFor(() => page.dom.textContent.includes('SF1234567')).catch((e) => {
    throw new Error(`${String(e)}: ${page.dom.textContent} ${JSON.stringify(h.calls)}`);
  });
  expect(page.dom.textContent).toContain('快递费 ¥18.00');
  expect(page.dom.textContent).toContain('已寄样');
  const approve = await waitFor(() => page.querySelector('.sample-approve'));
  approve.dispatchEvent('tap');
  await waitFor(() => page.dom.textContent.includes('已批板'));
  expect(h.calls.filter((c) => c.name === 'supply').map((c) => [c.action, c.input])).toEqual([
    ['sampleDetail', { sampleId: 'smp_1' }],
    ['sampleDecide', { sampleId: 'smp_1', approved: true, note: '' }],
  ]);
});

test('the supply pages are in the packageSupply subpackage, not the main package', () => {
  const app = JSON.parse(fs.readFileSync(path.join(DIST, 'app.json'), 'utf8'));
  const sub = (app.subPackages ?? app.subpackages).find((s: { root: string }) => s.root.replace(/\/$/, '') === 'packageSupply');
  expect(sub.pages).toEqual(['shortfall/index', 'samples/index', 'sample/index', 'sku/index', 'backorders/index']);
  for (const p of sub.pages as string[]) expect(fs.existsSync(path.join(DIST, 'packageSupply', `${p}.js`))).toBe(true);
});
