#!/usr/bin/env node
// Benchmark runner: `npm run bench -- <name> [--flags]`.
//
// Each benchmark is scripts/bench/<name>.mjs exporting
//   description: string
//   run({ baseUrl, args, log, server }): Promise<{ ok: boolean, ...figures }>
//   serverEnv?: extra environment for the server (e.g. { SEED_DEMO: '1' })
//   defaultDatabase?: 'mariadb' to run on a private MariaDB unless --sqlite / --database-url
//   builds?: what must be built before the server starts (default ['cloud'])
// The runner builds the cloud if stale, starts its own server on spare ports (SQLite in a temp
// folder, or --mariadb for a private MariaDB, or --database-url / DATABASE_URL), runs the
// benchmark, stops everything, and prints the result as exactly one JSON line — the last line on
// stdout. Progress goes to stderr. Exit code 0 only when the result says ok.
//
// Common flags: --mariadb, --sqlite (over a benchmark's MariaDB default), --database-url <mysql://…>, --node-env <development|test>, --no-build,
// --cpu-prof <dir> (the server writes a V8 CPU profile there when it stops: open it in Chrome DevTools)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBuilt } from '../lib/builds.mjs';
import { parseArgs, startMariaDB, startServer, stderrLog } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const NOT_BENCHMARKS = new Set(['run', 'lib']);
const log = stderrLog('[bench] ');
const realStdoutWrite = process.stdout.write.bind(process.stdout);

function benchmarkNames() {
  return fs
    .readdirSync(here)
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => f.slice(0, -4))
    .filter((n) => !NOT_BENCHMARKS.has(n))
    .sort();
}

async function list() {
  realStdoutWrite('usage: npm run bench -- <name> [--mariadb | --sqlite] [--database-url URL] [benchmark flags]\n\nbenchmarks:\n');
  for (const name of benchmarkNames()) {
    let description = '';
    try {
      description = (await import(pathToFileURL(path.join(here, `${name}.mjs`)).href)).description ?? '';
    } catch (err) {
      description = `(cannot load: ${err.message})`;
    }
    realStdoutWrite(`  ${name.padEnd(14)} ${description}\n`);
  }
}

const [name, ...rest] = process.argv.slice(2);
if (!name || name === '--help' || name === '-h' || name === 'list') {
  await list();
  process.exit(0);
}
if (!/^[a-z0-9-]+$/.test(name) || NOT_BENCHMARKS.has(name) || !fs.existsSync(path.join(here, `${name}.mjs`))) {
  process.stderr.write(`unknown benchmark: ${name}\n`);
  await list();
  process.exit(2);
}

const args = parseArgs(rest);
// Only the final JSON line may reach stdout; anything a benchmark or library prints goes to stderr.
process.stdout.write = (chunk, encoding, cb) => process.stderr.write(chunk, encoding, cb);

const cleanups = [];
async function cleanup() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch (err) {
      log(`cleanup failed: ${err.message}`);
    }
  }
}
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    if (interrupted) return;
    interrupted = true;
    log(`${sig}: stopping`);
    await cleanup();
    realStdoutWrite(`${JSON.stringify({ benchmark: name, ok: false, error: `interrupted by ${sig}` })}\n`);
    process.exit(sig === 'SIGINT' ? 130 : 143);
  });
}

const started = Date.now();
let result;
try {
  const mod = await import(pathToFileURL(path.join(here, `${name}.mjs`)).href);
  if (typeof mod.run !== 'function') throw new Error(`scripts/bench/${name}.mjs does not export run()`);
  // the cloud, plus what a benchmark serves (`export const builds = ['cloud', 'h5', 'web']`)
  if (!args['no-build']) await ensureBuilt(mod.builds ?? ['cloud'], { log });

  let databaseUrl = typeof args['database-url'] === 'string' ? args['database-url'] : process.env.DATABASE_URL;
  if (args.sqlite) databaseUrl = undefined;
  // a benchmark whose figure the issue states on MariaDB (`export const defaultDatabase = 'mariadb'`)
  // gets a private one unless --sqlite or a database URL says otherwise
  if (args.mariadb || (mod.defaultDatabase === 'mariadb' && !args.sqlite && !databaseUrl)) {
    const db = startMariaDB({ database: 'hub_bench', log });
    cleanups.push(db.stop);
    databaseUrl = db.url;
  }
  const server = await startServer({
    databaseUrl,
    env: mod.serverEnv ?? {},
    nodeEnv: typeof args['node-env'] === 'string' ? args['node-env'] : 'development',
    nodeArgs: typeof args['cpu-prof'] === 'string' ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'])}`] : [],
    log,
  });
  cleanups.push(server.stop);
  const figures = await mod.run({ baseUrl: server.baseUrl, args, log: stderrLog(`[${name}] `), server });
  if (!figures || typeof figures.ok !== 'boolean') throw new Error(`${name}.run() must return an object with a boolean ok`);
  result = { benchmark: name, ...figures };
} catch (err) {
  log(err.stack ?? String(err));
  result = { benchmark: name, ok: false, error: err.message };
} finally {
  await cleanup();
}
result.wall_s = Math.round((Date.now() - started) / 100) / 10;
realStdoutWrite(`${JSON.stringify(result)}\n`);
process.exitCode = result.ok ? 0 : 1;
