/** WeCom contacts: the member link (by unionid) and what the privacy export shows about them. */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, IsNull } from 'typeorm';
import { Db } from '../../core/db';
import { OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import { WecomContact } from './wecom-contact.entity';

@Provide()
@Scope(ScopeEnum.Singleton)
export class WecomContactService {
  @Inject()
  db!: Db;

  /** A new member with a unionid: link the contacts our staff already have for that person. */
  @OnEvent('MemberRegistered')
  async linkRegisteredMember(event: DeliveredEvent<'MemberRegistered'>, em: EntityManager): Promise<void> {
    const { memberId, unionid } = event.payload;
    if (!unionid) return;
    await em.update(WecomContact, { unionid, memberId: IsNull() }, { memberId });
  }

  /** Part of account deletion (runs in the deletion's transaction). */
  async unlinkMember(em: EntityManager, memberId: number): Promise<number> {
    const res = await em.update(WecomContact, { memberId }, { memberId: null });
    return res.affected ?? 0;
  }

  async listForMember(memberId: number, em: EntityManager = this.db.manager): Promise<WecomContact[]> {
    return em.find(WecomContact, { where: { memberId }, relations: { followStaff: true }, order: { id: 'ASC' } });
  }

  async findByExternalId(externalUserId: string): Promise<WecomContact | null> {
    return this.db.manager.findOne(WecomContact, { where: { externalUserId }, relations: { followStaff: true } });
  }
}
