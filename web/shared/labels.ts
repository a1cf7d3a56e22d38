import type { StaffRole } from '../../contracts/route';

export const ROLE_LABELS: Record<StaffRole, string> = {
  hq_admin: '总部管理员',
  store_manager: '门店店长',
  group_owner: '群主',
  staff: '门店员工',
};

/**
 * Member tiers travel as display names already (新客 / 银卡 / 金卡 / 钻石, set by the server), so they
 * are shown as sent; an empty value still renders something readable.
 */
export function tierLabel(tier: string): string {
  return tier.trim() || '未定级';
}
