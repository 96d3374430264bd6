#!/usr/bin/env node
// Sizes of the weapp build: the main package (everything outside subpackage roots) and each
// subpackage, as WeChat counts them. Usage: node scripts/build-sizes.js [miniprogram/dist/weapp]
const fs = require('fs');
const path = require('path');

function dirSize(dir, skip = new Set()) {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (skip.has(p)) continue;
    if (e.isDirectory()) total += dirSize(p, skip);
    else if (!e.name.endsWith('.LICENSE.txt') && !e.name.endsWith('.map')) total += fs.statSync(p).size;
  }
  return total;
}

function measureWeapp(dist) {
  const appJson = JSON.parse(fs.readFileSync(path.join(dist, 'app.json'), 'utf8'));
  const roots = (appJson.subPackages || appJson.subpackages || []).map((s) => s.root.replace(/\/$/, ''));
  const subpackages = {};
  for (const r of roots) subpackages[r] = fs.existsSync(path.join(dist, r)) ? dirSize(path.join(dist, r)) : 0;
  const main = dirSize(dist, new Set(roots.map((r) => path.join(dist, r))));
  return { main, subpackages, total: main + Object.values(subpackages).reduce((a, b) => a + b, 0) };
}

module.exports = { measureWeapp };

if (require.main === module) {
  const dist = path.resolve(process.argv[2] || path.join(__dirname, '..', 'miniprogram', 'dist', 'weapp'));
  const s = measureWeapp(dist);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`weapp main package: ${kb(s.main)} (budget 600 KB)`);
  for (const [r, n] of Object.entries(s.subpackages)) console.log(`subpackage ${r}: ${kb(n)} (budget 2 MB)`);
  console.log(`total: ${kb(s.total)}`);
}
