/** Member login with consent gating, sessions, 「我的数据」 and account deletion. */
import { CURRENT_PRIVACY_VERSION, identity } from '../../contracts';
import { SessionRow } from '../src/core/auth/session.entity';
import { DomainEvent } from '../src/core/events/domain-event.entity';
import { EventBus } from '../src/core/events/event-bus';
import { ConsentRecord } from '../src/modules/identity/entities/consent-record.entity';
import { Member } from '../src/modules/identity/entities/member.entity';
import { WecomContact } from '../src/modules/wecom/entities/wecom-contact.entity';
import { startTestApp, type TestApp } from './helpers/app';
import { db, makeContact, makeHousehold, makeMember, makeStaff, makeStore } from './helpers/fixtures';
import { inviteCode, shareToken } from '../src/modules/referral/codes';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function login(who: { openid?: string; unionid?: string | null } = {}, consent: string | null = CURRENT_PRIVACY_VERSION) {
  const { code, openid, unionid } = await t.wechatCode(who);
  const res = await t.client().call(identity.memberLogin, { body: { code, ...(consent ? { consentVersion: consent } : {}) } });
  return { ...res, openid, unionid };
}

test('a first login without the current consent stores nothing', async () => {
  const d = await db(t);
  const before = { members: await d.manager.count(Member), sessions: await d.manager.count(SessionRow), consents: await d.manager.count(ConsentRecord) };
  const { code, openid } = await t.wechatCode();
  await expect(t.client().call(identity.memberLogin, { body: { code } })).rejects.toMatchObject({ status: 403, code: 'CONSENT_REQUIRED' });
  const { code: code2 } = await t.wechatCode({ openid });
  await expect(t.client().call(identity.memberLogin, { body: { code: code2, consentVersion: '2020-01-01' } })).rejects.toMatchObject({
    code: 'CONSENT_REQUIRED',
  });
  expect(await d.manager.count(Member)).toBe(before.members);
  expect(await d.manager.count(SessionRow)).toBe(before.sessions);
  expect(await d.manager.count(ConsentRecord)).toBe(before.consents);
  expect(await d.manager.findOne(Member, { where: { openid } })).toBeNull();
});

test('first login with consent registers, records consent, emits MemberRegistered; session_key never leaves', async () => {
  const { code, openid, unionid } = await t.wechatCode();
  const res = await t.http().post('/api/auth/member/login').send({ code, consentVersion: CURRENT_PRIVACY_VERSION });
  expect(res.status).toBe(200);
  expect(res.text).not.toMatch(/session_?key/i);
  expect(res.text).not.toContain(openid);
  expect(res.body.isNew).toBe(true);
  expect(res.body.member).toMatchObject({ tier: '新客', consentVersion: CURRENT_PRIVACY_VERSION, nickname: null });
  const d = await db(t);
  const m = await d.manager.findOneByOrFail(Member, { id: res.body.member.id });
  expect(m).toMatchObject({ openid, unionid, status: 'active' });
  expect(await d.manager.findBy(ConsentRecord, { memberId: m.id })).toEqual([expect.objectContaining({ action: 'granted', version: CURRENT_PRIVACY_VERSION })]);
  const events = await d.manager.findBy(DomainEvent, { type: 'MemberRegistered' });
  expect(events.map((e) => JSON.parse(e.payload).memberId)).toContain(m.id);

  // a later login of the same person needs no consent field and is not new
  const again = await login({ openid }, null);
  expect(again.isNew).toBe(false);
  expect(again.member.id).toBe(m.id);
  expect(again.token).not.toBe(res.body.token);
});

test('codes are single use and must exist', async () => {
  const { code } = await t.wechatCode();
  await t.client().call(identity.memberLogin, { body: { code, consentVersion: CURRENT_PRIVACY_VERSION } });
  await expect(t.client().call(identity.memberLogin, { body: { code, consentVersion: CURRENT_PRIVACY_VERSION } })).rejects.toMatchObject({
    status: 400,
    code: 'WECHAT_CODE_INVALID',
  });
  await expect(t.client().call(identity.memberLogin, { body: { code: 'never-issued', consentVersion: CURRENT_PRIVACY_VERSION } })).rejects.toMatchObject({
    code: 'WECHAT_CODE_INVALID',
  });
});

test('a WeChat outage is UPSTREAM_UNAVAILABLE', async () => {
  const { code } = await t.wechatCode();
  t.sim.fault({ path: '/wechat/sns/jscode2session', errcode: -1, times: 1 });
  await expect(t.client().call(identity.memberLogin, { body: { code, consentVersion: CURRENT_PRIVACY_VERSION } })).rejects.toMatchObject({
    status: 502,
    code: 'UPSTREAM_UNAVAILABLE',
  });
});

test('outdated or withdrawn consent must be renewed at login', async () => {
  const first = await login();
  const d = await db(t);
  await d.manager.update(Member, { id: first.member.id }, { consentVersion: '2025-01-01' });
  await expect(login({ openid: first.openid }, null)).rejects.toMatchObject({ code: 'CONSENT_REQUIRED' });
  expect((await d.manager.findOneByOrFail(Member, { id: first.member.id })).consentVersion).toBe('2025-01-01');
  const renewed = await login({ openid: first.openid });
  expect(renewed.member.consentVersion).toBe(CURRENT_PRIVACY_VERSION);
  expect((await d.manager.findBy(ConsentRecord, { memberId: first.member.id })).filter((c) => c.action === 'granted')).toHaveLength(2);
});

test('profile read and update; logout kills the token', async () => {
  const { token } = await login();
  const c = t.client(token);
  const updated = await c.call(identity.updateMe, { body: { nickname: '  王阿姨 ', avatarUrl: 'https://img.example.com/a.png' } });
  expect(updated).toMatchObject({ nickname: '王阿姨', avatarUrl: 'https://img.example.com/a.png' });
  expect((await c.call(identity.getMe)).nickname).toBe('王阿姨');
  await expect(c.call(identity.updateMe, { body: { nickname: '名'.repeat(21) } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  await expect(c.call(identity.updateMe, { body: { nickname: '   ' } })).rejects.toMatchObject({
    code: 'VALIDATION_FAILED',
    details: [{ path: 'nickname', message: '昵称不能为空' }],
  });
  expect(await c.call(identity.memberLogout)).toEqual({ ok: true });
  await expect(c.call(identity.getMe)).rejects.toMatchObject({ status: 401 });
});

test('POST with x-http-method-override: PATCH reaches the PATCH route (the weapp client has no PATCH)', async () => {
  const { token } = await login();
  const res = await t.http().post('/api/me').set('authorization', `Bearer ${token}`).set('x-http-method-override', 'PATCH').send({ nickname: '李叔' });
  expect(res.status).toBe(200);
  expect(res.body.nickname).toBe('李叔');
  // only POST may be overridden, and only to PATCH/PUT/DELETE
  const get = await t.http().get('/api/me').set('authorization', `Bearer ${token}`).set('x-http-method-override', 'DELETE');
  expect(get.status).toBe(200);
  expect(get.body.nickname).toBe('李叔');
});

test('expired sessions answer SESSION_EXPIRED', async () => {
  const { token } = await login();
  const d = await db(t);
  const { hashToken } = await import('../src/core/auth/session.service');
  await d.manager.update(SessionRow, { tokenHash: hashToken(token) }, { expiresAt: new Date(Date.now() - 1000) });
  await expect(t.client(token).call(identity.getMe)).rejects.toMatchObject({ status: 401, code: 'SESSION_EXPIRED' });
  await expect(t.client(token).call(identity.getMe)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
});

test('「我的数据」 lists what is held about the member, and only them', async () => {
  const store = await makeStore(t, '测试店');
  const household = await makeHousehold(t, store.id, '王家');
  const owner = await makeStaff(t, { role: 'group_owner', storeId: store.id, displayName: '团长小李' });
  const spouse = await makeMember(t, { householdId: household.id, householdRelation: '配偶', nickname: '王师傅', storeId: store.id });
  const other = await makeMember(t, { nickname: '隔壁老张', phone: '13900000000' });
  const me = await login({ unionid: 'u_mydata_1' });
  const d = await db(t);
  await d.manager.update(Member, { id: me.member.id }, { householdId: household.id, householdRelation: '本人', phone: '13812341234', storeId: store.id });
  await makeContact(t, { unionid: 'u_mydata_1', memberId: me.member.id, followStaffId: owner.id });

  const data = await t.client(me.token).call(identity.getMyData);
  expect(data.member).toMatchObject({ id: me.member.id, openid: me.openid, unionid: 'u_mydata_1', phone: '13812341234', storeName: '测试店' });
  expect(data.household).toEqual({
    id: household.id,
    name: '王家',
    members: expect.arrayContaining([
      { nickname: '王师傅', relation: '配偶' },
      { nickname: null, relation: '本人' },
    ]),
  });
  expect(data.household!.members).toHaveLength(2);
  expect(data.consents).toEqual([expect.objectContaining({ version: CURRENT_PRIVACY_VERSION, action: 'granted' })]);
  expect(data.sessions).toHaveLength(1);
  expect(data.wecomContacts).toEqual([{ staffName: '团长小李', addedAt: expect.any(String) }]);
  // other domains add their sections (tags, entries…); each is a list
  for (const rows of Object.values(data.activity)) expect(Array.isArray(rows)).toBe(true);
  const text = JSON.stringify(data);
  expect(text).not.toContain('隔壁老张');
  expect(text).not.toContain('13900000000');
  expect(spouse.id).not.toBe(other.id);
});

test('deleting the account anonymises it, kills sessions, unlinks contacts; a new login is a fresh member', async () => {
  const store = await makeStore(t);
  const household = await makeHousehold(t, store.id);
  const owner = await makeStaff(t, { role: 'group_owner', storeId: store.id });
  const me = await login({ unionid: 'u_delete_1' });
  const second = await login({ openid: me.openid }, null); // two live sessions
  const d = await db(t);
  await d.manager.update(
    Member,
    { id: me.member.id },
    { nickname: '李叔', phone: '13711112222', householdId: household.id, householdRelation: '本人', groupOwnerStaffId: owner.id },
  );
  const contact = await makeContact(t, { unionid: 'u_delete_1', memberId: me.member.id, followStaffId: owner.id });

  await expect(t.client(me.token).call(identity.deleteMe, { body: { confirm: false as unknown as true } })).rejects.toMatchObject({
    code: 'VALIDATION_FAILED',
    details: [{ path: 'confirm', message: '请确认注销' }],
  });
  expect(await t.client(me.token).call(identity.deleteMe, { body: { confirm: true } })).toEqual({ deleted: true });

  const row = await d.manager.findOneByOrFail(Member, { id: me.member.id });
  expect(row).toMatchObject({
    openid: null,
    unionid: null,
    nickname: null,
    avatarUrl: null,
    phone: null,
    householdId: null,
    householdRelation: null,
    groupOwnerStaffId: null,
    consentVersion: null,
    status: 'deleted',
  });
  expect(row.deletedAt).toBeInstanceOf(Date);
  expect(await d.manager.countBy(SessionRow, { subjectType: 'member', subjectId: me.member.id })).toBe(0);
  expect((await d.manager.findBy(ConsentRecord, { memberId: me.member.id })).map((c) => c.action)).toContain('withdrawn');
  expect((await d.manager.findOneByOrFail(WecomContact, { id: contact.id })).memberId).toBeNull();
  const deletedEvents = (await d.manager.findBy(DomainEvent, { type: 'MemberDeleted' })).map((e) => JSON.parse(e.payload));
  expect(deletedEvents).toContainEqual({ memberId: me.member.id });

  for (const token of [me.token, second.token]) await expect(t.client(token).call(identity.getMe)).rejects.toMatchObject({ status: 401 });

  // coming back: consent again, new row, nothing of the old one
  await expect(login({ openid: me.openid }, null)).rejects.toMatchObject({ code: 'CONSENT_REQUIRED' });
  const back = await login({ openid: me.openid, unionid: 'u_delete_1' });
  expect(back.isNew).toBe(true);
  expect(back.member.id).not.toBe(me.member.id);
  expect(back.member.nickname).toBeNull();
  expect(back.member.householdId).toBeNull();
});

test('MemberRegistered links the WeCom contacts that share the unionid (through the outbox, once)', async () => {
  const contact = await makeContact(t, { unionid: 'u_link_1' });
  const me = await login({ unionid: 'u_link_1' });
  const bus = await t.container.getAsync(EventBus);
  await bus.drain();
  await bus.drain();
  const d = await db(t);
  expect((await d.manager.findOneByOrFail(WecomContact, { id: contact.id })).memberId).toBe(me.member.id);
  const ev = (await d.manager.findBy(DomainEvent, { type: 'MemberRegistered' })).find((e) => JSON.parse(e.payload).memberId === me.member.id)!;
  expect(ev.dispatchedAt).toBeInstanceOf(Date);
  const deliveries = await d.manager.query(`SELECT handler FROM event_delivery WHERE event_id = ${ev.id}`);
  // other domains (journeys…) hear the event too; the wecom link is delivered exactly once
  expect(deliveries.filter((d: { handler: string }) => d.handler === 'WecomContactService.linkRegisteredMember')).toHaveLength(1);
});

test('member tokens cannot reach ops routes, staff tokens cannot reach member routes', async () => {
  const me = await login();
  const c = t.client(me.token);
  await expect(c.call(identity.listMembers, { query: {} })).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
  await expect(c.call(identity.getMemberDetail, { params: { memberId: me.member.id } })).rejects.toMatchObject({ status: 403 });
  await expect(c.call(identity.listStaff)).rejects.toMatchObject({ status: 403 });
  await expect(c.call(identity.staffMe)).rejects.toMatchObject({ status: 403 });
  const staff = await makeStaff(t, { role: 'hq_admin' });
  const { token } = await t.client().call(identity.staffLogin, { body: { username: staff.username, password: staff.password } });
  await expect(t.client(token).call(identity.getMe)).rejects.toMatchObject({ status: 403 });
  await expect(t.client(token).call(identity.deleteMe, { body: { confirm: true } })).rejects.toMatchObject({ status: 403 });
});

test("a signed referral (invite code) is carried to MemberRegistered, and the new member joins the referrer's store; a typed id or forged token is not", async () => {
  const store = await makeStore(t, '推荐店');
  const referrer = await makeMember(t, { storeId: store.id });
  const { code } = await t.wechatCode();
  const res = await t.client().call(identity.memberLogin, { body: { code, consentVersion: CURRENT_PRIVACY_VERSION, inviteCode: inviteCode(referrer.id) } });
  expect(res.member).toMatchObject({ storeId: store.id, storeName: '推荐店' });
  const d = await db(t);
  const ev = (await d.manager.findBy(DomainEvent, { type: 'MemberRegistered' })).map((e) => JSON.parse(e.payload)).find((p) => p.memberId === res.member.id);
  expect(ev).toEqual({ memberId: res.member.id, unionid: expect.any(String), storeId: store.id, referrerMemberId: referrer.id });
  // the old client-trusted id is no longer read, and an altered token names nobody
  const { code: code2 } = await t.wechatCode();
  const forged = shareToken(1, referrer.id).replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A'));
  const body2 = { code: code2, consentVersion: CURRENT_PRIVACY_VERSION, shareToken: forged, referrerMemberId: referrer.id } as unknown as { code: string };
  const res2 = await t.client().call(identity.memberLogin, { body: body2 });
  const ev2 = (await d.manager.findBy(DomainEvent, { type: 'MemberRegistered' })).map((e) => JSON.parse(e.payload)).find((p) => p.memberId === res2.member.id);
  expect(ev2.referrerMemberId).toBeNull();
});
