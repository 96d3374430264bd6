/**
 * Runs dependency-cruiser over the source tree with the project's rules (.dependency-cruiser.cjs):
 * shared/ stays a pure domain package, and the app and the functions keep their boundaries.
 * A second run on a deliberately impure fixture proves the rules do catch a violation.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const depcruise = path.join(root, 'node_modules/.bin/depcruise');

function cruise(targets: string[]): { violations: { rule: { name: string }; from: string; to: string }[] } {
  const out = execFileSync(depcruise, ['--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...targets], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out).summary;
}

it('the source tree breaks no architecture rule', () => {
  const targets = ['shared/src', 'cloudfunctions', 'miniprogram/src'].filter((t) => fs.existsSync(path.join(root, t)));
  const summary = cruise(targets);
  expect(summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
});

it('an I/O import in shared/ is caught', () => {
  const bad = path.join(root, 'shared/src/__architecture_probe__.ts');
  fs.writeFileSync(bad, "import fs from 'node:fs';\nimport tcb from '@cloudbase/node-sdk';\nexport const probe = [fs, tcb];\n");
  try {
    const rules = cruise(['shared/src']).violations.filter((v) => v.from.includes('__architecture_probe__')).map((v) => v.rule.name);
    expect(rules).toEqual(expect.arrayContaining(['shared-no-node-builtins', 'shared-is-pure']));
  } finally {
    fs.unlinkSync(bad);
  }
});
