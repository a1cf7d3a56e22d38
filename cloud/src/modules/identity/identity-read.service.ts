/**
 * The one read service other modules use for identity's facts: store names, staff names, a member's
 * card facts (nickname, masked phone, household, openid), household composition and phone digests.
 * Read-only; callers never read identity's tables themselves.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import { Db } from '../../core/db';
import { Member } from './entities/member.entity';
import { StaffUser } from './entities/staff-user.entity';
import { Store } from './entities/store.entity';
import { MemberService } from './member.service';
import { maskPhone } from './views';

export interface MemberFacts {
  id: number;
  nickname: string | null;
  phoneMasked: string | null;
  openid: string | null;
  householdId: number | null;
  householdName: string | null;
  storeId: number | null;
}

/** Store names change about never; a short cache keeps them off every card. */
const STORE_CACHE_MS = 60_000;

@Provide()
@Scope(ScopeEnum.Singleton)
export class IdentityReads {
  @Inject()
  db!: Db;

  @Inject()
  members!: MemberService;

  private readonly storeCache = new Map<number, { name: string; until: number }>();

  async storeNames(ids: Iterable<number>): Promise<Map<number, string>> {
    const list = [...new Set(ids)];
    const out = new Map<number, string>();
    const now = Date.now();
    const missing = list.filter((id) => {
      const hit = this.storeCache.get(id);
      if (hit && hit.until > now) out.set(id, hit.name);
      return !(hit && hit.until > now);
    });
    if (!missing.length) return out;
    const rows = await this.db.manager.find(Store, { where: { id: In(missing) }, select: { id: true, name: true } });
    for (const r of rows) {
      out.set(r.id, r.name);
      this.storeCache.set(r.id, { name: r.name, until: now + STORE_CACHE_MS });
    }
    return out;
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
}
