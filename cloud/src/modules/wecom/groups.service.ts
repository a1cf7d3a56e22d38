/**
 * The public face of customer groups for other modules (community): groups, who is in them now,
 * and stays (joins and leaves) over time, with each customer matched to a member through the
 * WeCom contact (or the unionid WeCom returned). Read-only; WecomGroupSync writes.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import { Db, rawTime } from '../../core/db';
import { WecomDirectory } from './directory.service';
import { WecomGroupChat } from './entities/group-chat.entity';
import { WecomGroupMember } from './entities/group-member.entity';
import { WecomGroupSync } from './group-sync.service';
import { WecomContact } from './entities/wecom-contact.entity';

export interface GroupInfo {
  chatId: string;
  name: string | null;
  ownerUserId: string | null;
  memberCount: number;
  externalCount: number;
  dismissed: boolean;
  syncedAt: Date | null;
}

export interface GroupPerson {
  userId: string;
  /** 1 staff, 2 customer */
  memberType: number;
  name: string | null;
  memberId: number | null;
  joinedAt: Date;
  leftAt: Date | null;
}

const info = (g: WecomGroupChat): GroupInfo => ({
  chatId: g.chatId,
  name: g.name,
  ownerUserId: g.ownerUserId,
  memberCount: g.memberCount,
  externalCount: g.externalCount,
  dismissed: g.dismissed,
  syncedAt: g.syncedAt,
});

@Provide()
@Scope(ScopeEnum.Singleton)
export class WecomGroups {
  @Inject()
  db!: Db;

  @Inject()
  directory!: WecomDirectory;

  @Inject()
  sync!: WecomGroupSync;

  async list(o: { ownerUserIds?: string[]; includeDismissed?: boolean } = {}): Promise<GroupInfo[]> {
    const where: Record<string, unknown> = {};
    if (o.ownerUserIds) where.ownerUserId = In(o.ownerUserIds.length ? o.ownerUserIds : ['']);
    if (!o.includeDismissed) where.dismissed = false;
    const rows = await this.db.manager.find(WecomGroupChat, { where, order: { id: 'ASC' } });
    return rows.map(info);
  }

  async get(chatId: string): Promise<GroupInfo | null> {
    const g = await this.db.manager.findOne(WecomGroupChat, { where: { chatId } });
    return g ? info(g) : null;
  }

  /** Stays in the group: current ones, or also those that ended since `since`. */
  async people(chatId: string, o: { since?: Date } = {}): Promise<GroupPerson[]> {
    const qb = this.db.manager.createQueryBuilder(WecomGroupMember, 'm').where('m.chat_id = :chatId', { chatId });
    if (o.since) qb.andWhere('(m.left_at IS NULL OR m.left_at >= :since)', { since: o.since });
    else qb.andWhere('m.left_at IS NULL');
    const rows = await qb.orderBy('m.joined_at', 'ASC').getMany();
    const externals = rows.filter((r) => r.memberType === 2).map((r) => r.userId);
    const contacts = externals.length
      ? await this.db.manager.find(WecomContact, {
          where: { externalUserId: In(externals) },
          select: { id: true, externalUserId: true, memberId: true, name: true },
        })
      : [];
    const byExternal = new Map(contacts.map((c) => [c.externalUserId, c]));
    const out: GroupPerson[] = [];
    for (const r of rows) {
      const c = byExternal.get(r.userId);
      let memberId = c?.memberId ?? null;
      if (!memberId && r.unionid) memberId = await this.directory.memberIdByUnionid(r.unionid);
      out.push({ userId: r.userId, memberType: r.memberType, name: r.name ?? c?.name ?? null, memberId, joinedAt: r.joinedAt, leftAt: r.leftAt });
    }
    return out;
  }

  /** Joins and leaves per group since `since` (for figures). */
  async movement(chatIds: string[], since: Date): Promise<Map<string, { joined: number; left: number }>> {
    const out = new Map<string, { joined: number; left: number }>();
    if (!chatIds.length) return out;
    const ph = chatIds.map(() => '?').join(',');
    const joined: Array<{ chat_id: string; n: number | string }> = await this.db.manager.query(
      `SELECT chat_id, COUNT(*) AS n FROM wecom_group_member WHERE member_type = 2 AND chat_id IN (${ph}) AND joined_at >= ? GROUP BY chat_id`,
      [...chatIds, rawTime(this.db.kind, since)],
    );
    const left: Array<{ chat_id: string; n: number | string }> = await this.db.manager.query(
      `SELECT chat_id, COUNT(*) AS n FROM wecom_group_member WHERE member_type = 2 AND chat_id IN (${ph}) AND left_at IS NOT NULL AND left_at >= ? GROUP BY chat_id`,
      [...chatIds, rawTime(this.db.kind, since)],
    );
    for (const id of chatIds) out.set(id, { joined: 0, left: 0 });
    joined.forEach((r) => (out.get(r.chat_id)!.joined = Number(r.n)));
    left.forEach((r) => (out.get(r.chat_id)!.left = Number(r.n)));
    return out;
  }

  /** Chats a member (by linked contact) is in now. */
  async chatsOfExternal(externalUserIds: string[]): Promise<string[]> {
    if (!externalUserIds.length) return [];
    const rows = await this.db.manager
      .createQueryBuilder(WecomGroupMember, 'm')
      .select('DISTINCT m.chat_id', 'chat_id')
      .where('m.user_id IN (:...ids) AND m.left_at IS NULL', { ids: externalUserIds })
      .getRawMany<{ chat_id: string }>();
    return rows.map((r) => r.chat_id);
  }

  /** Pull every group from WeCom now (ops button, nightly job). */
  syncAll(now = new Date()) {
    return this.sync.syncAll(now);
  }
}
