/**
 * Classes as staff author them: create (with a series of sessions), edit, add / reschedule /
 * cancel sessions (refunds and waitlist promotion follow), and the class list and detail pages.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In } from 'typeorm';
import type { ClassDetail, ClassSummary, OpsSession } from '../../../../contracts/classes';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, LIKE_ESCAPE, likeContains } from '../../core/db';
import { AppError } from '../../core/errors';
import { EventBus } from '../../core/events/event-bus';
import { newToken } from './codes';
import { ClassDef } from './entities/class-def.entity';
import { ClassRegistration } from './entities/class-registration.entity';
import { ClassSession } from './entities/class-session.entity';
import './events';
import { IdentityReads } from '../identity';
import { ClassPaymentService } from './payment.service';
import { RegistrationService, toDate } from './registration.service';
import { addMinutes, dayKey, sameDayAt } from '../../../../contracts/calendar';
import { seriesStarts } from './series';
import { retryingTransaction } from './tx';
import { classSummary, mean, opsSession, recurrenceOf } from './views';
import { ClassStaffScope, invalid } from './admin-scope';

type Recurrence = { frequency: 'daily' | 'weekly' | 'monthly'; count: number };

export interface ClassFieldsInput {
  title: string;
  type: ClassDef['type'];
  hostName: string;
  room?: string | null;
  adultSeats: number;
  childSeats: number;
  priceFen: number;
  registrationClosesMinutesBefore: number;
  cancellationClosesMinutesBefore: number;
  coverUrl?: string | null;
  description: string;
  tags: string[];
}

export interface CreateClassInput extends ClassFieldsInput {
  storeId: number;
  startsAt: string;
  endsAt: string;
  recurrence?: Recurrence | null;
}

export type UpdateClassInput = Partial<Omit<ClassFieldsInput, 'type'>> & { schedule?: { startTime: string; durationMinutes: number } };

const MAX_DURATION_MIN = 24 * 60;

function parseTime(value: string, path: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new AppError('VALIDATION_FAILED', undefined, [{ path, message: '时间格式不正确' }]);
  return d;
}

const uniqTags = (tags: string[]) => [...new Set(tags.map((t) => t.trim()).filter(Boolean))];

@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassAuthoringService {
  @Inject()
  db!: Db;

  @Inject()
  scope!: ClassStaffScope;

  @Inject()
  events!: EventBus;

  @Inject()
  lookup!: IdentityReads;

  @Inject()
  registrations!: RegistrationService;

  @Inject()
  pay!: ClassPaymentService;

  async create(staff: StaffPrincipal, input: CreateClassInput, now = new Date()): Promise<ClassDetail> {
    if (staff.role !== 'hq_admin' && staff.storeId !== input.storeId) throw new AppError('FORBIDDEN', '只能为本门店创建活动');
    if (!(await this.lookup.storeExists(input.storeId))) throw invalid('storeId', '门店不存在');
    this.checkSeats(input.adultSeats, input.childSeats);
    const startsAt = parseTime(input.startsAt, 'startsAt');
    const endsAt = parseTime(input.endsAt, 'endsAt');
    this.checkWindow(startsAt, endsAt, now);
    const starts = seriesStarts(startsAt, input.recurrence);
    const durationMs = endsAt.getTime() - startsAt.getTime();
    const classId = await this.db.transaction(async (tx) => {
      const res = await tx.insert(ClassDef, {
        title: input.title,
        type: input.type,
        hostName: input.hostName,
        storeId: input.storeId,
        room: input.room ?? null,
        adultSeats: input.adultSeats,
        childSeats: input.childSeats,
        priceFen: input.priceFen,
        regCloseMin: input.registrationClosesMinutesBefore,
        cancelCloseMin: input.cancellationClosesMinutesBefore,
        coverUrl: input.coverUrl ?? null,
        description: input.description,
        tags: uniqTags(input.tags),
        recurrence: input.recurrence ? { frequency: input.recurrence.frequency, count: input.recurrence.count } : null,
        createdByStaffId: staff.staffId,
        createdAt: now,
        updatedAt: now,
      });
      const id = Number(res.identifiers[0].id);
      const cls = await tx.findOneOrFail(ClassDef, { where: { id } });
      for (const start of starts) await this.insertSession(tx, cls, start, new Date(start.getTime() + durationMs), now);
      return id;
    });
    return this.detail(staff, classId, now);
  }

  private checkSeats(adultSeats: number, childSeats: number): void {
    if (adultSeats + childSeats < 1) throw invalid('adultSeats', '至少设置1个名额');
  }

  private checkWindow(startsAt: Date, endsAt: Date, now: Date): void {
    if (startsAt <= now) throw invalid('startsAt', '开始时间需晚于现在');
    if (endsAt <= startsAt) throw invalid('endsAt', '结束时间需晚于开始时间');
    if (endsAt.getTime() - startsAt.getTime() > MAX_DURATION_MIN * 60_000) throw invalid('endsAt', '单场活动不能超过24小时');
  }

  /** Deadlines from the class's offsets (one already behind us simply means "closed"). */
  private deadlines(c: ClassDef, startsAt: Date) {
    return { registrationDeadline: addMinutes(startsAt, -c.regCloseMin), cancellationDeadline: addMinutes(startsAt, -c.cancelCloseMin) };
  }

  private async insertSession(tx: EntityManager, c: ClassDef, startsAt: Date, endsAt: Date, now: Date): Promise<number> {
    const { registrationDeadline, cancellationDeadline } = this.deadlines(c, startsAt);
    const res = await tx.insert(ClassSession, {
      classId: c.id,
      storeId: c.storeId,
      startsAt,
      endsAt,
      status: 'scheduled',
      adultSeats: c.adultSeats,
      childSeats: c.childSeats,
      adultLeft: c.adultSeats,
      childLeft: c.childSeats,
      arrivalSeq: 0,
      waitingCount: 0,
      registrationDeadline,
      cancellationDeadline,
      checkinToken: newToken(),
      finishedAt: null,
      createdAt: now,
    });
    return Number(res.identifiers[0].id);
  }

  async addSession(staff: StaffPrincipal, classId: number, input: { startsAt: string; endsAt: string }, now = new Date()): Promise<ClassDetail> {
    const c = await this.scope.scopedClass(staff, classId);
    const startsAt = parseTime(input.startsAt, 'startsAt');
    const endsAt = parseTime(input.endsAt, 'endsAt');
    this.checkWindow(startsAt, endsAt, now);
    await this.db.transaction((tx) => this.insertSession(tx, c, startsAt, endsAt, now));
    return this.detail(staff, classId, now);
  }

  /** Seats: set the total and move seats-left by the same delta, never below what is booked. */
  private async setSeats(tx: EntityManager, sessionId: number, adultSeats: number | undefined, childSeats: number | undefined): Promise<void> {
    if (adultSeats !== undefined) {
      const res = await tx
        .createQueryBuilder()
        .update(ClassSession)
        .set({ adultLeft: () => 'adult_left + :n - adult_seats', adultSeats: () => ':n' })
        .where('id = :id AND adult_left + :n - adult_seats >= 0')
        .setParameters({ id: sessionId, n: adultSeats })
        .execute();
      if (!res.affected) throw new AppError('CLASS_SEATS_BELOW_BOOKED');
    }
    if (childSeats !== undefined) {
      const res = await tx
        .createQueryBuilder()
        .update(ClassSession)
        .set({ childLeft: () => 'child_left + :n - child_seats', childSeats: () => ':n' })
        .where('id = :id AND child_left + :n - child_seats >= 0')
        .setParameters({ id: sessionId, n: childSeats })
        .execute();
      if (!res.affected) throw new AppError('CLASS_SEATS_BELOW_BOOKED');
    }
  }

  async update(staff: StaffPrincipal, classId: number, patch: UpdateClassInput, now = new Date()): Promise<ClassDetail> {
    const c = await this.scope.scopedClass(staff, classId);
    const adultSeats = patch.adultSeats ?? c.adultSeats;
    const childSeats = patch.childSeats ?? c.childSeats;
    this.checkSeats(adultSeats, childSeats);
    const seatsChanged = patch.adultSeats !== undefined || patch.childSeats !== undefined;
    const touched = await retryingTransaction(this.db, async (tx) => {
      const changes: Partial<ClassDef> = { updatedAt: now };
      if (patch.title !== undefined) changes.title = patch.title;
      if (patch.hostName !== undefined) changes.hostName = patch.hostName;
      if (patch.room !== undefined) changes.room = patch.room;
      if (patch.coverUrl !== undefined) changes.coverUrl = patch.coverUrl;
      if (patch.description !== undefined) changes.description = patch.description;
      if (patch.tags !== undefined) changes.tags = uniqTags(patch.tags);
      if (patch.priceFen !== undefined) changes.priceFen = patch.priceFen;
      if (patch.adultSeats !== undefined) changes.adultSeats = patch.adultSeats;
      if (patch.childSeats !== undefined) changes.childSeats = patch.childSeats;
      if (patch.registrationClosesMinutesBefore !== undefined) changes.regCloseMin = patch.registrationClosesMinutesBefore;
      if (patch.cancellationClosesMinutesBefore !== undefined) changes.cancelCloseMin = patch.cancellationClosesMinutesBefore;
      await tx.update(ClassDef, { id: classId }, changes);
      const cls = await tx.findOneOrFail(ClassDef, { where: { id: classId } });
      const future = await tx
        .createQueryBuilder(ClassSession, 's')
        .where("s.class_id = :classId AND s.status = 'scheduled' AND s.starts_at > :now", { classId, now })
        .orderBy('s.startsAt', 'ASC')
        .getMany();
      const deadlinesChanged = patch.registrationClosesMinutesBefore !== undefined || patch.cancellationClosesMinutesBefore !== undefined;
      for (const s of future) {
        if (seatsChanged) await this.setSeats(tx, s.id, patch.adultSeats, patch.childSeats);
        if (patch.schedule || deadlinesChanged) {
          let startsAt = new Date(s.startsAt);
          let endsAt = new Date(s.endsAt);
          if (patch.schedule) {
            startsAt = sameDayAt(startsAt, patch.schedule.startTime);
            endsAt = addMinutes(startsAt, patch.schedule.durationMinutes);
            if (startsAt <= now) throw invalid('schedule.startTime', `${dayKey(startsAt)} 这一场改到该时间已经过去，请单独调整`);
          }
          await tx.update(ClassSession, { id: s.id }, { startsAt, endsAt, ...this.deadlines(cls, startsAt) });
        }
      }
      return future.map((s) => s.id);
    });
    if (seatsChanged) for (const id of touched) await this.registrations.promote(id, now);
    return this.detail(staff, classId, now);
  }

  async updateSession(
    staff: StaffPrincipal,
    sessionId: number,
    patch: { startsAt?: string; endsAt?: string; adultSeats?: number; childSeats?: number; registrationDeadline?: string; cancellationDeadline?: string },
    now = new Date(),
  ): Promise<OpsSession> {
    const { s, c } = await this.scope.scopedSession(staff, sessionId);
    if (s.status !== 'scheduled' || new Date(s.startsAt) <= now) throw new AppError('CLASS_SESSION_UNAVAILABLE', '只能修改尚未开始的场次');
    const startsAt = patch.startsAt ? parseTime(patch.startsAt, 'startsAt') : new Date(s.startsAt);
    const endsAt = patch.endsAt
      ? parseTime(patch.endsAt, 'endsAt')
      : patch.startsAt
        ? new Date(startsAt.getTime() + (new Date(s.endsAt).getTime() - new Date(s.startsAt).getTime()))
        : new Date(s.endsAt);
    if (patch.startsAt || patch.endsAt) this.checkWindow(startsAt, endsAt, now);
    this.checkSeats(patch.adultSeats ?? s.adultSeats, patch.childSeats ?? s.childSeats);
    const moved = startsAt.getTime() !== new Date(s.startsAt).getTime();
    const derived = moved
      ? this.deadlines(c, startsAt)
      : { registrationDeadline: new Date(s.registrationDeadline), cancellationDeadline: new Date(s.cancellationDeadline) };
    const registrationDeadline = patch.registrationDeadline ? parseTime(patch.registrationDeadline, 'registrationDeadline') : derived.registrationDeadline;
    const cancellationDeadline = patch.cancellationDeadline ? parseTime(patch.cancellationDeadline, 'cancellationDeadline') : derived.cancellationDeadline;
    if (registrationDeadline > startsAt) throw invalid('registrationDeadline', '报名截止时间不能晚于开始时间');
    if (cancellationDeadline > startsAt) throw invalid('cancellationDeadline', '取消截止时间不能晚于开始时间');
    await retryingTransaction(this.db, async (tx) => {
      await this.setSeats(tx, s.id, patch.adultSeats, patch.childSeats);
      await tx.update(ClassSession, { id: s.id }, { startsAt, endsAt, registrationDeadline, cancellationDeadline });
      if (moved) {
        const active = await tx.find(ClassRegistration, {
          where: { sessionId: s.id, status: In(['confirmed', 'waitlisted']) },
          select: { id: true, memberId: true },
        });
        for (const r of active) {
          await this.events.emit(tx, 'ClassSessionRescheduled', {
            registrationId: r.id,
            sessionId: s.id,
            classId: c.id,
            classTitle: c.title,
            memberId: r.memberId,
            startsAt: startsAt.toISOString(),
            previousStartsAt: new Date(s.startsAt).toISOString(),
          });
        }
      }
    });
    if (patch.adultSeats !== undefined || patch.childSeats !== undefined) await this.registrations.promote(s.id, now);
    const fresh = await this.db.manager.findOneOrFail(ClassSession, { where: { id: s.id } });
    return opsSession(fresh, (await this.scope.countsBySession([s.id])).get(s.id));
  }

  async cancelSession(staff: StaffPrincipal, sessionId: number, now = new Date()): Promise<OpsSession> {
    const { s, c } = await this.scope.scopedSession(staff, sessionId);
    await this.db.transaction(async (tx) => {
      const res = await tx
        .createQueryBuilder()
        .update(ClassSession)
        .set({ status: 'cancelled' })
        .where("id = :id AND status = 'scheduled'", { id: s.id })
        .execute();
      if (!res.affected) throw new AppError('CLASS_SESSION_UNAVAILABLE');
      const held = await tx.find(ClassRegistration, {
        where: { sessionId: s.id, status: In(['confirmed', 'waitlisted', 'unpaid']) },
        select: { id: true, memberId: true, status: true, tradeNo: true, priceFen: true, paidAt: true },
      });
      await tx
        .createQueryBuilder()
        .update(ClassRegistration)
        .set({ status: 'cancelled', cancelledAt: now, cancelledBy: 'ops' })
        .where("session_id = :id AND status IN ('confirmed', 'waitlisted', 'unpaid')", { id: s.id })
        .execute();
      // paid seats are refunded in full; unpaid trades are closed (a payment still landing is refunded)
      for (const r of held) {
        if (r.status === 'confirmed' && r.paidAt) await this.pay.refundInTx(tx, r, '活动取消，全额退款');
        if (r.status === 'unpaid') this.pay.closeAfterCommit(tx, r.tradeNo);
      }
      const active = held.filter((r) => r.status !== 'unpaid'); // unpaid ones were never registered for the others
      for (const r of active) {
        await this.events.emit(tx, 'ClassRegistrationCancelled', {
          registrationId: r.id,
          sessionId: s.id,
          memberId: r.memberId,
          by: 'ops',
          classTitle: c.title,
          startsAt: new Date(s.startsAt).toISOString(),
        });
      }
    });
    const fresh = await this.db.manager.findOneOrFail(ClassSession, { where: { id: s.id } });
    return opsSession(fresh, (await this.scope.countsBySession([s.id])).get(s.id));
  }

  private async ratingsByClass(classIds: number[]): Promise<Map<number, { sum: number; n: number }>> {
    if (!classIds.length) return new Map();
    const rows = await this.db.manager
      .createQueryBuilder(ClassRegistration, 'r')
      .innerJoin(ClassSession, 's', 's.id = r.session_id')
      .select('s.class_id', 'classId')
      .addSelect('SUM(r.stars)', 'sum')
      .addSelect('COUNT(r.stars)', 'n')
      .where('s.class_id IN (:...ids) AND r.stars IS NOT NULL', { ids: classIds })
      .groupBy('s.class_id')
      .getRawMany<{ classId: number; sum: number | string; n: number | string }>();
    return new Map(rows.map((r) => [Number(r.classId), { sum: Number(r.sum), n: Number(r.n) }]));
  }

  private async summaries(classes: ClassDef[], now: Date): Promise<ClassSummary[]> {
    if (!classes.length) return [];
    const ids = classes.map((c) => c.id);
    const stores = await this.lookup.storeNames(classes.map((c) => c.storeId));
    const counts = await this.registrations.sessionCounts(ids);
    const ratings = await this.ratingsByClass(ids);
    const next = await this.db.manager
      .createQueryBuilder(ClassSession, 's')
      .select('s.class_id', 'classId')
      .addSelect('MIN(s.starts_at)', 'next')
      .where("s.class_id IN (:...ids) AND s.status = 'scheduled' AND s.starts_at > :now", { ids, now })
      .groupBy('s.class_id')
      .getRawMany<{ classId: number; next: Date | string }>();
    const nextBy = new Map(next.map((r) => [Number(r.classId), r.next ? toDate(r.next) : null]));
    return classes.map((c) => {
      const r = ratings.get(c.id);
      return classSummary(c, stores.get(c.storeId) ?? null, {
        sessionCount: counts.get(c.id) ?? 0,
        nextSessionAt: nextBy.get(c.id) ?? null,
        averageRating: r ? mean(r.sum, r.n) : null,
      });
    });
  }

  async list(staff: StaffPrincipal, q: { page: number; pageSize: number; storeId?: number; type?: string; q?: string }, now = new Date()) {
    const qb = this.db.manager.createQueryBuilder(ClassDef, 'c');
    if (staff.role !== 'hq_admin') qb.andWhere('c.store_id = :own', { own: staff.storeId ?? -1 });
    if (q.storeId) qb.andWhere('c.store_id = :storeId', { storeId: q.storeId });
    if (q.type) qb.andWhere('c.type = :type', { type: q.type });
    if (q.q) qb.andWhere(`(c.title LIKE :p ${LIKE_ESCAPE} OR c.host_name LIKE :p ${LIKE_ESCAPE})`, { p: likeContains(q.q) });
    const [rows, total] = await qb
      .orderBy('c.id', 'DESC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    return { items: await this.summaries(rows, now), total, page: q.page, pageSize: q.pageSize };
  }

  async detail(staff: StaffPrincipal, classId: number, now = new Date()): Promise<ClassDetail> {
    const c = await this.scope.scopedClass(staff, classId);
    const [summary] = await this.summaries([c], now);
    const sessions = await this.db.manager.find(ClassSession, { where: { classId }, order: { startsAt: 'ASC', id: 'ASC' } });
    const counts = await this.scope.countsBySession(sessions.map((s) => s.id));
    return {
      ...summary,
      description: c.description,
      adultSeats: c.adultSeats,
      childSeats: c.childSeats,
      registrationClosesMinutesBefore: c.regCloseMin,
      cancellationClosesMinutesBefore: c.cancelCloseMin,
      recurrence: recurrenceOf(c),
      sessions: sessions.map((s) => opsSession(s, counts.get(s.id))),
    };
  }
}
