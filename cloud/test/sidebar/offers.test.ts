/** The next-best-offer rules (pure): each rule, the ranking, the cap of 3, and no vote canvassing. */
import { emptyFacts, type MemberFactSet } from '../../src/core/timeline';
import { nextBestOffers, type OfferInput } from '../../src/modules/wecom/offers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// 2026-12-01 10:00 Asia/Shanghai
const NOW = new Date('2026-12-01T02:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const later = (ms: number) => new Date(NOW.getTime() + ms);

function input(facts: Partial<MemberFactSet> = {}, o: Partial<OfferInput> = {}): OfferInput {
  // a settled member by default: registered long ago, ordered and active recently
  return {
    tier: '银卡',
    registeredAt: ago(200 * DAY),
    now: NOW,
    facts: { ...emptyFacts(), lastOrderAt: ago(3 * DAY), activeAt: [ago(2 * DAY)], ...facts },
    ...o,
  };
}
const keys = (i: OfferInput) => nextBestOffers(i).map((x) => x.key);

test('nothing from behaviour: the tier offer, with a reason naming the tier', () => {
  expect(nextBestOffers(input())).toEqual([{ key: 'tier', text: '邀请报名本周的烹饪课', reason: '按会员等级（银卡）推荐' }]);
  expect(nextBestOffers(input({}, { tier: '钻石' }))[0].text).toContain('店长专属回访');
  expect(nextBestOffers(input({}, { tier: '未知' }))).toEqual([]);
});

test('a class tomorrow (Shanghai day) is reminded with its time; the day after tomorrow is not', () => {
  // 2026-12-02 14:00 Shanghai
  const tomorrow = new Date('2026-12-02T06:00:00Z');
  const [o] = nextBestOffers(input({ upcomingClasses: [{ title: '手工水饺', startsAt: tomorrow, status: 'confirmed', waitlistPosition: null }] }));
  expect(o).toEqual({ key: 'class_reminder', text: '提醒客户：「手工水饺」明天 14:00 开课，请准时到店签到', reason: '已报名该课程，明天开课' });
  // later today
  expect(
    nextBestOffers(input({ upcomingClasses: [{ title: '手工水饺', startsAt: later(4 * HOUR), status: 'confirmed', waitlistPosition: null }] }))[0].reason,
  ).toBe('已报名该课程，今天开课');
  // 2026-12-03 00:30 Shanghai: only ~38 h away but the day after tomorrow
  expect(
    keys(input({ upcomingClasses: [{ title: '手工水饺', startsAt: new Date('2026-12-02T16:30:00Z'), status: 'confirmed', waitlistPosition: null }] })),
  ).toEqual(['tier']);
});

test('waitlisted: reassure with the position', () => {
  const [o] = nextBestOffers(
    input({ upcomingClasses: [{ title: '亲子烘焙', startsAt: new Date('2026-12-05T06:00:00Z'), status: 'waitlisted', waitlistPosition: 2 }] }),
  );
  expect(o.key).toBe('waitlist_reassure');
  expect(o.text).toContain('候补第2位');
  expect(o.reason).toBe('客户在12月5日 14:00课程的候补名单中');
});

test('a recent no-show gets a gentle check-in; an old one does not', () => {
  const [o] = nextBestOffers(input({ lastNoShow: { title: '手工水饺', startsAt: ago(3 * DAY) } }));
  expect(o).toMatchObject({ key: 'no_show_checkin', reason: '11月28日的课程已报名但未签到' });
  expect(o.text).toMatch(/^温和问候/);
  expect(keys(input({ lastNoShow: { title: '手工水饺', startsAt: ago(20 * DAY) } }))).toEqual(['tier']);
});

test('quiet 30+ days: the unused wake-up coupon if valid, else a caring hello', () => {
  const quiet = { activeAt: [ago(40 * DAY)], lastOrderAt: ago(45 * DAY) };
  expect(nextBestOffers(input(quiet))).toEqual([{ key: 'caring_hello', text: '发一句关怀问候，聊聊店里最近到的时令菜', reason: '已40天没有互动' }]);
  const coupon = { title: '老朋友回归券', amountFen: 1000, minSpendFen: 5000, validUntil: later(5 * DAY) };
  expect(nextBestOffers(input({ ...quiet, unusedCoupon: coupon }))).toEqual([
    { key: 'wake_coupon', text: '提醒客户「老朋友回归券」（满50减10）还没用，12月6日前有效', reason: '已40天没有互动，回归券尚未使用' },
  ]);
  // an expired coupon is no offer
  expect(keys(input({ ...quiet, unusedCoupon: { ...coupon, validUntil: ago(HOUR) } }))).toEqual(['caring_hello']);
  // 29 days is not quiet yet; the latest activity of any domain counts
  expect(keys(input({ activeAt: [ago(29 * DAY)] }))).toEqual(['tier']);
  expect(keys(input({ activeAt: [ago(60 * DAY), ago(DAY)] }))).toEqual(['tier']);
});

test('an open contest without an entry from the member: invite an entry, never votes', () => {
  const openContest = { title: '晒出你家的传家年夜菜', submissionEndAt: later(3 * DAY), hasEntry: false };
  const [o] = nextBestOffers(input({ openContest }));
  expect(o).toEqual({
    key: 'contest_invite',
    text: '邀请参加「晒出你家的传家年夜菜」，晒一道家里的拿手菜和它的故事',
    reason: '活动征集中（12月4日截止），客户还没有投稿',
  });
  expect(keys(input({ openContest: { ...openContest, hasEntry: true } }))).toEqual(['tier']);
});

test("a new member without an order: the New Year's Eve pre-order reminder (not open yet)", () => {
  const fresh = input({ lastOrderAt: null, activeAt: [] }, { tier: '新客', registeredAt: ago(2 * DAY) });
  expect(nextBestOffers(fresh)).toEqual([{ key: 'nye_preorder', text: '介绍年夜饭预订即将开放，可先帮客户登记预约提醒', reason: '新会员，还没有下过单' }]);
  // ordered already: no pre-order pitch; tier fallback instead
  expect(keys(input({ activeAt: [] }, { tier: '新客', registeredAt: ago(2 * DAY) }))).toEqual(['tier']);
});

test('ranked by priority and capped at 3; never a word about votes or sharing', () => {
  const all = input(
    {
      upcomingClasses: [
        { title: '手工水饺', startsAt: later(20 * HOUR), status: 'confirmed', waitlistPosition: null },
        { title: '亲子烘焙', startsAt: later(5 * DAY), status: 'waitlisted', waitlistPosition: 1 },
      ],
      lastNoShow: { title: '包粽子', startsAt: ago(5 * DAY) },
      openContest: { title: '年夜菜', submissionEndAt: later(DAY), hasEntry: false },
      lastOrderAt: null,
      activeAt: [],
    },
    { tier: '新客', registeredAt: ago(10 * DAY) },
  );
  expect(keys(all)).toEqual(['class_reminder', 'waitlist_reassure', 'no_show_checkin']);
  expect(keys({ ...all, facts: { ...all.facts, upcomingClasses: [] } })).toEqual(['no_show_checkin', 'contest_invite', 'nye_preorder']);
  // deterministic
  expect(nextBestOffers(all)).toEqual(nextBestOffers(all));
  for (const o of [...nextBestOffers(all), ...nextBestOffers({ ...all, facts: { ...all.facts, upcomingClasses: [] } })]) {
    expect(`${o.text}${o.reason}`).not.toMatch(/投票|拉票|转发|分享/);
  }
});

describe('pre-order facts (issue 14)', () => {
  // 2026-12-02 10:00–12:00 Shanghai: tomorrow's slot
  const slot = {
    campaign: '2027 年夜饭',
    items: '佛跳墙×2',
    storeName: '滨江店',
    slotStartsAt: new Date('2026-12-02T02:00:00Z'),
    slotEndsAt: new Date('2026-12-02T04:00:00Z'),
  };

  test('a pickup tomorrow is reminded with store, slot and what to show; the day after is not', () => {
    const [o] = nextBestOffers(input({ pickups: [slot] }));
    expect(o).toEqual({
      key: 'pickup_reminder',
      text: '提醒客户：明天 10:00–12:00 到滨江店取「2027 年夜饭」，出示「我的订单」里的取货码',
      reason: '已支付预订（佛跳墙×2），明天取货',
    });
    const later2 = { ...slot, slotStartsAt: new Date(slot.slotStartsAt.getTime() + 2 * DAY), slotEndsAt: new Date(slot.slotEndsAt.getTime() + 2 * DAY) };
    expect(keys(input({ pickups: [later2] }))).toEqual(['tier']);
  });

  test('a slot that ended without pickup comes first, before a class tomorrow', () => {
    const missed = { ...slot, slotStartsAt: ago(5 * HOUR), slotEndsAt: ago(3 * HOUR) };
    const offers = nextBestOffers(
      input({ pickups: [missed], upcomingClasses: [{ title: '手工水饺', startsAt: later(5 * HOUR), status: 'confirmed', waitlistPosition: null }] }),
    );
    expect(offers.map((o) => o.key)).toEqual(['pickup_missed', 'class_reminder']);
    expect(offers[0].text).toContain('还没取');
    expect(offers[0].reason).toBe('取货时段今天 05:00–07:00已过，尚未核销');
  });

  test('an unpaid order inside its window: remind to pay by its deadline; an expired one is no offer', () => {
    const unpaidOrder = { campaign: '2027 年夜饭', items: '四世同堂×1', totalFen: 58800, expiresAt: later(10 * 60_000) };
    const [o] = nextBestOffers(input({ unpaidOrder }));
    expect(o).toEqual({
      key: 'unpaid_order',
      text: '提醒客户：「2027 年夜饭」的订单还没支付，10:10前在「我的订单」完成支付才能保留',
      reason: '已下单未支付（四世同堂×1，¥588）',
    });
    expect(keys(input({ unpaidOrder: { ...unpaidOrder, expiresAt: ago(60_000) } }))).toEqual(['tier']);
  });

  test('a pickup in the last 3 days: ask how it tasted; older is not asked', () => {
    const [o] = nextBestOffers(input({ pickedUpOrder: { campaign: '2027 年夜饭', items: '佛跳墙×2', pickedUpAt: ago(DAY) } }));
    expect(o).toEqual({
      key: 'pickup_feedback',
      text: '问问客户「佛跳墙×2」味道怎么样，欢迎在小程序里留下评价和建议',
      reason: '11月30日已到店取走「2027 年夜饭」预订',
    });
    expect(keys(input({ pickedUpOrder: { campaign: '2027 年夜饭', items: '佛跳墙×2', pickedUpAt: ago(4 * DAY) } }))).toEqual(['tier']);
  });

  test('with a campaign on sale the pre-order offer names it instead of 「即将开放」', () => {
    const fresh = input(
      { lastOrderAt: null, activeAt: [], openCampaign: { name: '2027 年夜饭', saleEndsAt: later(20 * DAY) } },
      { tier: '新客', registeredAt: ago(5 * DAY) },
    );
    expect(nextBestOffers(fresh)).toEqual([
      { key: 'nye_preorder', text: '介绍「2027 年夜饭」预订：小程序「年夜饭」下单，门店按时段自提，12月21日前可订', reason: '新会员，还没有下过单' },
    ]);
  });

  test('a new member with a pre-order is not pitched the pre-order again', () => {
    const fresh = input({ lastOrderAt: null, activeAt: [] }, { tier: '新客', registeredAt: ago(5 * DAY) });
    expect(keys(fresh)).toEqual(['nye_preorder']);
    expect(keys({ ...fresh, facts: { ...fresh.facts, pickups: [{ ...slot, slotStartsAt: later(5 * DAY), slotEndsAt: later(5 * DAY + 2 * HOUR) }] } })).toEqual([
      'tier',
    ]);
  });
});
