/** The pre-order side of the member timeline (sidebar): orders placed, paid, picked up, refunded. */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import { Db, dbDate } from '../../core/db';
import { MemberTimeline, type TimelineItem } from '../../core/timeline';
import { PreorderOrder, type StoredLine } from './preorder.entity';

@Provide()
@Scope(ScopeEnum.Singleton)
export class PreorderTimeline {
  @Inject()
  db!: Db;

  @MemberTimeline('preorder')
  async timelineFor(memberId: number, limit: number): Promise<TimelineItem[]> {
    const rows = await this.db.manager.find(PreorderOrder, { where: { memberId, status: In(['paid', 'picked_up', 'refunding', 'refunded']) }, order: { id: 'DESC' }, take: limit });
    const out: TimelineItem[] = [];
    for (const o of rows) {
      const what = (JSON.parse(o.lines) as StoredLine[]).map((l) => `${l.name}×${l.qty}`).join('、');
      const yuan = (fen: number) => (fen / 100).toFixed(fen % 100 ? 2 : 0);
      if (o.paidAt) out.push({ at: dbDate(o.paidAt), kind: 'preorder_paid', text: `预订年夜饭并支付 ¥${yuan(o.totalFen)}：${what}` });
      if (o.pickedUpAt) out.push({ at: dbDate(o.pickedUpAt), kind: 'preorder_picked_up', text: `到店取货（已核销）：${what}` });
      if (o.refundedAt) out.push({ at: dbDate(o.refundedAt), kind: 'preorder_refunded', text: `取消预订，退款 ¥${yuan(o.refundFen)}` });
    }
    return out.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, limit);
  }
}
