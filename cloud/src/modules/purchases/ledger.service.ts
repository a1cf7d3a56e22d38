/**
 * The one ledger: every source (POS push, file import, paid pre-orders) goes through `ingest`.
 *
 * A batch is written in one transaction: receipts with one multi-row INSERT that skips keys already
 * there (natural key = channel + store + receipt number), then a locking read of those keys tells
 * which rows this batch added (its random batch token) from repeats (same content hash: duplicate)
 * and changed copies (conflict: kept in receipt_conflict for ops, the stored receipt untouched).
 * Only added receipts get lines, coupon redemptions and a PurchaseRecorded event, so parallel
 * pushes of the same batch record each receipt exactly once.
 */
import { randomBytes } from 'crypto';
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In } from 'typeorm';
import { Db } from '../../core/db';
import { EventBus } from '../../core/events/event-bus';
import type { DomainEventMap } from '../../core/events/types';
import { CouponRedemption } from '../journeys/coupons.public';
import { bulkInsert, type BulkValue } from '../../core/bulk-insert';
import './events';
import { IdentityReads } from '../identity';
import { Receipt } from './entities/receipt.entity';
import { insertTuples, sqlTuple, sqlValue } from './sql-text';
import { contentHash, draftProblem, naturalKey, type ReceiptDraft } from './rules';

export type IngestStatus = 'added' | 'duplicate' | 'conflict' | 'rejected';
export interface IngestOutcome {
  receiptNo: string;
  status: IngestStatus;
  receiptId: number | null;
  memberCode: 'matched' | 'invalid' | 'none';
  coupons: Array<{ code: string; status: 'redeemed' | 'rejected'; reason: string | null }>;
  error: string | null;
}

const RECEIPT_COLUMNS = [
  'natural_key',
  'store_id',
  'channel',
  'till',
  'receipt_no',
  'occurred_at',
  'member_id',
  'phone_digest',
  'total_fen',
  'discount_fen',
  'refund_of',
  'coupon_codes',
  'content_hash',
  'import_id',
  'batch_token',
  'created_at',
];
const LINE_COLUMNS = ['receipt_id', 'sku', 'name', 'category', 'qty', 'unit_price_fen', 'amount_fen'];
const COUPON_REASONS: Record<string, string> = {
  COUPON_INVALID: '券码无效',
  COUPON_USED: '优惠券已使用',
  COUPON_EXPIRED: '优惠券已过期',
  COUPON_MIN_SPEND: '未达到使用门槛',
  COUPON_NOT_OWNER: '不是本会员的优惠券',
};

@Provide()
@Scope(ScopeEnum.Singleton)
export class LedgerService {
  @Inject()
  db!: Db;

  @Inject()
  bus!: EventBus;

  @Inject()
  coupons!: CouponRedemption;

  @Inject()
  identity!: IdentityReads;

  /** Store a batch (any size; written in chunks of 500). Results are in input order. */
  async ingest(drafts: ReceiptDraft[], opts: { importId?: number | null; now?: Date; hashes?: string[] } = {}): Promise<IngestOutcome[]> {
    const out: IngestOutcome[] = [];
    for (let i = 0; i < drafts.length; i += 500) {
      const part = drafts.slice(i, i + 500);
      const hashes = opts.hashes?.slice(i, i + 500);
      const byPhone = await this.phoneMatches(part);
      out.push(
        ...(await this.db.transaction((em) => this.ingestChunk(em, part, opts.importId ?? null, opts.now ?? new Date(), byPhone, hashes), { attempts: 5 })),
      );
    }
    return out;
  }

  /** Inside the caller's transaction (event handlers: pre-orders); at most 500 drafts. */
  async ingestIn(em: EntityManager, drafts: ReceiptDraft[], opts: { importId?: number | null; now?: Date } = {}): Promise<IngestOutcome[]> {
    return this.ingestChunk(em, drafts, opts.importId ?? null, opts.now ?? new Date(), new Map());
  }

  /** Members known by the phone digest a receipt carries (identity's public lookup, read before the write transaction). */
  private async phoneMatches(drafts: ReceiptDraft[]): Promise<Map<string, number>> {
    const digests = drafts.filter((d) => d.phoneDigest && !d.memberId).map((d) => d.phoneDigest!);
    return digests.length ? this.identity.membersByPhoneDigest(digests) : new Map();
  }

  private async ingestChunk(
    em: EntityManager,
    drafts: ReceiptDraft[],
    importId: number | null,
    now: Date,
    byPhone: Map<string, number>,
    /** contentHash of each draft when the caller has it already (the import reader hashes off the main thread) */
    knownHashes?: string[],
  ): Promise<IngestOutcome[]> {
    const mysql = this.db.kind === 'mysql';
    const token = randomBytes(12).toString('hex');
    const outcomes: IngestOutcome[] = drafts.map((d) => ({
      receiptNo: d.receiptNo,
      status: 'rejected',
      receiptId: null,
      memberCode: d.memberCode ? 'invalid' : 'none',
      coupons: [],
      error: null,
    }));
    const keys = drafts.map(naturalKey);
    const hashes = knownHashes?.length === drafts.length ? knownHashes : drafts.map(contentHash);

    // member codes valid now
    const codes = [...new Set(drafts.map((d) => d.memberCode).filter((c): c is string => !!c))];
    const codeMember = new Map<string, number>();
    if (codes.length) {
      const rows: Array<{ code: string; member_id: number }> = await em.query(
        `SELECT code, member_id FROM member_code WHERE code IN (${codes.map(() => '?').join(',')}) AND expires_at > ? AND issued_at <= ?`,
        [...codes, this.dbTime(now), this.dbTime(now)],
      );
      for (const r of rows) codeMember.set(r.code, Number(r.member_id));
    }
    // originals of refunds (same channel and store)
    const refundKeys = [...new Set(drafts.filter((d) => d.refundOfNo).map((d) => naturalKey({ ...d, receiptNo: d.refundOfNo! })))];
    const originals = new Map<string, { id: number; memberId: number | null }>();
    if (refundKeys.length) {
      for (const r of await em.find(Receipt, { where: { naturalKey: In(refundKeys) }, select: { id: true, naturalKey: true, memberId: true } }))
        originals.set(r.naturalKey, { id: r.id, memberId: r.memberId });
    }

    const rows: BulkValue[][] = [];
    const firstOf = new Map<string, number>();
    const memberOf: Array<number | null> = [];
    drafts.forEach((d, i) => {
      const problem = draftProblem(d, now);
      if (problem) {
        outcomes[i].error = problem;
        memberOf.push(null);
        return;
      }
      const original = d.refundOfNo ? originals.get(naturalKey({ ...d, receiptNo: d.refundOfNo })) : undefined;
      const fromCode = d.memberCode ? (codeMember.get(d.memberCode) ?? null) : null;
      if (fromCode) outcomes[i].memberCode = 'matched';
      const memberId = d.memberId ?? fromCode ?? original?.memberId ?? (d.phoneDigest ? byPhone.get(d.phoneDigest) : undefined) ?? null;
      memberOf.push(memberId);
      if (firstOf.has(keys[i])) return; // the same receipt twice in one batch: classified below against the first
      firstOf.set(keys[i], i);
      rows.push([
        keys[i],
        d.storeId,
        d.channel,
        d.till,
        d.receiptNo.slice(0, 64),
        d.occurredAt,
        memberId,
        d.phoneDigest,
        d.totalFen,
        d.discountFen,
        original?.id ?? null,
        d.couponCodes.join(',').slice(0, 200) || null,
        hashes[i],
        importId,
        token,
        now,
      ]);
    });
    if (!rows.length) return outcomes;
    if (mysql) await insertTuples(em, 'receipt', RECEIPT_COLUMNS, rows.map(sqlTuple), { ignoreKey: 'natural_key', chunk: 500 });
    else await bulkInsert(em, 'receipt', RECEIPT_COLUMNS, rows, { ignoreDuplicate: 'natural_key', chunk: 500 });

    // a locking read sees the latest committed rows (a parallel batch that inserted first), not an older snapshot
    const wanted = [...firstOf.keys()];
    const stored: Array<{ id: number; natural_key: string; content_hash: string; batch_token: string }> = mysql
      ? await em.query(`SELECT id, natural_key, content_hash, batch_token FROM receipt WHERE natural_key IN (${wanted.map(sqlValue).join(',')}) FOR UPDATE`)
      : await em.query(`SELECT id, natural_key, content_hash, batch_token FROM receipt WHERE natural_key IN (${wanted.map(() => '?').join(',')})`, wanted);
    const byKey = new Map(stored.map((s) => [s.natural_key, s]));
    const added: number[] = [];
    const conflicts: BulkValue[][] = [];
    drafts.forEach((d, i) => {
      if (outcomes[i].error) return;
      const s = byKey.get(keys[i]);
      if (!s) {
        outcomes[i].error = '写入失败，请重试';
        return;
      }
      outcomes[i].receiptId = Number(s.id);
      if (s.batch_token === token && firstOf.get(keys[i]) === i) {
        outcomes[i].status = 'added';
        added.push(i);
      } else if (s.content_hash === hashes[i]) {
        outcomes[i].status = 'duplicate';
      } else {
        outcomes[i].status = 'conflict';
        conflicts.push([
          d.storeId,
          d.receiptNo.slice(0, 64),
          Number(s.id),
          `${s.id}:${hashes[i]}`,
          importId,
          JSON.stringify({ ...d, memberCode: undefined }),
          now,
        ]);
      }
    });
    if (conflicts.length)
      await bulkInsert(em, 'receipt_conflict', ['store_id', 'receipt_no', 'receipt_id', 'conflict_key', 'import_id', 'incoming', 'seen_at'], conflicts, {
        ignoreDuplicate: 'conflict_key',
      });
    if (!added.length) return outcomes;

    const lines: BulkValue[][] = [];
    for (const i of added)
      for (const l of drafts[i].lines)
        lines.push([outcomes[i].receiptId, l.sku, l.name.slice(0, 80), l.category?.slice(0, 80) ?? null, l.qty, l.unitPriceFen, l.amountFen]);
    if (mysql) await insertTuples(em, 'receipt_line', LINE_COLUMNS, lines.map(sqlTuple), { chunk: 2500 });
    else await bulkInsert(em, 'receipt_line', LINE_COLUMNS, lines, { chunk: 1000 });

    const events: Array<DomainEventMap['PurchaseRecorded']> = [];
    const arrivals: Array<DomainEventMap['MemberArrived']> = [];
    for (const i of added) {
      const d = drafts[i];
      const receiptId = outcomes[i].receiptId!;
      const memberId = memberOf[i];
      const redeemed: string[] = [];
      for (const code of d.couponCodes) {
        const r = await this.coupons.redeem(em, code, { receiptId, memberId, grossFen: d.totalFen + d.discountFen, at: d.occurredAt });
        outcomes[i].coupons.push({ code, status: r.ok ? 'redeemed' : 'rejected', reason: r.ok ? null : (COUPON_REASONS[r.reason] ?? r.reason) });
        if (r.ok) redeemed.push(code);
      }
      const refundOf = d.refundOfNo ? (originals.get(naturalKey({ ...d, receiptNo: d.refundOfNo }))?.id ?? null) : null;
      events.push({
        receiptId,
        memberId,
        storeId: d.storeId,
        channel: d.channel,
        totalFen: d.totalFen,
        discountFen: d.discountFen,
        occurredAt: d.occurredAt.toISOString(),
        refundOf,
        items: d.lines.slice(0, 50).map((l) => ({ sku: l.sku, name: l.name, category: l.category, qty: l.qty, amountFen: l.amountFen })),
        couponCodes: redeemed,
      });
      if (outcomes[i].memberCode === 'matched' && memberId) arrivals.push({ memberId, storeId: d.storeId, via: 'member_code', at: d.occurredAt.toISOString() });
    }
    await this.bus.emitMany(em, 'PurchaseRecorded', events);
    if (arrivals.length) await this.bus.emitMany(em, 'MemberArrived', arrivals);
    return outcomes;
  }

  /** A Date as a raw-query parameter on either driver (SQLite stores UTC text). */
  dbTime(d: Date): Date | string {
    return this.db.kind === 'mysql' ? d : d.toISOString().replace('T', ' ').replace('Z', '');
  }
}
