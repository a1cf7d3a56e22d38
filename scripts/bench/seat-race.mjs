// Seat race: N members (default 500) register for one session with S seats (default 20) at the same
// moment. Prints throughput and latency, then checks from the roster that exactly S are confirmed,
// the waitlist positions are 1..N-S with no gaps or duplicates, the waitlist order equals the
// arrival order (the order in which the server accepted the registrations), every member was told
// the position the roster shows, and afterwards that cancellations promote the first in line.
// Then a 64-connection phase: the same members register for P more sessions (default 5, 50 seats
// each) with 64 requests always in flight, checked the same way per session.
// Every figure is read against the same server's /api/health at 64 connections, measured first.
// Before the race every member opens the session's page (GET, kept-alive connection), as members
// do in the mini-program while they wait for registration to open; --cold skips that.
// MariaDB: statements per registration (SHOW GLOBAL STATUS 'Questions', background work included)
// are printed for the race and the phase; --general-log <file> writes them out; the race's and the
// phase's windows are printed on the monotonic clock of a server --cpu-prof, to slice the profile.
// Flags: --members <n> (500), --seats <n> (20), --login-concurrency <n> (25), --cancel <n> (5),
//        --phase-sessions <n> (5; a member may hold 6 upcoming bookings), --phase-seats <n> (50),
//        --connections <n> (64), --health-seconds <n> (5), --timeline (the phase's latencies per 100 ms)
//
// Members are created the way real ones are: a wx.login code from the simulator and the member
// login route (no test-only fixture route exists in the cloud); the classes are created through the
// ops API by an HQ admin made with the admin CLI (the server runs without demo data).
import { createRequire } from 'node:module';
import { getJson, loadTest, measureHealth, numberArg, provisionHq } from './lib.mjs';

const require = createRequire(import.meta.url);

/** MariaDB's statement counter (the server's statements per registration are the cost that matters here). */
async function statementCounter(server) {
  if (server.dbKind !== 'mysql') return null;
  const mysql = require('mysql2/promise');
  const conn = await mysql.createConnection({ uri: server.databaseUrl });
  const read = async () => Number((await conn.query("SHOW GLOBAL STATUS LIKE 'Questions'"))[0][0].Value);
  // --general-log <file>: MariaDB writes every statement of the race there (to see which they are)
  const logFile = typeof server.generalLog === 'string' ? server.generalLog : null;
  const on = async () => {
    if (logFile) await conn.query(`SET GLOBAL general_log_file = ?`, [logFile]).then(() => conn.query('SET GLOBAL general_log = 1'));
  };
  const off = async () => {
    if (logFile) await conn.query('SET GLOBAL general_log = 0');
  };
  return { read, on, off, close: () => conn.end() };
}

export const description =
  'N members register for an S-seat session at once (--members 500 --seats 20), then a 64-connection phase; checks no oversell and waitlist order';
// its figures are stated on MariaDB (issue 21)
export const defaultDatabase = 'mariadb';

const CONSENT_FALLBACK = '2026-11-01';

async function post(url, body, token, timeoutMs = 10_000) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body ?? {}),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed };
}

async function pool(items, concurrency, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

const monoUs = () => Number(process.hrtime.bigint() / 1000n);

function percentile(sorted, p) {
  if (!sorted.length) return null;
  const idx = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, idx)] * 10) / 10;
}

export async function run({ baseUrl, args, log, server }) {
  const members = numberArg(args, 'members', 500);
  const seats = numberArg(args, 'seats', 20);
  const loginConcurrency = numberArg(args, 'login-concurrency', 25);
  const cancelCount = Math.min(numberArg(args, 'cancel', 5), seats);
  if (members < 1 || seats < 1) throw new Error('--members and --seats must be at least 1');
  const phaseSessions = numberArg(args, 'phase-sessions', 5);
  const phaseSeats = numberArg(args, 'phase-seats', 50);
  const connections = numberArg(args, 'connections', 64);
  if (phaseSessions > 5) throw new Error('--phase-sessions: a member holds at most 6 upcoming bookings (the race takes one)');
  const problems = [];

  // ---- ops: an HQ admin and a store (no demo data), a free class with `seats` adult seats, three days ahead
  const config = await getJson(`${baseUrl}/api/config`);
  const privacyVersion = config.body?.privacyVersion ?? CONSENT_FALLBACK;
  const { token: hq, storeId } = await provisionHq(server, { log });
  const newSession = async (title, n, dayOffset) => {
    const start = new Date(Date.now() + dayOffset * 24 * 3600_000);
    const created = await post(
      `${baseUrl}/api/admin/classes`,
      {
        title,
        type: 'class',
        hostName: '李师傅',
        storeId,
        adultSeats: n,
        childSeats: 0,
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 90 * 60_000).toISOString(),
      },
      hq,
    );
    if (created.status !== 200) throw new Error(`create class failed: ${created.status} ${JSON.stringify(created.body)}`);
    return created.body.sessions[0].id;
  };
  const sessionId = await newSession('抢座测试·手工水饺', seats, 3);
  const phaseIds = [];
  for (let k = 0; k < phaseSessions; k++) phaseIds.push(await newSession(`抢座测试·小小面点师 ${k + 1}`, phaseSeats, 4 + k));

  // ---- the yardstick: the same server's health at the same concurrency, before any load
  const health = await measureHealth(baseUrl, { connections, seconds: numberArg(args, 'health-seconds', 5), log });
  log(`session ${sessionId}: ${seats} seats; logging in ${members} members through the simulator…`);

  // ---- members: wx.login code from the simulator -> member login
  const t0 = Date.now();
  const tokens = await pool(
    Array.from({ length: members }, (_, i) => i),
    loginConcurrency,
    async (i) => {
      const code = await post(`${server.simulatorUrl}/__sim/wechat/codes`, { openid: `o_seat_race_${Date.now().toString(36)}_${i}` });
      if (code.status !== 200) throw new Error(`simulator code failed: ${code.status}`);
      const login = await post(`${baseUrl}/api/auth/member/login`, { code: code.body.code, consentVersion: privacyVersion });
      if (login.status !== 200) throw new Error(`member login failed: ${login.status} ${JSON.stringify(login.body)}`);
      return login.body.token;
    },
  );
  log(`${members} members logged in in ${((Date.now() - t0) / 1000).toFixed(1)} s; racing…`);

  // every member has the session's page open when registration opens (as in the mini-program: the
  // page was loaded over the same kept-alive connection the registration then uses); --cold races
  // over fresh connections instead (the 500 connects then count in the race, on both sides)
  const opened = args.cold
    ? []
    : await Promise.all(
        tokens.map((token) =>
          fetch(`${baseUrl}/api/classes/sessions/${sessionId}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(60_000) }).then(
            async (res) => (await res.arrayBuffer(), res.status),
          ),
        ),
      );
  if (opened.some((st) => st !== 200)) throw new Error(`session page: ${opened.filter((st) => st !== 200).length} answers were not 200`);

  // ---- the race: every registration fired at once
  const counter = await statementCounter({ ...server, generalLog: args['general-log'] });
  await counter?.on();
  const statementsBefore = counter ? await counter.read() : 0;
  const raceStart = performance.now();
  const answers = await Promise.all(
    tokens.map(async (token) => {
      const t = performance.now();
      try {
        // a generous timeout: the race is about everyone arriving at once, not about giving up early
        const res = await post(`${baseUrl}/api/classes/sessions/${sessionId}/registrations`, { adults: 1 }, token, 120_000);
        return { ms: performance.now() - t, status: res.status, body: res.body, token };
      } catch (err) {
        return { ms: performance.now() - t, status: 0, body: { code: 'NETWORK_ERROR', message: err.message }, token };
      }
    }),
  );
  const raceMs = performance.now() - raceStart;
  // statements the server sent during the race (the counter's own two reads excluded)
  const raceStatements = counter ? (await counter.read()) - statementsBefore - 1 : null;
  await counter?.off();
  // the same monotonic clock as a server --cpu-prof (µs): slice the profile to the race
  log(`race window (monotonic µs): ${Math.round(monoUs() - raceMs * 1000)}–${Math.round(monoUs())}`);
  const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
  const ok = answers.filter((a) => a.status === 200);
  const errors = answers.filter((a) => a.status !== 200);
  if (errors.length) problems.push(`${errors.length} registrations failed (first: ${errors[0].status} ${JSON.stringify(errors[0].body).slice(0, 160)})`);
  const confirmedAnswers = ok.filter((a) => a.body.status === 'confirmed');
  const waitlistedAnswers = ok.filter((a) => a.body.status === 'waitlisted');
  log(`race: ${ok.length} accepted in ${Math.round(raceMs)} ms; ${confirmedAnswers.length} confirmed, ${waitlistedAnswers.length} waitlisted`);
  if (counter) {
    log(`race: ${raceStatements} statements on MariaDB (${(raceStatements / members).toFixed(1)} per registration, background work included)`);
    await counter.close();
  }

  // ---- verify from the server's roster
  const told = new Map(waitlistedAnswers.map((a) => [a.body.id, a.body.waitlistPosition]));
  const { confirmed, queue, waitlistInOrder, seatsToFirstArrivals, toldMatches } = await checkRoster({
    baseUrl,
    hq,
    sessionId,
    seats,
    members,
    told,
    problems,
    label: 'race',
  });

  // ---- promotion: the first `cancelCount` confirmed cancel at once; the first in line move up
  let promotionInOrder = null;
  if (cancelCount > 0 && queue.length >= cancelCount) {
    const leavers = confirmedAnswers.slice(0, cancelCount);
    const cancels = await Promise.all(leavers.map((a) => post(`${baseUrl}/api/classes/registrations/${a.body.id}/cancel`, {}, a.token)));
    if (cancels.some((c) => c.status !== 200))
      problems.push(`a cancellation failed: ${JSON.stringify(cancels.find((c) => c.status !== 200).body).slice(0, 160)}`);
    const after = await getJson(`${baseUrl}/api/admin/classes/sessions/${sessionId}/roster`, { headers: { authorization: `Bearer ${hq}` } });
    const promoted = after.body.items
      .filter((i) => i.promotedAt)
      .map((i) => i.registrationId)
      .sort((a, b) => a - b);
    const expected = queue
      .slice(0, cancelCount)
      .map((i) => i.registrationId)
      .sort((a, b) => a - b);
    promotionInOrder = JSON.stringify(promoted) === JSON.stringify(expected) && after.body.items.filter((i) => i.status === 'confirmed').length === seats;
    if (!promotionInOrder) problems.push(`promotion after ${cancelCount} cancellations did not move up the first ${cancelCount} in line`);
  }

  // ---- 64 connections: every member registers for each phase session, `connections` requests in flight
  const pairs = [];
  for (let m = 0; m < members; m++) for (const id of phaseIds) pairs.push({ token: tokens[m], sessionId: id });
  let phase = null;
  if (pairs.length) {
    let next = 0;
    const phaseTold = new Map();
    let phaseNon200 = 0;
    let firstBad = null;
    log(`64-connection phase: ${pairs.length} registrations over ${phaseIds.length} sessions of ${phaseSeats} seats, ${connections} connections`);
    const phaseCounter = await statementCounter({ ...server, generalLog: args['general-log'] ? `${args['general-log']}.phase` : undefined });
    await phaseCounter?.on();
    const phaseBefore = phaseCounter ? await phaseCounter.read() : 0;
    const phaseStartUs = monoUs();
    // autocannon ends an `amount` run on its next whole-second tick, so its duration (and requests/s)
    // is rounded up to whole seconds: the phase's rate is read from our own clock, to the last answer
    const phaseStart = performance.now();
    let lastAnswer = phaseStart;
    const timeline = [];
    const r = await loadTest({
      url: baseUrl,
      connections,
      amount: pairs.length,
      timeout: 60,
      label: 'register',
      log,
      requests: [
        {
          method: 'POST',
          setupRequest: (req, context) => {
            context.sentAt = performance.now();
            const pair = pairs[next++ % pairs.length];
            return {
              ...req,
              path: `/api/classes/sessions/${pair.sessionId}/registrations`,
              headers: { 'content-type': 'application/json', authorization: `Bearer ${pair.token}` },
              body: JSON.stringify({ adults: 1 }),
            };
          },
          onResponse: (status, body, context) => {
            lastAnswer = performance.now();
            // one request at a time per connection: this answers the request sent last on it
            timeline.push([lastAnswer - phaseStart, lastAnswer - context.sentAt]);
            if (status !== 200) {
              phaseNon200 += 1;
              firstBad ??= `${status} ${String(body).slice(0, 160)}`;
              return;
            }
            const b = JSON.parse(body);
            if (b.status === 'waitlisted') phaseTold.set(b.id, b.waitlistPosition);
          },
        },
      ],
    });
    // --timeline: where in the phase the slow answers were (a cold start shows in the first buckets)
    if (args.timeline) {
      const buckets = new Map();
      for (const [at, ms] of timeline) {
        const k = Math.floor(at / 100);
        if (!buckets.has(k)) buckets.set(k, []);
        buckets.get(k).push(ms);
      }
      for (const [k, list] of [...buckets].sort((a, b) => a[0] - b[0])) {
        list.sort((a, b) => a - b);
        log(`  ${String(k * 100).padStart(5)} ms: ${String(list.length).padStart(4)} answers, p50 ${percentile(list, 50)} ms, max ${percentile(list, 100)} ms`);
      }
    }
    if (phaseNon200 || r.errors || r.timeouts)
      problems.push(`64-connection phase: ${phaseNon200} non-200, ${r.errors} errors, ${r.timeouts} timeouts (first: ${firstBad})`);
    let allInOrder = true;
    for (const id of phaseIds) {
      const c = await checkRoster({
        baseUrl,
        hq,
        sessionId: id,
        seats: Math.min(phaseSeats, members),
        members,
        told: phaseTold,
        problems,
        label: `phase session ${id}`,
      });
      allInOrder &&= c.waitlistInOrder && c.seatsToFirstArrivals && c.toldMatches && c.confirmed.length === Math.min(phaseSeats, members);
    }
    const phaseRate = Math.round((r.requests_total / Math.max(1, lastAnswer - phaseStart)) * 1000);
    const phaseStatements = phaseCounter ? (await phaseCounter.read()) - phaseBefore - 1 : null;
    await phaseCounter?.off();
    await phaseCounter?.close();
    log(`64-connection phase window (monotonic µs): ${phaseStartUs}–${monoUs()}`);
    phase = {
      registrations: r.requests_total,
      statements_per_registration: phaseStatements === null ? null : Math.round((phaseStatements / r.requests_total) * 10) / 10,
      registrations_per_s: phaseRate,
      ratio_to_health: health.requests_per_s ? Math.round((phaseRate / health.requests_per_s) * 100) / 100 : null,
      p50_ms: r.p50_ms,
      p99_ms: r.p99_ms,
      p99_vs_health_p99: health.p99_ms ? Math.round((r.p99_ms / health.p99_ms) * 100) / 100 : null,
      correct: allInOrder && phaseNon200 === 0,
    };
    log(
      `64-connection phase: ${phaseRate} registrations/s in ${Math.round(lastAnswer - phaseStart)} ms (health ${health.requests_per_s} req/s), p99 ${r.p99_ms} ms (health p99 ${health.p99_ms} ms)`,
    );
  }

  const registrationsPerS = Math.round((ok.length / raceMs) * 1000);
  for (const p of problems) log(`NOT OK: ${p}`);
  return {
    ok: problems.length === 0,
    db: server.dbKind,
    health_rps: health.requests_per_s,
    health_p99_ms: health.p99_ms,
    members,
    seats,
    confirmed: confirmed.length,
    waitlisted: queue.length,
    waitlist_in_order: waitlistInOrder,
    seats_to_first_arrivals: seatsToFirstArrivals,
    told_positions_match: toldMatches,
    promotion_in_order: promotionInOrder,
    errors: errors.length,
    race_ms: Math.round(raceMs),
    registrations_per_s: registrationsPerS,
    ratio_to_health: health.requests_per_s ? Math.round((registrationsPerS / health.requests_per_s) * 1000) / 1000 : null,
    p50_ms: percentile(latencies, 50),
    p99_ms: percentile(latencies, 99),
    max_ms: percentile(latencies, 100),
    race_statements_per_registration: raceStatements === null ? null : Math.round((raceStatements / members) * 10) / 10,
    phase_64: phase,
    ...(problems.length ? { problems } : {}),
  };
}

/** The roster of one session against the rules: exactly `seats` confirmed, to the first arrivals; the waitlist 1..n in arrival order; told positions as shown. */
async function checkRoster({ baseUrl, hq, sessionId, seats, members, told, problems, label }) {
  const roster = await getJson(`${baseUrl}/api/admin/classes/sessions/${sessionId}/roster`, { headers: { authorization: `Bearer ${hq}` } });
  if (roster.status !== 200) throw new Error(`roster failed: ${roster.status}`);
  const items = roster.body.items;
  const confirmed = items.filter((i) => i.status === 'confirmed');
  const queue = items.filter((i) => i.status === 'waitlisted');
  const session = roster.body.session;
  if (confirmed.length !== seats) problems.push(`${label}: roster has ${confirmed.length} confirmed, expected ${seats}`);
  if (members >= seats && session.adultSeatsLeft !== 0) problems.push(`${label}: adult seats left ${session.adultSeatsLeft}, expected 0`);
  if (items.length !== members) problems.push(`${label}: roster has ${items.length} registrations, expected ${members}`);
  const seqs = items.map((i) => i.arrivalSeq).sort((a, b) => a - b);
  if (!seqs.every((s, i) => s === i + 1)) problems.push(`${label}: arrival numbers are not exactly 1..N`);
  const maxConfirmedSeq = Math.max(...confirmed.map((i) => i.arrivalSeq));
  const minQueuedSeq = queue.length ? Math.min(...queue.map((i) => i.arrivalSeq)) : Infinity;
  const seatsToFirstArrivals = maxConfirmedSeq < minQueuedSeq;
  if (!seatsToFirstArrivals) problems.push(`${label}: a later arrival got a seat before an earlier one was waitlisted`);
  const positionsOk = queue.every((i, idx) => i.waitlistPosition === idx + 1);
  const queueSeqs = queue.map((i) => i.arrivalSeq);
  const waitlistInOrder = positionsOk && queueSeqs.every((s, i) => i === 0 || s > queueSeqs[i - 1]);
  if (!waitlistInOrder) problems.push(`${label}: waitlist positions are not 1..n in arrival order`);
  const toldMatches = queue.every((i) => told.get(i.registrationId) === i.waitlistPosition);
  if (!toldMatches) problems.push(`${label}: a member was told a different waitlist position than the roster shows`);
  return { confirmed, queue, waitlistInOrder, seatsToFirstArrivals, toldMatches };
}
