/**
 * The customer's voice and the front line (issue 20):
 *  - feedback: one-tap ratings after a pickup or a receipt (class ratings come from the classes
 *    module), the 意见箱 any time, sorted by an editable keyword classifier; the ops inbox
 *    (assign → answer through the clerk or in the mini-program → resolve → publish as 「你说我改」);
 *    topic heat per store and week, NPS per store and month;
 *  - churn: a risk score per member against their own rhythm, lost-customer alerts, churn causes
 *    with a win-back journey per cause and the recovered rate per cause;
 *  - arrival copilot: the store's shift roster and the 「刚到店」 notices for the clerk on duty.
 */
import { z } from 'zod';
import { defineRoute, IsoDateTime, PageQuery, pageOf, STORE_OPS } from './route';

const Id = z.coerce.number().int().positive().max(2_147_483_647);

export const TOPICS = ['product', 'service', 'price', 'environment', 'praise'] as const;
export type Topic = (typeof TOPICS)[number];
export const TOPIC_LABELS: Record<Topic, string> = { product: '商品', service: '服务', price: '价格', environment: '环境', praise: '表扬' };
export const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;
export type Sentiment = (typeof SENTIMENTS)[number];
export const SENTIMENT_LABELS: Record<Sentiment, string> = { positive: '正面', neutral: '中性', negative: '负面' };

export const FEEDBACK_SOURCES = ['class', 'pickup', 'receipt', 'box'] as const;
export const SOURCE_LABELS: Record<(typeof FEEDBACK_SOURCES)[number], string> = { class: '课程评价', pickup: '提货评价', receipt: '购物评价', box: '意见箱' };
export const FEEDBACK_STATUSES = ['new', 'assigned', 'answered', 'resolved'] as const;
export const STATUS_LABELS: Record<(typeof FEEDBACK_STATUSES)[number], string> = { new: '待处理', assigned: '已分派', answered: '已回复', resolved: '已解决' };

export const CHURN_CAUSES = ['need_changed', 'service', 'competitor_price', 'too_many_messages', 'other'] as const;
export type ChurnCause = (typeof CHURN_CAUSES)[number];
export const CHURN_CAUSE_LABELS: Record<ChurnCause, string> = {
  need_changed: '需求变化（如孩子长大）',
  service: '服务不满意',
  competitor_price: '别家更便宜',
  too_many_messages: '消息太多被打扰',
  other: '其他原因',
};

// ---------------------------------------------------------------- member side

export const FeedbackPrompt = z.object({
  id: z.number().int(),
  kind: z.enum(['pickup', 'receipt']),
  /** 「提货：年夜饭套餐A」/「12月3日 滨江店购物」. */
  title: z.string(),
  createdAt: IsoDateTime,
});
export type FeedbackPrompt = z.infer<typeof FeedbackPrompt>;

/** A photo on a feedback note (the member's own upload). */
export const FeedbackPhoto = z.object({ url: z.string(), thumbUrl: z.string() });
export const FEEDBACK_MAX_PHOTOS = 3;

export const MyFeedback = z.object({
  id: z.number().int(),
  source: z.enum(FEEDBACK_SOURCES),
  title: z.string().nullable(),
  rating: z.number().int().nullable(),
  comment: z.string().nullable(),
  photos: z.array(FeedbackPhoto).default([]),
  status: z.enum(FEEDBACK_STATUSES),
  /** The store's answer (also sent by the clerk in WeCom when answered that way). */
  answer: z.string().nullable(),
  answeredAt: IsoDateTime.nullable(),
  createdAt: IsoDateTime,
});
export type MyFeedback = z.infer<typeof MyFeedback>;

export const listMyPrompts = defineRoute({
  method: 'GET',
  path: '/api/feedback/prompts',
  auth: 'member',
  summary: 'Moments waiting for the member’s one-tap rating (pickups, receipts of the last 14 days).',
  response: z.object({ items: z.array(FeedbackPrompt) }),
});

export const submitFeedback = defineRoute({
  method: 'POST',
  path: '/api/feedback',
  auth: 'member',
  summary: 'A rating for a prompt (1–5 stars, optional comment and 0–10 recommendation) or a 意见箱 note (comment required).',
  body: z
    .object({
      promptId: Id.optional(),
      rating: z.number().int().min(1).max(5).optional(),
      recommend: z.number().int().min(0).max(10).optional(),
      comment: z.string().trim().max(500, '意见最多500字').optional(),
      /** Ids of images the member uploaded through /api/uploads/images (their own, at most 3). */
      photoIds: z.array(Id).max(FEEDBACK_MAX_PHOTOS, `最多上传${FEEDBACK_MAX_PHOTOS}张照片`).optional(),
    })
    .refine((b) => (b.promptId ? b.rating !== undefined : !!b.comment), { message: '请填写意见内容', path: ['comment'] }),
  response: MyFeedback,
});

export const listMyFeedback = defineRoute({
  method: 'GET',
  path: '/api/feedback/mine',
  auth: 'member',
  summary: 'The member’s feedback, newest first, with the store’s answers.',
  response: z.object({ items: z.array(MyFeedback) }),
});

export const PublishedChange = z.object({
  id: z.number().int(),
  storeName: z.string().nullable(),
  topic: z.enum(TOPICS).nullable(),
  /** 「你说」: the anonymised gist of what members said. */
  said: z.string(),
  /** 「我改」: what the store changed. */
  changed: z.string(),
  publishedAt: IsoDateTime,
});
export type PublishedChange = z.infer<typeof PublishedChange>;

export const listChanges = defineRoute({
  method: 'GET',
  path: '/api/feedback/changes',
  auth: 'public',
  summary: '「你说我改」: feedback the stores acted on, anonymised, newest first.',
  query: PageQuery,
  response: pageOf(PublishedChange),
});

/** Mini-program pages the feedback subscribe messages open. */
export const FEEDBACK_RATE_PAGE = 'packages/feedback/rate/index';
export const FEEDBACK_BOX_PAGE = 'packages/feedback/box/index';

/** The feedback subscribe-message templates (both fit in one wx.requestSubscribeMessage call). */
export const FeedbackTemplates = z.object({
  /** 「评价提醒」: sent after a class, a pickup or a receipt; opens the one-tap rating. */
  rating: z.string(),
  /** 「反馈回复通知」: sent when the store answers the member's feedback; opens 我的反馈. */
  answer: z.string(),
});
export const FeedbackSubscribeCredits = z.object({
  /** Messages of each kind the member can still receive (one per accept, as WeChat counts them). */
  rating: z.number().int(),
  answer: z.number().int(),
});

export const feedbackSubscribeTemplates = defineRoute({
  method: 'GET',
  path: '/api/feedback/subscribe-templates',
  auth: 'member',
  summary: 'Template ids to pass to wx.requestSubscribeMessage (rating prompts, answers), and the accepts the member has left.',
  response: FeedbackTemplates.extend({ credits: FeedbackSubscribeCredits }),
});

export const acceptFeedbackSubscribe = defineRoute({
  method: 'POST',
  path: '/api/feedback/subscribe-accepts',
  auth: 'member',
  summary: 'What the member accepted in wx.requestSubscribeMessage just before (true = accept): each accept is one message later.',
  body: z.object({ rating: z.boolean().default(false), answer: z.boolean().default(false) }),
  response: FeedbackSubscribeCredits,
});

export const getPersonalisation = defineRoute({
  method: 'GET',
  path: '/api/me/personalisation',
  auth: 'member',
  summary: 'Whether staff get personalised suggestions (and 「刚到店」 notices) about the member.',
  response: z.object({ personalised: z.boolean() }),
});

export const setPersonalisation = defineRoute({
  method: 'PUT',
  path: '/api/me/personalisation',
  auth: 'member',
  summary: 'Opt in or out of personalisation (arrival notices, suggestions to staff).',
  body: z.object({ personalised: z.boolean() }),
  response: z.object({ personalised: z.boolean() }),
});

// ---------------------------------------------------------------- ops: inbox

export const FeedbackView = z.object({
  id: z.number().int(),
  memberId: z.number().int().nullable(),
  memberName: z.string().nullable(),
  memberTier: z.string().nullable(),
  storeId: z.number().int().nullable(),
  storeName: z.string().nullable(),
  source: z.enum(FEEDBACK_SOURCES),
  title: z.string().nullable(),
  rating: z.number().int().nullable(),
  recommend: z.number().int().nullable(),
  comment: z.string().nullable(),
  photos: z.array(FeedbackPhoto).default([]),
  topics: z.array(z.enum(TOPICS)),
  sentiment: z.enum(SENTIMENTS),
  /** Keywords the classifier matched (why these topics). */
  matched: z.array(z.string()),
  status: z.enum(FEEDBACK_STATUSES),
  assigneeId: z.number().int().nullable(),
  assigneeName: z.string().nullable(),
  answer: z.string().nullable(),
  answeredVia: z.enum(['clerk', 'miniprogram']).nullable(),
  answeredAt: IsoDateTime.nullable(),
  resolvedAt: IsoDateTime.nullable(),
  published: z.boolean(),
  createdAt: IsoDateTime,
});
export type FeedbackView = z.infer<typeof FeedbackView>;

export const listFeedback = defineRoute({
  method: 'GET',
  path: '/api/admin/feedback',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'The feedback inbox (store managers: their store), newest first.',
  query: PageQuery.extend({
    status: z.enum(FEEDBACK_STATUSES).optional(),
    topic: z.enum(TOPICS).optional(),
    sentiment: z.enum(SENTIMENTS).optional(),
    storeId: Id.optional(),
  }),
  response: pageOf(FeedbackView),
});

export const FeedbackDetail = FeedbackView.extend({
  /** The member's earlier feedback (newest first). */
  history: z.array(FeedbackView.pick({ id: true, source: true, rating: true, comment: true, sentiment: true, topics: true, createdAt: true })),
  /** The member's recent activity across domains. */
  activity: z.array(z.object({ at: IsoDateTime, text: z.string(), kind: z.string() })),
  /** Staff who may be assigned (the store's staff). */
  assignable: z.array(z.object({ id: z.number().int(), name: z.string(), role: z.string() })),
  /** Whether the member has a clerk in WeCom to answer through. */
  clerk: z.object({ name: z.string(), userId: z.string() }).nullable(),
});
export type FeedbackDetail = z.infer<typeof FeedbackDetail>;

export const getFeedback = defineRoute({
  method: 'GET',
  path: '/api/admin/feedback/:feedbackId',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'One feedback with the member’s history beside it.',
  params: z.object({ feedbackId: Id }),
  response: FeedbackDetail,
});

export const assignFeedback = defineRoute({
  method: 'POST',
  path: '/api/admin/feedback/:feedbackId/assign',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Assign to a staff member of the store.',
  params: z.object({ feedbackId: Id }),
  body: z.object({ staffId: Id }),
  response: FeedbackDetail,
});

export const answerFeedback = defineRoute({
  method: 'POST',
  path: '/api/admin/feedback/:feedbackId/answer',
  auth: 'staff',
  roles: STORE_OPS,
  summary:
    'Answer: through the member’s clerk in WeCom (a private message the clerk confirms) or in the mini-program only; the member sees it in 我的反馈 either way.',
  params: z.object({ feedbackId: Id }),
  body: z.object({ text: z.string().trim().min(1, '请填写回复内容').max(500), via: z.enum(['clerk', 'miniprogram']) }),
  response: FeedbackDetail,
});

export const resolveFeedback = defineRoute({
  method: 'POST',
  path: '/api/admin/feedback/:feedbackId/resolve',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Mark resolved.',
  params: z.object({ feedbackId: Id }),
  response: FeedbackDetail,
});

export const publishFeedback = defineRoute({
  method: 'POST',
  path: '/api/admin/feedback/:feedbackId/publish',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Publish as 「你说我改」 (anonymised text written by ops; no name, no original wording required).',
  params: z.object({ feedbackId: Id }),
  body: z.object({ said: z.string().trim().min(1, '请填写「你说」').max(200), changed: z.string().trim().min(1, '请填写「我改」').max(300) }),
  response: FeedbackDetail,
});

export const feedbackInsights = defineRoute({
  method: 'GET',
  path: '/api/admin/feedback-insights',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Topic heat per store and week (last N weeks) and NPS per store and month (last 6 months).',
  query: z.object({ weeks: z.coerce.number().int().min(1).max(26).default(8) }),
  response: z.object({
    /** week = Monday (Beijing) as YYYY-MM-DD. */
    heat: z.array(
      z.object({
        storeId: z.number().int().nullable(),
        storeName: z.string().nullable(),
        week: z.string(),
        topic: z.enum(TOPICS),
        count: z.number().int(),
        negative: z.number().int(),
      }),
    ),
    nps: z.array(
      z.object({
        storeId: z.number().int().nullable(),
        storeName: z.string().nullable(),
        month: z.string(),
        responses: z.number().int(),
        promoters: z.number().int(),
        passives: z.number().int(),
        detractors: z.number().int(),
        nps: z.number().int(),
      }),
    ),
  }),
});

export const ClassifierRule = z.object({
  keyword: z.string().trim().min(1).max(20),
  topic: z.enum(TOPICS).nullable(),
  /** -1 negative, 0 neutral, 1 positive. */
  polarity: z.union([z.literal(-1), z.literal(0), z.literal(1)]),
});
export type ClassifierRule = z.infer<typeof ClassifierRule>;

export const getClassifier = defineRoute({
  method: 'GET',
  path: '/api/admin/feedback-classifier',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'The keyword rules that sort feedback into topics and sentiment.',
  response: z.object({ rules: z.array(ClassifierRule), isDefault: z.boolean() }),
});

export const updateClassifier = defineRoute({
  method: 'PUT',
  path: '/api/admin/feedback-classifier',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Replace the rules (empty list = restore the defaults). New feedback is sorted by them; `reclassify` sorts the existing feedback again.',
  body: z.object({ rules: z.array(ClassifierRule).max(500), reclassify: z.boolean().default(false) }),
  response: z.object({ rules: z.array(ClassifierRule), isDefault: z.boolean(), reclassified: z.number().int() }),
});

export const tryClassifier = defineRoute({
  method: 'POST',
  path: '/api/admin/feedback-classifier/try',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Classify a sample text with the current rules.',
  body: z.object({ text: z.string().max(500), rating: z.number().int().min(1).max(5).optional() }),
  response: z.object({ topics: z.array(z.enum(TOPICS)), sentiment: z.enum(SENTIMENTS), matched: z.array(z.string()) }),
});

// ---------------------------------------------------------------- ops: churn

export const ChurnRisk = z.object({
  memberId: z.number().int(),
  memberName: z.string().nullable(),
  tier: z.string().nullable(),
  storeId: z.number().int().nullable(),
  storeName: z.string().nullable(),
  /** 0–100. */
  score: z.number().int(),
  level: z.enum(['high', 'medium', 'low']),
  /** Why, in Chinese: 「已42天没有到店（平时约每7天一次）」. */
  reasons: z.array(z.string()),
  lastActiveAt: IsoDateTime.nullable(),
  /** The cause ops recorded, when there is an open case. */
  cause: z.enum(CHURN_CAUSES).nullable(),
  /** The cause the signals point to (too_many_messages: N messages in a row without a reply or visit). */
  suggestedCause: z.enum(CHURN_CAUSES).nullable().default(null),
});
export type ChurnRisk = z.infer<typeof ChurnRisk>;

export const listChurnRisks = defineRoute({
  method: 'GET',
  path: '/api/admin/churn/risks',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Members at risk (score ≥ minScore), highest first, each with the reasons.',
  query: z.object({
    storeId: Id.optional(),
    minScore: z.coerce.number().int().min(1).max(100).default(30),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  }),
  response: z.object({ items: z.array(ChurnRisk), scanned: z.number().int() }),
});

export const ChurnCase = z.object({
  id: z.number().int(),
  memberId: z.number().int(),
  memberName: z.string().nullable(),
  storeName: z.string().nullable(),
  cause: z.enum(CHURN_CAUSES),
  note: z.string().nullable(),
  journeyId: z.number().int().nullable(),
  journeyName: z.string().nullable(),
  /** Whether the member enrolled in the win-back journey (needs a WeCom contact). */
  enrolled: z.boolean(),
  recordedAt: IsoDateTime,
  recordedBy: z.string().nullable(),
  /** First interaction, visit or purchase after the case was recorded. */
  recoveredAt: IsoDateTime.nullable(),
  /** 消息太多: the member's automated journey messages were stopped (the clerk writes personally instead). */
  quieted: z.boolean().default(false),
});
export type ChurnCase = z.infer<typeof ChurnCase>;

export const recordChurnCause = defineRoute({
  method: 'POST',
  path: '/api/admin/churn/cases',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Record why a member left (one of the four causes or their own words) and start the win-back journey chosen for that cause (or the one given).',
  body: z
    .object({ memberId: Id, cause: z.enum(CHURN_CAUSES), note: z.string().trim().max(200).optional(), journeyId: Id.nullable().optional() })
    .refine((b) => b.cause !== 'other' || !!b.note, { message: '选择「其他原因」时请填写原因', path: ['note'] }),
  response: ChurnCase,
});

export const listChurnCases = defineRoute({
  method: 'GET',
  path: '/api/admin/churn/cases',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Recorded churn causes, newest first, and the recovered rate per cause.',
  query: PageQuery,
  response: pageOf(ChurnCase).extend({
    byCause: z.array(z.object({ cause: z.enum(CHURN_CAUSES), cases: z.number().int(), recovered: z.number().int(), rate: z.number() })),
  }),
});

export const getWinback = defineRoute({
  method: 'GET',
  path: '/api/admin/churn/winback',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'The win-back journey chosen per cause, and the journeys to choose from.',
  response: z.object({
    byCause: z.array(z.object({ cause: z.enum(CHURN_CAUSES), journeyId: z.number().int().nullable() })),
    journeys: z.array(z.object({ id: z.number().int(), name: z.string(), active: z.boolean() })),
  }),
});

export const setWinback = defineRoute({
  method: 'PUT',
  path: '/api/admin/churn/winback',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Choose the win-back journey per cause (null = none).',
  body: z.object({ byCause: z.array(z.object({ cause: z.enum(CHURN_CAUSES), journeyId: Id.nullable() })).max(CHURN_CAUSES.length) }),
  response: getWinback.response,
});

export const LostAlert = z.object({
  id: z.number().int(),
  externalUserId: z.string(),
  customerName: z.string().nullable(),
  memberId: z.number().int().nullable(),
  staffName: z.string().nullable(),
  storeName: z.string().nullable(),
  reason: z.enum(['customer_deleted', 'staff_deleted']),
  /** The customer's last activities when the alert was raised. */
  lastActivities: z.array(z.object({ at: IsoDateTime, text: z.string() })),
  at: IsoDateTime,
});
export type LostAlert = z.infer<typeof LostAlert>;

export const listLostAlerts = defineRoute({
  method: 'GET',
  path: '/api/admin/churn/lost',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Customers who deleted (or were deleted by) a clerk in WeCom, newest first.',
  query: PageQuery,
  response: pageOf(LostAlert),
});

// ---------------------------------------------------------------- roster and arrivals

export const RosterEntry = z.object({
  staffId: Id,
  /** 1 = Monday … 7 = Sunday (Beijing). */
  weekday: z.number().int().min(1).max(7),
  start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式为 HH:mm'),
  end: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, '时间格式为 HH:mm'),
});
export type RosterEntry = z.infer<typeof RosterEntry>;

const RosterView = z.object({
  storeId: z.number().int(),
  storeName: z.string().nullable(),
  entries: z.array(RosterEntry.extend({ staffName: z.string() })),
  staff: z.array(z.object({ id: z.number().int(), name: z.string(), role: z.string(), wecomUserId: z.string().nullable() })),
  /** Staff on shift right now. */
  onShift: z.array(z.object({ id: z.number().int(), name: z.string() })),
});

export const getRoster = defineRoute({
  method: 'GET',
  path: '/api/admin/stores/:storeId/roster',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'The store’s weekly shift roster (who is on shift when) and who is on shift now.',
  params: z.object({ storeId: Id }),
  response: RosterView,
});

export const setRoster = defineRoute({
  method: 'PUT',
  path: '/api/admin/stores/:storeId/roster',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Replace the store’s weekly roster.',
  params: z.object({ storeId: Id }),
  body: z
    .object({ entries: z.array(RosterEntry).max(300) })
    .refine((b) => b.entries.every((e) => e.start < e.end), { message: '下班时间要晚于上班时间', path: ['entries'] }),
  response: RosterView,
});

export const ArrivalView = z.object({
  id: z.number().int(),
  memberId: z.number().int(),
  memberName: z.string().nullable(),
  tier: z.string().nullable(),
  storeName: z.string().nullable(),
  via: z.enum(['member_code', 'checkin', 'pickup']),
  at: IsoDateTime,
  /** Profile line: tier, household, tags. */
  profile: z.string(),
  suggestion: z.string().nullable(),
  reason: z.string().nullable(),
  /** WeCom userids notified (the clerks on shift). */
  notified: z.array(z.string()),
  /** The member's WeCom contact with the viewer's store, to open the chat. */
  externalUserId: z.string().nullable(),
});
export type ArrivalView = z.infer<typeof ArrivalView>;

export const listArrivals = defineRoute({
  method: 'GET',
  path: '/api/admin/arrivals',
  auth: 'staff',
  roles: STORE_OPS,
  summary: 'Recent arrivals (store managers: their store), newest first.',
  query: PageQuery.extend({ storeId: Id.optional() }),
  response: pageOf(ArrivalView),
});

export const sidebarArrivals = defineRoute({
  method: 'GET',
  path: '/api/sidebar/arrivals',
  auth: 'staff',
  summary: '「刚到店」: members who arrived at the staff member’s store in the last 3 hours, with profile and the top suggestion.',
  response: z.object({ items: z.array(ArrivalView), onShift: z.boolean() }),
});

export const sidebarChurnRisk = defineRoute({
  method: 'GET',
  path: '/api/sidebar/contacts/:externalUserId/churn-risk',
  auth: 'staff',
  summary: 'The churn risk of the member behind the contact (null when not a member or no risk).',
  params: z.object({ externalUserId: z.string().min(1).max(64) }),
  response: z.object({ risk: ChurnRisk.nullable() }),
});
