/**
 * Insight (issue 16): the 概览 dashboard per role (HQ: chain or a store; store manager: their
 * store; group owner: their members), the community ROI board, drill-down segments with Excel
 * export, the figure settings ops set, and self-steering A/B tests on journey message steps.
 * Every figure's definition: docs/metrics.md.
 */
import { z } from 'zod';
import { defineRoute, IsoDateTime, OPS_AND_OWNERS } from './route';

const Id = z.coerce.number().int().positive().max(2_147_483_647);
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
const num = z.number();
const maybe = z.number().nullable();

export const PeriodQuery = z.object({
  /** First Shanghai day of the period (inclusive). */
  from: Day,
  /** Last Shanghai day of the period (inclusive). */
  to: Day,
  /** HQ only: one store instead of the chain. */
  storeId: Id.optional(),
});
export type PeriodQuery = z.infer<typeof PeriodQuery>;

const Ring = z.object({ radiate: num, interact: num, create: num });

export const Figures = z.object({
  scale: z.object({ members: num, households: num, newMembers: num, growthRate: maybe, penetration: maybe }),
  quality: z.object({
    activeMembers: num,
    dau: num,
    wau: num,
    mau: num,
    interactions: num,
    interactionRate: maybe,
    participants: num,
    participationRate: maybe,
  }),
  value: z.object({
    netSpendFen: num,
    purchases: num,
    buyers: num,
    repeatRate: maybe,
    avgBasketFen: maybe,
    frequency: maybe,
    ltv12Fen: maybe,
    cacFen: maybe,
    ltvCac: maybe,
    shareOfWallet: maybe,
    highMarginShare: maybe,
  }),
  flow: z.object({
    contactsAdded: num,
    contactsLost: num,
    newMembers: num,
    firstPurchaseConversion: maybe,
    silent30: num,
    silent60: num,
    silent90: num,
    wakeUpRate: maybe,
    kFactor: maybe,
  }),
  rings: z.object({ counts: Ring, moves: z.object({ radiate: Ring, interact: Ring, create: Ring }) }),
});
export type Figures = z.infer<typeof Figures>;

const Estimate = z.object({ did: num, low: num, high: num, treatedMeanBefore: num, treatedMeanAfter: num, controlMeanBefore: num, controlMeanAfter: num });
export const RoiView = z.object({ treated: num, matchedTreated: num, controls: num, cells: num, visits: Estimate.nullable(), spendFen: Estimate.nullable() });
export type RoiView = z.infer<typeof RoiView>;

export const Overview = z.object({
  /** chain | store:<id> | owner:<staffId> */
  scope: z.string(),
  scopeLabel: z.string(),
  from: Day,
  to: Day,
  previousFrom: Day,
  previousTo: Day,
  figures: Figures,
  previous: Figures,
  roi: z.object({ classes: RoiView, contests: RoiView }),
  /** One point per Shanghai day of the period. */
  series: z.array(z.object({ day: Day, active: num, newMembers: num, spendFen: num })),
  computedAt: IsoDateTime,
  stores: z.array(z.object({ id: z.number().int(), name: z.string() })),
});
export type Overview = z.infer<typeof Overview>;

export const getOverview = defineRoute({
  method: 'GET',
  path: '/api/admin/insight/overview',
  auth: 'staff',
  roles: OPS_AND_OWNERS,
  summary:
    "概览: every figure for the caller's scope and period, the previous period of equal length, the ROI board and a daily series. Served from the read model refreshed by the job (≤ 10 minutes old) or computed now.",
  query: PeriodQuery,
  response: Overview,
});

export const refreshOverview = defineRoute({
  method: 'POST',
  path: '/api/admin/insight/refresh',
  auth: 'staff',
  roles: OPS_AND_OWNERS,
  summary: 'Recompute the figures of a period now (on demand) and store them in the read model.',
  body: PeriodQuery,
  response: Overview,
});

export const runInsightRefresh = defineRoute({
  method: 'POST',
  path: '/api/admin/insight/refresh-all',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Run the read-model refresh job now (the default period of the chain, every store and every group owner), under its lease.',
  response: z.object({ ran: z.boolean(), scopes: num, ms: num }),
});

export const RoiMonth = z.object({
  /** YYYY-MM (Asia/Shanghai) */
  month: z.string(),
  classes: RoiView,
  contests: RoiView,
  computedAt: IsoDateTime,
  /** The 3 months after the month's start had passed when it was computed (the figure is final). */
  final: z.boolean(),
});
export type RoiMonth = z.infer<typeof RoiMonth>;

export const listRoiMonths = defineRoute({
  method: 'GET',
  path: '/api/admin/insight/roi-months',
  auth: 'staff',
  roles: OPS_AND_OWNERS,
  summary: "The community ROI board's monthly history of the caller's scope (chain or a store), newest first, as the nightly job stored it.",
  query: z.object({ storeId: Id.optional() }),
  response: z.object({ items: z.array(RoiMonth) }),
});

export const DRILL_FIGURES = [
  'members',
  'new_members',
  'active',
  'participants',
  'buyers',
  'repeaters',
  'silent30',
  'silent60',
  'silent90',
  'ring_radiate',
  'ring_interact',
  'ring_create',
] as const;
export const DRILL_LABELS: Record<(typeof DRILL_FIGURES)[number], string> = {
  members: '会员',
  new_members: '新会员',
  active: '活跃会员',
  participants: '社群参与会员',
  buyers: '购买会员',
  repeaters: '复购会员',
  silent30: '沉默30天',
  silent60: '沉默60天',
  silent90: '沉默90天',
  ring_radiate: '辐射层',
  ring_interact: '互动层',
  ring_create: '共创层',
};

export const SegmentQuery = PeriodQuery.extend({ figure: z.enum(DRILL_FIGURES) });

export const SegmentMember = z.object({
  id: z.number().int(),
  nickname: z.string().nullable(),
  storeName: z.string().nullable(),
  householdName: z.string().nullable(),
  tier: z.string(),
});

export const getSegment = defineRoute({
  method: 'GET',
  path: '/api/admin/insight/segment',
  auth: 'staff',
  roles: OPS_AND_OWNERS,
  summary: 'The members behind a figure (drill-down), first 200 shown, with the total.',
  query: SegmentQuery,
  response: z.object({ figure: z.enum(DRILL_FIGURES), label: z.string(), total: z.number().int(), items: z.array(SegmentMember) }),
});

export const exportSegment = defineRoute({
  method: 'GET',
  path: '/api/admin/insight/segment/export',
  auth: 'staff',
  roles: OPS_AND_OWNERS,
  summary: 'The members behind a figure as an Excel workbook (.xlsx, at most 10,000 rows). NOT JSON: fetch with the bearer header and save the body.',
  query: SegmentQuery,
  response: z.any().meta({
    description: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    contentMediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  }),
});

export const SavedSegment = z.object({
  id: z.number().int(),
  name: z.string(),
  figure: z.enum(DRILL_FIGURES),
  from: Day,
  to: Day,
  members: num,
  /** The tag its members were given (our tags sync to WeCom), once ops tagged it. */
  tagName: z.string().nullable(),
  createdAt: IsoDateTime,
});
export type SavedSegment = z.infer<typeof SavedSegment>;

export const saveSegment = defineRoute({
  method: 'POST',
  path: '/api/admin/insight/segments',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: "Save the members behind a figure (the drill-down) as a named segment of the caller's scope.",
  body: SegmentQuery.extend({ name: z.string().trim().min(1, '请填写人群名称').max(40) }),
  response: SavedSegment,
});

export const listSegments = defineRoute({
  method: 'GET',
  path: '/api/admin/insight/segments',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: "Saved segments of the caller's scope (HQ: all), newest first.",
  response: z.object({ items: z.array(SavedSegment) }),
});

export const exportSavedSegment = defineRoute({
  method: 'GET',
  path: '/api/admin/insight/segments/:segmentId/export',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: "A saved segment's members (as frozen when saved) as an Excel workbook (.xlsx). NOT JSON: fetch with the bearer header and save the body.",
  params: z.object({ segmentId: Id }),
  response: z.any().meta({
    description: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    contentMediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  }),
});

export const enrolSegment = defineRoute({
  method: 'POST',
  path: '/api/admin/insight/segments/:segmentId/journey',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary:
    "Use a segment as a journey's audience: enrol each member's WeCom contact in the journey now (members without a contact, or already in it, are skipped).",
  params: z.object({ segmentId: Id }),
  body: z.object({ journeyId: Id }),
  response: z.object({ enrolled: num, skipped: num }),
});

export const tagSegment = defineRoute({
  method: 'POST',
  path: '/api/admin/insight/segments/:segmentId/tag',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: "Give a segment's members one of our tags (granted by the tags module, pushed to their WeCom contacts with mark_tag).",
  params: z.object({ segmentId: Id }),
  body: z.object({ tag: z.string().trim().min(1, '请填写标签名').max(20) }),
  response: SavedSegment,
});

export const InsightSettings = z.object({
  householdFoodSpendFen: z.object({ with_children: z.number().int().min(0).max(100_000_000), adults: z.number().int().min(0).max(100_000_000) }),
  highMarginCategories: z.array(z.string().trim().min(1).max(20)).max(30),
  acquisitionCostFen: z.record(z.string().max(24), z.number().int().min(0).max(10_000_000)),
});
export type InsightSettings = z.infer<typeof InsightSettings>;

export const getInsightSettings = defineRoute({
  method: 'GET',
  path: '/api/admin/insight/settings',
  auth: 'staff',
  roles: OPS_AND_OWNERS,
  summary: 'Estimates and costs the figures use.',
  response: InsightSettings,
});
export const putInsightSettings = defineRoute({
  method: 'PUT',
  path: '/api/admin/insight/settings',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'HQ sets the household food-spend estimates, high-margin categories and acquisition cost per channel.',
  body: InsightSettings,
  response: InsightSettings,
});

// ---------------------------------------------------------------- A/B tests

export const AB_GOALS = ['reply', 'visit', 'purchase', 'redeem'] as const;
export type AbGoal = (typeof AB_GOALS)[number];
export const AB_GOAL_LABELS: Record<AbGoal, string> = { reply: '回复', visit: '到店', purchase: '购买', redeem: '核销优惠券' };
/** What a test varies: a message step's copy, or the coupon a coupon step issues. */
export const AB_KINDS = ['message', 'coupon'] as const;
export type AbKind = (typeof AB_KINDS)[number];
/** The goals each kind can have: a coupon's own redemption only makes sense for coupons, a reply for messages. */
export const AB_KIND_GOALS: Record<AbKind, readonly AbGoal[]> = { message: ['reply', 'visit', 'purchase'], coupon: ['redeem', 'purchase', 'visit'] };

export const AbVariantInput = z.object({
  label: z.string().trim().min(1).max(20),
  /** A message's copy, or a coupon's title (the copy the member sees on the coupon). */
  text: z.string().trim().min(1, '请填写文案').max(1000),
  /** Coupons only: the amount off and the minimum spend, in fen. */
  amountFen: z.coerce.number().int().min(1, '请填写面额').max(1_000_000).optional(),
  minSpendFen: z.coerce.number().int().min(0).max(10_000_000).optional(),
});
export type AbVariantInput = z.infer<typeof AbVariantInput>;

export const AbTestInput = z
  .object({
    name: z.string().trim().min(1, '请填写名称').max(40),
    kind: z.enum(AB_KINDS).default('message'),
    journeyId: Id,
    stepIndex: z.coerce.number().int().min(0).max(50),
    goal: z.enum(AB_GOALS),
    windowDays: z.coerce.number().int().min(1).max(30).default(7),
    /** Exploration floor per variant (0–0.25). */
    floor: z.coerce.number().min(0).max(0.25).default(0.05),
    variants: z.array(AbVariantInput).min(2, '至少两个版本').max(4, '最多四个版本'),
  })
  .superRefine((t, ctx) => {
    if (!AB_KIND_GOALS[t.kind].includes(t.goal))
      ctx.addIssue({ code: 'custom', path: ['goal'], message: t.kind === 'coupon' ? '优惠券测试的目标是核销、购买或到店' : '消息测试不能以核销为目标' });
    if (t.kind === 'coupon')
      t.variants.forEach((v, i) => {
        if (v.text.length > 40) ctx.addIssue({ code: 'custom', path: ['variants', i, 'text'], message: '优惠券名称最多40个字' });
        if (v.amountFen === undefined) ctx.addIssue({ code: 'custom', path: ['variants', i, 'amountFen'], message: '请填写面额' });
      });
  });
export type AbTestInput = z.infer<typeof AbTestInput>;

export const AbTestView = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(AB_KINDS),
  journeyId: z.number().int(),
  journeyName: z.string().nullable(),
  stepIndex: z.number().int(),
  goal: z.enum(AB_GOALS),
  windowDays: z.number().int(),
  floor: z.number(),
  status: z.enum(['running', 'stopped']),
  winner: z.number().int().nullable(),
  createdAt: IsoDateTime,
  variants: z.array(
    z.object({
      label: z.string(),
      text: z.string(),
      /** Coupon tests: the variant's amount and minimum spend (fen); null for message tests. */
      amountFen: z.number().int().nullable(),
      minSpendFen: z.number().int().nullable(),
      sends: z.number().int(),
      conversions: z.number().int(),
      /** Posterior mean conversion rate and 95 % interval. */
      mean: z.number(),
      low: z.number(),
      high: z.number(),
      /** Current share of new sends (Thompson sampling with the floor). */
      share: z.number(),
    }),
  ),
});
export type AbTestView = z.infer<typeof AbTestView>;

export const listAbTests = defineRoute({
  method: 'GET',
  path: '/api/admin/insight/ab-tests',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'A/B tests with their sends, conversions, posterior and current share.',
  response: z.object({ items: z.array(AbTestView) }),
});
export const createAbTest = defineRoute({
  method: 'POST',
  path: '/api/admin/insight/ab-tests',
  auth: 'staff',
  roles: ['hq_admin'],
  summary:
    'Put 2–4 variants on a journey message step (copy) or coupon step (title, amount, minimum spend); allocation starts even and shifts to the better variant.',
  body: AbTestInput,
  response: AbTestView,
});
export const VARIANT_TAGS = ['with_children', 'elderly', 'busy', 'thrifty', 'couple'] as const;
export type VariantTag = (typeof VARIANT_TAGS)[number];
export const VARIANT_TAG_LABELS: Record<VariantTag, string> = {
  with_children: '有孩子的家庭',
  elderly: '有长辈的家庭',
  busy: '上班忙',
  thrifty: '精打细算',
  couple: '两口之家',
};

export const generateAbVariants = defineRoute({
  method: 'POST',
  path: '/api/admin/insight/ab-tests/variants',
  auth: 'staff',
  roles: ['hq_admin'],
  summary:
    'Copy variants from templates and audience tags (e.g. household with children → 「三道菜搞定宝宝一周营养晚餐」), for ops to edit before creating a test.',
  body: z.object({
    topic: z.string().trim().min(1, '请填写主题').max(12),
    tags: z.array(z.enum(VARIANT_TAGS)).min(1, '至少选一个人群标签').max(4),
    count: z.coerce.number().int().min(2).max(4).default(2),
  }),
  response: z.object({ variants: z.array(z.object({ label: z.string(), text: z.string() })) }),
});
export const stopAbTest = defineRoute({
  method: 'POST',
  path: '/api/admin/insight/ab-tests/:testId/stop',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Stop a test and keep one variant: the step sends its copy (or issues its coupon) from then on.',
  params: z.object({ testId: Id }),
  body: z.object({ keep: z.coerce.number().int().min(0).max(3) }),
  response: AbTestView,
});
