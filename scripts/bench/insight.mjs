// Insight at scale (issue 16): N members, P receipts and E activity events in insight's read
// models (as the event handlers would have filled them, plus identity's members and households the
// roster sync reads), then
//   1. the read-model refresh — the `insight.refresh` job through the ops API (roster sync, then
//      the default period of the chain, every store and every group owner, set-based SQL) —
//      timed, with the server's RSS sampled every 50 ms;
//   2. the dashboard reads (概览 of the chain and of each store, as HQ) at 16 connections;
//   3. /api/health at the same 16 connections, the same run's yardstick.
// Targets: refresh <= 60 s and <= 300 MB RSS; dashboard p99 <= 300 ms.
// Correctness: the chain's and one store's figures the dashboard shows are checked against the
// generator's own answers (member counts, new members, receipts, buyers, net spend, active and
// silent members), computed here from the same formulas the SQL generator used.
//
//   npm run bench -- insight [--members 200000] [--purchases 2000000] [--events 5000000] [--stores 10] [--sqlite] [--buffer-pool-mb 1024]
//
// MariaDB by default (a private server is started): the rows are generated inside the database
// (INSERT … SELECT over MariaDB's sequence tables; a recursive CTE on SQLite), so loading 7 M rows
// takes the database's time, not this script's.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, calendar, getJson, loadTest, measureHealth, numberArg, provisionHq } from './lib.mjs';

const require = createRequire(path.join(ROOT, 'package.json'));

export const description =
  'Insight: members + receipts + events -> read-model refresh time/RSS and dashboard p99 at 16 connections (--members 200000 --purchases 2000000 --events 5000000; MariaDB by default)';
export const defaultDatabase = 'mariadb';

const DAY = 86_400_000;
const YEAR_S = 365 * 86_400;
const ID_BASE = 10_000_000;
const HOUSEHOLD_BASE = 10_000_000;
const OWNERS = 20;
const CATEGORIES = ['熟食', '粮油', '烘焙', '蔬菜'];
const KINDS = ['vote', 'visit', 'registration', 'checkin', 'entry', 'reply', 'visit', 'vote'];

// The generator, one formula per column, shared by the SQL below and the answers in JS.
const memberOf = (i, members) => (i * 7919) % members; // receipts
const eventMemberOf = (i, members) => (i * 6007) % members; // events
const receiptAgo = (i) => (i * 104729) % YEAR_S; // seconds before the base instant
const eventAgo = (i) => (i * 7727) % YEAR_S;
const totalOf = (i) => (i % 40 === 0 ? -(500 + (i % 1000)) : 1000 + ((i * 37) % 20000));
const registeredAgoDays = (k) => (k % 25 === 0 ? (k * 31) % 60 : 30 + ((k * 7919) % 700));
const storeIdx = (k, stores) => Math.floor(k / 2) % stores;

async function openDb(server) {
  if (server.dbKind === 'mysql') {
    const mysql = require('mysql2/promise');
    const conn = await mysql.createConnection({ uri: server.databaseUrl, timezone: 'Z' });
    return { kind: 'mysql', exec: async (sql, params = []) => (await conn.query(sql, params))[0], close: () => conn.end() };
  }
  const Database = require('better-sqlite3');
  const db = new Database(path.join(server.dataDir, 'hub.sqlite'), { timeout: 30_000 });
  db.pragma('journal_mode = WAL');
  return {
    kind: 'sqlite',
    exec: async (sql, params = []) => {
      const st = db.prepare(sql);
      const out = st.reader ? st.all(...params) : st.run(...params);
      await new Promise((r) => setImmediate(r));
      return out;
    },
    close: async () => db.close(),
  };
}

const time = (ms) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

async function insertMany(db, table, columns, count, rowOf, size = 2000) {
  const placeholders = `(${columns.map(() => '?').join(',')})`;
  for (let start = 0; start < count; start += size) {
    const n = Math.min(size, count - start);
    const params = [];
    for (let i = start; i < start + n; i++) params.push(...rowOf(i));
    await db.exec(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${new Array(n).fill(placeholders).join(',')}`, params);
  }
}

/** INSERT … SELECT over the integers [from, to] in chunks, with a progress line per chunk. */
async function insertSeries(db, log, label, total, chunk, build) {
  const t = Date.now();
  for (let from = 1; from <= total; from += chunk) {
    const to = Math.min(total, from + chunk - 1);
    const series =
      db.kind === 'mysql'
        ? `(SELECT CAST(seq AS SIGNED) AS i FROM seq_${from}_to_${to})`
        : `(WITH RECURSIVE s(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM s WHERE i < ${to}) SELECT i FROM s)`;
    await db.exec(build(series));
    log(`${label}: ${to.toLocaleString('en')} / ${total.toLocaleString('en')} (${((Date.now() - t) / 1000).toFixed(0)} s)`);
  }
}

function rssNowMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Shanghai day (YYYY-MM-DD) and its start instant. */
const shDay = (ms) => calendar().dayKey(ms);
const shStart = (day) => calendar().dayStartOfKey(day).getTime();

export async function run({ baseUrl, args, log, server }) {
  const M = numberArg(args, 'members', 200_000);
  const P = numberArg(args, 'purchases', 2_000_000);
  const E = numberArg(args, 'events', 5_000_000);
  const S = Math.max(1, numberArg(args, 'stores', 10));
  const maxRefresh = numberArg(args, 'max-refresh-seconds', 60);
  const maxRss = numberArg(args, 'max-rss-mb', 300);
  const maxP99 = numberArg(args, 'max-p99-ms', 300);
  const seconds = numberArg(args, 'seconds', 10);
  if (server.dbKind !== 'mysql') log('NOTE: running on SQLite; the issue asks for MariaDB (the default)');

  const hq = await provisionHq(server, { storeName: '压测门店1', log });
  const post = async (url, body) => {
    const res = await getJson(`${baseUrl}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${hq.token}` },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`POST ${url}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return res.body;
  };
  const storeIds = [hq.storeId];
  for (let s = 1; s < S; s++) storeIds.push((await post('/api/admin/stores', { name: `压测门店${s + 1}`, region: '压测片区' })).id);

  // the group owners (群主) whose members are a scope of their own
  const ownerIds = [];
  for (let o = 0; o < OWNERS; o++) {
    const made = await post('/api/admin/staff', {
      username: `ibench_owner${o}`,
      displayName: `群主${o}`,
      role: 'group_owner',
      storeId: storeIds[o % S],
      wecomUserId: `ibench_owner${o}`,
    });
    ownerIds.push(made.staff.id);
  }
  const db = await openDb(server);
  if (db.kind === 'mysql') {
    // the private test server starts with InnoDB's 128 MB default; a production MariaDB gives the
    // buffer pool most of its RAM. Size it for the data (--buffer-pool-mb 0 keeps the server's own)
    const poolMb = numberArg(args, 'buffer-pool-mb', 1024);
    if (poolMb > 0) {
      try {
        await db.exec(`SET GLOBAL innodb_buffer_pool_size = ${poolMb * 1024 * 1024}`);
        // grouping a quarter of 5M events per member spilled to an on-disk temp table in /tmp
        await db.exec(`SET GLOBAL tmp_table_size = ${128 * 1024 * 1024}, GLOBAL max_heap_table_size = ${128 * 1024 * 1024}`);
        log(`InnoDB buffer pool: ${poolMb} MB; in-memory temp tables up to 128 MB`);
      } catch (err) {
        log(`InnoDB buffer pool left as it is (${err.message})`);
      }
    }
  }
  const base = Math.floor(Date.now() / 1000) * 1000;
  const baseS = base / 1000;
  // the scheduler's refresh must not run on half-made data: hold its lease while generating
  const lease =
    db.kind === 'mysql'
      ? 'INSERT INTO job_lease (name, holder, expires_at, run_count) VALUES (?, ?, ?, 0) ON DUPLICATE KEY UPDATE holder = VALUES(holder), expires_at = VALUES(expires_at)'
      : 'INSERT INTO job_lease (name, holder, expires_at, run_count) VALUES (?, ?, ?, 0) ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at';
  await db.exec(lease, ['insight.refresh', 'bench-generator', time(base + 3 * 3600_000)]);

  const t0 = Date.now();
  log(`generating ${M} members in ${S} stores with ${Math.ceil(M / 2)} households ...`);
  const regAt = (k) => base - registeredAgoDays(k) * DAY - 3600_000;
  const owner = (k) => (k % 10 === 0 ? ownerIds[(k / 10) % OWNERS] : null);
  await insertMany(db, 'household', ['id', 'name', 'store_id', 'children_count', 'created_at'], Math.ceil(M / 2), (h) => [
    HOUSEHOLD_BASE + h,
    `压测家庭${h}`,
    storeIds[h % S],
    h % 3 === 0 ? 1 : 0,
    time(base - 800 * DAY),
  ]);
  await insertMany(
    db,
    'member',
    ['id', 'openid', 'nickname', 'tier', 'consent_version', 'status', 'store_id', 'household_id', 'group_owner_staff_id', 'created_at'],
    M,
    (k) => [
      ID_BASE + k,
      `o_ibench_${k}`,
      `会员${k}`,
      '银卡',
      '2026-11-01',
      'active',
      storeIds[storeIdx(k, S)],
      HOUSEHOLD_BASE + Math.floor(k / 2),
      owner(k),
      time(regAt(k)),
    ],
  );
  // insight's own member read model, as MemberRegistered + the roster sync leave it
  await insertMany(db, 'insight_member', ['member_id', 'store_id', 'household_id', 'household_kind', 'owner_staff_id', 'registered_at'], M, (k) => [
    ID_BASE + k,
    storeIds[storeIdx(k, S)],
    HOUSEHOLD_BASE + Math.floor(k / 2),
    Math.floor(k / 2) % 3 === 0 ? 'with_children' : 'adults',
    owner(k),
    time(regAt(k)),
  ]);
  const my = db.kind === 'mysql';
  const at = (ago) => (my ? `TIMESTAMPADD(SECOND, -(${ago}), '${time(base)}')` : `strftime('%Y-%m-%d %H:%M:%f', ${baseS} - (${ago}), 'unixepoch')`);
  const cat = `CASE s.i % 4 ${CATEGORIES.map((c, j) => `WHEN ${j} THEN '${c}'`).join(' ')} END`;
  const total = `CASE WHEN s.i % 40 = 0 THEN -(500 + s.i % 1000) ELSE 1000 + (s.i * 37) % 20000 END`;
  const json = my ? `CONCAT('{"', ${cat}, '":', ${total}, '}')` : `'{"' || ${cat} || '":' || (${total}) || '}'`;
  await insertSeries(
    db,
    log,
    'receipts',
    P,
    200_000,
    (series) =>
      `INSERT INTO insight_purchase (receipt_id, member_id, store_id, total_fen, categories, lines_fen, occurred_at)
     SELECT s.i, ${ID_BASE} + (s.i * 7919) % ${M}, ${storeIds[0]}, ${total},
       CASE WHEN s.i % 40 = 0 THEN '{}' ELSE ${json} END, CASE WHEN s.i % 40 = 0 THEN 0 ELSE ${total} END, ${at(`(s.i * 104729) % ${YEAR_S}`)}
     FROM ${series} s`,
  );
  const kind = `CASE s.i % 8 ${KINDS.map((k, j) => `WHEN ${j} THEN '${k}'`).join(' ')} END`;
  await insertSeries(
    db,
    log,
    'events',
    E,
    250_000,
    (series) =>
      `INSERT INTO insight_activity (source_key, member_id, kind, at)
     SELECT ${my ? `CONCAT('b', s.i)` : `'b' || s.i`}, ${ID_BASE} + (s.i * 6007) % ${M}, ${kind}, ${at(`(s.i * 7727) % ${YEAR_S}`)} FROM ${series} s`,
  );
  if (my) await db.exec('ANALYZE TABLE insight_member, insight_purchase, insight_activity, member, household');
  const generateS = (Date.now() - t0) / 1000;
  log(`generated in ${generateS.toFixed(1)} s`);

  // the answers, from the same formulas: the dashboard's default period is the last 30 Shanghai days
  const today = shDay(Date.now());
  const pFrom = shStart(shDay(shStart(today) - 29 * DAY));
  const pTo = shStart(today) + DAY;
  const inP = (t) => t >= pFrom && t < pTo;
  const silentFrom = pTo - 30 * DAY;
  const want = { chain: { members: 0, newMembers: 0, netSpendFen: 0, purchases: 0, buyers: 0, activeMembers: 0, silent30: 0 } };
  const store0 = { members: 0, newMembers: 0, netSpendFen: 0, purchases: 0 };
  const bought = new Uint8Array(M);
  const active = new Uint8Array(M);
  const stirred = new Uint8Array(M);
  for (let i = 1; i <= P; i++) {
    const t = base - receiptAgo(i) * 1000;
    const k = memberOf(i, M);
    if (t >= silentFrom && t < pTo) stirred[k] = 1;
    if (!inP(t)) continue;
    const fen = totalOf(i);
    want.chain.netSpendFen += fen;
    active[k] = 1;
    if (fen > 0) {
      want.chain.purchases++;
      bought[k] = 1;
    }
    if (storeIdx(k, S) === 0) {
      store0.netSpendFen += fen;
      if (fen > 0) store0.purchases++;
    }
  }
  for (let i = 1; i <= E; i++) {
    const t = base - eventAgo(i) * 1000;
    const k = eventMemberOf(i, M);
    if (t >= silentFrom && t < pTo) stirred[k] = 1;
    if (inP(t)) active[k] = 1;
  }
  for (let k = 0; k < M; k++) {
    const r = regAt(k);
    want.chain.members++;
    if (r >= pFrom) want.chain.newMembers++;
    if (bought[k]) want.chain.buyers++;
    if (active[k]) want.chain.activeMembers++;
    if (r < silentFrom && !stirred[k]) want.chain.silent30++;
    if (storeIdx(k, S) === 0) {
      store0.members++;
      if (r >= pFrom) store0.newMembers++;
    }
  }
  want.store0 = store0;

  if (my) {
    // let InnoDB flush the bulk load first, so the refresh figure is the refresh's own
    const t3 = Date.now();
    for (;;) {
      const rows = await db.exec("SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_buffer_pool_pages_dirty', 'Innodb_buffer_pool_pages_total')");
      const v = Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]));
      const dirty = v.Innodb_buffer_pool_pages_dirty / Math.max(1, v.Innodb_buffer_pool_pages_total);
      if (dirty < 0.1 || Date.now() - t3 > 60_000) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  await db.exec('UPDATE job_lease SET holder = NULL, expires_at = ? WHERE name = ?', [time(Date.now() - 1000), 'insight.refresh']);

  // 1. the refresh job, through the ops API
  let peak = rssNowMb(server.pid) ?? 0;
  const rssBefore = peak;
  const sampler = setInterval(() => {
    const r = rssNowMb(server.pid);
    if (r && r > peak) peak = r;
  }, 50);
  const t1 = Date.now();
  // node:http, not fetch: fetch gives up on a response slower than 300 s, and a slow refresh is a figure to report
  const res = await new Promise((resolve, reject) => {
    const req = http.request(
      `${baseUrl}/api/admin/insight/refresh-all`,
      { method: 'POST', headers: { authorization: `Bearer ${hq.token}`, 'content-length': 0 } },
      (r) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (c) => (text += c));
        r.on('end', () => resolve({ status: r.statusCode, text }));
      },
    );
    req.on('error', reject);
    req.end();
  });
  const refreshS = (Date.now() - t1) / 1000;
  clearInterval(sampler);
  const refresh = JSON.parse(res.text);
  if (res.status !== 200) throw new Error(`refresh failed: ${res.status} ${JSON.stringify(refresh).slice(0, 300)}`);
  const peakRss = Math.round(peak);
  log(`refresh: ${refreshS.toFixed(2)} s, ran ${refresh.ran}, ${refresh.scopes} scopes; RSS ${Math.round(rssBefore)} MB before, peak ${peakRss} MB`);

  // correctness: what the dashboard shows (served from the refreshed read model)
  const problems = [];
  const period = { from: shDay(pFrom), to: today };
  const overview = async (storeId) => {
    const q = new URLSearchParams({ ...period, ...(storeId ? { storeId: String(storeId) } : {}) });
    const r = await getJson(`${baseUrl}/api/admin/insight/overview?${q}`, { headers: { authorization: `Bearer ${hq.token}` } });
    if (r.status !== 200) throw new Error(`overview: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    return r.body;
  };
  const chain = await overview();
  const one = await overview(storeIds[0]);
  const got = {
    chain: {
      members: chain.figures.scale.members,
      newMembers: chain.figures.scale.newMembers,
      netSpendFen: chain.figures.value.netSpendFen,
      purchases: chain.figures.value.purchases,
      buyers: chain.figures.value.buyers,
      activeMembers: chain.figures.quality.activeMembers,
      silent30: chain.figures.flow.silent30,
    },
    store0: {
      members: one.figures.scale.members,
      newMembers: one.figures.scale.newMembers,
      netSpendFen: one.figures.value.netSpendFen,
      purchases: one.figures.value.purchases,
    },
  };
  for (const scope of ['chain', 'store0'])
    for (const [k, v] of Object.entries(want[scope])) if (got[scope][k] !== v) problems.push(`${scope}.${k}: dashboard ${got[scope][k]}, expected ${v}`);
  if (chain.computedAt !== (await overview()).computedAt) problems.push('the dashboard did not serve the refreshed read model');
  log(`checked: chain ${JSON.stringify(got.chain)}; store ${JSON.stringify(got.store0)}`);

  // 2. the dashboard at 16 connections (chain and every store, as HQ), 3. health at the same
  const q = (storeId) => `/api/admin/insight/overview?${new URLSearchParams({ ...period, ...(storeId ? { storeId: String(storeId) } : {}) })}`;
  const requests = [q(), ...storeIds.map((id) => q(id))].map((p) => ({ method: 'GET', path: p, headers: { authorization: `Bearer ${hq.token}` } }));
  const dash = await loadTest({ url: baseUrl, connections: 16, duration: seconds, warmup: 1, requests, label: 'dashboard', log });
  const health = await measureHealth(baseUrl, { connections: 16, seconds: 5, log });
  await db.close();

  if (!refresh.ran) problems.push('the refresh job did not run (lease held?)');
  if (refreshS > maxRefresh) problems.push(`refresh ${refreshS.toFixed(1)} s > ${maxRefresh} s`);
  if (peakRss > maxRss) problems.push(`peak RSS ${peakRss} MB > ${maxRss} MB`);
  if (dash.p99_ms > maxP99) problems.push(`dashboard p99 ${dash.p99_ms} ms > ${maxP99} ms`);
  if (dash.errors || dash.non2xx) problems.push(`dashboard: ${dash.errors} errors, ${dash.non2xx} non-2xx`);
  for (const p of problems) log(`NOT OK: ${p}`);
  return {
    ok: problems.length === 0,
    members: M,
    purchases: P,
    events: E,
    stores: S,
    scopes: refresh.scopes,
    refresh_s: Math.round(refreshS * 100) / 100,
    peak_rss_mb: peakRss,
    p99_ms: dash.p99_ms,
    p50_ms: dash.p50_ms,
    requests_per_s: dash.requests_per_s,
    health_p99_ms: health.p99_ms,
    health_requests_per_s: health.requests_per_s,
    generate_s: Math.round(generateS * 10) / 10,
    db: server.dbKind,
  };
}
