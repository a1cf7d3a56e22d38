/**
 * The journey engine.
 *
 * Enrolment: event triggers enrol in the event's delivery transaction (enrolByEvent); the
 * inactivity trigger enrols set-based in SQL (one INSERT … SELECT per journey over the customer
 * and activity projections). An episode key makes enrolment idempotent (unique per journey,
 * customer and episode).
 *
 * Steps: due enrolments are taken in batches; for each the step's condition is checked against
 * the activity since the customer entered, and its action is written in the same transaction as
 * the step log and the enrolment's advance (conditional on the step it was at). Messages go to the
 * WeCom outbound queue (exactly once, by key journey:<enrolment>:<step>) after the quiet hours,
 * the weekly cap, WeCom's monthly limit and the opt-out are checked; held messages are deferred.
 */
import { Inject, Logger, type ILogger, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In } from 'typeorm';
import type { JourneyAction, JourneyStep, JourneyTrigger } from '../../../../contracts/journeys';
import { Db, isUniqueViolation } from '../../core/db';
import { TagService } from '../tags/tag.service';
import { TagSyncService } from '../tags/tag-sync.service';
import { WecomDirectory } from '../wecom/directory.service';
import { bulkInsert } from '../wecom/bulk-insert';
import { enqueueOutboundMany } from '../wecom/outbound';
import { OutboundKick } from '../wecom/outbound-kick';
import { shanghaiMonth, shanghaiWeekStart, quietUntil } from '../wecom/shanghai-time';
import { renderTemplate, toWxAttachments } from '../wecom/welcome.service';
import { JourneyCoupon } from './entities/coupon.entity';
import { JourneyEnrolment, JourneyStepLog } from './entities/enrolment.entity';
import { Journey, stepsOf, triggerOf } from './entities/journey.entity';
import { JourneyCustomer } from './entities/journey-customer.entity';
import { MemberActivity } from './entities/member-activity.entity';
import { JourneySettingsRow } from './entities/settings.entity';
import { StaffTask } from './entities/staff-task.entity';
import { rawTime } from './projection.service';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BATCH = 5000;
/** Once-per-customer journeys (contact_added) use this episode. */
export const ONCE = new Date(Date.UTC(1970, 0, 1));
export const LAST_ORDER_FALLBACK = '家常好菜';

export interface Settings {
  quietStart: string;
  quietEnd: string;
  weeklyCap: number;
}

export interface EvaluateResult {
  enrolled: number;
  stepsRun: number;
  deferred: number;
  exited: number;
  completed: number;
}

type Customer = { externalUserId: string; memberId: number | null; staffUserId: string };

const later = (a: Date | null | undefined, since: Date) => !!a && new Date(a).getTime() > since.getTime();

/** A datetime from a raw row: mysql2 gives Date (UTC), better-sqlite3 the stored UTC text. */
function dbDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  const s = String(v);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`);
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class JourneyEngine {
  @Inject()
  db!: Db;

  @Inject()
  tags!: TagService;

  @Inject()
  tagSync!: TagSyncService;

  @Inject()
  directory!: WecomDirectory;

  @Inject()
  kick!: OutboundKick;

  @Logger()
  logger!: ILogger;

  async settings(em: EntityManager = this.db.manager): Promise<Settings> {
    const s = await em.findOne(JourneySettingsRow, { where: { id: 1 } });
    return { quietStart: s?.quietStart ?? '21:00', quietEnd: s?.quietEnd ?? '09:00', weeklyCap: s?.weeklyCap ?? 2 };
  }

  private async activeJourneys(em: EntityManager): Promise<Journey[]> {
    return em.find(Journey, { where: { active: true }, order: { id: 'ASC' } });
  }

  private async log(em: EntityManager, rows: Array<Omit<JourneyStepLog, 'id'>>): Promise<void> {
    await bulkInsert(em, 'journey_step_log', ['enrolment_id', 'step_index', 'outcome', 'detail', 'message_to', 'at'], rows.map((r) => [r.enrolmentId, r.stepIndex, r.outcome, r.detail, r.messageTo ?? null, r.at]));
  }

  // ---------------------------------------------------------------- enrolment

  /**
   * Enrol a customer in every active journey whose trigger matches (inside the caller's
   * transaction). Skipped when the customer is already active in that journey or this episode
   * was enrolled before. Returns how many enrolments were created.
   */
  async enrolByEvent(em: EntityManager, match: (t: JourneyTrigger) => boolean, customer: Customer, episodeAt: Date | null, now: Date, detail: string): Promise<number> {
    let n = 0;
    for (const j of await this.activeJourneys(em)) {
      const trigger = triggerOf(j);
      if (trigger.type === 'inactive' || !match(trigger)) continue;
      const steps = stepsOf(j);
      if (!steps.length) continue;
      const active = await em.count(JourneyEnrolment, { where: { journeyId: j.id, externalUserId: customer.externalUserId, status: 'active' } });
      if (active) continue;
      try {
        await em.insert(JourneyEnrolment, {
          journeyId: j.id,
          externalUserId: customer.externalUserId,
          memberId: customer.memberId,
          staffUserId: customer.staffUserId,
          episodeAt: episodeAt ?? ONCE,
          status: 'active',
          nextStep: 0,
          nextDueAt: new Date(now.getTime() + steps[0].waitHours * HOUR),
          enrolledAt: now,
          enrolReason: detail.slice(0, 255),
          exitReason: null,
          updatedAt: now,
        });
      } catch (err) {
        if (isUniqueViolation(err)) continue; // this episode was enrolled before
        throw err;
      }
      n++;
    }
    return n;
  }

  /** Set-based: enrol every customer quiet for `days` into an inactivity journey. */
  async enrolInactive(j: Journey, days: number, now: Date): Promise<number> {
    const steps = stepsOf(j);
    if (!steps.length) return 0;
    const k = this.db.kind;
    const t = (d: Date) => rawTime(k, d);
    const cutoff = new Date(now.getTime() - days * DAY);
    const due = new Date(now.getTime() + steps[0].waitHours * HOUR);
    // the customer's last interaction: added, a staff-recorded reply, or anything the member did
    const g = (a: string, b: string) => `CASE WHEN ${a} > ${b} THEN ${a} ELSE ${b} END`;
    const last = g(g('c.added_at', 'COALESCE(c.last_reply_at, c.added_at)'), 'COALESCE(a.last_interaction_at, c.added_at)');
    return this.db.transaction(async (em) => {
      const res = await em.queryRunner!.query(
        `INSERT INTO journey_enrolment (journey_id, external_user_id, member_id, staff_user_id, episode_at, status, next_step, next_due_at, enrolled_at, enrol_reason, exit_reason, updated_at)
         SELECT ?, c.external_user_id, c.member_id, c.staff_user_id, ${last}, 'active', 0, ?, ?, ?, NULL, ?
         FROM journey_customer c
         LEFT JOIN member_activity a ON a.member_id = c.member_id
         WHERE c.lost_at IS NULL
           AND (c.member_id IS NULL OR c.is_primary = 1)
           AND ${last} < ?
           AND NOT EXISTS (
             SELECT 1 FROM journey_enrolment e
             WHERE e.journey_id = ? AND e.external_user_id = c.external_user_id AND (e.status = 'active' OR e.episode_at = ${last}))`,
        [j.id, t(due), t(now), `${days}天没有互动`, t(now), t(cutoff), j.id],
        true,
      );
      return Number((res as { affected?: number }).affected ?? 0);
    });
  }

  // ---------------------------------------------------------------- steps

  /** Enrol the inactive, then run every due step (in batches). */
  async evaluate(now: Date, o: { maxBatches?: number; renew?: () => Promise<boolean> } = {}): Promise<EvaluateResult> {
    const result: EvaluateResult = { enrolled: 0, stepsRun: 0, deferred: 0, exited: 0, completed: 0 };
    const journeys = await this.activeJourneys(this.db.manager);
    for (const j of journeys) {
      const trigger = triggerOf(j);
      if (trigger.type === 'inactive') result.enrolled += await this.enrolInactive(j, trigger.days, now);
    }
    const byId = new Map(journeys.map((j) => [j.id, j]));
    if (!byId.size) return result;
    const settings = await this.settings();
    const maxBatches = o.maxBatches ?? 1000;
    let afterId = 0;
    let queued = 0;
    for (let b = 0; b < maxBatches; b++) {
      const r = await this.runBatch(byId, settings, now, afterId);
      queued += r.queued;
      result.stepsRun += r.stepsRun;
      result.deferred += r.deferred;
      result.exited += r.exited;
      result.completed += r.completed;
      if (r.seen < BATCH) break;
      afterId = r.lastId;
      if (o.renew && b % 20 === 19 && !(await o.renew())) break; // lost the lease: stop, the holder continues
    }
    // one kick when the evaluation is done: sending starts after, not in between the batches
    if (queued) this.kick.kick();
    return result;
  }

  private async runBatch(journeys: Map<number, Journey>, settings: Settings, now: Date, afterId: number) {
    return this.db.transaction(async (em) => {
      // one round trip: the due enrolments with their customer and activity rows
      const ids = [...journeys.keys()];
      const t = (d: Date) => rawTime(this.db.kind, d);
      const raw: Array<Record<string, unknown>> = await em.query(
        `SELECT e.id, e.journey_id, e.external_user_id, e.member_id, e.staff_user_id, e.next_step, e.enrolled_at,
                c.id AS c_id, c.member_id AS c_member_id, c.staff_user_id AS c_staff, c.lost_at, c.last_reply_at AS c_reply, c.opted_out,
                a.member_id AS a_member_id, a.last_interaction_at, a.last_visit_at, a.last_order_at, a.last_checkin_at, a.last_reply_at AS a_reply, a.last_order_title
         FROM journey_enrolment e ${this.db.kind === 'mysql' ? 'FORCE INDEX (idx_journey_enrolment_walk)' : 'INDEXED BY idx_journey_enrolment_walk'}
         LEFT JOIN journey_customer c ON c.external_user_id = e.external_user_id
         LEFT JOIN member_activity a ON a.member_id = COALESCE(e.member_id, c.member_id)
         WHERE e.status = 'active' AND e.next_due_at <= ? AND e.journey_id IN (${ids.map(() => '?').join(',')}) AND e.id > ?
         ORDER BY e.id ASC LIMIT ${BATCH}`,
        [t(now), ...ids, afterId],
      );
      const due: JourneyEnrolment[] = [];
      const customers = new Map<string, JourneyCustomer>();
      const activity = new Map<number, MemberActivity>();
      for (const r of raw) {
        const ext = String(r.external_user_id);
        due.push(Object.assign(new JourneyEnrolment(), {
          id: Number(r.id),
          journeyId: Number(r.journey_id),
          externalUserId: ext,
          memberId: r.member_id === null ? null : Number(r.member_id),
          staffUserId: String(r.staff_user_id),
          nextStep: Number(r.next_step),
          enrolledAt: dbDate(r.enrolled_at)!,
          status: 'active' as const,
        }));
        if (r.c_id !== null && r.c_id !== undefined) {
          customers.set(ext, Object.assign(new JourneyCustomer(), {
            id: Number(r.c_id),
            externalUserId: ext,
            memberId: r.c_member_id === null ? null : Number(r.c_member_id),
            staffUserId: String(r.c_staff),
            lostAt: dbDate(r.lost_at),
            lastReplyAt: dbDate(r.c_reply),
            optedOut: !!Number(r.opted_out),
          }));
        }
        if (r.a_member_id !== null && r.a_member_id !== undefined) {
          activity.set(Number(r.a_member_id), Object.assign(new MemberActivity(), {
            memberId: Number(r.a_member_id),
            lastInteractionAt: dbDate(r.last_interaction_at)!,
            lastVisitAt: dbDate(r.last_visit_at),
            lastOrderAt: dbDate(r.last_order_at),
            lastCheckinAt: dbDate(r.last_checkin_at),
            lastReplyAt: dbDate(r.a_reply),
            lastOrderTitle: (r.last_order_title as string | null) ?? null,
          }));
        }
      }
      raw.length = 0; // let the driver rows go before the batch's long writes (keeps the heap small)
      const out = { seen: due.length, lastId: due.length ? due[due.length - 1].id : afterId, stepsRun: 0, deferred: 0, exited: 0, completed: 0, queued: 0 };
      if (!due.length) return out;
      const extIds = [...new Set(due.map((e) => e.externalUserId))];
      const week = shanghaiWeekStart(now);
      const month = shanghaiMonth(now);
      const counts = await this.messageCounts(em, extIds, week, month.start);
      const quiet = quietUntil(now, settings.quietStart, settings.quietEnd);
      const names = due.some((e) => this.needsNames(journeys.get(e.journeyId), e.nextStep)) ? await this.directory.contactNames(extIds) : new Map<string, string | null>();

      const logs: Array<Omit<JourneyStepLog, 'id'>> = [];
      const outbound: Array<{ idemKey: string; kind: string; payload: unknown; ref: string }> = [];
      /** (journey, from step) -> advance group */
      const advance = new Map<string, { ids: number[]; from: number; to: number; due: Date | null; status: 'active' | 'completed' }>();
      const defer = new Map<number, number[]>();
      const exits = new Map<string, number[]>();

      for (const e of due) {
        const j = journeys.get(e.journeyId)!;
        const steps = stepsOf(j);
        const c = customers.get(e.externalUserId);
        const memberId = e.memberId ?? c?.memberId ?? null;
        const a = memberId ? activity.get(memberId) : undefined;
        const index = e.nextStep;
        const step = steps[index];
        const push = (outcome: string, detail: string | null, stepIndex: number | null = index, messageTo: string | null = null) =>
          logs.push({ enrolmentId: e.id, stepIndex, outcome, detail: detail?.slice(0, 255) ?? null, messageTo, at: now });
        const exit = (reason: string) => exits.set(reason, [...(exits.get(reason) ?? []), e.id]);
        const next = (from: number) => {
          const to = from + 1;
          const nextStep = steps[to];
          const key = `${e.journeyId}:${from}`;
          const g = advance.get(key) ?? { ids: [], from, to, due: nextStep ? new Date(now.getTime() + nextStep.waitHours * HOUR) : null, status: nextStep ? ('active' as const) : ('completed' as const) };
          g.ids.push(e.id);
          advance.set(key, g);
          if (!nextStep) {
            push('completed', null, null);
            out.completed++;
          }
        };

        if (!step) {
          // the journey was shortened while the customer waited
          next(index);
          continue;
        }
        if (!c || c.lostAt) {
          exit('contact_lost');
          push('goal_met', '客户已不是好友，退出旅程', index);
          out.exited++;
          continue;
        }
        if (!this.conditionHolds(step.condition, e.enrolledAt, c, a)) {
          exit('goal_met');
          push('goal_met', '客户已有互动，旅程目标达成');
          out.exited++;
          continue;
        }
        const action = step.action;
        if (action.type === 'message') {
          if (c.optedOut) {
            push('skipped_opted_out', '客户已选择不接收消息');
            next(index);
            out.stepsRun++;
            continue;
          }
          const cnt = counts.get(e.externalUserId) ?? { week: 0, month: 0 };
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
            defer.set(until.getTime(), [...(defer.get(until.getTime()) ?? []), e.id]);
            push(outcome, `顺延至 ${until.toISOString()}`);
            out.deferred++;
            continue;
          }
          const vars = await this.vars(c, a, names.get(e.externalUserId) ?? null);
          outbound.push({
            idemKey: `journey:${e.id}:${index}`,
            kind: 'msg_template',
            payload: { sender: c.staffUserId, externalUserIds: [e.externalUserId], text: renderTemplate(action.text, vars).trim(), attachments: toWxAttachments(action.attachments) },
            ref: `journey:${e.journeyId}`,
          });
          counts.set(e.externalUserId, { week: cnt.week + 1, month: cnt.month + 1 });
          push('done', '已生成群发消息，待员工确认发送', index, e.externalUserId);
        } else {
          push('done', await this.act(em, action, e, j, c, memberId, index, now));
        }
        next(index);
        out.stepsRun++;
      }

      if (outbound.length) {
        // the queue runs on the wall clock (sending happens now), whatever clock the evaluation uses
        await enqueueOutboundMany(em, outbound);
        out.queued += outbound.length;
      }
      await this.log(em, logs);
      for (const g of advance.values()) {
        for (let i = 0; i < g.ids.length; i += 5000) {
          const ids = g.ids.slice(i, i + 5000);
          const r = await em
            .createQueryBuilder()
            .update(JourneyEnrolment)
            .set({ nextStep: g.to, nextDueAt: g.due, status: g.status, updatedAt: now })
            .where('id IN (:...ids) AND next_step = :from AND status = :a', { ids, from: g.from, a: 'active' })
            .execute();
          // another runner moved these meanwhile: undo the whole batch rather than act twice
          if ((r.affected ?? ids.length) !== ids.length) throw new Error('journey enrolments changed concurrently');
        }
      }
      for (const [ms, ids] of defer) {
        for (let i = 0; i < ids.length; i += 500) {
          await em.update(JourneyEnrolment, { id: In(ids.slice(i, i + 500)), status: 'active' }, { nextDueAt: new Date(ms), updatedAt: now });
        }
      }
      for (const [reason, ids] of exits) {
        for (let i = 0; i < ids.length; i += 500) {
          await em.update(JourneyEnrolment, { id: In(ids.slice(i, i + 500)), status: 'active' }, { status: 'exited', exitReason: reason, nextDueAt: null, updatedAt: now });
        }
      }
      return out;
    });
  }

  private needsNames(j: Journey | undefined, index: number): boolean {
    const a = j ? stepsOf(j)[index]?.action : undefined;
    return a?.type === 'message' && a.text.includes('{客户称呼}');
  }

  private conditionHolds(cond: JourneyStep['condition'], since: Date, c: JourneyCustomer, a: MemberActivity | undefined): boolean {
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

  private async messageCounts(em: EntityManager, extIds: string[], week: Date, monthStart: Date): Promise<Map<string, { week: number; month: number }>> {
    const out = new Map<string, { week: number; month: number }>();
    const from = week < monthStart ? week : monthStart;
    for (let i = 0; i < extIds.length; i += 5000) {
      const rows: Array<{ ext: string; w: string | number; m: string | number }> = await em
        .createQueryBuilder(JourneyStepLog, 'm')
        .select('m.message_to', 'ext')
        .addSelect('SUM(CASE WHEN m.at >= :week THEN 1 ELSE 0 END)', 'w')
        .addSelect('SUM(CASE WHEN m.at >= :month THEN 1 ELSE 0 END)', 'm')
        .where('m.message_to IN (:...ids) AND m.at >= :from', { ids: extIds.slice(i, i + 5000), from })
        .setParameters({ week, month: monthStart })
        .groupBy('m.message_to')
        .getRawMany();
      for (const r of rows) out.set(r.ext, { week: Number(r.w), month: Number(r.m) });
    }
    return out;
  }

  private async vars(c: JourneyCustomer, a: MemberActivity | undefined, name: string | null): Promise<Record<string, string>> {
    const staff = await this.directory.staffByUserId(c.staffUserId);
    return {
      客户称呼: name ?? '',
      员工姓名: staff?.displayName ?? '',
      门店: (await this.directory.storeName(staff?.storeId ?? null)) ?? '社区店',
      上次购买: a?.lastOrderTitle || LAST_ORDER_FALLBACK,
    };
  }

  /** Non-message actions, written in the batch's transaction; returns the log detail. */
  private async act(em: EntityManager, action: Exclude<JourneyAction, { type: 'message' }>, e: JourneyEnrolment, j: Journey, c: JourneyCustomer, memberId: number | null, index: number, now: Date): Promise<string> {
    const key = `journey:${e.id}:${index}`;
    switch (action.type) {
      case 'staff_task': {
        let storeId: number | null = null;
        if (action.assignee === 'store_manager') {
          storeId = (memberId ? (await this.directory.member(memberId))?.storeId : null) ?? (await this.directory.staffByUserId(c.staffUserId))?.storeId ?? null;
        }
        try {
          await em.insert(StaffTask, {
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
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
        }
        return action.assignee === 'owner' ? `员工任务：${action.title}` : `店长任务：${action.title}`;
      }
      case 'add_tag':
      case 'remove_tag': {
        const add = action.type === 'add_tag';
        if (add && memberId) await this.tags.grant(em, memberId, [action.tagName], `journey:${j.id}`);
        // WeCom side for this contact (member tags also reach the member's other contacts via the tag sync)
        await this.tagSync.tagContact(em, { userId: c.staffUserId, externalUserId: e.externalUserId, add: add ? [action.tagName] : [], remove: add ? [] : [action.tagName], source: `journey:${j.id}`, key });
        return `${add ? '打标签' : '移除标签'}：${action.tagName}`;
      }
      case 'coupon': {
        try {
          await em.insert(JourneyCoupon, {
            idemKey: key,
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
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
        }
        return `发放优惠券：${action.title}（${(action.amountFen / 100).toFixed(2)}元）`;
      }
    }
  }
}
