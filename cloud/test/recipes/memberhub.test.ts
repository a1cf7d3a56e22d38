/**
 * Member hub (issue 18): household create / invite / accept / leave, home store nearest first,
 * nickname content check and avatar from an upload, recipes (收藏, recommendations with reasons,
 * the 料理包 and class actions), contest winners becoming credited recipes, 首页 banners per store
 * and audience, 「我的数据」 and erasure.
 */
import { household as H, identity, recipes as R } from '../../../contracts';
import { EventBus } from '../../src/core/events/event-bus';
import { Household } from '../../src/modules/identity/entities/household.entity';
import { Member } from '../../src/modules/identity/entities/member.entity';
import { Store } from '../../src/modules/identity/entities/store.entity';
import { RecipeFavourite } from '../../src/modules/recipes/entities/favourite.entity';
import { Recipe } from '../../src/modules/recipes/entities/recipe.entity';
import { recommend } from '../../src/modules/recipes/recommend';
import { audiencesOf } from '../../src/modules/recipes/home.service';
import { byDistance } from '../../src/modules/identity/geo';
import { startTestApp, type TestApp } from '../helpers/app';
import { db, makeStore } from '../helpers/fixtures';
import { approvedEntry, drain, memberToken, photoId, publishedContest, rejects, staffToken } from '../contest/kit';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const recipeBody = (o: Partial<Parameters<typeof baseRecipe>[0]> = {}) => baseRecipe(o);
function baseRecipe(o: Record<string, unknown>) {
  return {
    title: '番茄炒蛋',
    intro: '十分钟上桌的家常菜',
    minutes: 10,
    difficulty: 'easy' as const,
    servings: 2,
    ingredients: [
      { name: '鸡蛋', amount: '3个', product: '散养土鸡蛋' },
      { name: '番茄', amount: '2个', product: null },
    ],
    steps: ['鸡蛋打散炒熟盛出', '番茄炒出汁，倒回鸡蛋'],
    tags: ['快手菜'],
    authorDisplayName: null,
    kitItemRef: null,
    kitLabel: null,
    classId: null,
    published: true,
    ...o,
  };
}

test('pure rules: recommendations in rule order with reasons, audiences, nearest store', () => {
  const pool = [
    { id: 1, tags: ['快手菜'], ingredients: [{ name: '鸡蛋', amount: '', product: null }], favouriteCount: 9 },
    { id: 2, tags: ['宝宝营养'], ingredients: [{ name: '南瓜', amount: '', product: null }], favouriteCount: 1 },
    { id: 3, tags: ['家常菜'], ingredients: [{ name: '排骨', amount: '', product: '精选肋排' }], favouriteCount: 2 },
    { id: 4, tags: ['快手菜'], ingredients: [{ name: '青菜', amount: '', product: null }], favouriteCount: 5 },
  ];
  const r = recommend(pool, { childrenCount: 1, purchasedTerms: ['精选肋排 500g'], favouriteTags: ['快手菜'], favouriteIds: new Set([1]) }, 10);
  expect(r.map((x) => [x.id, x.reason])).toEqual([
    [2, '家里有宝宝：宝宝营养'],
    [3, '你最近买了「精选肋排 500g」'],
    [4, '你收藏过「快手菜」类菜谱'],
  ]);
  // no household children, nothing bought, nothing saved: the most saved first
  expect(recommend(pool, { childrenCount: 0, purchasedTerms: [], favouriteTags: [], favouriteIds: new Set() }, 2).map((x) => x.reason)).toEqual([
    '大家都在收藏',
    '大家都在收藏',
  ]);

  const now = new Date('2026-12-01T00:00:00Z');
  expect(audiencesOf({ childrenCount: 2, createdAt: new Date('2026-11-20T00:00:00Z') }, now)).toEqual(['all', 'with_children', 'new_member']);
  expect(audiencesOf({ childrenCount: 0, createdAt: new Date('2026-01-01T00:00:00Z') }, now)).toEqual(['all']);

  const stores = [
    { id: 1, latE6: 31_230_000, lngE6: 121_470_000 }, // Shanghai
    { id: 2, latE6: null, lngE6: null },
    { id: 3, latE6: 30_208_000, lngE6: 120_211_000 }, // Hangzhou Binjiang
  ];
  const near = byDistance(stores, { lat: 30.21, lng: 120.21 });
  expect(near.map((s) => s.id)).toEqual([3, 1, 2]);
  expect(near[0].distanceM).toBeLessThan(500);
  expect(near[2].distanceM).toBeNull();
});

test('household: create, invite by card, accept, leave; one household at a time', async () => {
  const a = await memberToken(t);
  const b = await memberToken(t);
  const c = await memberToken(t);
  const A = t.client(a.token);
  const B = t.client(b.token);

  expect((await A.call(H.getMyHousehold, {})).household).toBeNull();
  expect((await rejects(A.call(H.createHouseholdInvite, {}))).code).toBe('NOT_IN_HOUSEHOLD');
  const created = await A.call(H.createHousehold, { body: { name: '王家', childrenCount: 1 } });
  expect(created.household).toMatchObject({ name: '王家', childrenCount: 1, members: [{ id: a.id, relation: '本人', isMe: true }] });
  expect((await rejects(A.call(H.createHousehold, { body: { name: '又一个家' } }))).code).toBe('HOUSEHOLD_EXISTS');

  const invite = await A.call(H.createHouseholdInvite, {});
  expect(invite.path).toBe(`${H.HOUSEHOLD_INVITE_PAGE}?token=${invite.token}`);
  expect(await B.call(H.getHouseholdInvite, { params: { token: invite.token } })).toMatchObject({
    householdName: '王家',
    memberCount: 1,
    alreadyMember: false,
    inOtherHousehold: false,
  });
  const joined = await B.call(H.acceptHouseholdInvite, { params: { token: invite.token }, body: { relation: '配偶' } });
  expect(joined.household.members.map((m) => [m.id, m.relation, m.isMe])).toEqual([
    [a.id, '本人', false],
    [b.id, '配偶', true],
  ]);
  // accepting again changes nothing
  expect((await B.call(H.acceptHouseholdInvite, { params: { token: invite.token }, body: {} })).household.members).toHaveLength(2);
  // a member of another household must leave it first
  const C = t.client(c.token);
  await C.call(H.createHousehold, { body: { name: '李家' } });
  expect((await C.call(H.getHouseholdInvite, { params: { token: invite.token } })).inOtherHousehold).toBe(true);
  expect((await rejects(C.call(H.acceptHouseholdInvite, { params: { token: invite.token }, body: {} }))).code).toBe('HOUSEHOLD_EXISTS');
  expect((await rejects(C.call(H.getHouseholdInvite, { params: { token: 'not-a-real-token' } }))).code).toBe('HOUSEHOLD_INVITE_INVALID');

  await B.call(H.leaveHousehold, {});
  expect((await B.call(H.getMyHousehold, {})).household).toBeNull();
  expect((await A.call(H.getMyHousehold, {})).household!.members.map((m) => m.id)).toEqual([a.id]);
  expect((await rejects(B.call(H.leaveHousehold, {}))).code).toBe('NOT_IN_HOUSEHOLD');

  // an expired invitation is refused
  const d = await db(t);
  const { HouseholdInvite } = await import('../../src/modules/identity/entities/household-invite.entity');
  await d.manager.update(HouseholdInvite, { token: invite.token }, { expiresAt: new Date(Date.now() - 1000) });
  expect((await rejects(B.call(H.acceptHouseholdInvite, { params: { token: invite.token }, body: {} }))).code).toBe('HOUSEHOLD_INVITE_INVALID');
  expect((await d.manager.findOneByOrFail(Household, { id: created.household.id })).name).toBe('王家');
});

test('profile: nickname passes the content check; avatar from the member’s own upload; home store nearest first', async () => {
  const m = await memberToken(t);
  const other = await memberToken(t);
  const M = t.client(m.token);
  const bad = await rejects(M.call(identity.updateMe, { body: { nickname: '加我微信abc12345' } }));
  expect(bad).toMatchObject({ status: 400, code: 'NICKNAME_REJECTED' });
  expect(bad.message).toContain('微信号或联系方式');
  expect((await rejects(M.call(identity.updateMe, { body: { nickname: '13812345678' } }))).code).toBe('NICKNAME_REJECTED');
  expect((await M.call(identity.updateMe, { body: { nickname: '王阿姨' } })).nickname).toBe('王阿姨');

  const mine = await photoId(t, m.token);
  const theirs = await photoId(t, other.token);
  expect((await rejects(M.call(identity.updateMe, { body: { avatarUploadId: theirs } }))).code).toBe('AVATAR_NOT_FOUND');
  expect((await M.call(identity.updateMe, { body: { avatarUploadId: mine } })).avatarUrl).toMatch(/\/api\/files\//);

  const d = await db(t);
  const far = await makeStore(t, '远方店');
  const near = await makeStore(t, '江边店');
  await d.manager.update(Store, { id: far.id }, { latE6: 39_900_000, lngE6: 116_400_000 });
  await d.manager.update(Store, { id: near.id }, { latE6: 30_208_500, lngE6: 120_211_000, address: '江南大道 1 号' });
  const list = await M.call(H.listStores, { query: { lat: 30.2085, lng: 120.211 } });
  expect(list.items[0]).toMatchObject({ id: near.id, address: '江南大道 1 号', distanceM: 0 });
  expect(list.items.findIndex((s) => s.id === far.id)).toBeLessThan(
    list.items.findIndex((s) => s.distanceM === null) === -1 ? Infinity : list.items.findIndex((s) => s.distanceM === null),
  );
  expect((await M.call(H.setHomeStore, { body: { storeId: near.id } })).storeName).toBe('江边店');
  expect((await rejects(M.call(H.setHomeStore, { body: { storeId: 999999 } }))).status).toBe(404);
});

test('recipes: ops publish, members save (idempotent), recommendations follow the household, actions only when set', async () => {
  const ops = await staffToken(t);
  const O = t.client(ops.token);
  const quick = await O.call(R.opsCreateRecipe, { body: recipeBody() });
  const baby = await O.call(R.opsCreateRecipe, {
    body: recipeBody({ title: '南瓜小米粥', tags: ['宝宝营养'], kitItemRef: 'kit-pumpkin', kitLabel: '买南瓜粥料理包' }),
  });
  const draft = await O.call(R.opsCreateRecipe, { body: recipeBody({ title: '草稿菜', published: false }) });
  await O.call(R.opsSaveCollection, { body: { title: '15 分钟快手菜', subtitle: '下班也来得及', recipeIds: [quick.id, draft.id], sort: 0, published: true } });

  const m = await memberToken(t);
  const M = t.client(m.token);
  const list = await t.client().call(R.listRecipes, { query: { tag: '宝宝营养' } });
  expect(list.items.map((r) => r.id)).toEqual([baby.id]);
  const cols = await t.client().call(R.listCollections, {});
  const col = cols.items.find((c) => c.title === '15 分钟快手菜')!;
  expect(col.recipes.map((r) => r.id)).toEqual([quick.id]); // the draft is not shown
  expect((await rejects(M.call(R.getRecipe, { params: { recipeId: draft.id } }))).status).toBe(404);

  const plain = await M.call(R.getRecipe, { params: { recipeId: quick.id } });
  expect(plain).toMatchObject({ kit: null, relatedSession: null, favourited: false });
  expect((await M.call(R.getRecipe, { params: { recipeId: baby.id } })).kit).toEqual({ itemRef: 'kit-pumpkin', label: '买南瓜粥料理包' });

  expect(await M.call(R.favouriteRecipe, { params: { recipeId: quick.id } })).toEqual({ favourited: true, favouriteCount: 1 });
  expect(await M.call(R.favouriteRecipe, { params: { recipeId: quick.id } })).toEqual({ favourited: true, favouriteCount: 1 });
  expect((await M.call(R.myFavourites, {})).items.map((r) => r.id)).toEqual([quick.id]);
  expect((await M.call(R.getRecipe, { params: { recipeId: quick.id } })).favourited).toBe(true);

  // a household with a child: 宝宝营养 first, saved recipes never recommended
  await M.call(H.createHousehold, { body: { name: '宝宝家', childrenCount: 1 } });
  const rec = await M.call(R.myRecommendations, { query: {} });
  expect(rec.items[0]).toMatchObject({ id: baby.id, reason: '家里有宝宝：宝宝营养' });
  expect(rec.items.map((r) => r.id)).not.toContain(quick.id);
  expect((await O.call(R.opsRecommendationRules, {})).rules.map((r) => r.key)).toEqual(['children', 'purchases', 'favourite_tags', 'popular', 'exclude']);

  expect(await M.call(R.unfavouriteRecipe, { params: { recipeId: quick.id } })).toEqual({ favourited: false, favouriteCount: 0 });
  expect(await M.call(R.unfavouriteRecipe, { params: { recipeId: quick.id } })).toEqual({ favourited: false, favouriteCount: 0 });

  // members cannot reach the ops routes
  expect((await rejects(M.call(R.opsCreateRecipe, { body: recipeBody() }))).status).toBe(403);
});

test('a purchase makes related dishes recommended; a listed contest winner becomes a credited recipe; erasure', async () => {
  const ops = await staffToken(t);
  const O = t.client(ops.token);
  const ribs = await O.call(R.opsCreateRecipe, {
    body: recipeBody({ title: '糖醋排骨', tags: ['家常菜'], ingredients: [{ name: '排骨', amount: '500克', product: '精选肋排' }] }),
  });
  const m = await memberToken(t);
  const bus = await t.container.getAsync(EventBus);
  const d = await db(t);
  await d.transaction(async (em) => {
    await bus.emit(em, 'PurchaseRecorded', {
      receiptId: 1,
      memberId: m.id,
      storeId: 1,
      channel: 'pos',
      totalFen: 3990,
      discountFen: 0,
      occurredAt: new Date().toISOString(),
      refundOf: null,
      items: [{ sku: 'R1', name: '精选肋排 500g', category: '肉禽', qty: 1, amountFen: 3990 }],
      couponCodes: [],
    });
  });
  await drain(t);
  const rec = await t.client(m.token).call(R.myRecommendations, { query: { limit: 20 } });
  expect(rec.items.find((r) => r.id === ribs.id)?.reason).toBe('你最近买了「精选肋排 500g」');

  // WinnerListed (what ops listing a confirmed winner announces) -> a recipe credited to the author, once
  const contest = await publishedContest(t, ops.token);
  const { entry, author } = await approvedEntry(t, contest.id);
  const payload = {
    contestId: contest.id,
    entryId: entry.id,
    memberId: author.id,
    displayName: '王阿姨',
    dishName: '王阿姨的拿手蛋饺',
    priceFen: null,
    coverFile: null,
  };
  await d.transaction((em) => bus.emit(em, 'WinnerListed', payload));
  await d.transaction((em) => bus.emit(em, 'WinnerListed', payload));
  await drain(t);
  const made = await d.manager.find(Recipe, { where: { sourceEntryId: entry.id } });
  expect(made).toHaveLength(1);
  expect(made[0]).toMatchObject({ title: '王阿姨的拿手蛋饺', authorDisplayName: '王阿姨', authorMemberId: author.id, published: true });
  expect(made[0].ingredients.map((i) => i.name)).toEqual(['鸡蛋 6个', '猪肉末 300克', '葱姜 少许']);
  const card = (await t.client().call(R.listRecipes, { query: { q: '蛋饺' } })).items[0];
  expect(card).toMatchObject({ id: made[0].id, fromContest: true, authorDisplayName: '王阿姨' });

  // 「我的数据」 holds the saved recipe and the product names; deletion erases them
  const M = t.client(m.token);
  await M.call(R.favouriteRecipe, { params: { recipeId: made[0].id } });
  const data = await M.call(identity.getMyData, {});
  expect(data.activity.recipes).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ type: 'favourite', recipe: '王阿姨的拿手蛋饺' }),
      expect.objectContaining({ type: 'purchase_signal', product: '精选肋排 500g' }),
    ]),
  );
  await M.call(identity.deleteMe, { body: { confirm: true } });
  await t.client(author.token).call(identity.deleteMe, { body: { confirm: true } });
  await drain(t);
  expect(await d.manager.count(RecipeFavourite, { where: { memberId: m.id } })).toBe(0);
  const after = await d.manager.findOneByOrFail(Recipe, { id: made[0].id });
  expect(after).toMatchObject({ favouriteCount: 0, authorMemberId: null, authorDisplayName: '王阿姨' });
  expect(await d.manager.findOneByOrFail(Member, { id: m.id })).toMatchObject({ status: 'deleted' });
});

test('首页 banners: per store and chain-wide, in schedule, by audience; store managers only their store', async () => {
  const d = await db(t);
  const store = await makeStore(t, '首页店');
  const otherStore = await makeStore(t, '别的店');
  const hq = t.client((await staffToken(t)).token);
  const now = Date.now();
  const win = { startsAt: new Date(now - 3600_000).toISOString(), endsAt: new Date(now + 86_400_000).toISOString() };
  await hq.call(R.opsSaveBanner, { body: { kind: 'banner', storeId: store.id, title: '本店周末BBQ', ...win } });
  await hq.call(R.opsSaveBanner, { body: { kind: 'highlight', storeId: null, title: '全店宝宝辅食周', audience: 'with_children', ...win } });
  await hq.call(R.opsSaveBanner, { body: { kind: 'banner', storeId: otherStore.id, title: '别的店的', ...win } });
  await hq.call(R.opsSaveBanner, {
    body: {
      kind: 'banner',
      storeId: store.id,
      title: '已过期',
      startsAt: new Date(now - 7 * 86_400_000).toISOString(),
      endsAt: new Date(now - 86_400_000).toISOString(),
    },
  });
  expect(
    (await rejects(hq.call(R.opsSaveBanner, { body: { kind: 'banner', storeId: null, title: 'x', startsAt: win.endsAt, endsAt: win.startsAt } }))).status,
  ).toBe(400);

  const m = await memberToken(t);
  await d.manager.update(Member, { id: m.id }, { storeId: store.id });
  const M = t.client(m.token);
  let feed = await M.call(R.homeFeed, {});
  expect(feed.banners.map((b) => b.title)).toEqual(['本店周末BBQ']);
  expect(feed.highlights).toEqual([]);
  await M.call(H.createHousehold, { body: { name: '有娃家', childrenCount: 2 } });
  feed = await M.call(R.homeFeed, {});
  expect(feed.highlights.map((b) => b.title)).toEqual(['全店宝宝辅食周']);

  // a store manager manages their own store only
  const { makeStaff } = await import('../helpers/fixtures');
  const { SessionService } = await import('../../src/core/auth/session.service');
  const mgr = await makeStaff(t, { role: 'store_manager', storeId: store.id });
  const mgrToken = await (await t.container.getAsync(SessionService)).create('staff', mgr.id, 1, 'jest');
  const MG = t.client(mgrToken);
  expect((await rejects(MG.call(R.opsSaveBanner, { body: { kind: 'banner', storeId: otherStore.id, title: '越权', ...win } }))).code).toBe('FORBIDDEN');
  expect((await rejects(MG.call(R.opsSaveBanner, { body: { kind: 'banner', storeId: null, title: '全店', ...win } }))).code).toBe('FORBIDDEN');
  const own = await MG.call(R.opsSaveBanner, { body: { kind: 'highlight', storeId: store.id, title: '本店新品', ...win } });
  expect(own.storeName).toBe('首页店');
  const listed = (await MG.call(R.opsListBanners, {})).items.map((b) => b.title);
  expect(listed).toContain('本店新品');
  expect(listed).not.toContain('别的店的');
  await MG.call(R.opsDeleteBanner, { params: { bannerId: own.id } });
  expect((await MG.call(R.opsListBanners, {})).items.map((b) => b.title)).not.toContain('本店新品');
});

test('首页 待自提: the pre-order module’s member read answers the paid order whose pickup comes next', async () => {
  const { makeCampaign, simPay, deliver } = await import('../preorder/kit');
  const P = await import('../../../contracts/preorder');
  const storeId = (await makeStore(t, '滨江店')).id;
  const hq = (await staffToken(t, 'hq_admin')).token;
  const made = await makeCampaign(t, hq, [storeId], {
    windows: [
      { start: '10:00', end: '12:00' },
      { start: '15:00', end: '17:00' },
    ],
  });
  const { campaign, items } = made;
  const slots = [...made.slots].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  const m = await memberToken(t);
  const member = t.client(m.token);
  expect(await member.call(P.myNextPickup)).toEqual({ order: null });
  const place = (slotId: number) => member.call(P.placeOrder, { body: { campaignId: campaign.id, storeId, slotId, lines: [{ itemId: items[0].id, qty: 1 }] } });
  // the later slot is ordered first; an unpaid order is not something to collect
  const late = await place(slots[1].id);
  const early = await place(slots[0].id);
  expect((await member.call(P.myNextPickup)).order).toBeNull();
  for (const o of [late, early]) {
    const pay = await member.call(P.payOrder, { params: { orderId: o.id } });
    const r = await simPay(t, '/confirm', { prepay_id: pay.requestPayment.package.replace('prepay_id=', ''), deliver: false });
    for (const n of r.notifications) expect(await deliver(t, n)).toBe(204);
  }
  await drain(t);
  const next = (await member.call(P.myNextPickup)).order;
  expect(next).toMatchObject({ id: early.id, status: 'paid', storeName: '滨江店' });
  expect(next!.pickupCode).toBeTruthy();
  // another member sees nothing of it
  expect(await t.client((await memberToken(t)).token).call(P.myNextPickup)).toEqual({ order: null });
});

test('我的优惠券 carries the till code; once the till redeems it, the member sees 已使用', async () => {
  const { couponCode, CouponRedemption } = await import('../../src/modules/journeys/coupons.public');
  const { JourneyCoupon } = await import('../../src/modules/journeys/entities/coupon.entity');
  const J = await import('../../../contracts/journeys');
  const m = await memberToken(t);
  const d = await db(t);
  const DAY = 86_400_000;
  const row = {
    memberId: m.id,
    externalUserId: 'wm_hub_coupon',
    enrolmentId: null,
    title: '老朋友回归券',
    amountFen: 1000,
    minSpendFen: 5000,
    issuedAt: new Date(),
    redeemedAt: null,
    redeemedReceiptId: null,
  };
  const id = Number(
    (await d.manager.insert(JourneyCoupon, { ...row, idemKey: `hub-coupon-${m.id}`, validUntil: new Date(Date.now() + 7 * DAY), status: 'issued' }))
      .identifiers[0].id,
  );
  await d.manager.insert(JourneyCoupon, { ...row, idemKey: `hub-coupon-old-${m.id}`, validUntil: new Date(Date.now() - DAY), status: 'issued' });
  const list = async () => (await t.client(m.token).call(J.myCoupons, { query: { page: 1, pageSize: 50 } })).items;
  const mine = await list();
  expect(mine.find((c) => c.id === id)).toMatchObject({ code: couponCode(id), status: 'issued', minSpendFen: 5000 });
  expect(mine.filter((c) => c.status === 'expired')).toHaveLength(1);
  // the till (POS push or the sidebar's coupon panel) redeems the code the member showed
  const till = await t.container.getAsync(CouponRedemption);
  const out = await d.transaction((em) =>
    till.redeem(em, mine.find((c) => c.id === id)!.code, { receiptId: 4242, memberId: m.id, grossFen: 8800, at: new Date() }),
  );
  expect(out).toMatchObject({ ok: true, couponId: id });
  expect((await list()).find((c) => c.id === id)!.status).toBe('used');
});
