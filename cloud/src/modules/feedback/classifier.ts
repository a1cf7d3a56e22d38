/**
 * Sorting feedback into topics (商品 / 服务 / 价格 / 环境 / 表扬) and a sentiment, by keyword rules
 * ops can edit. One pure function, no I/O: the rules come in as data.
 *
 * Chinese has no spaces, so the text is scanned left to right taking the LONGEST rule keyword that
 * starts at each position: 「不新鲜」 wins over 「新鲜」, 「态度不好」 over 「态度」. A positive word
 * right after a negator (不 / 没 / 没有 / 不够 / 一点也不) counts as negative (「不热情」).
 * The star rating, when given, weighs in: 1–2 stars pull negative, 4–5 positive.
 */
import type { ClassifierRule, Sentiment, Topic } from '../../../../contracts/feedback';

export interface Classification {
  topics: Topic[];
  sentiment: Sentiment;
  /** Keywords matched, in text order (shown to ops as the reason). */
  matched: string[];
}

const NEGATORS = ['一点也不', '一点都不', '没有', '不够', '不太', '不', '没'];

function rule(keyword: string, topic: Topic | null, polarity: -1 | 0 | 1): ClassifierRule {
  return { keyword, topic, polarity };
}

/** The rules a fresh install starts with (ops edit them on the ops page). */
export const DEFAULT_RULES: ClassifierRule[] = [
  // 商品
  ...[
    '不新鲜',
    '变质',
    '坏了',
    '过期',
    '临期',
    '发霉',
    '烂了',
    '臭了',
    '有异味',
    '难吃',
    '缺货',
    '断货',
    '没货',
    '买不到',
    '分量不足',
    '缺斤少两',
    '包装破',
  ].map((k) => rule(k, 'product', -1)),
  ...['新鲜', '好吃', '品质好', '味道好', '食材好'].map((k) => rule(k, 'product', 1)),
  ...[
    '商品',
    '质量',
    '品质',
    '口味',
    '味道',
    '菜品',
    '食材',
    '蔬菜',
    '水果',
    '肉',
    '鱼',
    '海鲜',
    '货架',
    '包装',
    '分量',
    '品种',
    '年夜饭',
    '套餐',
    '饺子',
    '鸡蛋',
    '牛肉',
    '猪肉',
    '大米',
  ].map((k) => rule(k, 'product', 0)),
  // 服务
  ...[
    '态度不好',
    '态度差',
    '不理人',
    '爱答不理',
    '冷冰冰',
    '排队',
    '等太久',
    '等了很久',
    '太慢',
    '催了',
    '骚扰',
    '消息太多',
    '群消息太多',
    '推送太多',
    '发太多',
    '刷屏',
    '没人管',
    '没人回',
    '讲得太快',
    '听不清',
    '提货等',
  ].map((k) => rule(k, 'service', -1)),
  ...['热情', '耐心', '贴心', '周到', '专业', '讲得好', '讲解清楚'].map((k) => rule(k, 'service', 1)),
  ...['服务', '态度', '店员', '收银', '老师', '讲解', '客服', '回复', '结账', '提货', '送货', '配送', '群消息', '通知'].map((k) => rule(k, 'service', 0)),
  // 价格
  ...['太贵', '偏贵', '有点贵', '涨价', '乱收费', '多收', '比别家贵', '不划算', '性价比低', '别家更便宜', '隔壁便宜'].map((k) => rule(k, 'price', -1)),
  ...['便宜', '划算', '实惠', '性价比高', '物美价廉'].map((k) => rule(k, 'price', 1)),
  ...['价格', '价钱', '优惠', '优惠券', '打折', '折扣', '性价比', '收费', '贵'].map((k) => rule(k, 'price', 0)),
  // 环境
  ...['脏', '不干净', '地滑', '很滑', '太滑', '太挤', '拥挤', '太吵', '吵', '太冷', '太热', '有味道', '停车难', '没地方停车', '灯太暗'].map((k) =>
    rule(k, 'environment', -1),
  ),
  ...['干净', '整洁', '宽敞', '明亮', '舒服'].map((k) => rule(k, 'environment', 1)),
  ...['环境', '卫生', '地面', '停车', '空调', '灯光', '厕所', '洗手间', '教室', '场地', '门店', '装修', '座位'].map((k) => rule(k, 'environment', 0)),
  // 表扬
  ...['谢谢', '感谢', '表扬', '点赞', '辛苦了', '给力', '太棒了', '很棒', '非常满意', '好评'].map((k) => rule(k, 'praise', 1)),
  // sentiment only
  ...['失望', '投诉', '不满', '生气', '差评', '太差', '很差', '糟糕', '坑', '再也不来', '退款', '不好', '不行', '不开心', '不会再买'].map((k) =>
    rule(k, null, -1),
  ),
  ...['满意', '喜欢', '不错', '很好', '开心', '棒', '推荐', '会再来'].map((k) => rule(k, null, 1)),
];

interface Match {
  rule: ClassifierRule;
  at: number;
  negated: boolean;
}

function negatedAt(text: string, at: number): boolean {
  return NEGATORS.some((n) => at >= n.length && text.slice(at - n.length, at) === n);
}

/** Longest-keyword-first scan; every character belongs to at most one match. */
function scan(text: string, rules: readonly ClassifierRule[]): Match[] {
  const byFirst = new Map<string, ClassifierRule[]>();
  for (const r of rules) {
    const k = r.keyword.trim();
    if (!k) continue;
    const list = byFirst.get(k[0]) ?? [];
    list.push({ ...r, keyword: k });
    byFirst.set(k[0], list);
  }
  for (const list of byFirst.values()) list.sort((a, b) => b.keyword.length - a.keyword.length);
  const out: Match[] = [];
  for (let i = 0; i < text.length;) {
    const hit = (byFirst.get(text[i]) ?? []).find((r) => text.startsWith(r.keyword, i));
    if (!hit) {
      i++;
      continue;
    }
    out.push({ rule: hit, at: i, negated: hit.polarity === 1 && negatedAt(text, i) });
    i += hit.keyword.length;
  }
  return out;
}

export function classify(text: string | null | undefined, rating: number | null | undefined, rules: readonly ClassifierRule[] = DEFAULT_RULES): Classification {
  const normalised = (text ?? '').toLowerCase().replace(/\s+/g, '');
  const matches = scan(normalised, rules);
  let score = 0;
  const topics: Topic[] = [];
  for (const m of matches) {
    const polarity = m.negated ? -1 : m.rule.polarity;
    score += polarity;
    // praise is a topic only when the word is meant (「不感谢」 is not praise)
    if (m.rule.topic && !(m.rule.topic === 'praise' && polarity < 0) && !topics.includes(m.rule.topic)) topics.push(m.rule.topic);
  }
  if (rating != null) {
    if (rating <= 2) score -= 2;
    else if (rating >= 4) score += 1;
  }
  const sentiment: Sentiment = score < 0 ? 'negative' : score > 0 ? 'positive' : 'neutral';
  // a happy note with no subject is praise; praise never sits beside a complaint
  if (sentiment === 'positive' && !topics.length) topics.push('praise');
  const finalTopics = sentiment === 'negative' ? topics.filter((t) => t !== 'praise') : topics;
  return { topics: finalTopics, sentiment, matched: matches.map((m) => (m.negated ? `不…${m.rule.keyword}` : m.rule.keyword)) };
}
