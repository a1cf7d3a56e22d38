/**
 * Everything around the ledger that is not ingestion: member codes, POS keys and signed pushes,
 * the member's 「我的消费」, the ops lists (receipts, conflicts, matching), 新品到店, and the
 * preorder → ledger bridge (OrderPaid / OrderRefunded).
 */
import { randomBytes, randomInt } from 'crypto';
import { Init, Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In, IsNull, LessThan } from 'typeorm';
import { ReceiptIn } from '../../../../contracts/purchases';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso, isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import { ChainLimits } from '../../core/limits';
import { OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import '../identity/events';
import '../preorder/events';
import { IdentityReads } from '../identity';
import { LedgerService, type IngestOutcome } from './ledger.service';
import { posSecret, posSignature, signatureMatches } from './pos-auth';
import { stringList } from '../../core/json-column';
import { MemberCode, NewArrival, PosKey, PosNonce, Receipt, ReceiptConflict, ReceiptLine } from './entities/receipt.entity';
import { draftFromPos, naturalKey, type ReceiptDraft } from './rules';
import { loadPurchasesConfig, type PurchasesConfig } from './settings';

/** Member codes one member may be issued a minute, chain-wide (the page asks once a minute, plus reopenings). */
export const MEMBER_CODES_PER_MINUTE = 20;

const MAX_SKEW_S = 300;

/** Which store a staff member may act on: HQ any (or all when none given), others only their own. */
export function storeScope(staff: StaffPrincipal, storeId?: number | null): number | null {
  if (staff.role === 'hq_admin') return storeId ?? null;
  if (!staff.storeId) throw new AppError('FORBIDDEN');
  if (storeId && storeId !== staff.storeId) throw new AppError('FORBIDDEN');
  return staff.storeId;
}

export function splitCodes(s: string | null): string[] {
  return s ? s.split(',').filter(Boolean) : [];
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class PurchasesService {
  @Inject()
  db!: Db;

  @Inject()
  ledger!: LedgerService;

  @Inject()
  identity!: IdentityReads;

  /** POS pushes per key and member codes per member hold chain-wide (core/limits: Redis or the database; in memory on embedded SQLite). */
  @Inject()
  limits!: ChainLimits;

  config!: PurchasesConfig;

  @Init()
  init(): void {
    this.config = loadPurchasesConfig();
  }

  // ------------------------------------------------------------ member code

  async issueMemberCode(memberId: number, now = new Date()): Promise<{ code: string; expiresAt: string; rotateSeconds: number }> {
    // the page rotates the code once a minute; a member asking far more often (on any instance) is a script
    if (!(await this.limits.hit(`member-code:${memberId}`, MEMBER_CODES_PER_MINUTE, 60_000)).allowed) throw new AppError('RATE_LIMITED');
    const expiresAt = new Date(now.getTime() + this.config.MEMBER_CODE_VALID_SECONDS * 1000);
    for (let attempt = 0; ; attempt++) {
      // 66 + 16 random digits: numeric for a Code 128 barcode every till scanner reads
      const code = `66${String(randomInt(0, 1e8)).padStart(8, '0')}${String(randomInt(0, 1e8)).padStart(8, '0')}`;
      try {
        await this.db.transaction((em) => em.insert(MemberCode, { code, memberId, issuedAt: now, expiresAt }));
        return { code, expiresAt: expiresAt.toISOString(), rotateSeconds: 60 };
      } catch (err) {
        if (!isUniqueViolation(err) || attempt > 3) throw err;
      }
    }
  }

  /** Codes long expired are of no use (the job prunes them). */
  async pruneCodes(now: Date): Promise<void> {
    await this.db.transaction(async (em) => {
      await em.delete(MemberCode, { expiresAt: LessThan(new Date(now.getTime() - 86_400_000)) });
      await em.delete(PosNonce, { seenAt: LessThan(new Date(now.getTime() - 2 * MAX_SKEW_S * 1000)) });
    });
  }

  // ------------------------------------------------------------ POS keys and push

  async listKeys(staff: StaffPrincipal) {
    const storeId = storeScope(staff);
    const rows = await this.db.manager.find(PosKey, { where: storeId ? { storeId } : {}, order: { id: 'DESC' } });
    return { items: rows.map(keyView) };
  }

  async createKey(staff: StaffPrincipal, body: { storeId: number; name: string }) {
    const storeId = storeScope(staff, body.storeId)!;
    if (!(await this.identity.storeExists(storeId))) throw new AppError('NOT_FOUND', '门店不存在');
    const keyId = `pk_${randomBytes(12).toString('hex')}`;
    const row = await this.db.transaction(async (em) => {
      await em.insert(PosKey, { keyId, storeId, name: body.name, createdAt: new Date(), revokedAt: null });
      return em.findOneOrFail(PosKey, { where: { keyId } });
    });
    return { ...keyView(row), secret: posSecret(this.config.POS_KEY_SECRET, keyId) };
  }

  async revokeKey(staff: StaffPrincipal, id: number) {
    const row = await this.db.manager.findOne(PosKey, { where: { id } });
    if (!row) throw new AppError('NOT_FOUND');
    storeScope(staff, row.storeId);
    if (!row.revokedAt) await this.db.transaction((em) => em.update(PosKey, { id, revokedAt: IsNull() }, { revokedAt: new Date() }));
    return keyView(await this.db.manager.findOneOrFail(PosKey, { where: { id } }));
  }

  /** Check a signed request; answers the key's store. The nonce is spent even if the batch later fails validation. */
  async verifyPos(headers: Record<string, string | string[] | undefined>, rawBody: string, now = new Date()): Promise<{ storeId: number; keyId: string }> {
    const h = (name: string) => {
      const v = headers[name];
      return (Array.isArray(v) ? v[0] : v) ?? '';
    };
    const keyId = h('x-pos-key');
    const timestamp = h('x-pos-timestamp');
    const nonce = h('x-pos-nonce');
    const signature = h('x-pos-signature');
    if (!/^pk_[0-9a-f]{24}$/.test(keyId) || !/^\d{9,11}$/.test(timestamp) || !/^[A-Za-z0-9_-]{16,64}$/.test(nonce) || !/^[0-9a-fA-F]{64}$/.test(signature)) {
      throw new AppError('POS_SIGNATURE_INVALID');
    }
    const key = await this.db.manager.findOne(PosKey, { where: { keyId } });
    if (!key || key.revokedAt) throw new AppError('POS_SIGNATURE_INVALID');
    if (!signatureMatches(posSignature(posSecret(this.config.POS_KEY_SECRET, keyId), timestamp, nonce, rawBody), signature))
      throw new AppError('POS_SIGNATURE_INVALID');
    if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > MAX_SKEW_S) throw new AppError('POS_STALE');
    try {
      await this.db.transaction((em) => em.insert(PosNonce, { nonceKey: `${keyId}:${nonce}`, seenAt: now }));
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('POS_REPLAYED');
      throw err;
    }
    if (!(await this.limits.hit(`pos:key:${keyId}`, this.config.POS_PUSH_PER_MIN, 60_000)).allowed) throw new AppError('RATE_LIMITED');
    return { storeId: key.storeId, keyId };
  }

  /** A verified batch: each receipt validated on its own (a bad one is rejected, the others stored). */
  async push(storeId: number, receipts: unknown[]) {
    const drafts: Array<ReceiptDraft | null> = [];
    const errors: Array<string | null> = [];
    for (const r of receipts) {
      const parsed = ReceiptIn.safeParse(r);
      if (parsed.success) {
        drafts.push(draftFromPos(storeId, parsed.data));
        errors.push(null);
      } else {
        drafts.push(null);
        errors.push(
          parsed.error.issues
            .map((i) => `${i.path.join('.')}: ${i.message}`)
            .join('; ')
            .slice(0, 300),
        );
      }
    }
    const good = drafts.filter((d): d is ReceiptDraft => !!d);
    const stored = await this.ledger.ingest(good);
    let k = 0;
    const results: IngestOutcome[] = drafts.map((d, i) =>
      d
        ? stored[k++]
        : {
            receiptNo: String((receipts[i] as { receiptNo?: unknown })?.receiptNo ?? ''),
            status: 'rejected',
            receiptId: null,
            memberCode: 'none',
            coupons: [],
            error: errors[i],
          },
    );
    const count = (s: string) => results.filter((r) => r.status === s).length;
    return { added: count('added'), duplicates: count('duplicate'), conflicts: count('conflict'), rejected: count('rejected'), results };
  }

  // ------------------------------------------------------------ reading the ledger

  async views(rows: Receipt[]) {
    if (!rows.length) return [];
    const lines = await this.db.manager.find(ReceiptLine, { where: { receiptId: In(rows.map((r) => r.id)) }, order: { id: 'ASC' } });
    const byReceipt = new Map<number, ReceiptLine[]>();
    for (const l of lines) (byReceipt.get(l.receiptId) ?? byReceipt.set(l.receiptId, []).get(l.receiptId)!).push(l);
    const stores = await this.identity.storeNames(rows.map((r) => r.storeId));
    return rows.map((r) => ({
      id: r.id,
      storeId: r.storeId,
      storeName: stores.get(r.storeId) ?? null,
      channel: r.channel,
      till: r.till,
      receiptNo: r.receiptNo,
      occurredAt: iso(r.occurredAt),
      memberId: r.memberId,
      totalFen: r.totalFen,
      discountFen: r.discountFen,
      refundOf: r.refundOf,
      couponCodes: splitCodes(r.couponCodes),
      lines: (byReceipt.get(r.id) ?? []).map((l) => ({
        sku: l.sku,
        name: l.name,
        category: l.category,
        qty: Number(l.qty),
        unitPriceFen: l.unitPriceFen,
        amountFen: l.amountFen,
      })),
    }));
  }

  async myPurchases(memberId: number, q: { page: number; pageSize: number }) {
    const [rows, total] = await this.db.manager.findAndCount(Receipt, {
      where: { memberId },
      order: { occurredAt: 'DESC', id: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items: await this.views(rows), total, page: q.page, pageSize: q.pageSize };
  }

  async adminReceipts(
    staff: StaffPrincipal,
    q: { page: number; pageSize: number; storeId?: number; memberId?: number; unmatched?: '1' | '0'; importId?: number },
  ) {
    const storeId = storeScope(staff, q.storeId);
    const where: Record<string, unknown> = {};
    if (storeId) where.storeId = storeId;
    if (q.memberId) where.memberId = q.memberId;
    if (q.unmatched === '1') where.memberId = IsNull();
    if (q.importId) where.importId = q.importId;
    const [rows, total] = await this.db.manager.findAndCount(Receipt, {
      where,
      order: { occurredAt: 'DESC', id: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items: await this.views(rows), total, page: q.page, pageSize: q.pageSize };
  }

  async conflicts(staff: StaffPrincipal, q: { page: number; pageSize: number; storeId?: number }) {
    const storeId = storeScope(staff, q.storeId);
    const [rows, total] = await this.db.manager.findAndCount(ReceiptConflict, {
      where: storeId ? { storeId } : {},
      order: { id: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return {
      items: rows.map((c) => ({
        id: c.id,
        storeId: c.storeId,
        receiptNo: c.receiptNo,
        receiptId: c.receiptId,
        importId: c.importId,
        incoming: c.incoming,
        seenAt: iso(c.seenAt),
      })),
      total,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  /** Ops matching of an unmatched receipt (the member said it was theirs, e.g. by the phone they gave). */
  async match(staff: StaffPrincipal, receiptId: number, memberId: number) {
    const r = await this.db.manager.findOne(Receipt, { where: { id: receiptId } });
    if (!r) throw new AppError('NOT_FOUND');
    storeScope(staff, r.storeId);
    if (!(await this.identity.memberActive(memberId))) throw new AppError('NOT_FOUND', '会员不存在');
    await this.db.transaction(async (em) => {
      const done = await em.update(Receipt, { id: receiptId, memberId: IsNull() }, { memberId });
      if (!done.affected) throw new AppError('RECEIPT_ALREADY_MATCHED');
      await this.announceMatched(em, [receiptId]);
    });
    return (await this.views([await this.db.manager.findOneOrFail(Receipt, { where: { id: receiptId } })]))[0];
  }

  /**
   * Receipts that arrived before their member registered (the till took a phone number, stored
   * only as its digest) are matched when identity announces the member: through identity's public
   * lookup, only when the digest names this one active member.
   */
  @OnEvent('MemberRegistered', { batch: true })
  async onMemberRegistered(events: Array<DeliveredEvent<'MemberRegistered'>>, em: EntityManager): Promise<void> {
    // set-based for a crowd registering at once: one read of their digests, one of the receipts waiting for them
    const ids = events.map((e) => e.payload?.memberId).filter((id): id is number => Number.isInteger(id));
    if (!ids.length) return;
    const digests = await this.identity.phoneDigestsOf(ids);
    const pairs = ids.filter((id) => digests.has(id)).map((memberId) => ({ memberId, digest: digests.get(memberId)! }));
    await this.matchByPhones(em, pairs);
  }

  /** A wx.login member bound a phone number (identity's getPhoneNumber flow): the same matching, for that number. */
  @OnEvent('MemberPhoneBound')
  async onMemberPhoneBound(event: DeliveredEvent<'MemberPhoneBound'>, em: EntityManager): Promise<void> {
    const memberId = event.payload?.memberId;
    if (!Number.isInteger(memberId)) return;
    const digest = await this.identity.phoneDigestOf(memberId);
    if (digest) await this.matchByPhone(em, memberId, digest);
  }

  /** Attach the unmatched receipts carrying this digest (and their refunds) to the member; answers how many. */
  async matchByPhone(em: EntityManager, memberId: number, digest: string): Promise<number> {
    return this.matchByPhones(em, [{ memberId, digest }]);
  }

  /**
   * Attach the unmatched receipts carrying these digests (and their refunds) to their members and
   * announce each; answers how many. Only where the digest names that one active member. In the
   * pairs' order, as one by one: each member takes its receipts by id, then their refunds; a receipt
   * already taken stays with the first. A few statements whatever the number (chunks of 500).
   */
  async matchByPhones(em: EntityManager, pairs: Array<{ memberId: number; digest: string }>): Promise<number> {
    const digests = [...new Set(pairs.map((p) => p.digest))];
    const receipts: Receipt[] = [];
    for (let i = 0; i < digests.length; i += 500)
      receipts.push(
        ...(await em.find(Receipt, {
          where: { phoneDigest: In(digests.slice(i, i + 500)), memberId: IsNull() },
          select: { id: true, phoneDigest: true },
          order: { id: 'ASC' },
        })),
      );
    if (!receipts.length) return 0;
    const owners = await this.identity.membersByPhoneDigest(receipts.map((r) => r.phoneDigest!));
    const refunds: Receipt[] = [];
    for (let i = 0; i < receipts.length; i += 500)
      refunds.push(
        ...(await em.find(Receipt, {
          where: { refundOf: In(receipts.slice(i, i + 500).map((r) => r.id)), memberId: IsNull() },
          select: { id: true, refundOf: true },
          order: { id: 'ASC' },
        })),
      );
    const memberOf = new Map<number, number>(); // receipt id -> member, in the order they are announced
    for (const { memberId, digest } of pairs) {
      if (owners.get(digest) !== memberId) continue;
      const own = new Set<number>();
      for (const r of receipts)
        if (r.phoneDigest === digest && !memberOf.has(r.id)) {
          own.add(r.id);
          memberOf.set(r.id, memberId);
        }
      for (const f of refunds) if (own.has(f.refundOf!) && !memberOf.has(f.id)) memberOf.set(f.id, memberId);
    }
    const ids = [...memberOf.keys()];
    for (let i = 0; i < ids.length; i += 200) {
      const part = ids.slice(i, i + 200);
      const params: Record<string, number | number[]> = { ids: part };
      part.forEach((id, k) => Object.assign(params, { [`r${k}`]: id, [`m${k}`]: memberOf.get(id)! }));
      const done = await em
        .createQueryBuilder()
        .update(Receipt)
        .set({ memberId: () => `CASE id ${part.map((_, k) => `WHEN :r${k} THEN :m${k}`).join(' ')} END` })
        .where('id IN (:...ids) AND member_id IS NULL')
        .setParameters(params)
        .execute();
      // matched meanwhile by someone else (the reads may be a snapshot): roll back; the outbox redelivers one event at a time
      if (done.affected !== undefined && done.affected !== part.length)
        throw new Error(`purchases: ${part.length - done.affected} receipt(s) matched concurrently`);
    }
    await this.announceMatched(em, ids);
    return ids.length;
  }

  /** Receipts that gained their member later count for that member from now on (PurchaseRecorded with the member, in this order). */
  private async announceMatched(em: EntityManager, receiptIds: number[]): Promise<void> {
    const rows = new Map<number, Receipt>();
    const lines = new Map<number, ReceiptLine[]>();
    for (let i = 0; i < receiptIds.length; i += 500) {
      const part = receiptIds.slice(i, i + 500);
      for (const r of await em.find(Receipt, { where: { id: In(part) } })) rows.set(r.id, r);
      for (const l of await em.find(ReceiptLine, { where: { receiptId: In(part) }, order: { id: 'ASC' } })) {
        const list = lines.get(l.receiptId) ?? [];
        list.push(l);
        lines.set(l.receiptId, list);
      }
    }
    await this.ledger.bus.emitMany(
      em,
      'PurchaseRecorded',
      receiptIds.map((id) => {
        const r = rows.get(id)!;
        return {
          receiptId: r.id,
          memberId: r.memberId,
          storeId: r.storeId,
          channel: r.channel,
          totalFen: r.totalFen,
          discountFen: r.discountFen,
          occurredAt: r.occurredAt.toISOString(),
          refundOf: r.refundOf,
          items: (lines.get(id) ?? [])
            .slice(0, 50)
            .map((l) => ({ sku: l.sku, name: l.name, category: l.category, qty: Number(l.qty), amountFen: l.amountFen })),
          couponCodes: [],
        };
      }),
    );
  }

  // ------------------------------------------------------------ coupons verified by a clerk (sidebar)

  /** Redeem a coupon against a stored receipt (by id, or by 小票号 at the clerk's store); exactly once. */
  async redeemAtTill(staff: StaffPrincipal, body: { code: string; receiptId?: number; receiptNo?: string }) {
    let r: Receipt | null = null;
    if (body.receiptId) r = await this.db.manager.findOne(Receipt, { where: { id: body.receiptId } });
    else if (body.receiptNo) {
      const storeId = storeScope(staff);
      // a store's clerk: by the natural key (indexed); HQ without a store: by the number, when only one store has it
      const found = await this.db.manager.find(Receipt, {
        where: storeId ? { naturalKey: naturalKey({ channel: 'pos', storeId, receiptNo: body.receiptNo }) } : { receiptNo: body.receiptNo, channel: 'pos' },
        take: 2,
      });
      if (found.length > 1) throw new AppError('VALIDATION_FAILED', '多家门店有相同的小票号，请在门店账号下核销');
      r = found[0] ?? null;
    } else throw new AppError('VALIDATION_FAILED', '请填写小票号');
    if (!r || r.totalFen <= 0) throw new AppError('NOT_FOUND', '小票不存在');
    storeScope(staff, r.storeId);
    const receipt = r;
    const outcome = await this.db.transaction(async (em) => {
      const o = await this.ledger.coupons.redeem(em, body.code, {
        receiptId: receipt.id,
        memberId: receipt.memberId,
        grossFen: receipt.totalFen + receipt.discountFen,
        at: new Date(),
      });
      if (o.ok) {
        const codes = [...splitCodes(receipt.couponCodes), body.code.trim().toUpperCase()].join(',').slice(0, 200);
        await em.update(Receipt, { id: receipt.id }, { couponCodes: codes });
      }
      return o;
    });
    if (!outcome.ok) throw new AppError(outcome.reason);
    return { ok: true as const, title: outcome.title, amountFen: outcome.amountFen, receiptNo: receipt.receiptNo };
  }

  // ------------------------------------------------------------ 新品到店

  async listArrivals(staff: StaffPrincipal) {
    const storeId = storeScope(staff);
    const rows = await this.db.manager.find(NewArrival, { order: { id: 'DESC' }, take: 200 });
    return { items: rows.filter((a) => !storeId || a.storeId === null || a.storeId === storeId).map(arrivalView) };
  }

  async createArrival(
    staff: StaffPrincipal,
    body: { storeId: number | null; title: string; category: string; relatedCategories: string[]; note: string; until: string | null },
  ) {
    const storeId = staff.role === 'hq_admin' ? body.storeId : storeScope(staff, body.storeId);
    const id = await this.db.transaction(async (em) => {
      const r = await em.insert(NewArrival, {
        storeId,
        title: body.title,
        category: body.category,
        relatedCategories: body.relatedCategories,
        note: body.note,
        until: body.until ? new Date(body.until) : null,
        createdAt: new Date(),
      });
      return Number(r.identifiers[0].id);
    });
    return arrivalView(await this.db.manager.findOneOrFail(NewArrival, { where: { id } }));
  }

  async deleteArrival(staff: StaffPrincipal, id: number) {
    const a = await this.db.manager.findOne(NewArrival, { where: { id } });
    if (!a) throw new AppError('NOT_FOUND');
    if (a.storeId === null ? staff.role !== 'hq_admin' : storeScope(staff, a.storeId) === null && staff.role !== 'hq_admin') throw new AppError('FORBIDDEN');
    await this.db.transaction((em) => em.delete(NewArrival, { id }));
    return { ok: true as const };
  }

  /** Arrivals still current for these stores (and chain-wide ones). */
  async currentArrivals(
    storeIds: number[],
    now: Date,
  ): Promise<Array<{ title: string; category: string; relatedCategories: string[]; storeId: number | null }>> {
    const rows = await this.db.manager.find(NewArrival, { order: { id: 'DESC' }, take: 100 });
    return rows
      .filter((a) => (a.storeId === null || storeIds.includes(a.storeId)) && (!a.until || a.until > now))
      .map((a) => ({ title: a.title, category: a.category, relatedCategories: stringList(a.relatedCategories), storeId: a.storeId }));
  }

  // ------------------------------------------------------------ pre-orders land in the ledger

  @OnEvent('OrderPaid')
  async onOrderPaid(event: DeliveredEvent<'OrderPaid'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    if (!p || typeof p.orderId !== 'string' || !Number.isInteger(p.memberId)) return;
    const storeId = p.storeId ?? (await this.homeStore(p.memberId));
    if (!storeId) return; // nowhere to book it; cannot happen for store pick-up orders
    const items = p.items?.length ? p.items : [{ name: '预订订单', qty: 1 }];
    const lines = items.map((i) => ({
      sku: i.sku ?? null,
      name: String(i.name).slice(0, 80),
      category: i.category ?? null,
      qty: Number(i.qty) || 1,
      unitPriceFen: i.unitPriceFen ?? null,
      amountFen: i.amountFen ?? 0,
    }));
    const sum = lines.reduce((s, l) => s + l.amountFen, 0);
    // lines without amounts (or not adding up): the paid amount is what counts, put on the first line
    if (sum !== p.amountFen) {
      lines.forEach((l) => (l.amountFen = 0));
      lines[0].amountFen = p.amountFen;
    }
    await this.ledger.ingestIn(em, [
      {
        channel: 'preorder',
        storeId,
        receiptNo: p.orderId,
        till: null,
        occurredAt: new Date(p.paidAt),
        memberId: p.memberId,
        memberCode: null,
        phoneDigest: null,
        totalFen: p.amountFen,
        discountFen: p.discountFen ?? 0,
        refundOfNo: null,
        couponCodes: [],
        lines,
      },
    ]);
  }

  @OnEvent('OrderRefunded')
  async onOrderRefunded(event: DeliveredEvent<'OrderRefunded'>, em: EntityManager): Promise<void> {
    const p = event.payload;
    if (!p || typeof p.orderId !== 'string' || !Number.isInteger(p.memberId)) return;
    const storeId = p.storeId ?? (await this.homeStore(p.memberId));
    if (!storeId) return;
    const fen = -Math.abs(Math.round(p.amountFen));
    await this.ledger.ingestIn(em, [
      {
        channel: 'preorder',
        storeId,
        receiptNo: `${p.orderId}/refund/${p.refundId}`.slice(0, 64),
        till: null,
        occurredAt: new Date(p.refundedAt),
        memberId: p.memberId,
        memberCode: null,
        phoneDigest: null,
        totalFen: fen,
        discountFen: 0,
        refundOfNo: p.orderId,
        couponCodes: [],
        lines: [{ sku: null, name: '预订退款', category: null, qty: -1, unitPriceFen: null, amountFen: fen }],
      },
    ]);
  }

  private async homeStore(memberId: number): Promise<number | null> {
    const [m] = await this.identity.members.findActiveWithRelations([memberId]);
    return m?.storeId ?? null;
  }
}

function keyView(k: PosKey) {
  return { id: k.id, storeId: k.storeId, keyId: k.keyId, name: k.name, createdAt: iso(k.createdAt), revokedAt: iso(k.revokedAt) };
}

function arrivalView(a: NewArrival) {
  return {
    id: a.id,
    storeId: a.storeId,
    title: a.title,
    category: a.category,
    relatedCategories: stringList(a.relatedCategories),
    note: a.note,
    until: iso(a.until),
    createdAt: iso(a.createdAt),
  };
}
