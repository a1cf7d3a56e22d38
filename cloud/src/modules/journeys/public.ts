/**
 * The journeys module's public face for other domains: open a staff task (shown in the sidebar),
 * enrol a member in one chosen journey (a win-back after a churn cause), quiet a member's
 * automated messages, list journeys to choose from. Writes happen in the caller's transaction.
 */
import { Provide, Scope, ScopeEnum, Inject } from '@midwayjs/core';
import { EntityManager } from 'typeorm';
import { Db, isUniqueViolation } from '../../core/db';
import { JourneyEnrolment } from './entities/enrolment.entity';
import { Journey, stepsOf } from './entities/journey.entity';
import { JourneyCustomer } from './entities/journey-customer.entity';
import { StaffTask } from './entities/staff-task.entity';

const HOUR = 3600_000;

export interface StaffTaskInput {
  /** Idempotency key: a second call with the same key opens nothing. */
  idemKey: string;
  assignee: 'owner' | 'store_manager';
  staffUserId: string | null;
  storeId: number | null;
  externalUserId: string;
  memberId: number | null;
  title: string;
  detail: string;
  dueAt: Date;
  /** Shown where the journey name goes (e.g. 「反馈跟进」). */
  origin: string;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class JourneysPublic {
  @Inject()
  db!: Db;

  /** Open a task; false when one with this key exists already. */
  async openStaffTask(em: EntityManager, t: StaffTaskInput, now = new Date()): Promise<boolean> {
    try {
      await em.insert(StaffTask, {
        idemKey: t.idemKey.slice(0, 96),
        assignee: t.assignee,
        staffUserId: t.staffUserId,
        storeId: t.storeId,
        externalUserId: t.externalUserId,
        memberId: t.memberId,
        enrolmentId: null,
        journeyName: t.origin.slice(0, 40),
        title: t.title.slice(0, 60),
        detail: t.detail.slice(0, 500),
        status: 'open',
        dueAt: t.dueAt,
        createdAt: now,
        doneAt: null,
        doneBy: null,
      });
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /** The member's WeCom contact journeys run with (the primary one), if it is still a contact. */
  async contactOfMember(memberId: number, em: EntityManager = this.db.manager): Promise<{ externalUserId: string; staffUserId: string } | null> {
    const c =
      (await em.findOne(JourneyCustomer, { where: { memberId, isPrimary: true }, order: { id: 'ASC' } })) ??
      (await em.findOne(JourneyCustomer, { where: { memberId }, order: { id: 'ASC' } }));
    return c && !c.lostAt ? { externalUserId: c.externalUserId, staffUserId: c.staffUserId } : null;
  }

  /**
   * Enrol the member's contact in this journey now (a new episode), unless they are active in it.
   * False when the journey is missing, inactive or empty, or the member has no WeCom contact.
   */
  async enrolMember(em: EntityManager, journeyId: number, memberId: number, reason: string, now = new Date()): Promise<boolean> {
    const j = await em.findOne(Journey, { where: { id: journeyId } });
    if (!j || !j.active) return false;
    const steps = stepsOf(j);
    if (!steps.length) return false;
    const c = await this.contactOfMember(memberId, em);
    if (!c) return false;
    const active = await em.count(JourneyEnrolment, { where: { journeyId, externalUserId: c.externalUserId, status: 'active' } });
    if (active) return true;
    try {
      await em.insert(JourneyEnrolment, {
        journeyId,
        externalUserId: c.externalUserId,
        memberId,
        staffUserId: c.staffUserId,
        episodeAt: now,
        status: 'active',
        nextStep: 0,
        nextDueAt: new Date(now.getTime() + steps[0].waitHours * HOUR),
        enrolledAt: now,
        enrolReason: reason.slice(0, 255),
        exitReason: null,
        updatedAt: now,
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    return true;
  }

  /**
   * Stop automated journey messages to the member's contacts (a churn case 消息太多): message steps
   * skip them as opted out; staff tasks still come. Returns the contacts quieted.
   */
  async quietMember(em: EntityManager, memberId: number, now = new Date()): Promise<number> {
    const r = await em.update(JourneyCustomer, { memberId, optedOut: false }, { optedOut: true, updatedAt: now });
    return r.affected ?? 0;
  }

  /** Message steps of every journey (insight's A/B tests put copy variants on one). */
  async messageSteps(): Promise<Array<{ journeyId: number; journeyName: string; stepIndex: number; stepName: string; text: string }>> {
    const rows = await this.db.manager.find(Journey, { order: { id: 'ASC' } });
    return rows.flatMap((j) =>
      stepsOf(j).flatMap((s, stepIndex) =>
        s.action.type === 'message' ? [{ journeyId: j.id, journeyName: j.name, stepIndex, stepName: s.name, text: s.action.text }] : [],
      ),
    );
  }

  /** Coupon steps of every journey (insight's A/B tests put coupon variants on one). */
  async couponSteps(): Promise<
    Array<{ journeyId: number; journeyName: string; stepIndex: number; stepName: string; title: string; amountFen: number; minSpendFen: number }>
  > {
    const rows = await this.db.manager.find(Journey, { order: { id: 'ASC' } });
    return rows.flatMap((j) =>
      stepsOf(j).flatMap((s, stepIndex) =>
        s.action.type === 'coupon'
          ? [
              {
                journeyId: j.id,
                journeyName: j.name,
                stepIndex,
                stepName: s.name,
                title: s.action.title,
                amountFen: s.action.amountFen,
                minSpendFen: s.action.minSpendFen,
              },
            ]
          : [],
      ),
    );
  }

  async journeys(): Promise<Array<{ id: number; name: string; active: boolean }>> {
    const rows = await this.db.manager.find(Journey, { order: { id: 'ASC' }, select: { id: true, name: true, active: true } });
    return rows.map((r) => ({ id: r.id, name: r.name, active: !!r.active }));
  }
}
