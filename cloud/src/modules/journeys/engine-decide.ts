/**
 * What a batch of due journey enrolments does now — a pure function of the batch and what was read
 * with it (customers, activity, message counts, names, staff cards, home stores). No reads, no
 * writes, no clock: the engine reads a batch, calls decideBatch, picks the A/B copy of each message
 * draft and hands the typed plan to the writer (engine-writer.ts). Unit-tested without a database.
 */
import type { JourneyAction, JourneyStep } from '../../../../contracts/journeys';
import { monthOf as shanghaiMonth, quietUntil } from '../../../../contracts/calendar';
import type { Journey } from './entities/journey.entity';
import type { CouponRow, StepLogRow, TaskRow } from './engine-writer';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const LAST_ORDER_FALLBACK = '家常好菜';

export interface Settings {
  quietStart: string;
  quietEnd: string;
  weeklyCap: number;
}

/** A due enrolment, as read. */
export interface DueEnrolment {
  id: number;
  journeyId: number;
  externalUserId: string;
  memberId: number | null;
  staffUserId: string;
  nextStep: number;
  enrolledAt: Date;
}

export interface CustomerFacts {
  memberId: number | null;
  staffUserId: string;
  lostAt: Date | null;
  lastReplyAt: Date | null;
  optedOut: boolean;
}

export interface ActivityFacts {
  lastInteractionAt: Date | null;
  lastVisitAt: Date | null;
  lastOrderAt: Date | null;
  lastReplyAt: Date | null;
  lastOrderTitle: string | null;
}

export interface StaffFacts {
  displayName: string;
  storeId: number | null;
  storeName: string | null;
}

/** What one evaluation shares between its batches. */
export interface DecideRun {
  journeys: Map<number, Pick<Journey, 'id' | 'name'>>;
  steps: Map<number, JourneyStep[]>;
  settings: Settings;
  now: Date;
  /** Shanghai week start and month of `now` */
  week: Date;
  month: { start: Date; days: number };
  /** Messages queued earlier in this run, per customer (one customer's enrolments can fall into different batches). */
  runSent: ReadonlyMap<string, number>;
}

export interface DecideBatch {
  due: DueEnrolment[];
  customers: Map<string, CustomerFacts>;
  /** by member id */
  activity: Map<number, ActivityFacts>;
  /** messages logged before this run, per customer: this Shanghai week and month */
  counts: Map<string, { week: number; month: number }>;
  names: Map<string, string | null>;
  /** by WeCom userid (only active staff) */
  staff: Map<string, StaffFacts>;
  /** home store of members whose step is a store-manager task */
  memberStores: Map<number, number | null>;
}

/** A message to queue once its copy is chosen (an A/B test may replace the step's text). */
export interface MessageDraft {
  idemKey: string;
  enrolmentId: number;
  journeyId: number;
  stepIndex: number;
  memberId: number | null;
  sender: string;
  externalUserId: string;
  text: string;
  vars: Record<string, string>;
  attachments: Extract<JourneyAction, { type: 'message' }>['attachments'];
  ref: string;
}

export interface TagAct {
  key: string;
  type: 'add_tag' | 'remove_tag';
  tagName: string;
  journeyId: number;
  staffUserId: string;
  externalUserId: string;
  memberId: number | null;
}

export interface Advance {
  ids: number[];
  from: number;
  to: number;
  due: Date | null;
  status: 'active' | 'completed';
}

export interface BatchPlan {
  logs: StepLogRow[];
  messages: MessageDraft[];
  coupons: CouponRow[];
  tasks: TaskRow[];
  tagActs: TagAct[];
  /** "journey:from step" -> the enrolments moving on together */
  advance: Map<string, Advance>;
  /** due time (ms) -> enrolments deferred to it */
  defer: Map<number, number[]>;
  /** exit reason -> enrolments */
  exits: Map<string, number[]>;
  /** messages queued per customer by this batch (added to the run's count by the caller) */
  sent: Map<string, number>;
  stepsRun: number;
  deferred: number;
  exited: number;
  completed: number;
}

/** The step log's words for a non-message action. */
export function actionDetail(action: Exclude<JourneyAction, { type: 'message' }>): string {
  switch (action.type) {
    case 'staff_task':
      return action.assignee === 'owner' ? `员工任务：${action.title}` : `店长任务：${action.title}`;
    case 'add_tag':
      return `打标签：${action.tagName}`;
    case 'remove_tag':
      return `移除标签：${action.tagName}`;
    case 'coupon':
      return `发放优惠券：${action.title}（${(action.amountFen / 100).toFixed(2)}元）`;
  }
}

const later = (a: Date | null | undefined, since: Date) => !!a && a.getTime() > since.getTime();

export function conditionHolds(cond: JourneyStep['condition'], since: Date, c: CustomerFacts, a: ActivityFacts | undefined): boolean {
  const replied = later(c.lastReplyAt, since) || later(a?.lastReplyAt, since);
  switch (cond) {
    case 'always':
      return true;
    case 'no_reply':
      return !replied;
    case 'no_visit':
      return !later(a?.lastVisitAt, since);
    case 'no_order':
      return !later(a?.lastOrderAt, since);
    case 'no_interaction':
      return !replied && !later(a?.lastInteractionAt, since);
    default:
      return true;
  }
}

export function decideBatch(run: DecideRun, batch: DecideBatch): BatchPlan {
  const { now, settings, week, month } = run;
  const plan: BatchPlan = {
    logs: [],
    messages: [],
    coupons: [],
    tasks: [],
    tagActs: [],
    advance: new Map(),
    defer: new Map(),
    exits: new Map(),
    sent: new Map(),
    stepsRun: 0,
    deferred: 0,
    exited: 0,
    completed: 0,
  };
  const quiet = quietUntil(now, settings.quietStart, settings.quietEnd);
  const group = <K>(m: Map<K, number[]>, k: K, id: number) => {
    const list = m.get(k);
    if (list) list.push(id);
    else m.set(k, [id]);
  };
  for (const e of batch.due) {
    const j = run.journeys.get(e.journeyId)!;
    const steps = run.steps.get(e.journeyId)!;
    const c = batch.customers.get(e.externalUserId);
    const memberId = e.memberId ?? c?.memberId ?? null;
    const a = memberId ? batch.activity.get(memberId) : undefined;
    const index = e.nextStep;
    const step = steps[index];
    const log = (outcome: string, detail: string | null, stepIndex: number | null = index, messageTo: string | null = null) =>
      plan.logs.push({ enrolmentId: e.id, stepIndex, outcome, detail: detail?.slice(0, 255) ?? null, messageTo, at: now });
    const next = (from: number) => {
      const to = from + 1;
      const nextStep = steps[to];
      const key = `${e.journeyId}:${from}`;
      const g = plan.advance.get(key) ?? {
        ids: [],
        from,
        to,
        due: nextStep ? new Date(now.getTime() + nextStep.waitHours * HOUR) : null,
        status: nextStep ? ('active' as const) : ('completed' as const),
      };
      g.ids.push(e.id);
      plan.advance.set(key, g);
      if (!nextStep) {
        log('completed', null, null);
        plan.completed++;
      }
    };

    if (!step) {
      // the journey was shortened while the customer waited
      next(index);
      continue;
    }
    if (!c || c.lostAt) {
      group(plan.exits, 'contact_lost', e.id);
      log('goal_met', '客户已不是好友，退出旅程', index);
      plan.exited++;
      continue;
    }
    if (!conditionHolds(step.condition, e.enrolledAt, c, a)) {
      group(plan.exits, 'goal_met', e.id);
      log('goal_met', '客户已有互动，旅程目标达成');
      plan.exited++;
      continue;
    }
    const action = step.action;
    const key = `journey:${e.id}:${index}`;
    if (action.type === 'message') {
      if (c.optedOut) {
        log('skipped_opted_out', '客户已选择不接收消息');
        next(index);
        plan.stepsRun++;
        continue;
      }
      const before = batch.counts.get(e.externalUserId) ?? { week: 0, month: 0 };
      // this run's messages are all in this week and month
      const mine = (run.runSent.get(e.externalUserId) ?? 0) + (plan.sent.get(e.externalUserId) ?? 0);
      const cnt = { week: before.week + mine, month: before.month + mine };
      let until: Date | null = null;
      let outcome = '';
      if (quiet) {
        until = quiet;
        outcome = 'deferred_quiet_hours';
      } else if (cnt.week >= settings.weeklyCap) {
        until = new Date(week.getTime() + 7 * DAY);
        outcome = 'deferred_weekly_cap';
      } else if (cnt.month >= month.days) {
        until = shanghaiMonth(new Date(month.start.getTime() + 32 * DAY)).start;
        outcome = 'deferred_monthly_limit';
      }
      if (until) {
        group(plan.defer, until.getTime(), e.id);
        log(outcome, `顺延至 ${until.toISOString()}`);
        plan.deferred++;
        continue;
      }
      const staff = batch.staff.get(c.staffUserId);
      plan.messages.push({
        idemKey: key,
        enrolmentId: e.id,
        journeyId: e.journeyId,
        stepIndex: index,
        memberId,
        sender: c.staffUserId,
        externalUserId: e.externalUserId,
        text: action.text,
        vars: {
          客户称呼: batch.names.get(e.externalUserId) ?? '',
          员工姓名: staff?.displayName ?? '',
          门店: staff?.storeName ?? '社区店',
          上次购买: a?.lastOrderTitle || LAST_ORDER_FALLBACK,
        },
        attachments: action.attachments,
        ref: `journey:${e.journeyId}`,
      });
      plan.sent.set(e.externalUserId, (plan.sent.get(e.externalUserId) ?? 0) + 1);
      log('done', '已生成群发消息，待员工确认发送', index, e.externalUserId);
    } else {
      log('done', actionDetail(action));
      if (action.type === 'coupon') {
        plan.coupons.push({
          idemKey: key,
          journeyId: e.journeyId,
          stepIndex: index,
          memberId,
          externalUserId: e.externalUserId,
          enrolmentId: e.id,
          title: action.title,
          amountFen: action.amountFen,
          minSpendFen: action.minSpendFen,
          validUntil: new Date(now.getTime() + action.validDays * DAY),
          status: 'issued',
          issuedAt: now,
        });
      } else if (action.type === 'staff_task') {
        // the store manager of the member's home store, else of the owning staff member's store
        const storeId =
          action.assignee === 'store_manager'
            ? ((memberId ? batch.memberStores.get(memberId) : null) ?? batch.staff.get(c.staffUserId)?.storeId ?? null)
            : null;
        plan.tasks.push({
          idemKey: key,
          assignee: action.assignee,
          staffUserId: action.assignee === 'owner' ? c.staffUserId : null,
          storeId,
          externalUserId: e.externalUserId,
          memberId,
          enrolmentId: e.id,
          journeyName: j.name,
          title: action.title,
          detail: action.detail,
          status: 'open',
          dueAt: new Date(now.getTime() + action.dueHours * HOUR),
          createdAt: now,
          doneAt: null,
          doneBy: null,
        });
      } else {
        plan.tagActs.push({
          key,
          type: action.type,
          tagName: action.tagName,
          journeyId: j.id,
          staffUserId: c.staffUserId,
          externalUserId: e.externalUserId,
          memberId,
        });
      }
    }
    next(index);
    plan.stepsRun++;
  }
  return plan;
}
