/**
 * Cooking classes, family events and community rituals (issue 5): ops create classes (one-off or a
 * recurring series of sessions), members register their household, join the waitlist when full,
 * cancel before the deadline, check in with a code and rate afterwards; a job sends the 24 h / 2 h
 * reminders and the waitlist-promotion notice as WeChat subscribe messages.
 *
 * Words used below:
 * - class: the thing ops create (title, host, store, seats, tags …); one-off or a series.
 * - session: one occurrence of a class with its own start/end, seats left and deadlines.
 * - registration: one member's booking of one session for their household (adults + children).
 * Times are ISO-8601 UTC on the wire; clients show them in Asia/Shanghai. "Dates" (YYYY-MM-DD) are
 * Asia/Shanghai calendar days. Money is integer fen.
 */
import { z } from 'zod';
import { buildPath, defineRoute, IsoDateTime, PageQuery, pageOf, STORE_OPS } from './route';

// ---------------------------------------------------------------- shared vocabulary

export const CLASS_TYPES = ['class', 'family_event', 'community_ritual'] as const;
export const ClassType = z.enum(CLASS_TYPES);
export type ClassType = z.infer<typeof ClassType>;
/** Labels for members and ops. */
export const CLASS_TYPE_LABELS: Record<ClassType, string> = {
  class: '共享厨房课',
  family_event: '亲子活动',
  community_ritual: '社区小仪式',
};

export const SESSION_STATUSES = ['scheduled', 'cancelled', 'finished'] as const;
/** scheduled: open or upcoming; cancelled: called off by ops; finished: ended and no-shows recorded. */
export const SessionStatus = z.enum(SESSION_STATUSES);
export type SessionStatus = z.infer<typeof SessionStatus>;

export const REGISTRATION_STATUSES = ['confirmed', 'waitlisted', 'cancelled', 'attended', 'no_show', 'unpaid'] as const;
/**
 * confirmed 已报名 · waitlisted 候补中 · cancelled 已取消 · attended 已签到 · no_show 未到场 ·
 * unpaid 待支付 (a paid class: the seat is held until `payment.expiresAt`, then released).
 */
export const RegistrationStatus = z.enum(REGISTRATION_STATUSES);
export type RegistrationStatus = z.infer<typeof RegistrationStatus>;
export const REGISTRATION_STATUS_LABELS: Record<RegistrationStatus, string> = {
  confirmed: '已报名',
  waitlisted: '候补中',
  cancelled: '已取消',
  attended: '已签到',
  no_show: '未到场',
  unpaid: '待支付',
};

/** The three subscribe-message templates (≤ 3 per wx.requestSubscribeMessage call; one accept = one message). */
export const NOTICE_KINDS = ['reminder_24h', 'reminder_2h', 'promoted'] as const;
export const NoticeKind = z.enum(NOTICE_KINDS);
export type NoticeKind = z.infer<typeof NoticeKind>;

/**
 * pending: due, not sent yet · sending: claimed by a sender (never retried: at most once) · sent ·
 * refused: WeChat 43101 (no accepted quota) · failed: other error · skipped: no longer relevant
 * (cancelled, session started) or the member has no WeChat openid.
 */
export const NoticeStatus = z.enum(['pending', 'sending', 'sent', 'refused', 'failed', 'skipped']);
export type NoticeStatus = z.infer<typeof NoticeStatus>;

/** Which templates the member accepted in wx.requestSubscribeMessage (true = 'accept'). */
export const SubscribeAccepts = z.object({
  reminder24h: z.boolean().default(false),
  reminder2h: z.boolean().default(false),
  promoted: z.boolean().default(false),
});
export type SubscribeAccepts = z.infer<typeof SubscribeAccepts>;

/** The page a subscribe message opens (「我的活动」 detail); the mini-program owns this path. */
export const CLASS_NOTICE_PAGE = 'packages/classes/mine/index';

/**
 * What the member's check-in QR encodes: `hubclass:r:<token>`; the store's door QR encodes
 * `hubclass:s:<sessionId>.<step>.<signature>` and turns every ~30 s (a photo of it stops working).
 * Clients render these strings as QR codes and send scanned text back as is.
 */
export const REGISTRATION_QR_PREFIX = 'hubclass:r:';
export const SESSION_QR_PREFIX = 'hubclass:s:';

const Id = z.coerce.number().int().positive().max(2_147_483_647);
const YmdDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
const Tag = z.string().trim().min(1).max(20);
const Stars = z.number().int().min(1).max(5);

// ---------------------------------------------------------------- member-facing shapes

export const MyRegistrationBrief = z.object({
  id: z.number().int(),
  status: RegistrationStatus,
  /** 1-based place in the waitlist (only while waitlisted). */
  waitlistPosition: z.number().int().nullable(),
});

/** One session as members browse it. */
export const SessionCard = z.object({
  id: z.number().int(),
  classId: z.number().int(),
  title: z.string(),
  type: ClassType,
  hostName: z.string(),
  storeId: z.number().int(),
  storeName: z.string().nullable(),
  room: z.string().nullable(),
  coverUrl: z.string().nullable(),
  startsAt: IsoDateTime,
  endsAt: IsoDateTime,
  /** Per person; 0 = free. A paid session is paid by WeChat Pay right after registering. */
  priceFen: z.number().int(),
  adultSeats: z.number().int(),
  childSeats: z.number().int(),
  adultSeatsLeft: z.number().int(),
  childSeatsLeft: z.number().int(),
  /** Households currently waiting. */
  waitlistCount: z.number().int(),
  registrationDeadline: IsoDateTime,
  cancellationDeadline: IsoDateTime,
  /** True while the session is scheduled and before the registration deadline. */
  registrationOpen: z.boolean(),
  status: SessionStatus,
  tags: z.array(z.string()),
  /** Part of a recurring series (e.g. every Wednesday). */
  isSeries: z.boolean(),
  /** The signed-in member's active registration for this session, if any. */
  myRegistration: MyRegistrationBrief.nullable(),
});
export type SessionCard = z.infer<typeof SessionCard>;

export const SessionDetail = SessionCard.extend({
  description: z.string(),
  /** Other upcoming sessions of the same series (for "换一场"). */
  otherSessions: z.array(
    z.object({
      id: z.number().int(),
      startsAt: IsoDateTime,
      adultSeatsLeft: z.number().int(),
      childSeatsLeft: z.number().int(),
      registrationOpen: z.boolean(),
    }),
  ),
  /** Limits for the registration form. */
  rules: z.object({
    /** Children may be registered (the session has child seats). */
    childrenAllowed: z.boolean(),
    /** family_event: every child's age must be given. */
    childAgesRequired: z.boolean(),
    maxAdults: z.number().int(),
    maxChildren: z.number().int(),
  }),
});
export type SessionDetail = z.infer<typeof SessionDetail>;

export const MyRegistration = z.object({
  id: z.number().int(),
  status: RegistrationStatus,
  session: SessionCard.omit({ myRegistration: true }),
  adults: z.number().int(),
  children: z.number().int(),
  childAges: z.array(z.number().int()),
  waitlistPosition: z.number().int().nullable(),
  /** Present while confirmed or attended: staff scan the QR or type the short code. */
  checkIn: z
    .object({
      /** 6 characters, unique within the session; staff type it with the session chosen. */
      shortCode: z.string(),
      /** Render as a QR code (hubclass:r:<token>). */
      qrPayload: z.string(),
    })
    .nullable(),
  checkedInAt: IsoDateTime.nullable(),
  /** Before the cancellation deadline (confirmed), or any time before start (waitlisted). */
  canCancel: z.boolean(),
  cancelledAt: IsoDateTime.nullable(),
  /** 'member' (you cancelled), 'ops' (the session was called off), 'timeout' (not paid in time). */
  cancelledBy: z.enum(['member', 'ops', 'timeout']).nullable(),
  /** Paid classes only (null when free). */
  payment: z
    .object({
      /** What this registration costs: the session price per person × (adults + children). */
      amountFen: z.number().int(),
      /** unpaid: pay before expiresAt · paid · refunding: refund asked · refunded. */
      status: z.enum(['unpaid', 'paid', 'refunding', 'refunded', 'none']),
      expiresAt: IsoDateTime.nullable(),
      paidAt: IsoDateTime.nullable(),
      refundFen: z.number().int(),
      refundedAt: IsoDateTime.nullable(),
    })
    .nullable(),
  /** Set when the member was moved from the waitlist to confirmed. */
  promotedAt: IsoDateTime.nullable(),
  /** After attending, once. */
  canRate: z.boolean(),
  rating: z.object({ stars: z.number().int(), comment: z.string().nullable(), at: IsoDateTime }).nullable(),
  /** Templates accepted and not yet used. */
  subscriptions: z.object({ reminder24h: z.boolean(), reminder2h: z.boolean(), promoted: z.boolean() }),
  createdAt: IsoDateTime,
});
export type MyRegistration = z.infer<typeof MyRegistration>;

export const MemberStanding = z.object({
  blocked: z.boolean(),
  blockedUntil: IsoDateTime.nullable(),
  /** Member-facing reason, e.g. 「60天内有2次报名未到场，2026-03-01 前暂不能报名」. */
  reason: z.string().nullable(),
  /** No-shows within the counting window (newest first). */
  recentNoShows: z.array(z.object({ sessionId: z.number().int(), title: z.string(), startsAt: IsoDateTime })),
  rule: z.object({ noShowLimit: z.number().int(), windowDays: z.number().int(), blockDays: z.number().int() }),
});
export type MemberStanding = z.infer<typeof MemberStanding>;

// ---------------------------------------------------------------- member routes

export const subscribeTemplates = defineRoute({
  method: 'GET',
  path: '/api/classes/subscribe-templates',
  auth: 'member',
  summary: 'Template ids to pass to wx.requestSubscribeMessage before registering (all three fit in one call). Send back which were accepted.',
  response: z.object({ reminder24h: z.string(), reminder2h: z.string(), promoted: z.string() }),
});

export const listClassStores = defineRoute({
  method: 'GET',
  path: '/api/classes/stores',
  auth: 'member',
  summary: 'Stores that have upcoming sessions (for the store filter).',
  response: z.object({ items: z.array(z.object({ id: z.number().int(), name: z.string(), upcomingSessions: z.number().int() })) }),
});

export const browseSessions = defineRoute({
  method: 'GET',
  path: '/api/classes/sessions',
  auth: 'member',
  summary: 'Sessions by date range and store, with seats left (adult/child), waitlist size and the member’s own status. Cancelled sessions are left out.',
  query: z.object({
    /** First Asia/Shanghai day (default today). */
    from: YmdDate.optional(),
    /** How many days from `from` (default 14). */
    days: z.coerce.number().int().min(1).max(62).default(14),
    storeId: Id.optional(),
    type: ClassType.optional(),
  }),
  response: z.object({ items: z.array(SessionCard) }),
});

export const getSession = defineRoute({
  method: 'GET',
  path: '/api/classes/sessions/:sessionId',
  auth: 'member',
  summary: 'One session with description, registration limits and the series’ other upcoming sessions.',
  params: z.object({ sessionId: Id }),
  response: SessionDetail,
});

export const register = defineRoute({
  method: 'POST',
  path: '/api/classes/sessions/:sessionId/registrations',
  auth: 'member',
  summary:
    'Register the household. Confirmed when adult AND child seats suffice and nobody is waiting; otherwise waitlisted with a position (arrival order). One registration per member per session (409 CLASS_ALREADY_REGISTERED). Paid sessions: a seat is held as `unpaid` for the payment window (pay with /pay), no waitlist (409 CLASS_FULL when no seat).',
  params: z.object({ sessionId: Id }),
  body: z
    .object({
      /** People aged 18+, the member included. */
      adults: z.number().int().min(0).max(10),
      children: z.number().int().min(0).max(10).default(0),
      /** Ages in years, one per child (required for family events). */
      childAges: z.array(z.number().int().min(0).max(17)).max(10).default([]),
      /** What the member accepted in wx.requestSubscribeMessage just before. */
      subscribe: SubscribeAccepts.default({ reminder24h: false, reminder2h: false, promoted: false }),
    })
    .refine((b) => b.adults + b.children >= 1, { message: '至少报名1人', path: ['adults'] })
    .refine((b) => b.childAges.length === 0 || b.childAges.length === b.children, { message: '请填写每个孩子的年龄', path: ['childAges'] }),
  response: MyRegistration,
});

export const cancelRegistration = defineRoute({
  method: 'POST',
  path: '/api/classes/registrations/:registrationId/cancel',
  auth: 'member',
  summary:
    'Cancel (confirmed: before the cancellation deadline, a paid seat is refunded in full; waitlisted or unpaid: any time before start). A freed seat goes to the first waiting household that fits.',
  params: z.object({ registrationId: Id }),
  response: MyRegistration,
});

export const ClassPayParams = z.object({
  tradeNo: z.string(),
  /** Pass to wx.requestPayment as is. */
  requestPayment: z.object({
    appId: z.string(),
    timeStamp: z.string(),
    nonceStr: z.string(),
    package: z.string(),
    signType: z.literal('RSA'),
    paySign: z.string(),
  }),
  /** Dev only (H5 has no wx.requestPayment): POST { prepay_id } here to pay through the simulator. */
  simulatorCashierUrl: z.string().nullable(),
});

export const payRegistration = defineRoute({
  method: 'POST',
  path: '/api/classes/registrations/:registrationId/pay',
  auth: 'member',
  summary:
    'WeChat Pay JSAPI prepay for an `unpaid` registration of a paid class; the registration turns confirmed when the payment notification lands (409 CLASS_NOT_PAYABLE after the payment window).',
  params: z.object({ registrationId: Id }),
  response: ClassPayParams,
});

export const addSubscriptions = defineRoute({
  method: 'POST',
  path: '/api/classes/registrations/:registrationId/subscriptions',
  auth: 'member',
  summary: 'Record more accepted subscribe templates later (e.g. a 「提醒我」 button in 我的活动).',
  params: z.object({ registrationId: Id }),
  body: SubscribeAccepts,
  response: MyRegistration,
});

export const myRegistrations = defineRoute({
  method: 'GET',
  path: '/api/classes/me/registrations',
  auth: 'member',
  summary: '「我的活动」: upcoming (confirmed / waitlisted, soonest first) or past (attended, no-show, cancelled, newest first), with check-in codes.',
  query: PageQuery.extend({ scope: z.enum(['upcoming', 'past']).default('upcoming') }),
  response: pageOf(MyRegistration),
});

export const getMyRegistration = defineRoute({
  method: 'GET',
  path: '/api/classes/registrations/:registrationId',
  auth: 'member',
  summary: 'One of the member’s registrations (the subscribe message opens this).',
  params: z.object({ registrationId: Id }),
  response: MyRegistration,
});

export const myStanding = defineRoute({
  method: 'GET',
  path: '/api/classes/me/standing',
  auth: 'member',
  summary: 'Whether the member may register now; when blocked for no-shows: until when and why.',
  response: MemberStanding,
});

export const CheckInResult = z.object({
  /** checked_in: recorded now; already_checked_in: recorded earlier (nothing changed). */
  result: z.enum(['checked_in', 'already_checked_in']),
  registrationId: z.number().int(),
  sessionId: z.number().int(),
  title: z.string(),
  startsAt: IsoDateTime,
  memberNickname: z.string().nullable(),
  adults: z.number().int(),
  children: z.number().int(),
  checkedInAt: IsoDateTime,
  /** Staff who checked the member in (null: the member scanned the store's code). */
  checkedInBy: z.string().nullable(),
  method: z.enum(['staff_scan', 'staff_code', 'member_scan']),
});
export type CheckInResult = z.infer<typeof CheckInResult>;

export const memberCheckIn = defineRoute({
  method: 'POST',
  path: '/api/classes/check-in',
  auth: 'member',
  summary: 'The member scans the store’s session QR (hubclass:s:…) and is checked in (from 2 h before start until 2 h after the end).',
  body: z.object({ code: z.string().trim().min(1).max(128) }),
  response: CheckInResult,
});

export const rateRegistration = defineRoute({
  method: 'POST',
  path: '/api/classes/registrations/:registrationId/rating',
  auth: 'member',
  summary: 'Rate an attended session once (1–5 stars, optional comment); ops see it.',
  params: z.object({ registrationId: Id }),
  body: z.object({ stars: Stars, comment: z.string().trim().max(500, '评价最多500字').optional() }),
  response: MyRegistration,
});

// ---------------------------------------------------------------- ops shapes

const Recurrence = z.object({
  /** daily / weekly (same weekday) / monthly (same day of month; months without it are skipped). */
  frequency: z.enum(['daily', 'weekly', 'monthly']),
  /** Total number of sessions including the first (e.g. 8 Wednesdays). */
  count: z.number().int().min(2).max(60),
});

const ClassFields = z.object({
  title: z.string().trim().min(1, '请填写标题').max(40, '标题最多40字'),
  type: ClassType,
  /** Chef or host shown to members, e.g. 「李师傅」. */
  hostName: z.string().trim().min(1, '请填写主讲/主持').max(32),
  room: z.string().trim().max(32).nullable().optional(),
  /** Adult seats per session (family events count adults and children separately). */
  adultSeats: z.number().int().min(0).max(500),
  childSeats: z.number().int().min(0).max(500).default(0),
  /** Per person (adult or child); 0 = free; otherwise members pay by WeChat Pay when registering. */
  priceFen: z.number().int().min(0).max(10_000_00).default(0),
  /** Registration closes this many minutes before each session starts (0 = at start). */
  registrationClosesMinutesBefore: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30)
    .default(60),
  /** Members can cancel until this many minutes before start. */
  cancellationClosesMinutesBefore: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30)
    .default(24 * 60),
  /** An uploaded image URL or app path. */
  coverUrl: z.string().trim().max(512).nullable().optional(),
  description: z.string().max(5000).default(''),
  /** Tags granted to attendees (e.g. 烹饪爱好者, 亲子家庭). */
  tags: z.array(Tag).max(10).default([]),
});

/** A session's registrations by status (households). */
const RegistrationCounts = {
  confirmed: z.number().int(),
  waitlisted: z.number().int(),
  attended: z.number().int(),
  noShow: z.number().int(),
  cancelled: z.number().int(),
};

export const OpsSession = z.object({
  id: z.number().int(),
  classId: z.number().int(),
  startsAt: IsoDateTime,
  endsAt: IsoDateTime,
  status: SessionStatus,
  adultSeats: z.number().int(),
  childSeats: z.number().int(),
  adultSeatsLeft: z.number().int(),
  childSeatsLeft: z.number().int(),
  registrationDeadline: IsoDateTime,
  cancellationDeadline: IsoDateTime,
  ...RegistrationCounts,
});
export type OpsSession = z.infer<typeof OpsSession>;

export const ClassSummary = z.object({
  id: z.number().int(),
  title: z.string(),
  type: ClassType,
  hostName: z.string(),
  storeId: z.number().int(),
  storeName: z.string().nullable(),
  room: z.string().nullable(),
  priceFen: z.number().int(),
  coverUrl: z.string().nullable(),
  tags: z.array(z.string()),
  isSeries: z.boolean(),
  sessionCount: z.number().int(),
  nextSessionAt: IsoDateTime.nullable(),
  /** Mean stars over all rated sessions (null: no ratings yet). */
  averageRating: z.number().nullable(),
  createdAt: IsoDateTime,
});
export type ClassSummary = z.infer<typeof ClassSummary>;

export const ClassDetail = ClassSummary.extend({
  description: z.string(),
  adultSeats: z.number().int(),
  childSeats: z.number().int(),
  registrationClosesMinutesBefore: z.number().int(),
  cancellationClosesMinutesBefore: z.number().int(),
  recurrence: Recurrence.nullable(),
  sessions: z.array(OpsSession),
});
export type ClassDetail = z.infer<typeof ClassDetail>;

export const RosterItem = z.object({
  registrationId: z.number().int(),
  memberId: z.number().int(),
  nickname: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  householdName: z.string().nullable(),
  adults: z.number().int(),
  children: z.number().int(),
  childAges: z.array(z.number().int()),
  status: RegistrationStatus,
  /** Order in which the server accepted the registration within the session (1 = first). */
  arrivalSeq: z.number().int().nullable(),
  waitlistPosition: z.number().int().nullable(),
  shortCode: z.string(),
  checkedInAt: IsoDateTime.nullable(),
  checkedInBy: z.string().nullable(),
  checkInMethod: z.enum(['staff_scan', 'staff_code', 'member_scan']).nullable(),
  registeredAt: IsoDateTime,
  promotedAt: IsoDateTime.nullable(),
  cancelledAt: IsoDateTime.nullable(),
  stars: z.number().int().nullable(),
  comment: z.string().nullable(),
  /** Subscribe messages for this registration and how they went. */
  notices: z.array(z.object({ kind: NoticeKind, status: NoticeStatus, at: IsoDateTime })),
});
export type RosterItem = z.infer<typeof RosterItem>;

export const Roster = z.object({
  session: OpsSession.extend({ title: z.string(), storeName: z.string().nullable(), room: z.string().nullable() }),
  /** Confirmed/attended first (by arrival), then the waitlist in order, then no-shows and cancelled. */
  items: z.array(RosterItem),
});
export type Roster = z.infer<typeof Roster>;

export const ClassStats = z.object({
  classId: z.number().int(),
  totals: z.object({
    sessions: z.number().int(),
    finishedSessions: z.number().int(),
    /** Households confirmed at session end (attended + no-show) over finished sessions. */
    expected: z.number().int(),
    attended: z.number().int(),
    noShow: z.number().int(),
    /** People (adults + children) of attended households. */
    attendedPeople: z.number().int(),
    /** attended / expected over finished sessions (null before the first finished session). */
    attendanceRate: z.number().nullable(),
    noShowRate: z.number().nullable(),
    averageRating: z.number().nullable(),
    ratings: z.number().int(),
  }),
  sessions: z.array(
    z.object({
      sessionId: z.number().int(),
      startsAt: IsoDateTime,
      status: SessionStatus,
      ...RegistrationCounts,
      attendedPeople: z.number().int(),
      averageRating: z.number().nullable(),
    }),
  ),
});
export type ClassStats = z.infer<typeof ClassStats>;

export const FeedbackItem = z.object({
  registrationId: z.number().int(),
  classId: z.number().int(),
  classTitle: z.string(),
  sessionId: z.number().int(),
  startsAt: IsoDateTime,
  storeName: z.string().nullable(),
  memberNickname: z.string().nullable(),
  stars: z.number().int(),
  comment: z.string().nullable(),
  ratedAt: IsoDateTime,
});
export type FeedbackItem = z.infer<typeof FeedbackItem>;

const CHECKIN_ROLES = ['hq_admin', 'store_manager', 'group_owner', 'staff'] as const;

// ---------------------------------------------------------------- ops routes

export const opsListClasses = defineRoute({
  method: 'GET',
  path: '/api/admin/classes',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Classes (newest first); store managers see their own store only.',
  query: PageQuery.extend({ storeId: Id.optional(), type: ClassType.optional(), q: z.string().trim().max(40).optional() }),
  response: pageOf(ClassSummary),
});

export const opsCreateClass = defineRoute({
  method: 'POST',
  path: '/api/admin/classes',
  auth: 'staff',
  roles: STORE_OPS,
  summary:
    'Create a class with its first session at startsAt–endsAt; with `recurrence` a series of sessions (e.g. weekly ×8, same local time). Store managers only for their own store. priceFen > 0 makes it a paid class (WeChat Pay at registration).',
  body: ClassFields.extend({
    storeId: Id,
    startsAt: IsoDateTime,
    endsAt: IsoDateTime,
    recurrence: Recurrence.nullable().optional(),
  }),
  response: ClassDetail,
});

export const opsGetClass = defineRoute({
  method: 'GET',
  path: '/api/admin/classes/:classId',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'A class with all its sessions and per-session counts.',
  params: z.object({ classId: Id }),
  response: ClassDetail,
});

export const opsUpdateClass = defineRoute({
  method: 'PATCH',
  path: '/api/admin/classes/:classId',
  auth: 'staff',
  roles: STORE_OPS,
  summary:
    'Edit the class / whole series. Text, cover, tags, host and room apply at once; seats, deadlines and `schedule` (new local start time and duration) apply to every future scheduled session. Seats cannot drop below what is booked (CLASS_SEATS_BELOW_BOOKED); extra seats go to the waitlist.',
  params: z.object({ classId: Id }),
  body: ClassFields.partial()
    .omit({ type: true })
    .extend({
      schedule: z
        .object({
          /** Local (Asia/Shanghai) start time HH:mm. */
          startTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:mm'),
          durationMinutes: z
            .number()
            .int()
            .min(10)
            .max(24 * 60),
        })
        .optional(),
    }),
  response: ClassDetail,
});

export const opsAddSession = defineRoute({
  method: 'POST',
  path: '/api/admin/classes/:classId/sessions',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Add one more session to a class (seats and deadlines from the class).',
  params: z.object({ classId: Id }),
  body: z.object({ startsAt: IsoDateTime, endsAt: IsoDateTime }),
  response: ClassDetail,
});

export const opsUpdateSession = defineRoute({
  method: 'PATCH',
  path: '/api/admin/classes/sessions/:sessionId',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Edit one scheduled session: time, seats (not below booked), deadlines.',
  params: z.object({ sessionId: Id }),
  body: z.object({
    startsAt: IsoDateTime.optional(),
    endsAt: IsoDateTime.optional(),
    adultSeats: z.number().int().min(0).max(500).optional(),
    childSeats: z.number().int().min(0).max(500).optional(),
    registrationDeadline: IsoDateTime.optional(),
    cancellationDeadline: IsoDateTime.optional(),
  }),
  response: OpsSession,
});

export const opsCancelSession = defineRoute({
  method: 'POST',
  path: '/api/admin/classes/sessions/:sessionId/cancel',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Call off a scheduled session: every active registration becomes cancelled (by ops).',
  params: z.object({ sessionId: Id }),
  response: OpsSession,
});

export const opsRoster = defineRoute({
  method: 'GET',
  path: '/api/admin/classes/sessions/:sessionId/roster',
  auth: 'staff',
  roles: CHECKIN_ROLES,
  summary: 'Roster of a session with check-in state, waitlist order, ratings and reminder status. Staff and group owners: their store only.',
  params: z.object({ sessionId: Id }),
  response: Roster,
});

export const opsRosterCsv = defineRoute({
  method: 'GET',
  path: '/api/admin/classes/sessions/:sessionId/roster.csv',
  auth: 'staff',
  roles: STORE_OPS,
  summary:
    'Roster export as a CSV download (text/csv; charset=utf-8, UTF-8 BOM so Excel shows Chinese, Content-Disposition attachment). NOT JSON: fetch it with the bearer header and save the body as a file (see rosterCsvUrl).',
  params: z.object({ sessionId: Id }),
  // the body is CSV text, not JSON; contentMediaType tells the OpenAPI reader (and a generator) so
  response: z.string().meta({ description: 'text/csv; charset=utf-8, starting with a UTF-8 BOM', contentMediaType: 'text/csv' }),
});

/** URL of the CSV export (GET with `authorization: Bearer <token>`; the typed JSON client does not apply). */
export function rosterCsvUrl(baseUrl: string, sessionId: number): string {
  return baseUrl + buildPath(opsRosterCsv.path, { sessionId });
}

export const opsSessionCode = defineRoute({
  method: 'GET',
  path: '/api/admin/classes/sessions/:sessionId/check-in-code',
  auth: 'staff',
  roles: CHECKIN_ROLES,
  summary:
    'The store’s door QR (hubclass:s:…) members scan to check themselves in. It is signed and turns every period (about 30 s): show it on a screen at the door and fetch it again at refreshAt — a printed or photographed code stops working.',
  params: z.object({ sessionId: Id }),
  response: z.object({
    sessionId: z.number().int(),
    title: z.string(),
    startsAt: IsoDateTime,
    qrPayload: z.string(),
    /** When this code is replaced: fetch the next one then. */
    refreshAt: IsoDateTime,
    refreshInSeconds: z.number().int().positive(),
  }),
});

export const opsCheckInSessions = defineRoute({
  method: 'GET',
  path: '/api/admin/classes/check-in/sessions',
  auth: 'staff',
  roles: CHECKIN_ROLES,
  summary: 'Sessions of a day to check in at (the staff member’s store; HQ: all stores or storeId) — pick one before typing short codes.',
  query: z.object({ date: YmdDate.optional(), storeId: Id.optional() }),
  response: z.object({
    items: z.array(OpsSession.extend({ title: z.string(), storeId: z.number().int(), storeName: z.string().nullable(), room: z.string().nullable() })),
  }),
});

export const opsCheckIn = defineRoute({
  method: 'POST',
  path: '/api/admin/classes/check-in',
  auth: 'staff',
  roles: CHECKIN_ROLES,
  summary:
    'Staff check-in from the sidebar or the ops page: the scanned member QR (hubclass:r:…), or a typed 6-character short code together with sessionId. Recorded once with who and when; repeating answers already_checked_in.',
  body: z.object({
    code: z.string().trim().min(1).max(128),
    /** Required with a short code. */
    sessionId: z.number().int().positive().optional(),
  }),
  response: CheckInResult,
});

export const opsClassStats = defineRoute({
  method: 'GET',
  path: '/api/admin/classes/:classId/stats',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Attendance and no-show figures per session and in total.',
  params: z.object({ classId: Id }),
  response: ClassStats,
});

export const opsFeedback = defineRoute({
  method: 'GET',
  path: '/api/admin/classes/feedback',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Ratings and comments (newest first), optionally for one class; store managers see their store only.',
  query: PageQuery.extend({ classId: Id.optional() }),
  response: pageOf(FeedbackItem).extend({ averageRating: z.number().nullable() }),
});

export const BlockItem = z.object({
  id: z.number().int(),
  memberId: z.number().int(),
  nickname: z.string().nullable(),
  reason: z.string(),
  blockedFrom: IsoDateTime,
  blockedUntil: IsoDateTime,
  liftedAt: IsoDateTime.nullable(),
  liftedBy: z.string().nullable(),
});
export type BlockItem = z.infer<typeof BlockItem>;

export const opsListBlocks = defineRoute({
  method: 'GET',
  path: '/api/admin/classes/blocks',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Members currently blocked for no-shows (store managers: members of their store).',
  query: PageQuery,
  response: pageOf(BlockItem),
});

export const opsLiftBlock = defineRoute({
  method: 'POST',
  path: '/api/admin/classes/blocks/:blockId/lift',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Lift a no-show block early (e.g. the member explained the absence).',
  params: z.object({ blockId: Id }),
  response: BlockItem,
});
