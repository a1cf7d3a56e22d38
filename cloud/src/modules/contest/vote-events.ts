/**
 * ContestVoted relay. A member-day's first vote is written with event_pending = 1 by the vote's own
 * INSERT, so the row is its own outbox record: the fact and "an event is owed" commit together,
 * and the vote stays one statement. This relay turns pending rows into ContestVoted events in
 * batches: in one transaction it reads pending rows, emits one event per row and clears their flag
 * conditionally (`WHERE event_pending = 1`); if another instance cleared some first, the counts
 * differ and the whole batch rolls back, events included, so every event is emitted exactly once.
 *
 * When: once votes have paused for RELAY_QUIET_MS, or RELAY_MAX_WAIT_MS after the first pending
 * vote, whichever comes first, plus a job every minute (rows left by a crash or by an instance that
 * stopped). The events are not urgent (a behaviour tag, a journey "visit"), while each one costs
 * its listeners a few dozen statements — during a voting surge of new voters that is several times
 * the vote itself — so they wait for a lull instead of competing with the votes, but never longer
 * than the max wait: under a surge that lasts longer, they run alongside it.
 */
import { Destroy, Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db } from '../../core/db';
import { EventBus } from '../../core/events/event-bus';
import { Job, type JobContext } from '../../core/jobs';
import { RunnerStopped, WorkRunner } from '../../core/queue/runner';
import './events';

/** Relay once no first-of-the-day vote has arrived for this long … */
const RELAY_QUIET_MS = 1_000;
/** … but at the latest this long after the first vote waiting for its event. */
const RELAY_MAX_WAIT_MS = 30_000;
const BATCH = 500;

class RelayRace extends Error {}

@Provide()
@Scope(ScopeEnum.Singleton)
export class VoteEventRelay {
  @Inject()
  db!: Db;

  @Inject()
  events!: EventBus;

  /** Relay passes, one at a time; kicks merge and wait for a lull (see the header). */
  private readonly runner = new WorkRunner<'relay'>({ name: 'vote events', lanes: { relay: { priority: 0, concurrency: 1 } } });

  @Destroy()
  async destroy(): Promise<void> {
    await this.runner.stop();
  }

  /** A first-of-the-day vote committed: relay at the next lull (see the header). */
  kick(): void {
    this.runner.kickAfterLull('relay', 'relay', () => this.relayPass(), { quietMs: RELAY_QUIET_MS, maxWaitMs: RELAY_MAX_WAIT_MS });
  }

  /** Relay every pending row (tests and the job call it); returns the number of events emitted. */
  async relayAll(): Promise<number> {
    return this.runner
      .flush('relay', 'relay', () => this.relayPass())
      .catch((err) => {
        if (err instanceof RunnerStopped) return 0; // shutting down: the next instance's job relays the rest
        throw err;
      });
  }

  private async relayPass(): Promise<number> {
    let total = 0;
    for (let guard = 0; guard < 1000 && !this.runner.isStopped; guard++) {
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
  }

  private batch(): Promise<number> {
    return this.db.transaction(async (em) => {
      const rows: Array<{ id: number | string; member_id: number | string; contest_id: number | string; day: string }> = await em.query(
        `SELECT id, member_id, contest_id, day FROM contest_vote WHERE event_pending = 1 ORDER BY id LIMIT ${BATCH}`,
      );
      if (!rows.length) return 0;
      for (const r of rows) {
        await this.events.emit(em, 'ContestVoted', { memberId: Number(r.member_id), contestId: Number(r.contest_id), day: r.day });
      }
      // Last, so its locks are held only until the commit that follows, and through the primary key:
      // record locks on these rows alone (a range on idx_vote_event_pending would also lock the gap
      // where new first votes insert their index entries, holding up voting until the commit).
      const ids = rows.map((r) => Number(r.id));
      const hint = this.db.kind === 'mysql' ? 'FORCE INDEX (PRIMARY) ' : '';
      const res = await em.queryRunner!.query(
        `UPDATE contest_vote ${hint}SET event_pending = 0 WHERE id IN (${ids.map(() => '?').join(', ')}) AND event_pending = 1`,
        ids,
        true,
      );
      if ((res.affected ?? 0) !== ids.length) throw new RelayRace();
      return rows.length;
    });
  }

  @Job({ name: 'contest.vote-events', cron: '*/1 * * * *', leaseSeconds: 120 })
  async run(ctx: JobContext): Promise<void> {
    const n = await this.relayAll();
    if (n) ctx.logger.info('[contest.vote-events] relayed %d ContestVoted events', n);
  }
}
