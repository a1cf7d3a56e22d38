#!/usr/bin/env node
/**
 * Draws the tabBar icons (81×81 PNG, WeChat's recommended size) without any image library:
 * each icon is a union of simple shapes, rasterised with 4×4 supersampling.
 * Run `node src/assets/tabbar/make-icons.mjs` after changing a shape or a colour.
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SIZE = 81;
const COLORS = { normal: [0x7a, 0x7a, 0x7a], active: [0xc8, 0x38, 0x1f] };

// Shape helpers on a 0..1 canvas.
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ellipse = (cx, cy, rx, ry) => (x, y) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
const rect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
const poly = (pts) => (x, y) => {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i];
    const [xj, yj] = pts[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
};
const minus = (a, b) => (x, y) => a(x, y) && !b(x, y);
const union =
  (...fs) =>
  (x, y) =>
    fs.some((f) => f(x, y));
const and = (a, b) => (x, y) => a(x, y) && b(x, y);

const ICONS = {
  home: union(
    poly([
      [0.5, 0.12],
      [0.9, 0.48],
      [0.1, 0.48],
    ]),
    minus(rect(0.2, 0.44, 0.8, 0.88), rect(0.42, 0.62, 0.58, 0.88)),
  ),
  recipes: union(
    and(ellipse(0.5, 0.52, 0.4, 0.34), rect(0, 0.52, 1, 1)), // bowl
    rect(0.08, 0.49, 0.92, 0.55), // rim
    poly([
      [0.55, 0.46],
      [0.59, 0.46],
      [0.86, 0.08],
      [0.82, 0.08],
    ]), // chopsticks
    poly([
      [0.64, 0.46],
      [0.68, 0.46],
      [0.94, 0.14],
      [0.9, 0.14],
    ]),
  ),
  classes: union(
    poly([
      [0.08, 0.22],
      [0.47, 0.3],
      [0.47, 0.86],
      [0.08, 0.78],
    ]), // open book
    poly([
      [0.53, 0.3],
      [0.92, 0.22],
      [0.92, 0.78],
      [0.53, 0.86],
    ]),
  ),
  nye: union(
    ellipse(0.5, 0.5, 0.34, 0.28), // lantern
    rect(0.36, 0.16, 0.64, 0.24),
    rect(0.36, 0.76, 0.64, 0.84),
    rect(0.48, 0.06, 0.52, 0.16),
    rect(0.47, 0.84, 0.53, 0.96),
  ),
  me: union(circle(0.5, 0.32, 0.18), and(ellipse(0.5, 0.92, 0.36, 0.36), rect(0, 0, 1, 0.9))),
};

function crc32(buf) {
  let c;
  let crc = 0xffffffff;
  for (const byte of buf) {
    c = (crc ^ byte) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(shape, [r, g, b]) {
  const SS = 4;
  const rows = [];
  for (let y = 0; y < SIZE; y++) {
    const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0 + RGBA
    for (let x = 0; x < SIZE; x++) {
      let hits = 0;
      for (let sy = 0; sy < SS; sy++) for (let sx = 0; sx < SS; sx++) if (shape((x + (sx + 0.5) / SS) / SIZE, (y + (sy + 0.5) / SS) / SIZE)) hits++;
      row.set([r, g, b, Math.round((255 * hits) / (SS * SS))], 1 + x * 4);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIZE, 0);
  ihdr.writeUInt32BE(SIZE, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const outDir = path.dirname(fileURLToPath(import.meta.url));
for (const [name, shape] of Object.entries(ICONS)) {
  for (const [variant, color] of Object.entries(COLORS)) {
    const file = path.join(outDir, `${name}${variant === 'active' ? '-active' : ''}.png`);
    const data = png(shape, color);
    writeFileSync(file, data);
    console.log(`${path.basename(file)} ${data.length} B`);
  }
}
