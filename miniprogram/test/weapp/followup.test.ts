/**
 * The 跟单 tab in the compiled weapp build: the tab page renders the today counts the function
 * returns, and the 跟单 pages sit in the packageFollowup subpackage (not the main package).
 */
import fs from 'fs';
import path from 'path';
import { TODAY_BUCKETS, TODAY_BUCKET_LABELS } from '@dinghuo/shared/labels';
import { DIST, ok, setupWeapp, waitFor } from './harness';

const counts = { overdue: 4, dueSoon: 7, stuck: 2, awaitingReview: 5, exceptions: 3 };
const item = {
  _id: 'o_1',
  orderNo: 'DH2603050001',
  status: 'confirmed',
  totalFen: 44610,
  lineCount: 2,
  firstLineName: '清泉矿泉水',
  createdAt: 0,
  dueDate: '2026-03-01',
  customerName: '华联超市',
  customerId: 'cus_hualian',
  daysToDue: -4,
  lastChangeAt: 0,
  openExceptions: 0,
  expediteCount: 0,
  buckets: ['overdue'],
  nextNode: 'qc',
};
const h = setupWeapp({
  auth: () => ok({ openid: 'w', role: 'merchandiser', name: '王敏', staff: { _id: 'stf_wang', name: '王敏' } }),
  followup: (action) => {
    if (action !== 'today') throw new Error(`unexpected followup.${action}`);
    const empty = { overdue: [], dueSoon: [], stuck: [], awaitingReview: [], exceptions: [] };
    return ok({ date: '2026-03-05', stuckAfterDays: 3, counts, previews: { ...empty, overdue: [item] } });
  },
});

test('the tab page shows each bucket count and the most urgent orders', async () => {
  const page = await h.load('pages/followup/index');
  await waitFor(() => page.querySelectorAll('.fu-tile').length === 5);
  const tiles = page.querySelectorAll('.fu-tile').map((t: any) => t.dom.textContent);
  expect(tiles).toEqual(TODAY_BUCKETS.map((b) => `${counts[b]}${TODAY_BUCKET_LABELS[b]}`));
  expect(page.dom.textContent).toContain('华联超市');
  expect(page.dom.textContent).toContain('逾期4天');
  expect(h.calls.filter((c) => c.name === 'followup').map((c) => c.action)).toEqual(['today']);
});

test('the 跟单 pages are in the packageFollowup subpackage, not the main package', () => {
  const app = JSON.parse(fs.readFileSync(path.join(DIST, 'app.json'), 'utf8'));
  const sub = (app.subPackages ?? app.subpackages).find((s: { root: string }) => s.root.replace(/\/$/, '') === 'packageFollowup');
  expect(sub.pages).toEqual(expect.arrayContaining(['list/index', 'detail/index', 'customers/index', 'customer/index', 'place/index', 'aftersales/index']));
  for (const p of sub.pages as string[]) expect(fs.existsSync(path.join(DIST, 'packageFollowup', `${p}.js`))).toBe(true);
  expect(app.pages).not.toEqual(expect.arrayContaining([expect.stringContaining('packageFollowup')]));
  // the detail page's code (e.g. its review form) is not in the main package's scripts
  const mainJs = fs
    .readdirSync(DIST)
    .filter((f) => f.endsWith('.js'))
    .map((f) => fs.readFileSync(path.join(DIST, f), 'utf8'))
    .join('\n');
  expect(mainJs).not.toContain('review-confirm');
  const subJs = fs.readdirSync(path.join(DIST, 'packageFollowup', 'detail')).filter((f) => f.endsWith('.js'));
  expect(subJs.map((f) => fs.readFileSync(path.join(DIST, 'packageFollowup', 'detail', f), 'utf8')).join('')).toContain('review-confirm');
});

