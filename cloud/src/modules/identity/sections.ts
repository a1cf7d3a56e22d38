/**
 * Ops page sections per role. The page uses the list to build its navigation; the server still
 * enforces roles on every route. Sections of later features are listed so the nav is role-aware.
 */
import type { StaffRole } from '../../../../contracts/route';

export const SECTIONS_BY_ROLE: Record<StaffRole, readonly string[]> = {
  hq_admin: [
    'dashboard',
    'members',
    'staff',
    'contests',
    'classes',
    'preorders',
    'purchases',
    'journeys',
    'feedback',
    'tags',
    'library',
    'community',
    'recipes',
    'permissions',
    'referral',
  ],
  store_manager: ['dashboard', 'members', 'contests', 'classes', 'preorders', 'purchases', 'journeys', 'feedback', 'tags', 'library', 'community', 'recipes'],
  group_owner: ['dashboard', 'members', 'community'],
  staff: ['dashboard'],
};
