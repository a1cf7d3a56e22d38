import Taro from '@tarojs/taro';
import type { ConversionKind, RewardStatus } from '@contracts/referral';

export function pageParams(): Record<string, string | undefined> {
  try {
    const params = Taro.getCurrentInstance()?.router?.params ?? {};
    const out: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(params)) out[k] = v === undefined ? undefined : String(v);
    return out;
  } catch {
    return {};
  }
}

export const STAGE_LABELS = { joined: '已加入', converted: '已参与', rewarded: '已奖励' } as const;
export const CONVERSION_SHORT: Record<ConversionKind, string> = { pickup: '首次提货', store_purchase: '首次到店消费', class_attended: '首次参加课程' };
export const REWARD_LABELS: Record<RewardStatus, string> = { issued: '已发放', held: '审核中', rejected: '未通过审核', excluded: '不计奖励' };
