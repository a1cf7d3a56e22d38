/** Thin HTTP layer for contracts/insight.ts. */
import { Controller, Inject } from '@midwayjs/core';
import type { Context } from '@midwayjs/koa';
import * as api from '../../../../contracts/insight';
import type { RouteParsed } from '../../../../contracts/route';
import type { AuthContext } from '../../core/auth/principal';
import { JobRunner } from '../../core/jobs';
import { Route } from '../../core/route';
import { AbTestService } from './ab.service';
import { InsightService } from './insight.service';
import { generateVariants } from './variants';

@Controller('/')
export class InsightController {
  @Inject()
  insight!: InsightService;

  @Inject()
  ab!: AbTestService;

  @Inject()
  jobs!: JobRunner;

  @Route(api.getOverview)
  async getOverview({ query }: RouteParsed<typeof api.getOverview>, auth: AuthContext) {
    return this.insight.overview(auth.staff(), query);
  }

  @Route(api.refreshOverview)
  async refreshOverview({ body }: RouteParsed<typeof api.refreshOverview>, auth: AuthContext) {
    return this.insight.refreshFor(auth.staff(), body);
  }

  @Route(api.runInsightRefresh)
  async runInsightRefresh() {
    const started = Date.now();
    const outcome = await this.jobs.runNow<{ scopes: number }>('insight.refresh', { waitMs: 600_000 });
    return { ran: outcome.ran, scopes: outcome.result?.scopes ?? 0, ms: Date.now() - started };
  }

  @Route(api.listRoiMonths)
  async listRoiMonths({ query }: RouteParsed<typeof api.listRoiMonths>, auth: AuthContext) {
    return this.insight.roiMonths(auth.staff(), query.storeId);
  }

  @Route(api.saveSegment)
  async saveSegment({ body }: RouteParsed<typeof api.saveSegment>, auth: AuthContext) {
    return this.insight.saveSegment(auth.staff(), body);
  }

  @Route(api.listSegments)
  async listSegments(_: unknown, auth: AuthContext) {
    return this.insight.listSegments(auth.staff());
  }

  @Route(api.enrolSegment)
  async enrolSegment({ params, body }: RouteParsed<typeof api.enrolSegment>, auth: AuthContext) {
    return this.insight.enrolSegment(auth.staff(), params.segmentId, body.journeyId);
  }

  @Route(api.tagSegment)
  async tagSegment({ params, body }: RouteParsed<typeof api.tagSegment>, auth: AuthContext) {
    return this.insight.tagSegment(auth.staff(), params.segmentId, body.tag);
  }

  @Route(api.getSegment)
  async getSegment({ query }: RouteParsed<typeof api.getSegment>, auth: AuthContext) {
    return this.insight.segment(auth.staff(), query);
  }

  @Route(api.exportSegment)
  async exportSegment({ query }: RouteParsed<typeof api.exportSegment>, auth: AuthContext, ctx: Context) {
    const { filename, body } = await this.insight.exportSegment(auth.staff(), query);
    ctx.set('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    ctx.set('content-disposition', `attachment; filename="segment.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`);
    return body;
  }

  @Route(api.exportSavedSegment)
  async exportSavedSegment({ params }: RouteParsed<typeof api.exportSavedSegment>, auth: AuthContext, ctx: Context) {
    const { filename, body } = await this.insight.exportSavedSegment(auth.staff(), params.segmentId);
    ctx.set('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    ctx.set('content-disposition', `attachment; filename="segment.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`);
    return body;
  }

  @Route(api.getInsightSettings)
  async getInsightSettings() {
    return this.insight.settings();
  }

  @Route(api.putInsightSettings)
  async putInsightSettings({ body }: RouteParsed<typeof api.putInsightSettings>) {
    return this.insight.saveSettings(body);
  }

  @Route(api.listAbTests)
  async listAbTests() {
    return this.ab.list();
  }

  @Route(api.createAbTest)
  async createAbTest({ body }: RouteParsed<typeof api.createAbTest>, auth: AuthContext) {
    return this.ab.create(auth.staff(), body);
  }

  @Route(api.generateAbVariants)
  async generateAbVariants({ body }: RouteParsed<typeof api.generateAbVariants>) {
    return { variants: generateVariants(body.topic, body.tags, body.count) };
  }

  @Route(api.stopAbTest)
  async stopAbTest({ params, body }: RouteParsed<typeof api.stopAbTest>) {
    return this.ab.stop(params.testId, body.keep);
  }
}
