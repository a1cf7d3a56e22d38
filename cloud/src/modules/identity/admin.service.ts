/**
 * Members and staff as ops see them. Scoping: HQ admins see everyone, store managers their store,
 * group owners their own group. Anything outside the scope is NOT_FOUND (existence is not leaked).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Brackets, SelectQueryBuilder } from 'typeorm';
import type { MemberListItem, StaffProfile } from '../../../../contracts/identity';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso, LIKE_ESCAPE, likeContains } from '../../core/db';
import { AppError } from '../../core/errors';
import { phoneDigest } from '../../core/pii';
import { PhoneAccess } from './entities/phone-access.entity';
import { Member } from './entities/member.entity';
import { StaffUser } from './entities/staff-user.entity';
import { memberCard } from './identity-read.service';
import { maskPhone, toStaffProfile } from './views';

/** A member as staff-facing reads of other modules get it (the phone in full: callers mask or gate it). */
export interface ScopedMember {
  id: number;
  nickname: string | null;
  phone: string | null;
  avatarUrl: string | null;
  tier: string;
  unionid: string | null;
  storeId: number | null;
  storeName: string | null;
  householdId: number | null;
  householdName: string | null;
  groupOwnerName: string | null;
  createdAt: Date;
}

/**
 * What to look for among the members a staff member may see. Criteria are ANDed; `ids` / `unionids`
 * together match either. `extra` conditions come from other modules' public services (e.g. "has
 * this tag", "is a WeCom contact"), written against the member id / unionid expressions given.
 */
export interface MemberQuery {
  /** nickname or phone contains */
  text?: string;
  nickname?: string;
  phoneDigest?: string;
  storeId?: number;
  tier?: string;
  joinedFrom?: Date;
  joinedTo?: Date;
  ids?: number[];
  unionids?: string[];
  extra?: Array<(idExpr: string, unionidExpr: string) => { sql: string; params?: Record<string, unknown> }>;
}

function toScoped(m: Member): ScopedMember {
  return { ...memberCard(m), phone: m.phone, groupOwnerName: m.groupOwner?.displayName ?? null };
}

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

  /** The members in scope matching `q`, a page at a time in id order (`total` counted on request). */
  async searchScoped(
    staff: StaffPrincipal,
    q: MemberQuery,
    page: { order: 'ASC' | 'DESC'; skip?: number; take?: number; count?: boolean },
  ): Promise<{ items: ScopedMember[]; total: number }> {
    const qb = this.scopedMembers(staff)
      .leftJoinAndSelect('m.store', 'store')
      .leftJoinAndSelect('m.household', 'household')
      .leftJoinAndSelect('m.groupOwner', 'owner');
    if (q.text) {
      const pattern = likeContains(q.text);
      qb.andWhere(
        new Brackets((w) => w.where(`m.nickname LIKE :pattern ${LIKE_ESCAPE}`, { pattern }).orWhere(`m.phone LIKE :pattern ${LIKE_ESCAPE}`, { pattern })),
      );
    }
    if (q.nickname) qb.andWhere(`m.nickname LIKE :pn ${LIKE_ESCAPE}`, { pn: likeContains(q.nickname) });
    if (q.phoneDigest) qb.andWhere('m.phone_digest = :pd', { pd: q.phoneDigest });
    if (q.storeId) qb.andWhere('m.store_id = :fStore', { fStore: q.storeId });
    if (q.tier) qb.andWhere('m.tier = :fTier', { fTier: q.tier });
    for (const condition of q.extra ?? []) {
      const { sql, params } = condition('m.id', 'm.unionid');
      qb.andWhere(sql, params);
    }
    if (q.joinedFrom) qb.andWhere('m.created_at >= :fFrom', { fFrom: q.joinedFrom });
    if (q.joinedTo) qb.andWhere('m.created_at < :fTo', { fTo: q.joinedTo });
    if (q.ids || q.unionids) {
      const ids = q.ids ?? [];
      const unionids = q.unionids ?? [];
      if (!ids.length && !unionids.length) return { items: [], total: 0 };
      qb.andWhere(
        new Brackets((w) => {
          if (ids.length) w.orWhere('m.id IN (:...pmIds)', { pmIds: ids });
          if (unionids.length) w.orWhere('m.unionid IN (:...pmUnions)', { pmUnions: unionids });
        }),
      );
    }
    qb.orderBy('m.id', page.order);
    if (page.skip) qb.skip(page.skip);
    if (page.take !== undefined) qb.take(page.take);
    if (page.count) {
      const [rows, total] = await qb.getManyAndCount();
      return { items: rows.map(toScoped), total };
    }
    const rows = await qb.getMany();
    return { items: rows.map(toScoped), total: rows.length };
  }

  /** The tiers present among the members in scope (filter options). */
  async tiersInScope(staff: StaffPrincipal): Promise<string[]> {
    const tiers: Array<{ tier: string }> = await this.scopedMembers(staff).select('m.tier', 'tier').distinct(true).orderBy('m.tier', 'ASC').getRawMany();
    return tiers.map((t) => t.tier).filter(Boolean);
  }

  /** Active members of a household in id order (no personal data beyond nickname and relation). */
  async householdMembers(householdId: number): Promise<Array<{ id: number; nickname: string | null; relation: string | null }>> {
    const rows = await this.db.manager.find(Member, {
      where: { householdId, status: 'active' },
      select: { id: true, nickname: true, householdRelation: true },
      order: { id: 'ASC' },
    });
    return rows.map((h) => ({ id: h.id, nickname: h.nickname, relation: h.householdRelation }));
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
