/** Thin HTTP layer for contracts/referral.ts. */
import { Controller, Inject } from '@midwayjs/core';
import type { Context } from '@midwayjs/koa';
import * as api from '../../../../contracts/referral';
import type { RouteParsed as P } from '../../../../contracts/route';
import type { AuthContext } from '../../core/auth/principal';
import { Route } from '../../core/route';
import { ReferralReportService } from './report.service';
import { ReferralService } from './referral.service';

@Controller('/')
export class ReferralController {
  @Inject()
  referral!: ReferralService;

  @Inject()
  reports!: ReferralReportService;

  @Route(api.createShare)
  async createShare({ body }: P<typeof api.createShare>, auth: AuthContext) {
    return this.referral.createShare(auth.member().memberId, body.kind, body.contentId, body.deviceId);
  }

  @Route(api.openShare)
  async openShare({ body }: P<typeof api.openShare>, _auth: AuthContext, ctx: Context) {
    return this.referral.openShare(body.token, body.deviceId, ctx.ip);
  }

  @Route(api.myReferral)
  async myReferral(_: P<typeof api.myReferral>, auth: AuthContext) {
    return this.referral.myReferral(auth.member().memberId);
  }

  @Route(api.myRewards)
  async myRewards(_: P<typeof api.myRewards>, auth: AuthContext) {
    return this.referral.myRewards(auth.member().memberId);
  }

  @Route(api.enterInviteCode)
  async enterInviteCode({ body }: P<typeof api.enterInviteCode>, auth: AuthContext) {
    return this.referral.enterInviteCode(auth.member().memberId, body.code, body.deviceId);
  }

  @Route(api.opsReferralReport)
  async opsReferralReport({ query }: P<typeof api.opsReferralReport>) {
    return this.reports.report(query.weeks);
  }

  /** A file download, not JSON. */
  @Route(api.opsReferralExport)
  async opsReferralExport({ query }: P<typeof api.opsReferralExport>, _auth: AuthContext, ctx: Context) {
    const { filename, body } = await this.reports.workbook(query.weeks);
    ctx.set('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    ctx.set('content-disposition', `attachment; filename="referral.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`);
    ctx.set('cache-control', 'no-store');
    return body;
  }

  @Route(api.opsDecideReward)
  async opsDecideReward({ params, body }: P<typeof api.opsDecideReward>, auth: AuthContext) {
    return this.referral.decide(auth.staff().staffId, params.rewardId, body.decision, body.note);
  }

  @Route(api.opsGetRules)
  async opsGetRules() {
    return this.referral.rules();
  }

  @Route(api.opsSetRules)
  async opsSetRules({ body }: P<typeof api.opsSetRules>, auth: AuthContext) {
    return this.referral.setRules(auth.staff().staffId, body);
  }
}
