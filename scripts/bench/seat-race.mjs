// Seat race: N members (default 500) register for one session with S seats (default 20) at the same
// moment. Prints throughput and latency, then checks from the roster that exactly S are confirmed,
// the waitlist positions are 1..N-S with no gaps or duplicates, the waitlist order equals the
// arrival order (the order in which the server accepted the registrations), every member was told
// the position the roster shows, and afterwards that cancellations promote the first in line.
// Flags: --members <n> (500), --seats <n> (20), --login-concurrency <n> (25), --cancel <n> (5).
//
// Members are created the way real ones are: a wx.login code from the simulator and the member
// login route (no test-only fixture route exists in the cloud); the class is created by the demo
// HQ account through the ops API.
import { getJson, numberArg } from './lib.mjs';

export const description = 'N members register for an S-seat session at once (--members 500 --seats 20); checks no oversell and waitlist order';
export const serverEnv = { SEED_DEMO: '1' };

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
  const problems = [];

  // ---- ops: a free class with `seats` adult seats, three days ahead
  const config = await getJson(`${baseUrl}/api/config`);
  const privacyVersion = config.body?.privacyVersion ?? CONSENT_FALLBACK;
  const admin = await post(`${baseUrl}/api/auth/staff/login`, { username: 'admin', password: 'admin123' });
  if (admin.status !== 200) throw new Error(`demo admin login failed: ${admin.status} ${JSON.stringify(admin.body)}`);
  const hq = admin.body.token;
  const storeId = admin.body.staff.storeId ?? (await firstStoreId(baseUrl, hq));
  const start = new Date(Date.now() + 3 * 24 * 3600_000);
  const created = await post(
    `${baseUrl}/api/ops/classes`,
    {
      title: '抢座测试·手工水饺',
      type: 'class',
      hostName: '李师傅',
      storeId,
      adultSeats: seats,
      childSeats: 0,
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 90 * 60_000).toISOString(),
    },
    hq,
  );
  if (created.status !== 200) throw new Error(`create class failed: ${created.status} ${JSON.stringify(created.body)}`);
  const sessionId = created.body.sessions[0].id;
  log(`session ${sessionId}: ${seats} seats; logging in ${members} members through the simulator…`);

  // ---- members: wx.login code from the simulator -> member login
  const t0 = Date.now();
  const tokens = await pool(Array.from({ length: members }, (_, i) => i), loginConcurrency, async (i) => {
    const code = await post(`${server.simulatorUrl}/__sim/wechat/codes`, { openid: `o_seat_race_${Date.now().toString(36)}_${i}` });
    if (code.status !== 200) throw new Error(`simulator code failed: ${code.status}`);
    const login = await post(`${baseUrl}/api/auth/member/login`, { code: code.body.code, consentVersion: privacyVersion });
    if (login.status !== 200) throw new Error(`member login failed: ${login.status} ${JSON.stringify(login.body)}`);
    return login.body.token;
  });
  log(`${members} members logged in in ${((Date.now() - t0) / 1000).toFixed(1)} s; racing…`);

  // ---- the race: every registration fired at once
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
  const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
  const ok = answers.filter((a) => a.status === 200);
  const errors = answers.filter((a) => a.status !== 200);
  if (errors.length) problems.push(`${errors.length} registrations failed (first: ${errors[0].status} ${JSON.stringify(errors[0].body).slice(0, 160)})`);
  const confirmedAnswers = ok.filter((a) => a.body.status === 'confirmed');
  const waitlistedAnswers = ok.filter((a) => a.body.status === 'waitlisted');
  log(`race: ${ok.length} accepted in ${Math.round(raceMs)} ms; ${confirmedAnswers.length} confirmed, ${waitlistedAnswers.length} waitlisted`);

  // ---- verify from the server's roster
  const roster = await getJson(`${baseUrl}/api/ops/classes/sessions/${sessionId}/roster`, { headers: { authorization: `Bearer ${hq}` } });
  if (roster.status !== 200) throw new Error(`roster failed: ${roster.status}`);
  const items = roster.body.items;
  const confirmed = items.filter((i) => i.status === 'confirmed');
  const queue = items.filter((i) => i.status === 'waitlisted');
  const session = roster.body.session;
  if (confirmed.length !== seats) problems.push(`roster has ${confirmed.length} confirmed, expected ${seats}`);
  if (session.adultSeatsLeft !== 0) problems.push(`adult seats left ${session.adultSeatsLeft}, expected 0`);
  if (items.length !== members) problems.push(`roster has ${items.length} registrations, expected ${members}`);
  const seqs = items.map((i) => i.arrivalSeq).sort((a, b) => a - b);
  const arrivalDistinct = seqs.every((s, i) => s === i + 1);
  if (!arrivalDistinct) problems.push('arrival numbers are not exactly 1..N');
  const maxConfirmedSeq = Math.max(...confirmed.map((i) => i.arrivalSeq));
  const minQueuedSeq = queue.length ? Math.min(...queue.map((i) => i.arrivalSeq)) : Infinity;
  const seatsToFirstArrivals = maxConfirmedSeq < minQueuedSeq;
  if (!seatsToFirstArrivals) problems.push('a later arrival got a seat before an earlier one was waitlisted');
  const positionsOk = queue.every((i, idx) => i.waitlistPosition === idx + 1);
  const queueSeqs = queue.map((i) => i.arrivalSeq);
  const waitlistInOrder = positionsOk && queueSeqs.every((s, i) => i === 0 || s > queueSeqs[i - 1]);
  if (!waitlistInOrder) problems.push('waitlist positions are not 1..n in arrival order');
  const told = new Map(waitlistedAnswers.map((a) => [a.body.id, a.body.waitlistPosition]));
  const toldMatches = queue.every((i) => told.get(i.registrationId) === i.waitlistPosition);
  if (!toldMatches) problems.push('a member was told a different waitlist position than the roster shows');

  // ---- promotion: the first `cancelCount` confirmed cancel at once; the first in line move up
  let promotionInOrder = null;
  if (cancelCount > 0 && queue.length >= cancelCount) {
    const leavers = confirmedAnswers.slice(0, cancelCount);
    const cancels = await Promise.all(leavers.map((a) => post(`${baseUrl}/api/classes/registrations/${a.body.id}/cancel`, {}, a.token)));
    if (cancels.some((c) => c.status !== 200)) problems.push(`a cancellation failed: ${JSON.stringify(cancels.find((c) => c.status !== 200).body).slice(0, 160)}`);
    const after = await getJson(`${baseUrl}/api/ops/classes/sessions/${sessionId}/roster`, { headers: { authorization: `Bearer ${hq}` } });
    const promoted = after.body.items.filter((i) => i.promotedAt).map((i) => i.registrationId).sort((a, b) => a - b);
    const expected = queue.slice(0, cancelCount).map((i) => i.registrationId).sort((a, b) => a - b);
    promotionInOrder = JSON.stringify(promoted) === JSON.stringify(expected) && after.body.items.filter((i) => i.status === 'confirmed').length === seats;
    if (!promotionInOrder) problems.push(`promotion after ${cancelCount} cancellations did not move up the first ${cancelCount} in line`);
  }

  for (const p of problems) log(`NOT OK: ${p}`);
  return {
    ok: problems.length === 0,
    db: server.dbKind,
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
    registrations_per_s: Math.round((ok.length / raceMs) * 1000),
    p50_ms: percentile(latencies, 50),
    p99_ms: percentile(latencies, 99),
    max_ms: percentile(latencies, 100),
    ...(problems.length ? { problems } : {}),
  };
}

async function firstStoreId(baseUrl, token) {
  // HQ has no store of its own: take the store of a store account (the demo seed has one store)
  const staff = await getJson(`${baseUrl}/api/admin/staff`, { headers: { authorization: `Bearer ${token}` } });
  const withStore = staff.body?.items?.find((s) => s.storeId);
  if (!withStore) throw new Error('no store found in the demo data');
  return withStore.storeId;
}
