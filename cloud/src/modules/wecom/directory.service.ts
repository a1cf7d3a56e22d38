/**
 * Read-only lookups of identity data the WeCom engine needs on hot paths (staff names for the
 * welcome text, store names, member by unionid), with a short in-memory cache. Identity owns
 * these tables; nothing here writes them.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db } from '../../core/db';
import { Member } from '../identity/entities/member.entity';
import { In, Not, IsNull } from 'typeorm';
import { StaffUser } from '../identity/entities/staff-user.entity';
import { Store } from '../identity/entities/store.entity';
import { WecomContact } from './wecom-contact.entity';

const TTL_MS = 60_000;

interface Cached<T> {
  value: T;
  at: number;
}

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

  private staff = new Map<string, Cached<StaffCard | null>>();
  private stores = new Map<number, Cached<string | null>>();

  private fresh<T>(c: Cached<T> | undefined): c is Cached<T> {
    return !!c && Date.now() - c.at < TTL_MS;
  }

  async staffByUserId(userid: string): Promise<StaffCard | null> {
    const c = this.staff.get(userid);
    if (this.fresh(c)) return c.value;
    const s = await this.db.manager.findOne(StaffUser, {
      where: { wecomUserId: userid },
      select: { id: true, displayName: true, storeId: true, role: true, active: true },
    });
    const value = s && s.active ? { id: s.id, displayName: s.displayName, storeId: s.storeId, role: s.role } : null;
    this.staff.set(userid, { value, at: Date.now() });
    return value;
  }

  /** WeCom userids of one store's staff (store scoping of journey reads). */
  async wecomUserIdsOfStore(storeId: number): Promise<string[]> {
    const rows = await this.db.manager.find(StaffUser, { where: { storeId, wecomUserId: Not(IsNull()) }, select: { id: true, wecomUserId: true } });
    return rows.map((r) => r.wecomUserId!).filter(Boolean);
  }

  async storeName(storeId: number | null): Promise<string | null> {
    if (!storeId) return null;
    const c = this.stores.get(storeId);
    if (this.fresh(c)) return c.value;
    const s = await this.db.manager.findOne(Store, { where: { id: storeId }, select: { id: true, name: true } });
    this.stores.set(storeId, { value: s?.name ?? null, at: Date.now() });
    return s?.name ?? null;
  }

  async memberIdByUnionid(unionid: string): Promise<number | null> {
    const m = await this.db.manager.findOne(Member, { where: { unionid, status: 'active' }, select: { id: true } });
    return m?.id ?? null;
  }

  async member(memberId: number): Promise<{ id: number; nickname: string | null; storeId: number | null; active: boolean } | null> {
    const m = await this.db.manager.findOne(Member, { where: { id: memberId }, select: { id: true, nickname: true, storeId: true, status: true } });
    return m ? { id: m.id, nickname: m.nickname, storeId: m.storeId, active: m.status === 'active' } : null;
  }

  /** Home stores of these members, one query per 5000 (for store-manager tasks). */
  async memberStores(memberIds: number[]): Promise<Map<number, number | null>> {
    const out = new Map<number, number | null>();
    const ids = [...new Set(memberIds)];
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
    const ids = [...new Set(userids.filter((u): u is string => !!u))];
    if (!ids.length) return new Map();
    const rows = await this.db.manager.find(StaffUser, { where: { wecomUserId: In(ids) }, select: { wecomUserId: true, displayName: true } });
    return new Map(rows.map((r) => [r.wecomUserId!, r.displayName]));
  }

  /** Members as people see them: nickname, else the masked phone. */
  async memberNames(memberIds: Array<number | null>): Promise<Map<number, string>> {
    const ids = [...new Set(memberIds.filter((m): m is number => m !== null))];
    if (!ids.length) return new Map();
    const rows = await this.db.manager.find(Member, { where: { id: In(ids) }, select: { id: true, nickname: true, phone: true } });
    return new Map(rows.map((m) => [m.id, m.nickname ?? (m.phone ? `${m.phone.slice(0, 3)}****${m.phone.slice(-4)}` : '未设置昵称')]));
  }

  async staffById(staffId: number): Promise<{ id: number; wecomUserId: string | null; storeId: number | null; role: string } | null> {
    const s = await this.db.manager.findOne(StaffUser, { where: { id: staffId }, select: { id: true, wecomUserId: true, storeId: true, role: true } });
    return s ? { id: s.id, wecomUserId: s.wecomUserId, storeId: s.storeId, role: s.role } : null;
  }

  /** WeCom userids of active store managers of a store. */
  async storeManagerUserIds(storeId: number): Promise<Array<{ id: number; userid: string | null }>> {
    const rows = await this.db.manager.find(StaffUser, { where: { storeId, role: 'store_manager', active: true }, select: { id: true, wecomUserId: true } });
    return rows.map((r) => ({ id: r.id, userid: r.wecomUserId }));
  }
}
