#!/usr/bin/env node
/**
 * Package size check for the weapp build (run after `npm run build:weapp`).
 * Reads dist/weapp/app.json for the subpackage roots, sums the bytes of the main package
 * (everything outside a subpackage root) and of each subpackage, prints a table and exits 1
 * when dist/weapp is missing or any package is over the budget. WeChat's hard limit is 2 MB per
 * package; we hold ourselves to 1 MB so features have room to grow.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const LIMIT = 1024 * 1024;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const distDir = path.resolve(root, process.argv[2] ?? 'dist/weapp');
const appJsonPath = path.join(distDir, 'app.json');

if (!existsSync(appJsonPath)) {
  console.error(`✖ ${path.relative(root, appJsonPath)} not found — run \`npm run build:weapp\` first.`);
  process.exit(1);
}

let appJson;
try {
  appJson = JSON.parse(readFileSync(appJsonPath, 'utf8'));
} catch (err) {
  console.error(`✖ cannot parse ${appJsonPath}: ${err.message}`);
  process.exit(1);
}

const subRoots = [...(appJson.subPackages ?? []), ...(appJson.subpackages ?? [])].map((p) => String(p.root).replace(/^\/+|\/+$/g, '')).filter(Boolean);

// Files the WeChat uploader does not ship (devtools config, licence notes, source maps).
const NOT_SHIPPED = [/^project(\.private)?\.config\.json$/, /\.LICENSE\.txt$/, /\.map$/];

function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

const totals = new Map([['(main)', { bytes: 0, files: 0 }]]);
for (const r of subRoots) totals.set(r, { bytes: 0, files: 0 });
let skipped = 0;

for (const file of walk(distDir)) {
  const rel = path.relative(distDir, file).split(path.sep).join('/');
  if (NOT_SHIPPED.some((re) => re.test(path.basename(rel)))) {
    skipped++;
    continue;
  }
  const owner = subRoots.find((r) => rel === r || rel.startsWith(`${r}/`)) ?? '(main)';
  const t = totals.get(owner);
  t.bytes += statSync(file).size;
  t.files++;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const rows = [...totals.entries()].map(([name, t]) => ({ name, ...t, over: t.bytes > LIMIT }));
const width = Math.max(10, ...rows.map((r) => r.name.length));
console.log(`weapp package sizes (${path.relative(root, distDir)}), limit ${kb(LIMIT)} per package`);
console.log(`${'package'.padEnd(width)}  ${'files'.padStart(5)}  ${'size'.padStart(10)}  status`);
for (const r of rows) {
  console.log(`${r.name.padEnd(width)}  ${String(r.files).padStart(5)}  ${kb(r.bytes).padStart(10)}  ${r.over ? 'OVER LIMIT' : 'ok'}`);
}
const total = rows.reduce((s, r) => s + r.bytes, 0);
console.log(`${'total'.padEnd(width)}  ${''.padStart(5)}  ${kb(total).padStart(10)}${skipped ? `  (${skipped} non-shipped files ignored)` : ''}`);

if (skipped && walk(distDir).some((f) => f.endsWith('.map'))) {
  // Source maps are only emitted by development/watch builds: sizes above are not what ships.
  console.warn('⚠ source maps found: this is not a production build (use `npm run build:weapp` without --watch).');
}

const over = rows.filter((r) => r.over);
if (over.length) {
  console.error(`✖ over ${kb(LIMIT)}: ${over.map((r) => `${r.name} (${kb(r.bytes)})`).join(', ')}`);
  process.exit(1);
}
if (rows[0].files === 0) {
  console.error('✖ main package is empty — is the build complete?');
  process.exit(1);
}
