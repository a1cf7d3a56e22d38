/** Health and config, migrations on an empty database, the demo seed, the outbox, concurrent writes. */
import { CURRENT_PRIVACY_VERSION, identity, system, wecom } from '../../contracts';
import { Db } from '../src/core/db';
import { JobRunner } from '../src/core/jobs';
import { SessionRow } from '../src/core/auth/session.entity';
import { DomainEvent, EventDelivery } from '../src/core/events/domain-event.entity';
import { In } from 'typeorm';
import { EventBus } from '../src/core/events/event-bus';
import { BUSY_AT, requestStarted, requestsInFlight, whenCalm } from '../src/core/request-load';
import { Household } from '../src/modules/identity/entities/household.entity';
import { Member } from '../src/modules/identity/entities/member.entity';
import { StaffUser } from '../src/modules/identity/entities/staff-user.entity';
import { Store } from '../src/modules/identity/entities/store.entity';
import { WecomContact } from '../src/modules/wecom/entities/wecom-contact.entity';
import { DEMO_ACCOUNTS, SeedService } from '../src/seed/seed.service';
import { demoPopulation } from '../src/seed/demo-data';
import { demoReceipts } from '../src/seed/demo-receipts';
import { draftProblem } from '../src/modules/purchases/rules';
import { DEFAULT_RFM_THRESHOLDS, scoreStore } from '../src/modules/tags/rfm.rules';
import { startTestApp, type TestApp } from './helpers/app';

let t: TestApp;
let d: Db;
beforeAll(async () => {
  t = await startTestApp();
  d = await t.container.getAsync(Db);
});
afterAll(async () => {
  await t?.close();
});

test('health reports the database kind and that every shipped migration is applied', async () => {
  const h = await t.client().call(system.health);
  const loaded = d.dataSource.migrations.map((m) => m.name);
  expect(loaded).toEqual(expect.arrayContaining(['CoreTables1763800000000', 'IdentityTables1763800000100', 'WecomContact1763800200000']));
  expect(h).toEqual({
    status: 'ok',
    time: expect.any(String),
    db: { kind: t.dbKind, migrations: { applied: loaded.length, pending: 0, last: expect.stringMatching(/^\d{13}$/) } },
  });
  for (const m of loaded) expect(m).toMatch(/\d{13}$/);
});

test('public config names the WeCom app and no secrets', async () => {
  const c = await t.client().call(system.publicConfig);
  expect(c).toEqual({ env: 'test', privacyVersion: CURRENT_PRIVACY_VERSION, wecom: { corpId: 'ww_dev_corp', agentId: '1000002' }, simulator: null });
  const raw = JSON.stringify(c);
  expect(raw).not.toMatch(/secret/i);
});

test('concurrent first logins: all distinct people register; the same person twice stays one member', async () => {
  const codes = await Promise.all(Array.from({ length: 12 }, () => t.wechatCode()));
  const results = await Promise.all(
    codes.map(({ code }) => t.client().call(identity.memberLogin, { body: { code, consentVersion: CURRENT_PRIVACY_VERSION } })),
  );
  expect(new Set(results.map((r) => r.member.id)).size).toBe(12);
  const first = await t.wechatCode();
  const twin = await t.wechatCode({ openid: first.openid });
  const both = await Promise.all(
    [first, twin].map(({ code }) => t.client().call(identity.memberLogin, { body: { code, consentVersion: CURRENT_PRIVACY_VERSION } })),
  );
  expect(both[0].member.id).toBe(both[1].member.id);
  expect(await d.manager.countBy(Member, { openid: first.openid })).toBe(1);
});

test('outbox: delivery is once per handler, failures are retried, the event is marked dispatched', async () => {
  const bus = await t.container.getAsync(EventBus);
  const seen: number[] = [];
  let flakyCalls = 0;
  bus.on('MemberDeleted', 'test.counter', async (e) => {
    seen.push(e.payload.memberId);
  });
  bus.on('MemberDeleted', 'test.flaky', async () => {
    flakyCalls += 1;
    if (flakyCalls === 1) throw new Error('flaky handler');
  });
  const id = await d.transaction((em) => bus.emit(em, 'MemberDeleted', { memberId: 424242 }));
  // the commit kicks a pass (the flaky handler fails); drain runs another pass, which retries it
  await bus.drain();
  await bus.drain();
  const ev = await d.manager.findOneByOrFail(DomainEvent, { id });
  expect(ev.dispatchedAt).toBeInstanceOf(Date);
  expect(ev.attempts).toBe(2);
  expect(ev.lastError).toBeNull();
  expect(flakyCalls).toBe(2);
  expect(seen.filter((m) => m === 424242)).toHaveLength(1);
  expect((await d.manager.findBy(EventDelivery, { eventId: id })).map((r) => r.handler)).toEqual(expect.arrayContaining(['test.counter', 'test.flaky']));

  // an event written in a transaction that rolls back never exists
  await expect(
    d.transaction(async (em) => {
      await bus.emit(em, 'MemberDeleted', { memberId: 515151 });
      throw new Error('rollback');
    }),
  ).rejects.toThrow('rollback');
  await bus.drain();
  expect(seen).not.toContain(515151);
});

test('outbox: a run of one type is delivered in chunks; a failing event is isolated and retried alone', async () => {
  const bus = await t.container.getAsync(EventBus);
  const calls = new Map<number, number>();
  let failOnce = true;
  bus.on('MemberDeleted', 'test.run', async (e, em) => {
    const m = e.payload.memberId;
    if (m < 900000) return;
    calls.set(m, (calls.get(m) ?? 0) + 1);
    if (m === 900077 && failOnce) {
      failOnce = false;
      throw new Error('one bad event');
    }
    await em.query('SELECT 1'); // writes go through the chunk's transaction
  });
  await d.transaction((em) =>
    bus.emitMany(
      em,
      'MemberDeleted',
      Array.from({ length: 150 }, (_, i) => ({ memberId: 900000 + i })),
    ),
  );
  await bus.drain();
  await bus.drain();
  const rows = await d.manager.find(DomainEvent, { where: { type: 'MemberDeleted' }, order: { id: 'DESC' }, take: 150 });
  expect(rows.every((r) => r.dispatchedAt instanceof Date && r.lastError === null)).toBe(true);
  expect(calls.size).toBe(150);
  // the failed chunk (100 events) was rolled back and replayed one by one: its events ran twice in all, the others once
  const twice = [...calls.entries()].filter(([, n]) => n === 2).map(([m]) => m);
  expect(twice).toContain(900077);
  expect([...calls.values()].every((n) => n <= 2)).toBe(true);
  expect(twice.length).toBeLessThanOrEqual(100);
  expect(await d.manager.countBy(EventDelivery, { handler: 'test.run', eventId: In(rows.map((r) => r.id)) })).toBe(150);
});

test('outbox: deliveries wait while a burst of requests is in flight, then every event is delivered once', async () => {
  const bus = await t.container.getAsync(EventBus);
  const calls: number[] = [];
  bus.on('MemberDeleted', 'test.yield', async (e) => {
    if (e.payload.memberId >= 930000 && e.payload.memberId < 931000) calls.push(e.payload.memberId);
  });
  const ends = Array.from({ length: BUSY_AT }, () => requestStarted());
  try {
    await d.transaction((em) =>
      bus.emitMany(
        em,
        'MemberDeleted',
        Array.from({ length: 30 }, (_, i) => ({ memberId: 930000 + i })),
      ),
    );
    const drained = bus.drain();
    await new Promise((r) => setTimeout(r, 60));
    expect(calls).toEqual([]); // the burst is answered first
    ends.forEach((end) => end());
    await drained;
  } finally {
    ends.forEach((end) => end());
  }
  await bus.drain();
  expect(calls.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => 930000 + i));
});

test('request load: whenCalm resolves at once when calm, waits while busy, and gives up after its bound', async () => {
  expect(requestsInFlight()).toBe(0);
  const t0 = Date.now();
  await whenCalm(1000);
  expect(Date.now() - t0).toBeLessThan(50);
  const ends = Array.from({ length: BUSY_AT }, () => requestStarted());
  ends[0](); // ending twice counts once
  ends[0]();
  expect(requestsInFlight()).toBe(BUSY_AT - 1);
  const more = requestStarted();
  let calm = false;
  const waiting = whenCalm(10_000).then(() => (calm = true));
  await new Promise((r) => setTimeout(r, 40));
  expect(calm).toBe(false);
  more();
  await waiting;
  expect(calm).toBe(true);
  const again = requestStarted();
  const t1 = Date.now();
  await whenCalm(30); // still busy: bounded
  expect(Date.now() - t1).toBeGreaterThanOrEqual(25);
  again();
  ends.forEach((end) => end());
  expect(requestsInFlight()).toBe(0);
});

test('outbox: a batch handler gets a run as arrays in one transaction; a failing batch is redelivered event by event', async () => {
  const bus = await t.container.getAsync(EventBus);
  const batches: number[][] = [];
  const perEvent: number[] = [];
  let failOnce = true;
  bus.onBatch('MemberDeleted', 'test.batch', async (events, em) => {
    const mine = events.map((e) => e.payload.memberId).filter((m) => m >= 800000 && m < 810000);
    if (!mine.length) return;
    if (failOnce && mine.includes(800250)) {
      failOnce = false;
      await em.query('SELECT 1');
      throw new Error('one bad batch');
    }
    batches.push(mine);
  });
  // a per-event handler of the same type keeps working beside it
  bus.on('MemberDeleted', 'test.single', async (e) => {
    if (e.payload.memberId >= 800000 && e.payload.memberId < 810000) perEvent.push(e.payload.memberId);
  });
  const all = Array.from({ length: 260 }, (_, i) => 800000 + i);
  await d.transaction((em) =>
    bus.emitMany(
      em,
      'MemberDeleted',
      all.slice(0, 240).map((memberId) => ({ memberId })),
    ),
  );
  await bus.drain();
  expect(batches.some((b) => b.length > 100)).toBe(true); // set-based chunks are larger than the per-event ones
  // a second run whose batch fails once: rolled back, then replayed one event at a time (arrays of one)
  await d.transaction((em) =>
    bus.emitMany(
      em,
      'MemberDeleted',
      all.slice(240).map((memberId) => ({ memberId })),
    ),
  );
  await bus.drain();
  await bus.drain();
  expect(batches.flat().sort((a, b) => a - b)).toEqual(all);
  expect(batches.slice(-20).every((b) => b.length === 1)).toBe(true);
  expect(perEvent.sort((a, b) => a - b)).toEqual(all);
  const rows = await d.manager.find(DomainEvent, { where: { type: 'MemberDeleted' }, order: { id: 'DESC' }, take: 260 });
  expect(rows.every((r) => r.dispatchedAt instanceof Date && r.lastError === null)).toBe(true);
  expect(await d.manager.countBy(EventDelivery, { handler: 'test.batch', eventId: In(rows.map((r) => r.id)) })).toBe(260);
  // redelivery (another instance, a retry) finds the delivery rows: nothing runs twice
  await d.transaction((em) => em.update(DomainEvent, { id: In(rows.map((r) => r.id)) }, { dispatchedAt: null }));
  await bus.drain();
  expect(batches.flat()).toHaveLength(260);
});

test('demo seed: about 300 members in 120 households, runs once, and the demo accounts work', async () => {
  const seed = await t.container.getAsync(SeedService);
  const first = await seed.seedDemo();
  expect(first.created).toBe(true);
  const counts = async () => ({
    stores: await d.manager.count(Store),
    members: await d.manager.countBy(Member, { openid: undefined }),
    households: await d.manager.count(Household),
    staff: await d.manager.count(StaffUser),
    contacts: await d.manager.count(WecomContact),
  });
  const after1 = await counts();
  const second = await seed.seedDemo();
  expect(second.created).toBe(false);
  expect(await counts()).toEqual(after1);

  const pop = demoPopulation();
  expect(pop.members.length).toBeGreaterThanOrEqual(250);
  expect(pop.members.length).toBeLessThanOrEqual(350);
  expect(pop.households).toHaveLength(120);
  expect(demoPopulation().members.map((m) => m.nickname)).toEqual(pop.members.map((m) => m.nickname));
  expect(await d.manager.countBy(Member, { openid: pop.members[0].openid })).toBe(1);

  const admin = DEMO_ACCOUNTS.find((a) => a.role === 'hq_admin')!;
  const login = await t.client().call(identity.staffLogin, { body: { username: admin.username, password: admin.password } });
  const page = await t.client(login.token).call(identity.listMembers, { query: {} });
  expect(page.total).toBeGreaterThanOrEqual(pop.members.length);
  expect(page.items[0].storeName).toBe('滨江店');

  const owner = DEMO_ACCOUNTS.find((a) => a.username === 'owner1')!;
  const ownerLogin = await t.client().call(identity.wecomLogin, { body: { code: await t.wecomCode(owner.wecomUserId!) } });
  const ownerPage = await t.client(ownerLogin.token).call(identity.listMembers, { query: { pageSize: 100 } });
  expect(ownerPage.total).toBeGreaterThan(10);
  expect(ownerPage.total).toBe(pop.members.filter((m) => m.groupOwner === 0).length);
  const contact = await d.manager.findOneOrFail(WecomContact, { where: { followStaffId: ownerLogin.staff.id, memberId: undefined }, order: { id: 'ASC' } });
  const view = await t.client(ownerLogin.token).call(wecom.sidebarContact, { params: { externalUserId: contact.externalUserId } });
  expect(view.member).not.toBeNull();
});

test('every migration goes down and up again on this database', async () => {
  const n = d.dataSource.migrations.length;
  for (let i = 0; i < n; i++) await d.dataSource.undoLastMigration({ transaction: 'each' });
  expect((await t.client().call(system.health)).db.migrations).toEqual({ applied: 0, pending: n, last: null });
  expect((await t.client().call(system.health)).status).toBe('degraded');
  await d.dataSource.runMigrations({ transaction: 'each' });
  expect((await t.client().call(system.health)).db.migrations).toMatchObject({ applied: n, pending: 0 });
  expect(await d.manager.count(Member)).toBe(0);
});

test('the hourly job purges expired sessions only', async () => {
  const { code } = await t.wechatCode();
  const live = await t.client().call(identity.memberLogin, { body: { code, consentVersion: CURRENT_PRIVACY_VERSION } });
  const { code: code2 } = await t.wechatCode();
  const dead = await t.client().call(identity.memberLogin, { body: { code: code2, consentVersion: CURRENT_PRIVACY_VERSION } });
  await d.manager.update(SessionRow, { subjectId: dead.member.id, subjectType: 'member' }, { expiresAt: new Date(Date.now() - 60_000) });
  const runner = await t.container.getAsync(JobRunner);
  expect(await runner.runNow('purge-expired-sessions')).toEqual({ ran: true });
  expect(await d.manager.countBy(SessionRow, { subjectId: dead.member.id, subjectType: 'member' })).toBe(0);
  expect((await t.client(live.token).call(identity.getMe)).id).toBe(live.member.id);
});

// last: it leaves a year of receipts (and their projections) in this database
test('demo receipts: a year at the demo store, deterministic, through the ledger, once; RFM would show its tiers', async () => {
  const seed = await t.container.getAsync(SeedService);
  const now = new Date();
  const shoppers = Array.from({ length: 40 }, (_, i) => ({ memberId: i + 1, size: 1 + (i % 4), kids: i % 3 === 0, elders: i % 5 === 0 }));
  const a = demoReceipts(7, shoppers, now);
  expect(demoReceipts(7, shoppers, now)).toEqual(a); // deterministic
  expect(a.every((r) => draftProblem(r, now) === null)).toBe(true);
  const days = a.map((r) => (now.getTime() - r.occurredAt.getTime()) / 86_400_000);
  expect(Math.max(...days)).toBeGreaterThan(300);
  expect(Math.min(...days)).toBeGreaterThan(0);
  // weekends are busier than weekdays, walk-ins have no member
  const dow = (r: (typeof a)[number]) => new Date(r.occurredAt.getTime() + 8 * 3600_000).getUTCDay();
  expect(a.filter((r) => dow(r) === 6).length).toBeGreaterThan(a.filter((r) => dow(r) === 2).length);
  expect(a.some((r) => r.memberId === null)).toBe(true);

  await seed.seedDemo(); // the migration test above rebuilt an empty database
  const t0 = Date.now();
  const added = await seed.seedDemoReceipts(now);
  const seconds = (Date.now() - t0) / 1000;
  expect(added).toBeGreaterThan(2000);
  expect(seconds).toBeLessThan(30);
  // with them, the demo contacts' replies of the last 60 days (as CustomerReplied, for insight's interaction figures)
  const [{ n: replies }] = await (await t.container.getAsync(Db)).manager.query("SELECT COUNT(*) AS n FROM domain_event WHERE type = 'CustomerReplied'");
  expect(Number(replies)).toBeGreaterThan(50);
  expect(await seed.seedDemoReceipts(now)).toBe(0);
  // RFM variety, scored by the pure rules on the generator's own receipts (the projection path is tested in purchases/)
  const byMember = new Map<number, { f: number; m: number; last: number; first: number }>();
  for (const r of a) {
    if (!r.memberId) continue;
    const x = byMember.get(r.memberId) ?? { f: 0, m: 0, last: 0, first: Infinity };
    byMember.set(r.memberId, {
      f: x.f + 1,
      m: x.m + r.totalFen,
      last: Math.max(x.last, r.occurredAt.getTime()),
      first: Math.min(x.first, r.occurredAt.getTime()),
    });
  }
  const ago = (ms: number) => Math.floor((now.getTime() - ms) / 86_400_000);
  const { scored } = scoreStore(
    [...byMember].map(([memberId, x]) => ({ memberId, frequency: x.f, monetaryFen: x.m, recencyDays: ago(x.last), firstDaysAgo: ago(x.first) })),
    DEFAULT_RFM_THRESHOLDS,
  );
  expect(new Set(scored.map((s) => s.tier)).size).toBeGreaterThanOrEqual(3);
}, 120_000);
