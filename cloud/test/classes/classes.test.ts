/**
 * Classes & family events: creation rules, series, registration with seats and waitlist,
 * promotion of the first household that fits, deadlines, check-in once, tags, ratings, figures,
 * roster CSV, no-show blocks, and bad input that never becomes a 500. (SQLite and MariaDB.)
 */
import * as api from '../../../contracts/classes';
import { identity } from '../../../contracts';
import { ApiError } from '../../../contracts/client';
import { ClassRegistration } from '../../src/modules/classes/entities/class-registration.entity';
import { ClassSession } from '../../src/modules/classes/entities/class-session.entity';
import { TagService } from '../../src/modules/tags/tag.service';
import { boundRoutes } from '../../src/core/route';
import { z } from 'zod';
import { startTestApp, type TestApp } from '../helpers/app';
import { db, makeHousehold, makeStore } from '../helpers/fixtures';
import { classBody, HOUR, memberToken, MIN, runJob, settle, staffToken } from './kit';

let t: TestApp;
let storeA: number;
let storeB: number;
let hq: string;
let managerA: string;
let managerB: string;
let staffA: { id: number; token: string; name: string };
let staffB: string;

beforeAll(async () => {
  t = await startTestApp();
  storeA = (await makeStore(t, '滨江店')).id;
  storeB = (await makeStore(t, '西湖店')).id;
  hq = (await staffToken(t, 'hq_admin', null)).token;
  managerA = (await staffToken(t, 'store_manager', storeA)).token;
  managerB = (await staffToken(t, 'store_manager', storeB)).token;
  staffA = await staffToken(t, 'staff', storeA);
  staffB = (await staffToken(t, 'staff', storeB)).token;
});
afterAll(async () => {
  await t?.close();
});

const ops = (token: string) => t.client(token);

async function expectCode(p: Promise<unknown>, code: string, status?: number): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe(code);
    if (status) expect((e as ApiError).status).toBe(status);
    return e as ApiError;
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}

async function createClass(o: Parameters<typeof classBody>[1] = {}, token = hq, store = storeA) {
  return ops(token).call(api.opsCreateClass, { body: classBody(store, o) });
}

test('creation rules: past start refused, managers only for their store, bad input is 400', async () => {
  await expectCode(createClass({ inMinutes: -10 }), 'VALIDATION_FAILED', 400);
  await expectCode(createClass({}, managerA, storeB), 'FORBIDDEN', 403);
  await expectCode(createClass({ adultSeats: 0, childSeats: 0 }), 'VALIDATION_FAILED', 400);
  await expectCode(ops(staffA.token).call(api.opsCreateClass, { body: classBody(storeA) }), 'FORBIDDEN', 403);
  const raw = await t.http().post('/api/admin/classes').set('authorization', `Bearer ${hq}`).send({ title: '', adultSeats: 'many', type: 'party' });
  expect(raw.status).toBe(400);
  expect(raw.body.code).toBe('VALIDATION_FAILED');
  expect(raw.body.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['title', 'adultSeats', 'type']));

  const mine = await createClass({}, managerA, storeA);
  expect(mine).toMatchObject({ storeId: storeA, storeName: '滨江店', isSeries: false, sessionCount: 1, priceFen: 0 });
  await expectCode(ops(managerB).call(api.opsGetClass, { params: { classId: mine.id } }), 'NOT_FOUND', 404);
  const listB = await ops(managerB).call(api.opsListClasses, { query: {} });
  expect(listB.items.map((c) => c.id)).not.toContain(mine.id);
});

test('a weekly series is created as sessions at the same local time and edited as a series', async () => {
  // a Wednesday 10:00 Shanghai, at least a week ahead
  const base = new Date(Date.now() + 8 * 24 * HOUR);
  const local = new Date(base.getTime() + 8 * HOUR);
  const daysToWed = (3 - local.getUTCDay() + 7) % 7;
  const wedLocalMidnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + daysToWed);
  const start = new Date(wedLocalMidnight + 10 * HOUR - 8 * HOUR);
  const cls = await ops(hq).call(api.opsCreateClass, {
    body: {
      ...classBody(storeA),
      title: '妈妈早茶会',
      type: 'community_ritual',
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + HOUR).toISOString(),
      recurrence: { frequency: 'weekly', count: 4 },
    },
  });
  expect(cls.isSeries).toBe(true);
  expect(cls.recurrence).toEqual({ frequency: 'weekly', count: 4 });
  expect(cls.sessions).toHaveLength(4);
  cls.sessions.forEach((s, i) => {
    expect(new Date(s.startsAt).getTime()).toBe(start.getTime() + i * 7 * 24 * HOUR);
    expect(new Date(s.registrationDeadline).getTime()).toBe(new Date(s.startsAt).getTime() - 60 * MIN);
  });

  const edited = await ops(hq).call(api.opsUpdateClass, {
    params: { classId: cls.id },
    body: { title: '妈妈早茶会·周三', adultSeats: 6, schedule: { startTime: '09:30', durationMinutes: 75 }, registrationClosesMinutesBefore: 30 },
  });
  expect(edited.title).toBe('妈妈早茶会·周三');
  for (const s of edited.sessions) {
    const localStart = new Date(new Date(s.startsAt).getTime() + 8 * HOUR);
    expect(localStart.getUTCHours()).toBe(9);
    expect(localStart.getUTCMinutes()).toBe(30);
    expect(localStart.getUTCDay()).toBe(3);
    expect(new Date(s.endsAt).getTime() - new Date(s.startsAt).getTime()).toBe(75 * MIN);
    expect(new Date(s.startsAt).getTime() - new Date(s.registrationDeadline).getTime()).toBe(30 * MIN);
    expect(s).toMatchObject({ adultSeats: 6, adultSeatsLeft: 6 });
  }
  // members browse it by date and store
  const m = await memberToken(t);
  const from = new Date(new Date(edited.sessions[0].startsAt).getTime() + 8 * HOUR).toISOString().slice(0, 10);
  const browse = await t.client(m.token).call(api.browseSessions, { query: { from, days: 1, storeId: storeA } });
  expect(browse.items.map((s) => s.id)).toEqual([edited.sessions[0].id]);
  expect(browse.items[0]).toMatchObject({ title: '妈妈早茶会·周三', isSeries: true, adultSeatsLeft: 6, registrationOpen: true, myRegistration: null });
  const other = await t.client(m.token).call(api.browseSessions, { query: { from, days: 1, storeId: storeB } });
  expect(other.items).toHaveLength(0);
  const detail = await t.client(m.token).call(api.getSession, { params: { sessionId: edited.sessions[0].id } });
  expect(detail.otherSessions).toHaveLength(3);
});

test('full -> waitlist in order; a cancellation promotes the first household that fits, skipping one that does not', async () => {
  const cls = await createClass({ type: 'family_event', title: '小小面点师', adultSeats: 4, childSeats: 2, tags: ['亲子家庭'] });
  const sessionId = cls.sessions[0].id;
  const hh = await makeHousehold(t, storeA, '王家');
  const [m1, m2, m3, m4, m5] = await Promise.all([memberToken(t, { householdId: hh.id }), memberToken(t), memberToken(t), memberToken(t), memberToken(t)]);
  const reg = (m: { token: string }, adults: number, children: number, childAges: number[] = []) =>
    t.client(m.token).call(api.register, { params: { sessionId }, body: { adults, children, childAges } });

  await expectCode(reg(m1, 1, 1), 'VALIDATION_FAILED'); // family events need the children's ages
  await expectCode(reg(m1, 5, 0), 'CLASS_PARTY_TOO_LARGE');
  const r1 = await reg(m1, 2, 1, [5]);
  expect(r1).toMatchObject({ status: 'confirmed', waitlistPosition: null, childAges: [5] });
  expect(r1.checkIn?.qrPayload).toMatch(/^hubclass:r:/);
  expect(r1.checkIn?.shortCode).toMatch(/^[A-Z0-9]{6}$/);
  expect((await reg(m2, 2, 1, [7])).status).toBe('confirmed');
  const r3 = await reg(m3, 2, 2, [3, 6]);
  const r4 = await reg(m4, 1, 1, [4]);
  const r5 = await reg(m5, 1, 0);
  expect([r3, r4, r5].map((r) => [r.status, r.waitlistPosition])).toEqual([
    ['waitlisted', 1],
    ['waitlisted', 2],
    ['waitlisted', 3],
  ]);
  expect(r3.checkIn).toBeNull();
  await expectCode(reg(m2, 1, 0), 'CLASS_ALREADY_REGISTERED', 409);

  const card = (await t.client(m5.token).call(api.getSession, { params: { sessionId } }))!;
  expect(card).toMatchObject({
    adultSeatsLeft: 0,
    childSeatsLeft: 0,
    waitlistCount: 3,
    myRegistration: { id: r5.id, status: 'waitlisted', waitlistPosition: 3 },
  });

  // m1 frees 2 adults + 1 child: m3 (2+2) does not fit, m4 (1+1) does, then m5 (1 adult) does
  const cancelled = await t.client(m1.token).call(api.cancelRegistration, { params: { registrationId: r1.id } });
  expect(cancelled).toMatchObject({ status: 'cancelled', cancelledBy: 'member', canCancel: false });
  const after = await Promise.all(
    [m3, m4, m5].map((m, i) => t.client(m.token).call(api.getMyRegistration, { params: { registrationId: [r3, r4, r5][i].id } })),
  );
  expect(after.map((r) => [r.status, r.waitlistPosition])).toEqual([
    ['waitlisted', 1],
    ['confirmed', null],
    ['confirmed', null],
  ]);
  expect(after[1].promotedAt).not.toBeNull();
  expect(after[1].checkIn).not.toBeNull();

  // m1 registers again (the cancelled row is reused) and queues behind m3
  const again = await reg(m1, 1, 0);
  expect(again).toMatchObject({ id: r1.id, status: 'waitlisted', waitlistPosition: 2 });

  const d = await db(t);
  const s = await d.manager.findOneByOrFail(ClassSession, { id: sessionId });
  expect(s).toMatchObject({ adultLeft: 0, childLeft: 0, waitingCount: 2 });
  const roster = await ops(hq).call(api.opsRoster, { params: { sessionId } });
  expect(roster.items.map((i) => [i.memberId, i.status, i.waitlistPosition])).toEqual([
    [m2.id, 'confirmed', null],
    [m4.id, 'confirmed', null],
    [m5.id, 'confirmed', null],
    [m3.id, 'waitlisted', 1],
    [m1.id, 'waitlisted', 2],
  ]);
  expect(roster.items.find((i) => i.memberId === m1.id)?.householdName).toBe('王家');

  // a waitlisted household may leave any time before start; nothing is freed
  await t.client(m3.token).call(api.cancelRegistration, { params: { registrationId: r3.id } });
  const m1Now = await t.client(m1.token).call(api.getMyRegistration, { params: { registrationId: r1.id } });
  expect(m1Now.waitlistPosition).toBe(1);
  expect((await d.manager.findOneByOrFail(ClassSession, { id: sessionId })).waitingCount).toBe(1);

  // seats added by ops go to the waitlist
  await ops(hq).call(api.opsUpdateSession, { params: { sessionId }, body: { adultSeats: 5 } });
  expect((await t.client(m1.token).call(api.getMyRegistration, { params: { registrationId: r1.id } })).status).toBe('confirmed');
  await expectCode(ops(hq).call(api.opsUpdateSession, { params: { sessionId }, body: { adultSeats: 2 } }), 'CLASS_SEATS_BELOW_BOOKED');

  const upcoming = await t.client(m4.token).call(api.myRegistrations, { query: { scope: 'upcoming' } });
  expect(upcoming.items.map((r) => r.id)).toEqual([r4.id]);
});

test('deadlines hold on the server', async () => {
  const closed = await createClass({ inMinutes: 30, registrationClosesMinutesBefore: 60 });
  const m = await memberToken(t);
  await expectCode(t.client(m.token).call(api.register, { params: { sessionId: closed.sessions[0].id }, body: { adults: 1 } }), 'CLASS_REGISTRATION_CLOSED');
  const c2 = await createClass({ inMinutes: 90, registrationClosesMinutesBefore: 0, cancellationClosesMinutesBefore: 120, adultSeats: 1 });
  const r = await t.client(m.token).call(api.register, { params: { sessionId: c2.sessions[0].id }, body: { adults: 1 } });
  expect(r.canCancel).toBe(false);
  await expectCode(t.client(m.token).call(api.cancelRegistration, { params: { registrationId: r.id } }), 'CLASS_CANCEL_CLOSED');
  const w = await memberToken(t);
  const wr = await t.client(w.token).call(api.register, { params: { sessionId: c2.sessions[0].id }, body: { adults: 1 } });
  expect(wr).toMatchObject({ status: 'waitlisted', canCancel: true });
  expect((await t.client(w.token).call(api.cancelRegistration, { params: { registrationId: wr.id } })).status).toBe('cancelled');
  // someone else's registration is not found
  await expectCode(t.client(w.token).call(api.cancelRegistration, { params: { registrationId: r.id } }), 'NOT_FOUND');
  // a cancelled session takes no registrations and cancels the active ones
  const c3 = await createClass({ adultSeats: 2 });
  const r3 = await t.client(m.token).call(api.register, { params: { sessionId: c3.sessions[0].id }, body: { adults: 1 } });
  await ops(hq).call(api.opsCancelSession, { params: { sessionId: c3.sessions[0].id } });
  expect(await t.client(m.token).call(api.getMyRegistration, { params: { registrationId: r3.id } })).toMatchObject({ status: 'cancelled', cancelledBy: 'ops' });
  await expectCode(t.client(w.token).call(api.register, { params: { sessionId: c3.sessions[0].id }, body: { adults: 1 } }), 'CLASS_SESSION_UNAVAILABLE');
});

test('check-in is recorded once with who and when; attendance grants tags; ratings reach ops; figures and CSV', async () => {
  const cls = await createClass({ inMinutes: 30, registrationClosesMinutesBefore: 0, adultSeats: 6, tags: ['烹饪爱好者', '亲子家庭'] });
  const sessionId = cls.sessions[0].id;
  const [a, b, c] = await Promise.all([memberToken(t, { nickname: '=王阿姨' }), memberToken(t, { nickname: '李叔' }), memberToken(t)]);
  const ra = await t.client(a.token).call(api.register, { params: { sessionId }, body: { adults: 2 } });
  const rb = await t.client(b.token).call(api.register, { params: { sessionId }, body: { adults: 1 } });
  const rc = await t.client(c.token).call(api.register, { params: { sessionId }, body: { adults: 1 } });

  const first = await ops(staffA.token).call(api.opsCheckIn, { body: { code: ra.checkIn!.qrPayload } });
  expect(first).toMatchObject({ result: 'checked_in', registrationId: ra.id, checkedInBy: staffA.name, method: 'staff_scan', adults: 2 });
  const again = await ops(hq).call(api.opsCheckIn, { body: { code: ra.checkIn!.shortCode.toLowerCase(), sessionId } });
  expect(again).toMatchObject({ result: 'already_checked_in', checkedInAt: first.checkedInAt, checkedInBy: staffA.name, method: 'staff_scan' });
  await expectCode(ops(staffA.token).call(api.opsCheckIn, { body: { code: rb.checkIn!.shortCode } }), 'VALIDATION_FAILED');
  await expectCode(ops(staffB).call(api.opsCheckIn, { body: { code: rb.checkIn!.qrPayload } }), 'FORBIDDEN');
  await expectCode(ops(staffA.token).call(api.opsCheckIn, { body: { code: 'ZZZZZZ', sessionId } }), 'CLASS_CHECKIN_CODE_INVALID');

  // the member scans the store's session code
  const door = await ops(staffA.token).call(api.opsSessionCode, { params: { sessionId } });
  expect(door.qrPayload).toMatch(/^hubclass:s:\d+\.\d+\./);
  await expectCode(t.client(b.token).call(api.memberCheckIn, { body: { code: rb.checkIn!.qrPayload } }), 'CLASS_CHECKIN_CODE_INVALID');
  const self = await t.client(b.token).call(api.memberCheckIn, { body: { code: door.qrPayload } });
  expect(self).toMatchObject({ result: 'checked_in', method: 'member_scan', checkedInBy: null });
  const outsider = await memberToken(t);
  await expectCode(t.client(outsider.token).call(api.memberCheckIn, { body: { code: door.qrPayload } }), 'CLASS_NOT_CONFIRMED');

  const d = await db(t);
  const rowA = await d.manager.findOneByOrFail(ClassRegistration, { id: ra.id });
  expect(rowA).toMatchObject({ status: 'attended', checkedInByStaffId: staffA.id, checkinMethod: 'staff_scan' });

  await settle(t);
  const tags = await t.container.getAsync(TagService);
  expect((await tags.tagsOf(a.id)).map((x) => x.name).sort()).toEqual(['亲子家庭', '烹饪爱好者']);
  expect((await tags.tagsOf(c.id)).length).toBe(0);

  // ratings after attending, once
  const rated = await t.client(a.token).call(api.rateRegistration, { params: { registrationId: ra.id }, body: { stars: 5, comment: '饺子皮擀得很顺手' } });
  expect(rated).toMatchObject({ canRate: false, rating: { stars: 5, comment: '饺子皮擀得很顺手' } });
  await expectCode(t.client(a.token).call(api.rateRegistration, { params: { registrationId: ra.id }, body: { stars: 4 } }), 'CLASS_ALREADY_RATED');
  await expectCode(t.client(c.token).call(api.rateRegistration, { params: { registrationId: rc.id }, body: { stars: 4 } }), 'CLASS_RATING_NOT_ALLOWED');
  await t.client(b.token).call(api.rateRegistration, { params: { registrationId: rb.id }, body: { stars: 4 } });
  const fb = await ops(hq).call(api.opsFeedback, { query: { classId: cls.id } });
  expect(fb.total).toBe(2);
  expect(fb.averageRating).toBe(4.5);
  expect(fb.items.find((i) => i.registrationId === ra.id)).toMatchObject({
    stars: 5,
    comment: '饺子皮擀得很顺手',
    memberNickname: '=王阿姨',
    classTitle: cls.title,
  });
  expect((await ops(managerB).call(api.opsFeedback, { query: {} })).items.filter((i) => i.classId === cls.id)).toHaveLength(0);

  // the session ends: c never came -> no-show (job run twice: recorded once)
  const end = new Date(cls.sessions[0].endsAt);
  await runJob(t, 'classes.close-sessions', new Date(end.getTime() + 3 * HOUR));
  await runJob(t, 'classes.close-sessions', new Date(end.getTime() + 4 * HOUR));
  expect((await d.manager.findOneByOrFail(ClassRegistration, { id: rc.id })).status).toBe('no_show');
  const stats = await ops(hq).call(api.opsClassStats, { params: { classId: cls.id } });
  expect(stats.totals).toMatchObject({
    sessions: 1,
    finishedSessions: 1,
    expected: 3,
    attended: 2,
    noShow: 1,
    attendedPeople: 3,
    averageRating: 4.5,
    ratings: 2,
  });
  expect(stats.totals.attendanceRate).toBeCloseTo(2 / 3, 3);
  expect(stats.sessions[0]).toMatchObject({ status: 'finished', attended: 2, noShow: 1 });
  await expectCode(ops(hq).call(api.opsCheckIn, { body: { code: rc.checkIn!.qrPayload } }), 'CLASS_CHECKIN_CLOSED');

  // CSV download: BOM, Chinese header, formula-looking nicknames defused
  const csv = await t
    .http()
    .get(`/api/admin/classes/sessions/${sessionId}/roster.csv`)
    .set('authorization', `Bearer ${managerA}`)
    .buffer(true)
    .parse((res: any, cb: any) => {
      const chunks: Buffer[] = [];
      res.on('data', (ch: Buffer) => chunks.push(ch));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  expect(csv.status).toBe(200);
  expect(csv.headers['content-type']).toMatch(/^text\/csv/);
  expect(csv.headers['content-disposition']).toMatch(/attachment; filename="roster-\d+\.csv"; filename\*=UTF-8''/);
  const bytes = csv.body as Buffer;
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8').slice(1);
  const lines = text.trim().split('\r\n');
  expect(lines[0]).toBe('序号,状态,候补位置,昵称,手机,家庭,成人,儿童,儿童年龄,签到码,签到时间,签到人,签到方式,报名时间,评分,评价');
  expect(lines).toHaveLength(4);
  expect(text).toContain("'=王阿姨");
  expect(text).toContain('已签到');
  expect(text).toContain('未到场');
  expect(text).toContain('饺子皮擀得很顺手');
  expect((await t.http().get(`/api/admin/classes/sessions/${sessionId}/roster.csv`).set('authorization', `Bearer ${managerB}`)).status).toBe(404);
  expect((await t.http().get(`/api/admin/classes/sessions/${sessionId}/roster.csv`).set('authorization', `Bearer ${staffA.token}`)).status).toBe(403);
});

test('two no-shows within 60 days block registration for 30 days, visibly; ops can lift it', async () => {
  const series = await createClass({ inMinutes: 30, registrationClosesMinutesBefore: 0, recurrence: { frequency: 'daily', count: 2 } });
  const m = await memberToken(t);
  for (const s of series.sessions) await t.client(m.token).call(api.register, { params: { sessionId: s.id }, body: { adults: 1 } });
  const firstEnd = new Date(series.sessions[0].endsAt);
  await runJob(t, 'classes.close-sessions', new Date(firstEnd.getTime() + 3 * HOUR));
  expect((await t.client(m.token).call(api.myStanding)).blocked).toBe(false);
  const secondEnd = new Date(series.sessions[1].endsAt);
  await runJob(t, 'classes.close-sessions', new Date(secondEnd.getTime() + 3 * HOUR));

  const standing = await t.client(m.token).call(api.myStanding);
  expect(standing).toMatchObject({ blocked: true, rule: { noShowLimit: 2, windowDays: 60, blockDays: 30 } });
  expect(standing.reason).toMatch(/60天内有2次报名后未到场，\d{4}-\d{2}-\d{2} 前暂不能报名活动/);
  expect(standing.recentNoShows).toHaveLength(2);
  const blockedUntil = new Date(standing.blockedUntil!).getTime();
  expect(blockedUntil - (secondEnd.getTime() + 3 * HOUR)).toBe(30 * 24 * HOUR);

  const next = await createClass();
  const err = await expectCode(
    t.client(m.token).call(api.register, { params: { sessionId: next.sessions[0].id }, body: { adults: 1 } }),
    'CLASS_MEMBER_BLOCKED',
    403,
  );
  expect(err.message).toBe(standing.reason);

  const blocks = await ops(managerA).call(api.opsListBlocks, { query: {} });
  const block = blocks.items.find((b) => b.memberId === m.id)!;
  expect(block).toBeDefined();
  expect((await ops(managerB).call(api.opsListBlocks, { query: {} })).items.find((b) => b.memberId === m.id)).toBeUndefined();
  const lifted = await ops(managerA).call(api.opsLiftBlock, { params: { blockId: block.id } });
  expect(lifted.liftedAt).not.toBeNull();
  expect((await t.client(m.token).call(api.register, { params: { sessionId: next.sessions[0].id }, body: { adults: 1 } })).status).toBe('confirmed');
});

test('bad input never becomes a 500', async () => {
  const m = await memberToken(t);
  const cls = await createClass();
  const sid = cls.sessions[0].id;
  const member = (method: 'get' | 'post', path: string, body?: unknown) => {
    const r = t.http()[method](path).set('authorization', `Bearer ${m.token}`);
    return body === undefined ? r : r.send(body as object);
  };
  const staff = (method: 'get' | 'post' | 'patch', path: string, body?: unknown) => {
    const r = t.http()[method](path).set('authorization', `Bearer ${hq}`);
    return body === undefined ? r : r.send(body as object);
  };
  const cases = [
    member('get', '/api/classes/sessions?from=2026-02-30'),
    member('get', '/api/classes/sessions?from=yesterday&days=1000'),
    member('get', '/api/classes/sessions/abc'),
    member('get', '/api/classes/sessions/99999999'),
    member('get', '/api/classes/sessions/99999999999999999999999'),
    member('post', `/api/classes/sessions/${sid}/registrations`, { adults: -1 }),
    member('post', `/api/classes/sessions/${sid}/registrations`, { adults: 0, children: 0 }),
    member('post', `/api/classes/sessions/${sid}/registrations`, { adults: '1', children: [], childAges: 'x' }),
    member('post', `/api/classes/sessions/${sid}/registrations`, { adults: 1, children: 1, childAges: [1, 2, 3] }),
    member('post', `/api/classes/sessions/${sid}/registrations`, [1, 2]),
    member('post', `/api/classes/registrations/0/cancel`),
    member('post', `/api/classes/registrations/1.5/rating`, { stars: 9 }),
    member('post', '/api/classes/check-in', { code: 'x'.repeat(500) }),
    member('post', '/api/classes/check-in', { code: 'hubclass:s:../../etc' }),
    member('get', '/api/admin/classes'),
    staff('post', '/api/admin/classes', { ...classBody(storeA), startsAt: 'soon' }),
    staff('post', '/api/admin/classes', { ...classBody(storeA), storeId: 987654 }),
    staff('post', '/api/admin/classes', { ...classBody(storeA), recurrence: { frequency: 'hourly', count: 1000 } }),
    staff('patch', `/api/admin/classes/${cls.id}`, { schedule: { startTime: '25:00', durationMinutes: 5 } }),
    staff('patch', `/api/admin/classes/sessions/${sid}`, { startsAt: '2020-01-01T00:00:00Z' }),
    staff('post', '/api/admin/classes/check-in', { code: '' }),
    staff('post', '/api/admin/classes/check-in', { code: 'hubclass:r:AAAAAAAAAAAAAAAAAAAAAAAA' }),
    staff('get', '/api/admin/classes/check-in/sessions?date=2026-13-01'),
    staff('get', '/api/admin/classes/feedback?page=0'),
    staff('post', '/api/admin/classes/blocks/77/lift'),
  ];
  const results = await Promise.all(cases);
  for (const r of results) {
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(typeof r.body.code).toBe('string');
  }
});

test('account deletion frees the seat for the waitlist and erases comments; 「我的数据」 lists registrations', async () => {
  const cls = await createClass({ adultSeats: 1 });
  const sessionId = cls.sessions[0].id;
  const [leaver, waiter] = await Promise.all([memberToken(t), memberToken(t)]);
  const rl = await t.client(leaver.token).call(api.register, { params: { sessionId }, body: { adults: 1 } });
  const rw = await t.client(waiter.token).call(api.register, { params: { sessionId }, body: { adults: 1 } });
  expect([rl.status, rw.status]).toEqual(['confirmed', 'waitlisted']);
  const mine = await t.client(leaver.token).call(identity.getMyData);
  expect(mine.activity.classRegistrations).toEqual([expect.objectContaining({ title: cls.title, status: 'confirmed', adults: 1 })]);
  await t.client(leaver.token).call(identity.deleteMe, { body: { confirm: true } });
  await settle(t);
  // the promotion runs in the background after the deletion's delivery commits
  for (let i = 0; i < 50; i++) {
    if ((await (await db(t)).manager.findOneByOrFail(ClassRegistration, { id: rw.id })).status === 'confirmed') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const d = await db(t);
  expect(await d.manager.findOneByOrFail(ClassRegistration, { id: rl.id })).toMatchObject({ status: 'cancelled', comment: null, childAges: null });
  expect((await d.manager.findOneByOrFail(ClassRegistration, { id: rw.id })).status).toBe('confirmed');
});

test('every classes contract route has a handler and converts to JSON Schema (OpenAPI)', () => {
  const bound = new Set(boundRoutes().map((b) => `${b.def.method} ${b.def.path}`));
  const routes = Object.values(api).filter((v): v is (typeof api)['register'] => typeof v === 'object' && v !== null && 'path' in v && 'response' in v);
  expect(routes.length).toBeGreaterThanOrEqual(28);
  for (const r of routes) {
    expect(bound).toContain(`${r.method} ${r.path}`);
    for (const part of [r.params, r.query, r.body, r.response]) {
      if (part) expect(() => z.toJSONSchema(part as z.ZodType, { io: 'input', unrepresentable: 'any' })).not.toThrow();
    }
  }
  const csv = z.toJSONSchema(api.opsRosterCsv.response, { io: 'output' }) as { contentMediaType?: string };
  expect(csv.contentMediaType).toBe('text/csv');
});
