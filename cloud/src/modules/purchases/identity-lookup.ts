/**
 * Read-only names and checks from the identity module (store names, whether a member is active).
 * Members go through identity's MemberService; identity exports no store lookup yet, so that one
 * read lives here, in one place (as in classes/identity-lookup.ts). Nothing here writes identity's tables.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import { Db } from '../../core/db';
import { Store } from '../identity/entities/store.entity';
import { MemberService } from '../identity/member.service';

@Provide()
@Scope(ScopeEnum.Singleton)
export class PurchasesIdentity {
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

  async allStores(): Promise<Array<{ id: number; name: string }>> {
    return this.db.manager.find(Store, { select: { id: true, name: true }, order: { id: 'ASC' } });
  }

  async storeExists(id: number): Promise<boolean> {
    return (await this.storeNames([id])).has(id);
  }

  /** Receipts given a phone at the till: the one active member with that number's digest. */
  async membersByPhoneDigest(digests: Iterable<string>): Promise<Map<string, number>> {
    return this.members.activeMemberIdsByPhoneDigest(digests);
  }

  async phoneDigestOf(memberId: number): Promise<string | null> {
    return this.members.phoneDigestOf(memberId);
  }

  async memberActive(id: number): Promise<boolean> {
    return (await this.members.findActiveWithRelations([id])).length > 0;
  }
}
