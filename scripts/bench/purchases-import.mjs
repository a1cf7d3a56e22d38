// Purchases import at scale: a generated POS export of N lines (5 lines a receipt, ~4 receipts a
// member over the last year, 90 % with the member's phone number) goes through the same code path as
// the ops page — multipart upload, mapping, the background import job (streaming parse, batches of
// 500 receipts, one multi-row INSERT each, phone digests matched through identity's lookup), its
// progress polled. Meanwhile /api/health is timed (the import must not hold the event loop). Then
// the outbox is drained (PurchaseRecorded to RFM, journeys, feedback, community, recipes), RFM is
// recomputed for every member through the ops API (PUT /api/admin/rfm recompute=true) and timed.
// Checks: stored receipts/lines/totals equal the file's, every phone receipt matched its member,
// RFM scored exactly the members who bought, and a second import of the same file adds nothing.
// Targets (issue 11): import <= 60 s, peak RSS <= 300 MB, RFM recompute <= 20 s (MariaDB).
//
//   npm run bench -- purchases-import [--lines 1000000] [--members 50000] [--sqlite] [--skip-second]
//
// Members, one store and an HQ session are written straight into the database (what login and
// registration would store); everything about receipts goes through the API.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, calendar, numberArg, parseArgs } from './lib.mjs';

const require = createRequire(path.join(ROOT, 'package.json'));

export const description =
  'Purchases: import a POS file of N lines (--lines 1000000 --members 50000) through the ops import job, then RFM for all members; vs /api/health';
export const defaultDatabase = 'mariadb';
const cli = parseArgs(process.argv.slice(3));
// the heap a long-running job server is given (as in the journeys benchmark): V8 otherwise sizes
// it from the machine's RAM and lets garbage pile up far past what the import keeps live
export const SERVER_HEAP = '--max-old-space-size=192';
export const serverEnv = { SEED_DEMO: '0', NODE_OPTIONS: typeof cli['node-options'] === 'string' ? cli['node-options'] : SERVER_HEAP };

const DAY = 86_400_000;
const PRIVACY_VERSION = '2026-11-01';
const dt = (d) => d.toISOString().slice(0, 23).replace('T', ' ');
const hashToken = (t) => createHash('sha256').update(t).digest('hex');

async function openDb(server) {
  if (server.dbKind === 'mysql') {
    const mysql = require('mysql2/promise');
    const conn = await mysql.createConnection({ uri: server.databaseUrl, timezone: 'Z', multipleStatements: false });
    return { run: async (sql, p = []) => (await conn.query(sql, p))[0], all: async (sql, p = []) => (await conn.query(sql, p))[0], close: () => conn.end() };
  }
  const Database = require('better-sqlite3');
  const db = new Database(path.join(server.dataDir, 'hub.sqlite'), { timeout: 30_000 });
  const yieldAfter = async (v) => (await new Promise((r) => setImmediate(r)), v);
  return {
    run: async (sql, p = []) => yieldAfter(db.prepare(sql).run(...p)),
    all: async (sql, p = []) => yieldAfter(db.prepare(sql).all(...p)),
    close: async () => db.close(),
  };
}

/** mulberry32: a small deterministic PRNG. */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const phoneOf = (i) => `139${String(10_000_000 + i).slice(-8)}`;
const PRODUCTS = [
  ['690101', '有机菠菜', '蔬菜'],
  ['690102', '鲜牛奶', '乳品'],
  ['690103', '澳洲和牛M5', '肉禽/牛肉'],
  ['690104', '土鸡蛋', '蛋品'],
  ['690105', '五常大米', '粮油'],
  ['690106', '獭祭清酒', '酒水/清酒'],
  ['690107', '赣南脐橙', '水果'],
  ['690108', '手工水饺', '冷冻'],
  ['690109', '老抽', '调味'],
  ['690110', '全麦面包', '烘焙'],
];

async function seed(db, members, log) {
  const tag = randomBytes(4).toString('hex');
  const now = new Date();
  await db.run('INSERT INTO store (name, active, created_at) VALUES (?, ?, ?)', [`压测门店${tag}`, 1, dt(now)]);
  const [{ id: storeId }] = await db.all('SELECT id FROM store WHERE name = ?', [`压测门店${tag}`]);
  const username = `bench_${tag}`;
  await db.run('INSERT INTO staff_user (username, display_name, role, active, created_at) VALUES (?, ?, ?, ?, ?)', [
    username,
    '压测运营',
    'hq_admin',
    1,
    dt(now),
  ]);
  const [{ id: staffId }] = await db.all('SELECT id FROM staff_user WHERE username = ?', [username]);
  const hq = randomBytes(32).toString('base64url');
  await db.run('INSERT INTO session (token_hash, subject_type, subject_id, created_at, expires_at, last_seen_at, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    hashToken(hq),
    'staff',
    Number(staffId),
    dt(now),
    dt(new Date(now.getTime() + DAY)),
    dt(now),
    'bench',
  ]);
  // the server's own digest function (compiled), so the bench cannot drift from it
  const { phoneDigest } = require(path.join(ROOT, 'cloud', 'dist', 'cloud', 'src', 'core', 'pii.js'));
  const ids = new Int32Array(members);
  for (let start = 0; start < members; start += 1000) {
    const n = Math.min(1000, members - start);
    const rows = Array.from({ length: n }, (_, k) => [
      `o_pi_${tag}_${start + k}`,
      `会员${start + k}`,
      phoneDigest(phoneOf(start + k)),
      '新客',
      Number(storeId),
      PRIVACY_VERSION,
      'active',
      dt(now),
    ]);
    await db.run(
      `INSERT INTO member (openid, nickname, phone_digest, tier, store_id, consent_version, status, created_at) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      rows.flat(),
    );
    const got = await db.all(
      `SELECT id, openid FROM member WHERE openid IN (${rows.map(() => '?').join(', ')})`,
      rows.map((r) => r[0]),
    );
    for (const g of got) ids[Number(String(g.openid).split('_').pop())] = Number(g.id);
  }
  log(`generated ${members} members with phone digests, store ${storeId}`);
  return { storeId: Number(storeId), hq, ids };
}

/** The POS export: rows of a receipt are consecutive; local times (Asia/Shanghai). Returns the file's own figures. */
async function writeFile(file, lines, members, now) {
  const rnd = prng(11);
  const { formatDateTimeSeconds } = calendar();
  const out = fs.createWriteStream(file);
  const write = (s) => (out.write(s) ? null : new Promise((r) => out.once('drain', r)));
  await write('\ufeff单号,交易时间,收银台,手机号,商品编码,商品名称,品类,数量,单价,金额\n');
  const receipts = Math.ceil(lines / 5);
  let totalFen = 0;
  let written = 0;
  let withPhone = 0;
  const buyers = new Uint8Array(members);
  for (let r = 0; r < receipts; r++) {
    const member = Math.floor(rnd() * members);
    const phone = rnd() < 0.9 ? phoneOf(member) : '';
    if (phone) {
      withPhone++;
      buyers[member] = 1;
    }
    // within the last year, at least an hour ago; local wall clock written as text
    const at = new Date(now - DAY / 24 - Math.floor(rnd() * 364 * DAY));
    const local = formatDateTimeSeconds(Math.floor(at.getTime() / 1000) * 1000);
    let chunk = '';
    for (let k = 0; k < 5 && written < lines; k++, written++) {
      const [sku, name, category] = PRODUCTS[Math.floor(rnd() * PRODUCTS.length)];
      const fen = 100 + Math.floor(rnd() * 9900);
      totalFen += fen;
      const yuan = (fen / 100).toFixed(2);
      chunk += `B${r},${local},T${1 + (r % 4)},${phone},${sku},${name},${category},1,${yuan},${yuan}\n`;
    }
    const p = write(chunk);
    if (p) await p;
  }
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
  let buyerCount = 0;
  for (const b of buyers) buyerCount += b;
  return { lines: written, receipts, totalFen, withPhone, buyers: buyerCount };
}

async function api(baseUrl, method, p, token, body) {
  const res = await fetch(`${baseUrl}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}) },
    body: body instanceof FormData ? body : body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(600_000),
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status} ${JSON.stringify(data).slice(0, 300)}`);
  return data;
}

const rssNowMb = (pid) => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
};

/** CPU seconds (user + system) a process has used so far, from /proc (null when unreadable). */
const cpuSeconds = (pid) => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
};

/** The private MariaDB's process id (its pid file), so its CPU time can be read on a loaded box. */
async function databasePid(db, server) {
  if (server.dbKind !== 'mysql') return null;
  try {
    const [{ f }] = await db.all('SELECT @@pid_file AS f');
    return Number(fs.readFileSync(String(f), 'utf8').trim()) || null;
  } catch {
    return null;
  }
}

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null);

/** Upload, map, start and poll one import; RSS and /api/health latency sampled throughout. */
async function importOnce({ baseUrl, hq, storeId, file, server, log, label, dbPid }) {
  const form = new FormData();
  form.append('file', await fs.openAsBlob(file), 'pos-export.csv');
  const t0 = Date.now();
  const cpu0 = [cpuSeconds(server.pid), dbPid ? cpuSeconds(dbPid) : null];
  const up = await api(baseUrl, 'POST', `/api/admin/purchases/imports?storeId=${storeId}&kind=receipts`, hq, form);
  const mapping = {
    receiptNo: '单号',
    occurredAt: '交易时间',
    till: '收银台',
    phone: '手机号',
    sku: '商品编码',
    name: '商品名称',
    category: '品类',
    qty: '数量',
    unitPrice: '单价',
    amount: '金额',
  };
  await api(baseUrl, 'POST', `/api/admin/purchases/imports/${up.id}/start`, hq, { mapping, dateFormat: 'YYYY-MM-DD HH:mm:ss', timeZone: 'Asia/Shanghai' });
  let peak = rssNowMb(server.pid);
  const health = [];
  let stop = false;
  const sampler = setInterval(() => (peak = Math.max(peak, rssNowMb(server.pid))), 100);
  const prober = (async () => {
    while (!stop) {
      const s = performance.now();
      const res = await fetch(`${baseUrl}/api/health`).catch(() => null);
      if (res) await res.arrayBuffer();
      health.push(performance.now() - s);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  let view;
  try {
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      view = await api(baseUrl, 'GET', `/api/admin/purchases/imports/${up.id}`, hq);
      const s = (Date.now() - t0) / 1000;
      log(
        `[${label}] ${s.toFixed(0).padStart(4)} s  ${view.status.padEnd(8)} ${Math.round((100 * view.processedBytes) / Math.max(1, view.totalBytes))}%  rows ${view.rows}  added ${view.added}  duplicates ${view.duplicates}  RSS ${Math.round(rssNowMb(server.pid))} MB`,
      );
      if (view.status === 'done' || view.status === 'failed') break;
    }
  } finally {
    stop = true;
    clearInterval(sampler);
    await prober;
  }
  const seconds = (Date.now() - t0) / 1000;
  const cpu1 = [cpuSeconds(server.pid), dbPid ? cpuSeconds(dbPid) : null];
  const used = (i) => (cpu0[i] === null || cpu1[i] === null ? null : Math.round((cpu1[i] - cpu0[i]) * 10) / 10);
  health.sort((a, b) => a - b);
  return {
    id: up.id,
    view,
    seconds,
    peak: Math.round(peak),
    healthP50: Math.round(pct(health, 50)),
    healthP99: Math.round(pct(health, 99)),
    healthMax: Math.round(health[health.length - 1] ?? 0),
    healthSamples: health.length,
    load: Math.round(os.loadavg()[0] * 10) / 10, // at the end of the import
    serverCpu: used(0),
    dbCpu: used(1),
  };
}

export async function run({ baseUrl, args, log, server }) {
  const lines = numberArg(args, 'lines', 1_000_000);
  const members = numberArg(args, 'members', Math.max(10, Math.round(lines / 20)));
  const maxSeconds = numberArg(args, 'max-seconds', 60);
  const maxRss = numberArg(args, 'max-rss-mb', 300);
  const maxRfm = numberArg(args, 'max-rfm-seconds', 20);
  const maxDrain = numberArg(args, 'max-drain-seconds', 3600);
  if (server.dbKind !== 'mysql') log('NOTE: running on SQLite; the issue asks for MariaDB (the default)');
  const db = await openDb(server);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-import-'));
  const problems = [];
  try {
    const { storeId, hq, ids } = await seed(db, members, log);
    const file = path.join(tmp, 'pos-export.csv');
    const now = Date.now();
    const fig = await writeFile(file, lines, members, now);
    log(
      `file: ${fig.lines} lines, ${fig.receipts} receipts (${fig.withPhone} with a phone, ${fig.buyers} members), ${(fs.statSync(file).size / 1e6).toFixed(1)} MB, total ¥${(fig.totalFen / 100).toFixed(2)}`,
    );

    const dbPid = await databasePid(db, server);
    const first = await importOnce({ baseUrl, hq, storeId, file, server, log, label: 'import', dbPid });
    // CPU seconds say what the import costs whatever else the box runs (wall time does not on a shared box)
    const cpuTotal = first.serverCpu !== null && first.dbCpu !== null ? first.serverCpu + first.dbCpu : null;
    log(
      `import: ${first.seconds.toFixed(1)} s, ${Math.round(fig.lines / first.seconds)} lines/s, server RSS peak ${first.peak} MB; /api/health during it p50 ${first.healthP50} ms, p99 ${first.healthP99} ms, max ${first.healthMax} ms (${first.healthSamples} probes); CPU: server ${first.serverCpu} s, MariaDB ${first.dbCpu ?? '?'} s (${cpuTotal ? Math.round(fig.lines / cpuTotal) : '?'} lines per CPU-second); load ${first.load}`,
    );
    if (first.view.status !== 'done') problems.push(`import ended ${first.view.status}: ${first.view.message}`);
    if (first.view.added !== fig.receipts || first.view.errors !== 0)
      problems.push(`import added ${first.view.added} (errors ${first.view.errors}), file has ${fig.receipts}`);
    const [stored] = await db.all(
      'SELECT COUNT(*) AS n, SUM(total_fen) AS fen, SUM(CASE WHEN member_id IS NOT NULL THEN 1 ELSE 0 END) AS matched FROM receipt WHERE import_id = ?',
      [first.id],
    );
    const [storedLines] = await db.all('SELECT COUNT(*) AS n FROM receipt_line l JOIN receipt r ON r.id = l.receipt_id WHERE r.import_id = ?', [first.id]);
    if (Number(stored.n) !== fig.receipts || Number(stored.fen) !== fig.totalFen || Number(storedLines.n) !== fig.lines)
      problems.push(`stored ${stored.n} receipts / ${storedLines.n} lines / ${stored.fen} fen, file ${fig.receipts} / ${fig.lines} / ${fig.totalFen}`);
    if (Number(stored.matched) !== fig.withPhone) problems.push(`${stored.matched} receipts matched by phone, ${fig.withPhone} carry one`);

    // downstream: the outbox delivers PurchaseRecorded to every projection
    const t1 = Date.now();
    for (let lastLog = 0; ;) {
      const [{ n }] = await db.all('SELECT COUNT(*) AS n FROM domain_event WHERE dispatched_at IS NULL AND attempts < 8');
      if (Number(n) === 0) break;
      if (Date.now() - t1 > maxDrain * 1000) {
        problems.push(`outbox not drained after ${maxDrain} s (${n} events pending)`);
        break;
      }
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        log(`[events] ${((Date.now() - t1) / 1000).toFixed(0).padStart(4)} s  ${n} pending  RSS ${Math.round(rssNowMb(server.pid))} MB`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const eventsSeconds = (Date.now() - t1) / 1000;
    log(`events delivered in ${eventsSeconds.toFixed(1)} s`);

    const current = await api(baseUrl, 'GET', '/api/admin/rfm', hq);
    const t2 = Date.now();
    const rfm = await api(baseUrl, 'PUT', '/api/admin/rfm', hq, { ...current.thresholds, recompute: true });
    const rfmSeconds = (Date.now() - t2) / 1000;
    const scored = rfm.stores.find((s) => s.storeId === storeId)?.members ?? 0;
    log(`RFM recompute: ${rfmSeconds.toFixed(1)} s, ${scored} members scored at the store (${fig.buyers} bought with their phone)`);
    if (scored !== fig.buyers) problems.push(`RFM scored ${scored} members, ${fig.buyers} bought`);
    const [{ n: rfmRows }] = await db.all(`SELECT COUNT(*) AS n FROM member_rfm WHERE member_id IN (${[ids[0], ids[members - 1]].join(',')})`);
    if (fig.buyers === members && Number(rfmRows) !== 2) problems.push('RFM rows missing for the first / last member');

    let second = null;
    if (!args['skip-second']) {
      second = await importOnce({ baseUrl, hq, storeId, file, server, log, label: 'again', dbPid });
      if (second.view.status !== 'done' || second.view.added !== 0 || second.view.duplicates !== fig.receipts)
        problems.push(`second import: ${second.view.status}, added ${second.view.added}, duplicates ${second.view.duplicates}`);
      const [again] = await db.all('SELECT COUNT(*) AS n FROM receipt WHERE store_id = ?', [storeId]);
      if (Number(again.n) !== fig.receipts) problems.push(`after the second import ${again.n} receipts at the store`);
      log(`second import: ${second.seconds.toFixed(1)} s, added ${second.view.added}, duplicates ${second.view.duplicates}`);
    }
    for (const p of problems) log(`PROBLEM: ${p}`);
    const targets = { import: first.seconds <= maxSeconds, rss: first.peak <= maxRss, rfm: rfmSeconds <= maxRfm };
    log(
      `targets: import ≤ ${maxSeconds} s ${targets.import ? 'met' : 'NOT met'}, RSS ≤ ${maxRss} MB ${targets.rss ? 'met' : 'NOT met'}, RFM ≤ ${maxRfm} s ${targets.rfm ? 'met' : 'NOT met'}`,
    );
    return {
      db: server.dbKind,
      lines: fig.lines,
      receipts: fig.receipts,
      members,
      seconds: Math.round(first.seconds * 10) / 10,
      lines_per_s: Math.round(fig.lines / first.seconds),
      peak_rss_mb: first.peak,
      server_cpu_s: first.serverCpu,
      db_cpu_s: first.dbCpu,
      lines_per_cpu_s: cpuTotal ? Math.round(fig.lines / cpuTotal) : null,
      load_1m: first.load,
      health_p50_ms: first.healthP50,
      health_p99_ms: first.healthP99,
      health_max_ms: first.healthMax,
      events_seconds: Math.round(eventsSeconds * 10) / 10,
      rfm_seconds: Math.round(rfmSeconds * 10) / 10,
      rfm_members: scored,
      second_import_seconds: second ? Math.round(second.seconds * 10) / 10 : null,
      second_import_added: second ? second.view.added : null,
      targets_met: targets.import && targets.rss && targets.rfm,
      ok: problems.length === 0,
    };
  } finally {
    await db.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
