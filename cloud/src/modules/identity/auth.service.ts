/**
 * Sign-in rules for members (wx.login code) and staff (password or WeCom OAuth).
 *
 * Members: a first login, or a login while the stored consent is outdated or withdrawn, must carry
 * the current privacy-guide version; otherwise CONSENT_REQUIRED and nothing is written. The WeChat
 * session_key never leaves this function.
 */
import { Config, Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager } from 'typeorm';
import { CURRENT_PRIVACY_VERSION, type MemberProfile, type StaffProfile } from '../../../../contracts/identity';
import type { AppEnv } from '../../config/env';
import { SessionService } from '../../core/auth/session.service';
import { Db, isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import { EventBus } from '../../core/events/event-bus';
import { PlatformError, WECHAT_CLIENT, WECOM_CLIENT, WECOM_ERRCODE_NOT_MEMBER, type WechatClient, type WecomClient } from '../../platform/types';
import { ConsentRecord } from './entities/consent-record.entity';
import { DEFAULT_TIER, Member } from './entities/member.entity';
import { StaffUser } from './entities/staff-user.entity';
import { Store } from './entities/store.entity';
import { hashPassword, needsRehash, verifyPassword } from './password';
import { loginKeys, POLICIES } from './security/login-throttle';
import { ChainLimits } from '../../core/limits';
import { WorkGate } from '../../core/work-gate';
import { toMemberProfile, toStaffProfile } from './views';
import { memberOfInviteCode, verifyShareToken, ReferralService } from '../referral';

const STAFF_SESSION_DAYS = 7;
/** jscode2session: 40029 invalid code, 40163 code already used. */
const WECHAT_BAD_CODE = new Set([40029, 40163]);
/** auth/getuserinfo: 40029 invalid code, 40163 used (WeCom follows the same numbering). */
const WECOM_BAD_CODE = new Set([40029, 40163]);

export interface MemberLoginInput {
  code: string;
  consentVersion?: string;
  /** Referral: a signed share token, a typed invite code, the app's per-install id (used only when registering). */
  shareToken?: string;
  inviteCode?: string;
  deviceId?: string;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class AuthService {
  @Inject()
  db!: Db;

  @Inject()
  sessions!: SessionService;

  @Inject()
  events!: EventBus;

  @Inject(WECHAT_CLIENT)
  wechat!: WechatClient;

  /** Referral's public face: the attribution record written with the registration. */
  @Inject()
  referral!: ReferralService;

  @Inject(WECOM_CLIENT)
  wecom!: WecomClient;

  @Config('hub')
  env!: AppEnv;

  /** Attempt counters shared by every instance: back-off counters of core/limits (security/login-throttle.ts). */
  @Inject()
  limits!: ChainLimits;

  /** Bounded concurrent scrypt checks (per instance: it guards this process's CPU and memory). */
  private readonly passwordGate = new WorkGate();

  async memberLogin(input: MemberLoginInput, userAgent?: string, ip?: string): Promise<{ token: string; member: MemberProfile; isNew: boolean }> {
    let identity: { openid: string; unionid?: string };
    try {
      const r = await this.wechat.code2Session(input.code);
      identity = { openid: r.openid, unionid: r.unionid };
    } catch (err) {
      if (err instanceof PlatformError && WECHAT_BAD_CODE.has(err.errcode)) throw new AppError('WECHAT_CODE_INVALID');
      throw new AppError('UPSTREAM_UNAVAILABLE');
    }
    const consented = input.consentVersion === CURRENT_PRIVACY_VERSION;
    try {
      return await this.loginOrRegister(identity, input, consented, userAgent, ip);
    } catch (err) {
      // two first logins of the same person raced on the unique openid: the other one won, log in to it
      if (isUniqueViolation(err)) return this.loginOrRegister(identity, input, consented, userAgent, ip);
      throw err;
    }
  }

  private loginOrRegister(
    identity: { openid: string; unionid?: string },
    input: MemberLoginInput,
    consented: boolean,
    userAgent: string | undefined,
    ip?: string,
  ): Promise<{ token: string; member: MemberProfile; isNew: boolean }> {
    return this.db.transaction(async (em) => {
      const existing = await em.findOne(Member, { where: { openid: identity.openid, status: 'active' } });
      let member: Member;
      let isNew = false;
      const now = new Date();
      if (!existing) {
        if (!consented) throw new AppError('CONSENT_REQUIRED');
        member = await this.register(em, identity, input, now, ip);
        isNew = true;
      } else {
        member = existing;
        const patch: Partial<Member> = {};
        if (member.consentVersion !== CURRENT_PRIVACY_VERSION) {
          if (!consented) throw new AppError('CONSENT_REQUIRED');
          patch.consentVersion = CURRENT_PRIVACY_VERSION;
          await em.insert(ConsentRecord, { memberId: member.id, version: CURRENT_PRIVACY_VERSION, action: 'granted', at: now });
        }
        if (identity.unionid && !member.unionid) patch.unionid = identity.unionid;
        if (Object.keys(patch).length) {
          await em.update(Member, { id: member.id }, patch);
          Object.assign(member, patch);
        }
        // contacts our staff added while the unionid was unknown get linked now (wecom module)
        if (patch.unionid) await this.events.emit(em, 'MemberUnionidLearned', { memberId: member.id, unionid: patch.unionid });
      }
      const token = await this.sessions.create('member', member.id, this.env.MEMBER_SESSION_DAYS, userAgent, em);
      const withStore = await em.findOneOrFail(Member, { where: { id: member.id }, relations: { store: true } });
      return { token, member: toMemberProfile(withStore), isNew };
    });
  }

  private async register(em: EntityManager, identity: { openid: string; unionid?: string }, input: MemberLoginInput, now: Date, ip?: string): Promise<Member> {
    // the sharer comes only from a signed token (referral/codes.ts), never from a typed id
    const referrerId = verifyShareToken(input.shareToken)?.sharerId ?? memberOfInviteCode(input.inviteCode);
    const referrer = referrerId ? await em.findOne(Member, { where: { id: referrerId, status: 'active' }, select: { id: true, storeId: true } }) : null;
    // Store: the referrer's, else the only store when the chain has just one; otherwise unassigned.
    let storeId = referrer?.storeId ?? null;
    if (storeId === null) {
      const stores = await em.find(Store, { select: { id: true }, take: 2 });
      if (stores.length === 1) storeId = stores[0].id;
    }
    const inserted = await em.insert(Member, {
      openid: identity.openid,
      unionid: identity.unionid ?? null,
      nickname: null,
      avatarUrl: null,
      phone: null,
      phoneDigest: null,
      tier: DEFAULT_TIER,
      storeId,
      householdId: null,
      householdRelation: null,
      groupOwnerStaffId: null,
      consentVersion: CURRENT_PRIVACY_VERSION,
      status: 'active',
      createdAt: now,
      deletedAt: null,
    });
    const id = Number(inserted.identifiers[0].id);
    await em.insert(ConsentRecord, { memberId: id, version: CURRENT_PRIVACY_VERSION, action: 'granted', at: now });
    // one attribution record per new member (first touch within the window, else organic)
    await this.referral.intake(em, {
      memberId: id,
      storeId,
      registeredAt: now,
      shareToken: input.shareToken,
      inviteCode: input.inviteCode,
      deviceId: input.deviceId,
      ip,
    });
    await this.events.emit(em, 'MemberRegistered', {
      memberId: id,
      unionid: identity.unionid ?? null,
      storeId,
      referrerMemberId: referrer ? referrer.id : null,
    });
    return em.findOneOrFail(Member, { where: { id } });
  }

  async staffLogin(username: string, password: string, userAgent?: string, ip?: string): Promise<{ token: string; staff: StaffProfile }> {
    const keys = loginKeys(username, ip);
    // counted before the password is looked at: parallel guesses each take a slot or are refused
    for (const [kind, key] of Object.entries(keys) as Array<[keyof typeof POLICIES, string]>) {
      const r = await this.limits.attempt(key, POLICIES[kind]);
      if (!r.allowed) throw new AppError('RATE_LIMITED', undefined, [{ path: 'retryAfterSeconds', message: String(Math.ceil(r.retryAfterMs / 1000)) }]);
    }
    const staff = await this.db.manager.findOne(StaffUser, { where: { username }, relations: { store: true } });
    const ok = await this.passwordGate.run(() => verifyPassword(password, staff?.passwordHash));
    if (!staff || !ok || !staff.active) throw new AppError('INVALID_CREDENTIALS');
    await Promise.all([this.limits.forgetAttempts(keys.accountIp), this.limits.forgetAttempts(keys.account), this.limits.giveBackAttempt(keys.ip)]);
    if (needsRehash(staff.passwordHash)) {
      // the stored hash predates today's cost: replace it now that the clear password is at hand
      const fresh = await this.passwordGate.run(() => hashPassword(password));
      await this.db.manager.update(StaffUser, { id: staff.id, passwordHash: staff.passwordHash! }, { passwordHash: fresh });
    }
    const token = await this.sessions.create('staff', staff.id, STAFF_SESSION_DAYS, userAgent);
    return { token, staff: toStaffProfile(staff) };
  }

  /** Attempt counters whose window is over and whose wait has ended are dropped (job). */
  async purgeLoginAttempts(): Promise<number> {
    return this.limits.purgeAttempts();
  }

  async wecomLogin(code: string, userAgent?: string): Promise<{ token: string; staff: StaffProfile }> {
    let userid: string;
    try {
      userid = (await this.wecom.getUserIdByOAuthCode(code)).userid;
    } catch (err) {
      if (err instanceof PlatformError && WECOM_BAD_CODE.has(err.errcode)) throw new AppError('WECOM_CODE_INVALID');
      // the code belongs to someone outside the corp (a customer, not staff)
      if (err instanceof PlatformError && err.errcode === WECOM_ERRCODE_NOT_MEMBER) throw new AppError('WECOM_USER_UNKNOWN');
      throw new AppError('UPSTREAM_UNAVAILABLE');
    }
    const staff = userid ? await this.db.manager.findOne(StaffUser, { where: { wecomUserId: userid }, relations: { store: true } }) : null;
    if (!staff || !staff.active) throw new AppError('WECOM_USER_UNKNOWN');
    const token = await this.sessions.create('staff', staff.id, STAFF_SESSION_DAYS, userAgent);
    return { token, staff: toStaffProfile(staff) };
  }

  async logout(sessionId: number): Promise<void> {
    await this.sessions.revoke(sessionId);
  }

  async staffMe(staffId: number): Promise<StaffProfile> {
    const staff = await this.db.manager.findOne(StaffUser, { where: { id: staffId }, relations: { store: true } });
    if (!staff) throw new AppError('UNAUTHENTICATED');
    return toStaffProfile(staff);
  }
}
