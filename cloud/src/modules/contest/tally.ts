/**
 * Entry tallies derived from the vote rows.
 *
 * A vote is one INSERT (vote.service.ts); it does not touch the entry row, so no hot-row lock is
 * held across a round trip and a hot entry does not serialise its voters. The stored tally
 * (vote_count, flagged_vote_count, voided_vote_count, tally_reached_at) is recomputed from the
 * rows: after a vote this instance marks the entry dirty and a coalescing pass every
 * REFRESH_EVERY_MS (the one batcher, core/queue/batcher.ts: serial, a failed pass's entries run
 * again in the next) counts the dirty entries' rows (one GROUP BY on idx_vote_entry_tally) and
 * writes the counts back (one UPDATE). So "tally == counted vote rows" holds exactly once the pass
 * after the last vote has run (`settle()` waits for it), and nothing is ever incremented in memory.
 *
 * The read is a plain snapshot (no locks on vote rows, so voters never wait for it), and the write
 * is conditional on the snapshot not being older than what is stored: vote rows are never deleted
 * and a void is never undone, so (rows counted, rows voided) only grow — a later snapshot has both
 * at least as large. Two passes racing (another instance, the void path, the close job) can
 * therefore never put an older count over a newer one, and the last pass to run wins with the
 * newest count. A crash between a vote and its pass is repaired by the reconcile job (every minute).
 *
 * Where exactness matters at once the callers compute from the rows themselves: the close job
 * ranks on counts taken inside its transaction, and voiding recomputes the entries it touched.
 */
import { Destroy, Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { EntityManager } from 'typeorm';
import { Db, dbDate } from '../../core/db';
import { Job, type JobContext } from '../../core/jobs';
import { BatchQueue } from '../../core/queue/batcher';

/** How often dirty entries are recounted (the stored tally lags a vote by at most about this). */
export const REFRESH_EVERY_MS = 150;
/** Entries per GROUP BY / UPDATE. */
const CHUNK = 200;

export interface Tally {
  entryId: number;
  votes: number;
  flagged: number;
  voided: number;
  /** When the tally was reached: the time of the latest counted vote (the ranking's tie-break). */
  reachedAt: Date | null;
}

/** Both drivers' datetime values: mysql2 gives Date (UTC), better-sqlite3 'YYYY-MM-DD HH:MM:SS.mmm' UTC text. */
export function dbTime(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  return dbDate(v);
}

/** UTC 'YYYY-MM-DD HH:MM:SS.mmm', the form both drivers store datetime columns in. */
export function sqlTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class TallyService {
  @Inject()
  db!: Db;

  /**
   * Dirty entry ids. One pass at a time, REFRESH_EVERY_MS after the first id it carries; a vote
   * during a pass waits for the next. No maxBatch: a burst of votes is one pass (the recount
   * chunks by CHUNK itself), and a failed pass keeps all its ids for the next (a vote during an
   * outage fails its own INSERT, so the kept list grows no faster than accepted votes).
   */
  private readonly dirty = new BatchQueue<number>(
    async (ids) => {
      await this.refresh([...new Set(ids)]);
      return ids.map(() => undefined);
    },
    { delayMs: REFRESH_EVERY_MS, serial: true, retryAfterMs: REFRESH_EVERY_MS, maxBatch: Infinity, maxKept: Infinity },
  );
  /** The last count this instance stored or read per entry (the vote answer's floor). */
  private lastKnown = new Map<number, number>();

  @Destroy()
  destroy(): void {
    // entries still dirty are left to the reconcile job, as after a crash
    this.dirty.stop();
  }

  /** A vote on `entryId` committed: recount it in the next pass. */
  markDirty(entryId: number): void {
    this.dirty.push(entryId);
  }

  known(entryId: number): number | undefined {
    return this.lastKnown.get(entryId);
  }

  /** Wait until every vote this instance has accepted so far is in the stored tallies (rejects if a pass fails meanwhile). */
  async settle(): Promise<void> {
    await this.dirty.flush();
  }

  /** Count the entries' vote rows (in `em`'s transaction when given). Entries without votes come back as zeros. */
  async compute(entryIds: number[], em: EntityManager = this.db.manager): Promise<Map<number, Tally>> {
    const out = new Map<number, Tally>();
    const ids = [...new Set(entryIds)];
    for (const id of ids) out.set(id, { entryId: id, votes: 0, flagged: 0, voided: 0, reachedAt: null });
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = ids.slice(i, i + CHUNK);
      const rows: Array<Record<string, unknown>> = await em.query(
        `SELECT entry_id AS id,
                SUM(CASE WHEN voided = 0 THEN 1 ELSE 0 END) AS votes,
                SUM(CASE WHEN voided = 0 AND new_account = 1 THEN 1 ELSE 0 END) AS flagged,
                SUM(CASE WHEN voided = 1 THEN 1 ELSE 0 END) AS voided,
                MAX(CASE WHEN voided = 0 THEN created_at END) AS reached
           FROM contest_vote WHERE entry_id IN (${part.map(() => '?').join(', ')}) GROUP BY entry_id`,
        part,
      );
      for (const r of rows) {
        const id = Number(r.id);
        out.set(id, { entryId: id, votes: Number(r.votes), flagged: Number(r.flagged), voided: Number(r.voided), reachedAt: dbTime(r.reached) });
      }
    }
    return out;
  }

  /**
   * Write tallies unless the stored one is newer (see the header). One UPDATE per chunk; on SQLite
   * in a queued transaction (Db: writes go through transactions there), on MySQL autocommit so the
   * entry rows are locked only for the statement itself. `force` skips the guard: for a stored
   * tally that claims more rows than exist (corrupt, never written by a recount) and for the final
   * counts at close.
   */
  async store(tallies: Tally[], em?: EntityManager, force = false): Promise<void> {
    for (let i = 0; i < tallies.length; i += CHUNK) {
      const part = tallies.slice(i, i + CHUNK);
      const cases = (pick: (t: Tally) => unknown) => {
        const args: unknown[] = [];
        const sql = `CASE id ${part.map((t) => (args.push(t.entryId, pick(t)), 'WHEN ? THEN ?')).join(' ')} END`;
        return { sql, args };
      };
      const votes = cases((t) => t.votes);
      const flagged = cases((t) => t.flagged);
      const voided = cases((t) => t.voided);
      const reached = cases((t) => (t.reachedAt ? sqlTime(t.reachedAt) : null));
      const rows = cases((t) => t.votes + t.voided);
      const ids = part.map((t) => t.entryId);
      // `id IN (…)` first: the statement then locks exactly these rows through the primary key
      const sql =
        `UPDATE contest_entry SET vote_count = ${votes.sql}, flagged_vote_count = ${flagged.sql}, voided_vote_count = ${voided.sql}, tally_reached_at = ${reached.sql} ` +
        `WHERE id IN (${ids.map(() => '?').join(', ')})` +
        (force ? '' : ` AND vote_count + voided_vote_count <= ${rows.sql} AND voided_vote_count <= ${voided.sql}`);
      const args = [...votes.args, ...flagged.args, ...voided.args, ...reached.args, ...ids, ...(force ? [] : [...rows.args, ...voided.args])];
      if (em) await em.query(sql, args);
      else if (this.db.kind === 'mysql') await this.db.manager.query(sql, args);
      else await this.db.transaction((tx) => tx.query(sql, args));
    }
    for (const t of tallies) this.lastKnown.set(t.entryId, t.votes);
    if (this.lastKnown.size > 100_000) this.lastKnown.clear();
  }

  /** Recount and store (outside any transaction unless `em` is given). */
  async refresh(entryIds: number[], em?: EntityManager, force = false): Promise<Map<number, Tally>> {
    const tallies = await this.compute(entryIds, em);
    await this.store([...tallies.values()], em, force);
    return tallies;
  }

  /**
   * Repair: recount every entry of the published contests and store the ones that differ (a crash
   * between a vote and its pass, or an instance that stopped with dirty entries). Entries voted in
   * the last RECENT_MS are left to the pass that the instance which took the vote runs anyway
   * (their stored tally merely trails by a pass); a later run picks them up once voting pauses.
   */
  @Job({ name: 'contest.tally-reconcile', cron: '*/1 * * * *', leaseSeconds: 120 })
  async reconcile(ctx: JobContext): Promise<void> {
    const RECENT_MS = 10_000;
    const rows: Array<Record<string, unknown>> = await this.db.manager.query(
      `SELECT e.id AS id, e.vote_count AS votes, e.flagged_vote_count AS flagged, e.voided_vote_count AS voided, e.tally_reached_at AS reached
         FROM contest_entry e JOIN contest c ON c.id = e.contest_id WHERE c.status = 'published'`,
    );
    const stored = new Map(rows.map((r) => [Number(r.id), r]));
    const computed = await this.compute([...stored.keys()]);
    const settled = ctx.now().getTime() - RECENT_MS;
    const differ = [...computed.values()].filter((t) => {
      if (t.reachedAt && t.reachedAt.getTime() > settled) return false;
      const r = stored.get(t.entryId)!;
      return (
        Number(r.votes) !== t.votes ||
        Number(r.flagged) !== t.flagged ||
        Number(r.voided) !== t.voided ||
        dbTime(r.reached)?.getTime() !== t.reachedAt?.getTime()
      );
    });
    const ahead = (t: Tally) => {
      const r = stored.get(t.entryId)!;
      return Number(r.votes) + Number(r.voided) > t.votes + t.voided || Number(r.voided) > t.voided;
    };
    if (differ.length) {
      // behind: the guarded write (a pass may have stored newer counts meanwhile); ahead of the rows: corrupt, overwrite
      await this.store(differ.filter((t) => !ahead(t)));
      await this.store(differ.filter(ahead), undefined, true);
      ctx.logger.warn('[contest.tally-reconcile] repaired %d entry tallies', differ.length);
    }
  }
}
