import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Job, type JobContext } from '../../../core/jobs';
import { JourneyEngine, type EvaluateResult } from '../engine.service';

/** Every minute: enrol the inactive and run due steps (idempotent; resumes where a crash left off). */
@Provide()
@Scope(ScopeEnum.Singleton)
export class JourneyRunner {
  @Inject()
  engine!: JourneyEngine;

  /** Result of the last run in this process (the ops "run now" route reports it). */
  lastResult: EvaluateResult | null = null;

  @Job({ name: 'journeys.evaluate', cron: '* * * * *', leaseSeconds: 300 })
  async run(ctx: JobContext): Promise<void> {
    this.lastResult = await this.engine.evaluate(ctx.now(), { renew: ctx.renew });
    const r = this.lastResult;
    if (r.enrolled || r.stepsRun || r.deferred) {
      ctx.logger.info('[journeys] enrolled %d, steps %d, deferred %d, exited %d; ms %j', r.enrolled, r.stepsRun, r.deferred, r.exited, r.ms ?? {});
    }
  }
}
