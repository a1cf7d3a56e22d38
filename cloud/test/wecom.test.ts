/** Sidebar contact view (linking and scoping) and the JS-SDK signatures. */
import { createHash } from 'crypto';
import { identity, wecom } from '../../contracts';
import { ConsentRecord } from '../src/modules/identity/entities/consent-record.entity';
import { WecomContact } from '../src/modules/wecom/entities/wecom-contact.entity';
import { startTestApp, type TestApp } from './helpers/app';
import { db, makeContact, makeHousehold, makeMember, makeStaff, makeStore } from './helpers/fixtures';

let t: TestApp;
const tokens: Record<string, string> = {};
let ids: Record<string, number>;

async function tokenFor(s: { username: string; password: string }) {
  return (await t.client().call(identity.staffLogin, { body: { username: s.username, password: s.password } })).token;
}

beforeAll(async () => {
  t = await startTestApp();
  const a = await makeStore(t, '滨江店');
  const b = await makeStore(t, '西湖店');
  const hq = await makeStaff(t, { role: 'hq_admin' });
  const mgrA = await makeStaff(t, { role: 'store_manager', storeId: a.id });
  const mgrB = await makeStaff(t, { role: 'store_manager', storeId: b.id });
  const ownerA = await makeStaff(t, { role: 'group_owner', storeId: a.id, displayName: '团长李娜' });
  const clerkA = await makeStaff(t, { role: 'staff', storeId: a.id, displayName: '店员赵敏' });
  for (const [k, s] of Object.entries({ hq, mgrA, mgrB, ownerA, clerkA })) tokens[k] = await tokenFor(s);
  const hh = await makeHousehold(t, a.id, '王家');
  const member = await makeMember(t, { storeId: a.id, householdId: hh.id, nickname: '王阿姨', unionid: 'u_side_1', tier: '新客' });
  const gold = await makeMember(t, { storeId: a.id, nickname: '金卡老李', unionid: 'u_side_2', tier: '金卡' });
  await makeContact(t, {
    externalUserId: 'wm_linked',
    name: '王阿姨',
    unionid: 'u_side_1',
    memberId: member.id,
    followStaffId: ownerA.id,
    addedAt: new Date('2026-10-01T02:00:00Z'),
  });
  // not linked yet: the view links it by unionid
  await makeContact(t, { externalUserId: 'wm_unlinked', name: '老李', unionid: 'u_side_2', followStaffId: clerkA.id });
  await makeContact(t, { externalUserId: 'wm_stranger', name: '路人', followStaffId: clerkA.id });
  ids = { member: member.id, gold: gold.id, ownerA: ownerA.id };
});
afterAll(async () => {
  await t?.close();
});

const view = (who: string, ext: string) => t.client(tokens[who]).call(wecom.sidebarContact, { params: { externalUserId: ext } });

test('the follower sees the contact with member, household, activity and next best offers', async () => {
  const v = await view('ownerA', 'wm_linked');
  expect(v).toMatchObject({
    externalUserId: 'wm_linked',
    name: '王阿姨',
    member: {
      id: ids.member,
      nickname: '王阿姨',
      tier: '新客',
      storeName: '滨江店',
      householdName: '王家',
      tags: [],
      offers: [{ key: 'nye_preorder', text: expect.stringContaining('年夜饭'), reason: '新会员，还没有下过单' }],
    },
  });
  const texts = v.member!.recentActivity.map((a) => a.text);
  expect(texts).toEqual(expect.arrayContaining(['注册成为会员', '添加了企业微信好友（团长李娜）']));
  expect(texts.some((x) => x.startsWith('同意《隐私保护指引》'))).toBe(true);
  const times = v.member!.recentActivity.map((a) => Date.parse(a.at));
  expect([...times].sort((x, y) => y - x)).toEqual(times);
});

test('an unlinked contact is linked by unionid on first view', async () => {
  const v = await view('clerkA', 'wm_unlinked');
  expect(v.member).toMatchObject({ id: ids.gold, tier: '金卡' });
  // a member registered today with no order: the pre-order pitch, whatever the tier
  expect(v.member!.offers.map((o) => o.key)).toEqual(['nye_preorder']);
  expect((await (await db(t)).manager.findOneByOrFail(WecomContact, { externalUserId: 'wm_unlinked' })).memberId).toBe(ids.gold);
  const stranger = await view('clerkA', 'wm_stranger');
  expect(stranger).toEqual({ externalUserId: 'wm_stranger', name: '路人', avatarUrl: null, member: null });
});

test('scoping: own contacts, store managers for their store, HQ for all; others NOT_FOUND', async () => {
  await expect(view('mgrA', 'wm_linked')).resolves.toMatchObject({ externalUserId: 'wm_linked' });
  await expect(view('hq', 'wm_linked')).resolves.toMatchObject({ externalUserId: 'wm_linked' });
  await expect(view('mgrA', 'wm_stranger')).resolves.toMatchObject({ member: null });
  for (const [who, ext] of [
    ['clerkA', 'wm_linked'],
    ['ownerA', 'wm_stranger'],
    ['mgrB', 'wm_linked'],
    ['mgrB', 'wm_stranger'],
  ]) {
    await expect(view(who, ext)).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
  }
  await expect(view('hq', 'wm_missing')).rejects.toMatchObject({ status: 404 });
});

test('withdrawn consent shows in the activity', async () => {
  await (await db(t)).manager.insert(ConsentRecord, { memberId: ids.member, version: '2026-11-01', action: 'withdrawn', at: new Date() });
  const v = await view('ownerA', 'wm_linked');
  expect(v.member!.recentActivity[0].text).toBe('撤回隐私授权');
});

test('JS-SDK: corp and agent signatures for the page URL (fragment dropped)', async () => {
  const url = 'https://hub.example.com/sidebar/?from=chat#/contact';
  const res = await t.client(tokens.clerkA).call(wecom.jssdkSignature, { body: { url } });
  expect(res).toMatchObject({ corpId: 'ww_dev_corp', agentId: '1000002' });
  for (const s of [res.corp, res.agent]) {
    expect(Number.isInteger(s.timestamp)).toBe(true);
    expect(Math.abs(s.timestamp - Date.now() / 1000)).toBeLessThan(300);
    expect(s.nonceStr).toMatch(/^[\w-]{8,}$/);
    expect(s.signature).toMatch(/^[0-9a-f]{40}$/);
  }
  const tickets = (await (await fetch(`${t.sim.url}/__sim/wecom/tickets`)).json()) as { jsapi: string; agentConfig: string };
  const sign = (ticket: string, s: { nonceStr: string; timestamp: number }) =>
    createHash('sha1')
      .update(`jsapi_ticket=${ticket}&noncestr=${s.nonceStr}&timestamp=${s.timestamp}&url=https://hub.example.com/sidebar/?from=chat`)
      .digest('hex');
  expect(res.corp.signature).toBe(sign(tickets.jsapi, res.corp));
  expect(res.agent.signature).toBe(sign(tickets.agentConfig, res.agent));
  await expect(t.client().call(wecom.jssdkSignature, { body: { url } })).rejects.toMatchObject({ status: 401 });
  await expect(t.client(tokens.clerkA).call(wecom.jssdkSignature, { body: { url: 'not a url' } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
});
