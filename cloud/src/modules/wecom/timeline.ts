/**
 * The WeCom side of the member timeline: friendships with staff added (with the channel code when
 * there was one) and ended, from this module's own contact and attribution tables.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import { Db } from '../../core/db';
import { MemberTimeline, type TimelineItem } from '../../core/timeline';
import { IdentityReads } from '../identity';
import { ChannelAdd } from './entities/channel-add.entity';
import { WecomChannel } from './entities/channel.entity';
import { WecomContact } from './entities/wecom-contact.entity';

/** Two records of one add (contact row and attribution row) are seconds apart at most. */
const SAME_ADD_MS = 60_000;

@Provide()
@Scope(ScopeEnum.Singleton)
export class WecomTimeline {
  @Inject()
  db!: Db;

  @Inject()
  identity!: IdentityReads;

  @MemberTimeline('wecom')
  async timelineFor(memberId: number, limit: number): Promise<TimelineItem[]> {
    const contacts = await this.db.manager.find(WecomContact, { where: { memberId } });
    if (!contacts.length) return [];
    const adds = await this.db.manager.find(ChannelAdd, {
      where: { externalUserId: In(contacts.map((c) => c.externalUserId)) },
      order: { addedAt: 'DESC', id: 'DESC' },
      take: limit,
    });
    const channelIds = [...new Set(adds.map((a) => a.channelId).filter((x): x is number => x !== null))];
    const userIds = [...new Set(adds.map((a) => a.userId))];
    const [channels, staff] = await Promise.all([
      channelIds.length ? this.db.manager.find(WecomChannel, { where: { id: In(channelIds) }, select: { id: true, name: true, kind: true } }) : [],
      this.identity.staffNamesByWecomUserId(userIds),
    ]);
    const channelName = new Map(channels.filter((c) => c.kind !== 'referral').map((c) => [c.id, c.name]));
    const staffName = staff;
    const followStaff = await this.identity.staffCards(contacts.map((c) => c.followStaffId));
    const out: TimelineItem[] = [];
    for (const a of adds) {
      const who = staffName.get(a.userId);
      const via = a.channelId !== null && channelName.has(a.channelId) ? `，来自「${channelName.get(a.channelId)}」` : a.referrerMemberId ? '，好友推荐' : '';
      out.push({ at: a.addedAt, kind: 'wecom_added', text: `添加了企业微信好友（${who ?? a.userId}${via}）` });
      if (a.deletedAt) {
        out.push({
          at: a.deletedAt,
          kind: 'wecom_lost',
          text: a.deleteReason === 'staff_deleted' ? `员工${who ?? a.userId}删除了该好友` : `删除了企业微信好友（${who ?? a.userId}）`,
        });
      }
    }
    // adds from before attribution was recorded (or imported contacts): the contact row's own time
    for (const c of contacts) {
      if (!c.addedAt || adds.some((a) => Math.abs(a.addedAt.getTime() - c.addedAt!.getTime()) < SAME_ADD_MS)) continue;
      const who = c.followStaffId === null ? undefined : followStaff.get(c.followStaffId)?.displayName;
      out.push({ at: c.addedAt, kind: 'wecom_added', text: who ? `添加了企业微信好友（${who}）` : '添加了企业微信好友' });
    }
    return out;
  }
}
