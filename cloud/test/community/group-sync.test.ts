/**
 * Customer group membership from WeCom: real signed change_external_chat callbacks fired by the
 * simulator at the callback URL, processed through the inbox. Joins and leaves are kept as stays;
 * duplicated and out-of-order callbacks (and a snapshot fetched earlier than one already applied)
 * converge on WeCom's current member list; a dismissed group does not come back.
 */
import { community } from '../../../contracts';
import { WecomGroupChat } from '../../src/modules/wecom/entities/group-chat.entity';
import { WecomGroupMember } from '../../src/modules/wecom/entities/group-member.entity';
import { WecomGroupSync } from '../../src/modules/wecom/group-sync.service';
import { planMembership } from '../../src/modules/wecom/group-membership';
import { EventBus } from '../../src/core/events/event-bus';
import { Participation } from '../../src/modules/community/entities/participation.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { db, makeContact, makeMember, makeStore } from '../helpers/fixtures';
import { fire, listen, type Listening, simGet, simPost, staffToken } from '../wecom/engine-helpers';

let t: TestApp;
let l: Listening;
let storeId: number;
let owner: string;

beforeAll(async () => {
  t = await startTestApp();
  l = await listen(t);
  storeId = (await makeStore(t, '滨江店')).id;
  owner = (await staffToken(t, 'group_owner', { storeId, wecomUserId: 'qunzhu_li' })).token;
});
afterAll(async () => {
  await l?.close();
  await t?.close();
});

const chatEvent = (chatId: string, changeType: string, extra: Record<string, unknown> = {}) => ({
  Event: 'change_external_chat',
  ChatId: chatId,
  ChangeType: changeType,
  ...extra,
});

async function stays(chatId: string) {
  const rows = await (await db(t)).manager.find(WecomGroupMember, { where: { chatId }, order: { id: 'ASC' } });
  return rows.map((r) => ({ userId: r.userId, open: r.leftAt === null }));
}
const openIds = async (chatId: string) =>
  (await stays(chatId))
    .filter((s) => s.open)
    .map((s) => s.userId)
    .sort();

describe('planMembership (pure)', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 0, 0, s));
  it('opens new stays, keeps matching ones, closes missing ones, and a re-join is a second stay', () => {
    const open = [
      { id: 1, userId: 'a', joinedAt: at(0) },
      { id: 2, userId: 'b', joinedAt: at(0) },
    ];
    const snap = [
      { userId: 'a', memberType: 2, joinedAt: at(0), unionid: null, name: null },
      { userId: 'c', memberType: 2, joinedAt: at(5), unionid: null, name: null },
    ];
    const p = planMembership(open, snap, at(9));
    expect(p.open.map((m) => m.userId)).toEqual(['c']);
    expect(p.close).toEqual([{ id: 2, userId: 'b', leftAt: at(9) }]);
    // a left and came back (WeCom reports a later join time): the old stay ends when the new one starts
    const again = planMembership(open, [{ userId: 'a', memberType: 2, joinedAt: at(30), unionid: null, name: null }], at(40));
    expect(again.open.map((m) => m.userId)).toEqual(['a']);
    expect(again.close).toEqual(expect.arrayContaining([{ id: 1, userId: 'a', leftAt: at(30) }]));
    // the same snapshot twice changes nothing
    expect(planMembership(open, snap.slice(0, 1).concat([{ userId: 'b', memberType: 2, joinedAt: at(0), unionid: null, name: null }]), at(9))).toEqual({
      open: [],
      close: [],
    });
  });
});

describe('group sync through callbacks', () => {
  let chatId = '';
  let wangId = 0;
  const customers: string[] = [];

  beforeAll(async () => {
    for (const name of ['王阿姨', '李姐', '张大哥']) {
      const c = await simPost(t, '/__sim/wecom/contacts', { userid: 'qunzhu_li', name, unionid: `u_${name}` });
      customers.push(c.external_userid);
    }
    // 王阿姨 is a member (matched through the WeCom contact's unionid)
    const m = await makeMember(t, { nickname: '王阿姨', unionid: 'u_王阿姨', storeId });
    wangId = m.id;
    await makeContact(t, { externalUserId: customers[0], unionid: 'u_王阿姨', memberId: m.id });
    chatId = (await simPost(t, '/__sim/wecom/group-chats', { owner: 'qunzhu_li', name: '滨江宝妈营养师群', external_userids: [customers[0], customers[1]] }))
      .chat_id;
  });

  it('a create callback syncs the group, its owner and members; the owner sees it with figures', async () => {
    const r = await fire(t, l, { event: chatEvent(chatId, 'create') });
    expect(r.ok).toBe(1);
    const g = await (await db(t)).manager.findOneByOrFail(WecomGroupChat, { chatId });
    expect(g).toMatchObject({ name: '滨江宝妈营养师群', ownerUserId: 'qunzhu_li', memberCount: 3, externalCount: 2, dismissed: false });
    expect(await openIds(chatId)).toEqual([customers[0], customers[1], 'qunzhu_li'].sort());

    const list = await t.client(owner).call(community.listGroups, {});
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      chatId,
      storeName: '滨江店',
      ownerUserId: 'qunzhu_li',
      figures: { members: 3, customers: 2, linkedMembers: 1, active30d: 0 },
    });
  });

  it('orders count as group activity: a paid pre-order (OrderPaid) and a till receipt (PurchaseRecorded), each once', async () => {
    const bus = await t.container.getAsync(EventBus);
    const d = await db(t);
    const active = async () => (await t.client(owner).call(community.getGroup, { params: { chatId } })).figures.active30d;
    const orders = () => d.manager.count(Participation, { where: { memberId: wangId, kind: 'order' } });
    const now = new Date().toISOString();
    const receipt = (receiptId: number, channel: 'pos' | 'preorder') => ({
      receiptId,
      memberId: wangId,
      storeId,
      channel,
      totalFen: 8800,
      discountFen: 0,
      occurredAt: now,
      refundOf: null,
      items: [{ sku: null, name: '饺子皮', category: null, qty: 1, amountFen: 8800 }],
      couponCodes: [],
    });
    // the pre-order's own ledger receipt is not a second order: its OrderPaid is the one counted
    await d.transaction((em) => bus.emit(em, 'PurchaseRecorded', receipt(990001, 'preorder')));
    await bus.drain();
    expect(await active()).toBe(0);
    const paid = { orderId: 'NYE-GROUP-1', memberId: wangId, storeId, amountFen: 16800, paidAt: now, items: [{ name: '佛跳墙', qty: 1 }] };
    await d.transaction((em) => bus.emit(em, 'OrderPaid', paid));
    await d.transaction((em) => bus.emit(em, 'OrderPaid', paid)); // redelivered
    await bus.drain();
    expect(await orders()).toBe(1);
    expect(await active()).toBe(1);
    await d.transaction((em) => bus.emit(em, 'PurchaseRecorded', receipt(990002, 'pos')));
    await bus.drain();
    expect(await orders()).toBe(2);
    const wang = (await t.client(owner).call(community.getGroup, { params: { chatId } })).people.find((p) => p.userId === customers[0]);
    expect(wang?.lastActiveAt).toBeTruthy();
  });

  it('joins and leaves fired duplicated and out of order converge on WeCom’s member list', async () => {
    // in WeCom: 张大哥 joins, then 李姐 leaves — each followed by its callback…
    await simPost(t, '/__sim/wecom/group-chats/change', { chat_id: chatId, add: [customers[2]] });
    await simPost(t, '/__sim/wecom/group-chats/change', { chat_id: chatId, remove: [customers[1]] });
    // …which reach us in the opposite order, the first one retried by WeCom (same message) and
    // then once more as a separate late duplicate
    const del = chatEvent(chatId, 'update', { UpdateDetail: 'del_member', QuitScene: '0', MemChangeCnt: '1' });
    const add = chatEvent(chatId, 'update', { UpdateDetail: 'add_member', JoinScene: '1', MemChangeCnt: '1' });
    await fire(t, l, { event: del, replay: 2 });
    await fire(t, l, { events: [add, add] });
    expect(await openIds(chatId)).toEqual([customers[0], customers[2], 'qunzhu_li'].sort());
    const all = await stays(chatId);
    // one stay per person: 李姐's closed, 张大哥's open — nothing doubled by the repeats
    expect(all.filter((s) => s.userId === customers[1])).toEqual([{ userId: customers[1], open: false }]);
    expect(all.filter((s) => s.userId === customers[2])).toEqual([{ userId: customers[2], open: true }]);
    expect(all).toHaveLength(4);

    const detail = await t.client(owner).call(community.getGroup, { params: { chatId } });
    expect(detail.figures).toMatchObject({ members: 3, customers: 2, joined30d: 3, left30d: 1 });
    expect(detail.leftRecently.map((p) => p.name)).toEqual(['李姐']);
    expect(detail.people.find((p) => p.userId === customers[0])).toMatchObject({ memberNickname: '王阿姨' });
  });

  it('a snapshot fetched before the one already applied is dropped (a late worker cannot undo a newer state)', async () => {
    const sync = await t.container.getAsync(WecomGroupSync);
    const current = await openIds(chatId);
    const stale = { chat_id: chatId, name: '旧群名', owner: 'qunzhu_li', member_list: [{ userid: 'qunzhu_li', type: 1, join_time: 1 }] };
    const r = await sync.apply(stale, new Date(Date.now() - 60_000), new Date());
    expect(r.applied).toBe(false);
    expect(await openIds(chatId)).toEqual(current);
    expect((await (await db(t)).manager.findOneByOrFail(WecomGroupChat, { chatId })).name).toBe('滨江宝妈营养师群');
  });

  it('a member who leaves and comes back has two stays; a change of owner is followed', async () => {
    await fire(t, l, { event: { ...chatEvent(chatId, 'update', { UpdateDetail: 'del_member' }), chat: { remove: [customers[2]] } } });
    t.sim.advanceClock(2000); // WeCom join times are whole seconds: the re-join is a later one
    await fire(t, l, { event: { ...chatEvent(chatId, 'update', { UpdateDetail: 'add_member' }), chat: { add: [customers[2]] } } });
    expect((await stays(chatId)).filter((s) => s.userId === customers[2])).toEqual([
      { userId: customers[2], open: false },
      { userId: customers[2], open: true },
    ]);
    await fire(t, l, { event: { ...chatEvent(chatId, 'update', { UpdateDetail: 'change_owner' }), chat: { owner: 'qunzhu_wang' } } });
    expect((await (await db(t)).manager.findOneByOrFail(WecomGroupChat, { chatId })).ownerUserId).toBe('qunzhu_wang');
  });

  it('dismiss ends every stay; a late update callback does not bring the group back', async () => {
    await fire(t, l, { event: { ...chatEvent(chatId, 'dismiss'), chat: { dismiss: true } } });
    await fire(t, l, { event: chatEvent(chatId, 'update', { UpdateDetail: 'add_member' }) });
    const g = await (await db(t)).manager.findOneByOrFail(WecomGroupChat, { chatId });
    expect(g.dismissed).toBe(true);
    expect(await openIds(chatId)).toEqual([]);
  });

  it('groupchat/list sync picks up a group no callback announced', async () => {
    const other = (await simPost(t, '/__sim/wecom/group-chats', { owner: 'qunzhu_li', name: '美食烹饪家群', external_userids: [customers[1]] })).chat_id;
    const admin = (await staffToken(t, 'hq_admin')).token;
    const r = await t.client(admin).call(community.syncGroups, {});
    expect(r.groups).toBe(1);
    expect(await openIds(other)).toEqual([customers[1], 'qunzhu_li'].sort());
    const calls = await simGet(t, '/__sim/calls?path=/wecom/cgi-bin/externalcontact/groupchat/list');
    expect(calls.calls.length).toBeGreaterThan(0);
  });
});
