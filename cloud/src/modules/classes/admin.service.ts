/**
 * Ops side of classes: create (one-off or series), edit as a series or per session, call off a
 * session, roster (+ CSV), session QR, attendance figures, feedback and no-show blocks.
 * Scoping: HQ admins see every store; store managers (and, for roster/check-in, group owners and
 * staff) only their own store — other stores' classes answer NOT_FOUND (existence not leaked).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In } from 'typeorm';
import type { BlockItem, ClassDetail, ClassStats, ClassSummary, FeedbackItem, OpsSession, Roster, RosterItem } from '../../../../contracts/classes';
import { REGISTRATION_STATUS_LABELS } from '../../../../contracts/classes';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso, LIKE_ESCAPE, likeContains } from '../../core/db';
import { AppError } from '../../core/errors';
import { EventBus } from '../../core/events/event-bus';
import { newToken, signDoorCode } from './codes';
import { ClassBlock } from './entities/class-block.entity';
import { ClassDef } from './entities/class-def.entity';
import { ClassRegistration } from './entities/class-registration.entity';
import { ClassSession } from './entities/class-session.entity';
import './events';
import { IdentityReads } from '../identity';
import { NoticeService } from './notice.service';
import { ClassPaymentService } from './payment.service';
import { RegistrationService, toDate } from './registration.service';
import { ClassesSettings } from './settings';
import { addDays, addMinutes, dayKey, dayStartOfKey, formatDateTime, isRealDay, sameDayAt } from '../../../../contracts/calendar';
import { seriesStarts } from './series';
import { retryingTransaction } from './tx';
import { classSummary, emptyCounts, jsonArray, mean, opsSession, recurrenceOf, type StatusCounts } from './views';

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

function invalid(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', undefined, [{ path, message }]);
}

const uniqTags = (tags: string[]) => [...new Set(tags.map((t) => t.trim()).filter(Boolean))];

/** CSV cell: quoted when needed; a leading = + - @ is defused so spreadsheets do not run it as a formula. */
function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const METHOD_LABELS = { staff_scan: '店员扫码', staff_code: '店员输码', member_scan: '会员扫码' } as const;

@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassAdminService {
  @Inject()
  db!: Db;

  @Inject()
  events!: EventBus;

  @Inject()
  lookup!: IdentityReads;

  @Inject()
  registrations!: RegistrationService;

  @Inject()
  notices!: NoticeService;

  @Inject()
  settings!: ClassesSettings;

  @Inject()
  pay!: ClassPaymentService;

  // ------------------------------------------------------------------ scoping

  private sameStore(staff: StaffPrincipal, storeId: number): boolean {
    return staff.role === 'hq_admin' || (staff.storeId !== null && staff.storeId === storeId);
  }

  private async scopedClass(staff: StaffPrincipal, classId: number): Promise<ClassDef> {
    const c = await this.db.manager.findOne(ClassDef, { where: { id: classId } });
    if (!c || !this.sameStore(staff, c.storeId)) throw new AppError('NOT_FOUND');
    return c;
  }

  private async scopedSession(staff: StaffPrincipal, sessionId: number): Promise<{ s: ClassSession; c: ClassDef }> {
    const s = await this.db.manager.findOne(ClassSession, { where: { id: sessionId } });
    if (!s || !this.sameStore(staff, s.storeId)) throw new AppError('NOT_FOUND');
    const c = await this.db.manager.findOneOrFail(ClassDef, { where: { id: s.classId } });
    return { s, c };
  }

  // ------------------------------------------------------------------ create

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
        tags: JSON.stringify(uniqTags(input.tags)),
        recurrence: input.recurrence ? JSON.stringify({ frequency: input.recurrence.frequency, count: input.recurrence.count }) : null,
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
    const c = await this.scopedClass(staff, classId);
    const startsAt = parseTime(input.startsAt, 'startsAt');
    const endsAt = parseTime(input.endsAt, 'endsAt');
    this.checkWindow(startsAt, endsAt, now);
    await this.db.transaction((tx) => this.insertSession(tx, c, startsAt, endsAt, now));
    return this.detail(staff, classId, now);
  }

  // ------------------------------------------------------------------ edit

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
    const c = await this.scopedClass(staff, classId);
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
      if (patch.tags !== undefined) changes.tags = JSON.stringify(uniqTags(patch.tags));
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
    const { s, c } = await this.scopedSession(staff, sessionId);
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
    return opsSession(fresh, (await this.countsBySession([s.id])).get(s.id));
  }

  async cancelSession(staff: StaffPrincipal, sessionId: number, now = new Date()): Promise<OpsSession> {
    const { s, c } = await this.scopedSession(staff, sessionId);
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
    return opsSession(fresh, (await this.countsBySession([s.id])).get(s.id));
  }

  // ------------------------------------------------------------------ read

  async countsBySession(sessionIds: number[]): Promise<Map<number, StatusCounts>> {
    const out = new Map<number, StatusCounts>();
    if (!sessionIds.length) return out;
    const rows = await this.db.manager
      .createQueryBuilder(ClassRegistration, 'r')
      .select('r.session_id', 'sessionId')
      .addSelect('r.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .addSelect('SUM(r.adults + r.children)', 'people')
      .where('r.session_id IN (:...ids)', { ids: sessionIds })
      .groupBy('r.session_id')
      .addGroupBy('r.status')
      .getRawMany<{ sessionId: number; status: string; n: number | string; people: number | string | null }>();
    for (const row of rows) {
      const id = Number(row.sessionId);
      const c = out.get(id) ?? emptyCounts();
      const n = Number(row.n);
      if (row.status === 'confirmed' || row.status === 'unpaid')
        c.confirmed += n; // an unpaid seat is held like a confirmed one
      else if (row.status === 'waitlisted') c.waitlisted += n;
      else if (row.status === 'attended') {
        c.attended += n;
        c.attendedPeople += Number(row.people ?? 0);
      } else if (row.status === 'no_show') c.noShow += n;
      else if (row.status === 'cancelled') c.cancelled += n;
      out.set(id, c);
    }
    return out;
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
    const c = await this.scopedClass(staff, classId);
    const [summary] = await this.summaries([c], now);
    const sessions = await this.db.manager.find(ClassSession, { where: { classId }, order: { startsAt: 'ASC', id: 'ASC' } });
    const counts = await this.countsBySession(sessions.map((s) => s.id));
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

  async roster(staff: StaffPrincipal, sessionId: number): Promise<Roster> {
    const { s, c } = await this.scopedSession(staff, sessionId);
    const regs = await this.db.manager.find(ClassRegistration, { where: { sessionId }, order: { arrivalSeq: 'ASC', id: 'ASC' } });
    const rank: Record<string, number> = { attended: 0, confirmed: 0, unpaid: 0, waitlisted: 1, no_show: 2, cancelled: 3, pending: 4 };
    regs.sort((a, b) => rank[a.status] - rank[b.status] || (a.arrivalSeq ?? 0) - (b.arrivalSeq ?? 0) || a.id - b.id);
    const members = await this.lookup.memberFacts(regs.map((r) => r.memberId));
    const staffNames = await this.lookup.staffNames(regs.map((r) => r.checkedInByStaffId));
    const stores = await this.lookup.storeNames([s.storeId]);
    const notices = await this.notices.forRegistrations(regs.map((r) => r.id));
    let position = 0;
    const items: RosterItem[] = regs
      .filter((r) => r.status !== 'pending')
      .map((r) => {
        const m = members.get(r.memberId);
        return {
          registrationId: r.id,
          memberId: r.memberId,
          nickname: m?.nickname ?? null,
          phoneMasked: m?.phoneMasked ?? null,
          householdName: m?.householdName ?? null,
          adults: r.adults,
          children: r.children,
          childAges: jsonArray<number>(r.childAges),
          status: r.status as RosterItem['status'],
          arrivalSeq: r.arrivalSeq,
          waitlistPosition: r.status === 'waitlisted' ? ++position : null,
          shortCode: r.shortCode,
          checkedInAt: iso(r.checkedInAt),
          checkedInBy: r.checkedInByStaffId ? (staffNames.get(r.checkedInByStaffId) ?? null) : null,
          checkInMethod: r.checkinMethod,
          registeredAt: iso(r.createdAt),
          promotedAt: iso(r.promotedAt),
          cancelledAt: iso(r.cancelledAt),
          stars: r.stars,
          comment: r.comment,
          notices: notices.filter((n) => n.registrationId === r.id).map((n) => ({ kind: n.kind, status: n.status, at: iso(n.sentAt ?? n.updatedAt) })),
        };
      });
    const counts = (await this.countsBySession([s.id])).get(s.id);
    return { session: { ...opsSession(s, counts), title: c.title, storeName: stores.get(s.storeId) ?? null, room: c.room }, items };
  }

  async rosterCsv(staff: StaffPrincipal, sessionId: number): Promise<{ filename: string; body: string }> {
    const roster = await this.roster(staff, sessionId);
    const header = [
      '序号',
      '状态',
      '候补位置',
      '昵称',
      '手机',
      '家庭',
      '成人',
      '儿童',
      '儿童年龄',
      '签到码',
      '签到时间',
      '签到人',
      '签到方式',
      '报名时间',
      '评分',
      '评价',
    ];
    const lines = [header.map(csvCell).join(',')];
    roster.items.forEach((r, i) => {
      lines.push(
        [
          i + 1,
          REGISTRATION_STATUS_LABELS[r.status],
          r.waitlistPosition ?? '',
          // a member without a nickname is not a deleted one: say who it is as far as we know
          r.nickname ?? (r.phoneMasked ? `未设置昵称（${r.phoneMasked}）` : '未设置昵称'),
          r.phoneMasked ?? '',
          r.householdName ?? '',
          r.adults,
          r.children,
          r.childAges.join('/'),
          r.shortCode,
          r.checkedInAt ? formatDateTime(new Date(r.checkedInAt)) : '',
          r.checkedInBy ?? '',
          r.checkInMethod ? METHOD_LABELS[r.checkInMethod] : '',
          formatDateTime(new Date(r.registeredAt)),
          r.stars ?? '',
          r.comment ?? '',
        ]
          .map(csvCell)
          .join(','),
      );
    });
    const s = roster.session;
    const filename = `${s.title}-${formatDateTime(new Date(s.startsAt)).replace(/[: ]/g, '')}-名单.csv`.replace(/[\\/"]/g, '_');
    // BOM so Excel opens UTF-8 Chinese correctly; CRLF line ends as Excel expects
    return { filename, body: `\uFEFF${lines.join('\r\n')}\r\n` };
  }

  /** The door code of this moment; the screen showing it asks again at refreshAt (it turns every period). */
  async sessionCode(staff: StaffPrincipal, sessionId: number, now = new Date()) {
    const { s, c } = await this.scopedSession(staff, sessionId);
    const rule = this.settings.doorCodeRule();
    const code = signDoorCode(this.settings.signingSecret(), s.id, s.checkinToken, now.getTime(), rule);
    return {
      sessionId: s.id,
      title: c.title,
      startsAt: iso(s.startsAt),
      qrPayload: code.qrPayload,
      refreshAt: new Date(code.refreshAt).toISOString(),
      refreshInSeconds: Math.max(1, Math.ceil((code.refreshAt - now.getTime()) / 1000)),
    };
  }

  async checkInSessions(staff: StaffPrincipal, q: { date?: string; storeId?: number }, now = new Date()) {
    const date = q.date ?? dayKey(now);
    if (!isRealDay(date)) throw invalid('date', '日期不存在');
    const start = dayStartOfKey(date);
    const qb = this.db.manager
      .createQueryBuilder(ClassSession, 's')
      .where("s.status <> 'cancelled' AND s.starts_at >= :start AND s.starts_at < :end", { start, end: addDays(start, 1) })
      .orderBy('s.startsAt', 'ASC');
    if (staff.role !== 'hq_admin') qb.andWhere('s.store_id = :own', { own: staff.storeId ?? -1 });
    else if (q.storeId) qb.andWhere('s.store_id = :storeId', { storeId: q.storeId });
    const sessions = await qb.take(100).getMany();
    const classes = new Map((await this.classesOf(sessions)).map((c) => [c.id, c]));
    const counts = await this.countsBySession(sessions.map((s) => s.id));
    const stores = await this.lookup.storeNames(sessions.map((s) => s.storeId));
    return {
      items: sessions.map((s) => ({
        ...opsSession(s, counts.get(s.id)),
        title: classes.get(s.classId)?.title ?? '',
        storeId: s.storeId,
        storeName: stores.get(s.storeId) ?? null,
        room: classes.get(s.classId)?.room ?? null,
      })),
    };
  }

  private async classesOf(sessions: ClassSession[]): Promise<ClassDef[]> {
    const ids = [...new Set(sessions.map((s) => s.classId))];
    return ids.length ? this.db.manager.find(ClassDef, { where: { id: In(ids) } }) : [];
  }

  async stats(staff: StaffPrincipal, classId: number): Promise<ClassStats> {
    await this.scopedClass(staff, classId);
    const sessions = await this.db.manager.find(ClassSession, { where: { classId }, order: { startsAt: 'ASC', id: 'ASC' } });
    const counts = await this.countsBySession(sessions.map((s) => s.id));
    const ratingRows = sessions.length
      ? await this.db.manager
          .createQueryBuilder(ClassRegistration, 'r')
          .select('r.session_id', 'sessionId')
          .addSelect('SUM(r.stars)', 'sum')
          .addSelect('COUNT(r.stars)', 'n')
          .where('r.session_id IN (:...ids) AND r.stars IS NOT NULL', { ids: sessions.map((s) => s.id) })
          .groupBy('r.session_id')
          .getRawMany<{ sessionId: number; sum: number | string; n: number | string }>()
      : [];
    const ratings = new Map(ratingRows.map((r) => [Number(r.sessionId), { sum: Number(r.sum), n: Number(r.n) }]));
    let expected = 0;
    let attended = 0;
    let noShow = 0;
    let attendedPeople = 0;
    let sum = 0;
    let n = 0;
    let finished = 0;
    const rows = sessions.map((s) => {
      const c = counts.get(s.id) ?? emptyCounts();
      const r = ratings.get(s.id);
      if (r) {
        sum += r.sum;
        n += r.n;
      }
      if (s.status === 'finished') {
        finished++;
        expected += c.attended + c.noShow;
        noShow += c.noShow;
      }
      attended += c.attended;
      attendedPeople += c.attendedPeople;
      return {
        sessionId: s.id,
        startsAt: iso(s.startsAt),
        status: s.status,
        confirmed: c.confirmed,
        waitlisted: c.waitlisted,
        attended: c.attended,
        noShow: c.noShow,
        cancelled: c.cancelled,
        attendedPeople: c.attendedPeople,
        averageRating: r ? mean(r.sum, r.n) : null,
      };
    });
    const finishedAttended = sessions.filter((s) => s.status === 'finished').reduce((acc, s) => acc + (counts.get(s.id)?.attended ?? 0), 0);
    return {
      classId,
      totals: {
        sessions: sessions.length,
        finishedSessions: finished,
        expected,
        attended,
        noShow,
        attendedPeople,
        attendanceRate: expected ? Math.round((finishedAttended / expected) * 1000) / 1000 : null,
        noShowRate: expected ? Math.round((noShow / expected) * 1000) / 1000 : null,
        averageRating: mean(sum, n),
        ratings: n,
      },
      sessions: rows,
    };
  }

  async feedback(staff: StaffPrincipal, q: { page: number; pageSize: number; classId?: number }) {
    const qb = this.db.manager
      .createQueryBuilder(ClassRegistration, 'r')
      .innerJoin(ClassSession, 's', 's.id = r.session_id')
      .innerJoin(ClassDef, 'c', 'c.id = s.class_id')
      .where('r.stars IS NOT NULL');
    if (staff.role !== 'hq_admin') qb.andWhere('s.store_id = :own', { own: staff.storeId ?? -1 });
    if (q.classId) qb.andWhere('s.class_id = :classId', { classId: q.classId });
    const agg = await qb.clone().select('SUM(r.stars)', 'sum').addSelect('COUNT(*)', 'n').getRawOne<{ sum: number | string | null; n: number | string }>();
    const total = Number(agg?.n ?? 0);
    const rows = await qb
      .select(['r.id AS id', 'r.member_id AS memberId', 'r.stars AS stars', 'r.comment AS comment', 'r.rated_at AS ratedAt'])
      .addSelect(['s.id AS sessionId', 's.starts_at AS startsAt', 's.store_id AS storeId', 'c.id AS classId', 'c.title AS classTitle'])
      .orderBy('r.rated_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .offset((q.page - 1) * q.pageSize)
      .limit(q.pageSize)
      .getRawMany<{
        id: number;
        memberId: number;
        stars: number;
        comment: string | null;
        ratedAt: Date | string;
        sessionId: number;
        startsAt: Date | string;
        storeId: number;
        classId: number;
        classTitle: string;
      }>();
    const members = await this.lookup.memberFacts(rows.map((r) => Number(r.memberId)));
    const stores = await this.lookup.storeNames(rows.map((r) => Number(r.storeId)));
    const items: FeedbackItem[] = rows.map((r) => ({
      registrationId: Number(r.id),
      classId: Number(r.classId),
      classTitle: r.classTitle,
      sessionId: Number(r.sessionId),
      startsAt: iso(toDate(r.startsAt)),
      storeName: stores.get(Number(r.storeId)) ?? null,
      memberNickname: members.get(Number(r.memberId))?.nickname ?? null,
      stars: Number(r.stars),
      comment: r.comment,
      ratedAt: iso(toDate(r.ratedAt)),
    }));
    return { items, total, page: q.page, pageSize: q.pageSize, averageRating: mean(Number(agg?.sum ?? 0), total) };
  }

  // ------------------------------------------------------------------ blocks

  private async blockItems(rows: ClassBlock[]): Promise<BlockItem[]> {
    const members = await this.lookup.memberFacts(rows.map((b) => b.memberId));
    const staffNames = await this.lookup.staffNames(rows.map((b) => b.liftedByStaffId));
    return rows.map((b) => ({
      id: b.id,
      memberId: b.memberId,
      nickname: members.get(b.memberId)?.nickname ?? null,
      reason: b.reason,
      blockedFrom: iso(b.blockedFrom),
      blockedUntil: iso(b.blockedUntil),
      liftedAt: iso(b.liftedAt),
      liftedBy: b.liftedByStaffId ? (staffNames.get(b.liftedByStaffId) ?? null) : null,
    }));
  }

  async blocks(staff: StaffPrincipal, q: { page: number; pageSize: number }, now = new Date()) {
    const qb = this.db.manager.createQueryBuilder(ClassBlock, 'b').where('b.lifted_at IS NULL AND b.blocked_until > :now', { now });
    if (staff.role !== 'hq_admin') qb.andWhere('b.store_id = :own', { own: staff.storeId ?? -1 });
    const [rows, total] = await qb
      .orderBy('b.blockedUntil', 'DESC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    return { items: await this.blockItems(rows), total, page: q.page, pageSize: q.pageSize };
  }

  async liftBlock(staff: StaffPrincipal, blockId: number, now = new Date()): Promise<BlockItem> {
    const b = await this.db.manager.findOne(ClassBlock, { where: { id: blockId } });
    if (!b || (staff.role !== 'hq_admin' && (b.storeId === null || b.storeId !== staff.storeId))) throw new AppError('NOT_FOUND');
    await this.db.manager
      .createQueryBuilder()
      .update(ClassBlock)
      .set({ liftedAt: now, liftedByStaffId: staff.staffId })
      .where('id = :id AND lifted_at IS NULL', { id: blockId })
      .execute();
    return (await this.blockItems([await this.db.manager.findOneOrFail(ClassBlock, { where: { id: blockId } })]))[0];
  }
}
