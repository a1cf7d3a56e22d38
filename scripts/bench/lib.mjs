// Shared pieces for benchmarks: a server on spare ports, a private MariaDB, and autocannon runs
// with a progress line per second. Everything here logs to stderr; stdout belongs to the runner's
// one JSON result line.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT } from '../lib/builds.mjs';

export { ROOT };
const require = createRequire(import.meta.url);

/**
 * The product's one Asia/Shanghai calendar (`contracts/calendar.ts`) as the cloud build compiled it
 * (`cloud/dist/contracts/calendar.js`): benchmarks are plain Node and cannot load TypeScript, and a
 * second copy of the arithmetic here could drift. Call it inside `run()` — the runner builds the
 * cloud before `run()` starts.
 */
export function calendar() {
  return require(path.join(ROOT, 'cloud', 'dist', 'contracts', 'calendar.js'));
}

export const stderrLog = (prefix) => (msg) => process.stderr.write(`${prefix}${msg}\n`);

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** `--a 1 --b=2 --flag pos` -> { a: '1', b: '2', flag: true, _: ['pos'] } */
export function parseArgs(argv) {
  const out = { _: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      out._.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[a.slice(2)] = argv[++i];
    else out[a.slice(2)] = true;
  }
  return out;
}

/** Number flag with a default; rejects junk instead of silently running with NaN. */
export function numberArg(args, name, fallback) {
  if (args[name] === undefined || args[name] === true) return fallback;
  const n = Number(args[name]);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${args[name]}`);
  return n;
}

export async function getJson(url, init) {
  let res;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    // undici says only "fetch failed": name the URL and the cause
    throw Object.assign(new Error(`${init?.method ?? 'GET'} ${url}: ${err.cause?.code ?? err.cause?.message ?? err.message}`), { cause: err.cause });
  }
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

/** Poll GET /api/health until it answers 200 with JSON; fail early if the server process died. */
export async function waitForHealth(baseUrl, { timeoutMs = 60_000, isDead = () => null } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const dead = isDead();
    if (dead) throw new Error(`server exited before it was healthy (${dead})`);
    try {
      const res = await getJson(`${baseUrl}/api/health`);
      if (res.status === 200 && res.body && typeof res.body === 'object') return res.body;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.cause?.code ?? err.message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server not healthy after ${timeoutMs / 1000} s (${last})`);
}

/**
 * Start `node cloud/bootstrap.js` on spare ports with the simulator on.
 * databaseUrl: mysql://… or undefined for SQLite in a fresh temp DATA_DIR. nodeArgs: flags for the
 * server's node (e.g. --cpu-prof, which NODE_OPTIONS does not accept).
 * Returns { baseUrl, simulatorUrl, port, simulatorPort, dbKind, databaseUrl, dataDir, health, stop() }.
 */
export async function startServer({ databaseUrl, env = {}, nodeEnv = 'development', nodeArgs = [], log = stderrLog('[bench] ') } = {}) {
  const entry = path.join(ROOT, 'cloud', 'bootstrap.js');
  if (!fs.existsSync(entry)) throw new Error('cloud/bootstrap.js does not exist');
  const port = await freePort();
  const simulatorPort = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-data-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  const childEnv = {
    ...process.env,
    NODE_ENV: nodeEnv,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_BASE_URL: baseUrl,
    DATA_DIR: dataDir,
    SIMULATOR: '1',
    SIMULATOR_PORT: String(simulatorPort),
    LOG_LEVEL: 'warn',
    ...env,
    // a benchmark measures only its own traffic, whatever the environment or the benchmark says:
    // no demo chain and never the showcase's channel adds, contests or classes (provisionHq below
    // makes the accounts and the store a benchmark needs)
    SEED_DEMO: '0',
    SEED_SHOWCASE: '0',
  };
  if (databaseUrl) childEnv.DATABASE_URL = databaseUrl;
  else delete childEnv.DATABASE_URL;

  const child = spawn(process.execPath, [...nodeArgs, entry], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = [];
  const forward = (stream) => {
    let buf = '';
    stream.on('data', (chunk) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        tail.push(line);
        if (tail.length > 200) tail.shift();
        process.stderr.write(`[server] ${line}\n`);
      }
    });
  };
  forward(child.stdout);
  forward(child.stderr);
  let exitInfo = null;
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exitInfo = signal ?? `exit ${code}`;
      resolve();
    });
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (exitInfo === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        log('server did not stop within 10 s of SIGTERM; killing it');
        child.kill('SIGKILL');
      }, 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const t0 = Date.now();
  let health;
  try {
    // 180 s: on a box at load ~25 (six engineers on 2 cores) a start with migrations took over 60 s
    health = await waitForHealth(baseUrl, { timeoutMs: 180_000, isDead: () => exitInfo });
  } catch (err) {
    await stop();
    throw err;
  }
  log(`server up on ${baseUrl} (db ${health?.db?.kind ?? '?'}, simulator :${simulatorPort}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return {
    baseUrl,
    simulatorUrl: `http://127.0.0.1:${simulatorPort}`,
    port,
    simulatorPort,
    dbKind: databaseUrl && /^mysql:\/\//.test(databaseUrl) ? 'mysql' : 'sqlite',
    databaseUrl,
    dataDir,
    health,
    pid: child.pid,
    output: () => tail.join('\n'),
    stop,
  };
}

/**
 * The WeChat/WeCom simulator as its own process on `port` (a benchmark then starts the server with
 * SIMULATOR=0 and WECOM_API_BASE/WECHAT_API_BASE pointing at it, so the server's event loop does
 * not also serve the platform's side). Returns { url, stop() }.
 */
export async function startSimulatorProcess({ port, log = stderrLog('[bench] ') }) {
  const main = path.join(ROOT, 'cloud', 'dist', 'cloud', 'simulator', 'main.js');
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, SIMULATOR_PORT: String(port), NODE_ENV: 'development' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  log(`simulator process on ${url}`);
  return { url, stop: () => child.kill('SIGTERM') };
}

/**
 * A private MariaDB (scripts/test/mariadb.sh) with an empty database `database`.
 * Returns { url (mysql://hub:hub@127.0.0.1:port/<database>), port, dir, stop() }; stop() is
 * synchronous so it also works from exit handlers.
 */
export function startMariaDB({ database = 'hub_bench', log = stderrLog('[bench] ') } = {}) {
  const script = path.join(ROOT, 'scripts', 'test', 'mariadb.sh');
  const res = spawnSync('bash', [script, 'start'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (res.status !== 0) throw new Error(`could not start MariaDB (mariadb.sh start exited ${res.status})`);
  const vars = Object.fromEntries(
    res.stdout
      .split('\n')
      .map((l) => l.match(/^([A-Z_]+)=(.*)$/))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  );
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    spawnSync('bash', [script, 'stop', vars.MARIADB_DIR], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  };
  const created = spawnSync('bash', [script, 'createdb', vars.MARIADB_DIR, database], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (created.status !== 0) {
    stop();
    throw new Error(`could not create database ${database}`);
  }
  log(`MariaDB on port ${vars.MARIADB_PORT}, database ${database}`);
  return { url: `${vars.MARIADB_URL}${database}`, port: Number(vars.MARIADB_PORT), dir: vars.MARIADB_DIR, stop };
}

function summarize(r) {
  const codes = {};
  for (const [code, v] of Object.entries(r.statusCodeStats ?? {})) codes[code] = v.count;
  return {
    requests_total: r.requests.total,
    requests_per_s: r.duration > 0 ? Math.round(r.requests.total / r.duration) : 0,
    p50_ms: r.latency.p50,
    p90_ms: r.latency.p90,
    p99_ms: r.latency.p99,
    max_ms: r.latency.max,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    mismatches: r.mismatches,
    status_codes: codes,
    connections: r.connections,
    duration_s: Math.round(r.duration * 10) / 10,
  };
}

/**
 * One autocannon run with a progress line per second on stderr, after an optional warm-up run
 * whose figures are thrown away. `options` are autocannon's (url, connections, duration, amount,
 * method, headers, body, requests, setupClient, overallRate, …). The warm-up sends the same
 * requests: keep warmup 0 when they have side effects a benchmark counts (votes, seats).
 * Returns { requests_total, requests_per_s, p50_ms, p90_ms, p99_ms, max_ms, errors, timeouts,
 * non2xx, mismatches, status_codes, connections, duration_s, raw }.
 */
export async function loadTest({ warmup = 0, label, log = stderrLog(''), ...options }) {
  const autocannon = require('autocannon');
  // The runner's log already names the benchmark; a label tells apart several runs in one benchmark.
  const tag = label ? `[${label}] ` : '';
  const runOnce = (opts, progress) =>
    new Promise((resolve, reject) => {
      let total = 0;
      let seconds = 0;
      const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
      if (progress) {
        instance.on('tick', ({ counter }) => {
          seconds += 1;
          total += counter;
          // autocannon emits one last, usually empty, tick when it stops.
          if (counter === 0 && opts.duration && seconds > opts.duration) return;
          log(`${tag}${String(seconds).padStart(3)} s  ${String(total).padStart(8)} requests  ${String(counter).padStart(6)} req/s`);
        });
      }
      const onSigint = () => instance.stop();
      process.once('SIGINT', onSigint);
      instance.on('done', () => process.removeListener('SIGINT', onSigint));
    });

  if (warmup > 0) {
    log(`${tag}warm-up ${warmup} s`);
    const w = await runOnce({ ...options, duration: warmup, amount: undefined }, false);
    log(`${tag}warm-up done: ${w.requests.total} requests, ${w.errors} errors, ${w.non2xx} non-2xx`);
  }
  log(`${tag}${options.connections ?? 10} connections, ${options.amount ? `${options.amount} requests` : `${options.duration ?? 10} s`}`);
  const raw = await runOnce(options, true);
  const summary = summarize(raw);
  log(
    `${tag}${summary.requests_total} requests, ${summary.requests_per_s} req/s, p50 ${summary.p50_ms} ms, ` +
      `p99 ${summary.p99_ms} ms, ${summary.errors} errors, ${summary.non2xx} non-2xx`,
  );
  return { ...summary, raw };
}

/**
 * The accounts a benchmark needs on a server started without demo data, made the way an operator
 * makes them: the first HQ admin through `npm run admin -- create-admin` (the CLI, against the
 * server's database), its first sign-in with the forced password change, then one store and, when
 * `staff` is given ({ username, displayName, wecomUserId, role }), a staff account in it through the
 * ops API. Returns { token (HQ admin), storeId, storeName, staff }.
 */
export async function provisionHq(server, { storeName = '压测门店', staff = null, log = stderrLog('[bench] ') } = {}) {
  const cli = path.join(ROOT, 'cloud', 'dist', 'cloud', 'src', 'cli', 'admin.js');
  const username = 'bench_hq';
  const first = `Bench-${Math.random().toString(36).slice(2)}-1`;
  const env = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn' };
  if (server.databaseUrl) env.DATABASE_URL = server.databaseUrl;
  else {
    delete env.DATABASE_URL;
    env.DATA_DIR = server.dataDir;
  }
  const made = spawnSync(process.execPath, [cli, 'create-admin', '--username', username, '--password-stdin'], {
    cwd: ROOT,
    env,
    input: `${first}\n`,
    encoding: 'utf8',
  });
  if (made.status !== 0) throw new Error(`create-admin failed (${made.status}): ${made.stderr || made.stdout}`);
  const post = async (url, body, token) => {
    const res = await getJson(`${server.baseUrl}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`POST ${url}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return res.body;
  };
  // the CLI run may have outlasted the server's keep-alive: a pooled socket it closed fails once
  await waitForHealth(server.baseUrl, { timeoutMs: 10_000 });
  const { token } = await post('/api/auth/staff/login', { username, password: first });
  await post('/api/staff/me/password', { currentPassword: first, newPassword: `${first}-changed` }, token);
  const store = await post('/api/admin/stores', { name: storeName, region: '压测片区' }, token);
  let staffProfile = null;
  if (staff) {
    const created = await post(
      '/api/admin/staff',
      { username: staff.username, displayName: staff.displayName, role: staff.role ?? 'staff', storeId: store.id, wecomUserId: staff.wecomUserId ?? null },
      token,
    );
    staffProfile = created.staff;
  }
  log(`provisioned HQ admin ${username} (CLI), store ${store.id} ${store.name}${staffProfile ? `, staff ${staffProfile.username}` : ''}`);
  return { token, storeId: store.id, storeName: store.name, staff: staffProfile };
}

/** Health at `connections` connections for `seconds` (the yardstick every figure is read against). */
export async function measureHealth(baseUrl, { connections = 64, seconds = 5, warmup = 1, log = stderrLog('') } = {}) {
  const r = await loadTest({ url: `${baseUrl}/api/health`, connections, duration: seconds, warmup, label: 'health', log });
  return { requests_per_s: r.requests_per_s, p50_ms: r.p50_ms, p99_ms: r.p99_ms, non2xx: r.non2xx, errors: r.errors };
}
