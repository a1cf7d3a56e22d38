/**
 * 「我的数据」 in plain Chinese: every section and field labelled, values translated, times in
 * Beijing time, money in yuan. The JSON export keeps the machine keys; only the screen uses these.
 * A section or field added later without a label here still shows in Chinese (「其他记录」/「其他信息」),
 * never as a raw key.
 */
import { formatShanghai } from '../../../utils/time';

export const SECTION_LABELS: Record<string, string> = {
  contestEntries: '菜谱大赛投稿',
  contestVotes: '菜谱大赛投票',
  classRegistrations: '课程与活动报名',
  journeys: '门店关怀与优惠券',
  tags: '会员标签',
  recipes: '菜谱收藏与推荐依据',
  orders: '订单',
  preorders: '年夜饭预订',
  purchases: '购买记录',
  payments: '支付记录',
  referrals: '邀请记录',
  feedback: '意见与评价',
  followups: '员工跟进记录',
  advisoryPanel: '顾客顾问团',
};

export const FIELD_LABELS: Record<string, string> = {
  id: '编号',
  contestId: '大赛编号',
  entryId: '作品编号',
  title: '标题',
  displayName: '署名',
  story: '故事',
  ingredients: '食材',
  steps: '做法',
  photos: '照片',
  status: '状态',
  rejectReason: '未通过原因',
  votes: '得票',
  createdAt: '提交时间',
  day: '投票日期',
  at: '时间',
  voided: '是否作废',
  startsAt: '开始时间',
  adults: '成人',
  children: '儿童',
  childAges: '孩子年龄',
  registeredAt: '报名时间',
  checkedInAt: '签到时间',
  stars: '评分',
  comment: '评价',
  type: '类型',
  amountFen: '金额',
  minSpendFen: '使用门槛',
  totalFen: '金额',
  issuedAt: '发放时间',
  validUntil: '有效期至',
  journey: '旅程',
  enrolledAt: '开始时间',
  tag: '标签',
  source: '来源',
  grantedAt: '获得时间',
  recipe: '菜谱',
  savedAt: '收藏时间',
  product: '商品',
  seenAt: '购买时间',
  name: '名称',
  storeName: '门店',
  paidAt: '支付时间',
  pickedUpAt: '自提时间',
  updatedAt: '更新时间',
  orderNo: '订单号',
  items: '商品',
  refundFen: '退款金额',
  kind: '类型',
  invitedAt: '受邀时间',
  moderator: '群管理员',
  roundId: '场次编号',
  review: '评测内容',
  reviewedAt: '评测时间',
};

/** Values of enumerations, per field (status: pending → 待审核 …). */
const VALUE_LABELS: Record<string, Record<string, string>> = {
  status: {
    pending: '待审核',
    approved: '已通过',
    rejected: '未通过',
    withdrawn: '已撤下',
    confirmed: '已报名',
    waitlisted: '候补中',
    cancelled: '已取消',
    attended: '已签到',
    no_show: '未到场',
    active: '进行中',
    completed: '已完成',
    exited: '已退出',
    issued: '未使用',
    used: '已使用',
    expired: '已过期',
    paid: '已支付',
    refunded: '已退款',
    picked_up: '已自提',
    pending_payment: '待支付',
    refunding: '退款中',
  },
  type: { coupon: '优惠券', journey: '关怀旅程', favourite: '收藏', purchase_signal: '推荐依据（买过的商品）' },
  source: { rfm: '消费分层', contest: '菜谱大赛', classes: '课程', channel: '渠道', manual: '员工添加', wecom: '企业微信' },
};

export function sectionLabel(key: string): string {
  return SECTION_LABELS[key] ?? '其他记录';
}

export function fieldLabel(key: string): string {
  return FIELD_LABELS[key] ?? '其他信息';
}

// ISO-8601 UTC timestamps (what every section sends for times), whatever the field is called
const isIsoTime = (v: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v);

export function valueText(key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'number' && /Fen$/.test(key)) return `${(value / 100).toFixed(2)} 元`;
  if (typeof value === 'string') {
    if (isIsoTime(value) && !Number.isNaN(Date.parse(value))) return formatShanghai(value);
    const mapped = VALUE_LABELS[key]?.[value];
    if (mapped) return mapped;
    // an enumeration we have no label for yet: say so in Chinese rather than show the code
    if (VALUE_LABELS[key] && /^[a-z_]+$/.test(value)) return '其他';
    return value;
  }
  if (Array.isArray(value)) return value.length ? value.map((v) => valueText(key, v)).join('、') : '—';
  if (typeof value === 'object')
    return Object.values(value as Record<string, unknown>)
      .map((v) => valueText('', v))
      .join(' ');
  return String(value);
}
