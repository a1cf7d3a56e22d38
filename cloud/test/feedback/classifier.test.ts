/** The keyword classifier on the kept list of real-style comments, and on edited rules. */
import type { ClassifierRule } from '../../../contracts/feedback';
import { classify, DEFAULT_RULES } from '../../src/modules/feedback/classifier';
import { KEPT_COMMENTS } from './comments';

describe('default rules on the kept comments', () => {
  test.each(KEPT_COMMENTS.map((c) => [c.text, c] as const))('%s', (_text, c) => {
    const r = classify(c.text, c.rating ?? null);
    expect({ topics: [...r.topics].sort(), sentiment: r.sentiment }).toEqual({ topics: [...c.topics].sort(), sentiment: c.sentiment });
  });
});

test('the longest keyword wins and a negated positive word counts against', () => {
  expect(classify('不新鲜', null).matched).toEqual(['不新鲜']);
  expect(classify('不新鲜', null).sentiment).toBe('negative');
  expect(classify('很新鲜', null).sentiment).toBe('positive');
  expect(classify('店员不热情', null)).toMatchObject({ topics: ['service'], sentiment: 'negative', matched: ['店员', '不…热情'] });
});

test('the rating weighs in: a bare one-star is negative, a bare five-star is praise', () => {
  expect(classify('', 1)).toEqual({ topics: [], sentiment: 'negative', matched: [] });
  expect(classify(null, 5)).toEqual({ topics: ['praise'], sentiment: 'positive', matched: [] });
  // praise never sits beside a complaint
  expect(classify('谢谢，但是菜不新鲜', 2).topics).toEqual(['product']);
});

test('rules ops edit are used as given', () => {
  const rules: ClassifierRule[] = [...DEFAULT_RULES, { keyword: '小票', topic: 'service', polarity: 0 }, { keyword: '打不出', topic: null, polarity: -1 }];
  expect(classify('小票打不出来', null, rules)).toMatchObject({ topics: ['service'], sentiment: 'negative' });
  expect(classify('小票打不出来', null, DEFAULT_RULES)).toMatchObject({ topics: [], sentiment: 'neutral' });
  expect(classify('很贵', null, [])).toEqual({ topics: [], sentiment: 'neutral', matched: [] });
});
