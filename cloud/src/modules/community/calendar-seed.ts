/**
 * The community calendar's starting content: the year's festivals, solar terms and theme days
 * (Beijing dates, lunar festivals worked out per year), each with the kits it suggests, and HQ's
 * starter kits. Zero-budget first: most suggestions need a poster and a topic, not money.
 */
export interface SeedDay {
  date: string;
  name: string;
  kind: 'festival' | 'solar_term' | 'theme';
  note: string;
  kits: string[];
}

const WINTER = ['暖汤分享会'];
export const CALENDAR_SEED: SeedDay[] = [
  { date: '2026-01-01', name: '元旦', kind: 'festival', note: '新年愿望墙，群内接龙', kits: ['新年愿望接龙'] },
  { date: '2026-01-26', name: '腊八', kind: 'festival', note: '腊八粥共煮，邻里分享', kits: ['腊八粥共煮会'] },
  { date: '2026-02-10', name: '小年', kind: 'festival', note: '包饺子、写福字', kits: ['小年包饺子'] },
  { date: '2026-02-16', name: '除夕', kind: 'festival', note: '年夜饭预订提醒、晒年夜饭', kits: ['晒出年夜饭'] },
  { date: '2026-03-03', name: '元宵', kind: 'festival', note: '猜灯谜、煮汤圆', kits: ['元宵灯谜会'] },
  { date: '2026-03-08', name: '妇女节', kind: 'theme', note: '妈妈早茶会特别场', kits: ['妈妈早茶会'] },
  { date: '2026-04-05', name: '清明', kind: 'solar_term', note: '青团手作', kits: ['青团手作'] },
  { date: '2026-05-10', name: '母亲节', kind: 'festival', note: '给妈妈做一道菜', kits: ['妈妈早茶会'] },
  { date: '2026-06-01', name: '儿童节', kind: 'festival', note: '亲子烘焙', kits: ['亲子烘焙课'] },
  { date: '2026-06-19', name: '端午', kind: 'festival', note: '包粽子比赛', kits: ['包粽子'] },
  { date: '2026-09-01', name: '开学季', kind: 'theme', note: '开学早餐搭配', kits: ['开学早餐营养课'] },
  { date: '2026-09-25', name: '中秋', kind: 'festival', note: '月饼手作、邻里赏月', kits: ['月饼手作'] },
  { date: '2026-10-18', name: '重阳', kind: 'festival', note: '长者健康讲座、登高', kits: ['长者健康茶话会'] },
  { date: '2026-11-07', name: '立冬', kind: 'solar_term', note: '进补时节，暖汤分享', kits: WINTER },
  { date: '2026-12-22', name: '冬至', kind: 'solar_term', note: '包饺子、暖汤分享会', kits: ['小年包饺子', ...WINTER] },
  { date: '2027-01-01', name: '元旦', kind: 'festival', note: '新年愿望墙，群内接龙', kits: ['新年愿望接龙'] },
  { date: '2027-01-15', name: '腊八', kind: 'festival', note: '腊八粥共煮，邻里分享', kits: ['腊八粥共煮会'] },
  { date: '2027-01-30', name: '小年', kind: 'festival', note: '包饺子、写福字', kits: ['小年包饺子'] },
  { date: '2027-02-05', name: '除夕', kind: 'festival', note: '年夜饭预订提醒、晒年夜饭', kits: ['晒出年夜饭'] },
  { date: '2027-02-20', name: '元宵', kind: 'festival', note: '猜灯谜、煮汤圆', kits: ['元宵灯谜会'] },
  { date: '2027-03-08', name: '妇女节', kind: 'theme', note: '妈妈早茶会特别场', kits: ['妈妈早茶会'] },
  { date: '2027-05-09', name: '母亲节', kind: 'festival', note: '给妈妈做一道菜', kits: ['妈妈早茶会'] },
];

export interface SeedKit {
  title: string;
  copy: string;
  materials: string[];
  budgetTier: 'zero' | 'light' | 'standard';
  ring: 'outer' | 'members' | 'inner';
  audience: string;
  followUp: string;
  durationMinutes: number;
  adultSeats: number;
  childSeats: number;
  weatherTags: Array<'cold' | 'hot' | 'rain'>;
}

export const KIT_SEED: SeedKit[] = [
  {
    title: '暖汤分享会',
    copy: '降温了！来店里喝一碗热汤，大厨现场分享三款家常暖汤的做法，带走汤料包。',
    materials: ['海报', '一次性汤碗', '汤料包试用装'],
    budgetTier: 'light',
    ring: 'members',
    audience: '附近家庭、长者',
    followUp: '活动后 3 天推送暖汤食谱',
    durationMinutes: 60,
    adultSeats: 20,
    childSeats: 0,
    weatherTags: ['cold'],
  },
  {
    title: '妈妈早茶会',
    copy: '每周三上午，带娃的妈妈们来喝杯早茶，营养师聊聊宝宝辅食。',
    materials: ['海报', '茶点'],
    budgetTier: 'light',
    ring: 'members',
    audience: '宝妈',
    followUp: '加入宝妈营养师群',
    durationMinutes: 90,
    adultSeats: 12,
    childSeats: 12,
    weatherTags: [],
  },
  {
    title: '腊八粥共煮会',
    copy: '腊八节，一起煮一锅腊八粥，分给邻里和环卫工人。',
    materials: ['海报', '杂粮', '保温桶'],
    budgetTier: 'light',
    ring: 'outer',
    audience: '社区居民',
    followUp: '',
    durationMinutes: 120,
    adultSeats: 30,
    childSeats: 10,
    weatherTags: ['cold'],
  },
  {
    title: '新年愿望接龙',
    copy: '只需在群里发起话题：写下你家的新年愿望，店长会把大家的愿望贴在门店愿望墙上。',
    materials: ['群话题文案', '愿望墙海报（打印即可）'],
    budgetTier: 'zero',
    ring: 'members',
    audience: '全体群成员',
    followUp: '',
    durationMinutes: 30,
    adultSeats: 50,
    childSeats: 0,
    weatherTags: [],
  },
];
