/**
 * Automatic content check of a submission (pure: no I/O, unit-tested with lists of good and bad
 * entries in cloud/test/contest/content-check.test.ts).
 *
 * What it flags, with the matched term, the field and a short excerpt for the moderator:
 * - 《广告法》第九条 absolute terms (极限词): 国家级, 世界级, 顶级, 极品, 独家, 史上, 100%, 万能, 首选 …
 *   and the 最/第一 family — see the trade-off below;
 * - medical efficacy claims a food may not make (治疗, 抗癌, 降血压 …);
 * - phone numbers (mobile, landline, 400/800, digits split by spaces/dashes, full-width digits);
 * - WeChat / QQ ids (微信/vx/wx/QQ/薇信… followed by an id) and "加我微信"-type invitations;
 * - URLs and domain names; QR-code / traffic-diversion spam (扫码, 二维码, 加群, 私聊, 代购 …);
 * - the editable blocked words (matched ignoring case, spaces and punctuation, so 「微 信」 is caught).
 *
 * Trade-off on 最 and 第一 (decided here, documented in the README section): in a family recipe
 * story 最 is mostly ordinary language — 最后, 最近, 最喜欢, 最爱, 最好用小火 (advice), 最少放两勺 — and
 * 第一 is mostly an ordinal — 第一步, 第一次, 第一口. Flagging every 最 would send almost every
 * story to the moderator and teach them to ignore the flag. So 最 is flagged only in the
 * advertising compounds (最佳, 最强, 最顶级, 最正宗, 最便宜, 最好吃, 最受欢迎, 最低价 …), and
 * 第一 only when it is not followed by a counter word (步, 次, 天, 口, 遍, 层 …) — so 全国第一,
 * 销量第一, 第一品牌 and 「天下第一」 are flagged. A moderator still reads every flagged entry;
 * a missed 最 compound costs a manual reject, a false flag only costs a look. For the same reason
 * 唯一 (这是外婆唯一留下的菜谱) and 最新鲜 (挑最新鲜的鸡蛋) are not on the lists.
 */
import type { CheckHit } from '../../../../contracts/contest';

export interface CheckInput {
  title: string;
  displayName: string;
  story: string;
  ingredients: string[];
  steps: string[];
}

export interface CheckResult {
  clean: boolean;
  hits: CheckHit[];
}

/** 《广告法》 absolute terms flagged wherever they appear (besides the 最/第一 rules). */
export const AD_ABSOLUTE_TERMS = [
  '国家级',
  '世界级',
  '全球级',
  '宇宙级',
  '顶级',
  '顶尖',
  '极品',
  '极致',
  '独家',
  '独一无二',
  '史上',
  '史无前例',
  '万能',
  '首选',
  '首家',
  '王牌',
  '至尊',
  '巅峰',
  '绝无仅有',
  '无与伦比',
  '全网',
  '全国第一',
  '销量冠军',
  '领导品牌',
  '领袖品牌',
  '金牌',
  '绝对',
  '百分百',
  '百分之百',
  '国家免检',
  '特供',
  '专供',
  '驰名',
];

/** 最 compounds that are advertising claims (最 alone, 最后, 最近, 最爱, 最喜欢, 最好+verb … are not). */
export const ZUI_AD_COMPOUNDS = [
  '最佳',
  '最强',
  '最优',
  '最顶级',
  '最高级',
  '最高档',
  '最正宗',
  '最地道',
  '最便宜',
  '最低价',
  '最实惠',
  '最划算',
  '最好吃',
  '最好喝',
  '最受欢迎',
  '最畅销',
  '最热销',
  '最流行',
  '最时尚',
  '最先进',
  '最权威',
  '最专业',
  '最健康',
  '最营养',
  '最安全',
  '最美味',
  '最具',
  '最牛',
  '最大品牌',
  '最赚',
];

/** After 第一 these make an ordinal (第一步, 第一次 …): not flagged. */
const FIRST_ORDINAL_NEXT = '步次天口遍层锅批道回轮份勺碗盘顿张片块段届年月周个位种样节部页章条名时印眼把件根颗只';
/** …except these compounds, which are claims even though they start like an ordinal. */
const FIRST_ALWAYS = ['第一名', '第一品牌'];

export const HEALTH_CLAIMS = [
  '治疗',
  '治愈',
  '根治',
  '包治',
  '抗癌',
  '防癌',
  '降血压',
  '降血糖',
  '降血脂',
  '壮阳',
  '减肥神',
  '药到病除',
  '延年益寿',
  '包治百病',
];

export const SPAM_TERMS = [
  '扫码',
  '扫一扫',
  '二维码',
  '长按识别',
  '识别二维码',
  '加群',
  '进群',
  '拉群',
  '私聊',
  '私信我',
  '代购',
  '领红包',
  '返现',
  '点击链接',
  '加我好友',
  '加好友',
  '免费领',
];

const FIELD_ORDER: Array<keyof CheckInput> = ['title', 'displayName', 'story', 'ingredients', 'steps'];

/** Full-width → half-width, compatibility forms folded (NFKC), zero-width characters removed. */
export function normalize(text: string): string {
  return text.normalize('NFKC').replace(/[\u200b-\u200f\u2060\ufeff]/g, '');
}

/** For blocked words: lower case without whitespace and punctuation (catches 「微 信」「微-信」). */
function squash(text: string): { text: string; map: number[] } {
  const out: string[] = [];
  const map: number[] = [];
  const chars = Array.from(text);
  let offset = 0;
  for (const ch of chars) {
    if (!/[\s\p{P}\p{S}]/u.test(ch)) {
      out.push(ch.toLowerCase());
      map.push(offset);
    }
    offset += ch.length;
  }
  return { text: out.join(''), map };
}

function excerpt(text: string, index: number, length: number): string {
  const from = Math.max(0, index - 8);
  const to = Math.min(text.length, index + length + 8);
  return `${from > 0 ? '…' : ''}${text.slice(from, to)}${to < text.length ? '…' : ''}`;
}

const PHONE_PATTERNS: RegExp[] = [
  // mainland mobile, digits possibly split by spaces/dashes/dots: 138 1234 5678, 138-1234-5678
  /(?<![\d])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s.-]?\d){8}(?![\d])/g,
  // landline with area code: 021-12345678, (0571)8888 8888
  /(?<![\d])\(?0\d{2,3}\)?[\s-]?\d{3,4}[\s-]?\d{4}(?![\d])/g,
  // 400/800 service numbers
  /(?<![\d])[48]00[\s-]?\d{3}[\s-]?\d{4}(?![\d])/g,
  // eleven Chinese numerals in a row (一三八…) — digits spelt out to dodge filters
  /[零〇一二三四五六七八九壹贰叁肆伍陆柒捌玖幺]{11,}/g,
];

const WECHAT_PATTERNS: RegExp[] = [
  // keyword + optional 号/:/space + an id of 5–20 letters/digits
  /(?:微信|薇信|威信|徽信|维信|V信|v信|VX|vx|Vx|vX|WX|wx|Wx|wechat|weixin|QQ|qq|扣扣|企鹅)\s*(?:号|号码)?\s*[:：]?\s*[A-Za-z0-9][A-Za-z0-9_-]{4,19}/g,
  // invitations without an id: 加我微信, 加v, 加微, 私我vx
  /加\s*(?:我|个)?\s*(?:微信|薇信|威信|V信|v信|VX|vx|WX|wx|QQ|qq|V|v)(?![A-Za-z])/g,
];

const URL_PATTERNS: RegExp[] = [
  /https?:\/\/[^\s，。！？、）)】]+/gi,
  /www\.[^\s，。！？、）)】]+/gi,
  /(?<![A-Za-z0-9@.])[A-Za-z0-9-]{2,}\.(?:com|cn|net|org|top|xyz|cc|vip|shop|site|club|wang|ink|me|io|co)(?![A-Za-z])(?:\/[^\s，。]*)?/gi,
];

/** Run every rule over every field; hits are de-duplicated per (kind, term, field). */
export function checkContent(input: CheckInput, blockedWords: readonly string[] = []): CheckResult {
  const hits: CheckHit[] = [];
  const seen = new Set<string>();
  const add = (hit: CheckHit) => {
    const key = `${hit.kind}|${hit.term.toLowerCase()}|${hit.field}`;
    if (seen.has(key)) return;
    seen.add(key);
    hits.push(hit);
  };
  const blocked = [...new Set(blockedWords.map((w) => squash(normalize(w)).text).filter(Boolean))];

  for (const name of FIELD_ORDER) {
    const value = input[name];
    const parts: Array<[string, string]> = Array.isArray(value) ? value.map((v, i) => [`${name}[${i}]`, v]) : [[name, value]];
    for (const [field, raw] of parts) checkText(normalize(raw ?? ''), field, blocked, add);
  }
  return { clean: hits.length === 0, hits };
}

function checkText(text: string, field: string, blocked: string[], add: (h: CheckHit) => void): void {
  if (!text) return;
  const literal = (kind: CheckHit['kind'], terms: readonly string[]) => {
    for (const term of terms) {
      let i = text.indexOf(term);
      while (i >= 0) {
        add({ kind, term, field, excerpt: excerpt(text, i, term.length) });
        i = text.indexOf(term, i + term.length);
      }
    }
  };
  const patterns = (kind: CheckHit['kind'], list: RegExp[]) => {
    for (const re of list) {
      re.lastIndex = 0;
      for (const m of text.matchAll(re)) add({ kind, term: m[0].trim(), field, excerpt: excerpt(text, m.index ?? 0, m[0].length) });
    }
  };

  literal('ad_absolute', AD_ABSOLUTE_TERMS);
  literal('ad_absolute', ZUI_AD_COMPOUNDS);
  literal('ad_absolute', FIRST_ALWAYS);
  // 第一 not followed by a counter word (全国第一 / 销量第一 / 第一品牌 / 天下第一 at the end of a sentence)
  for (const m of text.matchAll(/第一(.?)/g)) {
    const next = m[1];
    if (FIRST_ALWAYS.some((t) => text.startsWith(t, m.index ?? 0))) continue; // reported by the literal list
    if (next && FIRST_ORDINAL_NEXT.includes(next)) continue;
    add({ kind: 'ad_absolute', term: '第一', field, excerpt: excerpt(text, m.index ?? 0, 2) });
  }
  // 100% / 100％ (NFKC already folded the full-width sign)
  for (const m of text.matchAll(/100\s*%/g)) add({ kind: 'ad_absolute', term: m[0], field, excerpt: excerpt(text, m.index ?? 0, m[0].length) });

  literal('health_claim', HEALTH_CLAIMS);
  patterns('phone', PHONE_PATTERNS);
  patterns('wechat_id', WECHAT_PATTERNS);
  patterns('url', URL_PATTERNS);
  literal('spam', SPAM_TERMS);

  if (blocked.length) {
    const sq = squash(text);
    for (const word of blocked) {
      let i = sq.text.indexOf(word);
      while (i >= 0) {
        const start = sq.map[i];
        const end = sq.map[i + word.length - 1] + 1;
        add({ kind: 'blocked_word', term: text.slice(start, end), field, excerpt: excerpt(text, start, end - start) });
        i = sq.text.indexOf(word, i + word.length);
      }
    }
  }
}
