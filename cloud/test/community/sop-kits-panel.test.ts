/**
 * Group SOP: tasks per occurrence (once), the owner's one tap through the outbound queue to
 * add_msg_template chat_type group, quiet hours (deferred) and the per-group weekly cap (skipped).
 * Kits: HQ publishes, a store's champion adopts into their own store's classes (members can
 * register) or group SOP, never another store's. Panel: inner-ring rule, invite, sign-up with a
 * capacity, review, HQ report. Weather: a cold spell suggests 暖汤分享会.
 */
import { classes, community, identity } from '../../../contracts';
import { DomainEvent } from '../../src/core/events/domain-event.entity';
import { EventBus } from '../../src/core/events/event-bus';
import { latestSlot, planGroupSend } from '../../src/modules/community/sop-plan';
import { weekKey } from '../../../contracts/calendar';

/**
 * The SOP tests' Wednesday 09:00 (Beijing): within the next two weeks and always in a later week than
 * the real clock's. Messages confirmed in these tests go out now, so they must not count against the
 * weekly cap of the week the tests plan in (on a Monday, next Wednesday is still this week).
 */
function testWednesday(): Date {
  const slot = (days: number) => latestSlot({ cadence: 'weekly', weekday: 3, monthDay: null, time: '09:00' }, new Date(Date.now() + days * 86_400_000));
  const first = slot(7);
  return weekKey(first) === weekKey(new Date()) ? slot(14) : first;
}
import { WeatherFeed, weatherSuggestions } from '../../src/modules/community/weather';
import { innerRingReasons } from '../../src/modules/community/inner-ring';
import { Participation } from '../../src/modules/community/entities/participation.entity';
import { attendeeUplift } from '../../src/modules/insight/uplift';
import { InsightService } from '../../src/modules/insight/insight.service';
import { InsightActivity, InsightPanelMember } from '../../src/modules/insight/entities/insight.entity';
import { PanelMember } from '../../src/modules/community/entities/panel.entity';
import { JourneysPublic } from '../../src/modules/journeys/public';
import { JourneyEnrolment } from '../../src/modules/journeys/entities/enrolment.entity';
import { Member } from '../../src/modules/identity/entities/member.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { db, makeMember, makeStore } from '../helpers/fixtures';
import { fire, listen, type Listening, settle, simGet, simPost, staffToken } from '../wecom/engine-helpers';

let t: TestApp;
let l: Listening;
let storeA: number;
let storeB: number;
let hq: string;
let managerA: string;
let managerB: string;
let ownerToken: string;
let chatId = '';

// 2026-12-09 is a Wednesday; 09:00 Beijing = 01:00 UTC
const WED_0900 = new Date('2026-12-09T01:00:00Z');

beforeAll(async () => {
  t = await startTestApp();
  l = await listen(t);
  storeA = (await makeStore(t, '滨江店')).id;
  storeB = (await makeStore(t, '西湖店')).id;
  hq = (await staffToken(t, 'hq_admin')).token;
  managerA = (await staffToken(t, 'store_manager', { storeId: storeA, wecomUserId: 'dianzhang_a' })).token;
  managerB = (await staffToken(t, 'store_manager', { storeId: storeB, wecomUserId: 'dianzhang_b' })).token;
  ownerToken = (await staffToken(t, 'group_owner', { storeId: storeA, wecomUserId: 'qunzhu_chen' })).token;
  const c = await simPost(t, '/__sim/wecom/contacts', { userid: 'qunzhu_chen', name: '赵阿姨' });
  chatId = (await simPost(t, '/__sim/wecom/group-chats', { owner: 'qunzhu_chen', name: '滨江妈妈早茶会群', external_userids: [c.external_userid] })).chat_id;
  await fire(t, l, { event: { Event: 'change_external_chat', ChatId: chatId, ChangeType: 'create' } });
});
afterAll(async () => {
  await l?.close();
  await t?.close();
});

describe('sop-plan (pure)', () => {
  it('finds the latest weekly / monthly slot in Beijing time', () => {
    const weekly = { cadence: 'weekly' as const, weekday: 3, monthDay: null, time: '09:00' };
    expect(latestSlot(weekly, new Date('2026-12-09T01:00:00Z')).toISOString()).toBe('2026-12-09T01:00:00.000Z');
    expect(latestSlot(weekly, new Date('2026-12-09T00:59:00Z')).toISOString()).toBe('2026-12-02T01:00:00.000Z');
    // Thursday 03:00 Beijing is still Wednesday in UTC: the slot is Wednesday's
    expect(latestSlot(weekly, new Date('2026-12-09T19:00:00Z')).toISOString()).toBe('2026-12-09T01:00:00.000Z');
    const monthly = { cadence: 'monthly' as const, weekday: null, monthDay: 1, time: '10:00' };
    expect(latestSlot(monthly, new Date('2026-12-05T00:00:00Z')).toISOString()).toBe('2026-12-01T02:00:00.000Z');
  });

  it('defers inside the quiet hours and skips over the weekly cap', () => {
    const rules = { quietStart: '21:00', quietEnd: '09:00', weeklyCap: 2 };
    const night = new Date('2026-12-09T15:00:00Z'); // 23:00 Beijing
    expect(planGroupSend(night, rules, () => 0)).toEqual({ kind: 'send', at: new Date('2026-12-10T01:00:00Z'), deferred: true });
    expect(planGroupSend(WED_0900, rules, () => 1)).toEqual({ kind: 'send', at: WED_0900, deferred: false });
    expect(planGroupSend(WED_0900, rules, () => 2)).toMatchObject({ kind: 'skip', reason: '本周群发已达上限（2 条）' });
    expect(planGroupSend(WED_0900, { ...rules, weeklyCap: 0 }, () => 0)).toMatchObject({ kind: 'skip' });
  });
});

describe('group SOP', () => {
  it('creates one task per occurrence; the owner confirms once; the group message reaches WeCom for the owner', async () => {
    const sop = await t.client(managerA).call(community.createGroupSop, {
      params: { chatId },
      body: { title: '早茶会提醒', text: '明早9点妈妈早茶会，带娃来喝杯茶～', cadence: 'weekly', weekday: 3, time: '09:00' },
    });
    // created "before" the slot: the SOP row's createdAt is now (Dec 2026); run as of next Wednesday 09:01
    const at = new Date(testWednesday().getTime() + 60_000);
    expect(await t.client(hq).call(community.runGroupSop, { body: { at: at.toISOString() } })).toEqual({ created: 1, skipped: 0 });
    expect(await t.client(hq).call(community.runGroupSop, { body: { at: new Date(at.getTime() + 60_000).toISOString() } })).toEqual({ created: 0, skipped: 0 });

    const tasks = await t.client(ownerToken).call(community.listSopTasks, { query: { status: 'open' } });
    expect(tasks.items).toHaveLength(1);
    expect(tasks.items[0]).toMatchObject({ sopId: sop.id, title: '早茶会提醒', groupName: '滨江妈妈早茶会群', status: 'open' });
    // a store manager of another store sees nothing of it
    expect((await t.client(managerB).call(community.listSopTasks, { query: {} })).items).toHaveLength(0);

    // settings without quiet hours now, so the send is immediate whatever the test's clock says
    await t.client(hq).call(community.updateCommunitySettings, { body: { quietStart: '00:00', quietEnd: '00:00', defaultWeeklyCap: 3 } });
    const done = await t.client(ownerToken).call(community.confirmSopTask, { params: { taskId: tasks.items[0].id } });
    expect(done.status).toBe('sent');
    await expect(t.client(ownerToken).call(community.confirmSopTask, { params: { taskId: tasks.items[0].id } })).rejects.toMatchObject({
      code: 'SOP_TASK_NOT_OPEN',
    });
    await settle(t);
    const msgs = (await simGet(t, '/__sim/wecom/group-msgs')).msgs.filter((m: any) => m.chatType === 'group');
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ creator: 'qunzhu_chen', chatIds: [chatId], text: '明早9点妈妈早茶会，带娃来喝杯茶～' });
  });

  it('quiet hours defer a confirmed message; the weekly cap skips the occurrence beyond it', async () => {
    await t.client(hq).call(community.updateCommunitySettings, { body: { quietStart: '21:00', quietEnd: '09:00', defaultWeeklyCap: 3 } });
    await t.client(managerA).call(community.updateGroup, { params: { chatId }, body: { weeklyCap: 1 } });
    // two more daily-ish SOPs in the same week: a Thursday and a Friday one
    for (const [title, weekday] of [
      ['周四提醒', 4],
      ['周五提醒', 5],
    ] as const) {
      await t
        .client(managerA)
        .call(community.createGroupSop, { params: { chatId }, body: { title, text: `${title}内容`, cadence: 'weekly', weekday, time: '22:30' } });
    }
    const base = testWednesday();
    const thu = new Date(base.getTime() + 86_400_000 + 13.5 * 3600_000 + 60_000); // Thursday 22:31 Beijing
    const fri = new Date(thu.getTime() + 86_400_000);
    expect(await t.client(hq).call(community.runGroupSop, { body: { at: thu.toISOString() } })).toEqual({ created: 1, skipped: 0 });
    const thursday = (await t.client(ownerToken).call(community.listSopTasks, { query: { status: 'open' } })).items[0];
    expect(thursday.reason).toContain('免打扰');
    // Thursday's task fills that week's cap of 1 (the Wednesday message went out when it was confirmed, this week): Friday's is skipped, with the reason
    expect(await t.client(hq).call(community.runGroupSop, { body: { at: fri.toISOString() } })).toEqual({ created: 0, skipped: 1 });
    const skipped = (await t.client(ownerToken).call(community.listSopTasks, { query: { status: 'skipped' } })).items;
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ title: '周五提醒', reason: '本周群发已达上限（1 条）' });

    // the owner taps Thursday's task at 23:00 Beijing: it waits for 09:00 — the service's clock is injected
    const { GroupSopService } = await import('../../src/modules/community/sop.service');
    const sops = await t.container.getAsync(GroupSopService);
    const staff = { kind: 'staff' as const, staffId: 0, role: 'hq_admin' as const, storeId: null, sessionId: 0 };
    const night = new Date(thu.getTime() + 29 * 60_000);
    const r = await sops.confirm(staff, thursday.id, night);
    expect(r.status).toBe('scheduled');
    expect(new Date(r.sendAt!).getTime() - night.getTime()).toBeGreaterThan(9 * 3600_000); // next 09:00
    const rows = await (await db(t)).manager.query(`SELECT next_attempt_at FROM wecom_outbound WHERE idem_key = ?`, [`community_sop:${thursday.id}`]);
    expect(rows).toHaveLength(1);
  });
});

describe('kits', () => {
  let kitId = 0;
  it('HQ publishes a kit; the champion adopts it into their store as a class members can register for', async () => {
    const kit = await t.client(hq).call(community.createKit, {
      body: {
        title: '冬日饺子宴',
        copy: '一起包饺子过冬至',
        materials: ['面粉', '海报'],
        budgetTier: 'light',
        ring: 'members',
        audience: '家庭',
        durationMinutes: 90,
        adultSeats: 10,
        childSeats: 4,
        publish: false,
      },
    });
    kitId = kit.id;
    await expect(
      t.client(managerA).call(community.adoptKit, {
        params: { kitId },
        body: { target: 'class', storeId: storeA, startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString(), hostName: '王师傅' },
      }),
    ).rejects.toMatchObject({ code: 'KIT_NOT_PUBLISHED' });
    expect((await t.client(managerA).call(community.listKits, {})).items.some((k) => k.id === kitId)).toBe(false);
    await t.client(hq).call(community.publishKit, { params: { kitId } });
    expect((await t.client(managerA).call(community.listKits, {})).items.some((k) => k.id === kitId)).toBe(true);

    const adoption = await t.client(managerA).call(community.adoptKit, {
      params: { kitId },
      body: { target: 'class', storeId: storeA, startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString(), hostName: '王师傅', title: '滨江冬日饺子宴' },
    });
    expect(adoption).toMatchObject({ kitTitle: '冬日饺子宴', storeName: '滨江店', target: 'class', title: '滨江冬日饺子宴' });

    // a member registers for the adopted class through the member API
    const code = await t.wechatCode();
    const login = await t
      .client()
      .call(identity.memberLogin, { body: { code: code.code, consentVersion: (await import('../../../contracts/identity')).CURRENT_PRIVACY_VERSION } });
    const browse = await t.client(login.token).call(classes.browseSessions, { query: { storeId: storeA, days: 7 } });
    const card = browse.items.find((s) => s.title === '滨江冬日饺子宴');
    expect(card).toBeTruthy();
    await t.client(login.token).call(classes.register, { params: { sessionId: card!.id }, body: { adults: 1, children: 0, childAges: [] } });
    await (await t.container.getAsync(EventBus)).drain();
    const hqView = await t.client(hq).call(community.listAdoptions, { query: { kitId } });
    expect(hqView.items).toHaveLength(1);
    expect(hqView.items[0]).toMatchObject({ storeName: '滨江店', registrations: 1 });
  });

  it('adoption is scoped to the champion’s store', async () => {
    await expect(
      t.client(managerB).call(community.adoptKit, {
        params: { kitId },
        body: { target: 'class', storeId: storeA, startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString(), hostName: '李师傅' },
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // nor into another store's group (it is not even visible to them)
    await expect(t.client(managerB).call(community.adoptKit, { params: { kitId }, body: { target: 'group_sop', chatId } })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // the other store sees none of store A's adoptions; HQ sees them all
    expect((await t.client(managerB).call(community.listAdoptions, { query: {} })).items).toHaveLength(0);
    const sop = await t.client(managerA).call(community.adoptKit, { params: { kitId }, body: { target: 'group_sop', chatId, weekday: 6, time: '10:00' } });
    expect(sop).toMatchObject({ target: 'group_sop', storeName: '滨江店' });
    expect((await t.client(hq).call(community.listAdoptions, { query: { kitId } })).items).toHaveLength(2);
  });

  it('the calendar lists the festivals ahead with kits; a cold spell suggests 暖汤分享会', async () => {
    await simPost(t, '/__sim/weather/forecast', {
      days: [
        { minC: 10, maxC: 16 },
        { minC: 2, maxC: 7 },
        { minC: 1, maxC: 6 },
      ],
    });
    (await t.container.getAsync(WeatherFeed)).forget();
    const cal = await t.client(managerA).call(community.getCalendar, { query: { from: '2026-12-01', days: 90 } });
    expect(cal.days.map((d) => d.name)).toEqual(expect.arrayContaining(['冬至', '腊八', '小年', '除夕']));
    expect(cal.days.find((d) => d.name === '冬至')!.kits.map((k) => k.title)).toContain('暖汤分享会');
    expect(cal.weather.available).toBe(true);
    expect(cal.suggestions[0]).toMatchObject({ title: '暖汤分享会' });
    expect(cal.suggestions[0].reason).toContain('降温 8°C');
    expect(weatherSuggestions([{ date: 'd', minC: 12, maxC: 20 }], [])).toEqual([]);
  });
});

describe('kit report: spend uplift from insight, follow-up journey', () => {
  const DAY = 86_400_000;
  it('attendeeUplift (pure): the difference in differences against members who took part in nothing', () => {
    const now = new Date('2027-03-01T00:00:00Z');
    const anchor = new Date(now.getTime() - 60 * DAY);
    const old = new Date(now.getTime() - 400 * DAY);
    const m = (id: number) => ({ id, storeId: 1, householdId: null, householdKind: null, registeredAt: old });
    const buy = (memberId: number, daysFromAnchor: number, totalFen: number) => ({
      memberId,
      storeId: 1,
      totalFen,
      occurredAt: new Date(anchor.getTime() + daysFromAnchor * DAY),
      categories: {},
    });
    // attendees 1, 2: 100 元 / 30 days before, 300 元 after; controls 3, 4: 100 → 150; 5 took part in a class (not a control); 6 joined too late
    const purchases = [1, 2].flatMap((id) => [buy(id, -50, 10_000), buy(id, -10, 10_000), buy(id, 10, 30_000), buy(id, 40, 30_000)]);
    purchases.push(...[3, 4, 5].flatMap((id) => [buy(id, -50, 10_000), buy(id, -10, 10_000), buy(id, 10, 15_000), buy(id, 40, 15_000)]));
    const members = [1, 2, 3, 4, 5].map(m).concat([{ ...m(6), registeredAt: new Date(anchor.getTime() - DAY) }]);
    const activities = [{ memberId: 5, kind: 'checkin' as const, at: new Date(anchor.getTime() + 5 * DAY) }];
    const r = attendeeUplift(members, purchases, activities, new Set([1, 2, 6]), anchor, now);
    expect(r).toMatchObject({ status: 'ok', days: 60, treated: 2, matched: 2, controls: 2, didFen: 15_000 });
    expect(attendeeUplift(members, purchases, activities, new Set(), anchor, now).status).toBe('no_attendees');
    expect(attendeeUplift(members, purchases, activities, new Set([1]), new Date(now.getTime() - 3 * DAY), now).status).toBe('too_early');
    expect(attendeeUplift([m(1)], purchases, activities, new Set([1]), anchor, now).status).toBe('no_comparison');
  });

  it('HQ links a kit to a real journey; attendees of the adopted class are enrolled at check-in; HQ sees their spend uplift', async () => {
    const journeys = await (await t.container.getAsync(JourneysPublic)).journeys();
    const journey = journeys.find((j) => j.active)!;
    expect(journey).toBeTruthy(); // the built-in journeys
    const body = { title: '周末烘焙课', copy: '一起烤面包', budgetTier: 'standard' as const, ring: 'members' as const, adultSeats: 10, publish: true };
    await expect(t.client(hq).call(community.createKit, { body: { ...body, followUpJourneyId: 987654 } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const kit = await t.client(hq).call(community.createKit, { body: { ...body, followUpJourneyId: journey.id } });
    expect(kit).toMatchObject({ followUpJourneyId: journey.id, followUpJourneyName: journey.name });
    const adoption = await t.client(managerA).call(community.adoptKit, {
      params: { kitId: kit.id },
      body: { target: 'class', storeId: storeA, startsAt: new Date(Date.now() + 2 * DAY).toISOString(), hostName: '陈师傅', title: '滨江周末烘焙' },
    });

    // an attendee with a WeCom contact, and two members of the store who took part in nothing
    const d = await db(t);
    const bus = await t.container.getAsync(EventBus);
    const { CURRENT_PRIVACY_VERSION } = await import('../../../contracts/identity');
    const login = await t.client().call(identity.memberLogin, { body: { code: (await t.wechatCode()).code, consentVersion: CURRENT_PRIVACY_VERSION } });
    const attendee = login.member.id;
    const controls = [(await makeMember(t, { storeId: storeA })).id, (await makeMember(t, { storeId: storeA })).id];
    const longAgo = new Date(Date.now() - 300 * DAY);
    await d.manager.update(Member, { id: attendee }, { storeId: storeA, createdAt: longAgo });
    for (const id of controls) await d.manager.update(Member, { id }, { createdAt: longAgo });
    await (await t.container.getAsync(InsightService)).syncRoster();
    await d.transaction((em) =>
      bus.emit(em, 'ContactAdded', {
        externalUserId: 'wm_kit_attendee',
        staffUserId: 'dianzhang_a',
        staffId: null,
        memberId: attendee,
        channelId: null,
        channelKind: null,
        state: null,
        referrerMemberId: null,
        addedAt: new Date().toISOString(),
      }),
    );
    const card = (await t.client(login.token).call(classes.browseSessions, { query: { storeId: storeA, days: 7 } })).items.find(
      (x) => x.title === '滨江周末烘焙',
    )!;
    const reg = await t.client(login.token).call(classes.register, { params: { sessionId: card.id }, body: { adults: 1, children: 0, childAges: [] } });
    const checkedIn = { registrationId: reg.id, sessionId: card.id, classId: adoption.classId!, storeId: storeA, memberId: attendee, tags: [] };
    await d.transaction((em) => bus.emit(em, 'ClassCheckedIn', checkedIn));
    await d.transaction((em) => bus.emit(em, 'ClassCheckedIn', checkedIn)); // redelivered: one enrolment
    await bus.drain();
    expect(await d.manager.count(JourneyEnrolment, { where: { journeyId: journey.id, memberId: attendee } })).toBe(1);

    // the class was 40 days ago (moved back in the read models); spend before and after it
    const anchor = new Date(Date.now() - 40 * DAY);
    await d.manager.update(Participation, { memberId: attendee, kind: 'checkin', ref: `session:${card.id}` }, { at: anchor });
    await d.manager.update(InsightActivity, { memberId: attendee }, { at: anchor });
    let receiptId = 880_000;
    const buy = (memberId: number, days: number, totalFen: number) =>
      d.transaction((em) =>
        bus.emit(em, 'PurchaseRecorded', {
          receiptId: ++receiptId,
          memberId,
          storeId: storeA,
          channel: 'pos',
          totalFen,
          discountFen: 0,
          occurredAt: new Date(anchor.getTime() + days * DAY).toISOString(),
          refundOf: null,
          items: [{ sku: null, name: '面粉', category: null, qty: 1, amountFen: totalFen }],
          couponCodes: [],
        }),
      );
    for (const id of [attendee, ...controls]) await buy(id, -20, 8_000); // 60 元 per 30 days before, for everyone
    await buy(attendee, 10, 20_000); // after: 150 元 per 30 days
    for (const id of controls) await buy(id, 10, 10_000); // after: 75 元 per 30 days
    await bus.drain();

    const row = (await t.client(hq).call(community.listAdoptions, { query: { kitId: kit.id } })).items[0];
    expect(row.spendUplift).toMatchObject({ status: 'ok', days: 40, attendees: 1, matched: 1, controls: 2 });
    expect(row.spendUpliftFen).toBe(7_500);
    // a group SOP adoption has no uplift to show (not "no data")
    const sop = await t.client(managerA).call(community.adoptKit, {
      params: { kitId: kit.id },
      body: { target: 'group_sop', chatId, cadence: 'monthly', weekday: null, monthDay: 1, time: '10:00' },
    });
    expect(sop.spendUplift.status).toBe('not_applicable');
  });
});

describe('inner ring and advisory panel', () => {
  it('panel members invited before the event existed are announced once by the migration; insight counts them', async () => {
    const { AnnouncePanelMembers1765300100150 } = await import('../../src/modules/community/migrations/1765300100150-AnnouncePanelMembers');
    const d = await db(t);
    const early = await makeMember(t, { nickname: '老顾问' });
    // a row as an older release wrote it: no event
    await d.manager.insert(PanelMember, { memberId: early.id, moderator: false, invitedBy: 1, invitedAt: new Date('2025-03-01T02:00:00Z') });
    const bus = await t.container.getAsync(EventBus);
    const runner = d.dataSource.createQueryRunner();
    try {
      await new AnnouncePanelMembers1765300100150().up(runner);
    } finally {
      await runner.release();
    }
    await bus.drain();
    expect(await d.manager.findOneBy(InsightPanelMember, { memberId: early.id })).toMatchObject({ joinedAt: new Date('2025-03-01T02:00:00Z') });
    const announced = await d.manager.find(DomainEvent, { where: { type: 'AdvisoryPanelJoined' } });
    expect(announced.filter((e) => JSON.parse(e.payload).memberId === early.id)).toHaveLength(1);
    // clean up, so the next test counts only its own announcements
    await d.manager.delete(DomainEvent, { type: 'AdvisoryPanelJoined' });
    await d.manager.delete(PanelMember, { memberId: early.id });
  });

  it('the rule picks creators; an invited member signs up within capacity, reviews, and HQ reads the report', async () => {
    expect(innerRingReasons({ checkin: 2 })).toEqual([]);
    expect(innerRingReasons({ contest_entry: 1, checkin: 3 })).toHaveLength(2);
    const code = await t.wechatCode();
    const { CURRENT_PRIVACY_VERSION } = await import('../../../contracts/identity');
    const login = await t.client().call(identity.memberLogin, { body: { code: code.code, consentVersion: CURRENT_PRIVACY_VERSION } });
    const me = login.member;
    const other = await makeMember(t, { nickname: '路人' });
    // an approved contest entry makes the member a creator
    const bus = await t.container.getAsync(EventBus);
    await (await db(t)).transaction((em) => bus.emit(em, 'EntryApproved', { entryId: 9001, contestId: 1, memberId: me.id, auto: false }));
    await bus.drain();
    expect(await (await db(t)).manager.count(Participation, { where: { memberId: me.id } })).toBe(1);
    await expect(t.client(hq).call(community.invitePanelMember, { body: { memberId: other.id } })).rejects.toMatchObject({ code: 'CONFLICT' });
    const ring = await t.client(hq).call(community.innerRing, {});
    expect(ring.rule.text.join('')).toContain('创作者');
    expect(ring.candidates.find((c) => c.memberId === me.id)).toMatchObject({ reasons: ['创作者（1 个作品）'], panelMember: false });

    const round = await t.client(hq).call(community.createPanelRound, {
      body: { title: '新品试吃会', product: '手工水饺', startsAt: new Date(Date.now() + 86_400_000).toISOString(), capacity: 1 },
    });
    await expect(t.client(login.token).call(community.signUpPanelRound, { params: { roundId: round.id } })).rejects.toMatchObject({ code: 'PANEL_NOT_MEMBER' });
    await t.client(hq).call(community.invitePanelMember, { body: { memberId: me.id, moderator: true } });
    const mine = await t.client(login.token).call(community.myPanel, {});
    expect(mine).toMatchObject({ member: true, badge: '顾客顾问团', moderator: true });
    // joining is announced once (a second invite only changes the moderator flag); insight's 共创层 hears it
    await t.client(hq).call(community.invitePanelMember, { body: { memberId: me.id, moderator: true } });
    await bus.drain();
    expect(await (await db(t)).manager.count(DomainEvent, { where: { type: 'AdvisoryPanelJoined' } })).toBe(1);
    expect(await (await db(t)).manager.findOneBy(InsightPanelMember, { memberId: me.id })).toMatchObject({ memberId: me.id });
    await expect(
      t.client(login.token).call(community.reviewPanelRound, { params: { roundId: round.id }, body: { taste: 5, value: 4, wouldBuy: 'yes' } }),
    ).rejects.toMatchObject({ code: 'PANEL_REVIEW_NOT_ALLOWED' });
    // two taps at once: one seat, one sign-up
    const [a, b] = await Promise.all([
      t.client(login.token).call(community.signUpPanelRound, { params: { roundId: round.id } }),
      t.client(login.token).call(community.signUpPanelRound, { params: { roundId: round.id } }),
    ]);
    expect(a.mine).toBe('signed');
    expect(b.mine).toBe('signed');
    expect((await t.client(hq).call(community.listPanelRounds, {})).items[0]).toMatchObject({ signedUp: 1 });
    await t.client(hq).call(community.markPanelAttendance, { params: { roundId: round.id }, body: { memberId: me.id, attended: true } });
    await t
      .client(login.token)
      .call(community.reviewPanelRound, { params: { roundId: round.id }, body: { taste: 5, value: 3, wouldBuy: 'maybe', comment: '皮薄馅大，价格略高' } });
    const report = await t.client(hq).call(community.panelReport, { params: { roundId: round.id } });
    expect(report).toMatchObject({ averageTaste: 5, averageValue: 3, wouldBuy: { yes: 0, maybe: 1, no: 0 } });
    expect(report.comments[0]).toMatchObject({ comment: '皮薄馅大，价格略高' });
    expect(report.round).toMatchObject({ attended: 1, reviews: 1 });
    void DomainEvent;
  });
});
