import fs from 'fs';
import path from 'path';
import { DIST, ensureWeappBuild } from './harness';
import { ORDER_STATUS_LABELS as SHARED_STATUS } from '@dinghuo/shared/orderStatus';
import { AFTER_SALES_KIND_LABELS as SHARED_KIND, AFTER_SALES_STATUS_LABELS as SHARED_AS } from '@dinghuo/shared/afterSales';
import { formatFen as sharedFormatFen } from '@dinghuo/shared/money';
import { AFTER_SALES_KIND_LABELS, AFTER_SALES_STATUS_LABELS, ORDER_STATUS_LABELS, formatFen } from '../../src/utils/format';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { measureWeapp } = require('../../../scripts/build-sizes.js');

beforeAll(() => ensureWeappBuild());

function allFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? allFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

test('the weapp build has no local-mode sign-in', () => {
  const hits = allFiles(DIST).filter((f) => fs.readFileSync(f, 'utf8').includes('api/local'));
  expect(hits).toEqual([]);
});

test('main package under 600 KB, each subpackage under 2 MB', () => {
  const sizes = measureWeapp(DIST);
  expect(sizes.main).toBeLessThan(600 * 1024);
  for (const [root, bytes] of Object.entries(sizes.subpackages)) {
    expect([root, bytes]).toEqual([root, expect.any(Number)]);
    expect(bytes as number).toBeLessThan(2 * 1024 * 1024);
  }
  expect(Object.keys(sizes.subpackages)).toContain('packageOrder');
});

test('the app keeps zod out of the bundle but shows the same labels and money as shared', () => {
  expect(ORDER_STATUS_LABELS).toEqual(SHARED_STATUS);
  expect(AFTER_SALES_KIND_LABELS).toEqual(SHARED_KIND);
  expect(AFTER_SALES_STATUS_LABELS).toEqual(SHARED_AS);
  for (const fen of [0, 1, 99, 100, 123456, -5, 100000000]) expect(formatFen(fen)).toBe(sharedFormatFen(fen));
  const js = allFiles(DIST).filter((f) => f.endsWith('.js')).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  expect(js).not.toMatch(/ZodError|\$ZodType/);
});
