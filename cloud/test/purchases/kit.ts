/** Helpers for the purchases tests: signed POS pushes, receipts, a member with a session. */
import { randomBytes } from 'crypto';
import { posSignature } from '../../src/modules/purchases/pos-auth';
import type { TestApp } from '../helpers/app';

export const DAY = 86_400_000;

export interface PosKeyCreds {
  keyId: string;
  secret: string;
}

let seq = 0;

/** A receipt body as a till sends it (lines add up to the total). */
export function receipt(
  o: Partial<{
    receiptNo: string;
    memberCode: string | null;
    at: Date;
    lines: Array<{ name: string; category?: string; amountFen: number; qty?: number; sku?: string }>;
    couponCodes: string[];
    refundOf: string;
    discountFen: number;
    till: string;
  }> = {},
) {
  const lines = (o.lines ?? [{ name: '和牛肥牛卷', category: '肉禽/牛肉', amountFen: 5990 }]).map((l) => ({
    sku: l.sku ?? null,
    name: l.name,
    category: l.category ?? null,
    qty: l.qty ?? 1,
    unitPriceFen: l.amountFen,
    amountFen: l.amountFen,
  }));
  return {
    receiptNo: o.receiptNo ?? `T1-${Date.now()}-${++seq}`,
    till: o.till ?? 'T1',
    occurredAt: (o.at ?? new Date()).toISOString(),
    memberCode: o.memberCode ?? null,
    totalFen: lines.reduce((s, l) => s + l.amountFen, 0),
    discountFen: o.discountFen ?? 0,
    refundOf: o.refundOf ?? null,
    couponCodes: o.couponCodes ?? [],
    lines,
  };
}

/** POST a signed batch; `tamper` lets a test forge or replay. */
export async function push(t: TestApp, key: PosKeyCreds, body: unknown, o: { timestamp?: number; nonce?: string; secret?: string } = {}) {
  const raw = JSON.stringify(body);
  const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = o.nonce ?? randomBytes(12).toString('hex');
  const signature = posSignature(o.secret ?? key.secret, timestamp, nonce, raw);
  const res = await t
    .http()
    .post('/api/pos/receipts')
    .set('content-type', 'application/json')
    .set('x-pos-key', key.keyId)
    .set('x-pos-timestamp', timestamp)
    .set('x-pos-nonce', nonce)
    .set('x-pos-signature', signature)
    .send(raw);
  return { status: res.status, body: res.body, nonce, timestamp };
}
