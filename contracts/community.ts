/**
 * Community operations (社群运营): customer groups with their store, theme, welcome and group SOP;
 * HQ activity kits and the community calendar (with a weather feed); the inner ring and the
 * customer advisory panel (顾客顾问团). Staff routes are scoped: HQ sees every store, a store's
 * champion (store manager) their store, a group owner their own groups.
 */
import { z } from 'zod';
import { defineRoute, IsoDateTime, STORE_OPS } from './route';

const HQ = ['hq_admin'] as const;
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式为 HH:MM');
const ChatIdParam = z.object({ chatId: z.string().min(1).max(64) });

// ------------------------------------------------------------------ groups

export const GROUP_THEMES = ['宝妈营养', '美食烹饪', '邻里互助', '长者健康', '亲子活动', '综合福利'] as const;

export const GroupFigures = z.object({
  /** Everyone in the group now (staff included). */
  members: z.number().int(),
  customers: z.number().int(),
  /** Customers matched to a member (through the WeCom contact or unionid). */
  linkedMembers: z.number().int(),
  /** Linked members who took part in a class/event, a contest or an order in the last 30 days. */
  active30d: z.number().int(),
  joined30d: z.number().int(),
  left30d: z.number().int(),
});
export type GroupFigures = z.infer<typeof GroupFigures>;

export const GroupSummary = z.object({
  chatId: z.string(),
  name: z.string().nullable(),
  ownerUserId: z.string().nullable(),
  ownerName: z.string().nullable(),
  storeId: z.number().int().nullable(),
  storeName: z.string().nullable(),
  theme: z.string().nullable(),
  weeklyCap: z.number().int(),
  dismissed: z.boolean(),
  figures: GroupFigures,
  syncedAt: IsoDateTime.nullable(),
});
export type GroupSummary = z.infer<typeof GroupSummary>;

export const GroupPerson = z.object({
  userId: z.string(),
  name: z.string().nullable(),
  memberId: z.number().int().nullable(),
  memberNickname: z.string().nullable(),
  householdName: z.string().nullable(),
  joinedAt: IsoDateTime,
  leftAt: IsoDateTime.nullable(),
  /** Last class/event, contest or order; null = none recorded. */
  lastActiveAt: IsoDateTime.nullable(),
  /** Events (classes) this member registered for, newest first. */
  events: z.array(z.string()),
});
export type GroupPerson = z.infer<typeof GroupPerson>;

export const NextEvent = z.object({ classId: z.number().int(), title: z.string(), nextSessionAt: IsoDateTime });

export const SopTaskView = z.object({
  id: z.number().int(),
  sopId: z.number().int(),
  chatId: z.string(),
  groupName: z.string().nullable(),
  title: z.string(),
  text: z.string(),
  slotAt: IsoDateTime,
  /** open: waiting for the owner; scheduled: confirmed, waits for the quiet hours to end; sent: handed to WeCom for the owner to confirm there; skipped: weekly cap reached. */
  status: z.enum(['open', 'scheduled', 'sent', 'skipped']),
  reason: z.string().nullable(),
  sendAt: IsoDateTime.nullable(),
  confirmedAt: IsoDateTime.nullable(),
});
export type SopTaskView = z.infer<typeof SopTaskView>;

export const GroupWelcome = z.object({
  text: z.string(),
  templateId: z.string().nullable(),
  updatedAt: IsoDateTime.nullable(),
});

export const GroupDetail = GroupSummary.extend({
  welcome: GroupWelcome,
  people: z.array(GroupPerson),
  inactive: z.array(GroupPerson),
  leftRecently: z.array(GroupPerson),
  nextEvents: z.array(NextEvent),
  tasks: z.array(SopTaskView),
});
export type GroupDetail = z.infer<typeof GroupDetail>;

export const listGroups = defineRoute({
  method: 'GET',
  path: '/api/admin/community/groups',
  auth: 'staff',
  summary: 'Customer groups in scope, with figures',
  response: z.object({ items: z.array(GroupSummary) }),
});

export const syncGroups = defineRoute({
  method: 'POST',
  path: '/api/admin/community/groups/sync',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Pull every customer group from WeCom now (groupchat/list + get)',
  response: z.object({ groups: z.number().int(), joined: z.number().int(), left: z.number().int(), dismissed: z.number().int() }),
});

export const getGroup = defineRoute({
  method: 'GET',
  path: '/api/admin/community/groups/:chatId',
  auth: 'staff',
  summary: 'One group: figures, members, inactive members, next events, SOP tasks',
  params: ChatIdParam,
  response: GroupDetail,
});

export const updateGroup = defineRoute({
  method: 'PATCH',
  path: '/api/admin/community/groups/:chatId',
  auth: 'staff',
  roles: STORE_OPS,
  summary: "Set a group's store, theme and weekly message cap",
  params: ChatIdParam,
  body: z.object({
    storeId: z.number().int().positive().nullable().optional(),
    theme: z.string().trim().min(1).max(30).nullable().optional(),
    weeklyCap: z.number().int().min(0).max(21).optional(),
  }),
  response: GroupSummary,
});

export const setGroupWelcome = defineRoute({
  method: 'PUT',
  path: '/api/admin/community/groups/:chatId/welcome',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Group welcome (入群欢迎语) through the group welcome template API',
  params: ChatIdParam,
  body: z.object({ text: z.string().trim().min(1).max(1000) }),
  response: GroupWelcome,
});

// ------------------------------------------------------------------ group SOP

export const SopInput = z
  .object({
    title: z.string().trim().min(1).max(40),
    text: z.string().trim().min(1).max(1500),
    cadence: z.enum(['weekly', 'monthly']),
    /** weekly: 1 = Monday … 7 = Sunday (Beijing). */
    weekday: z.number().int().min(1).max(7).nullable().default(null),
    /** monthly: day of month 1–28. */
    monthDay: z.number().int().min(1).max(28).nullable().default(null),
    /** Beijing time of day. */
    time: HHMM,
  })
  .refine((s) => (s.cadence === 'weekly' ? s.weekday !== null : s.monthDay !== null), { message: '请选择每周几或每月几号', path: ['weekday'] });

export const SopView = z.object({
  id: z.number().int(),
  chatId: z.string(),
  title: z.string(),
  text: z.string(),
  cadence: z.enum(['weekly', 'monthly']),
  weekday: z.number().int().nullable(),
  monthDay: z.number().int().nullable(),
  time: z.string(),
  active: z.boolean(),
  kitId: z.number().int().nullable(),
  createdAt: IsoDateTime,
});
export type SopView = z.infer<typeof SopView>;

export const listGroupSops = defineRoute({
  method: 'GET',
  path: '/api/admin/community/groups/:chatId/sops',
  auth: 'staff',
  summary: "A group's scheduled messages",
  params: ChatIdParam,
  response: z.object({ items: z.array(SopView) }),
});

export const createGroupSop = defineRoute({
  method: 'POST',
  path: '/api/admin/community/groups/:chatId/sops',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Schedule a group message (e.g. every Wednesday 09:00 the 早茶会 reminder)',
  params: ChatIdParam,
  body: SopInput,
  response: SopView,
});

export const setGroupSopActive = defineRoute({
  method: 'POST',
  path: '/api/admin/community/sops/:sopId/active',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Pause or resume a scheduled group message',
  params: z.object({ sopId: z.coerce.number().int().positive() }),
  body: z.object({ active: z.boolean() }),
  response: SopView,
});

export const listSopTasks = defineRoute({
  method: 'GET',
  path: '/api/admin/community/sop-tasks',
  auth: 'staff',
  summary: 'Group SOP tasks in scope (a group owner: their own groups)',
  query: z.object({ status: z.enum(['open', 'scheduled', 'sent', 'skipped']).optional(), chatId: z.string().max(64).optional() }),
  response: z.object({ items: z.array(SopTaskView) }),
});

export const confirmSopTask = defineRoute({
  method: 'POST',
  path: '/api/admin/community/sop-tasks/:taskId/confirm',
  auth: 'staff',
  summary: "The owner's one tap: the message goes to WeCom (after the quiet hours, within the weekly cap)",
  params: z.object({ taskId: z.coerce.number().int().positive() }),
  response: SopTaskView,
});

export const runGroupSop = defineRoute({
  method: 'POST',
  path: '/api/admin/community/sop/run',
  auth: 'staff',
  roles: HQ,
  summary: 'Create the due SOP tasks now (at: evaluation time, outside production only)',
  body: z.object({ at: IsoDateTime.optional() }),
  response: z.object({ created: z.number().int(), skipped: z.number().int() }),
});

export const CommunitySettings = z.object({
  quietStart: HHMM,
  quietEnd: HHMM,
  defaultWeeklyCap: z.number().int().min(0).max(21),
});
export type CommunitySettings = z.infer<typeof CommunitySettings>;

export const getCommunitySettings = defineRoute({
  method: 'GET',
  path: '/api/admin/community/settings',
  auth: 'staff',
  summary: 'Group message rules: quiet hours (Beijing) and the default weekly cap per group',
  response: CommunitySettings,
});

export const updateCommunitySettings = defineRoute({
  method: 'PUT',
  path: '/api/admin/community/settings',
  auth: 'staff',
  roles: HQ,
  summary: 'Change the group message rules',
  body: CommunitySettings,
  response: CommunitySettings,
});

// ------------------------------------------------------------------ sidebar in a group chat

export const SidebarGroupView = z.object({
  chatId: z.string(),
  name: z.string().nullable(),
  storeName: z.string().nullable(),
  theme: z.string().nullable(),
  figures: GroupFigures,
  inactive: z.array(GroupPerson),
  nextEvents: z.array(NextEvent),
  tasks: z.array(SopTaskView),
});
export type SidebarGroupView = z.infer<typeof SidebarGroupView>;

export const sidebarGroup = defineRoute({
  method: 'GET',
  path: '/api/sidebar/group-chats/:chatId',
  auth: 'staff',
  summary: 'The group chat the sidebar is open in (getCurExternalChat)',
  params: ChatIdParam,
  response: SidebarGroupView,
});

// ------------------------------------------------------------------ kits and calendar

export const BUDGET_TIERS = ['zero', 'light', 'standard'] as const;
export const BUDGET_TIER_LABELS: Record<(typeof BUDGET_TIERS)[number], string> = { zero: '零预算', light: '轻量', standard: '标准' };
export const RINGS = ['outer', 'members', 'inner'] as const;
export const RING_LABELS: Record<(typeof RINGS)[number], string> = { outer: '外圈（社区居民）', members: '会员', inner: '内圈（超级用户）' };

export const KitInput = z.object({
  title: z.string().trim().min(1).max(60),
  copy: z.string().trim().min(1).max(2000),
  posterUrl: z.string().url().max(512).nullable().default(null),
  materials: z.array(z.string().trim().min(1).max(60)).max(30).default([]),
  budgetTier: z.enum(BUDGET_TIERS),
  ring: z.enum(RINGS),
  audience: z.string().trim().max(60).default(''),
  followUp: z.string().trim().max(100).default(''),
  /** The journey that follows up attendees (chosen from the journeys; they are enrolled at check-in). */
  followUpJourneyId: z.number().int().positive().nullable().default(null),
  /** Suggested form when adopted as a class/event. */
  durationMinutes: z.number().int().min(15).max(600).default(90),
  adultSeats: z.number().int().min(0).max(500).default(20),
  childSeats: z.number().int().min(0).max(500).default(0),
  /** Weather or season cues this kit fits (e.g. cold → 暖汤分享会). */
  weatherTags: z
    .array(z.enum(['cold', 'hot', 'rain']))
    .max(3)
    .default([]),
  publish: z.boolean().default(false),
});

export const KitView = z.object({
  id: z.number().int(),
  title: z.string(),
  copy: z.string(),
  posterUrl: z.string().nullable(),
  materials: z.array(z.string()),
  budgetTier: z.enum(BUDGET_TIERS),
  ring: z.enum(RINGS),
  audience: z.string(),
  followUp: z.string(),
  followUpJourneyId: z.number().int().nullable(),
  /** The journey's name (null when none is linked or it was deleted). */
  followUpJourneyName: z.string().nullable(),
  durationMinutes: z.number().int(),
  adultSeats: z.number().int(),
  childSeats: z.number().int(),
  weatherTags: z.array(z.string()),
  status: z.enum(['draft', 'published']),
  publishedAt: IsoDateTime.nullable(),
  adoptions: z.number().int(),
});
export type KitView = z.infer<typeof KitView>;

export const listKits = defineRoute({
  method: 'GET',
  path: '/api/admin/community/kits',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Activity kits (store managers see published ones)',
  response: z.object({ items: z.array(KitView) }),
});

export const createKit = defineRoute({
  method: 'POST',
  path: '/api/admin/community/kits',
  auth: 'staff',
  roles: HQ,
  summary: 'HQ creates (and optionally publishes) an activity kit',
  body: KitInput,
  response: KitView,
});

export const publishKit = defineRoute({
  method: 'POST',
  path: '/api/admin/community/kits/:kitId/publish',
  auth: 'staff',
  roles: HQ,
  summary: 'Publish a kit to the stores',
  params: z.object({ kitId: z.coerce.number().int().positive() }),
  response: KitView,
});

export const AdoptInput = z.discriminatedUnion('target', [
  z.object({
    target: z.literal('class'),
    storeId: z.number().int().positive(),
    startsAt: IsoDateTime,
    /** Local changes (default: the kit's). */
    title: z.string().trim().min(1).max(64).optional(),
    description: z.string().trim().max(2000).optional(),
    hostName: z.string().trim().min(1).max(64),
    room: z.string().trim().max(64).nullable().optional(),
    adultSeats: z.number().int().min(0).max(500).optional(),
    childSeats: z.number().int().min(0).max(500).optional(),
  }),
  z.object({
    target: z.literal('group_sop'),
    chatId: z.string().min(1).max(64),
    text: z.string().trim().min(1).max(1500).optional(),
    cadence: z.enum(['weekly', 'monthly']).default('weekly'),
    weekday: z.number().int().min(1).max(7).nullable().default(3),
    monthDay: z.number().int().min(1).max(28).nullable().default(null),
    time: HHMM.default('09:00'),
  }),
]);

export const AdoptionView = z.object({
  id: z.number().int(),
  kitId: z.number().int(),
  kitTitle: z.string(),
  storeId: z.number().int(),
  storeName: z.string().nullable(),
  target: z.enum(['class', 'group_sop']),
  classId: z.number().int().nullable(),
  sopId: z.number().int().nullable(),
  title: z.string(),
  adoptedBy: z.string().nullable(),
  adoptedAt: IsoDateTime,
  /** How it did: registrations, check-ins, mean rating (classes); messages sent (group SOP). */
  registrations: z.number().int(),
  attended: z.number().int(),
  averageRating: z.number().nullable(),
  messagesSent: z.number().int(),
  /** Spend uplift per attendee per 30 days (fen) from insight's matched difference in differences; null when there is none to show (see spendUplift.status). */
  spendUpliftFen: z.number().int().nullable(),
  /**
   * The uplift's basis: `ok` (with the 95% interval), `too_early` (under 7 days since the event),
   * `no_attendees` (nobody checked in), `no_comparison` (no comparable members), `not_applicable`
   * (a group SOP adoption).
   */
  spendUplift: z.object({
    status: z.enum(['ok', 'too_early', 'no_attendees', 'no_comparison', 'not_applicable']),
    days: z.number().int(),
    attendees: z.number().int(),
    matched: z.number().int(),
    controls: z.number().int(),
    lowFen: z.number().int().nullable(),
    highFen: z.number().int().nullable(),
  }),
});
export type AdoptionView = z.infer<typeof AdoptionView>;

export const adoptKit = defineRoute({
  method: 'POST',
  path: '/api/admin/community/kits/:kitId/adopt',
  auth: 'staff',
  roles: STORE_OPS,
  summary: "A store's champion adopts a kit into their store's classes or a group SOP",
  params: z.object({ kitId: z.coerce.number().int().positive() }),
  body: AdoptInput,
  response: AdoptionView,
});

export const listAdoptions = defineRoute({
  method: 'GET',
  path: '/api/admin/community/adoptions',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Which stores ran which kit and how it did (store managers: their store)',
  query: z.object({ kitId: z.coerce.number().int().positive().optional() }),
  response: z.object({ items: z.array(AdoptionView) }),
});

export const CalendarDay = z.object({
  date: z.string(),
  name: z.string(),
  kind: z.enum(['festival', 'solar_term', 'theme']),
  note: z.string(),
  kits: z.array(z.object({ id: z.number().int(), title: z.string(), budgetTier: z.enum(BUDGET_TIERS) })),
});

export const WeatherSuggestion = z.object({
  date: z.string(),
  reason: z.string(),
  title: z.string(),
  kitId: z.number().int().nullable(),
});

export const getCalendar = defineRoute({
  method: 'GET',
  path: '/api/admin/community/calendar',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Festivals and theme days ahead with suggested kits, plus weather-based suggestions',
  query: z.object({
    from: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    days: z.coerce.number().int().min(1).max(400).default(90),
  }),
  response: z.object({
    days: z.array(CalendarDay),
    weather: z.object({ available: z.boolean(), city: z.string(), days: z.array(z.object({ date: z.string(), minC: z.number(), maxC: z.number() })) }),
    suggestions: z.array(WeatherSuggestion),
  }),
});

// ------------------------------------------------------------------ inner ring and advisory panel

export const InnerRingRule = z.object({
  creatorEntries: z.number().int(),
  regularCheckins: z.number().int(),
  interactionDays: z.number().int(),
  windowDays: z.number().int(),
  text: z.array(z.string()),
});

export const InnerRingCandidate = z.object({
  memberId: z.number().int(),
  nickname: z.string().nullable(),
  storeName: z.string().nullable(),
  reasons: z.array(z.string()),
  panelMember: z.boolean(),
  moderator: z.boolean(),
});

export const innerRing = defineRoute({
  method: 'GET',
  path: '/api/admin/community/inner-ring',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'The inner ring rule and the members who qualify by it',
  response: z.object({ rule: InnerRingRule, candidates: z.array(InnerRingCandidate) }),
});

export const invitePanelMember = defineRoute({
  method: 'POST',
  path: '/api/admin/community/panel/members',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Invite a member to the advisory panel (顾客顾问团), optionally as group moderator',
  body: z.object({ memberId: z.number().int().positive(), moderator: z.boolean().default(false) }),
  response: InnerRingCandidate,
});

export const ReviewAnswers = z.object({
  taste: z.number().int().min(1).max(5),
  value: z.number().int().min(1).max(5),
  wouldBuy: z.enum(['yes', 'maybe', 'no']),
  comment: z.string().trim().max(500).default(''),
});
export type ReviewAnswers = z.infer<typeof ReviewAnswers>;
export const WOULD_BUY_LABELS = { yes: '会买', maybe: '看情况', no: '不会买' } as const;

export const PanelRoundInput = z.object({
  title: z.string().trim().min(1).max(60),
  product: z.string().trim().min(1).max(60),
  description: z.string().trim().max(1000).default(''),
  startsAt: IsoDateTime,
  place: z.string().trim().max(60).default(''),
  capacity: z.number().int().min(1).max(200),
});

export const PanelRoundView = z.object({
  id: z.number().int(),
  title: z.string(),
  product: z.string(),
  description: z.string(),
  startsAt: IsoDateTime,
  place: z.string(),
  capacity: z.number().int(),
  signedUp: z.number().int(),
  attended: z.number().int(),
  reviews: z.number().int(),
  status: z.enum(['open', 'closed']),
});
export type PanelRoundView = z.infer<typeof PanelRoundView>;

export const PanelSignupView = z.object({
  memberId: z.number().int(),
  nickname: z.string().nullable(),
  status: z.enum(['signed', 'attended', 'absent']),
  reviewedAt: IsoDateTime.nullable(),
});

export const listPanelRounds = defineRoute({
  method: 'GET',
  path: '/api/admin/community/panel/rounds',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Advisory panel rounds',
  response: z.object({ items: z.array(PanelRoundView) }),
});

export const createPanelRound = defineRoute({
  method: 'POST',
  path: '/api/admin/community/panel/rounds',
  auth: 'staff',
  roles: HQ,
  summary: 'A panel round (e.g. 新品试吃会) members of the panel can sign up for',
  body: PanelRoundInput,
  response: PanelRoundView,
});

export const panelRoundSignups = defineRoute({
  method: 'GET',
  path: '/api/admin/community/panel/rounds/:roundId/signups',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Who signed up, attended and reviewed',
  params: z.object({ roundId: z.coerce.number().int().positive() }),
  response: z.object({ items: z.array(PanelSignupView) }),
});

export const markPanelAttendance = defineRoute({
  method: 'POST',
  path: '/api/admin/community/panel/rounds/:roundId/attendance',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Record whether a signed-up member came',
  params: z.object({ roundId: z.coerce.number().int().positive() }),
  body: z.object({ memberId: z.number().int().positive(), attended: z.boolean() }),
  response: PanelSignupView,
});

export const PanelReport = z.object({
  round: PanelRoundView,
  averageTaste: z.number().nullable(),
  averageValue: z.number().nullable(),
  wouldBuy: z.object({ yes: z.number().int(), maybe: z.number().int(), no: z.number().int() }),
  comments: z.array(
    z.object({
      nickname: z.string().nullable(),
      taste: z.number().int(),
      value: z.number().int(),
      wouldBuy: z.enum(['yes', 'maybe', 'no']),
      comment: z.string(),
      at: IsoDateTime,
    }),
  ),
});

export const panelReport = defineRoute({
  method: 'GET',
  path: '/api/admin/community/panel/rounds/:roundId/report',
  auth: 'staff',
  roles: STORE_OPS,
  summary: "The round's structured reviews for HQ's product team",
  params: z.object({ roundId: z.coerce.number().int().positive() }),
  response: PanelReport,
});

export const MyPanelRound = PanelRoundView.extend({
  mine: z.enum(['none', 'signed', 'attended', 'absent']),
  reviewed: z.boolean(),
});

export const myPanel = defineRoute({
  method: 'GET',
  path: '/api/community/panel/me',
  auth: 'member',
  summary: "The member's advisory panel badge and the rounds open to them",
  response: z.object({ member: z.boolean(), badge: z.string().nullable(), moderator: z.boolean(), rounds: z.array(MyPanelRound) }),
});

export const signUpPanelRound = defineRoute({
  method: 'POST',
  path: '/api/community/panel/rounds/:roundId/signup',
  auth: 'member',
  summary: 'Sign up for a panel round (panel members only)',
  params: z.object({ roundId: z.coerce.number().int().positive() }),
  response: MyPanelRound,
});

export const reviewPanelRound = defineRoute({
  method: 'POST',
  path: '/api/community/panel/rounds/:roundId/review',
  auth: 'member',
  summary: 'Submit (or correct) the structured review of a round one signed up for',
  params: z.object({ roundId: z.coerce.number().int().positive() }),
  body: ReviewAnswers,
  response: MyPanelRound,
});
