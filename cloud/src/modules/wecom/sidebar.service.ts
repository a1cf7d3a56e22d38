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
import { Member } from '../identity/entities/member.entity';
import { MemberService } from '../identity/member.service';
import { RfmService } from '../tags/rfm.service';
import { TagService } from '../tags/tag.service';
import { WecomContact } from './wecom-contact.entity';
import { WecomContactService } from './wecom-contact.service';

/**
 * PLACEHOLDER next-best-offer rule, by tier only, until the tags/journeys work computes offers from
 * behaviour: new members get the New Year's Eve dinner pre-order as a first order, regulars a class.
 */
export function nextBestOfferFor(tier: string): string | null {
  switch (tier) {
    case '新客':
      return '推荐「年夜饭预订」首单';
    case '银卡':
      return '邀请报名本周烹饪课';
    case '金卡':
      return '推荐「年夜饭」家庭套餐，提前锁定提货时段';
    case '钻石':
      return '店长专属回访，预约节日礼盒';
    default:
      return null;
  }
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class SidebarService {
  @Inject()
  db!: Db;

  @Inject()
  contacts!: WecomContactService;

  @Inject()
  members!: MemberService;

  @Inject()
  tags!: TagService;

  @Inject()
  rfm!: RfmService;

  async contactView(staff: StaffPrincipal, externalUserId: string): Promise<SidebarContactView> {
    const contact = await this.contacts.findByExternalId(externalUserId);
    if (!contact) throw new AppError('NOT_FOUND');
    const member = await this.linkedMember(contact);
    if (!this.mayView(staff, contact, member)) throw new AppError('NOT_FOUND');
    return {
      externalUserId: contact.externalUserId,
      name: contact.name,
      avatarUrl: contact.avatar,
      member: member ? await this.memberView(member, contact) : null,
    };
  }

  private mayView(staff: StaffPrincipal, contact: WecomContact, member: Member | null): boolean {
    if (staff.role === 'hq_admin') return true;
    if (contact.followStaffId !== null && contact.followStaffId === staff.staffId) return true;
    if (staff.role === 'store_manager' && staff.storeId !== null) {
      return contact.followStaff?.storeId === staff.storeId || member?.storeId === staff.storeId;
    }
    return false;
  }

  /** The member behind the contact: the stored link, else an active member with the same unionid (then stored). */
  private async linkedMember(contact: WecomContact): Promise<Member | null> {
    if (contact.memberId !== null) {
      const [m] = await this.members.findActiveWithRelations([contact.memberId]);
      if (m) return m;
    }
    if (!contact.unionid) return null;
    const byUnion = await this.db.manager.findOne(Member, { where: { unionid: contact.unionid, status: 'active' }, relations: { store: true, household: true } });
    if (byUnion && contact.memberId !== byUnion.id) {
      const previous = contact.memberId;
      await this.db.transaction((em) => em.update(WecomContact, { id: contact.id, memberId: previous === null ? IsNull() : previous }, { memberId: byUnion.id }));
      contact.memberId = byUnion.id;
    }
    return byUnion;
  }

  private async tagsOf(memberId: number): Promise<string[]> {
    const names = (await this.tags.tagsOf(memberId)).map((t) => t.name).filter(Boolean);
    const tier = await this.rfm.tierOf(memberId);
    return tier && !names.includes(tier) ? [...names, tier] : names;
  }

  private async memberView(m: Member, contact: WecomContact): Promise<NonNullable<SidebarContactView['member']>> {
    const consents = await this.members.consentHistory(m.id);
    const activity: Array<{ at: Date; text: string }> = [{ at: m.createdAt, text: '注册成为会员' }];
    for (const c of consents) {
      activity.push({ at: c.at, text: c.action === 'granted' ? `同意《隐私保护指引》（${c.version}）` : '撤回隐私授权' });
    }
    if (contact.addedAt) {
      const who = contact.followStaff?.displayName;
      activity.push({ at: contact.addedAt, text: who ? `添加了企业微信好友（${who}）` : '添加了企业微信好友' });
    }
    activity.sort((a, b) => b.at.getTime() - a.at.getTime());
    return {
      id: m.id,
      nickname: m.nickname,
      tier: m.tier,
      storeName: m.store?.name ?? null,
      householdName: m.household?.name ?? null,
      // our behaviour tags, then the RFM tier (when the member has orders)
      tags: await this.tagsOf(m.id),
      recentActivity: activity.slice(0, 10).map((a) => ({ at: iso(a.at), text: a.text })),
      nextBestOffer: nextBestOfferFor(m.tier),
    };
  }
}
