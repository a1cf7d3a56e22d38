import { z } from 'zod';
import { defineRoute, IsoDateTime, PageQuery, pageOf } from './route';

const Signature = z.object({ timestamp: z.number().int(), nonceStr: z.string(), signature: z.string() });

export const jssdkSignature = defineRoute({
  method: 'POST',
  path: '/api/wecom/jssdk/signature',
  auth: 'staff',
  summary: 'Signatures for ww.register: corp (jsapi_ticket) and agent (agent_config ticket) for the page URL.',
  body: z.object({ url: z.string().url().max(1024) }),
  response: z.object({ corpId: z.string(), agentId: z.string(), corp: Signature, agent: Signature }),
});

export const SidebarActivity = z.object({
  at: IsoDateTime,
  /** Chinese text for the clerk, e.g. 「报名「手工水饺」（12月3日 14:00）」. */
  text: z.string(),
  /** Domain-specific kind (registered, class_no_show, contest_votes, coupon_issued, wecom_added, …). */
  kind: z.string(),
});
export type SidebarActivity = z.infer<typeof SidebarActivity>;

export const SidebarOffer = z.object({
  /** Which rule produced it: pickup_missed, pickup_reminder, unpaid_order, pickup_feedback, class_reminder, waitlist_reassure, no_show_checkin, wake_coupon, caring_hello, contest_invite, nye_preorder, tier. */
  key: z.string(),
  /** What to offer / say. */
  text: z.string(),
  /** 为什么推荐: the fact behind it. */
  reason: z.string(),
});
export type SidebarOffer = z.infer<typeof SidebarOffer>;

export const SidebarContactView = z.object({
  externalUserId: z.string(),
  name: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  /** The member linked to this WeCom contact (by unionid), when there is one. */
  member: z
    .object({
      id: z.number().int(),
      nickname: z.string().nullable(),
      tier: z.string(),
      storeName: z.string().nullable(),
      householdName: z.string().nullable(),
      tags: z.array(z.string()),
      /** The member's timeline across domains (registration, contest, classes, journeys, WeCom), newest first, at most 15. */
      recentActivity: z.array(SidebarActivity),
      /** What to bring up next, best first (at most 3), each with why; empty when nothing fits. */
      offers: z.array(SidebarOffer),
    })
    .nullable(),
});
export type SidebarContactView = z.infer<typeof SidebarContactView>;

export const sidebarContact = defineRoute({
  method: 'GET',
  path: '/api/sidebar/contacts/:externalUserId',
  auth: 'staff',
  summary:
    'Who the staff member is talking to: contact, linked member, tier, tags, the member timeline across domains and up to 3 next best offers with their reasons.',
  params: z.object({ externalUserId: z.string().min(1).max(64) }),
  response: SidebarContactView,
});

// ============================================================================================
// WeCom engine (issue 6): callback endpoint, channel codes (渠道活码), welcome log, corp tags,
// outbound effects and the platform call log. Ops routes live under /api/admin/wecom.
// ============================================================================================

/**
 * WeCom posts `change_external_contact` (and other) events here: GET = URL verification (answers
 * the decrypted echostr as text/plain), POST = encrypted XML (answers `success` as text/plain).
 * Not a JSON route, so it is not a defineRoute contract; configure this path in the WeCom console.
 */
export const WECOM_CALLBACK_PATH = '/api/wecom/callback';

/** Placeholders a welcome text may use; filled from our database only (the welcome is sent before any contact lookup). */
export const WELCOME_PLACEHOLDERS = ['{客户称呼}', '{员工姓名}', '{门店}', '{推荐人}'] as const;

export const WelcomeAttachment = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('miniprogram'),
    title: z.string().trim().min(1).max(64),
    /** Mini-program appid (must be bound to the corp). */
    appid: z.string().min(1).max(64),
    /** Page path with query, e.g. pages/index/index?from=channel */
    page: z.string().min(1).max(256),
    /** Cover image media_id (uploaded to WeCom, valid 3 days) — or leave empty to use picUrl. */
    picMediaId: z.string().max(256).optional(),
    picUrl: z.string().url().max(512).optional(),
  }),
  z.object({ type: z.literal('image'), picUrl: z.string().url().max(512) }),
  z.object({
    type: z.literal('link'),
    title: z.string().trim().min(1).max(128),
    url: z.string().url().max(1024),
    desc: z.string().max(512).optional(),
    picUrl: z.string().url().max(512).optional(),
  }),
]);
export type WelcomeAttachment = z.infer<typeof WelcomeAttachment>;

export const WelcomeContent = z.object({
  /** Up to 4000 characters; may use WELCOME_PLACEHOLDERS. Empty = attachments only. */
  text: z.string().max(4000).default(''),
  /** At most 9 attachments (WeCom's limit). */
  attachments: z.array(WelcomeAttachment).max(9).default([]),
});
export type WelcomeContent = z.infer<typeof WelcomeContent>;

export const CHANNEL_KINDS = ['store', 'class', 'group', 'referral', 'poster', 'other'] as const;
export const ChannelKind = z.enum(CHANNEL_KINDS);
/** How ops and staff call each kind (ops page, enrolment reasons). */
export const CHANNEL_KIND_LABELS: Record<(typeof CHANNEL_KINDS)[number], string> = {
  store: '门店',
  class: '课程海报',
  group: '社群',
  referral: '会员推荐',
  poster: '宣传海报',
  other: '其他',
};

const WecomUserId = z.string().trim().min(1).max(64);

export const ChannelStats = z.object({
  /** Customers who added staff through this channel (all time). */
  adds: z.number().int(),
  /** Of those, how many later deleted or were deleted by staff. */
  deletes: z.number().int(),
  addsToday: z.number().int(),
  /** Adds at least 7 days old, and how many of them are still friends 7 days after adding. */
  retention7d: z.object({ eligible: z.number().int(), retained: z.number().int(), rate: z.number().nullable() }),
});

export const ChannelView = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: ChannelKind,
  /** The contact way's `state` (≤ 30 chars): WeCom echoes it in the add callback; the source of truth for attribution. */
  state: z.string(),
  /** WeCom's handle of the contact way (null while it is being created or after deletion). */
  configId: z.string().nullable(),
  /** QR code image URL from WeCom (print it on posters / show it in the store). */
  qrCode: z.string().nullable(),
  type: z.enum(['single', 'multi']),
  skipVerify: z.boolean(),
  staffUserIds: z.array(z.string()),
  backupUserIds: z.array(z.string()),
  /** Adds per staff member per Asia/Shanghai day before new adds go to the backup staff; 0 = no cap. */
  dailyCapPerStaff: z.number().int(),
  /** Who the contact way currently routes to (staff at their cap are swapped for backup staff). */
  routedUserIds: z.array(z.string()),
  /** Display names of the staff above by WeCom userid (detail view only). */
  staffNames: z.record(z.string(), z.string()).optional(),
  tagNames: z.array(z.string()),
  welcome: WelcomeContent,
  storeId: z.number().int().nullable(),
  /** Set for a member's personal referral code. */
  referrerMemberId: z.number().int().nullable(),
  active: z.boolean(),
  stats: ChannelStats,
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type ChannelView = z.infer<typeof ChannelView>;

const ChannelInput = z.object({
  name: z.string().trim().min(1, '请填写渠道名称').max(40),
  kind: ChannelKind,
  type: z.enum(['single', 'multi']).default('multi'),
  skipVerify: z.boolean().default(true),
  staffUserIds: z.array(WecomUserId).min(1, '至少选择一名接待员工').max(100),
  backupUserIds: z.array(WecomUserId).max(100).default([]),
  dailyCapPerStaff: z.number().int().min(0).max(10000).default(0),
  tagNames: z.array(z.string().trim().min(1).max(30)).max(20).default([]),
  welcome: WelcomeContent,
  storeId: z.number().int().positive().nullable().default(null),
});

export const listChannels = defineRoute({
  method: 'GET',
  path: '/api/admin/wecom/channels',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary:
    "渠道活码 list with add / delete / 7-day retention counts; store managers see their store's channels. Personal referral codes are hidden unless kind=referral.",
  query: PageQuery.extend({ kind: ChannelKind.optional(), q: z.string().trim().max(40).optional() }),
  response: pageOf(ChannelView),
});

export const getChannel = defineRoute({
  method: 'GET',
  path: '/api/admin/wecom/channels/:channelId',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'One channel with its counts.',
  params: z.object({ channelId: z.coerce.number().int().positive() }),
  response: ChannelView,
});

export const createChannel = defineRoute({
  method: 'POST',
  path: '/api/admin/wecom/channels',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary:
    'Create a channel code: calls add_contact_way with a generated state, stores config_id and the QR code. The state may be given (≤ 30 chars, letters/digits/_-).',
  body: ChannelInput.extend({
    state: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,30}$/, 'state 仅限30位以内字母、数字、_、-')
      .optional(),
  }),
  response: ChannelView,
});

export const updateChannel = defineRoute({
  method: 'PATCH',
  path: '/api/admin/wecom/channels/:channelId',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'Edit staff / backup / cap / tags / welcome; staff changes are pushed with update_contact_way. The state never changes.',
  params: z.object({ channelId: z.coerce.number().int().positive() }),
  body: ChannelInput.partial(),
  response: ChannelView,
});

export const deleteChannel = defineRoute({
  method: 'DELETE',
  path: '/api/admin/wecom/channels/:channelId',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'Retire a channel: del_contact_way in WeCom; the row and its attribution history stay (inactive).',
  params: z.object({ channelId: z.coerce.number().int().positive() }),
  response: z.object({ ok: z.literal(true) }),
});

export const ChannelContactItem = z.object({
  externalUserId: z.string(),
  name: z.string().nullable(),
  staffUserId: z.string(),
  memberId: z.number().int().nullable(),
  addedAt: IsoDateTime,
  deletedAt: IsoDateTime.nullable(),
  welcomeDelayMs: z.number().int().nullable(),
  /** For people: the clerk's display name and the member's nickname (or masked phone). */
  staffName: z.string().nullable().optional(),
  memberName: z.string().nullable().optional(),
});

export const listChannelContacts = defineRoute({
  method: 'GET',
  path: '/api/admin/wecom/channels/:channelId/contacts',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'Customers attributed to the channel, newest first.',
  params: z.object({ channelId: z.coerce.number().int().positive() }),
  query: PageQuery,
  response: pageOf(ChannelContactItem),
});

export const myReferralCode = defineRoute({
  method: 'POST',
  path: '/api/me/referral-code',
  auth: 'member',
  summary:
    "The member's personal WeCom referral code (created on first call from the referral template channel; state ref_<memberId>). Friends who add staff through it are attributed to the member.",
  response: z.object({ state: z.string(), qrCode: z.string().nullable(), staffName: z.string().nullable() }),
});

export const WELCOME_STATUSES = ['sent', 'already_sent', 'other_app_sending', 'expired', 'failed', 'no_code'] as const;

export const WelcomeItem = z.object({
  id: z.number().int(),
  externalUserId: z.string(),
  staffUserId: z.string(),
  channelName: z.string().nullable(),
  /** When WeCom says the customer added staff (CreateTime). */
  eventAt: IsoDateTime,
  sentAt: IsoDateTime.nullable(),
  /** Event time -> send_welcome_msg answered, in ms (CreateTime has whole seconds, so up to 1 s more than the truth). */
  delayMs: z.number().int().nullable(),
  /** Callback received -> send_welcome_msg answered, in ms (our own processing time). */
  processingMs: z.number().int().nullable(),
  status: z.enum(WELCOME_STATUSES),
  errcode: z.number().int().nullable(),
  /** For people: the customer's WeCom name and the clerk's display name. */
  customerName: z.string().nullable().optional(),
  staffName: z.string().nullable().optional(),
});

export const listWelcomes = defineRoute({
  method: 'GET',
  path: '/api/admin/wecom/welcomes',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: '欢迎语 log: every welcome with its delay and outcome, plus p50/p99 delay of those sent in the period.',
  query: PageQuery.extend({ status: z.enum(WELCOME_STATUSES).optional(), channelId: z.coerce.number().int().positive().optional() }),
  response: pageOf(WelcomeItem).extend({
    p50Ms: z.number().int().nullable(),
    p99Ms: z.number().int().nullable(),
    sent: z.number().int(),
    notSent: z.number().int(),
  }),
});

export const CallbackItem = z.object({
  id: z.number().int(),
  event: z.string(),
  changeType: z.string().nullable(),
  externalUserId: z.string().nullable(),
  staffUserId: z.string().nullable(),
  eventAt: IsoDateTime,
  receivedAt: IsoDateTime,
  status: z.enum(['pending', 'processing', 'done', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  customerName: z.string().nullable().optional(),
  staffName: z.string().nullable().optional(),
});

export const listCallbacks = defineRoute({
  method: 'GET',
  path: '/api/admin/wecom/callbacks',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'The durable callback inbox (newest first), for troubleshooting.',
  query: PageQuery.extend({ status: z.enum(['pending', 'processing', 'done', 'failed']).optional() }),
  response: pageOf(CallbackItem),
});

export const OUTBOUND_STATUSES = ['pending', 'sending', 'sent', 'failed', 'cancelled'] as const;

export const OutboundItem = z.object({
  id: z.number().int(),
  kind: z.string(),
  idemKey: z.string(),
  status: z.enum(OUTBOUND_STATUSES),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: IsoDateTime,
  sentAt: IsoDateTime.nullable(),
});

export const listOutbound = defineRoute({
  method: 'GET',
  path: '/api/admin/wecom/outbound',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Outgoing WeCom effects (mass messages, tag changes, contact way updates) with their exactly-once state and counts per status.',
  query: PageQuery.extend({ status: z.enum(OUTBOUND_STATUSES).optional(), kind: z.string().max(32).optional() }),
  response: pageOf(OutboundItem).extend({ counts: z.record(z.string(), z.number().int()) }),
});

export const listPlatformCalls = defineRoute({
  method: 'GET',
  path: '/api/admin/wecom/calls',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'The last 200 WeCom API calls of this instance (api, errcode, outcome, ms; never tokens or secrets).',
  response: z.object({
    items: z.array(
      z.object({
        at: IsoDateTime,
        api: z.string(),
        errcode: z.number().int().nullable(),
        outcome: z.enum(['ok', 'error', 'timeout', 'network', 'http', 'bad_response']),
        ms: z.number(),
      }),
    ),
  }),
});

export const CorpTagView = z.object({
  groupId: z.string(),
  groupName: z.string(),
  /** Tags we created may be edited/applied by us; others are read-only mirrors (WeCom: an app edits only its own tags). */
  createdByUs: z.boolean(),
  tags: z.array(z.object({ id: z.string(), name: z.string(), createdByUs: z.boolean(), contacts: z.number().int() })),
});

export const listCorpTags = defineRoute({
  method: 'GET',
  path: '/api/admin/wecom/corp-tags',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: "企业客户标签 mirror: groups and tags (ours and others'), with how many contacts carry each.",
  response: z.object({ groups: z.array(CorpTagView), syncedAt: IsoDateTime.nullable() }),
});

export const syncCorpTags = defineRoute({
  method: 'POST',
  path: '/api/admin/wecom/corp-tags/sync',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Pull get_corp_tag_list now (the nightly job does it too) and push our missing tags with add_corp_tag.',
  response: z.object({ groups: z.number().int(), tags: z.number().int(), created: z.number().int() }),
});

export const createCorpTags = defineRoute({
  method: 'POST',
  path: '/api/admin/wecom/corp-tags',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Create tags (in a group we own, created if missing) with add_corp_tag.',
  body: z.object({ groupName: z.string().trim().min(1).max(30), names: z.array(z.string().trim().min(1).max(30)).min(1).max(50) }),
  response: CorpTagView,
});
