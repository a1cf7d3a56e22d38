/**
 * Opaque random session tokens: 32 random bytes (base64url) handed to the client once; the server
 * keeps only sha256(token). Revocation deletes the row, so a revoked token is simply unknown.
 *
 * Every authenticated request looks its session up; lookups arriving in the same event-loop turn
 * share one `WHERE token_hash IN (…)` query (Batcher), so under load a request costs a fraction of
 * a round trip here. Nothing is cached across turns: a revoked or expired session is refused on its
 * very next request, on every instance.
 */
import { createHash, randomBytes } from 'crypto';
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, LessThan } from 'typeorm';
import { AppError } from '../errors';
import { Db, dbDate } from '../db';
import { Batcher } from '../queue/batcher';
import { SessionRow, type SessionSubject } from './session.entity';

/** last_seen_at is refreshed at most this often, so reads do not turn into writes. */
const TOUCH_INTERVAL_MS = 60_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class SessionService {
  @Inject()
  db!: Db;

  private readonly byHash = new Batcher<string, SessionRow>(async (hashes) => {
    const rows: Array<Record<string, unknown>> = await this.db.manager.query(
      `SELECT id, token_hash, subject_type, subject_id, created_at, expires_at, last_seen_at, user_agent FROM session WHERE token_hash IN (${hashes.map(() => '?').join(', ')})`,
      hashes,
    );
    const out = new Map<string, SessionRow>();
    for (const r of rows) {
      out.set(
        String(r.token_hash),
        Object.assign(new SessionRow(), {
          id: Number(r.id),
          tokenHash: String(r.token_hash),
          subjectType: r.subject_type as SessionSubject,
          subjectId: Number(r.subject_id),
          createdAt: dbDate(r.created_at),
          expiresAt: dbDate(r.expires_at),
          lastSeenAt: r.last_seen_at === null || r.last_seen_at === undefined ? null : dbDate(r.last_seen_at),
          userAgent: (r.user_agent as string | null) ?? null,
        }),
      );
    }
    return out;
  });

  /** Create a session (inside the caller's transaction when `em` is given) and return the raw token. */
  async create(subjectType: SessionSubject, subjectId: number, ttlDays: number, userAgent: string | undefined, em?: EntityManager): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.write(em, (m) =>
      m.insert(SessionRow, {
        tokenHash: hashToken(token),
        subjectType,
        subjectId,
        createdAt: now,
        expiresAt: new Date(now.getTime() + ttlDays * 86_400_000),
        lastSeenAt: now,
        userAgent: userAgent ? userAgent.slice(0, 255) : null,
      }),
    );
    return token;
  }

  /** The live session for a bearer token, or UNAUTHENTICATED / SESSION_EXPIRED. */
  async verify(token: string): Promise<SessionRow> {
    const found = await this.byHash.get(hashToken(token));
    if (!found) throw new AppError('UNAUTHENTICATED');
    // a copy: requests of one batch that carry the same token must not share the object
    const row = Object.assign(new SessionRow(), found);
    const now = Date.now();
    if (row.expiresAt.getTime() <= now) {
      await this.write(undefined, (m) => m.delete(SessionRow, { id: row.id }));
      throw new AppError('SESSION_EXPIRED');
    }
    if (!row.lastSeenAt || now - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      row.lastSeenAt = new Date(now);
      await this.write(undefined, (m) => m.update(SessionRow, { id: row.id }, { lastSeenAt: row.lastSeenAt }));
    }
    return row;
  }

  async revoke(sessionId: number, em?: EntityManager): Promise<void> {
    await this.write(em, (m) => m.delete(SessionRow, { id: sessionId }));
  }

  async revokeAll(subjectType: SessionSubject, subjectId: number, em?: EntityManager): Promise<number> {
    const res = await this.write(em, (m) => m.delete(SessionRow, { subjectType, subjectId }));
    return res.affected ?? 0;
  }

  async listFor(subjectType: SessionSubject, subjectId: number, em: EntityManager = this.db.manager): Promise<SessionRow[]> {
    return em.find(SessionRow, { where: { subjectType, subjectId }, order: { createdAt: 'DESC' } });
  }

  /** Housekeeping: drop sessions that expired before `before`. */
  async purgeExpired(before = new Date()): Promise<number> {
    const res = await this.write(undefined, (m) => m.delete(SessionRow, { expiresAt: LessThan(before) }));
    return res.affected ?? 0;
  }

  /** In the caller's transaction, else in a short one of its own (see Db: writes go through transactions). */
  private write<T>(em: EntityManager | undefined, fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return em ? fn(em) : this.db.transaction(fn);
  }
}
