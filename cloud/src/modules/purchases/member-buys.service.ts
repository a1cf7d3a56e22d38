/**
 * The purchases ledger's public read of what one member bought lately (every channel: till,
 * mini-program, pre-orders), netted by product so refunded items drop out. Other modules read the
 * ledger through this, never its tables (the pre-order menu's 「为你推荐」 uses it).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In, MoreThan } from 'typeorm';
import { Db } from '../../core/db';
import { Receipt, ReceiptLine } from './entities/receipt.entity';

export interface MemberBuy {
  sku: string | null;
  name: string;
  category: string | null;
  /** Net of refunds. */
  qty: number;
  amountFen: number;
  lastAt: Date;
}

const DAY = 86_400_000;
/** Enough receipts for a household's months of shopping, bounded per request. */
const RECEIPT_ROWS = 200;

@Provide()
@Scope(ScopeEnum.Singleton)
export class MemberBuysService {
  @Inject()
  db!: Db;

  /** Products the member bought in the last `days` (net of refunds > 0), most spent first. */
  async recentBuys(memberId: number, days: number, now = new Date()): Promise<MemberBuy[]> {
    const receipts = await this.db.manager.find(Receipt, {
      where: { memberId, occurredAt: MoreThan(new Date(now.getTime() - days * DAY)) },
      select: { id: true, occurredAt: true, totalFen: true, refundOf: true },
      order: { occurredAt: 'DESC', id: 'DESC' },
      take: RECEIPT_ROWS,
    });
    if (!receipts.length) return [];
    // a receipt refunded in full is as if never bought (pre-order refunds carry no per-item lines)
    const refunded = new Map<number, number>();
    for (const r of receipts) if (r.refundOf && r.totalFen < 0) refunded.set(r.refundOf, (refunded.get(r.refundOf) ?? 0) - r.totalFen);
    const fullyRefunded = new Set(receipts.filter((r) => r.totalFen > 0 && (refunded.get(r.id) ?? 0) >= r.totalFen).map((r) => r.id));
    const kept = receipts.filter((r) => !fullyRefunded.has(r.id) && !(r.refundOf && fullyRefunded.has(r.refundOf)));
    if (!kept.length) return [];
    const at = new Map(kept.map((r) => [r.id, r.occurredAt]));
    const lines = await this.db.manager.find(ReceiptLine, { where: { receiptId: In(kept.map((r) => r.id)) } });
    const byProduct = new Map<string, MemberBuy>();
    for (const l of lines) {
      const key = l.sku ?? `name:${l.name}`;
      const when = at.get(l.receiptId)!;
      const b = byProduct.get(key);
      if (!b) byProduct.set(key, { sku: l.sku, name: l.name, category: l.category, qty: l.qty, amountFen: l.amountFen, lastAt: when });
      else {
        b.qty += l.qty;
        b.amountFen += l.amountFen;
        if (when > b.lastAt) b.lastAt = when;
        b.category ??= l.category;
      }
    }
    return [...byProduct.values()].filter((b) => b.amountFen > 0).sort((a, b) => b.amountFen - a.amountFen || b.lastAt.getTime() - a.lastAt.getTime());
  }
}
