/**
 * Members and staff as ops see them. Scoping: HQ admins see everyone, store managers their store,
 * group owners their own group. Anything outside the scope is NOT_FOUND (existence is not leaked).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { SelectQueryBuilder } from 'typeorm';
import type { MemberListItem, StaffProfile } from '../../../../contracts/identity';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso, LIKE_ESCAPE, likeContains } from '../../core/db';
import { AppError } from '../../core/errors';
import { phoneDigest } from '../../core/pii';
import { PhoneAccess } from './entities/phone-access.entity';
import { Member } from './entities/member.entity';
import { StaffUser } from './entities/staff-user.entity';
import { maskPhone, toStaffProfile } from './views';

function toListItem(m: Member): MemberListItem {
  return {
    id: m.id,
    nickname: m.nickname,
    phoneMasked: maskPhone(m.phone),
    tier: m.tier,
    storeName: m.store?.name ?? null,
    householdName: m.household?.name ?? null,
    groupOwnerName: m.groupOwner?.displayName ?? null,
    createdAt: iso(m.createdAt),
  };
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class AdminService {
  @Inject()
  db!: Db;

  /** Active members the staff member may see, as a query builder aliased `m`. */
  scopedMembers(staff: StaffPrincipal): SelectQueryBuilder<Member> {
    const qb = this.db.manager.getRepository(Member).createQueryBuilder('m').where('m.status = :active', { active: 'active' });
    switch (staff.role) {
      case 'hq_admin':
        return qb;
      case 'store_manager':
        // a manager without a store sees nobody rather than everybody
        return staff.storeId === null ? qb.andWhere('1 = 0') : qb.andWhere('m.store_id = :storeId', { storeId: staff.storeId });
      case 'group_owner':
        return qb.andWhere('m.group_owner_staff_id = :ownerId', { ownerId: staff.staffId });
      default:
        return qb.andWhere('1 = 0');
    }
  }

  async listMembers(staff: StaffPrincipal, query: { page: number; pageSize: number; q?: string }) {
    const qb = this.scopedMembers(staff)
      .leftJoinAndSelect('m.store', 'store')
      .leftJoinAndSelect('m.household', 'household')
      .leftJoinAndSelect('m.groupOwner', 'owner');
    if (query.q) {
      // a phone number is found by the whole number only (its keyed digest): a partial number would
      // let masked digits be recovered one search at a time
      const digest = phoneDigest(query.q);
      if (digest) qb.andWhere('m.phone_digest = :digest', { digest });
      else qb.andWhere(`m.nickname LIKE :pattern ${LIKE_ESCAPE}`, { pattern: likeContains(query.q) });
    }
    const [rows, total] = await qb
      .orderBy('m.id', 'DESC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    return { items: rows.map(toListItem), total, page: query.page, pageSize: query.pageSize };
  }

  async memberDetail(staff: StaffPrincipal, memberId: number) {
    const m = await this.scopedMembers(staff)
      .andWhere('m.id = :memberId', { memberId })
      .leftJoinAndSelect('m.store', 'store')
      .leftJoinAndSelect('m.household', 'household')
      .leftJoinAndSelect('m.groupOwner', 'owner')
      .getOne();
    if (!m) throw new AppError('NOT_FOUND');
    const householdMembers = m.householdId
      ? await this.db.manager
          .getRepository(Member)
          .createQueryBuilder('h')
          .select(['h.id', 'h.nickname'])
          .where('h.household_id = :hid AND h.status = :active AND h.id <> :self', { hid: m.householdId, active: 'active', self: m.id })
          .orderBy('h.id', 'ASC')
          .getMany()
      : [];
    return { ...toListItem(m), householdMembers: householdMembers.map((h) => ({ id: h.id, nickname: h.nickname })) };
  }

  /**
   * The full number, for a role that needs to call the member (HQ, the member's store manager);
   * every reveal is written to phone_access_log first.
   */
  async revealPhone(staff: StaffPrincipal, memberId: number, reason: string): Promise<{ phone: string | null }> {
    const m = await this.scopedMembers(staff).andWhere('m.id = :memberId', { memberId }).getOne();
    if (!m) throw new AppError('NOT_FOUND');
    await this.db.manager.insert(PhoneAccess, { staffId: staff.staffId, memberId, reason, at: new Date() });
    return { phone: m.phone };
  }

  async listStaff(): Promise<{ items: StaffProfile[] }> {
    const rows = await this.db.manager.find(StaffUser, { relations: { store: true }, order: { id: 'ASC' } });
    return { items: rows.map(toStaffProfile) };
  }
}
