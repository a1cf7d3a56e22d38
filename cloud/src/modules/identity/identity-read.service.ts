/**
 * The one read service other modules use for identity's facts: store names, staff names, a member's
 * card facts (nickname, masked phone, household, openid), household composition and phone digests.
 * Read-only; callers never read identity's tables themselves.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In, IsNull, Not } from 'typeorm';
import type { StaffProfile } from '../../../../contracts/identity';
import type { StaffRole } from '../../../../contracts/route';
import { Db } from '../../core/db';
import { AppError } from '../../core/errors';
import { CachedLookup } from '../../core/queue/batcher';
import { Member } from './entities/member.entity';
import { StaffUser } from './entities/staff-user.entity';
import { Store } from './entities/store.entity';
import { MemberService } from './member.service';
import { maskPhone, toStaffProfile } from './views';

export interface MemberFacts {
  id: number;
  nickname: string | null;
  phoneMasked: string | null;
  openid: string | null;
  householdId: number | null;
  householdName: string | null;
  storeId: number | null;
}

/** A member as other modules' cards show them (active members only). */
export interface MemberCard {
  id: number;
  nickname: string | null;
  tier: string;
  unionid: string | null;
  storeId: number | null;
  storeName: string | null;
  householdId: number | null;
  householdName: string | null;
  avatarUrl: string | null;
  createdAt: Date;
}

/** A staff account as other modules see it (no credentials). */
export interface StaffCard {
  id: number;
  displayName: string;
  role: StaffRole;
  storeId: number | null;
  wecomUserId: string | null;
  active: boolean;
}

const STAFF_CARD_SELECT = { id: true, displayName: true, role: true, storeId: true, wecomUserId: true, active: true } as const;
const staffCard = (s: StaffCard): StaffCard => ({
  id: s.id,
  displayName: s.displayName,
  role: s.role,
  storeId: s.storeId,
  wecomUserId: s.wecomUserId,
  active: s.active,
});

/** How long a store's name and a WeCom userid's staff account are kept: a minute's staleness is fine for both. */
const CACHE_MS = 60_000;

@Provide()
@Scope(ScopeEnum.Singleton)
export class IdentityReads {
  @Inject()
  db!: Db;

  @Inject()
  members!: MemberService;

  /** Store names change about never; a minute's cache keeps them off every card. */
  private readonly storeNameLookup = new CachedLookup<number, string>(
    async (ids) => new Map((await this.db.manager.find(Store, { where: { id: In(ids) }, select: { id: true, name: true } })).map((r) => [r.id, r.name])),
    { ttlMs: CACHE_MS },
  );
  /** Staff by WeCom userid sit on the welcome hot path (`value: null`: no such staff, kept too). */
  private readonly staffByUserIdLookup = new CachedLookup<string, { value: StaffCard | null }>(
    async (userids) => {
      const rows = await this.db.manager.find(StaffUser, { where: { wecomUserId: In(userids) }, select: STAFF_CARD_SELECT });
      const found = new Map<string, StaffCard>();
      for (const r of rows) if (!found.has(r.wecomUserId!)) found.set(r.wecomUserId!, staffCard(r));
      return new Map(userids.map((u) => [u, { value: found.get(u) ?? null }]));
    },
    { ttlMs: CACHE_MS },
  );

  async storeNames(ids: Iterable<number>): Promise<Map<number, string>> {
    return this.storeNameLookup.many(ids);
  }

  async allStores(): Promise<Array<{ id: number; name: string }>> {
    return this.db.manager.find(Store, { select: { id: true, name: true }, order: { id: 'ASC' } });
  }

  async storeExists(id: number): Promise<boolean> {
    return (await this.db.manager.count(Store, { where: { id } })) > 0;
  }

  async staffNames(ids: Iterable<number | null>): Promise<Map<number, string>> {
    const list = [...new Set([...ids].filter((x): x is number => typeof x === 'number'))];
    if (!list.length) return new Map();
    const rows = await this.db.manager.find(StaffUser, { where: { id: In(list) }, select: { id: true, displayName: true } });
    return new Map(rows.map((r) => [r.id, r.displayName]));
  }

  /** Active members only (deleted accounts come back missing: shown as null). */
  async memberFacts(ids: Iterable<number>): Promise<Map<number, MemberFacts>> {
    const list = [...new Set(ids)];
    if (!list.length) return new Map();
    const out = new Map<number, MemberFacts>();
    // chunked: IN lists stay small on both drivers
    for (let i = 0; i < list.length; i += 500) {
      const rows = await this.members.findActiveWithRelations(list.slice(i, i + 500));
      for (const m of rows) {
        out.set(m.id, {
          id: m.id,
          nickname: m.nickname,
          phoneMasked: maskPhone(m.phone),
          openid: m.openid,
          householdId: m.householdId,
          householdName: m.household?.name ?? null,
          storeId: m.storeId,
        });
      }
    }
    return out;
  }

  /**
   * Active members' households, by id (a member without one maps to null; a missing or erased
   * member is absent). One light statement: hot paths (class registration under a crowd) need only
   * this, not the decrypted phone and store of memberFacts.
   */
  async memberHouseholds(ids: Iterable<number>): Promise<Map<number, { householdId: number | null }>> {
    const list = [...new Set(ids)];
    const out = new Map<number, { householdId: number | null }>();
    for (let i = 0; i < list.length; i += 500) {
      const part = list.slice(i, i + 500);
      const rows: Array<{ id: number | string; householdId: number | string | null }> = await this.db.manager.query(
        `SELECT id, household_id AS householdId FROM member WHERE id IN (${part.map(() => '?').join(',')}) AND status = 'active'`,
        part,
      );
      for (const r of rows) out.set(Number(r.id), { householdId: r.householdId === null ? null : Number(r.householdId) });
    }
    return out;
  }

  async memberActive(id: number): Promise<boolean> {
    return (await this.members.findActiveWithRelations([id])).length > 0;
  }

  async openid(memberId: number): Promise<string | null> {
    const [m] = await this.members.findActiveWithRelations([memberId]);
    return m?.openid ?? null;
  }

  /** Household size and whether a child (子女 / 孙子女) is in it; a member alone counts as 1. */
  async household(memberId: number): Promise<{ size: number; hasChildren: boolean }> {
    const [m] = await this.members.findActiveWithRelations([memberId]);
    if (!m?.householdId) return { size: 1, hasChildren: false };
    const people = await this.db.manager.find(Member, {
      where: { householdId: m.householdId, status: 'active' },
      select: { id: true, householdRelation: true },
    });
    return { size: Math.max(1, people.length), hasChildren: people.some((p) => /子|女|孙/.test(p.householdRelation ?? '')) };
  }

  /** Receipts given a phone at the till: the one active member with that number's digest. */
  async membersByPhoneDigest(digests: Iterable<string>): Promise<Map<string, number>> {
    return this.members.activeMemberIdsByPhoneDigest(digests);
  }

  async phoneDigestOf(memberId: number): Promise<string | null> {
    return this.members.phoneDigestOf(memberId);
  }

  /** Several members' phone digests at once (purchases' set-based matching at registration). */
  async phoneDigestsOf(memberIds: number[]): Promise<Map<number, string>> {
    return this.members.phoneDigestsOf(memberIds);
  }

  /** The signed-in staff member's own profile (what /api/staff/me shows). */
  async staffProfile(staffId: number): Promise<StaffProfile> {
    const staff = await this.db.manager.findOne(StaffUser, { where: { id: staffId }, relations: { store: true } });
    if (!staff) throw new AppError('UNAUTHENTICATED');
    return toStaffProfile(staff);
  }

  async staffCards(ids: Iterable<number | null>): Promise<Map<number, StaffCard>> {
    const list = [...new Set([...ids].filter((x): x is number => typeof x === 'number'))];
    if (!list.length) return new Map();
    const rows = await this.db.manager.find(StaffUser, { where: { id: In(list) }, select: STAFF_CARD_SELECT });
    return new Map(rows.map((r) => [r.id, staffCard(r)]));
  }

  /** The staff account signed in to WeCom as this userid (active or not), cached for a minute. */
  async staffByWecomUserId(userid: string): Promise<StaffCard | null> {
    return (await this.staffByUserIdLookup.get(userid))?.value ?? null;
  }

  /** Display names of staff by WeCom userid (lists show people, not account ids). */
  async staffNamesByWecomUserId(userids: Iterable<string | null>): Promise<Map<string, string>> {
    const ids = [...new Set([...userids].filter((u): u is string => !!u))];
    if (!ids.length) return new Map();
    const rows = await this.db.manager.find(StaffUser, { where: { wecomUserId: In(ids) }, select: { id: true, wecomUserId: true, displayName: true } });
    return new Map(rows.map((r) => [r.wecomUserId!, r.displayName]));
  }

  /** Active staff of a store in id order, optionally of one role. */
  async staffOfStore(storeId: number, role?: StaffRole): Promise<StaffCard[]> {
    const rows = await this.db.manager.find(StaffUser, {
      where: { storeId, active: true, ...(role ? { role } : {}) },
      select: STAFF_CARD_SELECT,
      order: { id: 'ASC' },
    });
    return rows.map(staffCard);
  }

  /** WeCom userids of a store's staff accounts (any state). */
  async wecomUserIdsOfStore(storeId: number): Promise<string[]> {
    const rows = await this.db.manager.find(StaffUser, { where: { storeId, wecomUserId: Not(IsNull()) }, select: { id: true, wecomUserId: true } });
    return rows.map((r) => r.wecomUserId!).filter(Boolean);
  }

  /** Cards of active members (deleted ones come back missing). */
  async memberCards(ids: Iterable<number | null>, em?: EntityManager): Promise<Map<number, MemberCard>> {
    const list = [...new Set([...ids].filter((x): x is number => typeof x === 'number'))];
    const out = new Map<number, MemberCard>();
    for (let i = 0; i < list.length; i += 500) {
      for (const m of await this.members.findActiveWithRelations(list.slice(i, i + 500), em)) out.set(m.id, memberCard(m));
    }
    return out;
  }

  /** The active member with this unionid, if any. */
  async memberCardByUnionid(unionid: string): Promise<MemberCard | null> {
    const m = await this.db.manager.findOne(Member, { where: { unionid, status: 'active' }, relations: { store: true, household: true } });
    return m ? memberCard(m) : null;
  }

  async memberIdByUnionid(unionid: string): Promise<number | null> {
    const m = await this.db.manager.findOne(Member, { where: { unionid, status: 'active' }, select: { id: true } });
    return m?.id ?? null;
  }

  /** A member of any state: nickname, home store and whether the account is still active. */
  async memberState(memberId: number): Promise<{ id: number; nickname: string | null; storeId: number | null; active: boolean } | null> {
    const m = await this.db.manager.findOne(Member, { where: { id: memberId }, select: { id: true, nickname: true, storeId: true, status: true } });
    return m ? { id: m.id, nickname: m.nickname, storeId: m.storeId, active: m.status === 'active' } : null;
  }

  /** Home stores of these members (any state), one query per 5000. */
  async memberStores(memberIds: Iterable<number>): Promise<Map<number, number | null>> {
    const out = new Map<number, number | null>();
    const ids = [...new Set(memberIds)];
    // plain `?` placeholders: the query builder's named-parameter pass is slow on thousands of ids
    for (let i = 0; i < ids.length; i += 5000) {
      const part = ids.slice(i, i + 5000);
      const rows: Array<{ id: number | string; store_id: number | string | null }> = await this.db.manager.query(
        `SELECT id, store_id FROM member WHERE id IN (${part.map(() => '?').join(',')})`,
        part,
      );
      for (const r of rows) out.set(Number(r.id), r.store_id === null ? null : Number(r.store_id));
    }
    return out;
  }

  /** Members as people see them (any state): nickname, else the masked phone. */
  async memberNames(memberIds: Iterable<number | null>): Promise<Map<number, string>> {
    const ids = [...new Set([...memberIds].filter((m): m is number => typeof m === 'number'))];
    if (!ids.length) return new Map();
    const rows = await this.db.manager.find(Member, { where: { id: In(ids) }, select: { id: true, nickname: true, phone: true } });
    return new Map(rows.map((m) => [m.id, m.nickname ?? maskPhone(m.phone) ?? '未设置昵称']));
  }
}

export function memberCard(m: Member): MemberCard {
  return {
    id: m.id,
    nickname: m.nickname,
    tier: m.tier,
    unionid: m.unionid,
    storeId: m.storeId,
    storeName: m.store?.name ?? null,
    householdId: m.householdId,
    householdName: m.household?.name ?? null,
    avatarUrl: m.avatarUrl,
    createdAt: m.createdAt,
  };
}
