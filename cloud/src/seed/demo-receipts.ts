/**
 * A year of demo till receipts for the demo store (deterministic: the same seed and day give the
 * same receipts). One shopper per household; baskets by household type (young family, elderly
 * couple, young couple, single), a shopping rhythm per household (heavy, regular, occasional,
 * lapsed months ago, new this month) so RFM tiers show real variety, a weekly rhythm (weekends
 * busier), the New Year peak (年货 in the three weeks before 春节) and walk-ins without a member.
 * Pure: the seed hands the drafts to the ledger (LedgerService.ingest), the one path every source takes.
 */
import type { ReceiptDraft } from '../modules/purchases/rules';
import { mulberry32 } from './demo-data';
import { dayKey, dayStart, dayStartOfKey, shanghaiParts } from '../../../contracts/calendar';

const DAY = 86_400_000;
/** 春节 (Spring Festival) dates, UTC midnight of the Shanghai day: the peak is the 21 days before. */
const SPRING_FESTIVALS = ['2025-01-29', '2026-02-17', '2027-02-06', '2028-01-26'].map((d) => dayStartOfKey(d).getTime());

type Item = [sku: string, name: string, category: string, fen: number];
const BASE: Item[] = [
  ['690201', '有机菠菜', '蔬菜', 890],
  ['690202', '本地小青菜', '蔬菜', 450],
  ['690203', '西红柿', '蔬菜', 680],
  ['690204', '嫩豆腐', '豆制品', 350],
  ['690205', '五常大米 5kg', '粮油', 6990],
  ['690206', '压榨花生油', '粮油', 8990],
  ['690207', '土鸡蛋 30枚', '蛋品', 3280],
  ['690208', '鲜猪肉末', '肉禽/猪肉', 1890],
  ['690209', '赣南脐橙', '水果', 1590],
  ['690210', '香蕉', '水果', 690],
  ['690211', '老抽', '调味', 1290],
  ['690212', '全麦面包', '烘焙', 1290],
];
const BY_TYPE: Record<string, Item[]> = {
  family: [
    ['690301', '鲜牛奶 950ml', '乳品', 1590],
    ['690302', '儿童酸奶', '乳品', 1290],
    ['690303', '草莓', '水果', 3990],
    ['690304', '手工水饺', '冷冻', 2590],
    ['690305', '海苔零食', '零食', 990],
    ['690306', '鸡翅中', '肉禽/鸡肉', 3290],
  ],
  elderly: [
    ['690401', '小米', '粮油', 1290],
    ['690402', '山药', '蔬菜', 890],
    ['690403', '鲫鱼', '水产', 2290],
    ['690404', '红枣', '干货', 1990],
    ['690405', '芝麻糊', '冲调', 1590],
  ],
  couple: [
    ['690501', '澳洲和牛M5', '肉禽/牛肉', 16800],
    ['690502', '三文鱼刺身', '水产', 8900],
    ['690503', '进口牛油果', '水果', 2990],
    ['690504', '精酿啤酒', '酒水/啤酒', 1890],
    ['690505', '有机羽衣甘蓝', '蔬菜', 1590],
    ['690506', '意大利面', '进口食品', 1990],
  ],
  single: [
    ['690601', '速冻馄饨', '冷冻', 1690],
    ['690602', '即食鸡胸肉', '肉禽/鸡肉', 1290],
    ['690603', '挂面', '粮油', 690],
    ['690604', '冰咖啡', '饮料', 890],
    ['690605', '便当', '熟食', 2190],
  ],
};
const NEW_YEAR: Item[] = [
  ['690701', '坚果礼盒', '年货', 12800],
  ['690702', '广式腊肠', '年货', 5980],
  ['690703', '绍兴黄酒', '酒水/黄酒', 3880],
  ['690704', '智利车厘子 2kg', '水果', 19800],
  ['690705', '大黄鱼', '水产', 8800],
  ['690706', '春联福字', '年货', 1990],
];

/** Visits a week by rhythm (kept modest: the outbox delivers every receipt to five projections at start); `lapsed` stopped 70–220 days ago, `new` started within 35 days. */
const RHYTHMS: Array<{ key: string; share: number; perWeek: number }> = [
  { key: 'heavy', share: 0.15, perWeek: 1.2 },
  { key: 'regular', share: 0.35, perWeek: 0.5 },
  { key: 'occasional', share: 0.3, perWeek: 0.2 },
  { key: 'lapsed', share: 0.14, perWeek: 0.5 },
  { key: 'new', share: 0.06, perWeek: 1 },
];

export interface DemoShopper {
  memberId: number;
  /** People in the household (1–4). */
  size: number;
  /** Has a child (子女) in the household. */
  kids: boolean;
  /** Has a parent (父母) generation member. */
  elders: boolean;
}

export function demoReceipts(storeId: number, shoppers: DemoShopper[], now: Date, seed = 20261205): ReceiptDraft[] {
  const rnd = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  // whole days back from the Shanghai day before `now`
  const today = dayStart(now).getTime();
  const out: ReceiptDraft[] = [];
  let n = 0;
  const basket = (items: Item[], count: number) => {
    const chosen = new Map<string, { item: Item; qty: number }>();
    for (let i = 0; i < count; i++) {
      const it = pick(items);
      const c = chosen.get(it[0]);
      if (c) c.qty++;
      else chosen.set(it[0], { item: it, qty: 1 });
    }
    return [...chosen.values()].map(({ item: [sku, name, category, fen], qty }) => ({ sku, name, category, qty, unitPriceFen: fen, amountFen: fen * qty }));
  };
  const receipt = (day: number, memberId: number | null, lines: ReturnType<typeof basket>) => {
    // open 07:00–22:00 local, busiest around 09:00 and 18:00
    const hour = rnd() < 0.5 ? 8 + Math.floor(rnd() * 4) : 16 + Math.floor(rnd() * 4);
    const at = new Date(day + hour * 3600_000 + Math.floor(rnd() * 3600) * 1000);
    const gross = lines.reduce((s, l) => s + l.amountFen, 0);
    // 满100减10 now and then: on the receipt as a discount, the lines stay as rung up
    const top = lines.reduce((best, l, i) => (l.amountFen > lines[best].amountFen ? i : best), 0);
    const discountFen = gross >= 10000 && lines[top].amountFen >= 2000 && rnd() < 0.2 ? 1000 : 0;
    if (discountFen) lines[top] = { ...lines[top], amountFen: lines[top].amountFen - discountFen };
    const local = dayKey(at).replace(/-/g, '');
    out.push({
      channel: 'pos',
      storeId,
      receiptNo: `D${local}-${String(++n).padStart(5, '0')}`,
      till: `T${1 + Math.floor(rnd() * 3)}`,
      occurredAt: at,
      memberId,
      memberCode: null,
      phoneDigest: null,
      totalFen: gross - discountFen,
      discountFen,
      refundOfNo: null,
      couponCodes: [],
      lines,
    });
  };
  const peak = (day: number) => SPRING_FESTIVALS.some((f) => day < f && day >= f - 21 * DAY);
  const weekday = (day: number) => shanghaiParts(day).weekday;
  const rhythmFactor = (day: number) => ([0, 6].includes(weekday(day)) ? 1.6 : weekday(day) === 5 ? 1.2 : 0.8) * (peak(day) ? 2 : 1);

  for (const s of shoppers) {
    let r = rnd();
    const rhythm = RHYTHMS.find((x) => (r -= x.share) < 0) ?? RHYTHMS[1];
    const type = s.kids ? 'family' : s.elders || (s.size >= 2 && rnd() < 0.3) ? 'elderly' : s.size >= 2 ? 'couple' : 'single';
    const items = [...BASE, ...BY_TYPE[type], ...BY_TYPE[type]];
    const first = rhythm.key === 'new' ? 5 + Math.floor(rnd() * 30) : 365;
    const last = rhythm.key === 'lapsed' ? 70 + Math.floor(rnd() * 150) : 1;
    for (let ago = first; ago >= last; ago--) {
      const day = today - ago * DAY;
      if (rnd() >= (rhythm.perWeek / 7) * rhythmFactor(day)) continue;
      const lines = basket(items, 2 + Math.floor(rnd() * (s.size + 3)));
      if (peak(day) && rnd() < 0.7) lines.push(...basket(NEW_YEAR, 1 + Math.floor(rnd() * 3)));
      receipt(day, s.memberId, lines);
    }
  }
  // walk-ins: no member, counted for the store only
  for (let ago = 365; ago >= 1; ago--) {
    const day = today - ago * DAY;
    const k = Math.round(1.2 * rhythmFactor(day) * rnd());
    for (let i = 0; i < k; i++) receipt(day, null, basket(BASE, 1 + Math.floor(rnd() * 3)));
  }
  return out.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}
