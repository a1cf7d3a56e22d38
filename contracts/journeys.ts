/**
 * Journeys (SOP): a small rule engine stored as data. A journey has one trigger and an ordered list
 * of steps; each step waits, checks a condition and performs one action. Every customer (a WeCom
 * external contact, linked to a member when possible) who enters a journey gets an enrolment whose
 * step log shows where they stand. Staff tasks created by journeys are listed in the sidebar.
 */
import { z } from 'zod';
import { defineRoute, IsoDateTime, PageQuery, pageOf } from './route';
import { WelcomeAttachment } from './wecom';

export const TRIGGER_TYPES = ['contact_added', 'tag_added', 'class_checked_in', 'order_paid', 'inactive'] as const;

export const JourneyTrigger = z.discriminatedUnion('type', [
  /** A customer added a staff member (optionally only through channels of these kinds). */
  z.object({
    type: z.literal('contact_added'),
    channelKinds: z
      .array(z.enum(['store', 'class', 'group', 'referral', 'poster', 'other']))
      .max(6)
      .optional(),
  }),
  /** A member got this tag (our tag name). */
  z.object({ type: z.literal('tag_added'), tagName: z.string().trim().min(1).max(30) }),
  /** A member attended a class (class check-in). */
  z.object({ type: z.literal('class_checked_in') }),
  /** A member paid an order. */
  z.object({ type: z.literal('order_paid') }),
  /** No interaction (mini-program visit, order, class, reply, store visit) for this many days. */
  z.object({ type: z.literal('inactive'), days: z.number().int().min(1).max(365) }),
]);
export type JourneyTrigger = z.infer<typeof JourneyTrigger>;

/**
 * Checked when the step falls due, over what happened since the customer entered the journey:
 * no_reply = no reply/interaction recorded by staff; no_visit = no mini-program or store visit;
 * no_order = no paid order; no_interaction = none of these. If the condition is false the customer
 * leaves the journey (the goal was reached).
 */
export const STEP_CONDITIONS = ['always', 'no_reply', 'no_visit', 'no_order', 'no_interaction'] as const;

/** Placeholders a journey message may use. */
export const MESSAGE_PLACEHOLDERS = ['{客户称呼}', '{员工姓名}', '{门店}', '{上次购买}'] as const;

export const JourneyAction = z.discriminatedUnion('type', [
  /** Private message through add_msg_template: the owning staff member confirms it in WeCom before it is sent. */
  z.object({ type: z.literal('message'), text: z.string().trim().min(1).max(2000), attachments: z.array(WelcomeAttachment).max(9).default([]) }),
  /** A task shown in the sidebar for the staff member who owns the customer, or for the store manager. */
  z.object({
    type: z.literal('staff_task'),
    title: z.string().trim().min(1).max(60),
    detail: z.string().max(500).default(''),
    assignee: z.enum(['owner', 'store_manager']).default('owner'),
    /** The task is due this many hours after it is created. */
    dueHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(48),
  }),
  z.object({ type: z.literal('add_tag'), tagName: z.string().trim().min(1).max(30) }),
  z.object({ type: z.literal('remove_tag'), tagName: z.string().trim().min(1).max(30) }),
  /** A coupon record for the member (or the contact, until they become a member). */
  z.object({
    type: z.literal('coupon'),
    title: z.string().trim().min(1).max(40),
    amountFen: z.number().int().min(1).max(1_000_000),
    minSpendFen: z.number().int().min(0).max(10_000_000).default(0),
    validDays: z.number().int().min(1).max(365).default(7),
  }),
]);
export type JourneyAction = z.infer<typeof JourneyAction>;

export const JourneyStep = z.object({
  name: z.string().trim().min(1).max(40),
  /** Hours to wait after the previous step (or after entering, for the first step). */
  waitHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 180),
  condition: z.enum(STEP_CONDITIONS).default('always'),
  action: JourneyAction,
});
export type JourneyStep = z.infer<typeof JourneyStep>;

export const JourneyStats = z.object({
  active: z.number().int(),
  completed: z.number().int(),
  exited: z.number().int(),
  /** Customers currently waiting for each step (index = step position). */
  waitingByStep: z.array(z.number().int()),
});

export const JourneyView = z.object({
  id: z.number().int(),
  /** 'new_member' and 'wake_up' for the built-in journeys; null for journeys ops created. */
  builtinKey: z.string().nullable(),
  name: z.string(),
  description: z.string(),
  active: z.boolean(),
  trigger: JourneyTrigger,
  steps: z.array(JourneyStep),
  /** Increases on every edit; enrolments keep their position by step index. */
  version: z.number().int(),
  stats: JourneyStats,
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type JourneyView = z.infer<typeof JourneyView>;

const JourneyInput = z.object({
  name: z.string().trim().min(1, '请填写旅程名称').max(40),
  description: z.string().max(500).default(''),
  active: z.boolean().default(true),
  trigger: JourneyTrigger,
  steps: z.array(JourneyStep).min(1, '至少一个步骤').max(20),
});

const STAFF_ROLES_JOURNEYS = ['hq_admin', 'store_manager'] as const;

export const listJourneys = defineRoute({
  method: 'GET',
  path: '/api/admin/journeys',
  auth: 'staff',
  roles: STAFF_ROLES_JOURNEYS,
  summary: 'All journeys (built-in first) with how many customers are in each step.',
  response: z.object({ items: z.array(JourneyView) }),
});

export const getJourney = defineRoute({
  method: 'GET',
  path: '/api/admin/journeys/:journeyId',
  auth: 'staff',
  roles: STAFF_ROLES_JOURNEYS,
  summary: 'One journey with its steps and counts.',
  params: z.object({ journeyId: z.coerce.number().int().positive() }),
  response: JourneyView,
});

export const createJourney = defineRoute({
  method: 'POST',
  path: '/api/admin/journeys',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Create a journey.',
  body: JourneyInput,
  response: JourneyView,
});

export const updateJourney = defineRoute({
  method: 'PUT',
  path: '/api/admin/journeys/:journeyId',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: "Replace a journey's name, trigger and steps (built-in ones too). Customers already inside keep their step position.",
  params: z.object({ journeyId: z.coerce.number().int().positive() }),
  body: JourneyInput,
  response: JourneyView,
});

export const setJourneyActive = defineRoute({
  method: 'PATCH',
  path: '/api/admin/journeys/:journeyId',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Pause or resume a journey: paused journeys enrol nobody and run no steps (enrolments wait).',
  params: z.object({ journeyId: z.coerce.number().int().positive() }),
  body: z.object({ active: z.boolean() }),
  response: JourneyView,
});

export const restoreJourney = defineRoute({
  method: 'POST',
  path: '/api/admin/journeys/:journeyId/restore',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Restore a built-in journey to its default trigger and steps.',
  params: z.object({ journeyId: z.coerce.number().int().positive() }),
  response: JourneyView,
});

export const ENROLMENT_STATUSES = ['active', 'completed', 'exited'] as const;

export const STEP_OUTCOMES = [
  'enrolled',
  'done',
  'goal_met',
  'deferred_quiet_hours',
  'deferred_weekly_cap',
  'deferred_monthly_limit',
  'skipped_opted_out',
  'skipped_no_member',
  'completed',
] as const;

export const StepLogItem = z.object({
  stepIndex: z.number().int().nullable(),
  stepName: z.string().nullable(),
  outcome: z.enum(STEP_OUTCOMES),
  detail: z.string().nullable(),
  at: IsoDateTime,
});

export const EnrolmentView = z.object({
  id: z.number().int(),
  journeyId: z.number().int(),
  journeyName: z.string(),
  externalUserId: z.string(),
  customerName: z.string().nullable(),
  memberId: z.number().int().nullable(),
  /** WeCom userid of the owning staff member (the one the customer added). */
  staffUserId: z.string().nullable(),
  /** Display names (ops lists show people, not ids). */
  staffName: z.string().nullable().optional(),
  memberName: z.string().nullable().optional(),
  status: z.enum(ENROLMENT_STATUSES),
  /** Index of the next step to run (= steps.length once completed). */
  nextStep: z.number().int(),
  nextStepName: z.string().nullable(),
  nextDueAt: IsoDateTime.nullable(),
  enrolledAt: IsoDateTime,
  exitReason: z.string().nullable(),
  log: z.array(StepLogItem),
});
export type EnrolmentView = z.infer<typeof EnrolmentView>;

export const listEnrolments = defineRoute({
  method: 'GET',
  path: '/api/admin/journeys/:journeyId/enrolments',
  auth: 'staff',
  roles: STAFF_ROLES_JOURNEYS,
  summary: 'Who is in the journey and where each customer stands (with the step log), newest first; filter by status or step.',
  params: z.object({ journeyId: z.coerce.number().int().positive() }),
  query: PageQuery.extend({ status: z.enum(ENROLMENT_STATUSES).optional(), step: z.coerce.number().int().min(0).optional() }),
  response: pageOf(EnrolmentView),
});

export const customerJourneys = defineRoute({
  method: 'GET',
  path: '/api/admin/journey-customers/:externalUserId',
  auth: 'staff',
  roles: STAFF_ROLES_JOURNEYS,
  summary: 'Every journey one customer is or was in, with the full step log.',
  params: z.object({ externalUserId: z.string().min(1).max(64) }),
  response: z.object({ optedOut: z.boolean(), items: z.array(EnrolmentView) }),
});

export const JourneySettings = z.object({
  /** No messages between these Asia/Shanghai times (wraps midnight). Default 21:00–09:00. */
  quietStart: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  quietEnd: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  /** Journey messages one customer receives per Asia/Shanghai week (Mon–Sun), at most. */
  weeklyCapPerCustomer: z.number().int().min(1).max(20),
});
export type JourneySettings = z.infer<typeof JourneySettings>;

export const getJourneySettings = defineRoute({
  method: 'GET',
  path: '/api/admin/journey-settings',
  auth: 'staff',
  roles: STAFF_ROLES_JOURNEYS,
  summary: "Quiet hours and the weekly cap. WeCom's own monthly limit (as many mass messages per customer as days in the month) always applies.",
  response: JourneySettings,
});

export const updateJourneySettings = defineRoute({
  method: 'PUT',
  path: '/api/admin/journey-settings',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Change quiet hours and the weekly cap.',
  body: JourneySettings,
  response: JourneySettings,
});

export const runJourneys = defineRoute({
  method: 'POST',
  path: '/api/admin/journey-runs',
  auth: 'staff',
  roles: ['hq_admin'],
  summary: 'Evaluate journeys now (the scheduler does it every minute): enrol customers who are due and run due steps.',
  body: z.object({ now: IsoDateTime.optional().describe('Outside production only: evaluate as of this time (tests, demos, benchmarks).') }),
  response: z.object({
    ran: z
      .boolean()
      .describe('false: another server instance kept evaluating for a few seconds, so this request ran nothing (a run in this instance is waited for).'),
    enrolled: z.number().int(),
    stepsRun: z.number().int(),
    deferred: z.number().int(),
    ms: z.number().int(),
  }),
});

// ---- sidebar: tasks, replies, opt-out ----

export const StaffTaskView = z.object({
  id: z.number().int(),
  title: z.string(),
  detail: z.string(),
  externalUserId: z.string(),
  customerName: z.string().nullable(),
  memberId: z.number().int().nullable(),
  journeyName: z.string().nullable(),
  status: z.enum(['open', 'done', 'dismissed']),
  dueAt: IsoDateTime,
  createdAt: IsoDateTime,
  doneAt: IsoDateTime.nullable(),
});
export type StaffTaskView = z.infer<typeof StaffTaskView>;

export const listSidebarTasks = defineRoute({
  method: 'GET',
  path: '/api/sidebar/tasks',
  auth: 'staff',
  summary: "The signed-in staff member's tasks (store managers also see their store's manager tasks); pass externalUserId for the customer in the chat.",
  query: z.object({ externalUserId: z.string().min(1).max(64).optional(), status: z.enum(['open', 'done', 'dismissed']).default('open') }),
  response: z.object({ items: z.array(StaffTaskView) }),
});

export const completeSidebarTask = defineRoute({
  method: 'POST',
  path: '/api/sidebar/tasks/:taskId/complete',
  auth: 'staff',
  summary: 'Mark a task done (or dismissed). Doing a greeting/call task also records an interaction with the customer.',
  params: z.object({ taskId: z.coerce.number().int().positive() }),
  body: z.object({ outcome: z.enum(['done', 'dismissed']).default('done'), note: z.string().max(200).optional() }),
  response: StaffTaskView,
});

export const recordInteraction = defineRoute({
  method: 'POST',
  path: '/api/sidebar/contacts/:externalUserId/interactions',
  auth: 'staff',
  summary: 'Record that the customer replied / was called / visited the store (journeys treat it as interaction).',
  params: z.object({ externalUserId: z.string().min(1).max(64) }),
  body: z.object({ kind: z.enum(['replied', 'called', 'visited']) }),
  response: z.object({ ok: z.literal(true) }),
});

export const setOptOut = defineRoute({
  method: 'PUT',
  path: '/api/sidebar/contacts/:externalUserId/opt-out',
  auth: 'staff',
  summary: 'The customer asked not to receive journey messages (or changed their mind).',
  params: z.object({ externalUserId: z.string().min(1).max(64) }),
  body: z.object({ optedOut: z.boolean() }),
  response: z.object({ optedOut: z.boolean() }),
});

export const sidebarJourneys = defineRoute({
  method: 'GET',
  path: '/api/sidebar/contacts/:externalUserId/journeys',
  auth: 'staff',
  summary: 'Journeys of the customer in the chat, with step logs (same visibility as the sidebar contact view).',
  params: z.object({ externalUserId: z.string().min(1).max(64) }),
  response: z.object({ optedOut: z.boolean(), items: z.array(EnrolmentView) }),
});

// ---- member: coupons issued by journeys ----

export const CouponView = z.object({
  id: z.number().int(),
  /** The code shown at the till (signed; the POS push or the sidebar redeems it once). */
  code: z.string(),
  title: z.string(),
  amountFen: z.number().int(),
  minSpendFen: z.number().int(),
  validUntil: IsoDateTime,
  status: z.enum(['issued', 'used', 'expired']),
  issuedAt: IsoDateTime,
});

export const myCoupons = defineRoute({
  method: 'GET',
  path: '/api/me/coupons',
  auth: 'member',
  summary: 'Coupons issued to the signed-in member (e.g. by the wake-up journey), newest first.',
  query: PageQuery,
  response: pageOf(CouponView),
});
