/** Thin HTTP layer for contracts/community.ts. */
import { Config, Controller, Inject } from '@midwayjs/core';
import * as api from '../../../../contracts/community';
import type { RouteParsed as P } from '../../../../contracts/route';
import type { AppEnv } from '../../config/env';
import type { AuthContext } from '../../core/auth/principal';
import { AppError } from '../../core/errors';
import { Route } from '../../core/route';
import { WecomGroups } from '../wecom';
import { CommunityGroupService } from './groups.service';
import { KitService } from './kits.service';
import { PanelService } from './panel.service';
import { GroupSopService } from './sop.service';

@Controller('/')
export class CommunityController {
  @Inject()
  groups!: CommunityGroupService;

  @Inject()
  wecomGroups!: WecomGroups;

  @Inject()
  sops!: GroupSopService;

  @Inject()
  kits!: KitService;

  @Inject()
  panel!: PanelService;

  @Config('hub')
  env!: AppEnv;

  // ---- groups

  @Route(api.listGroups)
  async listGroups(_: P<typeof api.listGroups>, auth: AuthContext) {
    return this.groups.list(auth.staff());
  }

  @Route(api.syncGroups)
  async syncGroups() {
    try {
      return await this.wecomGroups.syncAll();
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('WECOM_API_FAILED', `同步客户群失败：${(err as Error).message}`.slice(0, 120));
    }
  }

  @Route(api.getGroup)
  async getGroup({ params }: P<typeof api.getGroup>, auth: AuthContext) {
    const staff = auth.staff();
    const d = await this.groups.detailParts(staff, params.chatId);
    const tasks = await this.sops.listTasks(staff, { chatId: params.chatId });
    return {
      ...d.summary,
      welcome: {
        text: d.row.welcomeText ?? '',
        templateId: d.row.welcomeTemplateId,
        updatedAt: d.row.welcomeUpdatedAt ? d.row.welcomeUpdatedAt.toISOString() : null,
      },
      people: d.people,
      inactive: d.inactive,
      leftRecently: d.leftRecently,
      nextEvents: d.nextEvents,
      tasks: tasks.items,
    };
  }

  @Route(api.updateGroup)
  async updateGroup({ params, body }: P<typeof api.updateGroup>, auth: AuthContext) {
    return this.groups.update(auth.staff(), params.chatId, body);
  }

  @Route(api.setGroupWelcome)
  async setGroupWelcome({ params, body }: P<typeof api.setGroupWelcome>, auth: AuthContext) {
    return this.groups.setWelcome(auth.staff(), params.chatId, body.text);
  }

  @Route(api.sidebarGroup)
  async sidebarGroup({ params }: P<typeof api.sidebarGroup>, auth: AuthContext) {
    const staff = auth.staff();
    const d = await this.groups.detailParts(staff, params.chatId);
    const tasks = await this.sops.listTasks(staff, { chatId: params.chatId, status: 'open' });
    return {
      chatId: d.summary.chatId,
      name: d.summary.name,
      storeName: d.summary.storeName,
      theme: d.summary.theme,
      figures: d.summary.figures,
      inactive: d.inactive.slice(0, 30),
      nextEvents: d.nextEvents,
      tasks: tasks.items,
    };
  }

  // ---- group SOP

  @Route(api.listGroupSops)
  async listGroupSops({ params }: P<typeof api.listGroupSops>, auth: AuthContext) {
    return this.sops.list(auth.staff(), params.chatId);
  }

  @Route(api.createGroupSop)
  async createGroupSop({ params, body }: P<typeof api.createGroupSop>, auth: AuthContext) {
    return this.sops.create(auth.staff(), params.chatId, body);
  }

  @Route(api.setGroupSopActive)
  async setGroupSopActive({ params, body }: P<typeof api.setGroupSopActive>, auth: AuthContext) {
    return this.sops.setActive(auth.staff(), params.sopId, body.active);
  }

  @Route(api.listSopTasks)
  async listSopTasks({ query }: P<typeof api.listSopTasks>, auth: AuthContext) {
    return this.sops.listTasks(auth.staff(), query);
  }

  @Route(api.confirmSopTask)
  async confirmSopTask({ params }: P<typeof api.confirmSopTask>, auth: AuthContext) {
    return this.sops.confirm(auth.staff(), params.taskId);
  }

  @Route(api.runGroupSop)
  async runGroupSop({ body }: P<typeof api.runGroupSop>) {
    let at = new Date();
    if (body.at) {
      if (this.env.NODE_ENV === 'production') throw new AppError('BAD_REQUEST', '生产环境不能指定运行时间');
      at = new Date(body.at);
      if (Number.isNaN(at.getTime())) throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'at', message: '时间格式不正确' }]);
    }
    return this.sops.runDue(at);
  }

  @Route(api.getCommunitySettings)
  async getCommunitySettings() {
    return this.groups.settings();
  }

  @Route(api.updateCommunitySettings)
  async updateCommunitySettings({ body }: P<typeof api.updateCommunitySettings>) {
    return this.groups.updateSettings(body);
  }

  // ---- kits and calendar

  @Route(api.listKits)
  async listKits(_: P<typeof api.listKits>, auth: AuthContext) {
    return this.kits.list(auth.staff());
  }

  @Route(api.createKit)
  async createKit({ body }: P<typeof api.createKit>) {
    return this.kits.create(body);
  }

  @Route(api.publishKit)
  async publishKit({ params }: P<typeof api.publishKit>) {
    return this.kits.publish(params.kitId);
  }

  @Route(api.adoptKit)
  async adoptKit({ params, body }: P<typeof api.adoptKit>, auth: AuthContext) {
    return this.kits.adopt(auth.staff(), params.kitId, body);
  }

  @Route(api.listAdoptions)
  async listAdoptions({ query }: P<typeof api.listAdoptions>, auth: AuthContext) {
    return this.kits.adoptions(auth.staff(), query);
  }

  @Route(api.getCalendar)
  async getCalendar({ query }: P<typeof api.getCalendar>) {
    return this.kits.calendar(query);
  }

  // ---- inner ring and panel

  @Route(api.innerRing)
  async innerRing(_: P<typeof api.innerRing>, auth: AuthContext) {
    return this.panel.innerRing(auth.staff());
  }

  @Route(api.invitePanelMember)
  async invitePanelMember({ body }: P<typeof api.invitePanelMember>, auth: AuthContext) {
    return this.panel.invite(auth.staff(), body.memberId, body.moderator);
  }

  @Route(api.listPanelRounds)
  async listPanelRounds() {
    return this.panel.rounds();
  }

  @Route(api.createPanelRound)
  async createPanelRound({ body }: P<typeof api.createPanelRound>) {
    return this.panel.createRound(body);
  }

  @Route(api.panelRoundSignups)
  async panelRoundSignups({ params }: P<typeof api.panelRoundSignups>) {
    return this.panel.signups(params.roundId);
  }

  @Route(api.markPanelAttendance)
  async markPanelAttendance({ params, body }: P<typeof api.markPanelAttendance>) {
    return this.panel.markAttendance(params.roundId, body.memberId, body.attended);
  }

  @Route(api.panelReport)
  async panelReport({ params }: P<typeof api.panelReport>) {
    return this.panel.report(params.roundId);
  }

  @Route(api.myPanel)
  async myPanel(_: P<typeof api.myPanel>, auth: AuthContext) {
    return this.panel.me(auth.member().memberId);
  }

  @Route(api.signUpPanelRound)
  async signUpPanelRound({ params }: P<typeof api.signUpPanelRound>, auth: AuthContext) {
    return this.panel.signUp(auth.member().memberId, params.roundId);
  }

  @Route(api.reviewPanelRound)
  async reviewPanelRound({ params, body }: P<typeof api.reviewPanelRound>, auth: AuthContext) {
    return this.panel.review(auth.member().memberId, params.roundId, body);
  }
}
