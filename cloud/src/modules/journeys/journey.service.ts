/** Ops side of journeys: definitions (CRUD, built-in restore), where each customer stands, settings, run now. */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In } from 'typeorm';
import type { EnrolmentView, JourneySettings, JourneyStep, JourneyTrigger, JourneyView } from '../../../../contracts/journeys';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso } from '../../core/db';
import { AppError } from '../../core/errors';
import { WecomDirectory } from '../wecom';
import { BUILTIN_JOURNEYS } from './defaults';
import { JourneyEnrolment, JourneyStepLog } from './entities/enrolment.entity';
import { Journey, stepsOf, triggerOf } from './entities/journey.entity';
import { JourneyCustomer } from './entities/journey-customer.entity';
import { JourneySettingsRow } from './entities/settings.entity';

export interface JourneyInput {
  name: string;
  description: string;
  active: boolean;
  trigger: JourneyTrigger;
  steps: JourneyStep[];
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class JourneyService {
  @Inject()
  db!: Db;

  @Inject()
  directory!: WecomDirectory;

  private async stats(ids: number[]): Promise<Map<number, JourneyView['stats']>> {
    const out = new Map<number, JourneyView['stats']>();
    for (const id of ids) out.set(id, { active: 0, completed: 0, exited: 0, waitingByStep: [] });
    if (!ids.length) return out;
    const rows: Array<{ j: number; status: string; step: number; n: string | number }> = await this.db.manager
      .createQueryBuilder(JourneyEnrolment, 'e')
      .select('e.journey_id', 'j')
      .addSelect('e.status', 'status')
      .addSelect('e.next_step', 'step')
      .addSelect('COUNT(*)', 'n')
      .where('e.journey_id IN (:...ids)', { ids })
      .groupBy('e.journey_id')
      .addGroupBy('e.status')
      .addGroupBy('e.next_step')
      .getRawMany();
    for (const r of rows) {
      const s = out.get(Number(r.j))!;
      const n = Number(r.n);
      if (r.status === 'active') {
        s.active += n;
        const step = Number(r.step);
        while (s.waitingByStep.length <= step) s.waitingByStep.push(0);
        s.waitingByStep[step] += n;
      } else if (r.status === 'completed') s.completed += n;
      else s.exited += n;
    }
    return out;
  }

  private view(j: Journey, stats: JourneyView['stats']): JourneyView {
    const steps = stepsOf(j);
    const waiting = steps.map((_, i) => stats.waitingByStep[i] ?? 0);
    return {
      id: j.id,
      builtinKey: j.builtinKey,
      name: j.name,
      description: j.description,
      active: !!j.active,
      trigger: triggerOf(j),
      steps,
      version: j.version,
      stats: { ...stats, waitingByStep: waiting },
      createdAt: iso(j.createdAt),
      updatedAt: iso(j.updatedAt),
    };
  }

  async list(): Promise<{ items: JourneyView[] }> {
    const rows = await this.db.manager.find(Journey, { order: { id: 'ASC' } });
    rows.sort((a, b) => Number(!!b.builtinKey) - Number(!!a.builtinKey) || a.id - b.id);
    const stats = await this.stats(rows.map((r) => r.id));
    return { items: rows.map((r) => this.view(r, stats.get(r.id)!)) };
  }

  private async find(id: number): Promise<Journey> {
    const j = await this.db.manager.findOne(Journey, { where: { id } });
    if (!j) throw new AppError('NOT_FOUND');
    return j;
  }

  async get(id: number): Promise<JourneyView> {
    const j = await this.find(id);
    return this.view(j, (await this.stats([id])).get(id)!);
  }

  async create(input: JourneyInput): Promise<JourneyView> {
    const now = new Date();
    const r = await this.db.manager.insert(Journey, {
      builtinKey: null,
      name: input.name,
      description: input.description,
      active: input.active,
      triggerDef: input.trigger,
      steps: input.steps,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    return this.get(Number(r.identifiers[0].id));
  }

  async update(id: number, input: JourneyInput): Promise<JourneyView> {
    const j = await this.find(id);
    await this.db.manager
      .createQueryBuilder()
      .update(Journey)
      .set({
        name: input.name,
        description: input.description,
        active: input.active,
        triggerDef: input.trigger,
        steps: input.steps,
        version: () => 'version + 1',
        updatedAt: new Date(),
      })
      .where('id = :id', { id: j.id })
      .execute();
    return this.get(id);
  }

  async setActive(id: number, active: boolean): Promise<JourneyView> {
    await this.find(id);
    await this.db.manager.update(Journey, { id }, { active, updatedAt: new Date() });
    return this.get(id);
  }

  async restore(id: number): Promise<JourneyView> {
    const j = await this.find(id);
    const def = BUILTIN_JOURNEYS.find((b) => b.key === j.builtinKey);
    if (!def) throw new AppError('JOURNEY_NOT_BUILTIN');
    return this.update(id, { name: def.name, description: def.description, active: true, trigger: def.trigger, steps: def.steps });
  }

  // ---- where customers stand ----

  private async enrolmentViews(rows: JourneyEnrolment[], em: EntityManager = this.db.manager): Promise<EnrolmentView[]> {
    if (!rows.length) return [];
    const journeys = new Map((await em.find(Journey, { where: { id: In([...new Set(rows.map((r) => r.journeyId))]) } })).map((j) => [j.id, j]));
    const logs = await em.find(JourneyStepLog, { where: { enrolmentId: In(rows.map((r) => r.id)) }, order: { id: 'ASC' } });
    const byEnrolment = new Map<number, JourneyStepLog[]>();
    for (const l of logs) byEnrolment.set(l.enrolmentId, [...(byEnrolment.get(l.enrolmentId) ?? []), l]);
    const names = await this.directory.contactNames(rows.map((r) => r.externalUserId));
    const staffNames = await this.directory.staffNames(rows.map((r) => r.staffUserId));
    const memberNames = await this.directory.memberNames(rows.map((r) => r.memberId));
    return rows.map((e) => {
      const j = journeys.get(e.journeyId);
      const steps = j ? stepsOf(j) : [];
      return {
        id: e.id,
        journeyId: e.journeyId,
        journeyName: j?.name ?? '',
        externalUserId: e.externalUserId,
        customerName: names.get(e.externalUserId) ?? null,
        memberId: e.memberId,
        staffUserId: e.staffUserId,
        staffName: e.staffUserId ? (staffNames.get(e.staffUserId) ?? null) : null,
        memberName: e.memberId ? (memberNames.get(e.memberId) ?? null) : null,
        status: e.status,
        nextStep: e.nextStep,
        nextStepName: e.status === 'active' ? (steps[e.nextStep]?.name ?? null) : null,
        nextDueAt: iso(e.nextDueAt),
        enrolledAt: iso(e.enrolledAt),
        exitReason: e.exitReason,
        // the first line comes from the enrolment itself (no log row is written for it)
        log: [
          { stepIndex: null, stepName: null, outcome: 'enrolled' as const, detail: e.enrolReason, at: iso(e.enrolledAt) },
          ...(byEnrolment.get(e.id) ?? []).map((l) => ({
            stepIndex: l.stepIndex,
            stepName: l.stepIndex === null ? null : (steps[l.stepIndex]?.name ?? null),
            outcome: l.outcome as EnrolmentView['log'][number]['outcome'],
            detail: l.detail,
            at: iso(l.at),
          })),
        ],
      };
    });
  }

  async enrolments(
    journeyId: number,
    q: { page: number; pageSize: number; status?: 'active' | 'completed' | 'exited'; step?: number },
    staff?: StaffPrincipal,
  ) {
    await this.find(journeyId);
    const where: Record<string, unknown> = { journeyId };
    if (staff && staff.role !== 'hq_admin') {
      // a store manager sees the customers of their store's staff only
      const own = staff.role === 'store_manager' && staff.storeId !== null ? await this.directory.wecomUserIdsOfStore(staff.storeId) : [];
      where.staffUserId = In(own.length ? own : ['\u0000none']);
    }
    if (q.status) where.status = q.status;
    if (q.step !== undefined) where.nextStep = q.step;
    const [rows, total] = await this.db.manager.findAndCount(JourneyEnrolment, {
      where,
      order: { id: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items: await this.enrolmentViews(rows), total, page: q.page, pageSize: q.pageSize };
  }

  async customer(externalUserId: string): Promise<{ optedOut: boolean; items: EnrolmentView[] }> {
    const rows = await this.db.manager.find(JourneyEnrolment, { where: { externalUserId }, order: { id: 'DESC' }, take: 50 });
    const c = await this.db.manager.findOne(JourneyCustomer, { where: { externalUserId }, select: { id: true, optedOut: true } });
    return { optedOut: !!c?.optedOut, items: await this.enrolmentViews(rows) };
  }

  // ---- settings ----

  async settings(): Promise<JourneySettings> {
    const s = await this.db.manager.findOne(JourneySettingsRow, { where: { id: 1 } });
    return { quietStart: s?.quietStart ?? '21:00', quietEnd: s?.quietEnd ?? '09:00', weeklyCapPerCustomer: s?.weeklyCap ?? 2 };
  }

  async updateSettings(s: JourneySettings): Promise<JourneySettings> {
    const values = { quietStart: s.quietStart, quietEnd: s.quietEnd, weeklyCap: s.weeklyCapPerCustomer, updatedAt: new Date() };
    const r = await this.db.manager.update(JourneySettingsRow, { id: 1 }, values);
    if (!r.affected) await this.db.manager.insert(JourneySettingsRow, { id: 1, ...values });
    return this.settings();
  }
}
