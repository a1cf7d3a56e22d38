/**
 * The journey engine.
 *
 * Enrolment: event triggers enrol in the event's delivery transaction (enrolByEvent); the
 * inactivity trigger enrols set-based in SQL (one INSERT … SELECT per journey over the customer
 * and activity projections). An episode key makes enrolment idempotent (unique per journey,
 * customer and episode).
 *
 * Steps: due enrolments are read in batches (readBatch: the enrolments with their customer and
 * activity rows, message counts, names, staff cards); what each does now is decided by a pure
 * function over the batch (decideBatch in engine-decide.ts, unit-tested); typed rows are written by
 * a small writer (engine-writer.ts). For each the step's condition is checked against the activity
 * since the customer entered, and its action is written in the same transaction as
 * the step log and the enrolment's advance (conditional on the step it was at). Messages go to the
 * WeCom outbound queue (exactly once, by key journey:<enrolment>:<step>) after the quiet hours,
 * the weekly cap, WeCom's monthly limit and the opt-out are checked; held messages are deferred.
 * Coupons and staff tasks are written per batch with multi-row INSERTs under the same keys (a key
 * already there is skipped), so each exists once per enrolment step.
 */
import { Inject, Logger, type ILogger, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager } from 'typeorm';
import type { JourneyStep, JourneyTrigger } from '../../../../contracts/journeys';
import { Db, isUniqueViolation, rawTime, RetryTransaction } from '../../core/db';
import { AbTestService } from '../insight';
import { TagSyncService, TagService } from '../tags';
import { WecomDirectory, OutboundKick, enqueueOutboundMany, renderTemplate, toWxAttachments } from '../wecom';
import { monthOf as shanghaiMonth, weekStart as shanghaiWeekStart } from '../../../../contracts/calendar';
import {
  decideBatch,
  type ActivityFacts,
  type CustomerFacts,
  type DecideBatch,
  type BatchPlan,
  type DecideRun,
  type DueEnrolment,
  type MessageDraft,
  type Settings,
  type StaffFacts,
  type TagAct,
} from './engine-decide';
import { COUPONS, STEP_LOG, TASKS, writeRows, type StepLogRow } from './engine-writer';
import { JourneyEnrolment } from './entities/enrolment.entity';
import { Journey, stepsOf, triggerOf } from './entities/journey.entity';
import { JourneyCustomer } from './entities/journey-customer.entity';
import { MemberActivity } from './entities/member-activity.entity';
import { JourneySettingsRow } from './entities/settings.entity';
import { dbDate } from './projection.service';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BATCH = 5000;
/** Once-per-customer journeys (contact_added) use this episode. */
export const ONCE = new Date(Date.UTC(1970, 0, 1));
export { LAST_ORDER_FALLBACK, type Settings } from './engine-decide';

export interface EvaluateResult {
  enrolled: number;
  stepsRun: number;
  deferred: number;
  exited: number;
  completed: number;
  /** Where the time went, in ms (enrol = the set-based enrolment; the rest summed over the step batches). */
  ms?: { enrol: number; read: number; decide: number; write: number; batches: number };
}

type Customer = { externalUserId: string; memberId: number | null; staffUserId: string };

/** What one evaluation shares between its batches. */
interface RunContext extends DecideRun {
  /** Highest step-log id when the run started: reads count messages up to it. */
  logCeiling: number;
  /** Messages this run queued, per customer. */
  runSent: Map<string, number>;
}

interface DueBatch extends DecideBatch {
  lastId: number;
}

type Outbound = Array<{ idemKey: string; kind: string; payload: unknown; ref: string }>;

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

  /** A/B copy variants on message steps (insight); the step's own text when no test is on it. */
  @Inject()
  abTests!: AbTestService;

  @Logger()
  logger!: ILogger;

  /** Enrolments per batch (tests set it small to drive several batches). */
  batchSize = BATCH;

  async settings(em: EntityManager = this.db.manager): Promise<Settings> {
    const s = await em.findOne(JourneySettingsRow, { where: { id: 1 } });
    return { quietStart: s?.quietStart ?? '21:00', quietEnd: s?.quietEnd ?? '09:00', weeklyCap: s?.weeklyCap ?? 2 };
  }

  private async activeJourneys(em: EntityManager): Promise<Journey[]> {
    return em.find(Journey, { where: { active: true }, order: { id: 'ASC' } });
  }

  private async log(em: EntityManager, rows: StepLogRow[]): Promise<void> {
    await writeRows(em, STEP_LOG, rows);
  }

  // ---------------------------------------------------------------- enrolment

  /**
   * Enrol a customer in every active journey whose trigger matches (inside the caller's
   * transaction). Skipped when the customer is already active in that journey or this episode
   * was enrolled before. Returns how many enrolments were created.
   */
  async enrolByEvent(
    em: EntityManager,
    match: (t: JourneyTrigger) => boolean,
    customer: Customer,
    episodeAt: Date | null,
    now: Date,
    detail: string,
  ): Promise<number> {
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

  /**
   * Enrol the inactive, then run every due step, in batches of BATCH enrolments walked by id.
   * Pipelined: the next batch is read (on another connection) while the current one is decided
   * and the previous ones are written, so the database and this process work at the same time.
   * Writes commit in batch order; a failed write stops the run (the next run resumes: every
   * write is conditional or keyed).
   */
  async evaluate(now: Date, o: { maxBatches?: number; renew?: () => Promise<boolean> } = {}): Promise<EvaluateResult> {
    const ms = { enrol: 0, read: 0, decide: 0, write: 0, batches: 0 };
    const result: EvaluateResult = { enrolled: 0, stepsRun: 0, deferred: 0, exited: 0, completed: 0, ms };
    const journeys = await this.activeJourneys(this.db.manager);
    const t0 = Date.now();
    for (const j of journeys) {
      const trigger = triggerOf(j);
      if (trigger.type === 'inactive') result.enrolled += await this.enrolInactive(j, trigger.days, now);
    }
    ms.enrol = Date.now() - t0;
    if (!journeys.length) return result;
    // messages logged before this run are counted by the reads (ids up to the ceiling: a read
    // running beside a batch's write must not count it); those this run queues are counted in
    // runSent, since one customer's enrolments in two journeys can fall into different batches
    const [{ m: ceiling }]: Array<{ m: number | string }> = await this.db.manager.query('SELECT COALESCE(MAX(id), 0) AS m FROM journey_step_log');
    const run: RunContext = {
      journeys: new Map(journeys.map((j) => [j.id, j])),
      // each journey's definition parsed once per run, not once per customer
      steps: new Map(journeys.map((j) => [j.id, stepsOf(j)])),
      settings: await this.settings(),
      now,
      week: shanghaiWeekStart(now),
      month: shanghaiMonth(now),
      logCeiling: Number(ceiling),
      runSent: new Map(),
    };
    const maxBatches = o.maxBatches ?? 1000;
    const handled = <T>(p: Promise<T>): Promise<T> => {
      p.catch(() => undefined); // awaited later; a rejection before then is not "unhandled"
      return p;
    };
    let reading = handled(this.readBatch(run, 0));
    // a batch's queued messages (transaction A) commit before its step log and enrolment moves
    // (transaction B): A of one batch runs beside B of the previous one on another connection
    let writingA: Promise<void> | null = null;
    let writingB: Promise<void> | null = null;
    let olderB: Promise<void> | null = null;
    let queued = 0;
    const since = (t: number) => Date.now() - t;
    for (let b = 0; b < maxBatches; b++) {
      let t = Date.now();
      const batch = await reading;
      ms.read += since(t);
      if (!batch.due.length) break;
      const more = batch.due.length === this.batchSize && b + 1 < maxBatches;
      if (more) reading = handled(this.readBatch(run, batch.lastId));
      t = Date.now();
      const plan = decideBatch(run, batch);
      for (const [ext, n] of plan.sent) run.runSent.set(ext, (run.runSent.get(ext) ?? 0) + n);
      const outbound = await this.compose(plan.messages, run.now);
      await this.abTests.couponVariants(plan.coupons, run.now); // a coupon A/B test's variant per member
      ms.decide += since(t);
      t = Date.now();
      if (writingA) await writingA; // messages written one batch at a time, in order
      if (olderB) await olderB; // at most two batches' writes pending
      ms.write += since(t);
      const a = handled(this.writeMessages(outbound));
      const previousB = writingB;
      writingA = a;
      olderB = previousB;
      writingB = handled(
        (async () => {
          await a;
          if (previousB) await previousB;
          await this.writeSteps(plan, now);
        })(),
      );
      ms.batches++;
      queued += outbound.length;
      result.stepsRun += plan.stepsRun;
      result.deferred += plan.deferred;
      result.exited += plan.exited;
      result.completed += plan.completed;
      if (!more) break;
      if (o.renew && b % 20 === 19 && !(await o.renew())) break; // lost the lease: stop, the holder continues
    }
    const t = Date.now();
    if (writingB) await writingB;
    ms.write += since(t);
    // one kick when the evaluation is done: sending starts after, not in between the batches
    if (queued) this.kick.kick();
    return result;
  }

  /** Due enrolments after `afterId` with their customer and activity rows, message counts and names (reads only). */
  private async readBatch(run: RunContext, afterId: number): Promise<DueBatch> {
    const kind = this.db.kind;
    const t = (d: Date) => rawTime(kind, d);
    const ids = [...run.journeys.keys()];
    const raw: Array<Record<string, unknown>> = await this.db.manager.query(
      `SELECT e.id, e.journey_id, e.external_user_id, e.member_id, e.staff_user_id, e.next_step, e.enrolled_at,
              c.id AS c_id, c.member_id AS c_member_id, c.staff_user_id AS c_staff, c.lost_at, c.last_reply_at AS c_reply, c.opted_out,
              a.member_id AS a_member_id, a.last_interaction_at, a.last_visit_at, a.last_order_at, a.last_checkin_at, a.last_reply_at AS a_reply, a.last_order_title
       FROM journey_enrolment e ${kind === 'mysql' ? 'FORCE INDEX (idx_journey_enrolment_walk)' : 'INDEXED BY idx_journey_enrolment_walk'}
       LEFT JOIN journey_customer c ON c.external_user_id = e.external_user_id
       LEFT JOIN member_activity a ON a.member_id = COALESCE(e.member_id, c.member_id)
       WHERE e.status = 'active' AND e.next_due_at <= ? AND e.journey_id IN (${ids.map(() => '?').join(',')}) AND e.id > ?
       ORDER BY e.id ASC LIMIT ${Math.max(1, Math.floor(this.batchSize))}`,
      [t(run.now), ...ids, afterId],
    );
    const due: DueEnrolment[] = [];
    const customers = new Map<string, CustomerFacts>();
    const activity = new Map<number, ActivityFacts>();
    for (const r of raw) {
      const ext = String(r.external_user_id);
      due.push(
        Object.assign(new JourneyEnrolment(), {
          id: Number(r.id),
          journeyId: Number(r.journey_id),
          externalUserId: ext,
          memberId: r.member_id === null ? null : Number(r.member_id),
          staffUserId: String(r.staff_user_id),
          nextStep: Number(r.next_step),
          enrolledAt: dbDate(r.enrolled_at)!,
          status: 'active' as const,
        }),
      );
      if (r.c_id !== null && r.c_id !== undefined) {
        customers.set(
          ext,
          Object.assign(new JourneyCustomer(), {
            id: Number(r.c_id),
            externalUserId: ext,
            memberId: r.c_member_id === null ? null : Number(r.c_member_id),
            staffUserId: String(r.c_staff),
            lostAt: dbDate(r.lost_at),
            lastReplyAt: dbDate(r.c_reply),
            optedOut: !!Number(r.opted_out),
          }),
        );
      }
      if (r.a_member_id !== null && r.a_member_id !== undefined) {
        activity.set(
          Number(r.a_member_id),
          Object.assign(new MemberActivity(), {
            memberId: Number(r.a_member_id),
            lastInteractionAt: dbDate(r.last_interaction_at)!,
            lastVisitAt: dbDate(r.last_visit_at),
            lastOrderAt: dbDate(r.last_order_at),
            lastCheckinAt: dbDate(r.last_checkin_at),
            lastReplyAt: dbDate(r.a_reply),
            lastOrderTitle: (r.last_order_title as string | null) ?? null,
          }),
        );
      }
    }
    raw.length = 0; // the driver rows can go (keeps the heap small)
    const lastId = due.length ? due[due.length - 1].id : afterId;
    if (!due.length) return { due, customers, activity, counts: new Map(), names: new Map(), staff: new Map(), memberStores: new Map(), lastId };
    const extIds = [...new Set(due.map((e) => e.externalUserId))];
    const counts = await this.messageCounts(extIds, run);
    const names = due.some((e) => this.needsNames(run.steps.get(e.journeyId), e.nextStep))
      ? await this.directory.contactNames(extIds)
      : new Map<string, string | null>();
    // store-manager tasks go to the member's home store: one lookup for the batch, not one per task
    const managed: number[] = [];
    for (const e of due) {
      const action = run.steps.get(e.journeyId)?.[e.nextStep]?.action;
      const memberId = e.memberId ?? customers.get(e.externalUserId)?.memberId ?? null;
      if (action?.type === 'staff_task' && action.assignee === 'store_manager' && memberId !== null) managed.push(memberId);
    }
    const memberStores = await this.directory.memberStores(managed);
    // the owning staff members' cards (a handful per batch, cached by the directory)
    const staff = new Map<string, StaffFacts>();
    for (const userId of new Set([...customers.values()].map((c) => c.staffUserId))) {
      const card = await this.directory.staffByUserId(userId);
      if (card) staff.set(userId, { displayName: card.displayName, storeId: card.storeId, storeName: await this.directory.storeName(card.storeId) });
    }
    return { due, customers, activity, counts, names, staff, memberStores, lastId };
  }

  /** The messages' copy: the step's text, or the member's A/B variant (assigned once), with the placeholders filled. */
  private async compose(drafts: MessageDraft[], now: Date): Promise<Outbound> {
    const out: Outbound = [];
    for (const d of drafts) {
      const copy = await this.abTests.textFor(d.journeyId, d.stepIndex, d.memberId, d.text, now);
      out.push({
        idemKey: d.idemKey,
        kind: 'msg_template',
        payload: {
          sender: d.sender,
          externalUserIds: [d.externalUserId],
          text: renderTemplate(copy, d.vars).trim(),
          attachments: toWxAttachments(d.attachments),
        },
        ref: d.ref,
      });
    }
    return out;
  }

  /**
   * A batch's queued messages, in their own transaction, committed before the batch's step moves:
   * a crash between the two leaves the enrolments where they were, and the next run's messages
   * carry the same keys (journey:<enrolment>:<step>), so nothing is sent twice or lost.
   */
  private async writeMessages(outbound: Outbound): Promise<void> {
    // the queue runs on the wall clock (sending happens now), whatever clock the evaluation uses
    if (outbound.length) await this.db.transaction((em) => enqueueOutboundMany(em, outbound));
  }

  /** A batch's actions, step log and enrolment moves in one transaction. */
  private async writeSteps(plan: BatchPlan, now: Date): Promise<void> {
    const dt = (d: Date | null) => (d ? rawTime(this.db.kind, d) : null);
    const list = (n: number) => new Array(n).fill('?').join(',');
    await this.db.transaction(async (em) => {
      // keyed rows: a coupon or task exists at most once per enrolment step however often it is attempted
      await writeRows(em, COUPONS, plan.coupons);
      await writeRows(em, TASKS, plan.tasks);
      for (const act of plan.tagActs) await this.tagAct(em, act);
      await this.log(em, plan.logs);
      // plain SQL with `?` lists (thousands of ids; the query builder's parameter pass is the slow part)
      for (const g of plan.advance.values()) {
        for (let i = 0; i < g.ids.length; i += 5000) {
          const ids = g.ids.slice(i, i + 5000);
          const r = await em.queryRunner!.query(
            `UPDATE journey_enrolment SET next_step = ?, next_due_at = ?, status = ?, updated_at = ? WHERE id IN (${list(ids.length)}) AND next_step = ? AND status = 'active'`,
            [g.to, dt(g.due), g.status, dt(now), ...ids, g.from],
            true,
          );
          // another runner moved these meanwhile: undo the whole batch rather than act twice
          if (Number((r as { affected?: number }).affected ?? ids.length) !== ids.length) throw new RetryTransaction('journey enrolments changed concurrently');
        }
      }
      for (const [until, ids] of plan.defer) {
        for (let i = 0; i < ids.length; i += 5000) {
          const part = ids.slice(i, i + 5000);
          await em.query(`UPDATE journey_enrolment SET next_due_at = ?, updated_at = ? WHERE id IN (${list(part.length)}) AND status = 'active'`, [
            dt(new Date(until)),
            dt(now),
            ...part,
          ]);
        }
      }
      for (const [reason, ids] of plan.exits) {
        for (let i = 0; i < ids.length; i += 5000) {
          const part = ids.slice(i, i + 5000);
          await em.query(
            `UPDATE journey_enrolment SET status = 'exited', exit_reason = ?, next_due_at = NULL, updated_at = ? WHERE id IN (${list(part.length)}) AND status = 'active'`,
            [reason, dt(now), ...part],
          );
        }
      }
    });
  }

  private needsNames(steps: JourneyStep[] | undefined, index: number): boolean {
    const a = steps?.[index]?.action;
    return a?.type === 'message' && a.text.includes('{客户称呼}');
  }

  /** Messages logged before this run (ids up to the ceiling) per customer: this Shanghai week and month. */
  private async messageCounts(extIds: string[], run: RunContext): Promise<Map<string, { week: number; month: number }>> {
    const out = new Map<string, { week: number; month: number }>();
    const { week, month } = run;
    const from = week < month.start ? week : month.start;
    const t = (d: Date) => rawTime(this.db.kind, d);
    // plain `?` placeholders: the query builder's named-parameter pass is slow on thousands of ids
    for (let i = 0; i < extIds.length; i += 5000) {
      const part = extIds.slice(i, i + 5000);
      const rows: Array<{ ext: string; w: string | number; m: string | number }> = await this.db.manager.query(
        `SELECT message_to AS ext, SUM(CASE WHEN at >= ? THEN 1 ELSE 0 END) AS w, SUM(CASE WHEN at >= ? THEN 1 ELSE 0 END) AS m
         FROM journey_step_log WHERE message_to IN (${part.map(() => '?').join(',')}) AND at >= ? AND id <= ? GROUP BY message_to`,
        [t(week), t(month.start), ...part, t(from), run.logCeiling],
      );
      for (const r of rows) out.set(r.ext, { week: Number(r.w), month: Number(r.m) });
    }
    return out;
  }

  /** Tag actions, written in the batch's transaction (idempotent by key). */
  private async tagAct(em: EntityManager, act: TagAct): Promise<void> {
    const add = act.type === 'add_tag';
    if (add && act.memberId) await this.tags.grant(em, act.memberId, [act.tagName], `journey:${act.journeyId}`);
    // WeCom side for this contact (member tags also reach the member's other contacts via the tag sync)
    await this.tagSync.tagContact(em, {
      userId: act.staffUserId,
      externalUserId: act.externalUserId,
      add: add ? [act.tagName] : [],
      remove: add ? [] : [act.tagName],
      source: `journey:${act.journeyId}`,
      key: act.key,
    });
  }
}
