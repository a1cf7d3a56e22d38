/**
 * What the WeCom sidebar shows about the customer a staff member is chatting with.
 * Visibility: the staff member who follows the contact; store managers for contacts of their store
 * (followed by their store's staff or linked to a member of their store); HQ admins for all.
 * Anything else is NOT_FOUND.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { IsNull } from 'typeorm';
import type { SidebarContactView } from '../../../../contracts/wecom';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso } from '../../core/db';
import { AppError } from '../../core/errors';
import { TimelineRegistry } from '../../core/timeline';
import { IdentityReads, type MemberCard } from '../identity';
import { RfmService, TagService } from '../tags';
import { WecomContact } from './entities/wecom-contact.entity';
import { WecomContactService } from './wecom-contact.service';
import { nextBestOffers } from './offers';

/** Timeline lines in the view: enough for a glance on a phone, light to load per chat. */
export const TIMELINE_LIMIT = 15;

@Provide()
@Scope(ScopeEnum.Singleton)
export class SidebarService {
  @Inject()
  db!: Db;

  @Inject()
  contacts!: WecomContactService;

  @Inject()
  identity!: IdentityReads;

  @Inject()
  tags!: TagService;

  @Inject()
  rfm!: RfmService;

  @Inject()
  timeline!: TimelineRegistry;

  async contactView(staff: StaffPrincipal, externalUserId: string): Promise<SidebarContactView> {
    const contact = await this.contacts.findByExternalId(externalUserId);
    if (!contact) throw new AppError('NOT_FOUND');
    const member = await this.linkedMember(contact);
    if (!this.mayView(staff, contact, member)) throw new AppError('NOT_FOUND');
    return {
      externalUserId: contact.externalUserId,
      name: contact.name,
      avatarUrl: contact.avatar,
      member: member ? await this.memberView(member) : null,
    };
  }

  private mayView(staff: StaffPrincipal, contact: WecomContact, member: MemberCard | null): boolean {
    if (staff.role === 'hq_admin') return true;
    if (contact.followStaffId !== null && contact.followStaffId === staff.staffId) return true;
    if (staff.role === 'store_manager' && staff.storeId !== null) {
      return contact.followStaff?.storeId === staff.storeId || member?.storeId === staff.storeId;
    }
    return false;
  }

  /** The member behind the contact: the stored link, else an active member with the same unionid (then stored). */
  private async linkedMember(contact: WecomContact): Promise<MemberCard | null> {
    if (contact.memberId !== null) {
      const m = (await this.identity.memberCards([contact.memberId])).get(contact.memberId);
      if (m) return m;
    }
    if (!contact.unionid) return null;
    const byUnion = await this.identity.memberCardByUnionid(contact.unionid);
    if (byUnion && contact.memberId !== byUnion.id) {
      const previous = contact.memberId;
      await this.db.transaction((em) =>
        em.update(WecomContact, { id: contact.id, memberId: previous === null ? IsNull() : previous }, { memberId: byUnion.id }),
      );
      contact.memberId = byUnion.id;
    }
    return byUnion;
  }

  private async tagsOf(memberId: number): Promise<string[]> {
    const names = (await this.tags.tagsOf(memberId)).map((t) => t.name).filter(Boolean);
    const tier = await this.rfm.tierOf(memberId);
    return tier && !names.includes(tier) ? [...names, tier] : names;
  }

  /**
   * The member part: timeline and offers come from the domains through TimelineRegistry (each
   * reads its own tables), the offers from the pure rules in offers.ts.
   */
  private async memberView(m: MemberCard, now = new Date()): Promise<NonNullable<SidebarContactView['member']>> {
    const [tags, timeline, facts] = await Promise.all([this.tagsOf(m.id), this.timeline.timelineOf(m.id, TIMELINE_LIMIT), this.timeline.factsOf(m.id, now)]);
    return {
      id: m.id,
      nickname: m.nickname,
      tier: m.tier,
      storeName: m.storeName,
      householdName: m.householdName,
      // our behaviour tags, then the RFM tier (when the member has orders)
      tags,
      recentActivity: timeline.map((a) => ({ at: iso(a.at), text: a.text, kind: a.kind })),
      offers: nextBestOffers({ tier: m.tier, registeredAt: m.createdAt, facts, now }),
    };
  }
}
