/**
 * Pure decisions of the pre-order domain (unit-tested without a database).
 */
import type { OrderStatusValue } from './entities/preorder.entity';
import { atLocalTime, dayKey } from '../../../../contracts/calendar';

export interface RecommendInput {
  /** `text`: what the item is made of, searched for what the member buys (name, contents, description). */
  items: Array<{ id: number; kind: string; theme: string; servings: number | null; sold: number; onSale: boolean; stockLeft: number; text?: string }>;
  household: { size: number; hasChildren: boolean };
  /** Kinds and themes the member pre-ordered before (the ledger's pre-order lines, most recent first). */
  history: Array<{ kind: string; theme: string }>;
  /** What the member bought at the till / in the mini-program lately (the purchases ledger, most spent first). */
  bought?: Array<{ name: string; category: string | null }>;
  limit?: number;
}

/**
 * Words an item's text is searched for, from what the member bought: every segment of the category
 * (「水产/鱼」 → 水产, 鱼) and the product name itself (「大闸蟹」). Generic ones are left out.
 */
export function boughtWords(bought: NonNullable<RecommendInput['bought']>): string[] {
  const words: string[] = [];
  const add = (w: string) => {
    const t = w.trim();
    if (t && !GENERIC_WORDS.has(t) && !words.includes(t)) words.push(t);
  };
  for (const b of bought) {
    for (const seg of (b.category ?? '').split('/')) add(seg);
    if (b.name.trim().length >= 2) add(b.name);
  }
  return words;
}

/** Category words that say nothing about a dish (and the pre-order kinds the ledger books them under). */
const GENERIC_WORDS = new Set(['其他', '其它', '日用', '日用品', '百货', '饮料', '零食', '预订订单', '预订退款', '料理包', '大师级成品', '主题套餐']);

/**
 * 「为你推荐」: a household with children or 4+ people sees the big family packages (servings ≥ 4,
 * 「四世同堂」) first; then what matches the member's earlier pre-orders (theme, then kind) and what
 * they buy in store (an item whose name, contents or description mention a category or product they
 * bought); then by sales. Sold-out and off-sale items are left out.
 */
export function recommend(input: RecommendInput): { itemIds: number[]; reason: string } {
  const family = input.household.hasChildren || input.household.size >= 4;
  const themes = new Set(input.history.map((h) => h.theme));
  const kinds = new Set(input.history.map((h) => h.kind));
  const words = boughtWords(input.bought ?? []);
  const matchOf = (i: RecommendInput['items'][number]) => words.find((w) => (i.text ?? '').includes(w)) ?? null;
  const score = (i: RecommendInput['items'][number]) => {
    let s = 0;
    if (family && i.kind === 'package' && (i.servings ?? 0) >= 4) s += 1000;
    if (themes.has(i.theme)) s += 100;
    if (matchOf(i)) s += 50;
    if (kinds.has(i.kind)) s += 10;
    return s;
  };
  const ranked = input.items
    .filter((i) => i.onSale && i.stockLeft > 0)
    .map((i) => ({ i, s: score(i) }))
    .sort((a, b) => b.s - a.s || b.i.sold - a.i.sold || a.i.id - b.i.id)
    .slice(0, input.limit ?? 4);
  const matched = ranked.map((r) => matchOf(r.i)).find((w) => w !== null);
  const reason = family
    ? '为全家团圆推荐'
    : input.history.length && ranked.some((r) => themes.has(r.i.theme) || kinds.has(r.i.kind))
      ? '根据你以往的预订推荐'
      : matched
        ? `你常买「${matched}」，相关的菜先给你看`
        : '大家都在订';
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
export const shanghaiDay: (d: Date) => string = dayKey;

/** A Beijing wall-clock time on a day, as a UTC instant. */
export const beijingTime: (day: string, hm: string) => Date = atLocalTime;
