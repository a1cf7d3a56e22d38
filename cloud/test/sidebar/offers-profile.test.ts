/**
 * Offers never contradict the profile they are shown next to: every reason is checked against the
 * facts it claims, over many generated profiles (old and new members, quiet and active, with and
 * without orders, classes, no-shows, contests, coupons).
 */
import { emptyFacts, type MemberFactSet } from '../../src/core/timeline';
import { NEW_MEMBER_DAYS, nextBestOffers, QUIET_DAYS } from '../../src/modules/wecom/offers';

const DAY = 86_400_000;
const now = new Date('2026-12-05T04:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const later = (ms: number) => new Date(now.getTime() + ms);

/** A small deterministic PRNG so a failure is reproducible. */
function rng(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

test('the 236-days-quiet 新客 who never ordered is not called a new member', () => {
  const facts: MemberFactSet = { ...emptyFacts(), activeAt: [ago(236 * DAY)] };
  const offers = nextBestOffers({ tier: '新客', registeredAt: ago(240 * DAY), facts, now });
  expect(offers.map((o) => o.key)).toEqual(['caring_hello']);
  expect(offers[0].reason).toBe('已236天没有互动');
  // not quiet, never ordered, registered long ago: the pitch says how long, not 「新会员」
  const active = nextBestOffers({ tier: '新客', registeredAt: ago(240 * DAY), facts: { ...emptyFacts(), activeAt: [ago(3 * DAY)] }, now });
  expect(active[0]).toMatchObject({ key: 'nye_preorder', reason: '注册240天，还没有下过单' });
});

test('over 2,000 generated profiles, every reason agrees with the profile', () => {
  const r = rng(17);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  for (let i = 0; i < 2000; i++) {
    const registeredDays = pick([0, 1, 5, 20, 29, 31, 60, 236, 400]);
    const registeredAt = ago(registeredDays * DAY + 3600_000);
    const lastActiveDays = pick([null, 0, 3, 29, 30, 45, 236]);
    const ordered = r() < 0.4;
    const facts: MemberFactSet = {
      ...emptyFacts(),
      activeAt: lastActiveDays === null ? [] : [ago(lastActiveDays * DAY)],
      lastOrderAt: ordered ? ago(pick([1, 40, 200]) * DAY) : null,
      upcomingClasses:
        r() < 0.2
          ? [{ title: '手工水饺', startsAt: later(pick([2, 20, 60]) * 3600_000), status: pick(['confirmed', 'waitlisted'] as const), waitlistPosition: 2 }]
          : [],
      lastNoShow: r() < 0.2 ? { title: '包粽子', startsAt: ago(pick([2, 20]) * DAY) } : null,
      openContest: r() < 0.3 ? { title: '年夜菜', submissionEndAt: later(3 * DAY), hasEntry: r() < 0.5 } : null,
      unusedCoupon: r() < 0.3 ? { title: '回归券', amountFen: 1000, minSpendFen: 5000, validUntil: later(5 * DAY) } : null,
    };
    const tier = pick(['新客', '银卡', '金卡', '钻石']);
    const offers = nextBestOffers({ tier, registeredAt, facts, now });
    const lastActive = Math.max(registeredAt.getTime(), ...facts.activeAt.map((d) => d.getTime()));
    const quietDays = Math.floor((now.getTime() - lastActive) / DAY);
    const memberDays = Math.floor((now.getTime() - registeredAt.getTime()) / DAY);
    const context = JSON.stringify({ tier, registeredDays, lastActiveDays, ordered, offers });
    for (const o of offers) {
      if (/新会员/.test(o.reason)) expect([context, memberDays <= NEW_MEMBER_DAYS]).toEqual([context, true]);
      if (/没有下过单/.test(o.reason)) expect([context, facts.lastOrderAt]).toEqual([context, null]);
      const quiet = /已(\d+)天没有互动/.exec(o.reason);
      if (quiet) expect([context, Number(quiet[1])]).toEqual([context, quietDays]);
      if (quietDays >= QUIET_DAYS) expect([context, o.key]).not.toEqual([context, 'nye_preorder']);
      const registered = /注册(\d+)天/.exec(o.reason);
      if (registered) expect([context, Number(registered[1])]).toEqual([context, memberDays]);
      if (o.key === 'tier') expect([context, o.reason]).toEqual([context, `按会员等级（${tier}）推荐`]);
      if (o.key === 'contest_invite') expect([context, facts.openContest?.hasEntry]).toEqual([context, false]);
    }
  }
});
