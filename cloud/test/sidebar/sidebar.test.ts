/**
 * The sidebar's member timeline and offers from real facts of every domain, made through HTTP and
 * the services (WeCom add callback, contest entries and votes, class registrations / waitlist /
 * no-show, journey messages and the wake-up coupon), seen through GET /api/sidebar/contacts/:id.
 */
import { wecom } from '../../../contracts';
import * as C from '../../../contracts/classes';
import * as K from '../../../contracts/contest';
import * as J from '../../../contracts/journeys';
import { SessionService } from '../../src/core/auth/session.service';
import { Db } from '../../src/core/db';
import { EventBus } from '../../src/core/events/event-bus';
import { JobRunner } from '../../src/core/jobs';
import { TimelineRegistry } from '../../src/core/timeline';
import { ClassSession } from '../../src/modules/classes/entities/class-session.entity';
import { nextBestOffers } from '../../src/modules/wecom/offers';
import { TIMELINE_LIMIT } from '../../src/modules/wecom/sidebar.service';
import '../../src/modules/journeys/events';
import { classBody } from '../classes/kit';
import { approvedEntry, entryBody, photoId, publishedContest, settle as settleVotes } from '../contest/kit';
import { startTestApp, type TestApp } from '../helpers/app';
import { makeMember, makeStore } from '../helpers/fixtures';
import { fire, listen, type Listening, settle, staffToken } from '../wecom/engine-helpers';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

let t: TestApp;
let l: Listening;
let d: Db;
let hq: string;
let owner: string;
let storeId: number;

async function memberSession(memberId: number): Promise<string> {
  return (await t.container.getAsync(SessionService)).create('member', memberId, 1, 'jest');
}

async function addCustomer(unionid: string, name: string): Promise<string> {
  const r = await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu', customer: { name, unionid } } });
  return r.results![0].externalUserId!;
}

async function runJob(name: string, now?: Date) {
  const r = await (await t.container.getAsync(JobRunner)).runNow(name, now ? { now } : {});
  expect(r.ran).toBe(true);
  await settle(t);
}

const view = (ext: string, token = owner) => t.client(token).call(wecom.sidebarContact, { params: { externalUserId: ext } });
const texts = (v: wecom.SidebarContactView) => v.member!.recentActivity.map((a) => a.text);
const offerKeys = (v: wecom.SidebarContactView) => v.member!.offers.map((o) => o.key);

/** The first instant at or after `after` whose Asia/Shanghai clock reads hh:00. */
function shanghaiAt(after: Date, hh: number): Date {
  const local = new Date(after.getTime() + 8 * HOUR);
  let at = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), hh) - 8 * HOUR;
  if (at < after.getTime()) at += DAY;
  return new Date(at);
}

beforeAll(async () => {
  t = await startTestApp();
  l = await listen(t);
  d = await t.container.getAsync(Db);
  storeId = (await makeStore(t, '滨江店')).id;
  owner = (await staffToken(t, 'staff', { storeId, wecomUserId: 'zhaoliu' })).token;
  hq = (await staffToken(t, 'hq_admin')).token;
});
afterAll(async () => {
  await l?.close();
  await t?.close();
});

test('every domain shows in the timeline and drives the offers', async () => {
  const member = await makeMember(t, { unionid: 'u-side-all', storeId, nickname: '王阿姨' });
  const token = await memberSession(member.id);
  const ext = await addCustomer('u-side-all', '王阿姨');

  // a brand-new member: registration, consent, the WeCom add, the new-member journey; the pre-order pitch
  let v = await view(ext);
  expect(v.member!.id).toBe(member.id);
  expect(texts(v)).toEqual(expect.arrayContaining(['注册成为会员', '进入「新客旅程」']));
  expect(texts(v).some((x) => x.startsWith('同意《隐私保护指引》'))).toBe(true);
  expect(texts(v).some((x) => x.startsWith('添加了企业微信好友（'))).toBe(true);
  expect(v.member!.offers).toEqual([{ key: 'nye_preorder', text: '介绍年夜饭预订即将开放，可先帮客户登记预约提醒', reason: '新会员，还没有下过单' }]);

  // a contest takes entries: invite (ranked after nothing time-critical, before the pre-order pitch)
  const contest = await publishedContest(t, hq);
  v = await view(ext);
  expect(offerKeys(v)).toEqual(['contest_invite', 'nye_preorder']);
  expect(v.member!.offers[0].text).toContain(contest.title);
  expect(JSON.stringify(v.member!.offers)).not.toMatch(/投票|拉票/);

  // the member enters and votes for two other entries the same day: one entry line, one vote line
  const entry = await t
    .client(token)
    .call(K.submitEntry, { params: { contestId: contest.id }, body: entryBody([await photoId(t, token)], { title: '外婆的蛋饺' }) });
  expect(entry.status).toBe('approved');
  for (let i = 0; i < 2; i++) {
    const other = await approvedEntry(t, contest.id, { title: `别家的菜${i}` });
    await t.client(token).call(K.castVote, { params: { entryId: other.entry.id } });
  }
  await settleVotes(t);
  v = await view(ext);
  expect(texts(v)).toEqual(expect.arrayContaining([`在「${contest.title}」投稿「外婆的蛋饺」（已展示）`, `为「${contest.title}」的作品投了 2 票`]));
  expect(v.member!.recentActivity.filter((a) => a.kind === 'contest_votes')).toHaveLength(1);
  // the journeys' copies of these events (visits derived from entries and votes) are not repeated
  expect(v.member!.recentActivity.filter((a) => a.kind.startsWith('activity_'))).toHaveLength(0);
  expect(offerKeys(v)).toEqual(['nye_preorder']);

  // the clerk notes a store visit in the sidebar: one line (not its interaction twin)
  await t.client(owner).call(J.recordInteraction, { params: { externalUserId: ext }, body: { kind: 'visited' } });
  expect((await view(ext)).member!.recentActivity.filter((a) => a.kind.startsWith('activity_')).map((a) => a.text)).toEqual(['到店（员工记录）']);

  // classes: a booking starting within a day, a waitlist, and a no-show last night
  const ops = t.client(hq);
  const soon = await ops.call(C.opsCreateClass, { body: classBody(storeId, { title: '手工水饺', inMinutes: 20 * 60 }) });
  const full = await ops.call(C.opsCreateClass, { body: classBody(storeId, { title: '亲子烘焙', adultSeats: 1, inMinutes: 5 * 24 * 60 }) });
  const missed = await ops.call(C.opsCreateClass, { body: classBody(storeId, { title: '包粽子', inMinutes: 5 * 60 }) });
  await t.client(token).call(C.register, { params: { sessionId: soon.sessions[0].id }, body: { adults: 1 } });
  const someone = await makeMember(t, { storeId });
  await t.client(await memberSession(someone.id)).call(C.register, { params: { sessionId: full.sessions[0].id }, body: { adults: 1 } });
  const waiting = await t.client(token).call(C.register, { params: { sessionId: full.sessions[0].id }, body: { adults: 1 } });
  expect(waiting.status).toBe('waitlisted');
  await t.client(token).call(C.register, { params: { sessionId: missed.sessions[0].id }, body: { adults: 1 } });
  // that session really took place yesterday evening (sessions cannot be created in the past)
  const missedStart = new Date(Date.now() - 15 * HOUR);
  await d.manager.update(ClassSession, { id: missed.sessions[0].id }, { startsAt: missedStart, endsAt: new Date(missedStart.getTime() + 90 * MIN) });
  await runJob('classes.close-sessions');

  v = await view(ext);
  expect(offerKeys(v)).toEqual(['class_reminder', 'waitlist_reassure', 'no_show_checkin']);
  const [remind, wait, noShow] = v.member!.offers;
  expect(remind.text).toMatch(/^提醒客户：「手工水饺」(今天|明天) \d\d:\d\d 开课/);
  expect(wait.text).toContain('「亲子烘焙」目前候补第1位');
  expect(noShow).toMatchObject({ text: expect.stringContaining('「包粽子」'), reason: expect.stringContaining('已报名但未签到') });
  const kinds = v.member!.recentActivity.map((a) => a.kind);
  expect(kinds).toEqual(expect.arrayContaining(['class_registered', 'class_waitlisted', 'class_no_show']));
  expect(texts(v).find((x) => x.startsWith('未到场「包粽子」'))).toBeDefined();

  // newest first, ISO UTC, at most 15
  expect(v.member!.recentActivity.length).toBeLessThanOrEqual(TIMELINE_LIMIT);
  const times = v.member!.recentActivity.map((a) => a.at);
  for (const at of times) expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  expect([...times].sort().reverse()).toEqual(times);
});

test('journeys: queued messages, the wake-up coupon and its offer after 30 quiet days', async () => {
  const admin = t.client(hq);
  const newMember = (await admin.call(J.listJourneys)).items.find((j) => j.builtinKey === 'new_member')!.id;
  await admin.call(J.setJourneyActive, { params: { journeyId: newMember }, body: { active: false } });
  try {
    const member = await makeMember(t, { unionid: 'u-side-wake', storeId });
    const ext = await addCustomer('u-side-wake', '老顾客陈');
    const bus = await t.container.getAsync(EventBus);
    await d.transaction((em) =>
      bus.emit(em, 'OrderPaid', {
        orderId: 'ord-side-1',
        memberId: member.id,
        storeId,
        amountFen: 6600,
        paidAt: new Date(Date.now() - 2 * DAY).toISOString(),
        items: [{ name: '草莓', qty: 1 }],
      }),
    );
    await settle(t);

    const t0 = shanghaiAt(new Date(Date.now() + 31 * DAY), 10);
    await runJob('journeys.evaluate', t0);
    await runJob('journeys.evaluate', new Date(t0.getTime() + 72 * HOUR));

    const v = await view(ext, hq);
    expect(texts(v)).toEqual(
      expect.arrayContaining(['进入「唤醒旅程」', '「唤醒旅程·关怀消息」消息已生成，待员工发送', '获得「老朋友回归券」（满50减10）', '下单购物']),
    );
    // today the member ordered two days ago: nothing to wake up
    expect(offerKeys(v)).not.toContain('wake_coupon');

    // on the journeys' clock, 34 days later with nothing since: remind of the unused coupon
    const later = new Date(t0.getTime() + 72 * HOUR + HOUR);
    const registry = await t.container.getAsync(TimelineRegistry);
    const facts = await registry.factsOf(member.id, later);
    expect(facts.unusedCoupon).toMatchObject({ title: '老朋友回归券', amountFen: 1000, minSpendFen: 5000 });
    const offers = nextBestOffers({ tier: member.tier, registeredAt: member.createdAt, facts, now: later });
    expect(offers[0]).toMatchObject({
      key: 'wake_coupon',
      text: expect.stringContaining('「老朋友回归券」（满50减10）还没用'),
      reason: expect.stringMatching(/^已3\d天没有互动，回归券尚未使用$/),
    });
  } finally {
    await admin.call(J.setJourneyActive, { params: { journeyId: newMember }, body: { active: true } });
  }
});

test('a member without any activity elsewhere still gets identity lines, and the sources are all wired', async () => {
  const registry = await t.container.getAsync(TimelineRegistry);
  expect(registry.sources().sort()).toEqual(['classes', 'contest', 'feedback', 'followup', 'identity', 'journeys', 'preorder', 'purchases', 'wecom']);
  const m = await makeMember(t, { storeId });
  const items = await registry.timelineOf(m.id, TIMELINE_LIMIT);
  expect(items.map((i) => i.kind).sort()).toEqual(['consent_granted', 'registered']);
});
