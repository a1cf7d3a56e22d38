/** Thin HTTP layer for contracts/classes.ts (members and ops); every method is bound by @Route. */
import { Controller, Inject, Scope, ScopeEnum } from '@midwayjs/core';
import type { Context } from '@midwayjs/koa';
import * as api from '../../../../contracts/classes';
import type { RouteParsed } from '../../../../contracts/route';
import type { AuthContext } from '../../core/auth/principal';
import { Route } from '../../core/route';
import { ClassAuthoringService } from './authoring.service';
import { ClassBlocksService } from './blocks.service';
import { ClassReportsService } from './reports.service';
import { ClassRosterService } from './roster.service';
import { CatalogService } from './catalog.service';
import { CheckInService } from './checkin.service';
import { ClassPaymentService } from './payment.service';
import { RegistrationService } from './registration.service';
import { ClassesSettings } from './settings';

type P<R> = RouteParsed<R>;

// One instance for the app, as ContestController: it holds only singleton services, and a
// request-scoped controller would be built with its nine injections on every registration.
// (Above @Controller: decorators apply bottom-up, and @Controller itself sets the request scope.)
@Scope(ScopeEnum.Singleton)
@Controller('/')
export class ClassesController {
  @Inject()
  catalog!: CatalogService;

  @Inject()
  registrations!: RegistrationService;

  @Inject()
  checkin!: CheckInService;

  @Inject()
  pay!: ClassPaymentService;

  @Inject()
  authoring!: ClassAuthoringService;

  @Inject()
  rosters!: ClassRosterService;

  @Inject()
  reports!: ClassReportsService;

  @Inject()
  blocks!: ClassBlocksService;

  @Inject()
  settings!: ClassesSettings;

  // ---- members
  @Route(api.subscribeTemplates)
  async subscribeTemplates() {
    return this.settings.templates();
  }

  @Route(api.listClassStores)
  async listClassStores() {
    return this.catalog.stores();
  }

  @Route(api.browseSessions)
  async browseSessions({ query }: P<typeof api.browseSessions>, auth: AuthContext) {
    return this.catalog.browse(auth.member().memberId, query);
  }

  @Route(api.getSession)
  async getSession({ params }: P<typeof api.getSession>, auth: AuthContext) {
    return this.catalog.detail(auth.member().memberId, params.sessionId);
  }

  @Route(api.register)
  async register({ params, body }: P<typeof api.register>, auth: AuthContext) {
    return this.registrations.register(auth.member().memberId, params.sessionId, body);
  }

  @Route(api.cancelRegistration)
  async cancelRegistration({ params }: P<typeof api.cancelRegistration>, auth: AuthContext) {
    return this.registrations.cancel(auth.member().memberId, params.registrationId);
  }

  @Route(api.payRegistration)
  async payRegistration({ params }: P<typeof api.payRegistration>, auth: AuthContext) {
    return this.pay.pay(auth.member().memberId, params.registrationId);
  }

  @Route(api.addSubscriptions)
  async addSubscriptions({ params, body }: P<typeof api.addSubscriptions>, auth: AuthContext) {
    return this.registrations.addSubscriptions(auth.member().memberId, params.registrationId, body);
  }

  @Route(api.myRegistrations)
  async myRegistrations({ query }: P<typeof api.myRegistrations>, auth: AuthContext) {
    return this.registrations.listMine(auth.member().memberId, query.scope, query.page, query.pageSize);
  }

  @Route(api.getMyRegistration)
  async getMyRegistration({ params }: P<typeof api.getMyRegistration>, auth: AuthContext) {
    return this.registrations.getMine(auth.member().memberId, params.registrationId);
  }

  @Route(api.myStanding)
  async myStanding(_: P<typeof api.myStanding>, auth: AuthContext) {
    return this.registrations.standing(auth.member().memberId);
  }

  @Route(api.memberCheckIn)
  async memberCheckIn({ body }: P<typeof api.memberCheckIn>, auth: AuthContext) {
    return this.checkin.byMember(auth.member().memberId, body.code);
  }

  @Route(api.rateRegistration)
  async rateRegistration({ params, body }: P<typeof api.rateRegistration>, auth: AuthContext) {
    return this.registrations.rate(auth.member().memberId, params.registrationId, body.stars, body.comment);
  }

  // ---- ops
  @Route(api.opsListClasses)
  async opsListClasses({ query }: P<typeof api.opsListClasses>, auth: AuthContext) {
    return this.authoring.list(auth.staff(), query);
  }

  @Route(api.opsCreateClass)
  async opsCreateClass({ body }: P<typeof api.opsCreateClass>, auth: AuthContext) {
    return this.authoring.create(auth.staff(), body);
  }

  @Route(api.opsGetClass)
  async opsGetClass({ params }: P<typeof api.opsGetClass>, auth: AuthContext) {
    return this.authoring.detail(auth.staff(), params.classId);
  }

  @Route(api.opsUpdateClass)
  async opsUpdateClass({ params, body }: P<typeof api.opsUpdateClass>, auth: AuthContext) {
    return this.authoring.update(auth.staff(), params.classId, body);
  }

  @Route(api.opsAddSession)
  async opsAddSession({ params, body }: P<typeof api.opsAddSession>, auth: AuthContext) {
    return this.authoring.addSession(auth.staff(), params.classId, body);
  }

  @Route(api.opsUpdateSession)
  async opsUpdateSession({ params, body }: P<typeof api.opsUpdateSession>, auth: AuthContext) {
    return this.authoring.updateSession(auth.staff(), params.sessionId, body);
  }

  @Route(api.opsCancelSession)
  async opsCancelSession({ params }: P<typeof api.opsCancelSession>, auth: AuthContext) {
    return this.authoring.cancelSession(auth.staff(), params.sessionId);
  }

  @Route(api.opsRoster)
  async opsRoster({ params }: P<typeof api.opsRoster>, auth: AuthContext) {
    return this.rosters.roster(auth.staff(), params.sessionId);
  }

  /** A file download, not JSON: headers set here, the body is the CSV text. */
  @Route(api.opsRosterCsv)
  async opsRosterCsv({ params }: P<typeof api.opsRosterCsv>, auth: AuthContext, ctx: Context) {
    const { filename, body } = await this.rosters.rosterCsv(auth.staff(), params.sessionId);
    ctx.set('content-type', 'text/csv; charset=utf-8');
    ctx.set('content-disposition', `attachment; filename="roster-${params.sessionId}.csv"; filename*=UTF-8''${encodeURIComponent(filename)}`);
    ctx.set('cache-control', 'no-store');
    return body;
  }

  @Route(api.opsSessionCode)
  async opsSessionCode({ params }: P<typeof api.opsSessionCode>, auth: AuthContext) {
    return this.rosters.sessionCode(auth.staff(), params.sessionId);
  }

  @Route(api.opsCheckInSessions)
  async opsCheckInSessions({ query }: P<typeof api.opsCheckInSessions>, auth: AuthContext) {
    return this.rosters.checkInSessions(auth.staff(), query);
  }

  @Route(api.opsCheckIn)
  async opsCheckIn({ body }: P<typeof api.opsCheckIn>, auth: AuthContext) {
    return this.checkin.byStaff(auth.staff(), body);
  }

  @Route(api.opsClassStats)
  async opsClassStats({ params }: P<typeof api.opsClassStats>, auth: AuthContext) {
    return this.reports.stats(auth.staff(), params.classId);
  }

  @Route(api.opsFeedback)
  async opsFeedback({ query }: P<typeof api.opsFeedback>, auth: AuthContext) {
    return this.reports.feedback(auth.staff(), query);
  }

  @Route(api.opsListBlocks)
  async opsListBlocks({ query }: P<typeof api.opsListBlocks>, auth: AuthContext) {
    return this.blocks.blocks(auth.staff(), query);
  }

  @Route(api.opsLiftBlock)
  async opsLiftBlock({ params }: P<typeof api.opsLiftBlock>, auth: AuthContext) {
    return this.blocks.liftBlock(auth.staff(), params.blockId);
  }
}
