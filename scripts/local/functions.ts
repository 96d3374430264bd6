/** Finds every cloud function (a folder under cloudfunctions/ with an index.ts exporting main). */
import fs from 'node:fs';
import path from 'node:path';
import type { CloudContext } from '../../cloudfunctions/_lib/runtime';
import type { Result } from '@dinghuo/shared';

export type FunctionMain = (event: unknown, context?: CloudContext) => Promise<Result<unknown>>;

export const FUNCTIONS_DIR = path.resolve(__dirname, '../../cloudfunctions');

export function functionNames(dir = FUNCTIONS_DIR): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('_') && fs.existsSync(path.join(dir, d.name, 'index.ts')))
    .map((d) => d.name)
    .sort();
}

export function loadFunctions(dir = FUNCTIONS_DIR): Map<string, FunctionMain> {
  const out = new Map<string, FunctionMain>();
  for (const name of functionNames(dir)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(dir, name, 'index.ts')) as { main?: FunctionMain };
    if (typeof mod.main === 'function') out.set(name, mod.main);
  }
  return out;
}
