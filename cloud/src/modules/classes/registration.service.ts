/**
 * Members' side of registration: register (seat or waitlist), cancel, promotion of the waitlist,
 * subscribe accepts, rating, 「我的活动」 and the no-show standing.
 *
 * Seat rules under concurrency (MariaDB runs these truly in parallel, SQLite serialises them):
 * - seats change only through conditional UPDATEs on the session row (… WHERE adult_left >= a AND
 *   child_left >= c), so they can never go negative;
 * - every registration first takes an arrival number and joins the queue in one UPDATE of the
 *   session row (arrival_seq + 1, waiting_count + 1): the order of that row lock is the order in
 *   which the server accepted registrations, and the waitlist is served in that order;
 * - it then leaves the queue with seats only if they suffice and it is the only one waiting
 *   (waiting_count = 1), so newcomers never overtake waiting households;
 * - one registration per (session, member) is a unique key, checked before the row lock.
 * The session row stays locked from the first UPDATE to commit, so the work after it is kept to
 * two statements.
 * Promotion runs as its own idempotent transaction right after any commit that frees seats (and
 * from a sweep job), so it always reads the committed waitlist.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In } from 'typeorm';
import type { MemberStanding, MyRegistration, NoticeKind, SubscribeAccepts } from '../../../../contracts/classes';
import { Db, dbDate, iso, isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import { EventBus } from '../../core/events/event-bus';
import { newShortCode, newToken, registrationQr } from './codes';
import { ClassesSettings } from './settings';
import { ClassBlock } from './entities/class-block.entity';
import { ClassDef } from './entities/class-def.entity';
import { ClassNotice } from './entities/class-notice.entity';
import { ClassRegistration } from './entities/class-registration.entity';
import { ClassSession } from './entities/class-session.entity';
import './events';
import { IdentityLookup } from './identity-lookup';
import { RegistrationReads } from './registration-reads';
import { NoticeService } from './notice.service';
import { ClassPaymentService, newClassTradeNo, payWindowEnd } from './payment.service';
import { addDays, shanghaiDate } from './time';
import { retryingTransaction, RetryTransaction } from './tx';
import { jsonArray, sessionCard } from './views';

export interface RegisterInput {
  adults: number;
  children: number;
  childAges: number[];
  subscribe: SubscribeAccepts;
}

const ACTIVE = ['confirmed', 'waitlisted'] as const;

@Provide()
@Scope(ScopeEnum.Singleton)
export class RegistrationService {
  @Inject()
  db!: Db;

  @Inject()
  events!: EventBus;

  @Inject()
  lookup!: IdentityLookup;

  @Inject()
  notices!: NoticeService;

  @Inject()
  settings!: ClassesSettings;

  @Inject()
  reads!: RegistrationReads;

  @Inject()
  pay!: ClassPaymentService;

  // ------------------------------------------------------------------ register

  async register(memberId: number, sessionId: number, input: RegisterInput, now = new Date()): Promise<MyRegistration> {
    // the reads, coalesced with every other registration of this event-loop turn (see RegistrationReads)
    const [member, s, standing] = await Promise.all([this.reads.member(memberId), this.reads.session(sessionId), this.reads.standing(memberId, now)]);
    if (!member) throw new AppError('UNAUTHENTICATED');
    if (!s) throw new AppError('NOT_FOUND');
    const c = await this.reads.classDef(s.classId);
    if (!c) throw new AppError('NOT_FOUND');
    if (s.status !== 'scheduled') throw new AppError('CLASS_SESSION_UNAVAILABLE');
    if (now >= new Date(s.registrationDeadline) || now >= new Date(s.startsAt)) throw new AppError('CLASS_REGISTRATION_CLOSED');
    // a paid class: the seat is held unpaid for the payment window; no waitlist (nobody pays for a maybe)
    const paid = c.priceFen > 0;
    const payment = paid ? { tradeNo: newClassTradeNo(now), payExpiresAt: payWindowEnd(now, this.pay.payMinutes, new Date(s.startsAt)), priceFen: c.priceFen * (input.adults + input.children) } : null; // per person
    this.checkParty(c, s, input);
    if (standing.block) throw new AppError('CLASS_MEMBER_BLOCKED', standing.block.reason);
    this.checkHoarding(input, standing.activeBookings);

    const { adults, children } = input;
    const mysql = this.db.kind === 'mysql';
    // A plain read decides which statement to try first; a stale "full" only queues the household,
    // and the promotion step below seats it if it fits.
    const looksFree = s.adultLeft >= adults && s.childLeft >= children && s.waitingCount === 0;
    if (paid && !looksFree) throw new AppError('CLASS_FULL');
    const outcome = await retryingTransaction(this.db, async (tx) => {
      await this.holdBookingLimit(tx, memberId, now);
      const { id: regId, written } = await this.claimSlot(tx, s.id, memberId, member.householdId, input, now, payment);
      // a paid seat counts as registered once paid (ClassPaymentService emits it then)
      if (!paid) await this.events.emit(tx, 'ClassRegistered', { registrationId: regId, sessionId: s.id, classId: c.id, memberId });
      // From here on the session row is locked until commit: one statement takes a seat or joins
      // the queue, one gives the registration its arrival number, then commit. The lock order is
      // the arrival order.
      let status: 'confirmed' | 'waitlisted' | 'unpaid' = 'waitlisted';
      let position: number | null = null;
      if (looksFree) {
        // a seat: only when the seats suffice and nobody is waiting, so newcomers never overtake the queue
        const seated = await tx
          .createQueryBuilder()
          .update(ClassSession)
          .set({ adultLeft: () => 'adult_left - :a', childLeft: () => 'child_left - :c', arrivalSeq: () => 'arrival_seq + 1' })
          .where("id = :id AND status = 'scheduled' AND adult_left >= :a AND child_left >= :c AND waiting_count = 0")
          .setParameters({ id: s.id, a: adults, c: children })
          .execute();
        if (seated.affected) status = paid ? 'unpaid' : 'confirmed';
      }
      // a paid class has no waitlist: throwing rolls the registration back
      if (paid && status === 'waitlisted') throw new AppError('CLASS_FULL');
      if (status === 'waitlisted') {
        // the end of the queue: the new waiting count is this household's position (everyone ahead
        // joined under the same lock and is committed). On MySQL the statement hands it back
        // through LAST_INSERT_ID(expr) in its OK packet (a raw query: TypeORM's UpdateResult drops
        // it), saving a read while the row is locked; SQLite reads it (in process, no round trip).
        if (mysql) {
          const queued: { affectedRows?: number; insertId?: number } = await tx.query(
            "UPDATE class_session SET arrival_seq = arrival_seq + 1, waiting_count = LAST_INSERT_ID(waiting_count + 1) WHERE id = ? AND status = 'scheduled'",
            [s.id],
          );
          if (!queued.affectedRows) throw new AppError('CLASS_SESSION_UNAVAILABLE');
          position = Number(queued.insertId) || null;
        } else {
          const queued = await tx
            .createQueryBuilder()
            .update(ClassSession)
            .set({ arrivalSeq: () => 'arrival_seq + 1', waitingCount: () => 'waiting_count + 1' })
            .where("id = :id AND status = 'scheduled'", { id: s.id })
            .execute();
          if (!queued.affected) throw new AppError('CLASS_SESSION_UNAVAILABLE');
        }
      }
      await tx
        .createQueryBuilder()
        .update(ClassRegistration)
        .set({ status, arrivalSeq: () => '(SELECT cs.arrival_seq FROM class_session cs WHERE cs.id = :sid)' })
        .where('id = :regId')
        .setParameters({ sid: s.id, regId })
        .execute();
      if (status === 'waitlisted' && position === null) {
        const row = await tx.findOneOrFail(ClassSession, { where: { id: s.id }, select: { id: true, waitingCount: true } });
        position = row.waitingCount;
      }
      return { regId, written, status, position };
    });

    let fresh = (await this.reads.session(s.id)) ?? s;
    let row: ClassRegistration | null = null;
    let position = outcome.position;
    if (outcome.status === 'waitlisted' && (fresh.adultLeft > 0 || fresh.childLeft > 0)) {
      // queued while seats are free (a stale read, or behind a household that does not fit): promotion decides
      if ((await this.promote(s.id, now)).length) {
        fresh = await this.db.manager.findOneOrFail(ClassSession, { where: { id: s.id } });
        row = await this.db.manager.findOneOrFail(ClassRegistration, { where: { id: outcome.regId } });
        position = null; // counted again below: households ahead may have moved up
      }
    }
    // the row as committed, built from what this request wrote (no read back), unless promotion touched it
    row ??= Object.assign(new ClassRegistration(), { ...outcome.written, id: outcome.regId, sessionId: s.id, memberId, status: outcome.status });
    // a booking just made (or a reused row whose notices were cleared) has no send records yet, unless just promoted
    return (await this.toMine([row], now, { sessions: [fresh], classes: [c], noNotices: row.promotedAt === null, positions: position !== null && row.status === 'waitlisted' ? new Map([[row.id, position]]) : undefined }))[0];
  }

  /**
   * Seat hoarding: one registration brings at most maxParty people, and a member holds at most
   * maxActiveBookings upcoming bookings (confirmed, waiting or unpaid). This check on the coalesced
   * read turns most excess requests away cheaply; holdBookingLimit decides it atomically.
   */
  private checkHoarding(input: RegisterInput, activeBookings: number): void {
    const { maxParty, maxActiveBookings } = this.settings.limits();
    if (input.adults + input.children > maxParty) {
      throw new AppError('CLASS_PARTY_TOO_LARGE', `每次报名最多${maxParty}人`, [{ path: 'adults', message: `每次报名最多${maxParty}人` }]);
    }
    if (activeBookings >= maxActiveBookings) throw new AppError('CLASS_TOO_MANY_BOOKINGS');
  }

  /**
   * The upcoming-bookings limit, inside the registration's transaction, before the claim. MySQL:
   * the upsert takes the member's guard row lock until commit, so one member's registrations run
   * one at a time (other members' rows are untouched: the seat race is not serialised on it), and
   * the count below opens the transaction's snapshot only after the lock, so it sees every booking
   * committed before. SQLite: transactions are queued (core/db), so the count is current anyway.
   */
  private async holdBookingLimit(tx: EntityManager, memberId: number, now: Date): Promise<void> {
    if (this.db.kind === 'mysql') {
      await tx.query('INSERT INTO class_member_guard (member_id, claims) VALUES (?, 1) ON DUPLICATE KEY UPDATE claims = claims + 1', [memberId]);
    }
    const live = await tx
      .createQueryBuilder(ClassRegistration, 'r')
      .innerJoin(ClassSession, 's', 's.id = r.session_id')
      .where("r.member_id = :memberId AND r.status IN ('confirmed', 'waitlisted', 'unpaid') AND s.starts_at > :now", { memberId, now })
      .getCount();
    if (live >= this.settings.limits().maxActiveBookings) throw new AppError('CLASS_TOO_MANY_BOOKINGS');
  }

  private checkParty(c: ClassDef, s: ClassSession, input: RegisterInput): void {
    const details: Array<{ path: string; message: string }> = [];
    if (input.children > 0 && s.childSeats === 0) details.push({ path: 'children', message: '本场活动不设儿童名额' });
    if (input.adults > 0 && s.adultSeats === 0) details.push({ path: 'adults', message: '本场活动只设儿童名额' });
    if (c.type === 'family_event' && input.children > 0 && input.childAges.length !== input.children) {
      details.push({ path: 'childAges', message: '亲子活动请填写每个孩子的年龄' });
    }
    if (details.length) throw new AppError('VALIDATION_FAILED', undefined, details);
    if (input.adults > s.adultSeats || input.children > s.childSeats) throw new AppError('CLASS_PARTY_TOO_LARGE');
  }

  /**
   * Take the member's (session, member) row: a new one is inserted, or a cancelled one reused; the
   * unique key turns a concurrent duplicate into CLASS_ALREADY_REGISTERED.
   */
  private async claimSlot(
    tx: EntityManager,
    sessionId: number,
    memberId: number,
    householdId: number | null,
    input: RegisterInput,
    now: Date,
    payment: { tradeNo: string; payExpiresAt: Date; priceFen: number } | null,
  ): Promise<{ id: number; written: Partial<ClassRegistration> }> {
    const fields = {
      tradeNo: payment?.tradeNo ?? null,
      payExpiresAt: payment?.payExpiresAt ?? null,
      priceFen: payment?.priceFen ?? 0,
      paidAt: null,
      refundFen: 0,
      refundedAt: null,
      householdId,
      adults: input.adults,
      children: input.children,
      childAges: input.children > 0 && input.childAges.length ? JSON.stringify(input.childAges) : null,
      status: 'pending' as const,
      arrivalSeq: null,
      sub24h: input.subscribe.reminder24h,
      sub2h: input.subscribe.reminder2h,
      subPromoted: input.subscribe.promoted,
      createdAt: now,
      promotedAt: null,
      cancelledAt: null,
      cancelledBy: null,
      checkedInAt: null,
      checkedInByStaffId: null,
      checkinMethod: null,
      stars: null,
      comment: null,
      ratedAt: null,
    };
    for (let attempt = 0; ; attempt++) {
      try {
        const codes = { shortCode: newShortCode(), checkinToken: newToken() };
        const res = await tx.insert(ClassRegistration, { sessionId, memberId, ...codes, ...fields });
        return { id: Number(res.identifiers[0].id), written: { ...fields, ...codes } };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        const text = String((err as Error).message);
        // the member's own key (MySQL names the index, SQLite the columns); anything else is a code collision
        if (/uq_class_reg_member|class_registration\.member_id/.test(text)) break;
        if (attempt >= 4) throw err;
      }
    }
    // the member has a row for this session: a cancelled one is reused, anything else is a duplicate
    const reused = await tx
      .createQueryBuilder()
      .update(ClassRegistration)
      .set(fields)
      .where("session_id = :sessionId AND member_id = :memberId AND status = 'cancelled'", { sessionId, memberId })
      .execute();
    if (!reused.affected) throw new AppError('CLASS_ALREADY_REGISTERED');
    const row = await tx.findOneOrFail(ClassRegistration, { where: { sessionId, memberId }, select: { id: true, shortCode: true, checkinToken: true } });
    // a fresh booking: the cancelled one's reminders must not count against it
    await tx.delete(ClassNotice, { registrationId: row.id });
    return { id: row.id, written: { ...fields, shortCode: row.shortCode, checkinToken: row.checkinToken } };
  }

  // ------------------------------------------------------------------ promotion

  /**
   * Give free seats to waiting households in arrival order, skipping those that do not fit.
   * Idempotent and safe to run concurrently: each promotion is a conditional seat UPDATE plus a
   * conditional waitlisted -> confirmed UPDATE; if the second finds the registration changed, the
   * whole transaction is retried on fresh data.
   */
  async promote(sessionId: number, now = new Date()): Promise<number[]> {
    return retryingTransaction(this.db, async (tx) => {
      // MySQL: the session row is locked first (the same lock order as registration and cancel), so
      // the seats read here stay true while this transaction hands them out; without the lock a
      // concurrent promotion made every later UPDATE miss while the snapshot still showed seats.
      // SQLite serialises transactions anyway (and has no row locks).
      const s = await tx.findOne(ClassSession, { where: { id: sessionId }, ...(this.db.kind === 'mysql' ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
      if (!s || s.status !== 'scheduled' || new Date(s.startsAt) <= now || s.waitingCount <= 0) return [];
      let adultLeft = s.adultLeft;
      let childLeft = s.childLeft;
      if (adultLeft <= 0 && childLeft <= 0) return [];
      const waiters = await tx.find(ClassRegistration, {
        where: { sessionId, status: 'waitlisted' },
        order: { arrivalSeq: 'ASC' },
        select: { id: true, memberId: true, adults: true, children: true, subPromoted: true },
        take: 500,
      });
      const promoted: number[] = [];
      for (const w of waiters) {
        if (adultLeft <= 0 && childLeft <= 0) break;
        if (w.adults > adultLeft || w.children > childLeft) continue; // cannot fit (exact check is the UPDATE below)
        const took = await tx
          .createQueryBuilder()
          .update(ClassSession)
          .set({ adultLeft: () => 'adult_left - :a', childLeft: () => 'child_left - :c', waitingCount: () => 'waiting_count - 1' })
          .where("id = :id AND status = 'scheduled' AND adult_left >= :a AND child_left >= :c")
          .setParameters({ id: sessionId, a: w.adults, c: w.children })
          .execute();
        // the row is ours until commit: what is left is known without reading it again
        if (!took.affected) throw new RetryTransaction('seats changed under the promotion');
        adultLeft -= w.adults;
        childLeft -= w.children;
        const moved = await tx
          .createQueryBuilder()
          .update(ClassRegistration)
          .set({ status: 'confirmed', promotedAt: now })
          .where("id = :id AND status = 'waitlisted'", { id: w.id })
          .execute();
        if (!moved.affected) throw new RetryTransaction('waiting registration changed');
        if (w.subPromoted) await this.notices.queue(tx, w.id, 'promoted', now);
        await this.events.emit(tx, 'ClassRegistrationPromoted', { registrationId: w.id, sessionId, memberId: w.memberId });
        promoted.push(w.id);
      }
      return promoted;
    });
  }

  // ------------------------------------------------------------------ cancel

  async cancel(memberId: number, registrationId: number, now = new Date()): Promise<MyRegistration> {
    const reg = await this.db.manager.findOne(ClassRegistration, { where: { id: registrationId, memberId } });
    if (!reg) throw new AppError('NOT_FOUND');
    const freed = await retryingTransaction(this.db, async (tx) => {
      const r = await tx.findOneOrFail(ClassRegistration, { where: { id: registrationId } });
      const s = await tx.findOneOrFail(ClassSession, { where: { id: r.sessionId } });
      if (s.status !== 'scheduled') throw new AppError('CLASS_NOT_CANCELLABLE');
      if (r.status === 'unpaid') {
        // not paid yet: the held seat goes back and the trade is closed (a payment racing this is refunded)
        const done = await tx
          .createQueryBuilder()
          .update(ClassRegistration)
          .set({ status: 'cancelled', cancelledAt: now, cancelledBy: 'member' })
          .where("id = :id AND status = 'unpaid'", { id: r.id })
          .execute();
        if (!done.affected) throw new RetryTransaction('registration changed while cancelling');
        await tx
          .createQueryBuilder()
          .update(ClassSession)
          .set({ adultLeft: () => 'adult_left + :a', childLeft: () => 'child_left + :c' })
          .where('id = :id')
          .setParameters({ id: s.id, a: r.adults, c: r.children })
          .execute();
        this.pay.closeAfterCommit(tx, r.tradeNo);
        return s.id;
      }
      if (r.status === 'confirmed') {
        if (now >= new Date(s.cancellationDeadline)) throw new AppError('CLASS_CANCEL_CLOSED');
        // session row first (the same lock order as registration and promotion)
        await tx
          .createQueryBuilder()
          .update(ClassSession)
          .set({ adultLeft: () => 'adult_left + :a', childLeft: () => 'child_left + :c' })
          .where('id = :id')
          .setParameters({ id: s.id, a: r.adults, c: r.children })
          .execute();
      } else if (r.status === 'waitlisted') {
        if (now >= new Date(s.startsAt)) throw new AppError('CLASS_NOT_CANCELLABLE');
        await tx
          .createQueryBuilder()
          .update(ClassSession)
          .set({ waitingCount: () => 'waiting_count - 1' })
          .where('id = :id')
          .setParameters({ id: s.id })
          .execute();
      } else {
        throw new AppError('CLASS_NOT_CANCELLABLE');
      }
      const done = await tx
        .createQueryBuilder()
        .update(ClassRegistration)
        .set({ status: 'cancelled', cancelledAt: now, cancelledBy: 'member' })
        .where('id = :id AND status = :was', { id: r.id, was: r.status })
        .execute();
      if (!done.affected) throw new RetryTransaction('registration changed while cancelling');
      if (r.status === 'confirmed' && r.paidAt) await this.pay.refundInTx(tx, r, '会员取消活动报名');
      await this.events.emit(tx, 'ClassRegistrationCancelled', { registrationId: r.id, sessionId: s.id, memberId, by: 'member' });
      return r.status === 'confirmed' ? s.id : null;
    });
    if (freed) await this.promote(freed, now);
    return this.getMine(memberId, registrationId, now);
  }

  // ------------------------------------------------------------------ subscriptions & rating

  async addSubscriptions(memberId: number, registrationId: number, accepts: SubscribeAccepts, now = new Date()): Promise<MyRegistration> {
    const r = await this.db.manager.findOne(ClassRegistration, { where: { id: registrationId, memberId } });
    if (!r) throw new AppError('NOT_FOUND');
    const patch: Partial<ClassRegistration> = {};
    if (accepts.reminder24h) patch.sub24h = true;
    if (accepts.reminder2h) patch.sub2h = true;
    if (accepts.promoted) patch.subPromoted = true;
    if (Object.keys(patch).length) {
      await this.db.manager.update(ClassRegistration, { id: registrationId, memberId, status: In([...ACTIVE]) }, patch);
    }
    return this.getMine(memberId, registrationId, now);
  }

  async rate(memberId: number, registrationId: number, stars: number, comment: string | undefined, now = new Date()): Promise<MyRegistration> {
    // the rating and its ClassRated event (the feedback inbox hears it) commit together
    const res = await this.db.transaction(async (tx) => {
      const r = await tx
        .createQueryBuilder()
        .update(ClassRegistration)
        .set({ stars, comment: comment ? comment : null, ratedAt: now })
        .where("id = :id AND member_id = :memberId AND status = 'attended' AND stars IS NULL", { id: registrationId, memberId })
        .execute();
      if (r.affected) {
        const reg = await tx.findOneOrFail(ClassRegistration, { where: { id: registrationId } });
        const session = await tx.findOneOrFail(ClassSession, { where: { id: reg.sessionId } });
        const def = await tx.findOne(ClassDef, { where: { id: session.classId } });
        await this.events.emit(tx, 'ClassRated', {
          registrationId,
          sessionId: session.id,
          classId: session.classId,
          storeId: session.storeId,
          memberId,
          stars,
          comment: comment ? comment : null,
          classTitle: def?.title ?? '',
          ratedAt: now.toISOString(),
        });
      }
      return r;
    });
    if (!res.affected) {
      const r = await this.db.manager.findOne(ClassRegistration, { where: { id: registrationId, memberId } });
      if (!r) throw new AppError('NOT_FOUND');
      if (r.stars !== null) throw new AppError('CLASS_ALREADY_RATED');
      throw new AppError('CLASS_RATING_NOT_ALLOWED');
    }
    return this.getMine(memberId, registrationId, now);
  }

  // ------------------------------------------------------------------ standing (no-show block)

  async activeBlock(memberId: number, now: Date): Promise<ClassBlock | null> {
    return this.db.manager
      .createQueryBuilder(ClassBlock, 'b')
      .where('b.member_id = :memberId AND b.lifted_at IS NULL AND b.blocked_until > :now', { memberId, now })
      .orderBy('b.blockedUntil', 'DESC')
      .getOne();
  }

  async standing(memberId: number, now = new Date()): Promise<MemberStanding> {
    const rule = this.settings.noShowRule();
    const block = await this.activeBlock(memberId, now);
    const since = addDays(now, -rule.windowDays);
    const rows = await this.db.manager
      .createQueryBuilder(ClassRegistration, 'r')
      .innerJoin(ClassSession, 's', 's.id = r.session_id')
      .innerJoin(ClassDef, 'c', 'c.id = s.class_id')
      .select(['r.session_id AS sessionId', 'c.title AS title', 's.starts_at AS startsAt'])
      .where("r.member_id = :memberId AND r.status = 'no_show' AND s.starts_at >= :since", { memberId, since })
      .orderBy('s.starts_at', 'DESC')
      .getRawMany<{ sessionId: number; title: string; startsAt: Date | string }>();
    return {
      blocked: !!block,
      blockedUntil: block ? iso(block.blockedUntil) : null,
      reason: block ? block.reason : null,
      recentNoShows: rows.map((r) => ({ sessionId: Number(r.sessionId), title: r.title, startsAt: iso(toDate(r.startsAt)) })),
      rule,
    };
  }

  /** Member-facing reason text for a block. */
  static blockReason(count: number, windowDays: number, until: Date): string {
    return `${windowDays}天内有${count}次报名后未到场，${shanghaiDate(until)} 前暂不能报名活动`;
  }

  // ------------------------------------------------------------------ 「我的活动」

  async getMine(memberId: number, registrationId: number, now = new Date()): Promise<MyRegistration> {
    const r = await this.db.manager.findOne(ClassRegistration, { where: { id: registrationId, memberId } });
    if (!r) throw new AppError('NOT_FOUND');
    return (await this.toMine([r], now))[0];
  }

  async listMine(memberId: number, scope: 'upcoming' | 'past', page: number, pageSize: number, now = new Date()) {
    const qb = this.db.manager
      .createQueryBuilder(ClassRegistration, 'r')
      .innerJoin(ClassSession, 's', 's.id = r.session_id')
      .where('r.member_id = :memberId', { memberId });
    if (scope === 'upcoming') {
      qb.andWhere("r.status IN ('confirmed', 'waitlisted', 'unpaid') AND s.status = 'scheduled' AND s.ends_at > :now", { now }).orderBy('s.startsAt', 'ASC');
    } else {
      qb.andWhere("(r.status IN ('attended', 'no_show', 'cancelled') OR s.status <> 'scheduled' OR s.ends_at <= :now)", { now }).orderBy('s.startsAt', 'DESC');
    }
    qb.addOrderBy('r.id', 'DESC').andWhere("r.status <> 'pending'");
    const [rows, total] = await qb
      // 1:1 join: plain OFFSET/LIMIT (skip/take would add TypeORM's distinct-ids subquery)
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getManyAndCount();
    return { items: await this.toMine(rows, now), total, page, pageSize };
  }

  /** 1-based waitlist positions for waitlisted registrations (arrival order among those still waiting). */
  async waitlistPositions(regs: Array<Pick<ClassRegistration, 'id' | 'sessionId' | 'status' | 'arrivalSeq'>>): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const r of regs) {
      if (r.status !== 'waitlisted' || r.arrivalSeq === null) continue;
      const ahead = await this.db.manager
        .createQueryBuilder(ClassRegistration, 'w')
        .where("w.session_id = :sid AND w.status = 'waitlisted' AND w.arrival_seq < :seq", { sid: r.sessionId, seq: r.arrivalSeq })
        .getCount();
      out.set(r.id, ahead + 1);
    }
    return out;
  }

  async toMine(
    regs: ClassRegistration[],
    now: Date,
    known: { sessions?: ClassSession[]; classes?: ClassDef[]; noNotices?: boolean; positions?: Map<number, number> } = {},
  ): Promise<MyRegistration[]> {
    if (!regs.length) return [];
    const em = this.db.manager;
    const sessionIds = [...new Set(regs.map((r) => r.sessionId))];
    const sessions = new Map(
      (known.sessions && sessionIds.every((id) => known.sessions!.some((s) => s.id === id)) ? known.sessions : await em.find(ClassSession, { where: { id: In(sessionIds) } })).map(
        (s) => [s.id, s],
      ),
    );
    const classIds = [...new Set([...sessions.values()].map((s) => s.classId))];
    const classes = new Map(
      (known.classes && classIds.every((id) => known.classes!.some((c) => c.id === id)) ? known.classes : await em.find(ClassDef, { where: { id: In(classIds) } })).map((c) => [c.id, c]),
    );
    const [seriesSize, stores, positions] = await Promise.all([
      this.seriesSizes(classIds),
      this.lookup.storeNames([...sessions.values()].map((s) => s.storeId)),
      known.positions ?? this.waitlistPositions(regs),
    ]);
    const used = new Set(
      known.noNotices
        ? []
        : (await em.find(ClassNotice, { where: { registrationId: In(regs.map((r) => r.id)) }, select: { registrationId: true, kind: true } })).map(
            (n) => `${n.registrationId}:${n.kind}`,
          ),
    );
    const unused = (r: ClassRegistration, kind: NoticeKind, flag: boolean) => flag && !used.has(`${r.id}:${kind}`);
    return regs.map((r) => {
      const s = sessions.get(r.sessionId)!;
      const c = classes.get(s.classId)!;
      const { myRegistration: _drop, ...card } = sessionCard(s, c, stores.get(s.storeId) ?? null, null, now, (seriesSize.get(c.id) ?? 1) > 1);
      const status = r.status === 'pending' ? 'waitlisted' : r.status;
      const scheduled = s.status === 'scheduled';
      return {
        id: r.id,
        status,
        session: card,
        adults: r.adults,
        children: r.children,
        childAges: jsonArray<number>(r.childAges),
        waitlistPosition: positions.get(r.id) ?? null,
        checkIn: status === 'confirmed' || status === 'attended' ? { shortCode: r.shortCode, qrPayload: registrationQr(r.checkinToken) } : null,
        checkedInAt: iso(r.checkedInAt),
        canCancel:
          scheduled &&
          ((status === 'confirmed' && now < new Date(s.cancellationDeadline)) || ((status === 'waitlisted' || status === 'unpaid') && now < new Date(s.startsAt))),
        cancelledAt: iso(r.cancelledAt),
        cancelledBy: r.cancelledBy,
        payment: r.tradeNo
          ? {
              amountFen: r.priceFen,
              status: r.refundedAt ? 'refunded' : r.refundFen > 0 ? 'refunding' : r.paidAt ? 'paid' : status === 'unpaid' ? 'unpaid' : 'none',
              expiresAt: status === 'unpaid' ? iso(r.payExpiresAt) : null,
              paidAt: iso(r.paidAt),
              refundFen: r.refundFen,
              refundedAt: iso(r.refundedAt),
            }
          : null,
        promotedAt: iso(r.promotedAt),
        canRate: status === 'attended' && r.stars === null,
        rating: r.stars !== null && r.ratedAt ? { stars: r.stars, comment: r.comment, at: iso(r.ratedAt) } : null,
        subscriptions: {
          reminder24h: unused(r, 'reminder_24h', !!r.sub24h),
          reminder2h: unused(r, 'reminder_2h', !!r.sub2h),
          promoted: unused(r, 'promoted', !!r.subPromoted),
        },
        createdAt: iso(r.createdAt),
      };
    });
  }

  /** Sessions per class, cached briefly: members' cards only use it to say "series" or not. */
  private readonly seriesCache = new Map<number, { n: number; until: number }>();

  async seriesSizes(classIds: number[]): Promise<Map<number, number>> {
    const now = Date.now();
    const out = new Map<number, number>();
    const missing = classIds.filter((id) => {
      const hit = this.seriesCache.get(id);
      if (hit && hit.until > now) out.set(id, hit.n);
      return !(hit && hit.until > now);
    });
    if (missing.length) {
      for (const [id, n] of await this.sessionCounts(missing)) {
        out.set(id, n);
        this.seriesCache.set(id, { n, until: now + 30_000 });
      }
    }
    return out;
  }

  async sessionCounts(classIds: number[]): Promise<Map<number, number>> {
    if (!classIds.length) return new Map();
    const rows = await this.db.manager
      .createQueryBuilder(ClassSession, 's')
      .select('s.class_id', 'classId')
      .addSelect('COUNT(*)', 'n')
      .where('s.class_id IN (:...ids)', { ids: classIds })
      .groupBy('s.class_id')
      .getRawMany<{ classId: number; n: number | string }>();
    return new Map(rows.map((r) => [Number(r.classId), Number(r.n)]));
  }
}

/** Raw-row datetimes (SQLite gives UTC text): the one parser in core/db. */
export const toDate = (v: Date | string): Date => dbDate(v);
