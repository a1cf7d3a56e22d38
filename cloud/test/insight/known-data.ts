/**
 * A generated data set with known answers for the insight dashboard: two stores with household
 * targets, households with and without children, members who joined before and during the
 * period, a group owner's members, receipts (with categories and refunds) from six months before
 * to three months after the period start, contest votes and entries, class registrations and
 * check-ins — and a planted uplift: members who attend a class in the period visit +2 times a
 * month more afterwards. `expected` computes every figure of docs/metrics.md straight from the
 * generated rows, in its own code (member by member), not with the module's functions.
 *
 * Deterministic: a seeded LCG. All times are fixed (September 2026, Shanghai), so the answers do
 * not depend on the clock.
 */

export const PERIOD = { from: '2026-09-01', to: '2026-09-30' };
export const PREVIOUS = { from: '2026-08-02', to: '2026-08-31' };
/** Visits per month added after a class for attendees. */
export const PLANTED_VISIT_UPLIFT = 2;

const DAY = 86_400_000;
const OFFSET = 8 * 3600_000;
const dayStart = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) - OFFSET);
const shanghaiDay = (t: Date) => new Date(t.getTime() + OFFSET).toISOString().slice(0, 10);

/** A period of whole Shanghai days and the previous one of the same length. */
export function periods(period: { from: string; to: string }) {
  const pFrom = dayStart(period.from);
  const pTo = new Date(dayStart(period.to).getTime() + DAY);
  const qFrom = new Date(pFrom.getTime() - (pTo.getTime() - pFrom.getTime()));
  return { pFrom, pTo, qFrom, qTo: pFrom, previous: { from: shanghaiDay(qFrom), to: shanghaiDay(new Date(pFrom.getTime() - DAY)) } };
}

export interface KStore {
  key: 'A' | 'B';
  name: string;
  target: number;
}
export interface KHousehold {
  key: number;
  store: 'A' | 'B';
  children: number;
}
export interface KMember {
  key: number;
  store: 'A' | 'B';
  household: number;
  /** index into owners (the group owner's members), or null. */
  owned: boolean;
  registeredAt: Date;
  nickname: string;
}
export interface KPurchase {
  key: number;
  member: number;
  store: 'A' | 'B';
  totalFen: number;
  at: Date;
  items: Array<{ name: string; category: string; qty: number; amountFen: number }>;
}
export interface KActivity {
  member: number;
  kind: 'vote' | 'entry' | 'registration' | 'checkin' | 'visit';
  at: Date;
  /** distinct id for the event payload */
  ref: number;
}
export interface KContact {
  kind: 'added' | 'lost';
  member: number | null;
  channelKind: string | null;
  referral: boolean;
  at: Date;
  ext: string;
}

export const SETTINGS = {
  householdFoodSpendFen: { with_children: 300_000, adults: 200_000 },
  highMarginCategories: ['熟食', '烘焙'],
  acquisitionCostFen: { store_qr: 2_000, poster: 5_000 },
};

export interface KnownData {
  period: { from: string; to: string };
  stores: KStore[];
  households: KHousehold[];
  members: KMember[];
  purchases: KPurchase[];
  activities: KActivity[];
  contacts: KContact[];
  /** Advisory panel (顾客顾问团) members and when they joined: 共创层 from then on. */
  panel: Array<{ member: number; at: Date }>;
  treated: number[];
}

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function generate(seed = 16, period = PERIOD): KnownData {
  const { pFrom: P_FROM, qFrom: Q_FROM } = periods(period);
  const rnd = lcg(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const stores: KStore[] = [
    { key: 'A', name: '知数·滨江店', target: 60 },
    { key: 'B', name: '知数·城南店', target: 40 },
  ];
  const households: KHousehold[] = [];
  for (let h = 0; h < 30; h++) households.push({ key: h, store: h < 20 ? 'A' : 'B', children: h % 2 === 0 ? 1 + (h % 3) : 0 });
  const members: KMember[] = [];
  for (let i = 0; i < 60; i++) {
    const household = Math.floor(i / 2);
    // most joined long ago (≥ 200 days before the period); every 7th during the period, a few in the previous one
    const registeredAt =
      i % 7 === 3
        ? new Date(P_FROM.getTime() + int(0, 28) * DAY + 3_600_000)
        : i % 11 === 5
          ? new Date(Q_FROM.getTime() + int(0, 28) * DAY + 7_200_000)
          : new Date(P_FROM.getTime() - int(200, 400) * DAY);
    members.push({ key: i, store: households[household].store, household, owned: i % 5 === 0, registeredAt, nickname: `知数会员${i}` });
  }
  const longAgo = (m: KMember) => m.registeredAt.getTime() < P_FROM.getTime() - 180 * DAY;
  // treated: long-standing members of store A, every third one
  const treated = members.filter((m) => m.store === 'A' && longAgo(m) && m.key % 3 === 0).map((m) => m.key);
  const isTreated = new Set(treated);

  const purchases: KPurchase[] = [];
  const activities: KActivity[] = [];
  let receipt = 1;
  let ref = 1;
  for (const m of members) {
    // some members are silent: no purchases at all (churn figures)
    if (m.key % 9 === 8) continue;
    // the habit does not depend on being treated (key % 3), so treated and controls share RFM tiers
    const base = 1 + (Math.floor(m.key / 3) % 3);
    const amount = 4_000 + 2_000 * (m.key % 4);
    const high = m.key % 2 === 0;
    // months relative to the period start: −6 … +2 (each month = 30 days)
    for (let month = -6; month <= 2; month++) {
      const start = P_FROM.getTime() + month * 30 * DAY;
      let visits = base + (rnd() < 0.3 ? 1 : 0);
      if (isTreated.has(m.key) && month >= 0) visits += PLANTED_VISIT_UPLIFT;
      for (let v = 0; v < visits; v++) {
        const at = new Date(start + int(0, 29) * DAY + int(1, 12) * 3_600_000);
        if (at < m.registeredAt) continue;
        const items = high
          ? [
              { name: '青菜', category: '蔬菜', qty: 1, amountFen: Math.round(amount * 0.6) },
              { name: '卤味拼盘', category: '熟食', qty: 1, amountFen: amount - Math.round(amount * 0.6) },
            ]
          : [{ name: '大米', category: '粮油', qty: 1, amountFen: amount }];
        purchases.push({ key: receipt++, member: m.key, store: m.store, totalFen: amount, at, items });
      }
    }
    // a refund in the period for every 10th member
    if (m.key % 10 === 1)
      purchases.push({ key: receipt++, member: m.key, store: m.store, totalFen: -1_000, at: new Date(P_FROM.getTime() + 10 * DAY), items: [] });
  }
  for (const key of treated) {
    activities.push({ member: key, kind: 'registration', at: new Date(P_FROM.getTime() + 2 * DAY), ref: ref++ });
    activities.push({ member: key, kind: 'checkin', at: new Date(P_FROM.getTime() + 4 * DAY + 2 * 3_600_000), ref: ref++ });
  }
  for (const m of members) {
    if (m.key % 4 === 1) activities.push({ member: m.key, kind: 'vote', at: new Date(P_FROM.getTime() + (m.key % 20) * DAY + 5 * 3_600_000), ref: ref++ });
    if (m.key % 4 === 1 && m.key % 3 === 0) activities.push({ member: m.key, kind: 'vote', at: new Date(Q_FROM.getTime() + 3 * DAY), ref: ref++ });
    if (m.key % 13 === 2) activities.push({ member: m.key, kind: 'entry', at: new Date(P_FROM.getTime() + 6 * DAY), ref: ref++ });
    if (m.key % 6 === 4) activities.push({ member: m.key, kind: 'visit', at: new Date(P_FROM.getTime() + 20 * DAY + 3_600_000), ref: ref++ });
  }
  const contacts: KContact[] = [];
  for (let i = 0; i < 12; i++) {
    contacts.push({
      kind: 'added',
      member: i < 8 ? i * 7 + 3 : null,
      channelKind: i % 3 === 0 ? 'poster' : i % 3 === 1 ? 'store_qr' : null,
      referral: i % 4 === 0,
      at: new Date(P_FROM.getTime() + (i + 1) * DAY),
      ext: `wm_known_${i}`,
    });
  }
  contacts.push({ kind: 'lost', member: null, channelKind: null, referral: false, at: new Date(P_FROM.getTime() + 15 * DAY), ext: 'wm_known_1' });
  contacts.push({ kind: 'added', member: null, channelKind: 'store_qr', referral: false, at: new Date(Q_FROM.getTime() + 3 * DAY), ext: 'wm_known_old' });
  // the advisory panel: one joined long before both periods, one during the period, one after it ends
  const { pTo: P_TO } = periods(period);
  const panel = [
    { member: 0, at: new Date(Q_FROM.getTime() - 100 * DAY) },
    { member: 6, at: new Date(P_FROM.getTime() + 5 * DAY) },
    { member: 50, at: new Date(P_TO.getTime() + 2 * DAY) },
  ];
  return { period, stores, households, members, purchases, activities, contacts, panel, treated };
}

// ---------------------------------------------------------------- the answers, member by member

type Scope = { store?: 'A' | 'B'; owned?: boolean };

export function expected(d: KnownData, scope: Scope, period: 'current' | 'previous') {
  const { pFrom, pTo, qFrom, qTo } = periods(d.period);
  const from = period === 'current' ? pFrom : qFrom;
  const to = period === 'current' ? pTo : qTo;
  const within = (t: Date, a: Date, b: Date) => t >= a && t < b;
  const inScope = (m: KMember) => (scope.store ? m.store === scope.store : true) && (scope.owned ? m.owned : true);
  const mine = d.members.filter(inScope);
  const ids = new Set(mine.map((m) => m.key));
  const registered = mine.filter((m) => m.registeredAt < to);
  const before = mine.filter((m) => m.registeredAt < from);
  const hh = new Set(registered.map((m) => m.household));
  const target = scope.owned ? null : scope.store ? d.stores.find((s) => s.key === scope.store)!.target : d.stores.reduce((n, s) => n + s.target, 0);
  const buys = d.purchases.filter((p) => ids.has(p.member));
  const acts = d.activities.filter((a) => ids.has(a.member));

  const activeBetween = (a: Date, b: Date) => {
    const s = new Set<number>();
    for (const x of acts) if (within(x.at, a, b)) s.add(x.member);
    for (const p of buys) if (within(p.at, a, b)) s.add(p.member);
    return s;
  };
  // DAU: for each day, distinct active; averaged over the days
  const days = Math.round((to.getTime() - from.getTime()) / DAY);
  let dauSum = 0;
  for (let i = 0; i < days; i++) dauSum += activeBetween(new Date(from.getTime() + i * DAY), new Date(from.getTime() + (i + 1) * DAY)).size;
  const active = activeBetween(from, to);
  const interactions = acts.filter((a) => a.kind !== 'visit' && within(a.at, from, to)).length;
  const participants = new Set(acts.filter((a) => a.kind !== 'visit' && within(a.at, from, to)).map((a) => a.member));

  const sales = buys.filter((p) => p.totalFen > 0 && within(p.at, from, to));
  const net = buys.filter((p) => within(p.at, from, to)).reduce((n, p) => n + p.totalFen, 0);
  const perBuyer = new Map<number, number>();
  for (const p of sales) perBuyer.set(p.member, (perBuyer.get(p.member) ?? 0) + 1);
  let repeaters = 0;
  perBuyer.forEach((n) => (repeaters += n >= 2 ? 1 : 0));
  const year = buys.filter((p) => within(p.at, new Date(to.getTime() - 365 * DAY), to)).reduce((n, p) => n + p.totalFen, 0);
  const ltv = registered.length ? Math.round(year / registered.length) : null;
  const chainScope = !scope.store && !scope.owned;
  const contactsIn = d.contacts.filter((c) => (chainScope || (c.member !== null && ids.has(c.member))) && within(c.at, from, to));
  const pricedContacts = contactsIn.filter((c) => c.kind === 'added' && c.channelKind && c.channelKind in SETTINGS.acquisitionCostFen);
  const cac = pricedContacts.length
    ? Math.round(pricedContacts.reduce((n, c) => n + SETTINGS.acquisitionCostFen[c.channelKind as 'poster'], 0) / pricedContacts.length)
    : null;
  const months = days / 30;
  let estimate = 0;
  for (const h of hh)
    estimate += (d.households[h].children > 0 ? SETTINGS.householdFoodSpendFen.with_children : SETTINGS.householdFoodSpendFen.adults) * months;
  let gross = 0;
  let highFen = 0;
  for (const p of sales)
    for (const i of p.items) {
      gross += i.amountFen;
      if (SETTINGS.highMarginCategories.includes(i.category)) highFen += i.amountFen;
    }
  const silent = (n: number) => {
    const a = activeBetween(new Date(to.getTime() - n * DAY), to);
    return mine.filter((m) => m.registeredAt.getTime() < to.getTime() - n * DAY && !a.has(m.key)).length;
  };
  const sleepersAtFrom = (() => {
    const a = activeBetween(new Date(from.getTime() - 30 * DAY), from);
    return mine.filter((m) => m.registeredAt.getTime() < from.getTime() - 30 * DAY && !a.has(m.key));
  })();
  const fresh = mine.filter((m) => within(m.registeredAt, from, to));
  const everBought = new Set(buys.filter((p) => p.totalFen > 0 && p.at < to).map((p) => p.member));
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

  // rings: create (entry; on the advisory panel by the end) > interact (vote, registration, check-in) > radiate (only registered)
  const ringOf = (a: Date, b: Date) => {
    const r = new Map<number, 'radiate' | 'interact' | 'create'>();
    for (const m of mine) if (m.registeredAt < b) r.set(m.key, 'radiate');
    for (const x of acts) {
      if (!within(x.at, a, b) || !r.has(x.member)) continue;
      if (x.kind === 'entry') r.set(x.member, 'create');
      else if (x.kind !== 'visit' && r.get(x.member) === 'radiate') r.set(x.member, 'interact');
    }
    for (const p of d.panel) if (p.at < b && r.has(p.member)) r.set(p.member, 'create');
    return r;
  };
  const len = to.getTime() - from.getTime();
  const now = ringOf(from, to);
  const prev = ringOf(new Date(from.getTime() - len), from);
  const zero = () => ({ radiate: 0, interact: 0, create: 0 });
  const counts = zero();
  const moves = { radiate: zero(), interact: zero(), create: zero() };
  now.forEach((r, id) => {
    counts[r]++;
    const b = prev.get(id);
    if (b) moves[b][r]++;
  });

  return {
    scale: {
      members: registered.length,
      households: hh.size,
      newMembers: registered.length - before.length,
      growthRate: ratio(registered.length - before.length, before.length),
      penetration: target ? hh.size / target : null,
    },
    quality: {
      activeMembers: active.size,
      dau: dauSum / days,
      wau: activeBetween(new Date(to.getTime() - 7 * DAY), to).size,
      mau: activeBetween(new Date(to.getTime() - 30 * DAY), to).size,
      interactions,
      interactionRate: ratio(interactions, active.size),
      participants: participants.size,
      participationRate: ratio(participants.size, registered.length),
    },
    value: {
      netSpendFen: net,
      purchases: sales.length,
      buyers: perBuyer.size,
      repeatRate: ratio(repeaters, perBuyer.size),
      avgBasketFen: sales.length ? Math.round(net / sales.length) : null,
      frequency: ratio(sales.length, perBuyer.size),
      ltv12Fen: ltv,
      cacFen: cac,
      ltvCac: ltv !== null && cac ? ltv / cac : null,
      // every generated member has a household
      shareOfWallet: ratio(net, estimate),
      highMarginShare: ratio(highFen, gross),
    },
    flow: {
      contactsAdded: contactsIn.filter((c) => c.kind === 'added').length,
      contactsLost: contactsIn.filter((c) => c.kind === 'lost').length,
      newMembers: fresh.length,
      firstPurchaseConversion: ratio(fresh.filter((m) => everBought.has(m.key)).length, fresh.length),
      silent30: silent(30),
      silent60: silent(60),
      silent90: silent(90),
      wakeUpRate: ratio(sleepersAtFrom.filter((m) => active.has(m.key)).length, sleepersAtFrom.length),
      kFactor: ratio(contactsIn.filter((c) => c.kind === 'added' && c.referral).length, before.length),
    },
    rings: { counts, moves },
  };
}
