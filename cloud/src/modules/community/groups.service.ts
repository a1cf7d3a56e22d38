/**
 * Customer groups as community operations see them: scoped lists with figures, one group's
 * members (matched to members and households), who has not been active in 30 days, the next
 * events to invite them to, and the group welcome (入群欢迎语) through the group welcome template API.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import type * as api from '../../../../contracts/community';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, dbDate, iso, isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import { WecomContactApi } from '../../platform/wecom-externalcontact';
import { PlatformError } from '../../platform/types';
import { ClassAuthoringService } from '../classes';
import { MemberService } from '../identity';
import { WecomDirectory, WecomGroups, type GroupInfo, type GroupPerson } from '../wecom';
import { CommunityGroup, CommunitySettingsRow } from './entities/group.entity';
import { Participation } from './entities/participation.entity';

export const ACTIVE_DAYS = 30;
const DAY_MS = 86_400_000;

export interface GroupScope {
  staff: StaffPrincipal;
  wecomUserId: string | null;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class CommunityGroupService {
  @Inject()
  db!: Db;

  @Inject()
  groups!: WecomGroups;

  @Inject()
  directory!: WecomDirectory;

  @Inject()
  members!: MemberService;

  @Inject()
  classes!: ClassAuthoringService;

  @Inject()
  wecomApi!: WecomContactApi;

  async scope(staff: StaffPrincipal): Promise<GroupScope> {
    const s = await this.directory.staffById(staff.staffId);
    return { staff, wecomUserId: s?.wecomUserId ?? null };
  }

  /** HQ: every group; a store manager: their store's groups and their own; others: the groups they own. */
  canSee(scope: GroupScope, info: GroupInfo, row: CommunityGroup | null): boolean {
    if (scope.staff.role === 'hq_admin') return true;
    if (scope.wecomUserId && info.ownerUserId === scope.wecomUserId) return true;
    return scope.staff.role === 'store_manager' && scope.staff.storeId !== null && row?.storeId === scope.staff.storeId;
  }

  async settings(): Promise<api.CommunitySettings> {
    const s = await this.db.manager.findOne(CommunitySettingsRow, { where: { id: 1 } });
    return { quietStart: s?.quietStart ?? '21:00', quietEnd: s?.quietEnd ?? '09:00', defaultWeeklyCap: s?.defaultWeeklyCap ?? 3 };
  }

  async updateSettings(body: api.CommunitySettings): Promise<api.CommunitySettings> {
    const values = { quietStart: body.quietStart, quietEnd: body.quietEnd, defaultWeeklyCap: body.defaultWeeklyCap, updatedAt: new Date() };
    const r = await this.db.manager.update(CommunitySettingsRow, { id: 1 }, values);
    if (!r.affected) await this.db.manager.insert(CommunitySettingsRow, { id: 1, ...values });
    return this.settings();
  }

  /** Our row for a group (created on first sight, store from the owner's staff record). */
  async row(chatId: string, ownerUserId: string | null): Promise<CommunityGroup> {
    const found = await this.db.manager.findOne(CommunityGroup, { where: { chatId } });
    if (found) return found;
    const owner = ownerUserId ? await this.directory.staffByUserId(ownerUserId) : null;
    try {
      await this.db.manager.insert(CommunityGroup, {
        chatId,
        storeId: owner?.storeId ?? null,
        theme: null,
        welcomeText: null,
        welcomeTemplateId: null,
        welcomeUpdatedAt: null,
        weeklyCap: null,
        createdAt: new Date(),
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    return this.db.manager.findOneOrFail(CommunityGroup, { where: { chatId } });
  }

  /** The group if the staff member may see it, else NOT_FOUND (no hint that it exists). */
  async visible(staff: StaffPrincipal, chatId: string): Promise<{ info: GroupInfo; row: CommunityGroup; scope: GroupScope }> {
    const info = await this.groups.get(chatId);
    if (!info) throw new AppError('NOT_FOUND', '客户群不存在或尚未同步');
    const row = await this.row(chatId, info.ownerUserId);
    const scope = await this.scope(staff);
    if (!this.canSee(scope, info, row)) throw new AppError('NOT_FOUND', '客户群不存在或尚未同步');
    return { info, row, scope };
  }

  async list(staff: StaffPrincipal, now = new Date()): Promise<{ items: api.GroupSummary[] }> {
    const scope = await this.scope(staff);
    const infos = await this.groups.list();
    const rows = await this.db.manager.find(CommunityGroup, { where: { chatId: In(infos.length ? infos.map((i) => i.chatId) : ['']) } });
    const byChat = new Map(rows.map((r) => [r.chatId, r]));
    const items: api.GroupSummary[] = [];
    const settings = await this.settings();
    for (const info of infos) {
      const row = byChat.get(info.chatId) ?? (await this.row(info.chatId, info.ownerUserId));
      if (!this.canSee(scope, info, row)) continue;
      const people = await this.groups.people(info.chatId, { since: new Date(now.getTime() - ACTIVE_DAYS * DAY_MS) });
      items.push(await this.summary(info, row, people, settings.defaultWeeklyCap, now));
    }
    return { items };
  }

  private async summary(info: GroupInfo, row: CommunityGroup, people: GroupPerson[], defaultCap: number, now: Date): Promise<api.GroupSummary> {
    const owner = info.ownerUserId ? await this.directory.staffByUserId(info.ownerUserId) : null;
    return {
      chatId: info.chatId,
      name: info.name,
      ownerUserId: info.ownerUserId,
      ownerName: owner?.displayName ?? null,
      storeId: row.storeId,
      storeName: await this.directory.storeName(row.storeId),
      theme: row.theme,
      weeklyCap: row.weeklyCap ?? defaultCap,
      dismissed: info.dismissed,
      figures: await this.figures(people, now),
      syncedAt: iso(info.syncedAt),
    };
  }

  async figures(people: GroupPerson[], now: Date): Promise<api.GroupFigures> {
    const since = new Date(now.getTime() - ACTIVE_DAYS * DAY_MS);
    const current = people.filter((p) => !p.leftAt);
    const customers = current.filter((p) => p.memberType === 2);
    const linked = customers.filter((p) => p.memberId);
    const last = await this.lastActive(linked.map((p) => p.memberId!));
    return {
      members: current.length,
      customers: customers.length,
      linkedMembers: linked.length,
      active30d: linked.filter((p) => (last.get(p.memberId!) ?? 0) >= since.getTime()).length,
      joined30d: people.filter((p) => p.memberType === 2 && p.joinedAt >= since).length,
      left30d: people.filter((p) => p.memberType === 2 && p.leftAt && p.leftAt >= since).length,
    };
  }

  /** Last participation per member (ms since epoch). */
  async lastActive(memberIds: number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    if (!memberIds.length) return out;
    const rows = await this.db.manager
      .createQueryBuilder(Participation, 'p')
      .select('p.member_id', 'memberId')
      .addSelect('MAX(p.at)', 'last')
      .where('p.member_id IN (:...ids)', { ids: [...new Set(memberIds)] })
      .groupBy('p.member_id')
      .getRawMany<{ memberId: number | string; last: Date | string }>();
    for (const r of rows) out.set(Number(r.memberId), dbDate(r.last).getTime());
    return out;
  }

  private async eventsOf(memberIds: number[]): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    if (!memberIds.length) return out;
    const rows = await this.db.manager.find(Participation, {
      where: { memberId: In([...new Set(memberIds)]), kind: 'class' },
      order: { at: 'DESC' },
      select: { id: true, memberId: true, title: true },
    });
    for (const r of rows) {
      const list = out.get(r.memberId) ?? [];
      if (r.title && !list.includes(r.title) && list.length < 5) list.push(r.title);
      out.set(r.memberId, list);
    }
    return out;
  }

  private async personViews(people: GroupPerson[]): Promise<api.GroupPerson[]> {
    const customers = people.filter((p) => p.memberType === 2);
    const ids = customers.filter((p) => p.memberId).map((p) => p.memberId!);
    const members = await this.members.findActiveWithRelations(ids);
    const byId = new Map(members.map((m) => [m.id, m]));
    const last = await this.lastActive(ids);
    const events = await this.eventsOf(ids);
    return customers.map((p) => {
      const m = p.memberId ? byId.get(p.memberId) : undefined;
      const l = p.memberId ? last.get(p.memberId) : undefined;
      return {
        userId: p.userId,
        name: p.name,
        memberId: m ? m.id : null,
        memberNickname: m?.nickname ?? null,
        householdName: m?.household?.name ?? null,
        joinedAt: p.joinedAt.toISOString(),
        leftAt: iso(p.leftAt),
        lastActiveAt: l ? new Date(l).toISOString() : null,
        events: (p.memberId && events.get(p.memberId)) || [],
      };
    });
  }

  /** Upcoming classes/events of the group's store, soonest first. */
  async nextEvents(
    staff: StaffPrincipal,
    storeId: number | null,
    now: Date,
    limit = 3,
  ): Promise<Array<{ classId: number; title: string; nextSessionAt: string }>> {
    const q = { page: 1, pageSize: 50, ...(storeId ? { storeId } : {}) };
    if (staff.role !== 'hq_admin' && storeId && staff.storeId !== storeId) return [];
    const page = await this.classes.list(staff, q, now);
    return page.items
      .filter((c) => c.nextSessionAt)
      .sort((a, b) => a.nextSessionAt!.localeCompare(b.nextSessionAt!))
      .slice(0, limit)
      .map((c) => ({ classId: c.id, title: c.title, nextSessionAt: c.nextSessionAt! }));
  }

  async detailParts(staff: StaffPrincipal, chatId: string, now = new Date()) {
    const { info, row } = await this.visible(staff, chatId);
    const since = new Date(now.getTime() - ACTIVE_DAYS * DAY_MS);
    const people = await this.groups.people(chatId, { since });
    const views = await this.personViews(people);
    const current = views.filter((p) => !p.leftAt);
    const settings = await this.settings();
    const summary = await this.summary(info, row, people, settings.defaultWeeklyCap, now);
    const inactive = current.filter((p) => !p.lastActiveAt || new Date(p.lastActiveAt) < since);
    return {
      summary,
      row,
      people: current,
      inactive,
      leftRecently: views.filter((p) => p.leftAt),
      nextEvents: await this.nextEvents(staff, row.storeId, now),
    };
  }

  async update(staff: StaffPrincipal, chatId: string, body: { storeId?: number | null; theme?: string | null; weeklyCap?: number }): Promise<api.GroupSummary> {
    const { row } = await this.visible(staff, chatId);
    if (body.storeId !== undefined && staff.role !== 'hq_admin' && body.storeId !== staff.storeId) throw new AppError('FORBIDDEN', '只能把客户群归到本门店');
    if (body.storeId && !(await this.directory.storeName(body.storeId)))
      throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'storeId', message: '门店不存在' }]);
    const patch: Partial<CommunityGroup> = {};
    if (body.storeId !== undefined) patch.storeId = body.storeId;
    if (body.theme !== undefined) patch.theme = body.theme;
    if (body.weeklyCap !== undefined) patch.weeklyCap = body.weeklyCap;
    if (Object.keys(patch).length) await this.db.manager.update(CommunityGroup, { id: row.id }, patch);
    return (await this.detailParts(staff, chatId)).summary;
  }

  /** 入群欢迎语: one template per group, added once then edited (WeCom keeps the template id). */
  async setWelcome(staff: StaffPrincipal, chatId: string, text: string): Promise<{ text: string; templateId: string | null; updatedAt: string | null }> {
    const { row } = await this.visible(staff, chatId);
    let templateId = row.welcomeTemplateId;
    try {
      if (templateId) await this.wecomApi.groupWelcomeTemplateEdit(templateId, { text });
      else templateId = (await this.wecomApi.groupWelcomeTemplateAdd({ text })).template_id;
    } catch (err) {
      if (err instanceof PlatformError) throw new AppError('WECOM_API_FAILED', `企业微信未接受欢迎语（${err.errcode}）`);
      throw err;
    }
    const at = new Date();
    await this.db.manager.update(CommunityGroup, { id: row.id }, { welcomeText: text, welcomeTemplateId: templateId, welcomeUpdatedAt: at });
    return { text, templateId, updatedAt: at.toISOString() };
  }
}
