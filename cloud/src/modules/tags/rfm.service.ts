/**
 * RFM tiers from the purchase projection: PurchaseRecorded events fill rfm_order (once per receipt,
 * member receipts only, refunds negative; every channel — till, mini-program, pre-order — arrives
 * through the one ledger, so each purchase counts exactly once); PurchasesVoided removes receipts.
 * The nightly job aggregates the window per (store, member) in SQL, scores each store against its
 * own quintiles (rfm.rules.ts), stores each member's tier (at the store where they spent most) and
 * pushes changes to the member's WeCom contacts with mark_tag (old tier removed, new tier added).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In } from 'typeorm';
import type { RfmThresholds } from '../../../../contracts/purchases';
import { Db, dbDate, iso } from '../../core/db';
import { OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import '../purchases/events';
import { bulkInsert, type BulkValue } from '../../core/bulk-insert';
import { WecomDirectory } from '../wecom';
import { dayKey } from '../../../../contracts/calendar';
import { MemberRfm, RfmOrder, RfmSettings, RfmStoreCuts } from './entities/rfm-order.entity';
import { DEFAULT_RFM_THRESHOLDS, RFM_TIERS, type RfmRow, type RfmTier, type Scored, scoreStore } from './rfm.rules';
import { TagSyncService } from './tag-sync.service';

const DAY = 86_400_000;
const MEMBER_RFM_COLUMNS = [
  'member_id',
  'tier',
  'store_id',
  'r_score',
  'f_score',
  'm_score',
  'recency_days',
  'frequency',
  'monetary_fen',
  'computed_at',
  'changed_at',
];

@Provide()
@Scope(ScopeEnum.Singleton)
export class RfmService {
  @Inject()
  db!: Db;

  @Inject()
  tagSync!: TagSyncService;

  @Inject()
  directory!: WecomDirectory;

  /** Set-based: one multi-row INSERT per batch; a receipt announced twice is skipped by its unique order id. */
  @OnEvent('PurchaseRecorded', { batch: true })
  async onPurchase(events: Array<DeliveredEvent<'PurchaseRecorded'>>, em: EntityManager): Promise<void> {
    const rows: BulkValue[][] = [];
    for (const { payload: p } of events) {
      if (!p || !Number.isInteger(p.receiptId) || !Number.isInteger(p.memberId)) continue; // unmatched receipts count for the store only
      rows.push([`r:${p.receiptId}`, p.memberId!, p.storeId, Math.round(p.totalFen), new Date(p.occurredAt)]);
    }
    if (rows.length)
      await bulkInsert(em, 'rfm_order', ['order_id', 'member_id', 'store_id', 'amount_fen', 'paid_at'], rows, { ignoreDuplicate: 'order_id', chunk: 500 });
  }

  @OnEvent('PurchasesVoided')
  async onVoided(event: DeliveredEvent<'PurchasesVoided'>, em: EntityManager): Promise<void> {
    const ids = event.payload.receiptIds ?? [];
    for (let i = 0; i < ids.length; i += 500) await em.delete(RfmOrder, { orderId: In(ids.slice(i, i + 500).map((id) => `r:${id}`)) });
  }

  async tierOf(memberId: number): Promise<RfmTier | null> {
    const r = await this.db.manager.findOne(MemberRfm, { where: { memberId } });
    return (r?.tier as RfmTier) ?? null;
  }

  async thresholds(): Promise<RfmThresholds> {
    const row = await this.db.manager.findOne(RfmSettings, { where: { id: 1 } });
    return row ? { ...DEFAULT_RFM_THRESHOLDS, ...row.thresholds } : { ...DEFAULT_RFM_THRESHOLDS };
  }

  async setThresholds(t: RfmThresholds): Promise<void> {
    await this.db.transaction(async (em) => {
      const done = await em.update(RfmSettings, { id: 1 }, { thresholds: t, updatedAt: new Date() });
      if (!done.affected) await em.insert(RfmSettings, { id: 1, thresholds: t, updatedAt: new Date() });
    });
  }

  async settingsView(storeIds: number[] | null) {
    const rows = await this.db.manager.find(RfmStoreCuts, { where: storeIds ? { storeId: In(storeIds) } : {}, order: { storeId: 'ASC' } });
    return {
      thresholds: await this.thresholds(),
      stores: rows.map((r) => ({ storeId: r.storeId, members: r.members, ...r.cuts, computedAt: iso(r.computedAt) })),
    };
  }

  /** Nightly: recompute every member with purchases in the window; returns how many changed tier. */
  async recompute(now: Date): Promise<{ members: number; changed: number }> {
    const t = await this.thresholds();
    const since = new Date(now.getTime() - t.windowDays * DAY);
    const raw: Array<{ storeId: number | null; memberId: number; f: string | number; m: string | number; last: Date | string; first: Date | string }> =
      await this.db.manager
        .createQueryBuilder(RfmOrder, 'o')
        .select('o.store_id', 'storeId')
        .addSelect('o.member_id', 'memberId')
        .addSelect('SUM(CASE WHEN o.amount_fen > 0 THEN 1 ELSE 0 END)', 'f')
        .addSelect('SUM(o.amount_fen)', 'm')
        .addSelect('MAX(o.paid_at)', 'last')
        .addSelect('MIN(o.paid_at)', 'first')
        .where('o.paid_at >= :since AND o.paid_at <= :now', { since, now })
        .groupBy('o.store_id')
        .addGroupBy('o.member_id')
        .getRawMany();
    const byStore = new Map<number, RfmRow[]>();
    for (const r of raw) {
      const storeId = Number(r.storeId ?? 0);
      (byStore.get(storeId) ?? byStore.set(storeId, []).get(storeId)!).push({
        memberId: Number(r.memberId),
        frequency: Number(r.f),
        monetaryFen: Number(r.m),
        recencyDays: Math.floor((now.getTime() - dbDate(r.last).getTime()) / DAY),
        firstDaysAgo: Math.floor((now.getTime() - dbDate(r.first).getTime()) / DAY),
      });
    }
    // score each store on its own, then keep each member's tier at the store where they spent most
    const best = new Map<number, Scored & { storeId: number }>();
    const cutsRows: BulkValue[][] = [];
    for (const [storeId, rows] of byStore) {
      const { cuts, scored } = scoreStore(rows, t);
      const tiers: Record<string, number> = Object.fromEntries(RFM_TIERS.map((x) => [x, 0]));
      for (const s of scored) {
        tiers[s.tier]++;
        const b = best.get(s.memberId);
        if (!b || s.monetaryFen > b.monetaryFen || (s.monetaryFen === b.monetaryFen && s.recencyDays < b.recencyDays)) best.set(s.memberId, { ...s, storeId });
      }
      if (storeId) cutsRows.push([storeId, rows.length, JSON.stringify({ ...cuts, tiers }), now]);
    }
    const current = new Map<number, string>();
    const ids = [...best.keys()];
    for (let i = 0; i < ids.length; i += 1000) {
      const part = await this.db.manager.find(MemberRfm, { where: { memberId: In(ids.slice(i, i + 1000)) }, select: { memberId: true, tier: true } });
      for (const r of part) current.set(r.memberId, r.tier);
    }
    let changed = 0;
    const all = [...best.values()];
    for (let i = 0; i < all.length; i += 1000) {
      const chunk = all.slice(i, i + 1000);
      const moves: Array<{ memberId: number; to: RfmTier }> = [];
      const rows: BulkValue[][] = chunk.map((s) => {
        const moved = current.get(s.memberId) !== s.tier;
        if (moved) moves.push({ memberId: s.memberId, to: s.tier });
        return [s.memberId, s.tier, s.storeId || null, s.r, s.f, s.m, s.recencyDays, s.frequency, s.monetaryFen, now, moved ? now : null];
      });
      await this.db.transaction(async (em) => {
        await this.upsertMemberRfm(em, rows);
        if (!moves.length) return;
        const contacts = await this.directory.contactsOfMembers(moves.map((m) => m.memberId));
        const move = new Map(moves.map((m) => [m.memberId, m]));
        const day = dayKey(now);
        for (const c of contacts) {
          const m = move.get(c.memberId)!;
          // remove every other tier (an earlier push may have been missed), add the current one
          await this.tagSync.tagContact(em, {
            userId: c.userId,
            externalUserId: c.externalUserId,
            add: [m.to],
            remove: RFM_TIERS.filter((x) => x !== m.to),
            source: 'rfm',
            key: `rfm:${c.memberId}:${m.to}:${day}`,
          });
        }
      });
      changed += moves.length;
    }
    if (cutsRows.length) {
      await this.db.transaction(async (em) => {
        await em.delete(RfmStoreCuts, { storeId: In(cutsRows.map((r) => r[0] as number)) });
        await bulkInsert(em, 'rfm_store_cuts', ['store_id', 'members', 'cuts', 'computed_at'], cutsRows);
      });
    }
    return { members: best.size, changed };
  }

  /** One statement per 1000 members; changed_at is kept when the tier did not move (null in the row). */
  private async upsertMemberRfm(em: EntityManager, rows: BulkValue[][]): Promise<void> {
    const mysql = this.db.kind === 'mysql';
    const q = (n: string) => (mysql ? `\`${n}\`` : `"${n}"`);
    const params: unknown[] = [];
    const fix = (v: BulkValue) => (v instanceof Date && !mysql ? v.toISOString().replace('T', ' ').replace('Z', '') : v);
    for (const r of rows) {
      const changedAt = r[10] ?? r[9];
      params.push(...r.slice(0, 10).map(fix), fix(changedAt));
    }
    const tuple = `(${MEMBER_RFM_COLUMNS.map(() => '?').join(',')})`;
    const values = rows.map(() => tuple).join(',');
    const keep = ['tier', 'store_id', 'r_score', 'f_score', 'm_score', 'recency_days', 'frequency', 'monetary_fen', 'computed_at'];
    const sql = mysql
      ? `INSERT INTO member_rfm (${MEMBER_RFM_COLUMNS.map(q).join(',')}) VALUES ${values} ON DUPLICATE KEY UPDATE ${q('changed_at')} = IF(${q('tier')} <> VALUES(${q('tier')}), VALUES(${q('changed_at')}), ${q('changed_at')}), ${keep.map((c) => `${q(c)} = VALUES(${q(c)})`).join(', ')}`
      : `INSERT INTO member_rfm (${MEMBER_RFM_COLUMNS.map(q).join(',')}) VALUES ${values} ON CONFLICT(member_id) DO UPDATE SET changed_at = CASE WHEN tier <> excluded.tier THEN excluded.changed_at ELSE changed_at END, ${keep.map((c) => `${q(c)} = excluded.${q(c)}`).join(', ')}`;
    await em.query(sql, params);
  }
}
