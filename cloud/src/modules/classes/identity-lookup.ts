/**
 * Read-only names from the identity module that this module shows (store names, staff names,
 * members' nickname / phone / household / openid). Members go through identity's MemberService;
 * identity exports no store or staff lookup yet, so those two reads live here, in one place, until
 * it does (asked of the lead). Nothing here writes identity's tables.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import { Db } from '../../core/db';
import { StaffUser } from '../identity/entities/staff-user.entity';
import { Store } from '../identity/entities/store.entity';
import { MemberService } from '../identity/member.service';
import { maskPhone } from '../identity/views';

export interface MemberFacts {
  id: number;
  nickname: string | null;
  phoneMasked: string | null;
  openid: string | null;
  householdId: number | null;
  householdName: string | null;
  storeId: number | null;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class IdentityLookup {
  @Inject()
  db!: Db;

  @Inject()
  members!: MemberService;

  /** Store names change about never; a short cache keeps them off every session card. */
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
      this.storeCache.set(r.id, { name: r.name, until: now + 60_000 });
    }
    return out;
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
}
