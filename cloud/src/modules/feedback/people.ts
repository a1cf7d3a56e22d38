/**
 * Read-only lookups of people this module shows or notifies: members (through identity's
 * MemberService), the members' WeCom contacts (through the WeCom module's services), tags and
 * tiers (tags module), staff and stores. Identity exports no staff/store lookup yet, so those reads
 * live here in one place (identity/identity-read.service.ts offers store / staff / member reads to every module). Nothing here writes.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import { Db } from '../../core/db';
import { StaffUser } from '../identity/entities/staff-user.entity';
import { Store } from '../identity/entities/store.entity';
import { MemberService } from '../identity/member.service';
import { RfmService } from '../tags/rfm.service';
import { TagService } from '../tags/tag.service';
import { WecomContactService } from '../wecom/wecom-contact.service';
import { WecomDirectory } from '../wecom/directory.service';

export interface MemberCard {
  id: number;
  nickname: string | null;
  tier: string;
  storeId: number | null;
  storeName: string | null;
  householdName: string | null;
  createdAt: Date;
}

export interface StaffRow {
  id: number;
  name: string;
  role: string;
  storeId: number | null;
  wecomUserId: string | null;
}

/** RFM tier and member tiers that count as high-value for feedback escalation. */
export const HIGH_VALUE_RFM = '高价值忠诚';
export const HIGH_VALUE_TIERS = ['金卡', '钻石'];

@Provide()
@Scope(ScopeEnum.Singleton)
export class People {
  @Inject()
  db!: Db;

  @Inject()
  members!: MemberService;

  @Inject()
  contacts!: WecomContactService;

  @Inject()
  directory!: WecomDirectory;

  @Inject()
  tags!: TagService;

  @Inject()
  rfm!: RfmService;

  async memberCards(ids: Iterable<number | null>): Promise<Map<number, MemberCard>> {
    const list = [...new Set([...ids].filter((x): x is number => typeof x === 'number'))];
    const out = new Map<number, MemberCard>();
    for (let i = 0; i < list.length; i += 500) {
      for (const m of await this.members.findActiveWithRelations(list.slice(i, i + 500))) {
        out.set(m.id, {
          id: m.id,
          nickname: m.nickname,
          tier: m.tier,
          storeId: m.storeId,
          storeName: m.store?.name ?? null,
          householdName: m.household?.name ?? null,
          createdAt: m.createdAt,
        });
      }
    }
    return out;
  }

  async member(id: number): Promise<MemberCard | null> {
    return (await this.memberCards([id])).get(id) ?? null;
  }

  async isHighValue(m: MemberCard): Promise<boolean> {
    if (HIGH_VALUE_TIERS.includes(m.tier)) return true;
    return (await this.rfm.tierOf(m.id)) === HIGH_VALUE_RFM;
  }

  async tagNames(memberId: number): Promise<string[]> {
    const names = (await this.tags.tagsOf(memberId)).map((t) => t.name).filter(Boolean);
    const tier = await this.rfm.tierOf(memberId);
    return tier && !names.includes(tier) ? [...names, tier] : names;
  }

  /** The member's WeCom contact still followed by a clerk (the first one), for answers through the clerk. */
  async clerkOf(memberId: number): Promise<{ externalUserId: string; userId: string; name: string } | null> {
    const list = await this.contacts.listForMember(memberId);
    for (const c of list) {
      if (!c.followUserId) continue;
      const staff = await this.directory.staffByUserId(c.followUserId);
      return { externalUserId: c.externalUserId, userId: c.followUserId, name: staff?.displayName ?? c.followUserId };
    }
    return null;
  }

  async contactsOfMember(memberId: number): Promise<Array<{ externalUserId: string; userId: string | null }>> {
    return (await this.contacts.listForMember(memberId)).map((c) => ({ externalUserId: c.externalUserId, userId: c.followUserId }));
  }

  async storeNames(ids: Iterable<number | null>): Promise<Map<number, string>> {
    const list = [...new Set([...ids].filter((x): x is number => typeof x === 'number'))];
    if (!list.length) return new Map();
    const rows = await this.db.manager.find(Store, { where: { id: In(list) }, select: { id: true, name: true } });
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async storeExists(id: number): Promise<boolean> {
    return (await this.db.manager.count(Store, { where: { id } })) > 0;
  }

  async staff(ids: Iterable<number | null>): Promise<Map<number, StaffRow>> {
    const list = [...new Set([...ids].filter((x): x is number => typeof x === 'number'))];
    if (!list.length) return new Map();
    const rows = await this.db.manager.find(StaffUser, { where: { id: In(list) } });
    return new Map(rows.map((r) => [r.id, { id: r.id, name: r.displayName, role: r.role, storeId: r.storeId, wecomUserId: r.wecomUserId }]));
  }

  async staffOfStore(storeId: number): Promise<StaffRow[]> {
    const rows = await this.db.manager.find(StaffUser, { where: { storeId, active: true }, order: { id: 'ASC' } });
    return rows.map((r) => ({ id: r.id, name: r.displayName, role: r.role, storeId: r.storeId, wecomUserId: r.wecomUserId }));
  }

  async staffByUserId(userid: string) {
    return this.directory.staffByUserId(userid);
  }

  async storeManagers(storeId: number): Promise<Array<{ id: number; userid: string | null }>> {
    return this.directory.storeManagerUserIds(storeId);
  }

  async contactName(externalUserId: string): Promise<string | null> {
    return (await this.directory.contactNames([externalUserId])).get(externalUserId) ?? null;
  }

  /** The member's nickname, else the name the clerk knows them by in WeCom. */
  async displayName(memberId: number, nickname: string | null): Promise<string> {
    if (nickname) return nickname;
    for (const c of await this.contactsOfMember(memberId)) {
      const n = await this.contactName(c.externalUserId);
      if (n) return n;
    }
    return `会员${memberId}`;
  }

  async contact(externalUserId: string) {
    return this.contacts.findByExternalId(externalUserId);
  }
}
