/**
 * Scheduled jobs. A job is a method of a singleton provider marked `@Job({ name, cron })`.
 * The long-running server schedules it with node-cron (cron read in Asia/Shanghai); a
 * cloud-function timer calls `JobRunner.runNow(name)` instead. Either way the run first takes
 * the job's lease row, so only one runner works at a time; a job must be idempotent and work in
 * small batches, so a crash mid-run is repaired by the next run. Because of that, a run that lost a
 * database race (deadlock, lock-wait timeout, RetryTransaction) is simply run again under the same
 * lease, a few times, before it counts as failed.
 */
import type { ClassType } from '@midwayjs/core';
import * as os from 'os';
import { randomBytes } from 'crypto';
import { ApplicationContext, type ILogger, type IMidwayContainer, Inject, Logger, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import * as cron from 'node-cron';
import { Db, isTransientDbError, isUniqueViolation, retryDelay } from '../db';
import { JobLease } from './job-lease.entity';
import { jobRuns } from '../metrics';

export interface JobOptions {
  /** Stable name, the lease key: keep it when refactoring. */
  name: string;
  /** node-cron expression, evaluated in Asia/Shanghai. */
  cron: string;
  /** How long a run may hold the lease before another runner may take over (a crashed holder). */
  leaseSeconds?: number;
}

export interface JobContext {
  /** The clock of this run (tests pass a fixed time). */
  now(): Date;
  /** Who holds the lease (host:pid:random). */
  holder: string;
  /** Extend the lease during a long run; false when it was lost to another runner (stop then). */
  renew(): Promise<boolean>;
  logger: ILogger;
}

interface JobRegistration extends Required<JobOptions> {
  target: ClassType<object>;
  method: string;
}

const registry: JobRegistration[] = [];

export function Job(options: JobOptions): MethodDecorator {
  return (target, key) => {
    if (registry.some((r) => r.name === options.name)) throw new Error(`job ${options.name} declared twice`);
    if (!cron.validate(options.cron)) throw new Error(`job ${options.name}: invalid cron '${options.cron}'`);
    registry.push({ leaseSeconds: 120, ...options, target: (target as { constructor: JobRegistration['target'] }).constructor, method: String(key) });
  };
}

export function registeredJobs(): ReadonlyArray<Pick<JobRegistration, 'name' | 'cron' | 'leaseSeconds'>> {
  return registry.map(({ name, cron: c, leaseSeconds }) => ({ name, cron: c, leaseSeconds }));
}

export interface RunOptions {
  now?: Date;
  /**
   * Manual runs ("run now" buttons): instead of answering ran:false when a run is in progress,
   * wait for it and then run — in this process always, for another runner's lease up to this
   * many ms (then ran:false).
   */
  waitMs?: number;
  /**
   * A scheduled tick (node-cron in the server): every instance fires at the same moment, so a run
   * that another instance started within `scheduledGapMs` is this tick's run already — skip it
   * instead of running the job a second time right after the first released the lease.
   */
  scheduledGapMs?: number;
}

/**
 * About half the period of a cron expression (its first field: seconds with 6 fields, minutes with
 * 5; a step like *\/5 sets the period): long enough to cover instances firing a little apart,
 * short enough never to swallow the next tick.
 */
export function scheduleGapMs(expression: string): number {
  const fields = expression.trim().split(/\s+/);
  const unit = fields.length >= 6 ? 1_000 : 60_000;
  const step = /^\*\/(\d+)$/.exec(fields[0]);
  return Math.floor(((step ? Number(step[1]) : 1) * unit) / 2);
}

/** An every-minute cron (`* * * * *`, `*\/1 * * * *`) as every `seconds` seconds; any other cron unchanged. */
export function acceleratedCron(expression: string, seconds: number): string {
  const fields = expression.trim().split(/\s+/);
  if (fields.length === 5 && (fields[0] === '*' || fields[0] === '*/1') && fields.slice(1).every((f) => f === '*')) return `*/${seconds} * * * * *`;
  return expression;
}

/** What a run answers: `result` is what the job method returned, for this caller's own run only. */
export interface RunOutcome<R = unknown> {
  ran: boolean;
  result?: R;
}

/** Runs of one job that lost a database race are repeated this many times in all before failing. */
const RUN_ATTEMPTS = 4;
/** How often a waiting manual run looks at another runner's lease. */
const LEASE_POLL_MS = 250;

@Provide()
@Scope(ScopeEnum.Singleton)
export class JobRunner {
  @Inject()
  db!: Db;

  @Logger()
  logger!: ILogger;

  @ApplicationContext()
  container!: IMidwayContainer;

  private readonly tasks: cron.ScheduledTask[] = [];
  private readonly running = new Map<string, Promise<RunOutcome>>();
  readonly holderPrefix = `${os.hostname()}:${process.pid}`;

  /**
   * Schedule every registered job with node-cron (long-running server mode only). `minuteSeconds`
   * (development and browser tests only) runs the every-minute jobs every that many seconds.
   */
  start(options: { minuteSeconds?: number } = {}): void {
    for (const job of registry) {
      const expression = options.minuteSeconds ? acceleratedCron(job.cron, options.minuteSeconds) : job.cron;
      const task = cron.schedule(
        expression,
        () => {
          this.runNow(job.name, { scheduledGapMs: scheduleGapMs(expression) }).catch((err) =>
            this.logger.error('[jobs] %s crashed: %s', job.name, (err as Error).stack ?? err),
          );
        },
        { timezone: 'Asia/Shanghai', name: job.name, noOverlap: true },
      );
      this.tasks.push(task);
    }
    if (registry.length)
      this.logger.info(
        '[jobs] scheduled: %s',
        registry.map((j) => `${j.name} (${options.minuteSeconds ? acceleratedCron(j.cron, options.minuteSeconds) : j.cron})`).join(', '),
      );
  }

  async stop(): Promise<void> {
    for (const task of this.tasks.splice(0)) await task.stop();
    await Promise.allSettled([...this.running.values()]);
  }

  /**
   * Run one job now if its lease can be taken; { ran: false } when another run holds it (unless
   * `waitMs` asks to wait for that run). Throws only when this caller's own run failed — never
   * with the error of a run it merely waited for.
   */
  async runNow<R = unknown>(name: string, options: RunOptions = {}): Promise<RunOutcome<R>> {
    if (!registry.some((j) => j.name === name)) throw new Error(`unknown job ${name}`);
    const deadline = Date.now() + Math.max(0, options.waitMs ?? 0);
    for (;;) {
      // one run per job per process at a time
      const inFlight = this.running.get(name);
      if (inFlight) {
        const settled = inFlight.then(
          () => undefined,
          () => undefined, // that run's failure is its own caller's (and the log's) business
        );
        if (options.waitMs === undefined) return settled.then(() => ({ ran: false }));
        await settled;
        continue; // another waiter may have started the next run meanwhile
      }
      const run = this.runExclusive(name, options).finally(() => this.running.delete(name));
      this.running.set(name, run);
      const outcome = await run;
      // another instance holds the lease: a manual run looks again until its deadline
      if (!outcome.ran && options.waitMs !== undefined && Date.now() + LEASE_POLL_MS <= deadline) {
        await new Promise((r) => setTimeout(r, LEASE_POLL_MS));
        continue;
      }
      return outcome as RunOutcome<R>;
    }
  }

  private async runExclusive(name: string, options: RunOptions): Promise<RunOutcome> {
    const job = registry.find((j) => j.name === name)!;
    const holder = `${this.holderPrefix}:${randomBytes(4).toString('hex')}`;
    const clock = () => options.now ?? new Date();
    if (!(await this.acquire(name, holder, job.leaseSeconds, options.scheduledGapMs))) return { ran: false };
    const ctx: JobContext = {
      now: clock,
      holder,
      logger: this.logger,
      renew: () => this.renew(name, holder, job.leaseSeconds),
    };
    let error: Error | null = null;
    let result: unknown;
    for (let attempt = 1; ; attempt++) {
      try {
        const instance = (await this.container.getAsync(job.target)) as Record<string, (ctx: JobContext) => Promise<unknown>>;
        result = await instance[job.method](ctx);
        error = null;
        break;
      } catch (err) {
        error = err as Error;
        // jobs are idempotent and resumable: a run that lost a race is run again (its committed
        // batches are not redone); the lease must still be ours, else the new holder carries on
        if (attempt < RUN_ATTEMPTS && isTransientDbError(err)) {
          this.logger.warn('[jobs] %s lost a database race (attempt %d), running again: %s', name, attempt, error.message);
          await retryDelay(attempt);
          if (await this.renew(name, holder, job.leaseSeconds)) continue;
        }
        this.logger.error('[jobs] %s failed: %s', name, error.stack ?? error);
        break;
      }
    }
    await this.release(name, holder, error);
    if (error) throw error;
    return result === undefined ? { ran: true } : { ran: true, result };
  }

  /** Take the lease: insert the row the first time, else a conditional update on an expired or own lease. */
  private async acquire(name: string, holder: string, leaseSeconds: number, scheduledGapMs?: number): Promise<boolean> {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + leaseSeconds * 1000);
    try {
      await this.db.manager.insert(JobLease, { name, holder, expiresAt, lastStartedAt: now, runCount: 0 });
      return true;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    const qb = this.db.manager
      .createQueryBuilder()
      .update(JobLease)
      .set({ holder, expiresAt, lastStartedAt: now })
      .where('name = :name AND (holder IS NULL OR expires_at < :now)', { name, now });
    if (scheduledGapMs) qb.andWhere('(last_started_at IS NULL OR last_started_at < :tick)', { tick: new Date(now.getTime() - scheduledGapMs) });
    const result = await qb.execute();
    return (result.affected ?? 0) === 1;
  }

  private async renew(name: string, holder: string, leaseSeconds: number): Promise<boolean> {
    const result = await this.db.manager
      .createQueryBuilder()
      .update(JobLease)
      .set({ expiresAt: new Date(Date.now() + leaseSeconds * 1000) })
      .where('name = :name AND holder = :holder', { name, holder })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  private async release(name: string, holder: string, error: Error | null): Promise<void> {
    const now = new Date();
    jobRuns.inc({ job: name, result: error ? 'failed' : 'ok' });
    await this.db.manager
      .createQueryBuilder()
      .update(JobLease)
      .set({
        holder: null,
        expiresAt: now,
        lastFinishedAt: now,
        lastStatus: error ? 'failed' : 'ok',
        lastError: error ? error.message.slice(0, 500) : null,
        runCount: () => 'run_count + 1',
      })
      .where('name = :name AND holder = :holder', { name, holder })
      .execute();
  }
}
