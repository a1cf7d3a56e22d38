/**
 * Group SOP (群SOP): scheduled group messages become tasks for the group owner (one per occurrence,
 * by a unique key), the owner confirms with one tap, and the message goes to WeCom through the
 * outbound queue (add_msg_template, chat_type group, exactly once per task) — after the quiet hours
 * and only within the group's weekly cap (sop-plan.ts decides).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In, LessThanOrEqual } from 'typeorm';
import type * as api from '../../../../contracts/community';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso, isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import { WecomGroups, enqueueOutbound, OutboundWorker } from '../wecom';
import { CommunityGroup, GroupSop, SopTask } from './entities/group.entity';
import { CommunityGroupService } from './groups.service';
import { latestSlot, planGroupSend, SLOT_GRACE_MS } from './sop-plan';

const WEEK_MS = 7 * 86_400_000;
/** Messages that count against the weekly cap. */
const COUNTED: SopTask['status'][] = ['open', 'scheduled', 'sent'];

export function sopView(s: GroupSop): api.SopView {
  return {
    id: s.id,
    chatId: s.chatId,
    title: s.title,
    text: s.text,
    cadence: s.cadence,
    weekday: s.weekday,
    monthDay: s.monthDay,
    time: s.time,
    active: s.active,
    kitId: s.kitId,
    createdAt: s.createdAt.toISOString(),
  };
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class GroupSopService {
  @Inject()
  db!: Db;

  @Inject()
  groupsView!: CommunityGroupService;

  @Inject()
  groups!: WecomGroups;

  @Inject()
  outbound!: OutboundWorker;

  async list(staff: StaffPrincipal, chatId: string): Promise<{ items: api.SopView[] }> {
    await this.groupsView.visible(staff, chatId);
    const rows = await this.db.manager.find(GroupSop, { where: { chatId }, order: { id: 'ASC' } });
    return { items: rows.map(sopView) };
  }

  async create(
    staff: StaffPrincipal,
    chatId: string,
    input: { title: string; text: string; cadence: 'weekly' | 'monthly'; weekday: number | null; monthDay: number | null; time: string },
    kitId: number | null = null,
  ): Promise<api.SopView> {
    const { info } = await this.groupsView.visible(staff, chatId);
    if (info.dismissed) throw new AppError('CONFLICT', '该客户群已解散');
    const id = Number(
      (
        await this.db.manager.insert(GroupSop, {
          chatId,
          title: input.title,
          text: input.text,
          cadence: input.cadence,
          weekday: input.cadence === 'weekly' ? input.weekday : null,
          monthDay: input.cadence === 'monthly' ? input.monthDay : null,
          time: input.time,
          active: true,
          kitId,
          createdAt: new Date(),
        })
      ).identifiers[0].id,
    );
    return sopView(await this.db.manager.findOneByOrFail(GroupSop, { id }));
  }

  async setActive(staff: StaffPrincipal, sopId: number, active: boolean): Promise<api.SopView> {
    const sop = await this.db.manager.findOne(GroupSop, { where: { id: sopId } });
    if (!sop) throw new AppError('NOT_FOUND');
    await this.groupsView.visible(staff, sop.chatId);
    await this.db.manager.update(GroupSop, { id: sopId }, { active });
    return sopView({ ...sop, active });
  }

  private async rulesFor(chatId: string) {
    const settings = await this.groupsView.settings();
    const row = await this.db.manager.findOne(CommunityGroup, { where: { chatId }, select: { id: true, weeklyCap: true } });
    return { quietStart: settings.quietStart, quietEnd: settings.quietEnd, weeklyCap: row?.weeklyCap ?? settings.defaultWeeklyCap };
  }

  /** The group's messages counted against the cap, by the instant they go out (or are due). */
  private async countedTimes(chatId: string, around: Date, exceptTaskId?: number): Promise<number[]> {
    const rows = await this.db.manager
      .createQueryBuilder(SopTask, 't')
      .select(['t.id', 't.slotAt', 't.sendAt', 't.status'])
      .where('t.chat_id = :chatId AND t.status IN (:...st) AND t.slot_at >= :from AND t.slot_at <= :to', {
        chatId,
        st: COUNTED,
        from: new Date(around.getTime() - 2 * WEEK_MS),
        to: new Date(around.getTime() + 2 * WEEK_MS),
      })
      .getMany();
    return rows.filter((r) => r.id !== exceptTaskId).map((r) => (r.sendAt ?? r.slotAt).getTime());
  }

  private counter(times: number[]) {
    return (weekStart: Date) => times.filter((t) => t >= weekStart.getTime() && t < weekStart.getTime() + WEEK_MS).length;
  }

  /** Job: a task for each active SOP whose latest occurrence is due (once per occurrence). */
  async runDue(now = new Date()): Promise<{ created: number; skipped: number }> {
    let created = 0;
    let skipped = 0;
    // confirmed messages whose time has come are out of our hands now
    await this.db.manager.update(SopTask, { status: 'scheduled', sendAt: LessThanOrEqual(now) }, { status: 'sent' });
    const sops = await this.db.manager.find(GroupSop, { where: { active: true }, order: { id: 'ASC' } });
    for (const sop of sops) {
      const slot = latestSlot(sop, now);
      if (now.getTime() - slot.getTime() > SLOT_GRACE_MS || slot < sop.createdAt) continue;
      if (await this.db.manager.findOne(SopTask, { where: { sopId: sop.id, slotAt: slot }, select: { id: true } })) continue;
      const info = await this.groups.get(sop.chatId);
      if (!info || info.dismissed) continue;
      const rules = await this.rulesFor(sop.chatId);
      const plan = planGroupSend(slot, rules, this.counter(await this.countedTimes(sop.chatId, slot)));
      try {
        await this.db.manager.insert(SopTask, {
          sopId: sop.id,
          chatId: sop.chatId,
          ownerUserId: info.ownerUserId,
          slotAt: slot,
          status: plan.kind === 'skip' ? 'skipped' : 'open',
          reason: plan.kind === 'skip' ? plan.reason : plan.deferred ? '计划时间在免打扰时段内，确认后将于免打扰结束时发出' : null,
          sendAt: null,
          confirmedAt: null,
          confirmedBy: null,
          createdAt: now,
        });
        if (plan.kind === 'skip') skipped++;
        else created++;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err; // another runner made it
      }
    }
    return { created, skipped };
  }

  private async taskViews(rows: SopTask[]): Promise<api.SopTaskView[]> {
    const sops = rows.length ? await this.db.manager.find(GroupSop, { where: { id: In([...new Set(rows.map((r) => r.sopId))]) } }) : [];
    const byId = new Map(sops.map((s) => [s.id, s]));
    const names = new Map<string, string | null>();
    for (const chatId of new Set(rows.map((r) => r.chatId))) names.set(chatId, (await this.groups.get(chatId))?.name ?? null);
    return rows.map((t) => ({
      id: t.id,
      sopId: t.sopId,
      chatId: t.chatId,
      groupName: names.get(t.chatId) ?? null,
      title: byId.get(t.sopId)?.title ?? '',
      text: byId.get(t.sopId)?.text ?? '',
      slotAt: t.slotAt.toISOString(),
      status: t.status,
      reason: t.reason,
      sendAt: iso(t.sendAt),
      confirmedAt: iso(t.confirmedAt),
    }));
  }

  async listTasks(staff: StaffPrincipal, q: { status?: SopTask['status']; chatId?: string }): Promise<{ items: api.SopTaskView[] }> {
    const scope = await this.groupsView.scope(staff);
    const where: Record<string, unknown> = {};
    if (q.status) where.status = q.status;
    if (q.chatId) where.chatId = q.chatId;
    const rows = await this.db.manager.find(SopTask, { where, order: { slotAt: 'DESC', id: 'DESC' }, take: 200 });
    const visible: SopTask[] = [];
    const cache = new Map<string, boolean>();
    for (const t of rows) {
      if (!cache.has(t.chatId)) {
        const info = await this.groups.get(t.chatId);
        const row = await this.db.manager.findOne(CommunityGroup, { where: { chatId: t.chatId } });
        cache.set(t.chatId, !!info && this.groupsView.canSee(scope, info, row));
      }
      if (cache.get(t.chatId)) visible.push(t);
    }
    return { items: await this.taskViews(visible) };
  }

  /** The owner's one tap. Safe to tap twice: the second finds the task no longer open. */
  async confirm(staff: StaffPrincipal, taskId: number, now = new Date()): Promise<api.SopTaskView> {
    const task = await this.db.manager.findOne(SopTask, { where: { id: taskId } });
    if (!task) throw new AppError('NOT_FOUND');
    const { info } = await this.groupsView.visible(staff, task.chatId);
    if (task.status !== 'open') throw new AppError('SOP_TASK_NOT_OPEN');
    const sop = await this.db.manager.findOneByOrFail(GroupSop, { id: task.sopId });
    const owner = info.ownerUserId;
    if (!owner || info.dismissed) throw new AppError('CONFLICT', '该客户群已解散或没有群主');
    const rules = await this.rulesFor(task.chatId);
    const plan = planGroupSend(now, rules, this.counter(await this.countedTimes(task.chatId, now, task.id)));
    await this.db.transaction(async (em) => {
      const patch: Partial<SopTask> =
        plan.kind === 'skip'
          ? { status: 'skipped', reason: plan.reason, confirmedAt: now, confirmedBy: staff.staffId }
          : {
              status: plan.deferred ? 'scheduled' : 'sent',
              reason: plan.deferred ? '免打扰时段，结束后发出' : null,
              sendAt: plan.at,
              confirmedAt: now,
              confirmedBy: staff.staffId,
            };
      const r = await em.createQueryBuilder().update(SopTask).set(patch).where("id = :id AND status = 'open'", { id: task.id }).execute();
      if (!r.affected) throw new AppError('SOP_TASK_NOT_OPEN');
      if (plan.kind === 'send') {
        await enqueueOutbound(em, {
          idemKey: `community_sop:${task.id}`,
          kind: 'group_msg_template',
          payload: { sender: owner, chatIds: [task.chatId], text: sop.text, attachments: [] },
          ref: `sop_task:${task.id}`,
          notBefore: plan.at,
          now,
        });
        this.db.afterCommit(em, () => this.outbound.kick());
      }
    });
    const fresh = await this.db.manager.findOneByOrFail(SopTask, { id: task.id });
    return (await this.taskViews([fresh]))[0];
  }

  /** Messages handed to WeCom per SOP (for kit adoption figures). */
  async sentCount(sopId: number): Promise<number> {
    return this.db.manager.count(SopTask, { where: { sopId, status: In(['scheduled', 'sent']) } });
  }
}
