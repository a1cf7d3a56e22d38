/** Entity -> contract shapes. Dates become ISO strings; phones are masked for ops. */
import type { MemberProfile, StaffProfile } from '../../../../contracts/identity';
import { iso } from '../../core/db';
import type { Member } from './entities/member.entity';
import type { StaffUser } from './entities/staff-user.entity';
import { SECTIONS_BY_ROLE } from './sections';

export function toMemberProfile(m: Member): MemberProfile {
  return {
    id: m.id,
    nickname: m.nickname,
    avatarUrl: m.avatarUrl,
    tier: m.tier,
    storeId: m.storeId,
    storeName: m.store?.name ?? null,
    householdId: m.householdId,
    consentVersion: m.consentVersion,
    createdAt: iso(m.createdAt),
  };
}

export function toStaffProfile(s: StaffUser): StaffProfile {
  return {
    id: s.id,
    username: s.username,
    displayName: s.displayName,
    role: s.role,
    storeId: s.storeId,
    storeName: s.store?.name ?? null,
    wecomUserId: s.wecomUserId,
    active: s.active,
    mustChangePassword: s.mustChangePassword,
    sections: [...SECTIONS_BY_ROLE[s.role]],
  };
}

/** One masking rule for every surface (core/pii). */
export { maskPhone } from '../../core/pii';
