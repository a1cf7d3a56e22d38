/**
 * No-shows: paid orders whose pickup slot ended without pickup, and the one-tap reminder through
 * the member's clerk (a WeCom add_msg_template through the wecom outbox, once per order by its
 * idempotency key; the clerk confirms it in WeCom).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';

import type { Order as OrderView } from '../../../../contracts/preorder';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, dbDate } from '../../core/db';
import { AppError } from '../../core/errors';
import { WecomDirectory, OutboundKick, enqueueOutbound, outboundKeysTaken } from '../wecom';
import { OrderService } from './order.service';
import { PreorderOrder, PreorderSlot } from './entities/preorder.entity';
import { formatMonthDayTime } from '../../../../contracts/calendar';

const idemKey = (orderNo: string) => `preorder-noshow:${orderNo}`;

/** 「2月5日 10:00」 in Beijing time. */
function when(d: Date): string {
  return formatMonthDayTime(d);
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class NoShowService {
  @Inject()
  db!: Db;

  @Inject()
  orders!: OrderService;

  @Inject()
  directory!: WecomDirectory;

  @Inject()
  kick!: OutboundKick;

  async list(staff: StaffPrincipal, f: { campaignId?: number; storeId?: number }, now = new Date()): Promise<Array<OrderView & { reminded: boolean }>> {
    const qb = this.db.manager
      .createQueryBuilder(PreorderOrder, 'o')
      .innerJoin(PreorderSlot, 's', 's.id = o.slot_id')
      .where("o.status = 'paid' AND s.ends_at < :now", { now })
      .orderBy('o.id', 'DESC')
      .limit(500);
    if (f.campaignId) qb.andWhere('o.campaign_id = :c', { c: f.campaignId });
    if (f.storeId) qb.andWhere('o.store_id = :s', { s: f.storeId });
    if (staff.role !== 'hq_admin') qb.andWhere('o.store_id = :own', { own: staff.storeId ?? -1 });
    const rows = await qb.getMany();
    const views = await this.orders.views(rows, now);
    const keys = rows.map((r) => idemKey(r.orderNo));
    const sent = await outboundKeysTaken(this.db.manager, keys);
    return views.map((v) => ({ ...v, reminded: sent.has(idemKey(v.orderNo)) }));
  }

  async remind(staff: StaffPrincipal, orderId: number, now = new Date()): Promise<{ queued: boolean; reason: 'queued' | 'already_reminded' | 'no_clerk' }> {
    const order = await this.db.manager.findOne(PreorderOrder, { where: { id: orderId } });
    if (!order || (staff.role !== 'hq_admin' && staff.storeId !== order.storeId)) throw new AppError('NOT_FOUND');
    const slot = await this.db.manager.findOne(PreorderSlot, { where: { id: order.slotId } });
    if (order.status !== 'paid' || !slot || dbDate(slot.endsAt) >= now) throw new AppError('PREORDER_NOT_CANCELLABLE', '只能提醒已过取货时段、尚未取货的订单');
    const [contact] = await this.directory.contactsOfMembers([order.memberId]);
    if (!contact) return { queued: false, reason: 'no_clerk' };
    const [view] = await this.orders.views([order], now);
    const text = `您好，您预订的${view.lines.map((l) => `「${l.name}」×${l.qty}`).join('、')}已在${view.storeName ?? '门店'}备好（原取货时间${when(dbDate(slot.startsAt))}），还没有取走。请凭取货码 ${order.pickupCode} 尽快到店取货，如需改时间请回复我。`;
    const created = await this.db.transaction(async (em) => {
      const r = await enqueueOutbound(em, {
        idemKey: idemKey(order.orderNo),
        kind: 'msg_template',
        payload: { sender: contact.userId, externalUserIds: [contact.externalUserId], text, attachments: [] },
        ref: 'preorder-noshow',
      });
      if (r.created) this.db.afterCommit(em, () => this.kick.kick());
      return r.created;
    });
    return created ? { queued: true, reason: 'queued' } : { queued: false, reason: 'already_reminded' };
  }
}
