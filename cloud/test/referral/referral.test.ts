/**
 * The referral module against the real app (SQLite, and MariaDB with TEST_MYSQL_URL): members sign
 * in through the simulator's wx.login codes with share tokens, invite codes and device ids;
 * conversions arrive as the other modules' events through the outbox.
 *  - first touch within the window wins; a touch older than the window does not count;
 *  - forged share tokens are refused (open) and ignored (login);
 *  - a real conversion rewards the referrer exactly once, also when conversions race (MariaDB);
 *  - self, loop, household (and one reward per household) and same-device referrals earn nothing;
 *  - a channel-code add with a member's state attributes an organic new member;
 *  - suspicious patterns are held with evidence and released by HQ once;
 *  - the ops report (sources per week, K-factor, funnel, top referrers, rewards) and its Excel export.
 */
import ExcelJS from 'exceljs';
import * as I from '../../../contracts/identity';
import * as R from '../../../contracts/referral';
import * as J from '../../../contracts/journeys';
import { Db } from '../../src/core/db';
import { EventBus } from '../../src/core/events/event-bus';
import type { DomainEventMap, DomainEventType } from '../../src/core/events/types';
import '../../src/modules/classes/events';
import '../../src/modules/preorder/events';
import '../../src/modules/purchases/events';
import '../../src/modules/wecom/events';
import { inviteCode } from '../../src/modules/referral/codes';
import { ReferralAttribution, ReferralTouch } from '../../src/modules/referral/entities/referral.entity';
import { ReferralService } from '../../src/modules/referral/referral.service';
import { CouponGrants, CouponRedemption } from '../../src/modules/journeys/coupons.public';
import { startTestApp, type TestApp } from '../helpers/app';
import { makeHousehold, makeStore } from '../helpers/fixtures';
import { query, settle, staffToken } from '../wecom/engine-helpers';

let t: TestApp;
let hq: string;
let storeId: number;
let seq = 0;
let receiptSeq = 1000;

interface Who {
  id: number;
  token: string;
}

async function register(o: { shareToken?: string; inviteCode?: string; deviceId?: string; nickname?: string } = {}): Promise<Who> {
  const { code } = await t.wechatCode();
  const { shareToken, inviteCode: ic, deviceId } = o;
  const res = await t.client().call(I.memberLogin, { body: { code, consentVersion: I.CURRENT_PRIVACY_VERSION, shareToken, inviteCode: ic, deviceId } });
  expect(res.isNew).toBe(true);
  const nickname = o.nickname ?? `邻居${++seq}`;
  await t.client(res.token).call(I.updateMe, { body: { nickname } });
  return { id: res.member.id, token: res.token };
}

async function share(who: Who, deviceId?: string): Promise<string> {
  return (await t.client(who.token).call(R.createShare, { body: { kind: 'invite', deviceId } })).token;
}

async function emit<T extends DomainEventType>(type: T, payload: DomainEventMap[T]): Promise<void> {
  const db = await t.container.getAsync(Db);
  const bus = await t.container.getAsync(EventBus);
  await db.transaction((em) => bus.emit(em, type, payload).then(() => undefined));
}

function posPurchase(memberId: number): DomainEventMap['PurchaseRecorded'] {
  return {
    receiptId: ++receiptSeq,
    memberId,
    storeId,
    channel: 'pos',
    totalFen: 3200,
    discountFen: 0,
    occurredAt: new Date().toISOString(),
    refundOf: null,
    items: [],
    couponCodes: [],
  };
}

async function attribution(memberId: number) {
  return (await query(t, 'SELECT * FROM referral_attribution WHERE member_id = ?', [memberId]))[0];
}
async function rewardsFor(inviteeId: number) {
  return query(t, 'SELECT * FROM referral_reward WHERE invitee_id = ?', [inviteeId]);
}
const dev = () => `dev_${Date.now().toString(36)}_${++seq}`;

beforeAll(async () => {
  t = await startTestApp();
  storeId = (await makeStore(t, '滨江店')).id;
  hq = (await staffToken(t, 'hq_admin')).token;
});
afterAll(async () => {
  await t?.close();
});

describe('attribution', () => {
  test('first touch within the window wins; a touch older than the window does not count', async () => {
    const a = await register({ nickname: '阿芳' });
    const c = await register({ nickname: '陈姐' });
    const device = dev();
    const cToken = await share(c);
    const aToken = await share(a);
    // the newcomer's phone opened 陈姐's card first, then 阿芳's; then registered from 阿芳's
    expect(await t.client().call(R.openShare, { body: { token: cToken, deviceId: device } })).toMatchObject({ ok: true, sharerName: '陈**', kind: 'invite' });
    await t.client().call(R.openShare, { body: { token: aToken, deviceId: device } });
    await t.client().call(R.openShare, { body: { token: aToken, deviceId: device } }); // a second open counts once
    const b = await register({ shareToken: aToken, deviceId: device });
    expect(await attribution(b.id)).toMatchObject({ source: 'share', referrer_id: c.id });
    expect(await query(t, 'SELECT * FROM referral_touch WHERE device_id = ?', [device])).toHaveLength(2);

    // 陈姐's open was 8 days before the next newcomer registered: outside the 7-day window
    const device2 = dev();
    await t.client().call(R.openShare, { body: { token: cToken, deviceId: device2 } });
    await (await t.container.getAsync(Db)).manager.update(ReferralTouch, { deviceId: device2 }, { at: new Date(Date.now() - 8 * 86_400_000) });
    const d = await register({ shareToken: aToken, deviceId: device2 });
    expect(await attribution(d.id)).toMatchObject({ source: 'share', referrer_id: a.id });
    // no touch at all: organic, still one record
    const e = await register({ deviceId: dev() });
    expect(await attribution(e.id)).toMatchObject({ source: 'organic', referrer_id: null });
  });

  test('one reward granted by two deliveries at once is one coupon, and both answer its id', async () => {
    const a = await register();
    const db = await t.container.getAsync(Db);
    const grants = await t.container.getAsync(CouponGrants);
    const grant = { key: `referral:race-${a.id}`, memberId: a.id, title: '邻里券', amountFen: 500, minSpendFen: 3000, validDays: 30, at: new Date() };
    let granted!: () => void;
    const firstGranted = new Promise<void>((r) => (granted = r));
    // the first delivery has written the coupon but not committed when the second one asks
    const first = db.transaction(async (em) => {
      const id = await grants.grant(em, grant);
      granted();
      await new Promise((r) => setTimeout(r, 150));
      return id;
    });
    await firstGranted;
    const second = db.transaction((em) => grants.grant(em, grant));
    const [x, y] = await Promise.all([first, second]);
    expect(y).toBe(x);
    expect(await query(t, 'SELECT id, member_id, amount_fen FROM journey_coupon WHERE idem_key = ?', [grant.key])).toEqual([
      expect.objectContaining({ id: x, member_id: a.id, amount_fen: 500 }),
    ]);
    // asked again later: the same coupon
    expect(await db.transaction((em) => grants.grant(em, grant))).toBe(x);
  });

  test('forged share tokens: refused when opened, ignored at registration', async () => {
    const a = await register();
    const token = await share(a);
    const [s, m, sig] = token.split('.');
    const other = await register();
    const forgeries = [
      `${s}.${other.id.toString(36)}.${sig}`,
      `${s}.${m}.${sig.slice(0, -1)}${sig.endsWith('x') ? 'y' : 'x'}`,
      String(a.id),
      'zz.zz.AAAAAAAAAA',
    ];
    for (const f of forgeries) {
      await expect(t.client().call(R.openShare, { body: { token: f } })).rejects.toMatchObject({ status: 400, code: 'SHARE_TOKEN_INVALID' });
    }
    const b = await register({ shareToken: forgeries[0], deviceId: dev() });
    expect(await attribution(b.id)).toMatchObject({ source: 'organic', referrer_id: null });
  });

  test('an invite code typed after registering attributes an organic newcomer once, inside the window', async () => {
    const a = await register({ nickname: '李阿姨' });
    const b = await register();
    await expect(t.client(b.token).call(R.enterInviteCode, { body: { code: 'ABCDEFG' } })).rejects.toMatchObject({ status: 400, code: 'INVITE_CODE_INVALID' });
    await expect(t.client(b.token).call(R.enterInviteCode, { body: { code: inviteCode(b.id) } })).rejects.toMatchObject({ code: 'INVITE_CODE_INVALID' });
    expect(await t.client(b.token).call(R.enterInviteCode, { body: { code: inviteCode(a.id).toLowerCase() } })).toEqual({ ok: true, referredBy: '李**' });
    expect(await attribution(b.id)).toMatchObject({ source: 'invite_code', referrer_id: a.id });
    await expect(t.client(b.token).call(R.enterInviteCode, { body: { code: inviteCode(a.id) } })).rejects.toMatchObject({
      status: 409,
      code: 'INVITE_CODE_CLOSED',
    });
    // past the window
    const late = await register();
    await (await t.container.getAsync(Db)).manager.update(ReferralAttribution, { memberId: late.id }, { registeredAt: new Date(Date.now() - 8 * 86_400_000) });
    await expect(t.client(late.token).call(R.enterInviteCode, { body: { code: inviteCode(a.id) } })).rejects.toMatchObject({ code: 'INVITE_CODE_CLOSED' });
    expect((await t.client(late.token).call(R.myReferral)).canEnterCode).toBe(false);
  });

  test("a channel-code add with a member's state (ref_<id>) attributes an organic newcomer to that member", async () => {
    const a = await register({ nickname: '张叔' });
    const m = await register();
    await emit('ReferralContactAdded', {
      referrerMemberId: a.id,
      externalUserId: `wm_ref_${m.id}`,
      memberId: m.id,
      channelId: 1,
      staffUserId: 'zhaoliu',
      addedAt: new Date().toISOString(),
    });
    await settle(t);
    expect(await attribution(m.id)).toMatchObject({ source: 'channel', referrer_id: a.id, detail: `ref_${a.id}` });
    // a contact not yet a member is linked later
    const n = await register();
    await emit('ReferralContactAdded', {
      referrerMemberId: a.id,
      externalUserId: `wm_ref_${n.id}`,
      memberId: null,
      channelId: 1,
      staffUserId: 'zhaoliu',
      addedAt: new Date().toISOString(),
    });
    await settle(t);
    expect(await attribution(n.id)).toMatchObject({ source: 'organic' });
    await emit('ContactLinked', { externalUserId: `wm_ref_${n.id}`, memberId: n.id, staffUserId: 'zhaoliu' });
    await settle(t);
    expect(await attribution(n.id)).toMatchObject({ source: 'channel', referrer_id: a.id });
  });
});

describe('rewards', () => {
  test('a real conversion rewards the referrer once; sharing, opening and registering earn nothing', async () => {
    const a = await register({ nickname: '王阿姨' });
    const token = await share(a, dev());
    const b = await register({ shareToken: token, deviceId: dev(), nickname: '赵女士' });
    await settle(t);
    expect(await rewardsFor(b.id)).toHaveLength(0);
    expect((await t.client(a.token).call(R.myReferral)).invitees).toEqual([expect.objectContaining({ name: '赵**', stage: 'joined', reward: null })]);
    // a pre-order receipt is not a store purchase; a refund is not either
    await emit('PurchaseRecorded', { ...posPurchase(b.id), channel: 'preorder' });
    await emit('PurchaseRecorded', { ...posPurchase(b.id), totalFen: -3200, refundOf: 1 });
    await settle(t);
    expect(await rewardsFor(b.id)).toHaveLength(0);
    await emit('PurchaseRecorded', posPurchase(b.id));
    await emit('PurchaseRecorded', posPurchase(b.id));
    await emit('OrderPickedUp', { orderId: 'NY1', memberId: b.id, storeId, pickedUpAt: new Date().toISOString(), staffId: null });
    await settle(t);
    const rewards = await rewardsFor(b.id);
    expect(rewards).toHaveLength(1);
    expect(rewards[0]).toMatchObject({ referrer_id: a.id, status: 'issued', kind: 'points', points: 200, conversion: 'store_purchase' });
    const mine = await t.client(a.token).call(R.myRewards);
    expect(mine).toMatchObject({ pointsTotal: 200, items: [expect.objectContaining({ status: 'issued', inviteeName: '赵**', title: '200 积分' })] });
    expect((await t.client(a.token).call(R.myReferral)).invitees[0]).toMatchObject({ stage: 'rewarded', conversion: 'store_purchase' });
    // 我的数据 lists it; deleting B's account drops the devices and addresses kept for her
    const data = await t.client(a.token).call(I.getMyData);
    expect(data.activity.referral).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'reward', reward: '200 积分', status: 'issued' })]));
    expect((await t.client(b.token).call(I.getMyData)).activity.referral).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'joined_via', source: 'share', referred: true })]),
    );
    await t.client(b.token).call(I.deleteMe, { body: { confirm: true } });
    await settle(t);
    expect(await query(t, 'SELECT * FROM referral_device WHERE member_id = ?', [b.id])).toHaveLength(0);
    expect(await attribution(b.id)).toMatchObject({ device_id: null, ip: null });
  });

  test("a coupon reward is a real coupon: in the referrer's 我的优惠券 once, redeemable at the till", async () => {
    const rules = await t.client(hq).call(R.opsGetRules);
    await t.client(hq).call(R.opsSetRules, { body: { ...rules, rewardKind: 'coupon' } });
    try {
      const a = await register();
      const b = await register({ inviteCode: inviteCode(a.id), deviceId: dev() });
      await emit('PurchaseRecorded', posPurchase(b.id));
      await emit('PurchaseRecorded', posPurchase(b.id)); // a second conversion grants nothing more
      await settle(t);
      expect(await rewardsFor(b.id)).toEqual([expect.objectContaining({ status: 'issued', kind: 'coupon', coupon_fen: rules.couponFen })]);
      const coupons = await t.client(a.token).call(J.myCoupons, { query: { page: 1, pageSize: 20 } });
      expect(coupons.items).toEqual([expect.objectContaining({ title: rules.couponTitle, status: 'issued' })]);
      // at the till: the minimum spend is checked, then it is used exactly once
      const db = await t.container.getAsync(Db);
      const till = await t.container.getAsync(CouponRedemption);
      const code = coupons.items[0].code;
      const at = new Date();
      const small = await db.transaction((em) => till.redeem(em, code, { receiptId: 990001, memberId: a.id, grossFen: rules.couponMinSpendFen - 1, at }));
      expect(small).toEqual({ ok: false, reason: 'COUPON_MIN_SPEND' });
      const used = await db.transaction((em) => till.redeem(em, code, { receiptId: 990002, memberId: a.id, grossFen: rules.couponMinSpendFen, at }));
      expect(used).toMatchObject({ ok: true, amountFen: rules.couponFen });
      const again = await db.transaction((em) => till.redeem(em, code, { receiptId: 990003, memberId: a.id, grossFen: rules.couponMinSpendFen, at }));
      expect(again).toEqual({ ok: false, reason: 'COUPON_USED' });
    } finally {
      await t.client(hq).call(R.opsSetRules, { body: rules });
    }
  });

  test('only the conversions ops switched on count', async () => {
    const a = await register();
    const b = await register({ inviteCode: inviteCode(a.id), deviceId: dev() });
    const rules = await t.client(hq).call(R.opsGetRules);
    await t.client(hq).call(R.opsSetRules, { body: { ...rules, conversions: ['class_attended'] } });
    try {
      await emit('PurchaseRecorded', posPurchase(b.id));
      await settle(t);
      expect((await attribution(b.id)).converted_at).toBeNull();
      await emit('ClassCheckedIn', { registrationId: 777001, sessionId: 1, classId: 1, storeId, memberId: b.id, tags: [] });
      await settle(t);
      expect(await rewardsFor(b.id)).toEqual([expect.objectContaining({ status: 'issued', conversion: 'class_attended' })]);
    } finally {
      await t.client(hq).call(R.opsSetRules, { body: rules });
    }
  });

  test('self, loop, household, one reward per household and same-device referrals earn nothing', async () => {
    const convert = async (who: Who) => {
      await emit('PurchaseRecorded', posPurchase(who.id));
      await settle(t);
      return (await rewardsFor(who.id))[0];
    };
    // household: the referrer brings someone of their own family
    const home = await makeHousehold(t, storeId);
    const a = await register();
    await query(t, 'UPDATE member SET household_id = ? WHERE id = ?', [home.id, a.id]);
    const kin = await register({ shareToken: await share(a), deviceId: dev() });
    await query(t, 'UPDATE member SET household_id = ? WHERE id = ?', [home.id, kin.id]);
    expect(await convert(kin)).toMatchObject({ status: 'excluded', reasons: 'household' });

    // one reward per household: B earns A a reward, B's husband joining through A earns nothing
    const other = await makeHousehold(t, storeId);
    const b = await register({ shareToken: await share(a), deviceId: dev() });
    expect(await convert(b)).toMatchObject({ status: 'issued' });
    // B sets up her household after her reward
    await query(t, 'UPDATE member SET household_id = ? WHERE id = ?', [other.id, b.id]);
    const husband = await register({ shareToken: await share(a), deviceId: dev() });
    await query(t, 'UPDATE member SET household_id = ? WHERE id = ?', [other.id, husband.id]);
    expect(await convert(husband)).toMatchObject({ status: 'excluded', reasons: 'household_rewarded' });

    // same device: the sharer's own phone registers a "neighbour"
    const phone = dev();
    const s = await register();
    const alt = await register({ shareToken: await share(s, phone), deviceId: phone });
    expect(await convert(alt)).toMatchObject({ status: 'excluded', reasons: 'device' });

    // loop: H brought K, then H types K's invite code
    const h = await register();
    const k = await register({ shareToken: await share(h), deviceId: dev() });
    await t.client(h.token).call(R.enterInviteCode, { body: { code: inviteCode(k.id) } });
    expect(await attribution(h.id)).toMatchObject({ referrer_id: k.id, exclusion: 'loop' });
    expect(await convert(h)).toMatchObject({ status: 'excluded', reasons: 'loop' });

    // self: a member's own token at a (second) registration on the same openid cannot happen; own code is refused
    await expect(t.client(h.token).call(R.enterInviteCode, { body: { code: inviteCode(h.id) } })).rejects.toMatchObject({ code: 'INVITE_CODE_INVALID' });
    const view = await t.client(a.token).call(R.myReferral);
    expect(view.invitees.find((i) => i.note === '同一家庭内邀请')).toBeTruthy();
    expect(view.invitees.find((i) => i.note === '该家庭已计过奖励')).toBeTruthy();
  });

  test('many invitees from one device are held with evidence; HQ releases once', async () => {
    const p = await register({ nickname: '孙先生' });
    const rules = await t.client(hq).call(R.opsGetRules);
    await t.client(hq).call(R.opsSetRules, { body: { ...rules, holdSameDevice: 2 } });
    try {
      const shared = dev();
      const x = await register({ shareToken: await share(p), deviceId: shared });
      await emit('PurchaseRecorded', posPurchase(x.id));
      await settle(t);
      expect((await rewardsFor(x.id))[0]).toMatchObject({ status: 'issued' });
      // the same phone registers a second invitee (another WeChat account)
      await t.client().call(R.openShare, { body: { token: await share(p), deviceId: shared } });
      const y = await register({ deviceId: shared });
      expect(await attribution(y.id)).toMatchObject({ referrer_id: p.id });
      await emit('PurchaseRecorded', posPurchase(y.id));
      await settle(t);
      const held = (await rewardsFor(y.id))[0];
      expect(held).toMatchObject({ status: 'held' });
      const report = await t.client(hq).call(R.opsReferralReport, { query: {} });
      const c = report.held.find((h) => h.rewardId === held.id)!;
      expect(c).toMatchObject({
        referrerName: '孙先生',
        reasons: [expect.objectContaining({ code: 'many_from_device', label: '同一设备注册了多位被邀请人' })],
      });
      expect(c.reasons[0].evidence).toContain('2 位被邀请人');
      expect((await t.client(p.token).call(R.myRewards)).items.map((i) => i.status).sort()).toEqual(['held', 'issued']);

      const staff = (await staffToken(t, 'store_manager', { storeId })).token;
      await expect(t.client(staff).call(R.opsDecideReward, { params: { rewardId: held.id }, body: { decision: 'release' } })).rejects.toMatchObject({
        status: 403,
      });
      expect(await t.client(hq).call(R.opsDecideReward, { params: { rewardId: held.id }, body: { decision: 'release', note: '核实为邻居' } })).toEqual({
        id: held.id,
        status: 'issued',
      });
      await expect(t.client(hq).call(R.opsDecideReward, { params: { rewardId: held.id }, body: { decision: 'reject' } })).rejects.toMatchObject({
        status: 409,
        code: 'REWARD_NOT_HELD',
      });
      await expect(t.client(hq).call(R.opsDecideReward, { params: { rewardId: 999999 }, body: { decision: 'reject' } })).rejects.toMatchObject({ status: 404 });
      expect((await t.client(p.token).call(R.myRewards)).pointsTotal).toBe(400);
    } finally {
      await t.client(hq).call(R.opsSetRules, { body: rules });
    }
  });

  test('parallel conversions of one invitee issue exactly one reward', async () => {
    const a = await register();
    const invitees: Who[] = [];
    for (let i = 0; i < 3; i++) invitees.push(await register({ shareToken: await share(a), deviceId: dev() }));
    const db = await t.container.getAsync(Db);
    const svc = await t.container.getAsync(ReferralService);
    const kinds = ['pickup', 'store_purchase', 'class_attended'] as const;
    await Promise.all(
      invitees.flatMap((b) =>
        Array.from({ length: 6 }, (_, i) =>
          db.transaction((em) => svc.convert(em, { memberId: b.id, kind: kinds[i % 3], ref: `race:${b.id}:${i}`, at: new Date() }), { attempts: 5 }),
        ),
      ),
    );
    // and through the outbox at the same time as another round
    await Promise.all(invitees.map((b) => emit('PurchaseRecorded', posPurchase(b.id))));
    await settle(t);
    for (const b of invitees) {
      expect(await rewardsFor(b.id)).toHaveLength(1);
    }
    expect(await query(t, 'SELECT * FROM referral_reward WHERE referrer_id = ?', [a.id])).toHaveLength(3);
  });
});

describe('ops report', () => {
  test('sources per week, K-factor, funnel, top referrers, rewards and the Excel export; HQ only', async () => {
    const r = await t.client(hq).call(R.opsReferralReport, { query: { weeks: 2 } });
    expect(r.weeks).toHaveLength(2);
    const now = r.weeks[1];
    expect(now.bySource.share).toBeGreaterThan(5);
    expect(now.bySource.invite_code).toBeGreaterThanOrEqual(2);
    expect(now.bySource.channel).toBe(2);
    expect(now.bySource.organic).toBeGreaterThan(5);
    expect(now.newMembers).toBe(now.bySource.share + now.bySource.channel + now.bySource.invite_code + now.bySource.organic);
    // nobody existed before this test run: the base of the current week is 0
    expect(now.kFactor).toBe(0);
    expect(r.funnel.shares).toBeGreaterThan(10);
    expect(r.funnel.opened).toBeGreaterThanOrEqual(5);
    expect(r.funnel.registered).toBe(now.referredMembers + r.weeks[0].referredMembers);
    expect(r.funnel.converted).toBeGreaterThan(r.funnel.rewarded);
    expect(r.rewards.issued).toBe(r.funnel.rewarded);
    expect(r.rewards.excluded).toBe(4);
    // one coupon reward (the coupon test), every other issued reward 200 points
    const issuedCoupons = (await query(t, "SELECT coupon_fen FROM referral_reward WHERE status = 'issued' AND kind = 'coupon'", [])).map((x) =>
      Number(x.coupon_fen),
    );
    expect(issuedCoupons).toHaveLength(1);
    expect(r.rewards.pointsIssued).toBe(200 * (r.rewards.issued - issuedCoupons.length));
    expect(r.rewards.couponFenIssued).toBe(issuedCoupons[0]);
    expect(r.topReferrers[0].invited).toBeGreaterThanOrEqual(r.topReferrers[1].invited);
    expect(r.attributions.find((x) => x.source === 'channel')).toMatchObject({ referrerName: '张叔' });

    const res = await t
      .http()
      .get('/api/admin/referral/report.xlsx?weeks=2')
      .set('authorization', `Bearer ${hq}`)
      .buffer(true)
      .parse((resp, cb) => {
        const chunks: Buffer[] = [];
        resp.on('data', (c: Buffer) => chunks.push(c));
        resp.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['每周来源', '漏斗', '推荐达人', '奖励', '待审核', '归因明细']);
    expect(wb.getWorksheet('漏斗')!.getRow(2).getCell(3).value).toBe(r.funnel.registered);

    const manager = (await staffToken(t, 'store_manager', { storeId })).token;
    await expect(t.client(manager).call(R.opsReferralReport, { query: {} })).rejects.toMatchObject({ status: 403 });
  });
});
