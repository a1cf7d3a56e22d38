/**
 * ContestVoted relay. A member-day's first vote is written with event_pending = 1 by the vote's own
 * INSERT, so the row is its own outbox record: the fact and "an event is owed" commit together,
 * and the vote stays one statement. This relay turns pending rows into ContestVoted events in
 * batches: in one transaction it reads pending rows, clears their flag conditionally
 * (`WHERE event_pending = 1`) and emits one event per row; if another instance cleared some first,
 * the counts differ and the batch rolls back, so every event is emitted exactly once.
 *
 * It runs shortly after votes (coalesced) and from a job every minute (rows left by a crash or by
 * another instance that stopped).
 */
import { Destroy, Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db } from '../../core/db';
import { EventBus } from '../../core/events/event-bus';
import { Job, type JobContext } from '../../core/jobs';
import './events';

/** Votes wait at most about this long for their event (tags and journeys are not real-time). */
const RELAY_DELAY_MS = 1_000;
const BATCH = 500;

class RelayRace extends Error {}

@Provide()
@Scope(ScopeEnum.Singleton)
export class VoteEventRelay {
  @Inject()
  db!: Db;

  @Inject()
  events!: EventBus;

  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private closed = false;

  @Destroy()
  destroy(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** A first-of-the-day vote committed: relay soon. */
  kick(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.relayAll().catch(() => undefined);
    }, RELAY_DELAY_MS);
    this.timer.unref();
  }

  /** Relay every pending row (tests and the job call it); returns the number of events emitted. */
  async relayAll(): Promise<number> {
    if (this.running) await this.running.catch(() => 0);
    this.running = (async () => {
      let total = 0;
      for (let guard = 0; guard < 1000 && !this.closed; guard++) {
        let n: number;
        try {
          n = await this.batch();
        } catch (err) {
          if (err instanceof RelayRace) continue; // another instance took part of this batch: read again
          throw err;
        }
        total += n;
        if (n < BATCH) break;
      }
      return total;
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private batch(): Promise<number> {
    return this.db.transaction(async (em) => {
      const rows: Array<{ id: number | string; member_id: number | string; contest_id: number | string; day: string }> = await em.query(
        `SELECT id, member_id, contest_id, day FROM contest_vote WHERE event_pending = 1 ORDER BY id LIMIT ${BATCH}`,
      );
      if (!rows.length) return 0;
      const ids = rows.map((r) => Number(r.id));
      const res = await em.queryRunner!.query(`UPDATE contest_vote SET event_pending = 0 WHERE event_pending = 1 AND id IN (${ids.map(() => '?').join(', ')})`, ids, true);
      if ((res.affected ?? 0) !== ids.length) throw new RelayRace();
      for (const r of rows) {
        await this.events.emit(em, 'ContestVoted', { memberId: Number(r.member_id), contestId: Number(r.contest_id), day: r.day });
      }
      return rows.length;
    });
  }

  @Job({ name: 'contest.vote-events', cron: '*/1 * * * *', leaseSeconds: 120 })
  async run(ctx: JobContext): Promise<void> {
    const n = await this.relayAll();
    if (n) ctx.logger.info('[contest.vote-events] relayed %d ContestVoted events', n);
  }
}
