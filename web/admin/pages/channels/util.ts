/** Labels and small formatters of the 渠道活码 / 欢迎语 screens. */
import { CHANNEL_KIND_LABELS as KIND_LABELS, type WELCOME_STATUSES } from '../../../../contracts/wecom';

export const CHANNEL_KIND_LABELS: Record<string, string> = KIND_LABELS;
export const CHANNEL_KIND_COLORS: Record<string, string> = {
  store: 'orange',
  class: 'gold',
  group: 'green',
  referral: 'purple',
  poster: 'blue',
  other: 'default',
};

export const WELCOME_STATUS_LABELS: Record<(typeof WELCOME_STATUSES)[number], string> = {
  sent: '已发送',
  already_sent: '已由他人发送',
  other_app_sending: '其他应用发送中',
  expired: '已过期（超20秒）',
  failed: '发送失败',
  no_code: '无欢迎语码',
};
export const WELCOME_STATUS_COLORS: Record<string, string> = {
  sent: 'green',
  already_sent: 'default',
  other_app_sending: 'default',
  expired: 'red',
  failed: 'red',
  no_code: 'default',
};

/** 850 ms -> "0.85 秒"; null -> "—". Welcome delays are read against WeCom's 20 s window. */
export function seconds(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} 秒`;
  return `${(ms / 1000).toFixed(1)} 秒`;
}

export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

/** Split a free-form list typed with commas, spaces or 、 into clean items. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,，、;；]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
