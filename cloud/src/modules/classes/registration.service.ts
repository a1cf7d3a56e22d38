/**
 * Members' side of registration: register (seat or waitlist), cancel, promotion of the waitlist,
 * subscribe accepts, rating, 「我的活动」 and the no-show standing.
 *
 * Seat rules under concurrency (MariaDB runs these truly in parallel, SQLite serialises them):
 * - a free class's registrations are committed in groups (see joinGroup): one transaction per group
 *   locks its sessions' rows, gives every registration of a session the next arrival number in
 *   arrival order and seats it only while nobody waits and the seats suffice (seatGroup), so
 *   newcomers never overtake waiting households and the queue is served in arrival order;
 * - seats change only through conditional UPDATEs on the session row (… WHERE adult_left >= a AND
 *   child_left >= c), so they can never go negative;
 * - one registration per (session, member) is a unique key (read under the lock; a row written
 *   meanwhile by another path makes the group's INSERT fail and the group run again);
 * - a paid class holds a seat unpaid, one registration at a time (no waitlist).
 * Promotion runs as its own idempotent transaction right after any commit that frees seats (and
 * from a sweep job), so it always reads the committed waitlist.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In } from 'typeorm';
import type { MemberStanding, MyRegistration, NoticeKind, SubscribeAccepts } from '../../../../contracts/classes';
import { Db, dbDate, iso, isUniqueViolation, rawTime } from '../../core/db';
import { bulkInsert } from '../../core/bulk-insert';
import { CachedLookup } from '../../core/queue/batcher';
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
import { IdentityReads } from '../identity';
import { RegistrationReads } from './registration-reads';
import { NoticeService } from './notice.service';
import { ClassPaymentService, newClassTradeNo, payWindowEnd } from './payment.service';
import { addDays, dayKey } from '../../../../contracts/calendar';
import { retryingTransaction, RetryTransaction } from './tx';
import { seatGroup, type SessionSeats } from './seat-group';
import { jsonArray, sessionCard } from './views';

export interface RegisterInput {
  adults: number;
  children: number;
  childAges: number[];
  subscribe: SubscribeAccepts;
}

const ACTIVE = ['confirmed', 'waitlisted'] as const;

/** A new free-class registration's columns, in bulkInsert order (the rest stay NULL). */
const REGISTRATION_INSERT_COLUMNS = [
  'session_id',
  'member_id',
  'household_id',
  'adults',
  'children',
  'child_ages',
  'status',
  'arrival_seq',
  'short_code',
  'checkin_token',
  'sub_24h',
  'sub_2h',
  'sub_promoted',
  'created_at',
  'price_fen',
  'refund_fen',
];

/** At most this many registrations in one group transaction (one multi-row INSERT). */
const GROUP_MAX = 200;

interface GroupAsk {
  memberId: number;
  householdId: number | null;
  classId: number;
  input: RegisterInput;
  now: Date;
}

interface GroupItem extends GroupAsk {
  sessionId: number;
  resolve: (o: GroupOutcome) => void;
  reject: (err: unknown) => void;
}

interface GroupOutcome {
  regId: number;
  written: Partial<ClassRegistration>;
  status: 'confirmed' | 'waitlisted';
  position: number | null;
  /** the session's seats and queue as this group committed them */
  seats: SessionSeats;
  /** promotion ran after the group and moved someone: the answer is read again */
  promotedAny: boolean;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class RegistrationService {
  @Inject()
  db!: Db;

  @Inject()
  events!: EventBus;

  @Inject()
  lookup!: IdentityReads;

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
    const [member, { session: s, classDef: c }, standing] = await Promise.all([
      this.reads.member(memberId),
      this.reads.sessionAndClass(sessionId),
      this.reads.standing(memberId, now),
    ]);
    if (!member) throw new AppError('UNAUTHENTICATED');
    if (!s) throw new AppError('NOT_FOUND');
    if (!c) throw new AppError('NOT_FOUND');
    if (s.status !== 'scheduled') throw new AppError('CLASS_SESSION_UNAVAILABLE');
    if (now >= new Date(s.registrationDeadline) || now >= new Date(s.startsAt)) throw new AppError('CLASS_REGISTRATION_CLOSED');
    // a paid class: the seat is held unpaid for the payment window; no waitlist (nobody pays for a maybe)
    const paid = c.priceFen > 0;
    const payment = paid
      ? {
          tradeNo: newClassTradeNo(now),
          payExpiresAt: payWindowEnd(now, this.pay.payMinutes, new Date(s.startsAt)),
          priceFen: c.priceFen * (input.adults + input.children),
        }
      : null; // per person
    this.checkParty(c, s, input);
    if (standing.block) throw new AppError('CLASS_MEMBER_BLOCKED', standing.block.reason);
    this.checkHoarding(input, standing.activeBookings);

    // a free class: seat or queue together with every registration for this session that arrives
    // while the previous group commits (see SessionGroups below)
    if (!paid) {
      const o = await this.joinGroup(s.id, { memberId, householdId: member.householdId, classId: c.id, input, now });
      let fresh = Object.assign(new ClassSession(), s, o.seats);
      let row: ClassRegistration | null = null;
      let position = o.position;
      if (o.promotedAny && o.status === 'waitlisted') {
        // the group's promotion may have seated this household, or moved it up
        fresh = await this.db.manager.findOneOrFail(ClassSession, { where: { id: s.id } });
        row = await this.db.manager.findOneOrFail(ClassRegistration, { where: { id: o.regId } });
        position = null; // counted again below
      }
      row ??= Object.assign(new ClassRegistration(), { ...o.written, id: o.regId, sessionId: s.id, memberId, status: o.status });
      return (
        await this.toMine([row], now, {
          sessions: [fresh],
          classes: [c],
          noNotices: row.promotedAt === null,
          positions: position !== null && row.status === 'waitlisted' ? new Map([[row.id, position]]) : undefined,
        })
      )[0];
    }
    return this.registerPaid(memberId, member.householdId, s, c, input, now, payment!);
  }

  /**
   * A paid class: the seat is held unpaid for the payment window, one registration at a time (no
   * waitlist, so no queue order to keep).
   */
  private async registerPaid(
    memberId: number,
    householdId: number | null,
    s: ClassSession,
    c: ClassDef,
    input: RegisterInput,
    now: Date,
    payment: { tradeNo: string; payExpiresAt: Date; priceFen: number },
  ): Promise<MyRegistration> {
    const { adults, children } = input;
    if (!(s.adultLeft >= adults && s.childLeft >= children && s.waitingCount === 0)) throw new AppError('CLASS_FULL');
    const outcome = await retryingTransaction(this.db, async (tx) => {
      await this.holdBookingLimit(tx, [memberId]);
      // the same count the group commit makes (groupStanding), for this one member
      const { live } = await this.groupStanding(tx, [s.id], [memberId], now);
      if ((live.get(memberId) ?? 0) >= this.settings.limits().maxActiveBookings) throw new AppError('CLASS_TOO_MANY_BOOKINGS');
      const { id: regId, written } = await this.claimSlot(tx, s.id, memberId, householdId, input, now, payment);
      // a paid seat counts as registered once paid (ClassPaymentService emits it then)
      const seated = await tx
        .createQueryBuilder()
        .update(ClassSession)
        .set({ adultLeft: () => 'adult_left - :a', childLeft: () => 'child_left - :c', arrivalSeq: () => 'arrival_seq + 1' })
        .where("id = :id AND status = 'scheduled' AND adult_left >= :a AND child_left >= :c AND waiting_count = 0")
        .setParameters({ id: s.id, a: adults, c: children })
        .execute();
      // throwing rolls the registration back
      if (!seated.affected) throw new AppError('CLASS_FULL');
      await tx
        .createQueryBuilder()
        .update(ClassRegistration)
        .set({ status: 'unpaid', arrivalSeq: () => '(SELECT cs.arrival_seq FROM class_session cs WHERE cs.id = :sid)' })
        .where('id = :regId')
        .setParameters({ sid: s.id, regId })
        .execute();
      return { regId, written };
    });
    const fresh = (await this.reads.session(s.id)) ?? s;
    const row = Object.assign(new ClassRegistration(), { ...outcome.written, id: outcome.regId, sessionId: s.id, memberId, status: 'unpaid' });
    return (await this.toMine([row], now, { sessions: [fresh], classes: [c], noNotices: true }))[0];
  }

  // ------------------------------------------------------------------ group commit (free classes)

  /**
   * Registrations arriving together are committed together, whatever sessions they are for: one
   * transaction locks the members' booking guards and the sessions' rows once (in id order),
   * decides seats and queue places per session in arrival order (seatGroup, a pure function),
   * writes the rows with one multi-row INSERT, the events with one INSERT and each session's seats
   * with one UPDATE. While a group commits, the next arrivals gather; an instance has one group
   * holding locks at a time (the next one's transaction may already be open). A 500-member race
   * costs a few transactions instead of 500 serialised ones, and a member booking several sessions
   * at once is counted against the booking limit inside one transaction instead of waiting for
   * their guard row between transactions.
   */
  private readonly pending: GroupItem[] = [];
  /** A transaction is open (or opening) for the next group and will take the pending registrations. */
  private nextOpen = false;
  /** Settles when the last group started has committed (or failed) and run its promotions. */
  private lastGroup: Promise<void> = Promise.resolve();

  private joinGroup(sessionId: number, ask: GroupAsk): Promise<GroupOutcome> {
    return new Promise<GroupOutcome>((resolve, reject) => {
      this.pending.push({ ...ask, sessionId, resolve, reject });
      this.openNextGroup();
    });
  }

  /**
   * MySQL: the next group's transaction is opened while the current one commits. It takes no lock
   * and no snapshot until its turn (BEGIN alone does neither), then takes every registration that
   * arrived meanwhile, so the round trip of BEGIN is not spent between groups. Groups still take
   * their locks strictly one after another, in arrival order. SQLite queues transactions anyway.
   */
  private openNextGroup(): void {
    if (this.nextOpen || !this.pending.length) return;
    this.nextOpen = true;
    const turn = this.lastGroup;
    let done!: () => void;
    this.lastGroup = new Promise<void>((r) => (done = r));
    // not inside the caller's transaction (a group opens the next one from within its own)
    this.db.detached(() => setImmediate(() => void this.runGroup(turn).finally(done)));
  }

  private async runGroup(turn: Promise<void>): Promise<void> {
    let batch: GroupItem[] | null = null;
    const take = (): GroupItem[] => {
      this.nextOpen = false;
      batch = this.pending.splice(0, GROUP_MAX);
      // more than one group's worth waiting, or arrivals from now on: the next transaction opens now
      this.openNextGroup();
      return batch;
    };
    try {
      const early = this.db.kind === 'mysql';
      if (!early) await turn;
      const results = await this.commitGroup(async () => {
        if (batch) return batch;
        if (early) await turn;
        return take();
      });
      batch!.forEach((it, i) => {
        const r = results[i];
        if (r instanceof Error) it.reject(r);
        else it.resolve(r);
      });
    } catch (err) {
      // failed before taking its registrations (BEGIN itself failed): they fail with it
      (batch ?? take()).forEach((it) => it.reject(err));
    }
  }

  private async commitGroup(takeBatch: () => Promise<GroupItem[]>): Promise<Array<GroupOutcome | AppError>> {
    let batch: GroupItem[] = [];
    const committed = await retryingTransaction(this.db, async (tx) => {
      // the registrations are taken once the transaction is open and it is this group's turn
      batch = await takeBatch();
      const out: Array<GroupOutcome | AppError> = new Array(batch.length);
      // the members' booking guards before the session rows (the paid path takes them in the same order)
      await this.holdBookingLimit(
        tx,
        batch.map((b) => b.memberId),
      );
      // then the session rows, in id order (cancel and promotion lock one; SQLite serialises transactions).
      // Raw statements on this path: the group commit is the seat race's hot loop (TypeORM's query
      // building and its re-read of default columns after an INSERT cost more than the statements).
      const sessionIds = [...new Set(batch.map((b) => b.sessionId))].sort((x, y) => x - y);
      const seats = await this.lockSeats(tx, sessionIds);
      // one read answers both: a member's row for these sessions (a live one makes a duplicate, a
      // cancelled one is reused) and how many upcoming bookings each member already holds
      const { had, live } = await this.groupStanding(
        tx,
        sessionIds,
        batch.map((b) => b.memberId),
        batch[0].now,
      );
      const max = this.settings.limits().maxActiveBookings;
      const key = (sessionId: number, memberId: number) => `${sessionId}:${memberId}`;
      // arrival order decides: duplicates in the group, and a member's bookings counted as they are taken
      const accepted: number[] = [];
      const seen = new Set<string>();
      const holding = new Map(live);
      batch.forEach((b, i) => {
        const s = seats.get(b.sessionId);
        const prior = had.get(key(b.sessionId, b.memberId));
        if (!s || s.status !== 'scheduled') out[i] = new AppError('CLASS_SESSION_UNAVAILABLE');
        else if (seen.has(key(b.sessionId, b.memberId)) || (prior && prior.status !== 'cancelled')) out[i] = new AppError('CLASS_ALREADY_REGISTERED');
        else if ((holding.get(b.memberId) ?? 0) >= max) out[i] = new AppError('CLASS_TOO_MANY_BOOKINGS');
        else {
          seen.add(key(b.sessionId, b.memberId));
          holding.set(b.memberId, (holding.get(b.memberId) ?? 0) + 1);
          accepted.push(i);
        }
      });
      if (!accepted.length) return { out, after: new Map<number, SessionSeats>() };
      // seats and queue places per session, in arrival order (seatGroup, a pure function)
      const decided = new Map<number, { status: 'confirmed' | 'waitlisted'; arrivalSeq: number; position: number | null }>();
      const after = new Map<number, SessionSeats>();
      for (const sessionId of sessionIds) {
        const mine = accepted.filter((i) => batch[i].sessionId === sessionId);
        if (!mine.length) continue;
        const r = seatGroup(
          seats.get(sessionId)!,
          mine.map((i) => batch[i].input),
        );
        mine.forEach((i, k) => decided.set(i, r.decisions[k]));
        after.set(sessionId, r.after);
      }
      const written = new Map(
        accepted.map((i) => [
          i,
          {
            ...this.rowFields(batch[i].householdId, batch[i].input, batch[i].now, null),
            status: decided.get(i)!.status,
            arrivalSeq: decided.get(i)!.arrivalSeq,
          },
        ]),
      );
      const fresh = accepted.filter((i) => !had.has(key(batch[i].sessionId, batch[i].memberId)));
      const ids = new Map<number, number>(); // batch index -> registration id
      if (fresh.length) {
        const codes = fresh.map(() => ({ shortCode: newShortCode(), checkinToken: newToken() }));
        try {
          await bulkInsert(
            tx,
            'class_registration',
            REGISTRATION_INSERT_COLUMNS,
            fresh.map((i, n) => {
              const w = written.get(i)!;
              return [
                batch[i].sessionId,
                batch[i].memberId,
                w.householdId,
                w.adults,
                w.children,
                w.childAges === null ? null : JSON.stringify(w.childAges),
                w.status,
                w.arrivalSeq,
                codes[n].shortCode,
                codes[n].checkinToken,
                w.sub24h,
                w.sub2h,
                w.subPromoted,
                w.createdAt,
                w.priceFen,
                w.refundFen,
              ];
            }),
          );
        } catch (err) {
          // a code collision, or a row another request wrote meanwhile: the group runs again
          if (isUniqueViolation(err)) throw new RetryTransaction('registration key taken');
          throw err;
        }
        fresh.forEach((i, n) => Object.assign(written.get(i)!, codes[n]));
        const members = [...new Set(fresh.map((i) => batch[i].memberId))];
        const freshSessions = [...new Set(fresh.map((i) => batch[i].sessionId))];
        const rows: Array<{ id: number | string; sessionId: number | string; memberId: number | string }> = await tx.query(
          `SELECT id, session_id AS sessionId, member_id AS memberId FROM class_registration
           WHERE session_id IN (${freshSessions.map(() => '?').join(',')}) AND member_id IN (${members.map(() => '?').join(',')})`,
          [...freshSessions, ...members],
        );
        const byKey = new Map(rows.map((r) => [key(Number(r.sessionId), Number(r.memberId)), Number(r.id)]));
        for (const i of fresh) ids.set(i, byKey.get(key(batch[i].sessionId, batch[i].memberId))!);
      }
      for (const i of accepted) {
        const prior = had.get(key(batch[i].sessionId, batch[i].memberId));
        if (!prior) continue;
        const w = written.get(i)!;
        const reused = await tx.createQueryBuilder().update(ClassRegistration).set(w).where("id = :id AND status = 'cancelled'", { id: prior.id }).execute();
        if (!reused.affected) throw new RetryTransaction('cancelled registration changed');
        // a fresh booking: the cancelled one's reminders must not count against it
        await tx.delete(ClassNotice, { registrationId: prior.id });
        Object.assign(w, { shortCode: prior.shortCode, checkinToken: prior.checkinToken });
        ids.set(i, prior.id);
      }
      await this.events.emitMany(
        tx,
        'ClassRegistered',
        accepted.map((i) => ({ registrationId: ids.get(i)!, sessionId: batch[i].sessionId, classId: batch[i].classId, memberId: batch[i].memberId })),
      );
      await this.moveSeats(tx, seats, after);
      for (const i of accepted) {
        out[i] = {
          regId: ids.get(i)!,
          written: written.get(i)!,
          status: decided.get(i)!.status,
          position: decided.get(i)!.position,
          seats: after.get(batch[i].sessionId)!,
          promotedAny: false,
        };
      }
      return { out, after };
    });
    const { out, after } = committed;
    // queued while seats are free (a household that did not fit): promotion decides, once per session and group
    for (const [sessionId, a] of after) {
      if (!(a.waitingCount > 0 && (a.adultLeft > 0 || a.childLeft > 0))) continue;
      const promoted = await this.promote(sessionId, batch[0].now);
      if (promoted.length)
        out.forEach((o, i) => {
          if (!(o instanceof Error) && batch[i].sessionId === sessionId) o.promotedAny = true;
        });
    }
    return out;
  }

  /**
   * Every session of the group takes its seats and queue places in ONE statement (a CASE per
   * column), each only if its row is still as read under the lock; anything else retries the group.
   */
  private async moveSeats(tx: EntityManager, before: Map<number, SessionSeats>, after: Map<number, SessionSeats>): Promise<void> {
    const rows = [...after].map(([id, a]) => {
      const s = before.get(id)!;
      return {
        id,
        seq: s.arrivalSeq,
        a: s.adultLeft - a.adultLeft,
        c: s.childLeft - a.childLeft,
        w: a.waitingCount - s.waitingCount,
        n: a.arrivalSeq - s.arrivalSeq,
      };
    });
    const params: number[] = [];
    const byId = (pick: (r: (typeof rows)[number]) => number) => {
      for (const r of rows) params.push(r.id, pick(r));
      return `(CASE id ${rows.map(() => 'WHEN ? THEN ?').join(' ')} END)`;
    };
    // SET expressions read the row as it was (each CASE depends on the id only); WHERE runs first
    const set = `adult_left = adult_left - ${byId((r) => r.a)}, child_left = child_left - ${byId((r) => r.c)}, waiting_count = waiting_count + ${byId(
      (r) => r.w,
    )}, arrival_seq = arrival_seq + ${byId((r) => r.n)}`;
    const where = `arrival_seq = ${byId((r) => r.seq)} AND adult_left >= ${byId((r) => r.a)} AND child_left >= ${byId((r) => r.c)}`;
    const moved = await tx.queryRunner!.query(
      `UPDATE class_session SET ${set} WHERE id IN (${rows.map(() => '?').join(',')}) AND status = 'scheduled' AND ${where}`,
      [...params.splice(0, rows.length * 8), ...rows.map((r) => r.id), ...params],
      true,
    );
    if (moved.affected !== rows.length) throw new RetryTransaction('session changed under the group');
  }

  /** The sessions' seats and queues, locked (MySQL) in id order for the group's transaction. */
  private async lockSeats(tx: EntityManager, sessionIds: number[]): Promise<Map<number, SessionSeats & { status: string }>> {
    const rows: Array<Record<string, number | string>> = await tx.query(
      `SELECT id, status, adult_left AS adultLeft, child_left AS childLeft, waiting_count AS waitingCount, arrival_seq AS arrivalSeq
       FROM class_session WHERE id IN (${sessionIds.map(() => '?').join(',')}) ORDER BY id${this.db.kind === 'mysql' ? ' FOR UPDATE' : ''}`,
      sessionIds,
    );
    return new Map(
      rows.map((r) => [
        Number(r.id),
        {
          status: String(r.status),
          adultLeft: Number(r.adultLeft),
          childLeft: Number(r.childLeft),
          waitingCount: Number(r.waitingCount),
          arrivalSeq: Number(r.arrivalSeq),
        },
      ]),
    );
  }

  /**
   * For a group's members, in one read: their rows for these sessions (keyed `session:member`) and
   * how many upcoming bookings (confirmed, waiting or unpaid) each already holds (the booking
   * limit's count, for the group commit and the paid path alike).
   */
  private async groupStanding(
    tx: EntityManager,
    sessionIds: number[],
    memberIds: number[],
    now: Date,
  ): Promise<{ had: Map<string, { id: number; memberId: number; status: string; shortCode: string; checkinToken: string }>; live: Map<number, number> }> {
    const ids = [...new Set(memberIds)];
    const rows: Array<Record<string, number | string>> = await tx.query(
      `SELECT r.id AS id, r.member_id AS memberId, r.session_id AS sessionId, r.status AS status, r.short_code AS shortCode, r.checkin_token AS checkinToken,
              CASE WHEN r.status IN ('confirmed', 'waitlisted', 'unpaid') AND s.starts_at > ? THEN 1 ELSE 0 END AS live
       FROM class_registration r INNER JOIN class_session s ON s.id = r.session_id
       WHERE r.member_id IN (${ids.map(() => '?').join(',')})
         AND (r.session_id IN (${sessionIds.map(() => '?').join(',')}) OR (r.status IN ('confirmed', 'waitlisted', 'unpaid') AND s.starts_at > ?))`,
      [rawTime(this.db.kind, now), ...ids, ...sessionIds, rawTime(this.db.kind, now)],
    );
    const had = new Map<string, { id: number; memberId: number; status: string; shortCode: string; checkinToken: string }>();
    const live = new Map<number, number>();
    for (const r of rows) {
      const memberId = Number(r.memberId);
      const sessionId = Number(r.sessionId);
      if (sessionIds.includes(sessionId)) {
        had.set(`${sessionId}:${memberId}`, {
          id: Number(r.id),
          memberId,
          status: String(r.status),
          shortCode: String(r.shortCode),
          checkinToken: String(r.checkinToken),
        });
      }
      if (Number(r.live) === 1) live.set(memberId, (live.get(memberId) ?? 0) + 1);
    }
    return { had, live };
  }

  /** The columns of a new (or reused) registration row, before its status is decided. */
  private rowFields(householdId: number | null, input: RegisterInput, now: Date, payment: { tradeNo: string; payExpiresAt: Date; priceFen: number } | null) {
    return {
      tradeNo: payment?.tradeNo ?? null,
      payExpiresAt: payment?.payExpiresAt ?? null,
      priceFen: payment?.priceFen ?? 0,
      paidAt: null,
      refundFen: 0,
      refundedAt: null,
      householdId,
      adults: input.adults,
      children: input.children,
      childAges: input.children > 0 && input.childAges.length ? input.childAges : null,
      status: 'pending' as ClassRegistration['status'],
      arrivalSeq: null as number | null,
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
  private async holdBookingLimit(tx: EntityManager, memberIds: number[]): Promise<void> {
    if (this.db.kind !== 'mysql') return;
    // sorted, so two groups sharing members lock them in the same order
    const ids = [...new Set(memberIds)].sort((a, b) => a - b);
    await tx.query(
      `INSERT INTO class_member_guard (member_id, claims) VALUES ${ids.map(() => '(?, 1)').join(', ')} ON DUPLICATE KEY UPDATE claims = claims + 1`,
      ids,
    );
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
    const fields = this.rowFields(householdId, input, now, payment);
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
      const s = await tx.findOne(ClassSession, {
        where: { id: sessionId },
        ...(this.db.kind === 'mysql' ? { lock: { mode: 'pessimistic_write' as const } } : {}),
      });
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
    return `${windowDays}天内有${count}次报名后未到场，${dayKey(until)} 前暂不能报名活动`;
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
      (known.sessions && sessionIds.every((id) => known.sessions!.some((s) => s.id === id))
        ? known.sessions
        : await em.find(ClassSession, { where: { id: In(sessionIds) } })
      ).map((s) => [s.id, s]),
    );
    const classIds = [...new Set([...sessions.values()].map((s) => s.classId))];
    const classes = new Map(
      (known.classes && classIds.every((id) => known.classes!.some((c) => c.id === id))
        ? known.classes
        : await em.find(ClassDef, { where: { id: In(classIds) } })
      ).map((c) => [c.id, c]),
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
          ((status === 'confirmed' && now < new Date(s.cancellationDeadline)) ||
            ((status === 'waitlisted' || status === 'unpaid') && now < new Date(s.startsAt))),
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
  private readonly series = new CachedLookup<number, number>((ids) => this.sessionCounts(ids), { ttlMs: 30_000 });

  async seriesSizes(classIds: number[]): Promise<Map<number, number>> {
    return this.series.many(classIds);
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
