// Journey evaluation at scale: generate members (each a WeCom contact), their activity events and
// the activity projection the event handlers would have maintained, straight into the database
// with multi-row INSERTs; then time one evaluation through the ops API (the same job the scheduler
// runs, under its lease): who is due (the wake-up journey's 30 days without interaction, computed
// set-based in SQL) and enqueue their steps (message outbox rows, step log, enrolment advance).
// Targets: <= 20 s and <= 300 MB RSS of the server process during the evaluation.
//
//   npm run bench -- journeys --mariadb [--members 200000] [--events 2000000]
//
// Works on SQLite too (smaller sizes recommended); the figure is on MariaDB.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, getJson, numberArg } from './lib.mjs';

const require = createRequire(path.join(ROOT, 'package.json'));

export const description = 'Journeys: N members + M events -> time to find who is due and enqueue their steps (--members 200000 --events 2000000, use --mariadb)';
// Demo accounts for the ops API; V8's old space capped like a memory-bounded deployment would do
// (without a cap V8 lets garbage pile up well past the ~70 MB live heap before collecting).
export const serverEnv = { SEED_DEMO: '1', NODE_OPTIONS: '--max-old-space-size=192' };

const DAY = 86_400_000;
const ID_BASE = 10_000_000;

/** A tiny adapter: mysql2 or better-sqlite3 with the same `exec(sql, params)`. */
async function openDb(server) {
  if (server.dbKind === 'mysql') {
    const mysql = require('mysql2/promise');
    const conn = await mysql.createConnection({ uri: server.databaseUrl, timezone: 'Z', multipleStatements: false });
    const fmt = (d) => d.toISOString().slice(0, 23).replace('T', ' ');
    return {
      kind: 'mysql',
      time: fmt,
      exec: async (sql, params = []) => (await conn.query(sql, params))[0],
      close: () => conn.end(),
    };
  }
  const Database = require('better-sqlite3');
  const db = new Database(path.join(server.dataDir, 'hub.sqlite'), { timeout: 30_000 });
  db.pragma('journal_mode = WAL');
  const fmt = (d) => d.toISOString().slice(0, 23).replace('T', ' ');
  return {
    kind: 'sqlite',
    time: fmt,
    exec: async (sql, params = []) => {
      const st = db.prepare(sql);
      return st.reader ? st.all(...params) : st.run(...params);
    },
    close: async () => db.close(),
  };
}

/** INSERT rows in chunks of `size` (one statement each). */
async function insertMany(db, table, columns, count, rowOf, size) {
  const placeholders = `(${columns.map(() => '?').join(',')})`;
  for (let start = 0; start < count; start += size) {
    const n = Math.min(size, count - start);
    const params = [];
    for (let i = start; i < start + n; i++) params.push(...rowOf(i));
    await db.exec(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${new Array(n).fill(placeholders).join(',')}`, params);
  }
}

function rssPeakMb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    return hwm ? Math.round(Number(hwm[1]) / 1024) : null;
  } catch {
    return null;
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

/** The next instant (from now) whose Asia/Shanghai clock is between 10:00 and 20:00. */
function daytime(now) {
  const local = new Date(now.getTime() + 8 * 3600_000);
  const h = local.getUTCHours();
  if (h >= 10 && h < 20) return now;
  const next = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + (h >= 20 ? 1 : 0), 10) - 8 * 3600_000;
  return new Date(next);
}

export async function run({ baseUrl, args, log, server }) {
  const members = numberArg(args, 'members', 200_000);
  const events = numberArg(args, 'events', 2_000_000);
  const maxSeconds = numberArg(args, 'max-seconds', 20);
  const maxRss = numberArg(args, 'max-rss-mb', 300);
  if (server.dbKind !== 'mysql') log('NOTE: running on SQLite; the issue asks for MariaDB (--mariadb)');

  const db = await openDb(server);
  const now = new Date();
  const at = (ms) => db.time(new Date(ms));
  // each member has a "last active" offset of 0–45 days; events fall within 90 days after it
  // mulberry32: a small deterministic PRNG (Math.imul keeps it in 32-bit integers)
  let seed = 42;
  const rnd = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const lastAgo = new Float64Array(members);
  for (let i = 0; i < members; i++) lastAgo[i] = rnd() * 45 * DAY;

  // the scheduler runs journeys.evaluate every minute: hold its lease while the data is half-made
  const lease = db.kind === 'mysql' ? 'INSERT INTO job_lease (name, holder, expires_at, run_count) VALUES (?, ?, ?, 0) ON DUPLICATE KEY UPDATE holder = VALUES(holder), expires_at = VALUES(expires_at)' : 'INSERT INTO job_lease (name, holder, expires_at, run_count) VALUES (?, ?, ?, 0) ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at';
  await db.exec(lease, ['journeys.evaluate', 'bench-generator', at(now.getTime() + 3600_000)]);

  const t0 = Date.now();
  log(`generating ${members} members and their WeCom contacts ...`);
  await insertMany(db, 'member', ['id', 'openid', 'nickname', 'tier', 'consent_version', 'status', 'created_at'], members, (i) => [ID_BASE + i, `o_bench_${i}`, `会员${i}`, '银卡', '2026-11-01', 'active', at(now.getTime() - 200 * DAY)], 2000);
  await insertMany(db, 'wecom_contact', ['external_user_id', 'name', 'follow_user_id', 'member_id', 'added_at', 'created_at'], members, (i) => [`wmbench${i}`, `会员${i}`, 'zhaoliu', ID_BASE + i, at(now.getTime() - 150 * DAY), at(now.getTime() - 150 * DAY)], 2000);
  await insertMany(
    db,
    'journey_customer',
    ['external_user_id', 'member_id', 'is_primary', 'staff_user_id', 'added_at', 'opted_out', 'updated_at'],
    members,
    (i) => [`wmbench${i}`, ID_BASE + i, 1, 'zhaoliu', at(now.getTime() - 150 * DAY), 0, at(now.getTime() - 150 * DAY)],
    2000,
  );
  log(`generating ${events} activity events ...`);
  const kinds = ['visit', 'visit', 'order', 'checkin', 'reply'];
  const col = { visit: 1, order: 2, checkin: 3, reply: 4 };
  // the projection the event handlers maintain: per member, the last time of each kind (0 = none)
  const last = new Float64Array(members * 5);
  await insertMany(
    db,
    'activity_log',
    ['member_id', 'kind', 'at', 'source_key'],
    events,
    (i) => {
      const m = Math.floor(rnd() * members);
      const kind = kinds[i % kinds.length];
      const t = now.getTime() - lastAgo[m] - rnd() * 90 * DAY;
      if (t > last[m * 5]) last[m * 5] = t;
      if (t > last[m * 5 + col[kind]]) last[m * 5 + col[kind]] = t;
      return [ID_BASE + m, kind, at(t), `bench:${i}`];
    },
    5000,
  );
  const withActivity = [];
  for (let m = 0; m < members; m++) if (last[m * 5] > 0) withActivity.push(m);
  const maybe = (t) => (t > 0 ? at(t) : null);
  await insertMany(
    db,
    'member_activity',
    ['member_id', 'last_interaction_at', 'last_visit_at', 'last_order_at', 'last_checkin_at', 'last_reply_at', 'last_order_title'],
    withActivity.length,
    (k) => {
      const m = withActivity[k];
      return [ID_BASE + m, at(last[m * 5]), maybe(last[m * 5 + 1]), maybe(last[m * 5 + 2]), maybe(last[m * 5 + 3]), maybe(last[m * 5 + 4]), last[m * 5 + 2] > 0 ? '草莓、鲜牛奶' : null];
    },
    2000,
  );
  if (db.kind === 'mysql') await db.exec('ANALYZE TABLE journey_customer, member_activity, journey_enrolment, activity_log');
  const generateS = (Date.now() - t0) / 1000;
  const cutoff = at(now.getTime() - 30 * DAY);
  const [{ n: quietWithActivity }] = await db.exec('SELECT COUNT(*) AS n FROM member_activity WHERE last_interaction_at < ? AND member_id >= ?', [cutoff, ID_BASE]);
  const expected = Number(quietWithActivity) + (members - withActivity.length); // no activity at all: quiet since added
  log(`generated in ${generateS.toFixed(1)} s; ${expected} members quiet for 30+ days`);
  if (db.kind === 'mysql') {
    // a bulk load leaves InnoDB flushing dirty pages for a while: let it settle so the figure is
    // the evaluation's, not the loader's aftermath (below 10% dirty, at most 60 s)
    const t3 = Date.now();
    for (;;) {
      const rows = await db.exec("SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_buffer_pool_pages_dirty', 'Innodb_buffer_pool_pages_total')");
      const v = Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]));
      const dirty = v.Innodb_buffer_pool_pages_dirty / Math.max(1, v.Innodb_buffer_pool_pages_total);
      if (dirty < 0.1 || Date.now() - t3 > 60_000) {
        log(`database settled in ${((Date.now() - t3) / 1000).toFixed(1)} s (${(dirty * 100).toFixed(1)}% dirty pages)`);
        break;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  await db.exec('UPDATE job_lease SET holder = NULL, expires_at = ? WHERE name = ?', [at(Date.now() - 1000), 'journeys.evaluate']);

  // one evaluation, through the ops API (same job the scheduler runs, under its lease)
  const login = await getJson(`${baseUrl}/api/auth/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin123' }) });
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status}`);
  let peakDuring = rssNowMb(server.pid) ?? 0;
  const sampler = setInterval(() => {
    const r = rssNowMb(server.pid);
    if (r && r > peakDuring) peakDuring = r;
  }, 50);
  const evalAt = daytime(now);
  const t2 = Date.now();
  const res = await fetch(`${baseUrl}/api/admin/journey-runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${login.body.token}` },
    body: JSON.stringify({ now: evalAt.toISOString() }),
    signal: AbortSignal.timeout(600_000),
  });
  const seconds = (Date.now() - t2) / 1000;
  clearInterval(sampler);
  const body = await res.json();
  if (res.status !== 200) throw new Error(`journey run failed: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  const peakRss = Math.round(Math.max(peakDuring, 0));
  const lifetimePeak = rssPeakMb(server.pid);
  const [{ n: queued }] = await db.exec("SELECT COUNT(*) AS n FROM wecom_outbound WHERE kind = 'msg_template'");
  await db.close();
  log(`evaluation: ${seconds.toFixed(2)} s wall (${body.ms} ms in the server); enrolled ${body.enrolled}, steps ${body.stepsRun}, deferred ${body.deferred}; ${queued} messages queued`);
  log(`server RSS peak during the run ${peakRss} MB (process lifetime peak ${lifetimePeak} MB)`);

  const problems = [];
  if (!body.ran) problems.push('the job did not run (lease held?)');
  if (body.enrolled < expected) problems.push(`enrolled ${body.enrolled} < ${expected} due`);
  if (body.stepsRun < body.enrolled) problems.push(`steps run ${body.stepsRun} < enrolled ${body.enrolled}`);
  if (seconds > maxSeconds) problems.push(`${seconds.toFixed(1)} s > ${maxSeconds} s`);
  if (peakRss > maxRss) problems.push(`peak RSS ${peakRss} MB > ${maxRss} MB`);
  for (const p of problems) log(`NOT OK: ${p}`);
  return {
    ok: problems.length === 0,
    members,
    events,
    seconds: Math.round(seconds * 100) / 100,
    peak_rss_mb: peakRss,
    enrolled: body.enrolled,
    steps_enqueued: body.stepsRun,
    messages_queued: Number(queued),
    generate_s: Math.round(generateS * 10) / 10,
    lifetime_peak_rss_mb: lifetimePeak,
    node_options: serverEnv.NODE_OPTIONS,
    db: server.dbKind,
  };
}
