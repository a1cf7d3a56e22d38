/**
 * Deterministic demo population (same output on every run): one store, ~120 households, ~300
 * members with everyday Chinese nicknames, tiers, some phones, group-owner assignments and WeCom
 * contacts linked by unionid.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
  '高',
  '罗',
  '郑',
  '梁',
  '谢',
  '宋',
  '唐',
  '许',
  '韩',
  '冯',
  '邓',
  '曹',
];
const GIVEN = [
  '芳',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '桂英',
  '建华',
  '晓燕',
  '红梅',
  '志强',
  '海燕',
  '玉兰',
  '建国',
  '丹丹',
  '婷婷',
  '浩然',
  '子涵',
  '欣怡',
  '梓萱',
];

/** Relation in the household, and how a neighbour would address that person. */
const ROLES: Array<{ relation: string; styles: Array<(s: string, g: string) => string> }> = [
  { relation: '本人', styles: [(s) => `${s}阿姨`, (s) => `${s}叔`, (s) => `${s}大姐`, (s) => `${s}哥`, (s, g) => `${s}${g}`] },
  { relation: '配偶', styles: [(s) => `${s}师傅`, (s) => `${s}嫂`, (s, g) => `${s}${g}`, (s) => `老${s}`] },
  { relation: '父母', styles: [(s) => `${s}奶奶`, (s) => `${s}爷爷`, (s) => `${s}阿婆`, (s) => `${s}老伯`] },
  { relation: '子女', styles: [(_s, g) => `小${g.slice(-1)}`, (s, g) => `${s}${g}`, (_s, g) => `${g.slice(-1)}${g.slice(-1)}妈妈`] },
];

export const TIERS = ['新客', '银卡', '金卡', '钻石'] as const;

export interface DemoMember {
  key: number;
  nickname: string;
  relation: string;
  householdIndex: number;
  tier: string;
  phone: string | null;
  openid: string;
  unionid: string | null;
  daysAgo: number;
  /** index into the group owners (0, 1) or null */
  groupOwner: number | null;
}

export interface DemoHousehold {
  name: string;
}

export function demoPopulation(seed = 20261101): { households: DemoHousehold[]; members: DemoMember[] } {
  const rnd = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const households: DemoHousehold[] = [];
  const members: DemoMember[] = [];
  const HOUSEHOLDS = 120;
  for (let h = 0; h < HOUSEHOLDS; h++) {
    const surname = SURNAMES[(h * 7 + Math.floor(rnd() * 3)) % SURNAMES.length];
    households.push({ name: `${surname}家（${h + 1}号）` });
    // 1–4 people, averaging 2.5 → about 300 members
    const size = 1 + Math.floor(rnd() * 4);
    const owner = rnd() < 0.35 ? 0 : rnd() < 0.55 ? 1 : null;
    for (let i = 0; i < size; i++) {
      const role = i === 0 ? ROLES[0] : pick(ROLES.slice(1));
      const memberSurname = role.relation === '配偶' && rnd() < 0.6 ? pick(SURNAMES) : surname;
      const given = pick(GIVEN);
      const key = members.length + 1;
      const tierRoll = rnd();
      members.push({
        key,
        nickname: pick(role.styles)(memberSurname, given),
        relation: role.relation,
        householdIndex: h,
        tier: tierRoll < 0.45 ? TIERS[0] : tierRoll < 0.75 ? TIERS[1] : tierRoll < 0.93 ? TIERS[2] : TIERS[3],
        phone: rnd() < 0.6 ? `1${pick(['38', '39', '58', '86', '37', '77'])}${String(Math.floor(rnd() * 1e8)).padStart(8, '0')}` : null,
        openid: `o_demo_${String(key).padStart(4, '0')}`,
        unionid: rnd() < 0.8 ? `u_demo_${String(key).padStart(4, '0')}` : null,
        daysAgo: Math.floor(rnd() * 365),
        groupOwner: owner,
      });
    }
  }
  return { households, members };
}
