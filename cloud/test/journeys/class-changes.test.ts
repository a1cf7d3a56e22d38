/**
 * Ops move or call off a class session: each member holding a place (seat or waitlist) who is a
 * WeCom customer gets one private message from their clerk (add_msg_template, for the clerk to
 * confirm) with the class and the times in Beijing time; members who cancelled themselves or have
 * no WeCom contact get none; re-delivery and a second identical move send nothing more.
 */
import * as C from '../../../contracts/classes';
import { SessionService } from '../../src/core/auth/session.service';
import { Db } from '../../src/core/db';
import { EventBus } from '../../src/core/events/event-bus';
import { shanghaiWhen } from '../../src/modules/journeys/class-changes.listener';
import { classBody } from '../classes/kit';
import { startTestApp, type TestApp } from '../helpers/app';
import { makeMember, makeStore } from '../helpers/fixtures';
import { fire, listen, type Listening, settle, simGet, staffToken } from '../wecom/engine-helpers';

let t: TestApp;
let l: Listening;
let hq: string;
let storeId: number;

async function memberToken(memberId: number): Promise<string> {
  return (await t.container.getAsync(SessionService)).create('member', memberId, 1, 'jest');
}

async function customer(unionid: string, name: string): Promise<{ memberId: number; token: string; ext: string }> {
  const m = await makeMember(t, { unionid, storeId, nickname: name });
  const r = await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu', customer: { name, unionid } } });
  return { memberId: m.id, token: await memberToken(m.id), ext: r.results![0].externalUserId! };
}

type SimMsg = { creator: string; chatType: string; text: string | null; targets: Array<{ externalUserId: string }> };
async function messagesTo(ext: string): Promise<SimMsg[]> {
  const { msgs } = await simGet<{ msgs: SimMsg[] }>(t, '/__sim/wecom/group-msgs');
  return msgs.filter((m) => m.targets.some((x) => x.externalUserId === ext));
}

beforeAll(async () => {
  t = await startTestApp();
  l = await listen(t);
  storeId = (await makeStore(t, '滨江店')).id;
  await staffToken(t, 'staff', { storeId, wecomUserId: 'zhaoliu' });
  hq = (await staffToken(t, 'hq_admin')).token;
});
afterAll(async () => {
  await l?.close();
  await t?.close();
});

test('a moved session: one message per member with a place, old and new time in Beijing time', async () => {
  const ops = t.client(hq);
  const cls = await ops.call(C.opsCreateClass, { body: classBody(storeId, { title: '手工水饺', adultSeats: 1, inMinutes: 3 * 24 * 60 }) });
  const session = cls.sessions[0];
  const seated = await customer('u-move-1', '王阿姨');
  const waiting = await customer('u-move-2', '李叔叔');
  const leaver = await customer('u-move-3', '赵奶奶');
  const noContact = await makeMember(t, { storeId });
  expect((await t.client(seated.token).call(C.register, { params: { sessionId: session.id }, body: { adults: 1 } })).status).toBe('confirmed');
  expect((await t.client(waiting.token).call(C.register, { params: { sessionId: session.id }, body: { adults: 1 } })).status).toBe('waitlisted');
  const left = await t.client(leaver.token).call(C.register, { params: { sessionId: session.id }, body: { adults: 1 } });
  await t.client(leaver.token).call(C.cancelRegistration, { params: { registrationId: left.id } });
  await t.client(await memberToken(noContact.id)).call(C.register, { params: { sessionId: session.id }, body: { adults: 1 } });
  await settle(t);

  const startsAt = new Date(new Date(session.startsAt).getTime() + 24 * 3600_000).toISOString();
  const endsAt = new Date(new Date(session.endsAt).getTime() + 24 * 3600_000).toISOString();
  await ops.call(C.opsUpdateSession, { params: { sessionId: session.id }, body: { startsAt, endsAt } });
  await settle(t);

  for (const c of [seated, waiting]) {
    const msgs = await messagesTo(c.ext);
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ creator: 'zhaoliu', chatType: 'single' });
    expect(msgs[0].text).toContain('「手工水饺」的时间有调整');
    expect(msgs[0].text).toContain(`由${shanghaiWhen(session.startsAt)}改为${shanghaiWhen(startsAt)}`);
  }
  expect(await messagesTo(leaver.ext)).toHaveLength(0);

  // seats only (no move): nothing new; a re-delivered event: nothing new
  await ops.call(C.opsUpdateSession, { params: { sessionId: session.id }, body: { adultSeats: 3 } });
  await settle(t);
  expect(await messagesTo(seated.ext)).toHaveLength(1);
  const d = await t.container.getAsync(Db);
  // as if the delivery record had been lost: the handler runs again, the outbox key holds
  await d.manager.query(`DELETE FROM event_delivery WHERE handler = 'ClassChangesListener.rescheduled'`);
  await d.manager.query(`UPDATE domain_event SET dispatched_at = NULL WHERE type = 'ClassSessionRescheduled'`);
  await (await t.container.getAsync(EventBus)).drain();
  await settle(t);
  expect(await messagesTo(seated.ext)).toHaveLength(1);
});

test('a session called off: every member with a place hears it from their clerk, once', async () => {
  const ops = t.client(hq);
  const cls = await ops.call(C.opsCreateClass, { body: classBody(storeId, { title: '亲子烘焙', inMinutes: 2 * 24 * 60 }) });
  const session = cls.sessions[0];
  const a = await customer('u-cancel-1', '孙阿姨');
  await t.client(a.token).call(C.register, { params: { sessionId: session.id }, body: { adults: 1 } });
  await ops.call(C.opsCancelSession, { params: { sessionId: session.id } });
  await settle(t);
  const msgs = await messagesTo(a.ext);
  expect(msgs).toHaveLength(1);
  expect(msgs[0].text).toContain(`原定${shanghaiWhen(session.startsAt)}的「亲子烘焙」因门店安排取消了`);
  // cancelling again is refused and sends nothing
  await expect(ops.call(C.opsCancelSession, { params: { sessionId: session.id } })).rejects.toMatchObject({ code: 'CLASS_SESSION_UNAVAILABLE' });
  await settle(t);
  expect(await messagesTo(a.ext)).toHaveLength(1);
});
