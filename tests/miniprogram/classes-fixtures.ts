/**
 * Shared data and Taro extras for the classes component tests (classes*.test.tsx): API-shaped
 * sessions/registrations that each test tweaks, and the WeChat APIs the classes pages use beyond
 * the common stand-in (subscribe dialog, scanner, page params, redirect).
 */
import Taro from '@tarojs/taro';
import type { MemberStanding, MyRegistration, SessionCard, SessionDetail } from '../../contracts/classes';

type TaroExtras = {
  requestSubscribeMessage: jest.Mock;
  scanCode: jest.Mock;
  getCurrentInstance: jest.Mock;
  redirectTo: jest.Mock;
};
export const taro = Taro as unknown as typeof Taro & TaroExtras;

/** Adds the extra APIs (fresh mocks each call) and sets the page's query parameters. */
export function installTaroExtras(params: Record<string, string> = {}): TaroExtras {
  const extras: TaroExtras = {
    requestSubscribeMessage: jest.fn(async () => ({ errMsg: 'requestSubscribeMessage:ok' })),
    scanCode: jest.fn(async () => ({ result: '', errMsg: 'scanCode:ok' })),
    getCurrentInstance: jest.fn(() => ({ router: { params } })),
    redirectTo: jest.fn(async () => ({ errMsg: 'redirectTo:ok' })),
  };
  Object.assign(Taro, extras);
  return extras;
}

export const templates = { reminder24h: 'tmpl-24h', reminder2h: 'tmpl-2h', promoted: 'tmpl-promoted' };

export function sessionCard(over: Partial<SessionCard> = {}): SessionCard {
  return {
    id: 11,
    classId: 3,
    title: '共享厨房·手工水饺',
    type: 'class',
    hostName: '李师傅',
    storeId: 1,
    storeName: '滨江店',
    room: '二楼厨房',
    coverUrl: null,
    // 10:00–11:30 on 26 Nov in Shanghai
    startsAt: '2026-11-26T02:00:00.000Z',
    endsAt: '2026-11-26T03:30:00.000Z',
    priceFen: 0,
    adultSeats: 10,
    childSeats: 0,
    adultSeatsLeft: 4,
    childSeatsLeft: 0,
    waitlistCount: 0,
    registrationDeadline: '2026-11-26T01:00:00.000Z',
    cancellationDeadline: '2026-11-25T02:00:00.000Z',
    registrationOpen: true,
    status: 'scheduled',
    tags: ['烹饪爱好者'],
    isSeries: false,
    myRegistration: null,
    ...over,
  };
}

export function sessionDetail(over: Partial<SessionDetail> = {}): SessionDetail {
  return {
    ...sessionCard(),
    description: '和李师傅一起包一盘饺子带回家。',
    otherSessions: [],
    rules: { childrenAllowed: false, childAgesRequired: false, maxAdults: 4, maxChildren: 0 },
    ...over,
  };
}

export function familyDetail(over: Partial<SessionDetail> = {}): SessionDetail {
  return sessionDetail({
    id: 21,
    title: '小小面点师',
    type: 'family_event',
    hostName: '王老师',
    adultSeats: 6,
    childSeats: 6,
    adultSeatsLeft: 6,
    childSeatsLeft: 6,
    rules: { childrenAllowed: true, childAgesRequired: true, maxAdults: 2, maxChildren: 3 },
    ...over,
  });
}

export function registration(over: Partial<MyRegistration> = {}): MyRegistration {
  const { myRegistration: _omit, ...session } = sessionCard();
  return {
    id: 501,
    status: 'confirmed',
    session,
    adults: 2,
    children: 0,
    childAges: [],
    waitlistPosition: null,
    checkIn: { shortCode: 'K7P2QX', qrPayload: 'hubclass:r:abcdefghijklmnop' },
    checkedInAt: null,
    canCancel: true,
    cancelledAt: null,
    cancelledBy: null,
    payment: null,
    promotedAt: null,
    canRate: false,
    rating: null,
    subscriptions: { reminder24h: false, reminder2h: false, promoted: false },
    createdAt: '2026-11-20T02:00:00.000Z',
    ...over,
  };
}

export const freeStanding: MemberStanding = {
  blocked: false,
  blockedUntil: null,
  reason: null,
  recentNoShows: [],
  rule: { noShowLimit: 2, windowDays: 60, blockDays: 30 },
};

export const blockedStanding: MemberStanding = {
  blocked: true,
  blockedUntil: '2026-12-20T16:00:00.000Z',
  reason: '60天内有2次报名未到场，2026-12-21 前暂不能报名',
  recentNoShows: [
    { sessionId: 7, title: '妈妈早茶会', startsAt: '2026-11-12T02:00:00.000Z' },
    { sessionId: 8, title: '妈妈早茶会', startsAt: '2026-11-19T02:00:00.000Z' },
  ],
  rule: { noShowLimit: 2, windowDays: 60, blockDays: 30 },
};

export function page<T>(items: T[]) {
  return { items, total: items.length, page: 1, pageSize: 20 };
}
