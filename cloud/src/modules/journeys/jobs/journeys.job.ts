import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Job, type JobContext } from '../../../core/jobs';
import { JourneyEngine, type EvaluateResult } from '../engine.service';

/** Every minute: enrol the inactive and run due steps (idempotent; resumes where a crash left off). */
@Provide()
@Scope(ScopeEnum.Singleton)
export class JourneyRunner {
  @Inject()
  engine!: JourneyEngine;

  /** Returns the counts of this run (JobRunner.runNow hands them to this run's caller only). */
  @Job({ name: 'journeys.evaluate', cron: '* * * * *', leaseSeconds: 300 })
  async run(ctx: JobContext): Promise<EvaluateResult> {
    const r = await this.engine.evaluate(ctx.now(), { renew: ctx.renew });
    if (r.enrolled || r.stepsRun || r.deferred) {
      ctx.logger.info('[journeys] enrolled %d, steps %d, deferred %d, exited %d; ms %j', r.enrolled, r.stepsRun, r.deferred, r.exited, r.ms ?? {});
    }
    return r;
  }
}
