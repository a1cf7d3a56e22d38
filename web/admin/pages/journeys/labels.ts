/**
 * Chinese labels and one-line summaries for the journey rule engine (contracts/journeys.ts), shared
 * by the list, the editor, the enrolment tables and the customer view.
 */
import type { JourneyAction, JourneyStep, JourneyTrigger } from '../../../../contracts/journeys';
import { CHANNEL_KIND_LABELS } from '../channels/util';

export const TRIGGER_LABELS: Record<JourneyTrigger['type'], string> = {
  contact_added: '添加企业微信好友',
  tag_added: '获得标签',
  class_checked_in: '参加活动签到',
  order_paid: '支付订单',
  inactive: '连续无互动',
};

export const CONDITION_LABELS: Record<JourneyStep['condition'], string> = {
  always: '直接执行',
  no_reply: '仍未回复',
  no_visit: '仍未到访（小程序/门店）',
  no_order: '仍未下单',
  no_interaction: '仍无任何互动',
};

export const ACTION_LABELS: Record<JourneyAction['type'], string> = {
  message: '私聊消息（员工确认后发送）',
  staff_task: '员工任务（侧边栏）',
  add_tag: '打标签',
  remove_tag: '移除标签',
  coupon: '发放优惠券',
};

export const ENROLMENT_STATUS_LABELS = { active: '进行中', completed: '已完成', exited: '已退出' } as const;
export const ENROLMENT_STATUS_COLORS = { active: 'processing', completed: 'success', exited: 'default' } as const;

export const OUTCOME_LABELS: Record<string, string> = {
  enrolled: '进入旅程',
  done: '已执行',
  goal_met: '目标达成，退出',
  deferred_quiet_hours: '免打扰时段，顺延',
  deferred_weekly_cap: '超出每周上限，顺延',
  deferred_monthly_limit: '超出企微每月群发上限，顺延',
  skipped_opted_out: '客户已退订，跳过',
  skipped_no_member: '尚未成为会员，跳过',
  completed: '旅程完成',
};
export const OUTCOME_COLORS: Record<string, string> = {
  enrolled: 'blue',
  done: 'green',
  goal_met: 'cyan',
  deferred_quiet_hours: 'orange',
  deferred_weekly_cap: 'orange',
  deferred_monthly_limit: 'orange',
  skipped_opted_out: 'default',
  skipped_no_member: 'default',
  completed: 'green',
};

export const BUILTIN_LABELS: Record<string, string> = { new_member: '内置·新客', wake_up: '内置·唤醒' };

export function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(fen % 100 === 0 ? 0 : 2)}`;
}

export function triggerSummary(t: JourneyTrigger): string {
  switch (t.type) {
    case 'contact_added':
      return t.channelKinds?.length ? `通过${t.channelKinds.map((k) => CHANNEL_KIND_LABELS[k] ?? k).join('、')}渠道添加好友` : '添加企业微信好友';
    case 'tag_added':
      return `获得标签「${t.tagName}」`;
    case 'inactive':
      return `连续 ${t.days} 天无互动`;
    default:
      return TRIGGER_LABELS[t.type];
  }
}

/** "3天" / "72小时" / "立即": waits read better in days when they are whole days. */
export function waitLabel(hours: number): string {
  if (hours === 0) return '立即';
  if (hours % 24 === 0) return `${hours / 24}天`;
  if (hours > 24) return `${Math.floor(hours / 24)}天${hours % 24}小时`;
  return `${hours}小时`;
}

export function actionSummary(a: JourneyAction): string {
  switch (a.type) {
    case 'message':
      return `私聊消息：${a.text.length > 24 ? `${a.text.slice(0, 24)}…` : a.text}${a.attachments.length ? `（附件 ${a.attachments.length}）` : ''}`;
    case 'staff_task':
      return `${a.assignee === 'store_manager' ? '店长' : '跟进员工'}任务：${a.title}`;
    case 'add_tag':
      return `打标签「${a.tagName}」`;
    case 'remove_tag':
      return `移除标签「${a.tagName}」`;
    case 'coupon':
      return `优惠券：${a.title} ${yuan(a.amountFen)}${a.minSpendFen ? `（满${yuan(a.minSpendFen)}可用）` : ''}，${a.validDays}天有效`;
  }
}

export function stepSummary(s: JourneyStep, index: number): string {
  const when = index === 0 ? `进入后${waitLabel(s.waitHours)}` : `上一步后${waitLabel(s.waitHours)}`;
  const cond = s.condition === 'always' ? '' : `，若${CONDITION_LABELS[s.condition]}`;
  return `${when}${cond} → ${actionSummary(s.action)}`;
}
