/**
 * 「为你推荐」 as one pure function (unit-tested without a database). The rules, in the order they
 * are applied, are also what the ops page shows (RECOMMENDATION_RULES), so ops read the real rule.
 */
import type { Ingredient } from '../../../../contracts/recipes';

export interface RecommendFacts {
  childrenCount: number;
  /** Product names the member bought lately (newest first). */
  purchasedTerms: string[];
  /** Tags of the recipes the member saved. */
  favouriteTags: string[];
  favouriteIds: Set<number>;
}

export interface Candidate {
  id: number;
  tags: string[];
  ingredients: Ingredient[];
  favouriteCount: number;
}

export const CHILD_TAGS = ['宝宝营养', '宝宝辅食'];

export const RECOMMENDATION_RULES = [
  {
    key: 'children',
    when: '家庭里有孩子（我的 › 我的家庭 中填写的孩子人数大于 0）',
    then: '先推荐带「宝宝营养」或「宝宝辅食」标签的菜谱，理由写「家里有宝宝：…」',
  },
  { key: 'purchases', when: '会员近 60 天在门店买过的商品名称包含某道菜的食材（或食材对应的商品）', then: '推荐用到这些食材的菜谱，理由写「你最近买了…」' },
  { key: 'favourite_tags', when: '会员收藏过的菜谱有标签（如 快手菜）', then: '推荐同标签、还没收藏的菜谱，理由写「你收藏过…类菜谱」' },
  { key: 'popular', when: '以上规则凑不满', then: '用收藏人数最多的菜谱补齐，理由写「大家都在收藏」' },
  { key: 'exclude', when: '任何规则', then: '不推荐会员已收藏的菜谱；同一道菜只出现一次，按规则先后排列' },
] as const;

export function recommend<C extends Candidate>(candidates: C[], facts: RecommendFacts, limit: number): Array<C & { reason: string }> {
  const out: Array<C & { reason: string }> = [];
  const taken = new Set<number>(facts.favouriteIds);
  const pool = [...candidates].sort((a, b) => b.favouriteCount - a.favouriteCount || b.id - a.id);
  const take = (c: C, reason: string) => {
    if (out.length >= limit || taken.has(c.id)) return;
    taken.add(c.id);
    out.push({ ...c, reason });
  };

  if (facts.childrenCount > 0) {
    for (const c of pool) {
      const tag = c.tags.find((t) => CHILD_TAGS.includes(t));
      if (tag) take(c, `家里有宝宝：${tag}`);
    }
  }
  if (facts.purchasedTerms.length) {
    for (const c of pool) {
      for (const ing of c.ingredients) {
        const term = facts.purchasedTerms.find((t) => t.includes(ing.name) || (ing.product ? t.includes(ing.product) || ing.product.includes(t) : false));
        if (term) {
          take(c, `你最近买了「${term}」`);
          break;
        }
      }
    }
  }
  if (facts.favouriteTags.length) {
    for (const c of pool) {
      const tag = c.tags.find((t) => facts.favouriteTags.includes(t));
      if (tag) take(c, `你收藏过「${tag}」类菜谱`);
    }
  }
  for (const c of pool) take(c, '大家都在收藏');
  return out;
}
