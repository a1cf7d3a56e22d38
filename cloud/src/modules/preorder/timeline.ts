/**
 * The pre-order side of the member timeline (sidebar): orders placed, paid, picked up, refunded;
 * and the order facts the sidebar's next-best offers use (upcoming or missed pickups, an unpaid
 * order, a recent pickup to ask about).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In, MoreThan } from 'typeorm';
import { Db, dbDate } from '../../core/db';
import { MemberFacts, type MemberFactSet, MemberTimeline, type TimelineItem } from '../../core/timeline';
import { IdentityReads } from '../identity';
import { PreorderCampaign, PreorderOrder, PreorderSlot } from './entities/preorder.entity';

const DAY = 86_400_000;
/** Orders a member has in a window are few; this bounds the read. */
const FACT_ROWS = 20;

const itemsText = (o: PreorderOrder) => o.lines.map((l) => `${l.name}×${l.qty}`).join('、');

@Provide()
@Scope(ScopeEnum.Singleton)
export class PreorderTimeline {
  @Inject()
  db!: Db;

  @Inject()
  identity!: IdentityReads;

  @MemberTimeline('preorder')
  async timelineFor(memberId: number, limit: number): Promise<TimelineItem[]> {
    const rows = await this.db.manager.find(PreorderOrder, {
      where: { memberId, status: In(['paid', 'picked_up', 'refunding', 'refunded']) },
      order: { id: 'DESC' },
      take: limit,
    });
    const out: TimelineItem[] = [];
    for (const o of rows) {
      const what = o.lines.map((l) => `${l.name}×${l.qty}`).join('、');
      const yuan = (fen: number) => (fen / 100).toFixed(fen % 100 ? 2 : 0);
      if (o.paidAt) out.push({ at: dbDate(o.paidAt), kind: 'preorder_paid', text: `预订年夜饭并支付 ¥${yuan(o.totalFen)}：${what}` });
      if (o.pickedUpAt) out.push({ at: dbDate(o.pickedUpAt), kind: 'preorder_picked_up', text: `到店取货（已核销）：${what}` });
      if (o.refundedAt) out.push({ at: dbDate(o.refundedAt), kind: 'preorder_refunded', text: `取消预订，退款 ¥${yuan(o.refundFen)}` });
    }
    return out.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, limit);
  }

  /** The campaign on sale now, cached briefly (the same for every member's sidebar). */
  private openCache: { value: MemberFactSet['openCampaign']; until: number } | null = null;

  private async openCampaign(now: Date): Promise<MemberFactSet['openCampaign']> {
    if (this.openCache && this.openCache.until > Date.now()) return this.openCache.value;
    const open = await this.db.manager.find(PreorderCampaign, {
      where: { status: 'published', saleEndsAt: MoreThan(now) },
      order: { saleStartsAt: 'ASC', id: 'ASC' },
      take: 10,
    });
    const c = open.find((x) => dbDate(x.saleStartsAt) <= now);
    const value = c ? { name: c.name, saleEndsAt: dbDate(c.saleEndsAt) } : null;
    this.openCache = { value, until: Date.now() + 30_000 };
    return value;
  }

  @MemberFacts('preorder')
  async factsFor(memberId: number, now: Date): Promise<Partial<MemberFactSet>> {
    // recent orders only (placed in the last 60 days): pickups lie within weeks of ordering
    const rows = await this.db.manager.find(PreorderOrder, {
      where: { memberId, createdAt: MoreThan(new Date(now.getTime() - 60 * DAY)), status: In(['pending_payment', 'paid', 'picked_up']) },
      order: { id: 'DESC' },
      take: FACT_ROWS,
    });
    const openCampaign = await this.openCampaign(now);
    if (!rows.length) return { pickups: [], unpaidOrder: null, pickedUpOrder: null, openCampaign };
    const [campaigns, slots] = await Promise.all([
      this.db.manager.find(PreorderCampaign, { where: { id: In([...new Set(rows.map((o) => o.campaignId))]) }, select: { id: true, name: true } }),
      this.db.manager.find(PreorderSlot, { where: { id: In([...new Set(rows.map((o) => o.slotId))]) } }),
    ]);
    const campaignName = new Map(campaigns.map((c) => [c.id, c.name]));
    const slotOf = new Map(slots.map((s) => [s.id, s]));
    const stores = await this.identity.storeNames(rows.map((o) => o.storeId));
    const pickups: MemberFactSet['pickups'] = [];
    for (const o of rows) {
      const slot = slotOf.get(o.slotId);
      if (o.status !== 'paid' || !slot) continue;
      if (dbDate(slot.endsAt).getTime() < now.getTime() - 2 * DAY) continue; // long missed: ops' no-show list, not a chat
      pickups.push({
        campaign: campaignName.get(o.campaignId) ?? '预订',
        items: itemsText(o),
        storeName: stores.get(o.storeId) ?? null,
        slotStartsAt: dbDate(slot.startsAt),
        slotEndsAt: dbDate(slot.endsAt),
      });
    }
    pickups.sort((a, b) => a.slotStartsAt.getTime() - b.slotStartsAt.getTime());
    const unpaid = rows.find((o) => o.status === 'pending_payment' && dbDate(o.expiresAt) > now);
    const picked = rows.find((o) => o.status === 'picked_up' && o.pickedUpAt && now.getTime() - dbDate(o.pickedUpAt).getTime() <= 7 * DAY);
    return {
      pickups,
      unpaidOrder: unpaid
        ? { campaign: campaignName.get(unpaid.campaignId) ?? '预订', items: itemsText(unpaid), totalFen: unpaid.totalFen, expiresAt: dbDate(unpaid.expiresAt) }
        : null,
      pickedUpOrder: picked
        ? { campaign: campaignName.get(picked.campaignId) ?? '预订', items: itemsText(picked), pickedUpAt: dbDate(picked.pickedUpAt!) }
        : null,
      openCampaign,
      activeAt: rows
        .flatMap((o) => [o.createdAt, o.paidAt, o.pickedUpAt])
        .filter((d): d is Date => !!d)
        .map((d) => dbDate(d)),
    };
  }
}
