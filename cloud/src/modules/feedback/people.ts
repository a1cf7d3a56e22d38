/**
 * Read-only lookups of people this module shows or notifies: members, staff and stores (through
 * identity's read service), the members' WeCom contacts (through the WeCom module's services), tags
 * and tiers (tags module). Nothing here writes.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { IdentityReads } from '../identity';
import { RfmService, TagService } from '../tags';
import { WecomDirectory, WecomContactService } from '../wecom';

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
  identity!: IdentityReads;

  @Inject()
  contacts!: WecomContactService;

  @Inject()
  directory!: WecomDirectory;

  @Inject()
  tags!: TagService;

  @Inject()
  rfm!: RfmService;

  async memberCards(ids: Iterable<number | null>): Promise<Map<number, MemberCard>> {
    const out = new Map<number, MemberCard>();
    for (const m of (await this.identity.memberCards(ids)).values()) {
      out.set(m.id, {
        id: m.id,
        nickname: m.nickname,
        tier: m.tier,
        storeId: m.storeId,
        storeName: m.storeName,
        householdName: m.householdName,
        createdAt: m.createdAt,
      });
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
    return this.identity.storeNames([...ids].filter((x): x is number => typeof x === 'number'));
  }

  async storeExists(id: number): Promise<boolean> {
    return this.identity.storeExists(id);
  }

  async staff(ids: Iterable<number | null>): Promise<Map<number, StaffRow>> {
    const rows = await this.identity.staffCards(ids);
    return new Map([...rows.values()].map((r) => [r.id, { id: r.id, name: r.displayName, role: r.role, storeId: r.storeId, wecomUserId: r.wecomUserId }]));
  }

  async staffOfStore(storeId: number): Promise<StaffRow[]> {
    const rows = await this.identity.staffOfStore(storeId);
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
