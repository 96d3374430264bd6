/**
 * `npm start`: builds the H5 app and the back office (unless --no-build), opens the embedded database in --data-dir
 * (default .data/), seeds demo data on first start, and serves everything on 127.0.0.1.
 */
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startLocalRuntime } from './server';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  const dataDir = path.resolve(flag('data-dir') ?? path.join(root, '.data'));
  const port = Number(flag('port') ?? process.env.PORT ?? 8787);
  const h5Dir = path.join(root, 'miniprogram/dist/h5');
  const adminDir = path.join(root, 'admin/dist');
  if (!process.argv.includes('--no-build')) {
    console.log('构建 H5 应用… (building the H5 app)');
    const r = spawnSync('npm', ['run', 'build:h5', '--silent'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
    console.log('构建管理后台… (building the back office)');
    const a = spawnSync('npm', ['run', 'build:admin', '--silent'], { cwd: root, stdio: 'inherit' });
    if (a.status !== 0) process.exit(a.status ?? 1);
  }
  const rt = await startLocalRuntime({ dataDir, port, h5Dir, adminDir });
  console.log(`\n订货通 本地运行中 (local runtime up)\n  App:        ${rt.url}/\n  管理后台:   ${rt.url}/admin/\n  消息记录:   ${rt.url}/local/outbox （本地页面，需管理员登录）\n  Data dir:   ${dataDir}\n`);
  const stop = () => rt.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
