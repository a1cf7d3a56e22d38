/**
 * Customer groups (客户群) from WeCom: change_external_chat callbacks (create, update with
 * add_member / del_member / change_owner / change_name …, dismiss) and a full pass over
 * groupchat/list. Every callback re-reads the group with groupchat/get and applies that snapshot
 * (planMembership), guarded by the fetch time: a snapshot fetched earlier than the one applied last
 * is dropped, so duplicated and out-of-order callbacks converge on WeCom's current state. Joins and
 * leaves are kept as stays (wecom_group_member) and announced with GroupChanged.
 */
import { Inject, Logger, type ILogger, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, IsNull } from 'typeorm';
import { Db, isUniqueViolation } from '../../core/db';
import { EventBus } from '../../core/events/event-bus';
import { PlatformError } from '../../platform/types';
import { WecomContactApi, type WxGroupChat } from '../../platform/wecom-externalcontact';
import { WecomGroupChat } from './entities/group-chat.entity';
import { WecomGroupMember } from './entities/group-member.entity';
import { planMembership, type SnapshotMember } from './group-membership';
import './events';

/** groupchat/get: the chat does not exist (any more) for this corp. */
const CHAT_GONE = new Set([40058, 49008, 701008]);

export interface GroupSyncResult {
  applied: boolean;
  joined: string[];
  left: string[];
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class WecomGroupSync {
  @Inject()
  db!: Db;

  @Inject()
  api!: WecomContactApi;

  @Inject()
  events!: EventBus;

  @Logger()
  logger!: ILogger;

  /** From the inbox worker: one change_external_chat callback. */
  async onCallback(f: Record<string, string>, eventAt: Date): Promise<GroupSyncResult | null> {
    const chatId = f.ChatId;
    if (!chatId) return null;
    if (f.ChangeType === 'dismiss') return this.dismiss(chatId, eventAt, new Date());
    const leftAt = f.ChangeType === 'update' && f.UpdateDetail === 'del_member' ? eventAt : undefined;
    return this.sync(chatId, { leftAt });
  }

  /** Fetch one group and apply the snapshot (null snapshot = WeCom no longer knows the group). */
  async sync(chatId: string, o: { leftAt?: Date; now?: () => Date } = {}): Promise<GroupSyncResult> {
    const clock = o.now ?? (() => new Date());
    const fetchedAt = clock();
    let chat: WxGroupChat | null;
    try {
      chat = (await this.api.groupChatGet(chatId)).group_chat;
    } catch (err) {
      if (err instanceof PlatformError && CHAT_GONE.has(err.errcode)) chat = null;
      else throw err;
    }
    if (!chat) return this.dismiss(chatId, fetchedAt, fetchedAt);
    return this.apply(chat, fetchedAt, o.leftAt ?? fetchedAt);
  }

  /** Every group of the corp (groupchat/list, cursor pages); groups WeCom no longer lists are marked dismissed. */
  async syncAll(now = new Date()): Promise<{ groups: number; joined: number; left: number; dismissed: number }> {
    const listed = new Set<string>();
    let cursor = '';
    do {
      const page = await this.api.groupChatList({ cursor, limit: 1000 });
      page.group_chat_list.forEach((g) => listed.add(g.chat_id));
      cursor = page.next_cursor ?? '';
    } while (cursor);
    let joined = 0;
    let left = 0;
    for (const chatId of listed) {
      const r = await this.sync(chatId);
      joined += r.joined.length;
      left += r.left.length;
    }
    const known = await this.db.manager.find(WecomGroupChat, { where: { dismissed: false }, select: { id: true, chatId: true } });
    let dismissed = 0;
    for (const g of known) {
      if (listed.has(g.chatId)) continue;
      const r = await this.dismiss(g.chatId, now, new Date());
      if (r.applied) dismissed++;
    }
    return { groups: listed.size, joined, left, dismissed };
  }

  /**
   * Claim the right to write this chat's snapshot: true when no snapshot fetched later was applied.
   * On MySQL the conditional UPDATE also locks the row until commit, so two appliers queue up.
   */
  private async claim(em: EntityManager, chatId: string, fetchedAt: Date, values: Partial<WecomGroupChat>): Promise<'claimed' | 'stale' | 'missing'> {
    const r = await em
      .createQueryBuilder()
      .update(WecomGroupChat)
      .set({ ...values, syncedAt: fetchedAt })
      .where('chat_id = :chatId AND (synced_at IS NULL OR synced_at <= :fetchedAt)', { chatId, fetchedAt })
      .execute();
    if ((r.affected ?? 0) > 0) return 'claimed';
    const exists = await em.findOne(WecomGroupChat, { where: { chatId }, select: { id: true } });
    return exists ? 'stale' : 'missing';
  }

  private async claimOrCreate(em: EntityManager, chatId: string, fetchedAt: Date, values: Partial<WecomGroupChat>): Promise<boolean> {
    const first = await this.claim(em, chatId, fetchedAt, values);
    if (first !== 'missing') return first === 'claimed';
    try {
      await em.insert(WecomGroupChat, {
        chatId,
        name: null,
        ownerUserId: null,
        memberCount: 0,
        externalCount: 0,
        dismissed: false,
        updatedAt: fetchedAt,
        ...values,
        syncedAt: fetchedAt,
      });
      return true;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return (await this.claim(em, chatId, fetchedAt, values)) === 'claimed';
    }
  }

  async apply(chat: WxGroupChat, fetchedAt: Date, leftAt: Date): Promise<GroupSyncResult> {
    const members = chat.member_list ?? [];
    const snapshot: SnapshotMember[] = members.map((m) => ({
      userId: m.userid,
      memberType: m.type,
      joinedAt: new Date((m.join_time ?? chat.create_time ?? Math.floor(fetchedAt.getTime() / 1000)) * 1000),
      unionid: m.unionid ?? null,
      name: m.name?.slice(0, 64) ?? null,
    }));
    const values: Partial<WecomGroupChat> = {
      name: chat.name?.slice(0, 64) ?? null,
      ownerUserId: chat.owner ?? null,
      memberCount: members.length,
      externalCount: members.filter((m) => m.type === 2).length,
      dismissed: false,
      updatedAt: new Date(),
      wxCreatedAt: chat.create_time ? new Date(chat.create_time * 1000) : null,
    };
    return this.db.transaction(async (em) => {
      const before = await em.findOne(WecomGroupChat, { where: { chatId: chat.chat_id }, select: { id: true, ownerUserId: true, dismissed: true } });
      if (!(await this.claimOrCreate(em, chat.chat_id, fetchedAt, values))) return { applied: false, joined: [], left: [] };
      const open = await em.find(WecomGroupMember, { where: { chatId: chat.chat_id, leftAt: IsNull() }, select: { id: true, userId: true, joinedAt: true } });
      const plan = planMembership(open, snapshot, leftAt);
      for (const c of plan.close) await em.update(WecomGroupMember, { id: c.id }, { leftAt: c.leftAt });
      for (const m of plan.open) {
        try {
          await em.insert(WecomGroupMember, {
            chatId: chat.chat_id,
            userId: m.userId,
            memberType: m.memberType,
            unionid: m.unionid,
            name: m.name,
            joinedAt: m.joinedAt,
            leftAt: null,
          });
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          // this very stay was closed by an earlier (wrong-order) pass: it is open again
          await em.update(WecomGroupMember, { chatId: chat.chat_id, userId: m.userId, joinedAt: m.joinedAt }, { leftAt: null });
        }
      }
      const joined = plan.open.map((m) => m.userId);
      const left = plan.close.filter((c) => !joined.includes(c.userId)).map((c) => c.userId);
      const ownerChanged = !before || before.ownerUserId !== (chat.owner ?? null) || before.dismissed;
      if (joined.length || left.length || ownerChanged) {
        await this.events.emit(em, 'GroupChanged', {
          chatId: chat.chat_id,
          name: values.name ?? null,
          ownerUserId: values.ownerUserId ?? null,
          joined,
          left,
          dismissed: false,
          created: !before,
          at: fetchedAt.toISOString(),
        });
      }
      return { applied: true, joined, left };
    });
  }

  /** The group is gone: every open stay ends at `at`; a later stale snapshot cannot bring it back. */
  async dismiss(chatId: string, at: Date, fetchedAt: Date): Promise<GroupSyncResult> {
    return this.db.transaction(async (em) => {
      const existing = await em.findOne(WecomGroupChat, { where: { chatId }, select: { id: true, dismissed: true } });
      if (!existing) return { applied: false, joined: [], left: [] };
      if (!(await this.claimOrCreate(em, chatId, fetchedAt, { dismissed: true, updatedAt: new Date() }))) return { applied: false, joined: [], left: [] };
      const open = await em.find(WecomGroupMember, { where: { chatId, leftAt: IsNull() }, select: { id: true, userId: true, joinedAt: true } });
      for (const s of open) await em.update(WecomGroupMember, { id: s.id }, { leftAt: at < s.joinedAt ? s.joinedAt : at });
      if (!existing.dismissed) {
        await em.update(WecomGroupChat, { id: existing.id }, { memberCount: 0, externalCount: 0 });
        await this.events.emit(em, 'GroupChanged', {
          chatId,
          name: null,
          ownerUserId: null,
          joined: [],
          left: open.map((s) => s.userId),
          dismissed: true,
          created: false,
          at: at.toISOString(),
        });
      }
      return { applied: true, joined: [], left: open.map((s) => s.userId) };
    });
  }
}
