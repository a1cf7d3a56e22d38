/**
 * The feedback module against the real app, simulator and outbox:
 *  - arrivals: MemberArrived (member code at the till, emitted through the event bus as the
 *    purchases module does), duplicate and racing scans → one arrival and one app message to the
 *    clerk on shift with the top suggestion; a class check-in arrives the same way; a member who
 *    opted out of personalisation stays quiet;
 *  - a bad class rating lands in the inbox with its topics; from a high-value member it opens a
 *    store-manager task due within the hour; answered through the clerk (a private message) the
 *    member reads the answer; published, it shows in 「你说我改」;
 *  - a customer deleting the clerk alerts the store manager with the last activities (once, even
 *    when WeCom retries the callback);
 *  - a churn cause starts the win-back journey, and the case counts as recovered once the member
 *    comes back.
 */
import sharp from 'sharp';
import * as F from '../../../contracts/feedback';
import { upload } from '../contest/kit';
import * as J from '../../../contracts/journeys';
import { CURRENT_PRIVACY_VERSION, identity } from '../../../contracts';
import { SessionService } from '../../src/core/auth/session.service';
import { Db } from '../../src/core/db';
import { EventBus } from '../../src/core/events/event-bus';
import type { DomainEventMap, DomainEventType } from '../../src/core/events/types';
import '../../src/modules/classes/events';
import '../../src/modules/purchases/events';
import { FeedbackSubscribe } from '../../src/modules/feedback/subscribe.service';
import { enqueueOutbound } from '../../src/modules/wecom/outbound';
import { startTestApp, type TestApp } from '../helpers/app';
import { makeMember, makeStore } from '../helpers/fixtures';
import { fire, listen, type Listening, query, settle, simGet, simPost, staffToken } from '../wecom/engine-helpers';

let t: TestApp;
let l: Listening;
let storeId: number;
let hq: string;
let manager: string;
let clerk: string;
let clerkId: number;

type AppMsg = { toUsers: string[]; text: string };
const appMessages = async (to: string) => (await simGet<{ messages: AppMsg[] }>(t, `/__sim/wecom/app-messages?touser=${to}`)).messages;

async function memberToken(memberId: number): Promise<string> {
  return (await t.container.getAsync(SessionService)).create('member', memberId, 1, 'jest');
}

async function emit<T extends DomainEventType>(type: T, payload: DomainEventMap[T]): Promise<void> {
  const db = await t.container.getAsync(Db);
  const bus = await t.container.getAsync(EventBus);
  await db.transaction((em) => bus.emit(em, type, payload).then(() => undefined));
}

/** A member of the store who is the clerk's WeCom customer (linked by unionid). */
async function customer(unionid: string, name: string, tier = '新客'): Promise<{ memberId: number; token: string; ext: string }> {
  const m = await makeMember(t, { unionid, storeId, nickname: name, tier });
  const r = await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu', customer: { name, unionid } } });
  return { memberId: m.id, token: await memberToken(m.id), ext: r.results![0].externalUserId! };
}

beforeAll(async () => {
  t = await startTestApp();
  l = await listen(t);
  storeId = (await makeStore(t, '滨江店')).id;
  const c = await staffToken(t, 'staff', { storeId, wecomUserId: 'zhaoliu' });
  clerk = c.token;
  clerkId = c.staff.id;
  manager = (await staffToken(t, 'store_manager', { storeId, wecomUserId: 'zhangsan' })).token;
  hq = (await staffToken(t, 'hq_admin')).token;
  // the clerk is on shift all week, all day (so the test does not depend on the clock)
  const entries = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ staffId: clerkId, weekday, start: '00:00', end: '24:00' }));
  const roster = await t.client(manager).call(F.setRoster, { params: { storeId }, body: { entries } });
  expect(roster.onShift.map((s) => s.id)).toEqual([clerkId]);
});
afterAll(async () => {
  await l?.close();
  await t?.close();
});

describe('arrival copilot', () => {
  test('duplicate and racing member-code scans: one arrival, one notice to the clerk on shift, with a suggestion', async () => {
    const c = await customer('u-arrive-1', '王女士');
    const at = new Date().toISOString();
    const scan = () => emit('MemberArrived', { memberId: c.memberId, storeId, via: 'member_code', at });
    await scan();
    await Promise.all([scan(), scan(), scan()]);
    await settle(t);
    await scan();
    await settle(t);

    const rows = await query(t, 'SELECT * FROM member_arrival WHERE member_id = ?', [c.memberId]);
    expect(rows).toHaveLength(1);
    const msgs = (await appMessages('zhaoliu')).filter((m) => m.text.includes('王女士'));
    expect(msgs).toHaveLength(1);
    expect(msgs[0].text).toContain('【刚到店】王女士（出示会员码）');
    expect(msgs[0].text).toMatch(/建议：.+\n原因：.+/);
    // the outbox sent it once through message/send with the agent app
    expect(t.sim.calls.filter((x) => x.path === '/wecom/cgi-bin/message/send' && JSON.stringify(x).includes('王女士'))).toHaveLength(1);

    const side = await t.client(clerk).call(F.sidebarArrivals);
    expect(side.onShift).toBe(true);
    const mine = side.items.find((a) => a.memberId === c.memberId)!;
    expect(mine).toMatchObject({ memberName: '王女士', via: 'member_code', externalUserId: c.ext, notified: ['zhaoliu'] });
    expect(mine.suggestion).toBeTruthy();
    expect(mine.reason).toBeTruthy();
  });

  test('a class check-in is an arrival too; a member who opted out of personalisation stays quiet', async () => {
    const a = await customer('u-arrive-2', '李先生');
    await emit('ClassCheckedIn', { registrationId: 990001, sessionId: 1, classId: 1, storeId, memberId: a.memberId, tags: [] });
    const b = await customer('u-arrive-3', '赵阿姨');
    expect(await t.client(b.token).call(F.setPersonalisation, { body: { personalised: false } })).toEqual({ personalised: false });
    expect(await t.client(b.token).call(F.getPersonalisation)).toEqual({ personalised: false });
    await emit('MemberArrived', { memberId: b.memberId, storeId, via: 'member_code', at: new Date().toISOString() });
    await settle(t);
    const side = await t.client(clerk).call(F.sidebarArrivals);
    expect(side.items.find((x) => x.memberId === a.memberId)).toMatchObject({ via: 'checkin' });
    expect(side.items.find((x) => x.memberId === b.memberId)).toBeUndefined();
    expect((await appMessages('zhaoliu')).filter((m) => m.text.includes('赵阿姨'))).toHaveLength(0);
    expect((await appMessages('zhaoliu')).filter((m) => m.text.includes('李先生（课程签到）'))).toHaveLength(1);
  });
});

describe('member link', () => {
  test('a member who signed up through the login API and then adds the clerk in WeCom is linked by unionid', async () => {
    const { code, unionid } = await t.wechatCode({ unionid: 'u-api-login-1' });
    const login = await t.client().call(identity.memberLogin, { body: { code, consentVersion: CURRENT_PRIVACY_VERSION } });
    expect(login.isNew).toBe(true);
    const r = await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu', customer: { name: '接口用户', unionid } } });
    await settle(t);
    const ext = r.results![0].externalUserId!;
    const [row] = await query(t, 'SELECT member_id FROM wecom_contact WHERE external_user_id = ?', [ext]);
    expect(Number(row.member_id)).toBe(login.member.id);
  });

  test('the other order: the WeCom add comes first, the login API registration links it', async () => {
    const r = await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu', customer: { name: '先加好友', unionid: 'u-api-login-2' } } });
    await settle(t);
    const { code } = await t.wechatCode({ unionid: 'u-api-login-2' });
    const login = await t.client().call(identity.memberLogin, { body: { code, consentVersion: CURRENT_PRIVACY_VERSION } });
    await settle(t);
    const [row] = await query(t, 'SELECT member_id FROM wecom_contact WHERE external_user_id = ?', [r.results![0].externalUserId!]);
    expect(Number(row.member_id)).toBe(login.member.id);
  });

  test('a member whose unionid arrives only on a later login is linked to the contact added in between', async () => {
    const { code, openid } = await t.wechatCode({ unionid: null });
    const login = await t.client().call(identity.memberLogin, { body: { code, consentVersion: CURRENT_PRIVACY_VERSION } });
    const r = await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu', customer: { name: '后绑定', unionid: 'u-api-login-3' } } });
    await settle(t);
    const { code: again } = await t.wechatCode({ openid, unionid: 'u-api-login-3' });
    await t.client().call(identity.memberLogin, { body: { code: again, consentVersion: CURRENT_PRIVACY_VERSION } });
    await settle(t);
    const [row] = await query(t, 'SELECT member_id FROM wecom_contact WHERE external_user_id = ?', [r.results![0].externalUserId!]);
    expect(Number(row.member_id)).toBe(login.member.id);
  });
});

describe('feedback loop', () => {
  test('a bad class rating from a high-value member: inbox with topics, manager task within the hour, answer through the clerk, published', async () => {
    const c = await customer('u-fb-1', '周女士', '金卡');
    const ratedAt = new Date();
    await emit('ClassRated', {
      registrationId: 880001,
      sessionId: 1,
      classId: 1,
      storeId,
      memberId: c.memberId,
      stars: 1,
      comment: '老师讲得太快了，教室也太挤',
      classTitle: '手工水饺',
      ratedAt: ratedAt.toISOString(),
    });
    // WeCom-style redelivery of the same moment adds nothing
    await emit('ClassRated', {
      registrationId: 880001,
      sessionId: 1,
      classId: 1,
      storeId,
      memberId: c.memberId,
      stars: 1,
      comment: '老师讲得太快了，教室也太挤',
      classTitle: '手工水饺',
      ratedAt: ratedAt.toISOString(),
    });
    await settle(t);

    const inbox = await t.client(manager).call(F.listFeedback, { query: { topic: 'environment' } });
    expect(inbox.total).toBe(1);
    const item = inbox.items[0];
    expect(item).toMatchObject({ source: 'class', title: '课程：手工水饺', rating: 1, sentiment: 'negative', status: 'new', memberName: '周女士' });
    expect([...item.topics].sort()).toEqual(['environment', 'service']);

    // the store manager's task, due within the hour, and an app message now
    const tasks = await t.client(manager).call(J.listSidebarTasks, { query: { status: 'open' } });
    const task = tasks.items.find((x) => x.title === '高价值会员差评：周女士')!;
    expect(task).toBeTruthy();
    expect(new Date(task.dueAt).getTime() - ratedAt.getTime()).toBeLessThanOrEqual(3600_000 + 60_000);
    expect((await appMessages('zhangsan')).some((m) => m.text.startsWith('【差评提醒】周女士（金卡）打了1星'))).toBe(true);

    // another store's manager does not see it
    const otherStore = (await makeStore(t, '城东店')).id;
    const other = (await staffToken(t, 'store_manager', { storeId: otherStore })).token;
    expect((await t.client(other).call(F.listFeedback, { query: {} })).total).toBe(0);
    await expect(t.client(other).call(F.getFeedback, { params: { feedbackId: item.id } })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // publishing before an answer is refused; answer through the clerk; the member sees it
    await expect(
      t.client(manager).call(F.publishFeedback, { params: { feedbackId: item.id }, body: { said: '课程节奏太快', changed: '改为小班' } }),
    ).rejects.toMatchObject({ code: 'FEEDBACK_NOT_RESOLVED' });
    const detail = await t.client(manager).call(F.getFeedback, { params: { feedbackId: item.id } });
    expect(detail.clerk).toMatchObject({ userId: 'zhaoliu' });
    const answered = await t
      .client(manager)
      .call(F.answerFeedback, { params: { feedbackId: item.id }, body: { text: '下期改为8人小班，老师会放慢节奏', via: 'clerk' } });
    expect(answered).toMatchObject({ status: 'answered', answeredVia: 'clerk' });
    await settle(t);
    const { msgs } = await simGet<{ msgs: Array<{ creator: string; text: string | null; targets: Array<{ externalUserId: string }> }> }>(
      t,
      '/__sim/wecom/group-msgs',
    );
    const toMember = msgs.filter((m) => m.targets.some((x) => x.externalUserId === c.ext) && m.text?.includes('8人小班'));
    expect(toMember).toHaveLength(1);
    expect(toMember[0].creator).toBe('zhaoliu');
    const mine = await t.client(c.token).call(F.listMyFeedback);
    expect(mine.items[0]).toMatchObject({ answer: '下期改为8人小班，老师会放慢节奏', status: 'answered' });

    await t.client(manager).call(F.resolveFeedback, { params: { feedbackId: item.id } });
    await t
      .client(manager)
      .call(F.publishFeedback, { params: { feedbackId: item.id }, body: { said: '有会员说课程节奏太快、教室太挤', changed: '手工课改为8人小班' } });
    const changes = await t.client().call(F.listChanges, { query: {} });
    expect(changes.items[0]).toMatchObject({ storeName: '滨江店', said: '有会员说课程节奏太快、教室太挤', changed: '手工课改为8人小班' });
    expect(JSON.stringify(changes)).not.toContain('周女士');
  });

  test('意见箱 and rating prompts after a pickup; NPS per store and month', async () => {
    const c = await customer('u-fb-2', '钱先生');
    await emit('OrderPickedUp', { orderId: 'NYE-0001', memberId: c.memberId, storeId, pickedUpAt: new Date().toISOString(), staffId: null });
    await settle(t);
    const api = t.client(c.token);
    const prompts = await api.call(F.listMyPrompts);
    expect(prompts.items).toHaveLength(1);
    expect(prompts.items[0].kind).toBe('pickup');
    const rated = await api.call(F.submitFeedback, { body: { promptId: prompts.items[0].id, rating: 5, recommend: 10, comment: '年夜饭套餐很好吃，谢谢' } });
    expect(rated.source).toBe('pickup');
    await expect(api.call(F.submitFeedback, { body: { promptId: prompts.items[0].id, rating: 1 } })).rejects.toMatchObject({ code: 'FEEDBACK_ALREADY_GIVEN' });
    expect((await api.call(F.listMyPrompts)).items).toHaveLength(0);
    // a note with the member's own photo (through the upload route); someone else's upload is refused
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c33' } })
      .png()
      .toBuffer();
    const up = await upload(t, c.token, png, 'parking.png');
    expect(up.status).toBe(200);
    const noted = await api.call(F.submitFeedback, { body: { comment: '门口没地方停车', recommend: 3, photoIds: [up.body.id] } });
    expect(noted.photos).toEqual([{ url: up.body.url, thumbUrl: up.body.thumbUrl }]);
    const other = await customer('u-fb-2b', '路人');
    await expect(t.client(other.token).call(F.submitFeedback, { body: { comment: '借用照片', photoIds: [up.body.id] } })).rejects.toMatchObject({
      code: 'FEEDBACK_PHOTO_NOT_FOUND',
      status: 400,
    });
    await expect(api.call(F.submitFeedback, { body: { comment: '太多', photoIds: [1, 2, 3, 4] } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const inInbox = await t.client(hq).call(F.getFeedback, { params: { feedbackId: noted.id } });
    expect(inInbox.photos).toEqual(noted.photos);
    await expect(api.call(F.submitFeedback, { body: {} })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });

    const insights = await t.client(manager).call(F.feedbackInsights, { query: {} });
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    expect(insights.nps.find((n) => n.month === month && n.storeId === storeId)).toMatchObject({ responses: 2, promoters: 1, detractors: 1, nps: 0 });
    expect(insights.heat.some((h) => h.topic === 'environment' && h.negative >= 1)).toBe(true);
  });
});

describe('subscribe-message prompts', () => {
  type Sent = { touser: string; templateId: string; page: string | null; data: Record<string, { value: string }> };
  const sentTo = async (openid: string) =>
    (await simGet<{ messages: Sent[] }>(t, '/__sim/wechat/subscribe-messages')).messages.filter((m) => m.touser === openid);
  const flush = async () => {
    await settle(t);
    await (await t.container.getAsync(FeedbackSubscribe)).idle();
  };

  test('after a pickup, a receipt and a class, a member who accepted gets one 评价提醒 each, opening the rating; answers follow the same way', async () => {
    const c = await customer('u-sub-1', '孙女士');
    const [{ openid }] = await query(t, 'SELECT openid FROM member WHERE id = ?', [c.memberId]);
    const tpl = await t.client(c.token).call(F.feedbackSubscribeTemplates);
    expect(tpl).toMatchObject({ rating: 'tmpl_feedback_rating', answer: 'tmpl_feedback_answer', credits: { rating: 0, answer: 0 } });

    // no accept yet: the pickup gets its prompt in 意见箱, but no message
    await emit('OrderPickedUp', { orderId: 'SUB-0', memberId: c.memberId, storeId, pickedUpAt: new Date().toISOString(), staffId: null });
    await flush();
    expect(await sentTo(openid)).toHaveLength(0);

    // the taps on 「允许」: WeChat (simulator) counts them, and the mini-program reports them
    for (const templateId of ['tmpl_feedback_rating', 'tmpl_feedback_rating', 'tmpl_feedback_rating', 'tmpl_feedback_answer']) {
      await simPost(t, '/__sim/wechat/subscribe-accepts', { openid, templateId });
    }
    await t.client(c.token).call(F.acceptFeedbackSubscribe, { body: { rating: true, answer: true } });
    await t.client(c.token).call(F.acceptFeedbackSubscribe, { body: { rating: true } });
    expect(await t.client(c.token).call(F.acceptFeedbackSubscribe, { body: { rating: true, answer: false } })).toEqual({ rating: 3, answer: 1 });

    const pickedUp = { orderId: 'SUB-1', memberId: c.memberId, storeId, pickedUpAt: new Date().toISOString(), staffId: null };
    await emit('OrderPickedUp', pickedUp);
    await emit('OrderPickedUp', pickedUp); // redelivered: one message
    await flush();
    let sent = await sentTo(openid);
    expect(sent).toHaveLength(1);
    expect(sent[0].templateId).toBe('tmpl_feedback_rating');
    expect(sent[0].page).toMatch(/^packages\/feedback\/rate\/index\?promptId=\d+&title=/);
    expect(sent[0].data.thing1.value).toContain('提货');
    const promptId = Number(/promptId=(\d+)/.exec(sent[0].page!)![1]);
    expect((await t.client(c.token).call(F.listMyPrompts)).items.map((p) => p.id)).toContain(promptId);

    // a receipt at the till
    await emit('PurchaseRecorded', {
      receiptId: 990501,
      memberId: c.memberId,
      storeId,
      channel: 'pos',
      totalFen: 8800,
      discountFen: 0,
      occurredAt: new Date().toISOString(),
      refundOf: null,
      items: [],
      couponCodes: [],
    });
    await flush();
    sent = await sentTo(openid);
    expect(sent).toHaveLength(2);
    expect(sent[1].data.thing1.value).toContain('购物');

    // a class: the message waits for the session's end, then opens the class's own rating form
    const endsAt = new Date(Date.now() + 90 * 60_000);
    await emit('ClassCheckedIn', {
      registrationId: 770001,
      sessionId: 1,
      classId: 1,
      storeId,
      memberId: c.memberId,
      tags: [],
      classTitle: '亲子烘焙',
      endsAt: endsAt.toISOString(),
    });
    await flush();
    expect(await sentTo(openid)).toHaveLength(2);
    const job = await t.container.getAsync(FeedbackSubscribe);
    expect(await job.sendDue(new Date(endsAt.getTime() + 60_000))).toEqual({ sent: 1, other: 0 });
    sent = await sentTo(openid);
    expect(sent[2]).toMatchObject({ templateId: 'tmpl_feedback_rating', page: 'packages/classes/mine/index?registrationId=770001' });
    expect(sent[2].data.thing1.value).toBe('课程：亲子烘焙');

    // accepts spent: the next pickup gets no message
    await emit('OrderPickedUp', { ...pickedUp, orderId: 'SUB-2' });
    await flush();
    expect(await sentTo(openid)).toHaveLength(3);
    expect((await t.client(c.token).call(F.feedbackSubscribeTemplates)).credits).toEqual({ rating: 0, answer: 1 });

    // the member rates from the message; the store answers in the mini-program: 反馈回复通知
    const mine = await t.client(c.token).call(F.submitFeedback, { body: { promptId, rating: 2, comment: '提货排队太久' } });
    await t.client(manager).call(F.answerFeedback, { params: { feedbackId: mine.id }, body: { text: '已增加提货窗口', via: 'miniprogram' } });
    await flush();
    sent = await sentTo(openid);
    expect(sent).toHaveLength(4);
    expect(sent[3]).toMatchObject({ templateId: 'tmpl_feedback_answer', page: `packages/feedback/box/index?feedbackId=${mine.id}` });
    expect(sent[3].data.thing2.value).toBe('已增加提货窗口');
    const rows = await query(t, 'SELECT status FROM feedback_notice WHERE member_id = ?', [c.memberId]);
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
  });
});

describe('churn', () => {
  test('a customer deleting the clerk alerts the store manager once, with the last activities', async () => {
    const c = await customer('u-lost-1', '孙阿姨');
    await emit('ClassRegistered', { registrationId: 770001, sessionId: 1, classId: 1, memberId: c.memberId });
    // WeCom retries the identical request: one alert
    await fire(t, l, { event: { ChangeType: 'del_external_contact', UserID: 'zhaoliu', ExternalUserID: c.ext }, replay: 2 });
    const alerts = await t.client(manager).call(F.listLostAlerts, { query: {} });
    const mine = alerts.items.filter((a) => a.externalUserId === c.ext);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ reason: 'customer_deleted', customerName: '孙阿姨', storeName: '滨江店', memberId: c.memberId });
    expect(mine[0].lastActivities.length).toBeGreaterThan(0);
    const msgs = (await appMessages('zhangsan')).filter((m) => m.text.includes('孙阿姨删除了店员'));
    expect(msgs).toHaveLength(1);
    const tasks = await t.client(manager).call(J.listSidebarTasks, { query: { status: 'open', externalUserId: c.ext } });
    expect(tasks.items.map((x) => x.title)).toContain('客户流失：孙阿姨');
  });

  test('messages without a response: three private messages in a row put the member at risk (消息太多); a reply clears it; that cause quiets the journeys', async () => {
    const db = await t.container.getAsync(Db);
    /** Private messages from the clerk through the outbox (journey steps, mass messages and answers all go this way). */
    const message = async (ext: string, n: number) => {
      for (let i = 1; i <= n; i++) {
        await db.transaction((em) =>
          enqueueOutbound(em, {
            idemKey: `test-msg:${ext}:${i}`,
            kind: 'msg_template',
            payload: { sender: 'zhaoliu', externalUserIds: [ext], text: `本周特价第${i}期`, attachments: [] },
          }),
        );
      }
      await settle(t);
    };
    const c = await customer('u-msg-1', '钱先生');
    await message(c.ext, 2);
    expect((await t.client(clerk).call(F.sidebarChurnRisk, { params: { externalUserId: c.ext } })).risk).toBeNull();
    await message(c.ext, 3); // the third one (1 and 2 are the same outbox rows)
    const sent = await query(t, "SELECT source_key FROM feedback_signal WHERE member_id = ? AND kind = 'message'", [c.memberId]);
    expect(sent).toHaveLength(3);
    const risk = (await t.client(manager).call(F.listChurnRisks, { query: {} })).items.find((r) => r.memberId === c.memberId)!;
    expect(risk).toMatchObject({ suggestedCause: 'too_many_messages', cause: null });
    expect(risk.score).toBeGreaterThanOrEqual(30);
    expect(risk.reasons).toContain('连续收到3条消息，没有回复也没有到店（可能被消息打扰）');
    expect((await t.client(clerk).call(F.sidebarChurnRisk, { params: { externalUserId: c.ext } })).risk).toMatchObject({ suggestedCause: 'too_many_messages' });

    // the customer answers; the clerk notes it in the sidebar (CustomerReplied): no longer at risk
    await t.client(clerk).call(J.recordInteraction, { params: { externalUserId: c.ext }, body: { kind: 'replied' } });
    await settle(t);
    expect((await t.client(clerk).call(F.sidebarChurnRisk, { params: { externalUserId: c.ext } })).risk).toBeNull();

    // another customer stays silent; ops record 消息太多: automated messages stop, the clerk writes once, personally
    const d = await customer('u-msg-2', '郑阿姨');
    await message(d.ext, 4);
    expect((await t.client(clerk).call(F.sidebarChurnRisk, { params: { externalUserId: d.ext } })).risk?.suggestedCause).toBe('too_many_messages');
    const rec = await t.client(manager).call(F.recordChurnCause, { body: { memberId: d.memberId, cause: 'too_many_messages' } });
    expect(rec).toMatchObject({ cause: 'too_many_messages', quieted: true, recoveredAt: null });
    expect(Number((await query(t, 'SELECT opted_out FROM journey_customer WHERE external_user_id = ?', [d.ext]))[0].opted_out)).toBe(1);
    const tasks = await t.client(clerk).call(J.listSidebarTasks, { query: { status: 'open', externalUserId: d.ext } });
    expect(tasks.items.map((x) => x.title)).toContain('少打扰：郑阿姨');
    // messages we send are not a comeback: the case stays unrecovered
    await message(d.ext, 5);
    expect((await t.client(manager).call(F.listChurnCases, { query: {} })).items.find((x) => x.id === rec.id)).toMatchObject({
      recoveredAt: null,
      quieted: true,
    });
  });

  test('a churn cause starts the win-back journey; the case counts as recovered when the member comes back', async () => {
    const c = await customer('u-churn-1', '吴先生');
    const journeys = (await t.client(hq).call(J.listJourneys)).items;
    const wake = journeys.find((j) => j.builtinKey === 'wake_up')!;
    await t.client(hq).call(F.setWinback, { body: { byCause: [{ cause: 'competitor_price', journeyId: wake.id }] } });
    await expect(t.client(manager).call(F.recordChurnCause, { body: { memberId: c.memberId, cause: 'other' } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const rec = await t.client(manager).call(F.recordChurnCause, { body: { memberId: c.memberId, cause: 'competitor_price', note: '隔壁超市鸡蛋便宜' } });
    expect(rec).toMatchObject({ journeyId: wake.id, enrolled: true, recoveredAt: null });
    const enrolments = await t.client(hq).call(J.listEnrolments, { params: { journeyId: wake.id }, query: {} });
    expect(enrolments.items.some((e) => e.memberId === c.memberId)).toBe(true);

    let cases = await t.client(manager).call(F.listChurnCases, { query: {} });
    expect(cases.byCause.find((b) => b.cause === 'competitor_price')).toMatchObject({ cases: 1, recovered: 0, rate: 0 });
    await new Promise((r) => setTimeout(r, 20));
    await emit('MemberArrived', { memberId: c.memberId, storeId, via: 'member_code', at: new Date().toISOString() });
    await settle(t);
    cases = await t.client(manager).call(F.listChurnCases, { query: {} });
    expect(cases.byCause.find((b) => b.cause === 'competitor_price')).toMatchObject({ cases: 1, recovered: 1, rate: 1 });
    expect(cases.items[0].recoveredAt).not.toBeNull();
  });

  test('a weekly shopper gone quiet is on the risk list with the reason, and in the sidebar for the chat', async () => {
    const c = await customer('u-risk-1', '郑女士');
    const DAY = 86_400_000;
    // weekly purchases for half a year, the last 40 days ago
    for (let i = 0; i < 26; i++) {
      await emit('OrderPaid', {
        orderId: `R-${c.memberId}-${i}`,
        memberId: c.memberId,
        storeId,
        amountFen: 5000,
        paidAt: new Date(Date.now() - (40 + i * 7) * DAY).toISOString(),
        items: [{ name: '鸡蛋', qty: 1 }],
      });
    }
    await settle(t);
    const list = await t.client(manager).call(F.listChurnRisks, { query: {} });
    const mine = list.items.find((r) => r.memberId === c.memberId)!;
    expect(mine).toBeTruthy();
    expect(mine.reasons).toContain('已40天没有购买（平时约每7天购买一次）');
    expect(mine.score).toBeGreaterThanOrEqual(30);
    const side = await t.client(clerk).call(F.sidebarChurnRisk, { params: { externalUserId: c.ext } });
    expect(side.risk).toMatchObject({ memberId: c.memberId, level: mine.level });
    // another store's staff cannot look
    const other = (await staffToken(t, 'staff', { storeId: (await makeStore(t, '城北店')).id })).token;
    await expect(t.client(other).call(F.sidebarChurnRisk, { params: { externalUserId: c.ext } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
