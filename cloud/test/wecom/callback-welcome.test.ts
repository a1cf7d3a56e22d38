/**
 * The callback endpoint and the welcome, end to end against the simulator firing real signed and
 * encrypted callbacks: URL verification, forged/foreign/replayed callbacks, welcome first with the
 * channel's content inside the 20 s window, sync + member link + tags + attribution, 41051/41096,
 * token expiry mid-run and 45009 backoff.
 */
import { identity, wecom } from '../../../contracts';
import { DomainEvent } from '../../src/core/events/domain-event.entity';
import { CallbackInbox } from '../../src/modules/wecom/entities/callback-inbox.entity';
import { ChannelAdd } from '../../src/modules/wecom/entities/channel-add.entity';
import { WelcomeLog } from '../../src/modules/wecom/entities/welcome-log.entity';
import { WecomContact } from '../../src/modules/wecom/entities/wecom-contact.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { db, makeMember, makeStore } from '../helpers/fixtures';
import { fire, listen, type Listening, sends, settle, simGet, simPost, staffToken } from './engine-helpers';

let t: TestApp;
let l: Listening;
let admin: string;
let storeId: number;

beforeAll(async () => {
  t = await startTestApp();
  l = await listen(t);
  storeId = (await makeStore(t, '滨江店')).id;
  await staffToken(t, 'staff', { storeId, wecomUserId: 'zhaoliu' }).then(() => undefined);
  admin = (await staffToken(t, 'hq_admin')).token;
});
afterAll(async () => {
  await l?.close();
  await t?.close();
});

const WELCOME = {
  text: '{客户称呼}您好，欢迎来到{门店}！我是{员工姓名}。',
  attachments: [
    { type: 'miniprogram' as const, title: '年夜饭预订', appid: 'wx_dev_appid', page: 'pages/index/index?from=poster', picMediaId: 'MEDIA1' },
    { type: 'link' as const, title: '本周菜谱', url: 'https://example.com/recipes' },
  ],
};

async function channel(o: Partial<{ state: string; tagNames: string[]; staff: string[]; backup: string[]; cap: number; type: 'single' | 'multi' }> = {}) {
  return t.client(admin).call(wecom.createChannel, {
    body: {
      name: '门店海报',
      kind: 'poster',
      type: o.type ?? 'multi',
      staffUserIds: o.staff ?? ['zhaoliu'],
      backupUserIds: o.backup ?? [],
      dailyCapPerStaff: o.cap ?? 0,
      tagNames: o.tagNames ?? ['门店海报'],
      welcome: WELCOME,
      storeId,
      ...(o.state ? { state: o.state } : {}),
    },
  });
}

const inboxCount = async () => (await db(t)).manager.count(CallbackInbox);

describe('URL verification and rejection of forged callbacks', () => {
  it('answers the decrypted echostr, and 403 for a wrong signature', async () => {
    expect(await simPost(t, '/__sim/wecom/verify-url', { url: l.callbackUrl })).toMatchObject({ ok: true, status: 200 });
    expect(await simPost(t, '/__sim/wecom/verify-url', { url: l.callbackUrl, forge: 'signature' })).toMatchObject({ ok: false, status: 403 });
  });

  it.each(['signature', 'corp', 'key'] as const)('forged %s: non-2xx and nothing stored', async (forge) => {
    const before = await inboxCount();
    const r = await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu' }, forge });
    expect(r.results![0].status).toBe(403);
    expect(await inboxCount()).toBe(before);
  });

  it('garbage bodies are rejected without a 500', async () => {
    const res = await t
      .http()
      .post(`${wecom.WECOM_CALLBACK_PATH}?msg_signature=x&timestamp=1&nonce=2`)
      .set('content-type', 'text/xml')
      .send('<xml><Encrypt>zz</Encrypt></xml>');
    expect(res.status).toBe(403);
    const none = await t.http().post(wecom.WECOM_CALLBACK_PATH).set('content-type', 'text/xml').send('not xml');
    expect(none.status).toBe(403);
  });
});

describe('welcome and follow-up for an add through a channel code', () => {
  it('welcome first (channel content, personalised), then sync, member link, tags, attribution', async () => {
    const member = await makeMember(t, { unionid: 'union-wang', nickname: '王阿姨', storeId });
    const ch = await channel({ tagNames: ['门店海报', '年货意向'] });
    expect(ch.configId).toBeTruthy();
    // the simulator serves a real QR image of its own (WeCom's is an https wework.qpic.cn URL)
    expect(ch.qrCode).toMatch(/^https?:\/\/.+/);
    const callsBefore = t.sim.calls.length;
    const r = await fire(t, l, {
      event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu', State: ch.state, customer: { name: '王阿姨', unionid: 'union-wang' } },
    });
    expect(r.results![0]).toMatchObject({ status: 200, body: 'success' });
    const ext = r.results![0].externalUserId!;

    // the welcome is the first WeCom call made for the event
    const engineCalls = t.sim.calls.slice(callsBefore).filter((c) => c.path.includes('/externalcontact/'));
    expect(engineCalls[0].path).toBe('/wecom/cgi-bin/externalcontact/send_welcome_msg');

    const { welcomes } = await simGet(t, '/__sim/wecom/welcomes');
    const w = welcomes.find((x: any) => x.externalUserId === ext);
    expect(w.text).toMatch(/^您好，欢迎来到滨江店！我是员工\d+。$/);
    expect(w.attachments).toEqual([
      { msgtype: 'miniprogram', miniprogram: { title: '年夜饭预订', appid: 'wx_dev_appid', page: 'pages/index/index?from=poster', pic_media_id: 'MEDIA1' } },
      { msgtype: 'link', link: { title: '本周菜谱', url: 'https://example.com/recipes' } },
    ]);
    expect(w.delayMs).toBeLessThan(20_000);

    const d = await db(t);
    const log = await d.manager.findOneByOrFail(WelcomeLog, { externalUserId: ext });
    expect(log).toMatchObject({ status: 'sent', channelId: ch.id, errcode: null });
    expect(log.delayMs).toBeGreaterThanOrEqual(0);
    expect(log.delayMs!).toBeLessThan(20_000);

    const contact = await d.manager.findOneByOrFail(WecomContact, { externalUserId: ext });
    expect(contact).toMatchObject({ name: '王阿姨', unionid: 'union-wang', memberId: member.id, followUserId: 'zhaoliu' });
    const add = await d.manager.findOneByOrFail(ChannelAdd, { externalUserId: ext });
    expect(add).toMatchObject({ channelId: ch.id, state: ch.state, userId: 'zhaoliu', deletedAt: null });

    // tags: created as ours in WeCom and marked on the contact
    const { contact: simContact } = await simGet(t, `/__sim/wecom/contacts?external_userid=${ext}`);
    const tagNames = simContact.follow_user[0].tags.map((x: any) => x.tag_name).sort();
    expect(tagNames).toEqual(expect.arrayContaining(['年货意向', '门店海报']));
    const { groups } = await simGet(t, '/__sim/wecom/corp-tags');
    expect(groups.flatMap((g: any) => g.tag.map((x: any) => x.name))).toEqual(expect.arrayContaining(['门店海报', '年货意向']));

    const types = (await d.manager.find(DomainEvent)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['ContactAdded', 'ContactLinked']));

    // ops views
    const view = await t.client(admin).call(wecom.getChannel, { params: { channelId: ch.id } });
    expect(view.stats).toMatchObject({ adds: 1, deletes: 0, addsToday: 1 });
    const list = await t.client(admin).call(wecom.listWelcomes, { query: { channelId: ch.id } });
    expect(list).toMatchObject({ total: 1, sent: 1, notSent: 0 });
    expect(list.p99Ms).toBe(log.delayMs);
    const contacts = await t.client(admin).call(wecom.listChannelContacts, { params: { channelId: ch.id }, query: {} });
    expect(contacts.items[0]).toMatchObject({ externalUserId: ext, name: '王阿姨', memberId: member.id, welcomeDelayMs: log.delayMs });
  });

  it('a replayed callback (WeCom retry) is stored and welcomed once', async () => {
    const before = sends(t, 'send_welcome_msg').length;
    const inbox = await inboxCount();
    const r = await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu' }, replay: 3 });
    expect(r.results![0]).toMatchObject({ status: 200, body: 'success' });
    expect(await inboxCount()).toBe(inbox + 1);
    expect(sends(t, 'send_welcome_msg').length).toBe(before + 1);
    // no State: the default welcome
    const { welcomes } = await simGet(t, '/__sim/wecom/welcomes');
    expect(welcomes.find((w: any) => w.externalUserId === r.results![0].externalUserId).text).toContain('很高兴认识您');
  });

  it('41051 (code used or expired) is recorded and never retried', async () => {
    const before = sends(t, 'send_welcome_msg').length;
    const r = await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu', WelcomeCode: 'not-a-real-code' } });
    await settle(t);
    expect(sends(t, 'send_welcome_msg').length).toBe(before + 1);
    const log = await (await db(t)).manager.findOneByOrFail(WelcomeLog, { externalUserId: r.results![0].externalUserId! });
    expect(log).toMatchObject({ status: 'already_sent', errcode: 41051, sentAt: null });
    // the follow-up still ran
    expect(await (await db(t)).manager.count(ChannelAdd, { where: { externalUserId: r.results![0].externalUserId! } })).toBe(1);
  });

  it('41096 (another app is sending) is recorded, not retried', async () => {
    t.sim.fault({ path: '/wecom/cgi-bin/externalcontact/send_welcome_msg', errcode: 41096, times: 1 });
    const before = sends(t, 'send_welcome_msg').length;
    const r = await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu' } });
    expect(sends(t, 'send_welcome_msg').length).toBe(before + 1);
    const log = await (await db(t)).manager.findOneByOrFail(WelcomeLog, { externalUserId: r.results![0].externalUserId! });
    expect(log).toMatchObject({ status: 'other_app_sending', errcode: 41096 });
  });

  it('token expiry mid-run: refresh once, retry once, the welcome still goes out', async () => {
    await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu' } });
    const gettoken = () => t.sim.calls.filter((c) => c.path === '/wecom/cgi-bin/gettoken').length;
    const tokensBefore = gettoken();
    await simPost(t, '/__sim/wecom/expire-tokens');
    const r = await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu' } });
    const calls = sends(t, 'send_welcome_msg').filter((c) => (c.body as any).welcome_code === r.results![0].welcomeCode);
    expect(calls.map((c) => c.errcode)).toEqual([42001, 0]);
    expect(gettoken()).toBe(tokensBefore + 1);
    const log = await (await db(t)).manager.findOneByOrFail(WelcomeLog, { externalUserId: r.results![0].externalUserId! });
    expect(log.status).toBe('sent');
  });

  it('45009 backs off and the welcome still lands in the window', async () => {
    t.sim.fault({ path: '/wecom/cgi-bin/externalcontact/send_welcome_msg', errcode: 45009, times: 2 });
    const r = await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu' } });
    const calls = sends(t, 'send_welcome_msg').slice(-3);
    expect(calls.map((c) => c.errcode)).toEqual([45009, 45009, 0]);
    const log = await (await db(t)).manager.findOneByOrFail(WelcomeLog, { externalUserId: r.results![0].externalUserId! });
    expect(log.status).toBe('sent');
    expect(log.delayMs!).toBeLessThan(20_000);
  });
});

describe('other events', () => {
  it('group chat changes refresh the chat mirror; edits re-sync the contact', async () => {
    const ext = (await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu', customer: { name: '旧名字' } } })).results![0]
      .externalUserId!;
    const { chat_id } = await simPost(t, '/__sim/wecom/group-chats', { owner: 'zhaoliu', name: '滨江店邻里群', external_userids: [ext] });
    await fire(t, l, { event: { Event: 'change_external_chat', ChatId: chat_id, ChangeType: 'create' } });
    const rows = await (
      await db(t)
    ).manager.query('SELECT name, owner_user_id, member_count, external_count, dismissed FROM wecom_group_chat WHERE chat_id = ?', [chat_id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: '滨江店邻里群', owner_user_id: 'zhaoliu', member_count: 2, external_count: 1 });
    await fire(t, l, { event: { Event: 'change_external_chat', ChatId: chat_id, ChangeType: 'dismiss' } });
    const [after] = await (await db(t)).manager.query('SELECT dismissed FROM wecom_group_chat WHERE chat_id = ?', [chat_id]);
    expect(Number(after.dismissed)).toBe(1);

    // the customer renames themselves: edit_external_contact makes us read the contact again
    await simPost(t, '/__sim/wecom/contacts', { userid: 'zhaoliu', external_userid: ext, name: '新名字' });
    await fire(t, l, { event: { ChangeType: 'edit_external_contact', UserID: 'zhaoliu', ExternalUserID: ext } });
    expect((await (await db(t)).manager.findOneByOrFail(WecomContact, { externalUserId: ext })).name).toBe('新名字');
  });
});

describe('deletes, referral codes and the daily cap', () => {
  it('del_external_contact closes the attribution and counts as a delete', async () => {
    const ch = await channel({ state: 'del_test' });
    const r = await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu', State: 'del_test' } });
    const ext = r.results![0].externalUserId!;
    await fire(t, l, { event: { ChangeType: 'del_external_contact', UserID: 'zhaoliu', ExternalUserID: ext } });
    const add = await (await db(t)).manager.findOneByOrFail(ChannelAdd, { externalUserId: ext });
    expect(add).toMatchObject({ deleteReason: 'customer_deleted', lostWithin7d: true });
    const view = await t.client(admin).call(wecom.getChannel, { params: { channelId: ch.id } });
    expect(view.stats).toMatchObject({ adds: 1, deletes: 1 });
    const lost = (await (await db(t)).manager.find(DomainEvent, { where: { type: 'ContactLost' } })).map((e) => JSON.parse(e.payload));
    expect(lost).toContainEqual(expect.objectContaining({ externalUserId: ext, reason: 'customer_deleted' }));
  });

  it("a member's personal code attributes the new contact to the member", async () => {
    const referrer = await makeMember(t, { nickname: '推荐人小李', openid: 'o_referrer_fixed' });
    const { code } = await t.wechatCode({ openid: 'o_referrer_fixed' });
    const { token } = await t.client().call(identity.memberLogin, { body: { code } });
    await expect(t.client(token).call(wecom.myReferralCode)).rejects.toMatchObject({ code: 'REFERRAL_NOT_CONFIGURED' });
    await t.client(admin).call(wecom.createChannel, {
      body: {
        name: '邀请有礼模板',
        kind: 'referral',
        staffUserIds: ['zhaoliu'],
        tagNames: ['好友推荐'],
        welcome: { text: '{推荐人}邀请您加入社区好邻居！', attachments: [] },
        storeId,
      },
    });
    const mine = await t.client(token).call(wecom.myReferralCode);
    expect(mine.state).toBe(`ref_${referrer.id}`);
    expect(await t.client(token).call(wecom.myReferralCode)).toEqual(mine); // stable
    const r = await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu', State: mine.state } });
    const ext = r.results![0].externalUserId!;
    const add = await (await db(t)).manager.findOneByOrFail(ChannelAdd, { externalUserId: ext });
    expect(add.referrerMemberId).toBe(referrer.id);
    const { welcomes } = await simGet(t, '/__sim/wecom/welcomes');
    expect(welcomes.find((w: any) => w.externalUserId === ext).text).toBe('推荐人小李邀请您加入社区好邻居！');
    const ev = (await (await db(t)).manager.find(DomainEvent, { where: { type: 'ReferralContactAdded' } })).map((e) => JSON.parse(e.payload));
    expect(ev).toContainEqual(expect.objectContaining({ referrerMemberId: referrer.id, externalUserId: ext }));
  });

  it('a staff member at the daily cap: new adds route to the backup staff', async () => {
    const ch = await channel({ state: 'cap_test', staff: ['zhaoliu'], backup: ['backup_li'], cap: 2, type: 'single' });
    await fire(t, l, { events: [1, 2].map(() => ({ ChangeType: 'add_external_contact', UserID: 'zhaoliu', State: 'cap_test' })), concurrency: 1 });
    await settle(t);
    const view = await t.client(admin).call(wecom.getChannel, { params: { channelId: ch.id } });
    expect(view.routedUserIds).toEqual(['backup_li']);
    const { ways } = await simGet(t, '/__sim/wecom/contact-ways');
    expect(ways.find((w: any) => w.configId === ch.configId).user).toEqual(['backup_li']);
  });
});
