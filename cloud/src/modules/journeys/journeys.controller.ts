/** Thin HTTP layer for contracts/journeys.ts. */
import { Config, Controller, Inject } from '@midwayjs/core';
import * as api from '../../../../contracts/journeys';
import type { RouteParsed } from '../../../../contracts/route';
import type { AppEnv } from '../../config/env';
import type { AuthContext } from '../../core/auth/principal';
import { AppError } from '../../core/errors';
import { isTransientDbError } from '../../core/db';
import { JobRunner, type RunOutcome } from '../../core/jobs';
import { Route } from '../../core/route';
import type { EvaluateResult } from './engine.service';
import { JourneyService } from './journey.service';
import { JourneyTasksService } from './tasks.service';

/** How long a manual run waits for another instance's run before answering ran:false. */
const RUN_WAIT_MS = 10_000;

@Controller('/')
export class JourneysController {
  @Inject()
  journeys!: JourneyService;

  @Inject()
  tasks!: JourneyTasksService;

  @Inject()
  jobs!: JobRunner;

  @Config('hub')
  env!: AppEnv;

  @Route(api.listJourneys)
  async listJourneys() {
    return this.journeys.list();
  }

  @Route(api.getJourney)
  async getJourney({ params }: RouteParsed<typeof api.getJourney>) {
    return this.journeys.get(params.journeyId);
  }

  @Route(api.createJourney)
  async createJourney({ body }: RouteParsed<typeof api.createJourney>) {
    return this.journeys.create(body);
  }

  @Route(api.updateJourney)
  async updateJourney({ params, body }: RouteParsed<typeof api.updateJourney>) {
    return this.journeys.update(params.journeyId, body);
  }

  @Route(api.setJourneyActive)
  async setJourneyActive({ params, body }: RouteParsed<typeof api.setJourneyActive>) {
    return this.journeys.setActive(params.journeyId, body.active);
  }

  @Route(api.restoreJourney)
  async restoreJourney({ params }: RouteParsed<typeof api.restoreJourney>) {
    return this.journeys.restore(params.journeyId);
  }

  @Route(api.listEnrolments)
  async listEnrolments({ params, query }: RouteParsed<typeof api.listEnrolments>, auth: AuthContext) {
    return this.journeys.enrolments(params.journeyId, query, auth.staff());
  }

  @Route(api.customerJourneys)
  async customerJourneys({ params }: RouteParsed<typeof api.customerJourneys>, auth: AuthContext) {
    // the same rule as the sidebar: HQ, the follower, or the store's manager
    await this.tasks.assertVisible(auth.staff(), params.externalUserId);
    return this.journeys.customer(params.externalUserId);
  }

  @Route(api.getJourneySettings)
  async getJourneySettings() {
    return this.journeys.settings();
  }

  @Route(api.updateJourneySettings)
  async updateJourneySettings({ body }: RouteParsed<typeof api.updateJourneySettings>) {
    return this.journeys.updateSettings(body);
  }

  /**
   * Runs the same job the scheduler runs (under its lease), so it never overlaps a scheduled run:
   * a run in progress here is waited for, another instance's for a few seconds (then ran:false).
   * The counts are this request's own run's. A run that kept losing database races answers
   * CONFLICT (try again), never a 500.
   */
  @Route(api.runJourneys)
  async runJourneys({ body }: RouteParsed<typeof api.runJourneys>) {
    let now: Date | undefined;
    if (body.now) {
      if (this.env.NODE_ENV === 'production') throw new AppError('BAD_REQUEST', '生产环境不能指定评估时间');
      now = new Date(body.now);
      if (Number.isNaN(now.getTime())) throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'now', message: '时间格式不正确' }]);
    }
    const started = Date.now();
    let outcome: RunOutcome<EvaluateResult>;
    try {
      outcome = await this.jobs.runNow<EvaluateResult>('journeys.evaluate', { now, waitMs: RUN_WAIT_MS });
    } catch (err) {
      if (isTransientDbError(err)) throw new AppError('CONFLICT', '旅程评估与其他任务冲突，请稍后再试');
      throw err;
    }
    const r = outcome.result ?? { enrolled: 0, stepsRun: 0, deferred: 0 };
    return { ran: outcome.ran, enrolled: r.enrolled, stepsRun: r.stepsRun, deferred: r.deferred, ms: Date.now() - started };
  }

  @Route(api.listSidebarTasks)
  async listSidebarTasks({ query }: RouteParsed<typeof api.listSidebarTasks>, auth: AuthContext) {
    return this.tasks.list(auth.staff(), query);
  }

  @Route(api.completeSidebarTask)
  async completeSidebarTask({ params, body }: RouteParsed<typeof api.completeSidebarTask>, auth: AuthContext) {
    return this.tasks.complete(auth.staff(), params.taskId, body.outcome);
  }

  @Route(api.recordInteraction)
  async recordInteraction({ params, body }: RouteParsed<typeof api.recordInteraction>, auth: AuthContext) {
    await this.tasks.recordInteraction(auth.staff(), params.externalUserId, body.kind);
    return { ok: true as const };
  }

  @Route(api.setOptOut)
  async setOptOut({ params, body }: RouteParsed<typeof api.setOptOut>, auth: AuthContext) {
    return this.tasks.setOptOut(auth.staff(), params.externalUserId, body.optedOut);
  }

  @Route(api.sidebarJourneys)
  async sidebarJourneys({ params }: RouteParsed<typeof api.sidebarJourneys>, auth: AuthContext) {
    await this.tasks.assertVisible(auth.staff(), params.externalUserId);
    return this.journeys.customer(params.externalUserId);
  }

  @Route(api.myCoupons)
  async myCoupons({ query }: RouteParsed<typeof api.myCoupons>, auth: AuthContext) {
    return this.tasks.myCoupons(auth.member().memberId, query);
  }
}
