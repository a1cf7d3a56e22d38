/**
 * The member's pre-orders in 「我的数据」, and erasure on account deletion: orders stay for
 * accounting and the payment reconciliation, no longer tied to the person (a negative id per row);
 * the per-member purchase counters go.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager } from 'typeorm';
import { Db, iso } from '../../core/db';
import { OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import { PrivacyExport } from '../../core/privacy';
import { PreorderMemberItem, PreorderOrder } from './entities/preorder.entity';

@Provide()
@Scope(ScopeEnum.Singleton)
export class PreorderPrivacy {
  @Inject()
  db!: Db;

  @PrivacyExport('preorders')
  async exportFor(memberId: number): Promise<Array<Record<string, unknown>>> {
    const orders = await this.db.manager.find(PreorderOrder, { where: { memberId }, order: { id: 'ASC' } });
    return orders.map((o) => ({
      orderNo: o.orderNo,
      status: o.status,
      totalFen: o.totalFen,
      items: o.lines.map((l) => `${l.name}×${l.qty}`),
      createdAt: iso(o.createdAt),
      paidAt: iso(o.paidAt),
      pickedUpAt: iso(o.pickedUpAt),
      refundFen: o.refundFen,
    }));
  }

  @OnEvent('MemberDeleted')
  async memberDeleted(e: DeliveredEvent<'MemberDeleted'>, em: EntityManager): Promise<void> {
    const memberId = e.payload.memberId;
    await em.delete(PreorderMemberItem, { memberId });
    await em
      .createQueryBuilder()
      .update(PreorderOrder)
      .set({ memberId: () => '0 - id' })
      .where('member_id = :memberId', { memberId })
      .execute();
  }
}
