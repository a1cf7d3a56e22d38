/**
 * Helpers of the ops classes pages: Shanghai wall-clock <-> UTC for the date-time inputs (ops
 * type Beijing time whatever the browser's zone), labels, and the two non-JSON calls (CSV export,
 * cover upload) that need the bearer token directly.
 */
import {
  CLASS_TYPE_LABELS,
  REGISTRATION_STATUS_LABELS,
  type ClassType,
  type NoticeKind,
  type NoticeStatus,
  type RegistrationStatus,
} from '../../../../contracts/classes';

export { fromShanghaiInput, shanghaiToday, toShanghaiInput } from '../../../shared/time';

export function typeLabel(t: ClassType): string {
  return CLASS_TYPE_LABELS[t] ?? t;
}

export const STATUS_COLORS: Record<RegistrationStatus, string> = {
  confirmed: 'green',
  waitlisted: 'orange',
  attended: 'blue',
  no_show: 'red',
  cancelled: 'default',
  unpaid: 'gold',
};

export function statusLabel(s: RegistrationStatus): string {
  return REGISTRATION_STATUS_LABELS[s] ?? s;
}

export const SESSION_STATUS_LABELS: Record<string, string> = { scheduled: '未开始/进行中', cancelled: '已取消', finished: '已结束' };

export const NOTICE_KIND_LABELS: Record<NoticeKind, string> = { reminder_24h: '24小时提醒', reminder_2h: '2小时提醒', promoted: '候补成功通知' };
export const NOTICE_STATUS_LABELS: Record<NoticeStatus, string> = {
  pending: '待发送',
  sending: '发送中',
  sent: '已发送',
  refused: '未授权',
  failed: '失败',
  skipped: '已跳过',
};

export const CHECKIN_METHOD_LABELS: Record<string, string> = { staff_scan: '店员扫码', staff_code: '店员输入签到码', member_scan: '会员扫码' };

export function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

export function stars(n: number | null): string {
  if (n === null) return '—';
  return n.toFixed(1);
}

// kept in common/ so a screen that only downloads does not load the classes contract
export { downloadWithToken } from '../../common/download';
