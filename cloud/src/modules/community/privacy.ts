/**
 * The member's community data: 「我的数据」 section (panel membership, sign-ups and reviews) and
 * erasure on account deletion (participation facts and panel rows go; review answers stay in the
 * round's report without the person).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager } from 'typeorm';
import { Db, iso } from '../../core/db';
import { OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import { PrivacyExport } from '../../core/privacy';
import { PanelMember, PanelSignup } from './entities/panel.entity';
import { Participation } from './entities/participation.entity';

@Provide()
@Scope(ScopeEnum.Singleton)
export class CommunityPrivacy {
  @Inject()
  db!: Db;

  @PrivacyExport('advisoryPanel')
  async exportFor(memberId: number): Promise<Array<Record<string, unknown>>> {
    const member = await this.db.manager.findOne(PanelMember, { where: { memberId } });
    const signups = await this.db.manager.find(PanelSignup, { where: { memberId }, order: { id: 'ASC' } });
    const out: Array<Record<string, unknown>> = [];
    if (member) out.push({ kind: 'panel_member', invitedAt: iso(member.invitedAt), moderator: member.moderator });
    for (const s of signups) out.push({ kind: 'panel_signup', roundId: s.roundId, status: s.status, review: s.answers ?? null, reviewedAt: iso(s.reviewedAt) });
    return out;
  }

  @OnEvent('MemberDeleted')
  async memberDeleted(e: DeliveredEvent<'MemberDeleted'>, em: EntityManager): Promise<void> {
    const memberId = e.payload.memberId;
    await em.delete(Participation, { memberId });
    await em.delete(PanelMember, { memberId });
    // keep the answers for the round's figures, no longer tied to the person
    // (a negative id per row keeps the round's unique key)
    await em
      .createQueryBuilder()
      .update(PanelSignup)
      .set({ memberId: () => '0 - id' })
      .where('member_id = :memberId', { memberId })
      .execute();
  }
}
