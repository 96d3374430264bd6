import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

export const ROOT = path.resolve(__dirname, '..', '..');
export const H5_DIR = path.join(ROOT, 'miniprogram', 'dist', 'h5');
export const ADMIN_DIR = path.join(ROOT, 'admin', 'dist');

/** Builds the H5 app if it is missing (scripts/test.sh builds it before jest). */
export function ensureH5Build(): void {
  if (fs.existsSync(path.join(H5_DIR, 'index.html'))) return;
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'taro'), ['build', '--type', 'h5'], {
    cwd: path.join(ROOT, 'miniprogram'),
    stdio: 'pipe',
    env: { ...process.env, NODE_ENV: 'production', TARO_ENV: 'h5' },
  });
}

/** Builds the back office (admin/dist) if it is missing (scripts/test.sh builds it before jest). */
export function ensureAdminBuild(): void {
  if (fs.existsSync(path.join(ADMIN_DIR, 'index.html'))) return;
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--config', 'admin/vite.config.mts'], { cwd: ROOT, stdio: 'pipe' });
}
