/** The submission content check (pure): bad submissions kept here must be caught, clean ones must pass. */
import { checkContent, type CheckInput } from '../../src/modules/contest/content-check';

const base: CheckInput = {
  title: '蛋饺',
  displayName: '王阿姨',
  story: '每年除夕，外婆都会在炉子上一只一只地摊蛋饺。',
  ingredients: ['鸡蛋 6个', '猪肉末 300克'],
  steps: ['肉末加葱姜水调味', '铁勺抹油，摊蛋皮'],
};
const withStory = (story: string): CheckInput => ({ ...base, story });

/** [what it is, the submission, the kind and term that must be reported] */
const BAD: Array<[string, CheckInput, string, string]> = [
  ['最 compound: 最正宗', withStory('这是全上海最正宗的本帮红烧肉'), 'ad_absolute', '最正宗'],
  ['最好吃', { ...base, title: '最好吃的八宝饭' }, 'ad_absolute', '最好吃'],
  ['最佳', withStory('年夜饭的最佳选择'), 'ad_absolute', '最佳'],
  ['第一 as a claim', withStory('我家的蛋饺全国第一'), 'ad_absolute', '全国第一'],
  ['第一 at the end', withStory('味道天下第一'), 'ad_absolute', '第一'],
  ['第一品牌', withStory('用的是第一品牌的酱油'), 'ad_absolute', '第一品牌'],
  ['国家级', withStory('国家级大厨的手艺'), 'ad_absolute', '国家级'],
  ['顶级', { ...base, ingredients: ['顶级和牛 200克'] }, 'ad_absolute', '顶级'],
  ['极品', withStory('极品鲍鱼'), 'ad_absolute', '极品'],
  ['独家', withStory('独家秘制酱汁'), 'ad_absolute', '独家'],
  ['史上', withStory('史上最好吃的年糕'), 'ad_absolute', '史上'],
  ['100%', withStory('100%纯手工'), 'ad_absolute', '100%'],
  ['full-width 100％', withStory('１００％天然'), 'ad_absolute', '100%'],
  ['百分百', withStory('百分百好评'), 'ad_absolute', '百分百'],
  ['health claim', withStory('这道汤能治疗感冒'), 'health_claim', '治疗'],
  ['抗癌', withStory('多吃可以抗癌'), 'health_claim', '抗癌'],
  ['mobile number', withStory('想买请打13812345678'), 'phone', '13812345678'],
  ['mobile split by spaces', withStory('电话 138 1234 5678'), 'phone', '138 1234 5678'],
  ['mobile with dashes', { ...base, steps: ['订购：139-1234-5678'] }, 'phone', '139-1234-5678'],
  ['full-width digits', withStory('电话１３９１２３４５６７８'), 'phone', '13912345678'],
  ['landline', withStory('订餐 021-64471234'), 'phone', '021-64471234'],
  ['spelt-out digits', withStory('联系一三八一二三四五六七八'), 'phone', '一三八一二三四五六七八'],
  // terms are reported after NFKC folding (full-width colon → ':')
  ['微信号', withStory('微信号：wang_ayi888'), 'wechat_id', '微信号:wang_ayi888'],
  ['vx id', withStory('有兴趣vx wangayi2024'), 'wechat_id', 'vx wangayi2024'],
  ['加我微信', withStory('想学的加我微信'), 'wechat_id', '加我微信'],
  ['QQ number', withStory('QQ 12345678'), 'wechat_id', 'QQ 12345678'],
  ['url', withStory('做法见 https://example.com/recipe'), 'url', 'https://example.com/recipe'],
  ['www', withStory('看www.shop.cn'), 'url', 'www.shop.cn'],
  ['bare domain', withStory('去 haochi.top 下单'), 'url', 'haochi.top'],
  ['qr spam', withStory('扫码关注领取菜谱'), 'spam', '扫码'],
  ['二维码', withStory('长按识别二维码'), 'spam', '二维码'],
  ['加群', withStory('加群一起做年夜饭'), 'spam', '加群'],
  ['代购', { ...base, displayName: '代购小王' }, 'spam', '代购'],
  ['blocked word, spaced out', withStory('只用某 某 牌酱油'), 'blocked_word', '某 某 牌'],
  ['blocked word, case', withStory('BadBrand 酱油'), 'blocked_word', 'BadBrand'],
];

/** Ordinary family-recipe language that must not be flagged (the 最/第一 trade-off, numbers in recipes). */
const CLEAN: Array<[string, CheckInput]> = [
  ['the default entry', base],
  ['最后 / 最近 / 最喜欢 / 最爱', withStory('最后撒上葱花。最近孩子们最喜欢吃，我最爱看他们抢。')],
  ['最好 as advice, 最少 / 最多', { ...base, steps: ['最好用小火慢煎', '最少放两勺糖', '最多煮十分钟'] }],
  ['最新鲜 as advice', { ...base, steps: ['挑最新鲜的鸡蛋'] }],
  ['唯一 in a story', withStory('这是外婆唯一留下的菜谱')],
  ['第一 as an ordinal', { ...base, steps: ['第一步：泡发香菇', '第一次做可以少放盐'], story: '第一口就想起小时候，第一时间告诉了妈妈' }],
  [
    'quantities, temperatures, years',
    { ...base, ingredients: ['糯米 500克', '红枣 12颗'], steps: ['180度烤20分钟', '静置2小时'], story: '1998年的除夕，我10岁' },
  ],
  ['QQ糖 and 微信 in passing', withStory('给孩子带了QQ糖，外婆在微信上教我做的')],
  ['加微量的盐', { ...base, steps: ['最后加微量的盐'] }],
  ['a decimal measure', { ...base, ingredients: ['生抽 1.5勺', '老抽 0.5勺'] }],
  ['祖传 / 传家 (the theme itself)', withStory('这是我们家祖传的做法，传家三代')],
];

test.each(BAD)('flags %s', (_name, input, kind, term) => {
  const r = checkContent(input, ['某某牌', 'badbrand']);
  expect(r.clean).toBe(false);
  expect(r.hits).toEqual(expect.arrayContaining([expect.objectContaining({ kind, term })]));
  for (const h of r.hits) expect(h.excerpt).toContain(h.term.replace(/\s+/g, ' ').trim().slice(0, 2));
});

test.each(CLEAN)('passes %s', (_name, input) => {
  const r = checkContent(input, ['某某牌', 'badbrand']);
  expect(r.hits).toEqual([]);
  expect(r.clean).toBe(true);
});

test('reports the field (ingredients[i], steps[i]) and de-duplicates repeats', () => {
  const r = checkContent({ ...base, ingredients: ['鸡蛋', '顶级火腿', '顶级火腿'], steps: ['a', '顶级'] });
  expect(r.hits.map((h) => h.field).sort()).toEqual(['ingredients[1]', 'ingredients[2]', 'steps[1]']);
  const twice = checkContent(withStory('顶级顶级'));
  expect(twice.hits).toHaveLength(1);
});

test('zero-width characters do not hide a term', () => {
  expect(checkContent(withStory('顶\u200b级')).hits.map((h) => h.term)).toContain('顶级');
});
