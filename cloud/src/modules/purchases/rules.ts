/**
 * Pure decisions of the ledger (unit-tested without a database): the idempotency key, the content
 * hash that tells a repeat from a changed copy, and the shape checks every source goes through.
 */
import { createHash } from 'crypto';
import { phoneDigest } from '../../core/pii';

export type ReceiptChannel = 'pos' | 'miniprogram' | 'preorder';

export interface LineDraft {
  sku: string | null;
  name: string;
  category: string | null;
  qty: number;
  unitPriceFen: number | null;
  amountFen: number;
}

/** A receipt from any source, before it is stored. */
export interface ReceiptDraft {
  channel: ReceiptChannel;
  storeId: number;
  receiptNo: string;
  till: string | null;
  occurredAt: Date;
  /** Known member (pre-orders); else resolved from memberCode. */
  memberId: number | null;
  memberCode: string | null;
  phoneDigest: string | null;
  totalFen: number;
  discountFen: number;
  /** The original receipt number, for a refund. */
  refundOfNo: string | null;
  couponCodes: string[];
  lines: LineDraft[];
}

/** Same channel + store + receipt number = the same receipt (a till's and a file's copies collide on purpose). */
export function naturalKey(d: Pick<ReceiptDraft, 'channel' | 'storeId' | 'receiptNo'>): string {
  return `${d.channel}:${d.storeId}:${d.receiptNo}`.slice(0, 120);
}

/** sha256 over what the source said, in a fixed order (member code excluded: it rotates between retries of a till). */
export function contentHash(d: ReceiptDraft): string {
  const canonical = [
    d.occurredAt.getTime(),
    d.till ?? '',
    d.totalFen,
    d.discountFen,
    d.refundOfNo ?? '',
    [...d.couponCodes].sort().join(','),
    d.phoneDigest ?? '',
    d.lines.map((l) => [l.sku ?? '', l.name, l.category ?? '', l.qty, l.unitPriceFen ?? '', l.amountFen].join('\u0001')).join('\u0002'),
  ];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** Why a draft cannot enter the ledger (Chinese, shown to ops in import errors), or null. */
export function draftProblem(d: ReceiptDraft, now: Date): string | null {
  if (!d.receiptNo) return '缺少小票号';
  if (!d.lines.length) return '小票没有商品明细';
  if (Number.isNaN(d.occurredAt.getTime())) return '交易时间无法识别';
  if (d.occurredAt.getTime() > now.getTime() + 10 * 60_000) return '交易时间晚于当前时间';
  if (d.occurredAt.getUTCFullYear() < 2000) return '交易时间过早';
  const sum = d.lines.reduce((s, l) => s + l.amountFen, 0);
  if (sum !== d.totalFen) return `小票合计 ${d.totalFen} 分与明细之和 ${sum} 分不一致`;
  if (d.refundOfNo && d.totalFen > 0) return '退货小票的金额应为负数';
  if (!d.refundOfNo && d.totalFen < 0) return '负数小票需要填写原小票号';
  if (d.discountFen < 0) return '优惠金额不能为负数';
  for (const l of d.lines) if (!Number.isFinite(l.qty)) return `商品「${l.name}」的数量无法识别`;
  return null;
}

export interface ReceiptInLike {
  receiptNo: string;
  till?: string | null;
  occurredAt: string;
  memberCode?: string | null;
  phone?: string | null;
  totalFen: number;
  discountFen?: number;
  refundOf?: string | null;
  couponCodes?: string[];
  lines: Array<{ sku?: string | null; name: string; category?: string | null; qty: number; unitPriceFen?: number | null; amountFen: number }>;
}

/** A validated POS receipt (contract ReceiptIn) as a draft of this store. */
export function draftFromPos(storeId: number, r: ReceiptInLike): ReceiptDraft {
  return {
    channel: 'pos',
    storeId,
    receiptNo: r.receiptNo,
    till: r.till ?? null,
    occurredAt: new Date(r.occurredAt),
    memberId: null,
    memberCode: r.memberCode || null,
    phoneDigest: r.phone ? phoneDigest(r.phone) : null,
    totalFen: r.totalFen,
    discountFen: r.discountFen ?? 0,
    refundOfNo: r.refundOf || null,
    couponCodes: r.couponCodes ?? [],
    lines: r.lines.map((l) => ({
      sku: l.sku || null,
      name: l.name,
      category: l.category || null,
      qty: l.qty,
      unitPriceFen: l.unitPriceFen ?? null,
      amountFen: l.amountFen,
    })),
  };
}

/** Yuan text from a file («12.5», «-3», «1,299.00», «¥8») to integer fen; null when it is not money. */
const PLAIN_AMOUNT = /^-?\d+(\.\d{1,2})?$/;

export function yuanToFen(raw: string | number | null | undefined): number | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number') return Number.isFinite(raw) ? Math.round(raw * 100) : null;
  // plain amounts (nearly every cell of a POS export) skip the clean-up replace
  const s = PLAIN_AMOUNT.test(raw) ? raw : raw.replace(/[¥￥,\s]/g, '');
  if (!/^-?\d+(\.\d{1,2})?$/.test(s)) return null;
  const neg = s.startsWith('-');
  const [int, frac = ''] = s.replace('-', '').split('.');
  const fen = Number(int) * 100 + Number((frac + '00').slice(0, 2));
  return neg ? -fen : fen;
}
