/** The copy-variant generator (variants.ts): templates × audience tags, no database. */
import { generateVariants } from '../../src/modules/insight/variants';

test('household with children → the 「三道菜搞定宝宝一周营养晚餐」 style, the customer placeholder kept', () => {
  const [a, b] = generateVariants('晚餐', ['with_children'], 2);
  expect(a.text).toBe('{客户称呼}，三道菜搞定宝宝一周营养晚餐，点开看看～');
  expect(b.text).toContain('孩子挑食？这周的晚餐');
  expect([a.label, b.label]).toEqual(['A 宝宝·承诺', 'B 宝宝·提问']);
});

test('several tags race each other first (every promise, then the questions); at most two per tag, no repeats', () => {
  const v = generateVariants('早餐', ['with_children', 'elderly', 'with_children'], 4);
  expect(v.map((x) => x.label)).toEqual(['A 宝宝·承诺', 'B 长辈·承诺', 'C 宝宝·提问', 'D 长辈·提问']);
  expect(new Set(v.map((x) => x.text)).size).toBe(4);
  expect(v.every((x) => x.text.includes('早餐') && !x.text.includes('{topic}'))).toBe(true);
  expect(generateVariants('晚餐', ['busy', 'thrifty', 'couple'], 2).map((x) => x.label)).toEqual(['A 快手·承诺', 'B 实惠·承诺']);
  expect(generateVariants('晚餐', ['busy'], 4)).toHaveLength(2);
});
