/** Thin HTTP layer for contracts/feedback.ts. */
import { Controller, Inject } from '@midwayjs/core';
import * as api from '../../../../contracts/feedback';
import type { RouteParsed } from '../../../../contracts/route';
import type { AuthContext } from '../../core/auth/principal';
import { AppError } from '../../core/errors';
import { Route } from '../../core/route';
import { ArrivalService } from './arrival.service';
import { ChurnService } from './churn.service';
import { FeedbackService } from './feedback.service';
import { People } from './people';
import { FeedbackSubscribe } from './subscribe.service';

@Controller('/')
export class FeedbackController {
  @Inject()
  feedback!: FeedbackService;

  @Inject()
  churn!: ChurnService;

  @Inject()
  arrivals!: ArrivalService;

  @Inject()
  people!: People;

  @Inject()
  subscribe!: FeedbackSubscribe;

  // ---- member
  @Route(api.listMyPrompts)
  async listMyPrompts(_: RouteParsed<typeof api.listMyPrompts>, auth: AuthContext) {
    return this.feedback.prompts(auth.member().memberId);
  }

  @Route(api.submitFeedback)
  async submitFeedback({ body }: RouteParsed<typeof api.submitFeedback>, auth: AuthContext) {
    return this.feedback.submit(auth.member().memberId, body);
  }

  @Route(api.listMyFeedback)
  async listMyFeedback(_: RouteParsed<typeof api.listMyFeedback>, auth: AuthContext) {
    return this.feedback.myFeedback(auth.member().memberId);
  }

  @Route(api.listChanges)
  async listChanges({ query }: RouteParsed<typeof api.listChanges>) {
    return this.feedback.changes(query);
  }

  @Route(api.feedbackSubscribeTemplates)
  async feedbackSubscribeTemplates(_: RouteParsed<typeof api.feedbackSubscribeTemplates>, auth: AuthContext) {
    return { ...this.subscribe.templates(), credits: await this.subscribe.credits(auth.member().memberId) };
  }

  @Route(api.acceptFeedbackSubscribe)
  async acceptFeedbackSubscribe({ body }: RouteParsed<typeof api.acceptFeedbackSubscribe>, auth: AuthContext) {
    return this.subscribe.accept(auth.member().memberId, body);
  }

  @Route(api.getPersonalisation)
  async getPersonalisation(_: RouteParsed<typeof api.getPersonalisation>, auth: AuthContext) {
    return { personalised: await this.arrivals.personalised(auth.member().memberId) };
  }

  @Route(api.setPersonalisation)
  async setPersonalisation({ body }: RouteParsed<typeof api.setPersonalisation>, auth: AuthContext) {
    return this.arrivals.setPersonalised(auth.member().memberId, body.personalised);
  }

  // ---- ops inbox
  @Route(api.listFeedback)
  async listFeedback({ query }: RouteParsed<typeof api.listFeedback>, auth: AuthContext) {
    return this.feedback.list(auth.staff(), query);
  }

  @Route(api.getFeedback)
  async getFeedback({ params }: RouteParsed<typeof api.getFeedback>, auth: AuthContext) {
    return this.feedback.detail(auth.staff(), params.feedbackId);
  }

  @Route(api.assignFeedback)
  async assignFeedback({ params, body }: RouteParsed<typeof api.assignFeedback>, auth: AuthContext) {
    return this.feedback.assign(auth.staff(), params.feedbackId, body.staffId);
  }

  @Route(api.answerFeedback)
  async answerFeedback({ params, body }: RouteParsed<typeof api.answerFeedback>, auth: AuthContext) {
    return this.feedback.answer(auth.staff(), params.feedbackId, body.text, body.via);
  }

  @Route(api.resolveFeedback)
  async resolveFeedback({ params }: RouteParsed<typeof api.resolveFeedback>, auth: AuthContext) {
    return this.feedback.resolve(auth.staff(), params.feedbackId);
  }

  @Route(api.publishFeedback)
  async publishFeedback({ params, body }: RouteParsed<typeof api.publishFeedback>, auth: AuthContext) {
    return this.feedback.publish(auth.staff(), params.feedbackId, body.said, body.changed);
  }

  @Route(api.feedbackInsights)
  async feedbackInsights({ query }: RouteParsed<typeof api.feedbackInsights>, auth: AuthContext) {
    return this.feedback.insights(auth.staff(), query.weeks);
  }

  @Route(api.getClassifier)
  async getClassifier() {
    return this.feedback.rules();
  }

  @Route(api.updateClassifier)
  async updateClassifier({ body }: RouteParsed<typeof api.updateClassifier>) {
    return this.feedback.updateRules(body.rules, body.reclassify);
  }

  @Route(api.tryClassifier)
  async tryClassifier({ body }: RouteParsed<typeof api.tryClassifier>) {
    return this.feedback.tryRules(body.text, body.rating);
  }

  // ---- churn
  @Route(api.listChurnRisks)
  async listChurnRisks({ query }: RouteParsed<typeof api.listChurnRisks>, auth: AuthContext) {
    return this.churn.risks(auth.staff(), query);
  }

  @Route(api.recordChurnCause)
  async recordChurnCause({ body }: RouteParsed<typeof api.recordChurnCause>, auth: AuthContext) {
    return this.churn.recordCause(auth.staff(), body);
  }

  @Route(api.listChurnCases)
  async listChurnCases({ query }: RouteParsed<typeof api.listChurnCases>, auth: AuthContext) {
    return this.churn.cases(auth.staff(), query);
  }

  @Route(api.getWinback)
  async getWinback() {
    return this.churn.winback();
  }

  @Route(api.setWinback)
  async setWinback({ body }: RouteParsed<typeof api.setWinback>) {
    return this.churn.setWinback(body.byCause);
  }

  @Route(api.listLostAlerts)
  async listLostAlerts({ query }: RouteParsed<typeof api.listLostAlerts>, auth: AuthContext) {
    return this.churn.lostAlerts(auth.staff(), query);
  }

  // ---- roster, arrivals
  @Route(api.getRoster)
  async getRoster({ params }: RouteParsed<typeof api.getRoster>, auth: AuthContext) {
    return this.arrivals.roster(auth.staff(), params.storeId);
  }

  @Route(api.setRoster)
  async setRoster({ params, body }: RouteParsed<typeof api.setRoster>, auth: AuthContext) {
    return this.arrivals.setRoster(auth.staff(), params.storeId, body.entries);
  }

  @Route(api.listArrivals)
  async listArrivals({ query }: RouteParsed<typeof api.listArrivals>, auth: AuthContext) {
    return this.arrivals.list(auth.staff(), query);
  }

  @Route(api.sidebarArrivals)
  async sidebarArrivals(_: RouteParsed<typeof api.sidebarArrivals>, auth: AuthContext) {
    return this.arrivals.recent(auth.staff());
  }

  /** Same visibility as the sidebar's contact view: the contact's clerk, the store's manager, HQ. */
  @Route(api.sidebarChurnRisk)
  async sidebarChurnRisk({ params }: RouteParsed<typeof api.sidebarChurnRisk>, auth: AuthContext) {
    const staff = auth.staff();
    const c = await this.people.contact(params.externalUserId);
    if (!c) throw new AppError('NOT_FOUND');
    const member = c.memberId ? await this.people.member(c.memberId) : null;
    const visible =
      staff.role === 'hq_admin' ||
      c.followStaffId === staff.staffId ||
      (staff.role === 'store_manager' && staff.storeId !== null && (c.followStaff?.storeId === staff.storeId || member?.storeId === staff.storeId));
    if (!visible) throw new AppError('NOT_FOUND');
    return { risk: member ? await this.churn.riskOf(member.id) : null };
  }
}
