/**
 * Demo product images for the local runtime: small generated PNGs (a tinted label on a bottle-ish
 * shape, one colour per SKU) stored through the same storage port the back office's upload uses,
 * and put on a few demo SKUs, so the catalog and cart show images out of the box. PNGs are
 * written by hand (zlib + CRC-32): no image library.
 */
import zlib from 'node:zlib';
import type { Store } from '../../cloudfunctions/_lib/data/store';
import type { FileStorage } from '../../cloudfunctions/_lib/storage';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([len, typed, crc]);
}

/** An RGB PNG of size×size whose pixel colours come from `pixel`. */
export function makePng(size: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const raw = Buffer.alloc(size * (size * 3 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), row + 1 + x * 3);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A product picture: a rounded bottle in `rgb` with a white label, on a light background. */
export function demoProductPng(rgb: [number, number, number], size = 96): Buffer {
  return makePng(size, (x, y) => {
    const cx = size / 2;
    const inBody = Math.abs(x - cx) < size * 0.22 && y > size * 0.28 && y < size * 0.9;
    const inNeck = Math.abs(x - cx) < size * 0.08 && y > size * 0.1 && y <= size * 0.28;
    const inLabel = inBody && y > size * 0.48 && y < size * 0.68;
    if (inLabel) return [255, 255, 255];
    if (inBody || inNeck) return rgb;
    return [244, 245, 247];
  });
}

/** Demo SKUs that get an image, with their colour. */
export const DEMO_IMAGES: [skuId: string, rgb: [number, number, number]][] = [
  ['sku_0001', [66, 133, 244]],
  ['sku_0002', [52, 118, 230]],
  ['sku_0003', [30, 96, 200]],
  ['sku_0004', [46, 160, 67]],
  ['sku_0005', [36, 140, 57]],
  ['sku_0006', [245, 145, 32]],
  ['sku_0007', [230, 120, 20]],
  ['sku_0008', [211, 47, 47]],
  ['sku_0009', [190, 30, 45]],
  ['sku_0010', [238, 238, 238]],
];

/** Stores the demo images and puts them on their SKUs (those that exist); returns how many. */
export async function seedDemoImages(store: Store, storage: FileStorage): Promise<number> {
  let n = 0;
  for (const [skuId, rgb] of DEMO_IMAGES) {
    if (!(await store.get('skus', skuId))) continue;
    const { fileId } = await storage.put(demoProductPng(rgb), 'png', 'sku-images');
    await store.patch('skus', skuId, { imageFileId: fileId, imageUrl: storage.displayUrl(fileId) });
    n += 1;
  }
  return n;
}
