// Generates the small tab-bar icons (48×48 RGBA PNGs) in src/assets/tab: run `node scripts/make-tab-icons.mjs`.
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const S = 48;
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'assets', 'tab');
mkdirSync(out, { recursive: true });

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};
function png(inside, [r, g, b]) {
  const raw = Buffer.alloc(S * (S * 4 + 1));
  for (let y = 0; y < S; y++) {
    raw[y * (S * 4 + 1)] = 0;
    for (let x = 0; x < S; x++) {
      const o = y * (S * 4 + 1) + 1 + x * 4;
      const on = inside(x + 0.5, y + 0.5);
      raw[o] = r; raw[o + 1] = g; raw[o + 2] = b; raw[o + 3] = on ? 255 : 0;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(S, 0); ihdr.writeUInt32BE(S, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}
const box = (x0, y0, x1, y1) => (x, y) => x >= x0 && x < x1 && y >= y0 && y < y1;
const ring = (cx, cy, r0, r1) => (x, y) => { const d = Math.hypot(x - cx, y - cy); return d >= r0 && d <= r1; };
const disc = (cx, cy, r) => ring(cx, cy, 0, r);
const any = (...fs) => (x, y) => fs.some((f) => f(x, y));

const shapes = {
  // 订货: a 2×2 grid of goods
  catalog: any(box(8, 8, 22, 22), box(26, 8, 40, 22), box(8, 26, 22, 40), box(26, 26, 40, 40)),
  // 购物车: basket and two wheels
  cart: any(box(6, 10, 12, 14), box(12, 14, 42, 18), box(14, 18, 40, 30), disc(18, 37, 4), disc(36, 37, 4)),
  // 订单: a sheet with lines
  orders: any(box(10, 6, 38, 9), box(10, 39, 38, 42), box(10, 6, 13, 42), box(35, 6, 38, 42), box(17, 15, 31, 18), box(17, 22, 31, 25), box(17, 29, 27, 32)),
  // 跟单: a flag on a pole
  followup: any(box(10, 6, 14, 44), box(14, 8, 38, 24)),
  // 我的: head and shoulders
  me: any(disc(24, 16, 9), (x, y) => y >= 30 && y <= 42 && Math.abs(x - 24) <= 16 - Math.max(0, 34 - y)),
};
for (const [name, f] of Object.entries(shapes)) {
  writeFileSync(join(out, `${name}.png`), png(f, [0x99, 0x99, 0x99]));
  writeFileSync(join(out, `${name}-active.png`), png(f, [0x1a, 0x73, 0xe8]));
}
console.log('icons written to', out);
