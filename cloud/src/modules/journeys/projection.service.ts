/**
 * The journeys' read models, fed by domain events and staff notes:
 *  - journey_customer: WeCom customers (from ContactAdded / ContactLinked / ContactLost), opt-out
 *  - activity_log + member_activity: what each member did and when (visits, orders, classes,
 *    replies), idempotent per fact (source_key), with "last …" times only moving forward.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, IsNull } from 'typeorm';
import { Db, dbDate as coreDbDate, isUniqueViolation, rawTime } from '../../core/db';
import { ActivityLog, type ActivityKind, MemberActivity } from './entities/member-activity.entity';
import { JourneyCustomer } from './entities/journey-customer.entity';

const COLUMN: Record<ActivityKind, keyof MemberActivity | null> = {
  visit: 'lastVisitAt',
  order: 'lastOrderAt',
  checkin: 'lastCheckinAt',
  reply: 'lastReplyAt',
  contact: null,
};
const SQL_COLUMN: Record<string, string> = {
  lastInteractionAt: 'last_interaction_at',
  lastVisitAt: 'last_visit_at',
  lastOrderAt: 'last_order_at',
  lastCheckinAt: 'last_checkin_at',
  lastReplyAt: 'last_reply_at',
};

/** A datetime from a raw row: mysql2 gives Date (UTC), better-sqlite3 the stored UTC text. */
export function dbDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  return coreDbDate(v);
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class JourneyProjection {
  @Inject()
  db!: Db;

  /** Record one fact (once per sourceKey); returns false when it was recorded before. */
  async record(
    em: EntityManager,
    f: { memberId?: number | null; externalUserId?: string | null; kind: ActivityKind; at: Date; sourceKey: string; orderTitle?: string | null },
  ): Promise<boolean> {
    try {
      await em.insert(ActivityLog, {
        memberId: f.memberId ?? null,
        externalUserId: f.externalUserId ?? null,
        kind: f.kind,
        at: f.at,
        sourceKey: f.sourceKey.slice(0, 80),
      });
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
    if (f.memberId) await this.touchMember(em, f.memberId, f.kind, f.at, f.orderTitle ?? null);
    if (f.externalUserId && f.kind === 'reply') {
      await em
        .createQueryBuilder()
        .update(JourneyCustomer)
        .set({ lastReplyAt: () => 'CASE WHEN last_reply_at IS NULL OR last_reply_at < :at THEN :at ELSE last_reply_at END', updatedAt: f.at })
        .where('external_user_id = :ext', { ext: f.externalUserId })
        .setParameter('at', f.at)
        .execute();
    }
    return true;
  }

  /**
   * The facts not in activity_log yet (by source key; a key twice in `facts` counts once), written
   * with one multi-row INSERT per 500; returns them. The set-based writers' shared first step.
   */
  private async logNew<F extends { memberId: number; at: Date; sourceKey: string }>(em: EntityManager, kind: string, facts: F[]): Promise<F[]> {
    const time = (d: Date) => rawTime(this.db.kind, d);
    const key = (f: F) => f.sourceKey.slice(0, 80);
    const fresh: F[] = [];
    for (let i = 0; i < facts.length; i += 500) {
      const part = facts.slice(i, i + 500);
      const seen = new Set(
        (
          (await em.query(`SELECT source_key FROM activity_log WHERE source_key IN (${part.map(() => '?').join(',')})`, part.map(key))) as Array<{
            source_key: string;
          }>
        ).map((r) => r.source_key),
      );
      const todo = part.filter((f) => !seen.has(key(f)) && seen.add(key(f)));
      if (!todo.length) continue;
      await em.query(
        `INSERT INTO activity_log (member_id, external_user_id, kind, at, source_key) VALUES ${todo.map(() => '(?, NULL, ?, ?, ?)').join(',')}`,
        todo.flatMap((f) => [f.memberId, kind, time(f.at), key(f)]),
      );
      fresh.push(...todo);
    }
    return fresh;
  }

  /**
   * Many members' orders at once (set-based delivery of PurchaseRecorded): the facts not recorded
   * before go into activity_log in one multi-row INSERT, then one upsert per batch moves each
   * member's last order / interaction forward (and the title of the latest order). Returns the
   * facts that were new, like `record` returning true.
   */
  async recordOrders<F extends { memberId: number; at: Date; sourceKey: string; orderTitle: string | null }>(em: EntityManager, facts: F[]): Promise<F[]> {
    const sqlite = this.db.kind !== 'mysql';
    const time = (d: Date) => rawTime(this.db.kind, d);
    const fresh = await this.logNew(em, 'order', facts);
    // per member, the latest order (a later fact wins a tie, as record() does)
    const latest = new Map<number, F>();
    for (const f of fresh) {
      const l = latest.get(f.memberId);
      if (!l || l.at <= f.at) latest.set(f.memberId, f);
    }
    const rows = [...latest.values()];
    for (let i = 0; i < rows.length; i += 500) {
      const part = rows.slice(i, i + 500);
      const values = part.map(() => '(?, ?, ?, ?)').join(',');
      const params = part.flatMap((f) => [f.memberId, time(f.at), time(f.at), f.orderTitle?.slice(0, 64) ?? null]);
      // MySQL applies the assignments left to right (the title first, against the old last_order_at); SQLite reads the old row in every one
      await em.query(
        sqlite
          ? `INSERT INTO member_activity (member_id, last_interaction_at, last_order_at, last_order_title) VALUES ${values}
             ON CONFLICT(member_id) DO UPDATE SET
               last_order_title = CASE WHEN excluded.last_order_title IS NOT NULL AND (last_order_at IS NULL OR last_order_at <= excluded.last_order_at) THEN excluded.last_order_title ELSE last_order_title END,
               last_interaction_at = CASE WHEN last_interaction_at IS NULL OR last_interaction_at < excluded.last_interaction_at THEN excluded.last_interaction_at ELSE last_interaction_at END,
               last_order_at = CASE WHEN last_order_at IS NULL OR last_order_at < excluded.last_order_at THEN excluded.last_order_at ELSE last_order_at END`
          : `INSERT INTO member_activity (member_id, last_interaction_at, last_order_at, last_order_title) VALUES ${values}
             ON DUPLICATE KEY UPDATE
               last_order_title = CASE WHEN VALUES(last_order_title) IS NOT NULL AND (last_order_at IS NULL OR last_order_at <= VALUES(last_order_at)) THEN VALUES(last_order_title) ELSE last_order_title END,
               last_interaction_at = CASE WHEN last_interaction_at IS NULL OR last_interaction_at < VALUES(last_interaction_at) THEN VALUES(last_interaction_at) ELSE last_interaction_at END,
               last_order_at = CASE WHEN last_order_at IS NULL OR last_order_at < VALUES(last_order_at) THEN VALUES(last_order_at) ELSE last_order_at END`,
        params,
      );
    }
    return fresh;
  }

  /**
   * Many members' facts of one kind at once (set-based delivery of MemberRegistered): like `record`
   * for each — the facts not recorded before go into activity_log in one multi-row INSERT, then one
   * upsert moves each member's last interaction and last `kind` forward. Returns the new facts.
   */
  async recordMany<F extends { memberId: number; at: Date; sourceKey: string }>(em: EntityManager, kind: 'visit' | 'checkin', facts: F[]): Promise<F[]> {
    const sqlite = this.db.kind !== 'mysql';
    const time = (d: Date) => rawTime(this.db.kind, d);
    const fresh = await this.logNew(em, kind, facts);
    const latest = new Map<number, Date>();
    for (const f of fresh) {
      const l = latest.get(f.memberId);
      if (f.memberId && (!l || l < f.at)) latest.set(f.memberId, f.at);
    }
    const col = SQL_COLUMN[COLUMN[kind]!];
    const rows = [...latest];
    for (let i = 0; i < rows.length; i += 500) {
      const part = rows.slice(i, i + 500);
      const forward = (c: string) =>
        `${c} = CASE WHEN ${c} IS NULL OR ${c} < ${sqlite ? `excluded.${c}` : `VALUES(${c})`} THEN ${sqlite ? `excluded.${c}` : `VALUES(${c})`} ELSE ${c} END`;
      await em.query(
        `INSERT INTO member_activity (member_id, last_interaction_at, ${col}) VALUES ${part.map(() => '(?, ?, ?)').join(',')}
         ${sqlite ? 'ON CONFLICT(member_id) DO UPDATE SET' : 'ON DUPLICATE KEY UPDATE'} ${forward('last_interaction_at')}, ${forward(col)}`,
        part.flatMap(([memberId, at]) => [memberId, time(at), time(at)]),
      );
    }
    return fresh;
  }

  private async touchMember(em: EntityManager, memberId: number, kind: ActivityKind, at: Date, orderTitle: string | null): Promise<void> {
    const col = COLUMN[kind];
    const existing = await em.findOne(MemberActivity, { where: { memberId }, select: { memberId: true } });
    if (!existing) {
      try {
        await em.insert(MemberActivity, {
          memberId,
          lastInteractionAt: at,
          lastVisitAt: col === 'lastVisitAt' ? at : null,
          lastOrderAt: col === 'lastOrderAt' ? at : null,
          lastCheckinAt: col === 'lastCheckinAt' ? at : null,
          lastReplyAt: col === 'lastReplyAt' ? at : null,
          lastOrderTitle: kind === 'order' ? (orderTitle?.slice(0, 64) ?? null) : null,
        });
        return;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err; // created concurrently: fall through to the update
      }
    }
    const forward = (c: string) => () => `CASE WHEN ${c} IS NULL OR ${c} < :at THEN :at ELSE ${c} END`;
    const set: Record<string, unknown> = { lastInteractionAt: forward('last_interaction_at') };
    if (col) set[col] = forward(SQL_COLUMN[col]);
    if (kind === 'order' && orderTitle) {
      set.lastOrderTitle = () => 'CASE WHEN last_order_at IS NULL OR last_order_at <= :at THEN :title ELSE last_order_title END';
    }
    await em
      .createQueryBuilder()
      .update(MemberActivity)
      .set(set)
      .where('member_id = :memberId', { memberId })
      .setParameters({ at, title: orderTitle?.slice(0, 64) ?? null })
      .execute();
  }

  /** A customer added staff (ContactAdded): one row per external user id; the member's first contact is primary. */
  async contactAdded(em: EntityManager, c: { externalUserId: string; memberId: number | null; staffUserId: string; at: Date }): Promise<void> {
    const existing = await em.findOne(JourneyCustomer, { where: { externalUserId: c.externalUserId } });
    if (existing) {
      const changes: Partial<JourneyCustomer> = { lostAt: null, updatedAt: c.at };
      if (existing.lostAt) changes.staffUserId = c.staffUserId; // re-added (maybe another staff member): they own it now
      if (c.memberId && !existing.memberId) Object.assign(changes, await this.linkChanges(em, c.memberId));
      await em.update(JourneyCustomer, { id: existing.id }, changes);
      return;
    }
    const link = c.memberId ? await this.linkChanges(em, c.memberId) : { memberId: null, isPrimary: false };
    try {
      await em.insert(JourneyCustomer, {
        externalUserId: c.externalUserId,
        staffUserId: c.staffUserId,
        addedAt: c.at,
        lostAt: null,
        lastReplyAt: null,
        optedOut: false,
        updatedAt: c.at,
        ...link,
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }

  private async linkChanges(em: EntityManager, memberId: number): Promise<{ memberId: number; isPrimary: boolean }> {
    const primary = await em.count(JourneyCustomer, { where: { memberId, isPrimary: true, lostAt: IsNull() } });
    return { memberId, isPrimary: primary === 0 };
  }

  async contactLinked(em: EntityManager, externalUserId: string, memberId: number): Promise<void> {
    const existing = await em.findOne(JourneyCustomer, { where: { externalUserId } });
    if (!existing || existing.memberId === memberId) return;
    await em.update(JourneyCustomer, { id: existing.id }, { ...(await this.linkChanges(em, memberId)), updatedAt: new Date() });
  }

  async contactLost(em: EntityManager, externalUserId: string, staffUserId: string, at: Date): Promise<boolean> {
    const r = await em.update(JourneyCustomer, { externalUserId, staffUserId, lostAt: IsNull() }, { lostAt: at, isPrimary: false, updatedAt: at });
    return (r.affected ?? 0) > 0;
  }

  /**
   * Rebuild member_activity from activity_log in one set-based statement per column (after a bulk
   * import, or to repair the projection). Existing rows are replaced.
   */
  async rebuildMemberActivity(): Promise<number> {
    return this.db.transaction(async (em) => {
      await em.query('DELETE FROM member_activity');
      await em.query(
        `INSERT INTO member_activity (member_id, last_interaction_at, last_visit_at, last_order_at, last_checkin_at, last_reply_at, last_order_title)
         SELECT member_id, MAX(at),
                MAX(CASE WHEN kind = 'visit' THEN at END), MAX(CASE WHEN kind = 'order' THEN at END),
                MAX(CASE WHEN kind = 'checkin' THEN at END), MAX(CASE WHEN kind = 'reply' THEN at END), NULL
         FROM activity_log WHERE member_id IS NOT NULL GROUP BY member_id`,
      );
      const [{ n }] = await em.query('SELECT COUNT(*) AS n FROM member_activity');
      return Number(n);
    });
  }
}
