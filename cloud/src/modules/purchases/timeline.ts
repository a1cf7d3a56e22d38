/**
 * What the ledger tells other surfaces about a member: sidebar timeline entries (purchases with the
 * items), the facts behind the purchase-based suggestions (categories bought lately, 新品到店 in
 * their stores), the 「我的数据」 section, and erasure (receipts stay for accounting, anonymised).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In, MoreThan } from 'typeorm';
import { Db } from '../../core/db';
import { OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import { PrivacyExport } from '../../core/privacy';
import { MemberFacts, type MemberFactSet, MemberTimeline, type TimelineItem } from '../../core/timeline';
import { CHANNEL_LABELS } from '../../../../contracts/purchases';
import { MemberCode, Receipt, ReceiptLine } from './entities/receipt.entity';
import { PurchasesService } from './purchases.service';

const DAY = 86_400_000;
export const RECENT_PURCHASE_DAYS = 14;
const yuan = (fen: number) => (fen / 100).toFixed(2).replace(/\.00$/, '');

@Provide()
@Scope(ScopeEnum.Singleton)
export class PurchasesTimeline {
  @Inject()
  db!: Db;

  @Inject()
  purchases!: PurchasesService;

  @MemberTimeline('purchases')
  async timeline(memberId: number, limit: number): Promise<TimelineItem[]> {
    const rows = await this.db.manager.find(Receipt, { where: { memberId }, order: { occurredAt: 'DESC', id: 'DESC' }, take: limit });
    if (!rows.length) return [];
    const lines = await this.db.manager.find(ReceiptLine, { where: { receiptId: In(rows.map((r) => r.id)) }, order: { id: 'ASC' } });
    const names = new Map<number, string[]>();
    for (const l of lines) (names.get(l.receiptId) ?? names.set(l.receiptId, []).get(l.receiptId)!).push(l.name);
    const stores = await this.purchases.identity.storeNames(rows.map((r) => r.storeId));
    return rows.map((r) => {
      const items = names.get(r.id) ?? [];
      const what = items.slice(0, 3).join('、') + (items.length > 3 ? ` 等${items.length}件` : '');
      const where = `${stores.get(r.storeId) ?? ''}${CHANNEL_LABELS[r.channel] ?? ''}`;
      return r.totalFen < 0
        ? { at: r.occurredAt, kind: 'purchase_refund', text: `退款 ¥${yuan(-r.totalFen)}（${where}）：${what}` }
        : { at: r.occurredAt, kind: 'purchase', text: `消费 ¥${yuan(r.totalFen)}（${where}）：${what}` };
    });
  }

  @MemberFacts('purchases')
  async facts(memberId: number, now: Date): Promise<Partial<MemberFactSet>> {
    const since = new Date(now.getTime() - RECENT_PURCHASE_DAYS * DAY);
    const rows = await this.db.manager.find(Receipt, { where: { memberId, occurredAt: MoreThan(since) }, order: { occurredAt: 'DESC' }, take: 30 });
    const last = await this.db.manager.findOne(Receipt, { where: { memberId }, order: { occurredAt: 'DESC' } });
    const positive = rows.filter((r) => r.totalFen > 0);
    const lines = positive.length ? await this.db.manager.find(ReceiptLine, { where: { receiptId: In(positive.map((r) => r.id)) } }) : [];
    const at = new Map(positive.map((r) => [r.id, r.occurredAt]));
    const recentPurchases = lines
      .filter((l) => l.category && l.amountFen > 0)
      .map((l) => ({ name: l.name, category: l.category!, at: at.get(l.receiptId)! }))
      .sort((a, b) => b.at.getTime() - a.at.getTime());
    const storeIds = [...new Set(rows.map((r) => r.storeId))];
    const newArrivals = recentPurchases.length ? await this.purchases.currentArrivals(storeIds, now) : [];
    return { recentPurchases, newArrivals, lastPurchaseAt: last?.occurredAt ?? null, activeAt: last ? [last.occurredAt] : [] };
  }

  @PrivacyExport('purchases')
  async exportFor(memberId: number): Promise<Array<Record<string, unknown>>> {
    const rows = await this.db.manager.find(Receipt, { where: { memberId }, order: { occurredAt: 'ASC', id: 'ASC' } });
    const views = await this.purchases.views(rows);
    return views.map((v) => ({
      store: v.storeName,
      channel: CHANNEL_LABELS[v.channel],
      receiptNo: v.receiptNo,
      occurredAt: v.occurredAt,
      totalFen: v.totalFen,
      discountFen: v.discountFen,
      coupons: v.couponCodes,
      items: v.lines.map((l) => ({ name: l.name, qty: l.qty, amountFen: l.amountFen })),
    }));
  }

  /** Erasure: receipts stay for the store's accounts, no longer tied to a person; member codes go. */
  @OnEvent('MemberDeleted')
  async onMemberDeleted(event: DeliveredEvent<'MemberDeleted'>, em: EntityManager): Promise<void> {
    const { memberId } = event.payload;
    await em.update(Receipt, { memberId }, { memberId: null, phoneDigest: null });
    await em.delete(MemberCode, { memberId });
  }
}
