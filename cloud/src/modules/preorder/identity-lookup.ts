/**
 * Read-only facts from the identity module this module shows or decides on (store names, staff
 * names, a member's openid and household size). Members go through identity's MemberService;
 * store / staff names and household composition are read here in one place until identity
 * exports them (the classes module does the same). Nothing here writes identity's tables.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import { Db } from '../../core/db';
import { Member } from '../identity/entities/member.entity';
import { StaffUser } from '../identity/entities/staff-user.entity';
import { Store } from '../identity/entities/store.entity';
import { MemberService } from '../identity/member.service';

@Provide()
@Scope(ScopeEnum.Singleton)
export class PreorderIdentity {
  @Inject()
  db!: Db;

  @Inject()
  members!: MemberService;

  async storeNames(ids: Iterable<number>): Promise<Map<number, string>> {
    const list = [...new Set(ids)];
    if (!list.length) return new Map();
    const rows = await this.db.manager.find(Store, { where: { id: In(list) }, select: { id: true, name: true } });
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async staffNames(ids: Iterable<number | null>): Promise<Map<number, string>> {
    const list = [...new Set([...ids].filter((x): x is number => typeof x === 'number'))];
    if (!list.length) return new Map();
    const rows = await this.db.manager.find(StaffUser, { where: { id: In(list) }, select: { id: true, displayName: true } });
    return new Map(rows.map((r) => [r.id, r.displayName]));
  }

  async openid(memberId: number): Promise<string | null> {
    const [m] = await this.members.findActiveWithRelations([memberId]);
    return m?.openid ?? null;
  }

  /** Household size and whether a child (子女 / 孙子女) is in it; a member alone counts as 1. */
  async household(memberId: number): Promise<{ size: number; hasChildren: boolean }> {
    const [m] = await this.members.findActiveWithRelations([memberId]);
    if (!m?.householdId) return { size: 1, hasChildren: false };
    const people = await this.db.manager.find(Member, { where: { householdId: m.householdId, status: 'active' }, select: { id: true, householdRelation: true } });
    return { size: Math.max(1, people.length), hasChildren: people.some((p) => /子|女|孙/.test(p.householdRelation ?? '')) };
  }
}
