/**
 * The reads every registration makes before and after its transaction (the member, the session
 * and its class, the member's blocks and upcoming bookings), coalesced per event-loop turn: when
 * 500 members register for one session at once, one `WHERE id IN (…)` per turn answers all of
 * them instead of five queries each. Nothing is cached across turns, so every request sees rows
 * at least as fresh as a query of its own would. Rows come back as copies: requests of one batch
 * must not share objects.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import { Batcher } from '../../core/queue/batcher';
import { Db, dbDate } from '../../core/db';
import { ClassDef } from './entities/class-def.entity';
import { ClassSession } from './entities/class-session.entity';
import { IdentityReads } from '../identity';

/** A member's rows that decide whether they may book: unlifted blocks and live bookings' start times. */
export interface MemberStandingRows {
  blocks: Array<{ reason: string; blockedUntil: Date }>;
  liveStarts: Date[];
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class RegistrationReads {
  @Inject()
  db!: Db;

  @Inject()
  lookup!: IdentityReads;

  // a session and its class in one look-up stage: the class's query follows the sessions' in the
  // same batch, instead of every registration waiting for a second batch of its own
  private readonly sessions = new Batcher<number, { session: ClassSession; classDef: ClassDef | null }>(async (ids) => {
    const rows = await this.db.manager.find(ClassSession, { where: { id: In(ids) } });
    const classIds = [...new Set(rows.map((r) => r.classId))];
    const classes = new Map((classIds.length ? await this.db.manager.find(ClassDef, { where: { id: In(classIds) } }) : []).map((c) => [c.id, c]));
    return new Map(rows.map((r) => [r.id, { session: r, classDef: classes.get(r.classId) ?? null }]));
  });

  private readonly members = new Batcher<number, { householdId: number | null }>((ids) => this.lookup.memberHouseholds(ids));

  private readonly standings = new Batcher<number, MemberStandingRows>(async (ids) => {
    // one statement for both: unlifted blocks, and upcoming-or-recent live bookings' start times
    // (the caller compares them with its own `now`)
    const marks = ids.map(() => '?').join(',');
    const rows: Array<{ kind: string; memberId: number | string; reason: string | null; at: Date | string }> = await this.db.manager.query(
      `SELECT 'block' AS kind, b.member_id AS memberId, b.reason AS reason, b.blocked_until AS at
         FROM class_block b WHERE b.member_id IN (${marks}) AND b.lifted_at IS NULL
       UNION ALL
       SELECT 'live' AS kind, r.member_id AS memberId, NULL AS reason, s.starts_at AS at
         FROM class_registration r INNER JOIN class_session s ON s.id = r.session_id
        WHERE r.member_id IN (${marks}) AND r.status IN ('confirmed', 'waitlisted', 'unpaid')`,
      [...ids, ...ids],
    );
    const out = new Map<number, MemberStandingRows>(ids.map((id) => [id, { blocks: [], liveStarts: [] }]));
    for (const r of rows) {
      const entry = out.get(Number(r.memberId));
      if (!entry) continue;
      if (r.kind === 'block') entry.blocks.push({ reason: String(r.reason), blockedUntil: dbDate(r.at) });
      else entry.liveStarts.push(dbDate(r.at));
    }
    return out;
  });

  async session(id: number): Promise<ClassSession | null> {
    return (await this.sessionAndClass(id)).session;
  }

  /** The session and its class, read together (either null when not found). */
  async sessionAndClass(id: number): Promise<{ session: ClassSession | null; classDef: ClassDef | null }> {
    const row = await this.sessions.get(id);
    return row
      ? { session: Object.assign(new ClassSession(), row.session), classDef: row.classDef ? Object.assign(new ClassDef(), row.classDef) : null }
      : { session: null, classDef: null };
  }

  /** An active member's household (null: no household); null when the member is not active. */
  async member(id: number): Promise<{ householdId: number | null } | null> {
    const row = await this.members.get(id);
    return row ? { ...row } : null;
  }

  /** The member's block in force at `now` (the one lasting longest), and how many upcoming bookings they hold. */
  async standing(memberId: number, now: Date): Promise<{ block: { reason: string; blockedUntil: Date } | null; activeBookings: number }> {
    const rows = (await this.standings.get(memberId)) ?? { blocks: [], liveStarts: [] };
    const inForce = rows.blocks.filter((b) => b.blockedUntil > now).sort((a, b) => b.blockedUntil.getTime() - a.blockedUntil.getTime());
    return { block: inForce[0] ?? null, activeBookings: rows.liveStarts.filter((t) => t > now).length };
  }
}
