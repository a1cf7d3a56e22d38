// Flash sale: B buyers (default 2,000) place orders for one chef dish with S units (default 300),
// pickup slots of 60, over C connections (64); some buyers fire a second order at the same time
// (the per-member limit is 1). The same run measures GET /api/health with the same connections.
// Then every accepted order is paid through the simulator's WeChat Pay face, whose signed,
// encrypted notifications (each sent twice) reach our notify URL. Checks: exactly S sold, no slot
// over capacity, no member over the limit, every accepted order paid once, and our paid totals
// equal to the simulator's and to the sum of the paid orders.
//
// `npm run bench -- flash-sale` (MariaDB by default; --sqlite to change). Flags: --buyers 2000,
// --stock 300, --slot-capacity 60, --slots 6, --connections 64, --duration 10 (health), --dupes 200.
//
// As in the votes benchmark, members, their sessions, one store and an HQ session are written
// straight into the server's database (what login would store); the campaign, item, slots,
// orders, payments and notifications go through the real API and the simulator.
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { createRequire } from 'node:module';
import { calendar, getJson, loadTest, numberArg } from './lib.mjs';

const require = createRequire(import.meta.url);

export const description = 'B buyers race for S units of one chef dish (slots of 60), pay with duplicate notifications; vs /api/health';
export const defaultDatabase = 'mariadb';

const PRIVACY_VERSION = '2026-11-01';
const dt = (d) => d.toISOString().replace('T', ' ').replace('Z', '');
const hashToken = (t) => createHash('sha256').update(t).digest('hex');

async function openDb(server) {
  if (server.dbKind === 'mysql') {
    const mysql = require('mysql2/promise');
    const conn = await mysql.createConnection({ uri: server.databaseUrl, timezone: 'Z', multipleStatements: false });
    return { run: async (sql, p = []) => (await conn.query(sql, p))[0], all: async (sql, p = []) => (await conn.query(sql, p))[0], close: () => conn.end() };
  }
  const Database = require('better-sqlite3');
  const db = new Database(path.join(server.dataDir, 'hub.sqlite'), { timeout: 10_000 });
  return { run: async (sql, p = []) => db.prepare(sql).run(...p), all: async (sql, p = []) => db.prepare(sql).all(...p), close: async () => db.close() };
}

async function seed(db, buyers, log) {
  const tag = randomBytes(4).toString('hex');
  const now = new Date();
  const expires = dt(new Date(now.getTime() + 86_400_000));
  await db.run(`INSERT INTO store (name, created_at) VALUES (?, ?)`, [`压测门店${tag}`, dt(now)]);
  const [{ id: storeId }] = await db.all(`SELECT id FROM store WHERE name = ?`, [`压测门店${tag}`]);
  const username = `bench_${tag}`;
  await db.run(`INSERT INTO staff_user (username, display_name, role, active, created_at) VALUES (?, ?, ?, ?, ?)`, [
    username,
    '压测运营',
    'hq_admin',
    1,
    dt(now),
  ]);
  const [{ id: staffId }] = await db.all(`SELECT id FROM staff_user WHERE username = ?`, [username]);
  const hq = randomBytes(32).toString('base64url');
  await db.run(`INSERT INTO session (token_hash, subject_type, subject_id, created_at, expires_at, last_seen_at, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
    hashToken(hq),
    'staff',
    Number(staffId),
    dt(now),
    expires,
    dt(now),
    'bench',
  ]);
  const tokens = [];
  for (let start = 0; start < buyers; start += 500) {
    const size = Math.min(500, buyers - start);
    const rows = Array.from({ length: size }, (_, i) => [`o_flash_${tag}_${start + i}`, `抢购会员${start + i}`, '新客', PRIVACY_VERSION, 'active', dt(now)]);
    await db.run(
      `INSERT INTO member (openid, nickname, tier, consent_version, status, created_at) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
      rows.flat(),
    );
    const ids = (
      await db.all(
        `SELECT id FROM member WHERE openid IN (${rows.map(() => '?').join(', ')}) ORDER BY id`,
        rows.map((r) => r[0]),
      )
    ).map((r) => Number(r.id));
    await db.run(
      `INSERT INTO consent_record (member_id, version, action, at) VALUES ${ids.map(() => '(?, ?, ?, ?)').join(', ')}`,
      ids.flatMap((id) => [id, PRIVACY_VERSION, 'granted', dt(now)]),
    );
    const sessions = ids.map((id) => {
      const token = randomBytes(32).toString('base64url');
      tokens.push({ memberId: id, token });
      return [hashToken(token), 'member', id, dt(now), expires, dt(now), 'bench'];
    });
    await db.run(
      `INSERT INTO session (token_hash, subject_type, subject_id, created_at, expires_at, last_seen_at, user_agent) VALUES ${sessions.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      sessions.flat(),
    );
  }
  log(`generated ${buyers} buyers with sessions, store ${storeId}`);
  return { storeId: Number(storeId), hq, tokens };
}

async function api(url, method, token, body) {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${url}: HTTP ${res.status} ${JSON.stringify(data)}`);
  return data;
}

async function pool(items, concurrency, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

export async function run({ baseUrl, args, log, server }) {
  const buyers = numberArg(args, 'buyers', 2000);
  const stock = numberArg(args, 'stock', 300);
  const capacity = numberArg(args, 'slot-capacity', 60);
  const slotCount = numberArg(args, 'slots', 6);
  const connections = numberArg(args, 'connections', 64);
  const duration = numberArg(args, 'duration', 10);
  const dupes = Math.min(numberArg(args, 'dupes', 200), buyers);
  const problems = [];
  const db = await openDb(server);
  try {
    const { storeId, hq, tokens } = await seed(db, buyers, log);
    const now = Date.now();
    const campaign = await api(`${baseUrl}/api/admin/preorder/campaigns`, 'POST', hq, {
      name: '压测年夜饭',
      saleStartsAt: new Date(now - 60_000).toISOString(),
      saleEndsAt: new Date(now + 86_400_000).toISOString(),
      cancelCutoffAt: new Date(now + 86_400_000).toISOString(),
      storeIds: [storeId],
    });
    const item = await api(`${baseUrl}/api/admin/preorder/campaigns/${campaign.id}/items`, 'POST', hq, {
      kind: 'chef_dish',
      theme: '大厨招牌',
      name: '大师佛跳墙',
      priceFen: 16800,
      stockTotal: stock,
      perMemberLimit: 1,
    });
    const day = calendar().addDaysToKey(calendar().dayKey(now), 2);
    const windows = Array.from({ length: slotCount }, (_, i) => ({
      start: `${String(9 + i).padStart(2, '0')}:00`,
      end: `${String(10 + i).padStart(2, '0')}:00`,
    }));
    const slots = (await api(`${baseUrl}/api/admin/preorder/campaigns/${campaign.id}/slots`, 'POST', hq, { storeId, days: [day], windows, capacity })).items;
    log(`campaign ${campaign.id}: ${stock} units, ${slots.length} slots of ${capacity}; ${buyers} buyers (+${dupes} second orders)`);

    // ---- health in the same run, same connections
    const health = await loadTest({ url: `${baseUrl}/api/health`, connections, duration, label: 'health', log });

    // ---- the sale: every buyer once, `dupes` of them twice (at the same time as their first)
    const plan = [];
    for (let i = 0; i < buyers; i++) {
      plan.push({ ...tokens[i], i });
      if (i < dupes) plan.push({ ...tokens[i], i });
    }
    let next = 0;
    const accepted = [];
    let firstSlotFull = null;
    const refused = {};
    const orders = await loadTest({
      url: baseUrl,
      connections,
      amount: plan.length,
      // a loaded box answers slowly; an answer given up on would hide an order the server took
      timeout: 60,
      label: 'orders',
      log,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const b = plan[next % plan.length];
            // by buyer, so a buyer's second order asks for the same slot and slots fill evenly
            const slot = slots[b.i % slots.length];
            next += 1;
            return {
              ...req,
              path: '/api/preorder/orders',
              headers: { ...req.headers, authorization: `Bearer ${b.token}`, 'content-type': 'application/json' },
              body: JSON.stringify({ campaignId: campaign.id, storeId, slotId: slot.id, lines: [{ itemId: item.id, qty: 1 }] }),
            };
          },
          onResponse: (status, body, context) => {
            try {
              const parsed = JSON.parse(body);
              if (status === 200) accepted.push(parsed);
              else refused[parsed.code ?? status] = (refused[parsed.code ?? status] ?? 0) + 1;
              if (parsed.code === 'PREORDER_SLOT_FULL' && !firstSlotFull) firstSlotFull = { after: accepted.length, message: parsed.message };
            } catch {
              refused[status] = (refused[status] ?? 0) + 1;
            }
            return context;
          },
        },
      ],
    });
    log(`orders: ${accepted.length} accepted; refused ${JSON.stringify(refused)}; first slot refusal ${JSON.stringify(firstSlotFull)}`);
    log(`slots after the sale: ${JSON.stringify(await db.all(`SELECT id, booked, capacity FROM preorder_slot WHERE campaign_id = ?`, [campaign.id]))}`);

    // ---- what the server holds is the truth (an answer lost to a client timeout still made an order)
    const placed = (await db.all(`SELECT id, member_id AS memberId, order_no AS orderNo FROM preorder_order WHERE campaign_id = ?`, [campaign.id])).map(
      (r) => ({ id: Number(r.id), memberId: Number(r.memberId), orderNo: r.orderNo }),
    );
    if (placed.length !== accepted.length) problems.push(`${placed.length} orders stored, ${accepted.length} answered 200`);
    accepted.length = 0;
    accepted.push(...placed);

    // ---- pay every order; the simulator notifies twice per payment
    const tokenOf = new Map(tokens.map((t) => [t.memberId, t.token]));
    let paidCalls = 0;
    await pool(accepted, 16, async (o) => {
      const p = await api(`${baseUrl}/api/preorder/orders/${o.id}/pay`, 'POST', tokenOf.get(o.memberId));
      const res = await fetch(`${server.simulatorUrl}/__sim/pay/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prepay_id: p.requestPayment.package.slice('prepay_id='.length), duplicates: 1, wait: true }),
      });
      if (!res.ok) problems.push(`simulator confirm ${o.orderNo}: ${res.status}`);
      paidCalls++;
      if (paidCalls % 100 === 0) log(`paid ${paidCalls}/${accepted.length}`);
    });
    // the outbox settles the orders right after each notification; wait until all show paid
    const t0 = Date.now();
    let paidOrders = 0;
    for (;;) {
      [{ n: paidOrders }] = await db.all(`SELECT COUNT(*) AS n FROM preorder_order WHERE campaign_id = ? AND status = 'paid'`, [campaign.id]);
      paidOrders = Number(paidOrders);
      if (paidOrders >= accepted.length || Date.now() - t0 > 60_000) break;
      await new Promise((r) => setTimeout(r, 500));
    }

    // ---- checks, from the database and the simulator
    const [{ sold }] = await db.all(`SELECT sold FROM preorder_item WHERE id = ?`, [item.id]);
    const over = await db.all(`SELECT id, booked, capacity FROM preorder_slot WHERE campaign_id = ? AND booked > capacity`, [campaign.id]);
    const [{ n: bookedSum }] = await db.all(`SELECT SUM(booked) AS n FROM preorder_slot WHERE campaign_id = ?`, [campaign.id]);
    const [{ n: overLimit }] = await db.all(`SELECT COUNT(*) AS n FROM preorder_member_item WHERE item_id = ? AND qty > 1`, [item.id]);
    const [{ n: multi }] = await db.all(
      `SELECT COUNT(*) AS n FROM (SELECT member_id FROM preorder_order WHERE campaign_id = ? GROUP BY member_id HAVING COUNT(*) > 1) x`,
      [campaign.id],
    );
    const [{ n: ordersFen }] = await db.all(`SELECT COALESCE(SUM(total_fen), 0) AS n FROM preorder_order WHERE campaign_id = ? AND status = 'paid'`, [
      campaign.id,
    ]);
    const [{ n: paidFen }] = await db.all(
      `SELECT COALESCE(SUM(t.amount_fen), 0) AS n FROM pay_transaction t JOIN preorder_order o ON o.order_no = t.out_trade_no WHERE o.campaign_id = ? AND t.status = 'paid'`,
      [campaign.id],
    );
    const [{ n: paidEvents }] = await db.all(`SELECT COUNT(*) AS n FROM domain_event WHERE type = 'OrderPaid'`);
    const [{ n: notes }] = await db.all(`SELECT COUNT(*) AS n FROM pay_notification`);
    const sim = (await getJson(`${server.simulatorUrl}/__sim/pay/summary`)).body;
    if (Number(sold) !== stock) problems.push(`sold ${sold}, expected ${stock}`);
    if (accepted.length !== stock) problems.push(`${accepted.length} orders accepted, expected ${stock}`);
    if (over.length) problems.push(`${over.length} slots over capacity`);
    if (Number(bookedSum) !== accepted.length) problems.push(`slot places ${bookedSum} != orders ${accepted.length}`);
    if (Number(overLimit) || Number(multi)) problems.push(`per-member limit broken: ${overLimit} over, ${multi} with several orders`);
    if (paidOrders !== accepted.length) problems.push(`${paidOrders} of ${accepted.length} orders paid`);
    if (Number(ordersFen) !== Number(paidFen) || Number(paidFen) !== sim.paidFen)
      problems.push(`paid totals differ: orders ${ordersFen}, trades ${paidFen}, simulator ${sim.paidFen}`);
    if (Number(paidEvents) !== accepted.length) problems.push(`${paidEvents} OrderPaid events for ${accepted.length} orders`);
    if (Number(notes) !== 2 * accepted.length) problems.push(`${notes} notifications stored, expected ${2 * accepted.length} (each sent twice)`);
    if (orders.errors) problems.push(`${orders.errors} connection errors`);
    const final = await getJson(`${baseUrl}/api/health`);
    if (final.status !== 200) problems.push('server unhealthy after the run');

    const ratio = health.requests_per_s > 0 ? Math.round((orders.requests_per_s / health.requests_per_s) * 100) / 100 : 0;
    const targets = { ratio: ratio >= 0.4, p99: orders.p99_ms <= 2 * health.p99_ms };
    if (problems.length) for (const p of problems) log(`PROBLEM: ${p}`);
    log(
      `orders ${orders.requests_per_s}/s (p50 ${orders.p50_ms} ms, p99 ${orders.p99_ms} ms) vs health ${health.requests_per_s}/s (p99 ${health.p99_ms} ms): ratio ${ratio}; targets ${JSON.stringify(targets)}`,
    );
    return {
      ok: problems.length === 0,
      db: server.dbKind,
      buyers,
      stock,
      sold: Number(sold),
      orders_per_s: orders.requests_per_s,
      health_per_s: health.requests_per_s,
      ratio,
      p50_ms: orders.p50_ms,
      p99_ms: orders.p99_ms,
      health_p99_ms: health.p99_ms,
      targets_met: targets,
      refused,
      paid_orders: paidOrders,
      paid_fen: Number(paidFen),
      simulator_paid_fen: sim.paidFen,
      notifications: Number(notes),
      problems,
    };
  } finally {
    await db.close();
  }
}
