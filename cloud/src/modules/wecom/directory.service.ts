/**
 * The lookups the WeCom engine needs on hot paths: identity's facts (staff names for the welcome
 * text, store names, member by unionid) through identity's read service, which keeps the caches;
 * and wecom's own contact names and links.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In, Not, IsNull } from 'typeorm';
import { Db } from '../../core/db';
import { IdentityReads } from '../identity';
import { WecomContact } from './entities/wecom-contact.entity';

export interface StaffCard {
  id: number;
  displayName: string;
  storeId: number | null;
  role: string;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class WecomDirectory {
  @Inject()
  db!: Db;

  @Inject()
  identity!: IdentityReads;

  /** The active staff account behind a WeCom userid. */
  async staffByUserId(userid: string): Promise<StaffCard | null> {
    const s = await this.identity.staffByWecomUserId(userid);
    return s && s.active ? { id: s.id, displayName: s.displayName, storeId: s.storeId, role: s.role } : null;
  }

  /** WeCom userids of one store's staff (store scoping of journey reads). */
  async wecomUserIdsOfStore(storeId: number): Promise<string[]> {
    return this.identity.wecomUserIdsOfStore(storeId);
  }

  async storeName(storeId: number | null): Promise<string | null> {
    if (!storeId) return null;
    return (await this.identity.storeNames([storeId])).get(storeId) ?? null;
  }

  async memberIdByUnionid(unionid: string): Promise<number | null> {
    return this.identity.memberIdByUnionid(unionid);
  }

  async member(memberId: number): Promise<{ id: number; nickname: string | null; storeId: number | null; active: boolean } | null> {
    return this.identity.memberState(memberId);
  }

  /** Home stores of these members (for store-manager tasks). */
  async memberStores(memberIds: number[]): Promise<Map<number, number | null>> {
    return this.identity.memberStores(memberIds);
  }

  /** The WeCom contacts (with their owning staff userid) of these members; for pushing member tags. */
  async contactsOfMembers(memberIds: number[]): Promise<Array<{ memberId: number; externalUserId: string; userId: string }>> {
    const out: Array<{ memberId: number; externalUserId: string; userId: string }> = [];
    const ids = [...new Set(memberIds)];
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db.manager.find(WecomContact, {
        where: { memberId: In(ids.slice(i, i + 500)), followUserId: Not(IsNull()) },
        select: { id: true, memberId: true, externalUserId: true, followUserId: true },
      });
      for (const r of rows) out.push({ memberId: r.memberId!, externalUserId: r.externalUserId, userId: r.followUserId! });
    }
    return out;
  }

  /** Display names of WeCom contacts we know (for message placeholders). */
  async contactNames(externalUserIds: string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    const ids = [...new Set(externalUserIds)];
    // plain `?` placeholders: the query builder's named-parameter pass is slow on thousands of ids
    for (let i = 0; i < ids.length; i += 5000) {
      const part = ids.slice(i, i + 5000);
      const rows: Array<{ external_user_id: string; name: string | null }> = await this.db.manager.query(
        `SELECT external_user_id, name FROM wecom_contact WHERE external_user_id IN (${part.map(() => '?').join(',')})`,
        part,
      );
      for (const r of rows) out.set(r.external_user_id, r.name);
    }
    return out;
  }

  /** Display names of staff by WeCom userid (ops lists show people, not account ids). */
  async staffNames(userids: Array<string | null>): Promise<Map<string, string>> {
    return this.identity.staffNamesByWecomUserId(userids);
  }

  /** Members as people see them: nickname, else the masked phone. */
  async memberNames(memberIds: Array<number | null>): Promise<Map<number, string>> {
    return this.identity.memberNames(memberIds);
  }

  async staffById(staffId: number): Promise<{ id: number; wecomUserId: string | null; storeId: number | null; role: string } | null> {
    const s = (await this.identity.staffCards([staffId])).get(staffId);
    return s ? { id: s.id, wecomUserId: s.wecomUserId, storeId: s.storeId, role: s.role } : null;
  }

  /** WeCom userids of active store managers of a store. */
  async storeManagerUserIds(storeId: number): Promise<Array<{ id: number; userid: string | null }>> {
    return (await this.identity.staffOfStore(storeId, 'store_manager')).map((r) => ({ id: r.id, userid: r.wecomUserId }));
  }
}
