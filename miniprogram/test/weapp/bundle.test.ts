import fs from 'fs';
import path from 'path';
import { DIST, ensureWeappBuild } from './harness';
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

test('zod stays out of the weapp bundle: the app takes labels and money from the zod-free shared modules', () => {
  const files = allFiles(DIST).filter((f) => f.endsWith('.js'));
  expect(files.length).toBeGreaterThan(0);
  const withZod = files.filter((f) => /ZodError|\$ZodType/.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(DIST, f));
  expect(withZod).toEqual([]);
  // …while those modules do reach it: the status labels are in the main package
  const mainJs = fs.readdirSync(DIST).filter((f) => f.endsWith('.js')).map((f) => fs.readFileSync(path.join(DIST, f), 'utf8')).join('\n');
  const escaped = [...'待审核'].map((c) => `\\u${c.charCodeAt(0).toString(16)}`).join('');
  expect(mainJs.includes('待审核') || mainJs.includes(escaped)).toBe(true);
});
