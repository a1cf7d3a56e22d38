/**
 * Pure decisions of the pre-order domain (unit-tested without a database).
 */
import type { OrderStatusValue } from './preorder.entity';

export interface RecommendInput {
  items: Array<{ id: number; kind: string; theme: string; servings: number | null; sold: number; onSale: boolean; stockLeft: number }>;
  household: { size: number; hasChildren: boolean };
  /** Kinds and themes the member pre-ordered before (most recent first). */
  history: Array<{ kind: string; theme: string }>;
  limit?: number;
}

/**
 * 「为你推荐」: a household with children or 4+ people sees the big family packages (servings ≥ 4,
 * 「四世同堂」) first; then what matches the member's earlier orders (theme, then kind); then by
 * sales. Sold-out and off-sale items are left out.
 */
export function recommend(input: RecommendInput): { itemIds: number[]; reason: string } {
  const family = input.household.hasChildren || input.household.size >= 4;
  const themes = new Set(input.history.map((h) => h.theme));
  const kinds = new Set(input.history.map((h) => h.kind));
  const score = (i: RecommendInput['items'][number]) => {
    let s = 0;
    if (family && i.kind === 'package' && (i.servings ?? 0) >= 4) s += 1000;
    if (themes.has(i.theme)) s += 100;
    if (kinds.has(i.kind)) s += 10;
    return s;
  };
  const ranked = input.items
    .filter((i) => i.onSale && i.stockLeft > 0)
    .map((i) => ({ i, s: score(i) }))
    .sort((a, b) => b.s - a.s || b.i.sold - a.i.sold || a.i.id - b.i.id)
    .slice(0, input.limit ?? 4);
  const reason = family ? '为全家团圆推荐' : input.history.length ? '根据你以往的预订推荐' : '大家都在订';
  return { itemIds: ranked.map((r) => r.i.id), reason };
}

/** Cancel (unpaid) or cancel-and-refund (paid) only before the campaign's cutoff. */
export function canCancel(status: OrderStatusValue, cancelCutoffAt: Date, now: Date): boolean {
  return (status === 'pending_payment' || status === 'paid') && now.getTime() < cancelCutoffAt.getTime();
}

/** Typed 6 digits, or the scanned QR text (hubnye:123456). */
export function parsePickupCode(text: string): string | null {
  const t = text.trim().replace(/^hubnye:/, '');
  return /^\d{6}$/.test(t) ? t : null;
}

/** Merge repeated items of a cart and check the quantities. */
export function mergeLines(lines: Array<{ itemId: number; qty: number }>): Array<{ itemId: number; qty: number }> {
  const m = new Map<number, number>();
  for (const l of lines) m.set(l.itemId, (m.get(l.itemId) ?? 0) + l.qty);
  return [...m.entries()].sort((a, b) => a[0] - b[0]).map(([itemId, qty]) => ({ itemId, qty }));
}

/** The Asia/Shanghai calendar day of an instant. */
export function shanghaiDay(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** A Beijing wall-clock time on a day, as a UTC instant. */
export function beijingTime(day: string, hm: string): Date {
  return new Date(`${day}T${hm}:00+08:00`);
}
