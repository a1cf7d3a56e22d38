/**
 * Subscribe messages: the 24 h and 2 h reminders go out once each (the job runs twice, the
 * simulator records one call per reminder), only for templates the member accepted; the waitlist
 * promotion notice goes out through the outbox; 43101 is recorded as refused and never retried.
 */
import * as api from '../../../contracts/classes';
import { ClassNotice } from '../../src/modules/classes/entities/class-notice.entity';
import { NoticeService } from '../../src/modules/classes/notice.service';
import { startTestApp, type TestApp } from '../helpers/app';
import { db, makeStore } from '../helpers/fixtures';
import { classBody, HOUR, memberToken, runJob, settle, simAccept, simCalls, staffToken } from './kit';

const SEND = '/wechat/cgi-bin/message/subscribe/send';

let t: TestApp;
let hq: string;
let storeId: number;

beforeAll(async () => {
  t = await startTestApp();
  storeId = (await makeStore(t, '滨江店')).id;
  hq = (await staffToken(t, 'hq_admin', null)).token;
});
afterAll(async () => {
  await t?.close();
});

test('24 h and 2 h reminders once each, promotion notice once, only with an accepted template', async () => {
  const cls = await t.client(hq).call(api.opsCreateClass, { body: classBody(storeId, { inMinutes: 30 * 60, adultSeats: 2, title: '手工汤圆' }) });
  const session = cls.sessions[0];
  const start = new Date(session.startsAt).getTime();
  const [a, b, c] = await Promise.all([memberToken(t), memberToken(t), memberToken(t)]);
  const reg = (m: { token: string }, subscribe: api.SubscribeAccepts) =>
    t.client(m.token).call(api.register, { params: { sessionId: session.id }, body: { adults: 1, subscribe } });
  const ra = await reg(a, { reminder24h: true, reminder2h: true, promoted: false });
  const rb = await reg(b, { reminder24h: false, reminder2h: false, promoted: false });
  const rc = await reg(c, { reminder24h: true, reminder2h: false, promoted: true });
  expect([ra.status, rb.status, rc.status]).toEqual(['confirmed', 'confirmed', 'waitlisted']);
  expect(ra.subscriptions).toEqual({ reminder24h: true, reminder2h: true, promoted: false });

  const templates = await t.client(a.token).call(api.subscribeTemplates);
  // the same taps, as WeChat records them
  await simAccept(t, a.openid, templates.reminder24h);
  await simAccept(t, a.openid, templates.reminder2h);
  await simAccept(t, c.openid, templates.reminder24h);
  await simAccept(t, c.openid, templates.promoted);
  const before = (await simCalls(t, SEND)).length;
  const sent = async () => (await simCalls(t, SEND)).slice(before);

  // 23 h before start: the 24 h window; twice
  await runJob(t, 'classes.reminders', new Date(start - 23 * HOUR));
  await runJob(t, 'classes.reminders', new Date(start - 23 * HOUR + 60_000));
  let calls = await sent();
  expect(calls).toHaveLength(1);
  expect(calls[0].body).toMatchObject({ touser: a.openid, template_id: templates.reminder24h, page: `${api.CLASS_NOTICE_PAGE}?registrationId=${ra.id}` });
  expect(calls[0].body.data.thing1.value).toBe('手工汤圆');
  expect((await t.client(a.token).call(api.getMyRegistration, { params: { registrationId: ra.id } })).subscriptions).toEqual({
    reminder24h: false,
    reminder2h: true,
    promoted: false,
  });

  // b leaves: c is promoted and told once (through the outbox), then gets the 24 h reminder it accepted
  await t.client(b.token).call(api.cancelRegistration, { params: { registrationId: rb.id } });
  await settle(t);
  await runJob(t, 'classes.reminders', new Date(start - 22 * HOUR));
  await runJob(t, 'classes.reminders', new Date(start - 22 * HOUR));
  calls = await sent();
  expect(calls.map((x) => [x.body.touser, x.body.template_id])).toEqual([
    [a.openid, templates.reminder24h],
    [c.openid, templates.promoted],
    [c.openid, templates.reminder24h],
  ]);

  // 1 h 50 min before: the 2 h reminder, for a only (c did not accept it); twice
  await runJob(t, 'classes.reminders', new Date(start - 110 * 60_000));
  await runJob(t, 'classes.reminders', new Date(start - 100 * 60_000));
  calls = await sent();
  expect(calls).toHaveLength(4);
  expect(calls[3].body).toMatchObject({ touser: a.openid, template_id: templates.reminder2h });

  const d = await db(t);
  const notices = await d.manager.find(ClassNotice, { order: { id: 'ASC' } });
  expect(notices.map((n) => [n.registrationId, n.kind, n.status])).toEqual([
    [ra.id, 'reminder_24h', 'sent'],
    [rc.id, 'promoted', 'sent'],
    [rc.id, 'reminder_24h', 'sent'],
    [ra.id, 'reminder_2h', 'sent'],
  ]);
  const roster = await t.client(hq).call(api.opsRoster, { params: { sessionId: session.id } });
  expect(roster.items.find((i) => i.registrationId === ra.id)?.notices.map((n) => [n.kind, n.status])).toEqual([
    ['reminder_24h', 'sent'],
    ['reminder_2h', 'sent'],
  ]);
});

test('43101 (no accepted quota in WeChat) is recorded as refused and not retried; a claimed notice is never sent again', async () => {
  const cls = await t.client(hq).call(api.opsCreateClass, { body: classBody(storeId, { inMinutes: 10 * 60, adultSeats: 3 }) });
  const start = new Date(cls.sessions[0].startsAt).getTime();
  const [a, b] = await Promise.all([memberToken(t), memberToken(t)]);
  const ra = await t.client(a.token).call(api.register, {
    params: { sessionId: cls.sessions[0].id },
    body: { adults: 1, subscribe: { reminder24h: true, reminder2h: true, promoted: false } },
  });
  const rb = await t.client(b.token).call(api.register, {
    params: { sessionId: cls.sessions[0].id },
    body: { adults: 1, subscribe: { reminder24h: true, reminder2h: false, promoted: false } },
  });
  const before = (await simCalls(t, '/wechat/cgi-bin/message/subscribe/send')).length;
  // a told us it accepted, but WeChat holds no accept for it (e.g. the tap was on another device): 43101
  // a notice already claimed by a sender that then died stays 'sending' and is never sent again
  const d = await db(t);
  const notices = await t.container.getAsync(NoticeService);
  await notices.queue(d.manager, rb.id, 'reminder_24h', new Date());
  await d.manager.update(ClassNotice, { registrationId: rb.id, kind: 'reminder_24h' }, { status: 'sending' });
  await runJob(t, 'classes.reminders', new Date(start - 8 * HOUR));
  await runJob(t, 'classes.reminders', new Date(start - 8 * HOUR));
  const calls = (await simCalls(t, '/wechat/cgi-bin/message/subscribe/send')).slice(before);
  expect(calls).toHaveLength(1);
  expect(calls[0].errcode).toBe(43101);
  const rows = await d.manager.find(ClassNotice, { where: [{ registrationId: ra.id }, { registrationId: rb.id }], order: { id: 'ASC' } });
  expect(rows.map((n) => [n.registrationId, n.kind, n.status])).toEqual(
    expect.arrayContaining([
      [rb.id, 'reminder_24h', 'sending'],
      [ra.id, 'reminder_24h', 'refused'],
    ]),
  );
  expect(rows).toHaveLength(2);
});
