/**
 * 我的: profile (nickname with the content check, avatar from an uploaded image), household
 * (create, invite by share card, accept, leave) and home store (nearest or chosen). The member id
 * always comes from the session.
 */
import { randomBytes } from 'crypto';
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { IsNull, MoreThan } from 'typeorm';
import { HOUSEHOLD_INVITE_PAGE, type HouseholdView, type StoreOption } from '../../../../contracts/household';
import type { MemberProfile } from '../../../../contracts/identity';
import { Db, iso } from '../../core/db';
import { AppError } from '../../core/errors';
import { checkContent, ContestService } from '../contest';
import { UploadService } from '../uploads';
import { Household } from './entities/household.entity';
import { HouseholdInvite } from './entities/household-invite.entity';
import { Member } from './entities/member.entity';
import { Store } from './entities/store.entity';
import { byDistance } from './geo';
import { MemberService } from './member.service';

const INVITE_DAYS = 7;
const CHECK_LABELS: Record<string, string> = {
  ad_absolute: '广告用语',
  health_claim: '功效宣传',
  phone: '电话号码',
  wechat_id: '微信号或联系方式',
  url: '网址',
  spam: '引流用语',
  blocked_word: '不允许的词',
};

@Provide()
@Scope(ScopeEnum.Singleton)
export class ProfileService {
  @Inject()
  db!: Db;

  @Inject()
  members!: MemberService;

  @Inject()
  contests!: ContestService;

  @Inject()
  uploads!: UploadService;

  private async active(memberId: number): Promise<Member> {
    const m = await this.db.manager.findOne(Member, { where: { id: memberId } });
    if (!m) throw new AppError('UNAUTHENTICATED');
    if (m.status !== 'active') throw new AppError('ACCOUNT_DELETED');
    return m;
  }

  /** Nicknames pass the contest's content check (phone numbers, WeChat ids, ads, blocked words). */
  async checkNickname(nickname: string): Promise<void> {
    const result = checkContent({ title: nickname, displayName: '', story: '', ingredients: [], steps: [] }, await this.contests.blockedWords());
    if (!result.clean) {
      const hit = result.hits[0];
      throw new AppError('NICKNAME_REJECTED', `昵称不能包含${CHECK_LABELS[hit.kind] ?? '不允许的内容'}（${hit.term}），请换一个`);
    }
  }

  async updateProfile(memberId: number, patch: { nickname?: string; avatarUrl?: string; avatarUploadId?: number }): Promise<MemberProfile> {
    if (patch.nickname !== undefined) await this.checkNickname(patch.nickname);
    let avatarUrl = patch.avatarUrl;
    if (patch.avatarUploadId !== undefined) {
      const img = (await this.uploads.imagesOf({ type: 'member', id: memberId }, [patch.avatarUploadId])).get(patch.avatarUploadId);
      if (!img) throw new AppError('AVATAR_NOT_FOUND');
      avatarUrl = this.uploads.fileUrl(img.thumbName ?? img.name);
    }
    return this.members.updateMe(memberId, { nickname: patch.nickname, avatarUrl });
  }

  // ------------------------------------------------------------------ household

  async householdView(memberId: number, householdId: number): Promise<HouseholdView> {
    const [h, people] = await Promise.all([
      this.db.manager.findOne(Household, { where: { id: householdId } }),
      this.db.manager.find(Member, { where: { householdId, status: 'active' }, order: { id: 'ASC' } }),
    ]);
    if (!h) throw new AppError('NOT_IN_HOUSEHOLD');
    return {
      id: h.id,
      name: h.name,
      childrenCount: h.childrenCount ?? 0,
      members: people.map((p) => ({ id: p.id, nickname: p.nickname, avatarUrl: p.avatarUrl, relation: p.householdRelation, isMe: p.id === memberId })),
    };
  }

  async myHousehold(memberId: number): Promise<{ household: HouseholdView | null }> {
    const m = await this.active(memberId);
    return { household: m.householdId ? await this.householdView(memberId, m.householdId) : null };
  }

  async createHousehold(memberId: number, input: { name: string; childrenCount: number }): Promise<{ household: HouseholdView }> {
    const id = await this.db.transaction(async (em) => {
      const m = await em.findOne(Member, { where: { id: memberId } });
      if (!m || m.status !== 'active') throw new AppError('UNAUTHENTICATED');
      if (m.householdId) throw new AppError('HOUSEHOLD_EXISTS');
      const res = await em.insert(Household, { name: input.name, storeId: m.storeId, childrenCount: input.childrenCount, createdAt: new Date() });
      const hid = Number(res.identifiers[0].id);
      // conditional: a second create racing this one finds the member already placed
      const r = await em.update(Member, { id: memberId, householdId: IsNull() }, { householdId: hid, householdRelation: '本人' });
      if (!r.affected) throw new AppError('HOUSEHOLD_EXISTS');
      return hid;
    });
    return { household: await this.householdView(memberId, id) };
  }

  async updateHousehold(memberId: number, patch: { name?: string; childrenCount?: number; relation?: string }): Promise<{ household: HouseholdView }> {
    const m = await this.active(memberId);
    if (!m.householdId) throw new AppError('NOT_IN_HOUSEHOLD');
    const hid = m.householdId;
    await this.db.transaction(async (em) => {
      const changes: Partial<Household> = {};
      if (patch.name !== undefined) changes.name = patch.name;
      if (patch.childrenCount !== undefined) changes.childrenCount = patch.childrenCount;
      if (Object.keys(changes).length) await em.update(Household, { id: hid }, changes);
      if (patch.relation !== undefined) await em.update(Member, { id: memberId }, { householdRelation: patch.relation });
    });
    return { household: await this.householdView(memberId, hid) };
  }

  async createInvite(memberId: number, now = new Date()) {
    const m = await this.active(memberId);
    if (!m.householdId) throw new AppError('NOT_IN_HOUSEHOLD');
    const h = await this.db.manager.findOne(Household, { where: { id: m.householdId } });
    if (!h) throw new AppError('NOT_IN_HOUSEHOLD');
    const token = randomBytes(18).toString('base64url');
    const expiresAt = new Date(now.getTime() + INVITE_DAYS * 86_400_000);
    await this.db.transaction((em) => em.insert(HouseholdInvite, { token, householdId: h.id, inviterMemberId: memberId, createdAt: now, expiresAt }));
    return { token, householdName: h.name, inviterNickname: m.nickname, expiresAt: iso(expiresAt)!, path: `${HOUSEHOLD_INVITE_PAGE}?token=${token}` };
  }

  private async validInvite(token: string, now: Date): Promise<{ invite: HouseholdInvite; household: Household }> {
    const invite = await this.db.manager.findOne(HouseholdInvite, { where: { token, expiresAt: MoreThan(now) } });
    const household = invite ? await this.db.manager.findOne(Household, { where: { id: invite.householdId } }) : null;
    if (!invite || !household) throw new AppError('HOUSEHOLD_INVITE_INVALID');
    // a household everyone left is gone for the invitation too
    if (!(await this.db.manager.count(Member, { where: { householdId: household.id, status: 'active' } }))) throw new AppError('HOUSEHOLD_INVITE_INVALID');
    return { invite, household };
  }

  async previewInvite(memberId: number, token: string, now = new Date()) {
    const m = await this.active(memberId);
    const { invite, household } = await this.validInvite(token, now);
    const [inviter, memberCount] = await Promise.all([
      invite.inviterMemberId ? this.db.manager.findOne(Member, { where: { id: invite.inviterMemberId, status: 'active' } }) : null,
      this.db.manager.count(Member, { where: { householdId: household.id, status: 'active' } }),
    ]);
    return {
      householdName: household.name,
      inviterNickname: inviter?.nickname ?? null,
      memberCount,
      expiresAt: iso(invite.expiresAt)!,
      alreadyMember: m.householdId === household.id,
      inOtherHousehold: m.householdId !== null && m.householdId !== household.id,
    };
  }

  async acceptInvite(memberId: number, token: string, relation: string | undefined, now = new Date()): Promise<{ household: HouseholdView }> {
    const m = await this.active(memberId);
    const { household } = await this.validInvite(token, now);
    if (m.householdId === household.id) return { household: await this.householdView(memberId, household.id) };
    if (m.householdId) throw new AppError('HOUSEHOLD_EXISTS');
    await this.db.transaction(async (em) => {
      const r = await em.update(
        Member,
        { id: memberId, status: 'active', householdId: IsNull() },
        { householdId: household.id, householdRelation: relation ?? null },
      );
      if (!r.affected) {
        const again = await em.findOne(Member, { where: { id: memberId } });
        if (again?.householdId !== household.id) throw new AppError('HOUSEHOLD_EXISTS');
      }
    });
    return { household: await this.householdView(memberId, household.id) };
  }

  async leaveHousehold(memberId: number): Promise<void> {
    const m = await this.active(memberId);
    if (!m.householdId) throw new AppError('NOT_IN_HOUSEHOLD');
    await this.db.transaction((em) => em.update(Member, { id: memberId }, { householdId: null, householdRelation: null }));
  }

  // ------------------------------------------------------------------ home store

  async stores(at: { lat: number; lng: number } | null): Promise<{ items: StoreOption[] }> {
    const rows = await this.db.manager.find(Store, { order: { id: 'ASC' } });
    return { items: byDistance(rows, at).map((s) => ({ id: s.id, name: s.name, address: s.address, distanceM: s.distanceM })) };
  }

  async setHomeStore(memberId: number, storeId: number): Promise<MemberProfile> {
    await this.active(memberId);
    if (!(await this.db.manager.count(Store, { where: { id: storeId } }))) throw new AppError('NOT_FOUND', '门店不存在');
    await this.db.transaction((em) => em.update(Member, { id: memberId, status: 'active' }, { storeId }));
    return this.members.getMe(memberId);
  }
}
