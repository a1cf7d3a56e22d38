/**
 * Referral rules in one place: shares and their signed tokens, touches (opens, channel-code adds,
 * typed invite codes), one attribution per new member (first touch within the window), and the
 * reward for the referrer once — only when the invitee really takes part, only once even when
 * conversions race (a conditional update on the attribution is the guard, a unique key on the
 * reward the backstop), held for review when the pattern looks wrong.
 *
 * Other modules reach this through `intake` (identity, inside the registration transaction) and the
 * events heard in referral.listener.ts; members are read through identity's MemberService.
 */
import { Config, Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In, IsNull, MoreThan, MoreThanOrEqual, LessThan } from 'typeorm';
import {
  type ConversionKind,
  type Exclusion,
  EXCLUSION_LABELS,
  type Invitee,
  type ReferralRules,
  ReferralRules as RulesSchema,
  type Reward,
  type ShareContentKind,
} from '../../../../contracts/referral';
import type { AppEnv } from '../../config/env';
import { Db, isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import { ChainLimits } from '../../core/limits';
import { WECHAT_CLIENT, type WechatClient } from '../../platform/types';
import { MemberService } from '../identity';
import { CouponGrants } from '../journeys';
import { UploadService } from '../uploads';
import { inviteCode, memberOfInviteCode, shareScene, shareToken, verifyShareToken } from './codes';
import { ReferralAttribution, ReferralDevice, ReferralReward, ReferralSettingsRow, ReferralShare, ReferralTouch } from './entities/referral.entity';
import {
  attributionExclusion,
  conversionCounts,
  conversionExclusion,
  DEFAULT_RULES,
  firstTouch,
  holdReasons,
  lateTouchCounts,
  maskName,
  rulesText,
} from './rules';

const DAY = 86_400_000;
const OPENS_PER_IP_MINUTE = 120;

/** Where each kind of share lands in the mini-program (the page reads `rt`, a poster's scene `t`). */
const SHARE_PAGES: Record<ShareContentKind, string> = {
  invite: 'packages/referral/join/index',
  contest_entry: 'packages/contest/entry/index',
  class: 'packages/classes/detail/index',
  dish: 'pages/nye/index',
};

export interface RegistrationIntake {
  memberId: number;
  storeId: number | null;
  registeredAt: Date;
  shareToken?: string;
  inviteCode?: string;
  deviceId?: string;
  ip?: string;
}

const keyOf = (deviceId: string | undefined | null, memberId?: number) => (deviceId ? `d:${deviceId}` : `m:${memberId ?? 0}`);

/** How long a referral reward coupon stays valid. */
const REWARD_COUPON_DAYS = 30;

@Provide()
@Scope(ScopeEnum.Singleton)
export class ReferralService {
  @Inject()
  db!: Db;

  @Inject()
  members!: MemberService;

  @Inject()
  coupons!: CouponGrants;

  @Inject()
  uploads!: UploadService;

  @Inject(WECHAT_CLIENT)
  wechat!: WechatClient;

  @Inject()
  chainLimits!: ChainLimits;

  @Config('hub')
  env!: AppEnv;

  // ------------------------------------------------------------------ rules

  async rules(em: EntityManager = this.db.manager): Promise<ReferralRules> {
    const row = await em.findOne(ReferralSettingsRow, { where: { id: 1 } });
    if (!row) return DEFAULT_RULES;
    const parsed = RulesSchema.safeParse({ ...DEFAULT_RULES, ...row.rules });
    return parsed.success ? parsed.data : DEFAULT_RULES;
  }

  async setRules(staffId: number, rules: ReferralRules): Promise<ReferralRules> {
    await this.db.transaction(async (em) => {
      const now = new Date();
      const done = await em.update(ReferralSettingsRow, { id: 1 }, { rules, updatedBy: staffId, updatedAt: now });
      if (!done.affected) {
        try {
          await em.insert(ReferralSettingsRow, { id: 1, rules, updatedBy: staffId, updatedAt: now });
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          await em.update(ReferralSettingsRow, { id: 1 }, { rules, updatedBy: staffId, updatedAt: now });
        }
      }
    });
    return this.rules();
  }

  // ------------------------------------------------------------------ shares and touches

  async createShare(memberId: number, kind: ShareContentKind, contentId: number | undefined, deviceId: string | undefined) {
    const now = new Date();
    const shareId = await this.db.transaction(async (em) => {
      const r = await em.insert(ReferralShare, { sharerId: memberId, kind, contentId: contentId ?? null, createdAt: now });
      if (deviceId) await this.noteDevice(em, memberId, deviceId, now);
      return Number(r.identifiers[0].id);
    });
    const token = shareToken(shareId, memberId);
    const page = SHARE_PAGES[kind];
    const query = kind === 'invite' || kind === 'dish' || !contentId ? `rt=${token}` : `id=${contentId}&rt=${token}`;
    const scene = shareScene(token);
    let wxacodeUrl: string | null = null;
    if (kind === 'invite') {
      const release = this.env.NODE_ENV === 'production';
      const envVersion = release ? 'release' : 'develop';
      try {
        wxacodeUrl = await this.uploads.storeGenerated(`wxacode|${page}|${scene}|${envVersion}`, () =>
          this.wechat.getUnlimitedWxacode({ scene, page, width: 430, checkPath: release, envVersion }),
        );
      } catch {
        // the poster's code is a nicety: the card and the invite code still work
      }
    }
    const me = (await this.members.findActiveWithRelations([memberId]))[0];
    const who = me?.nickname ?? '你的邻居';
    const title = kind === 'invite' ? `${who}邀请你加入${me?.store?.name ?? '社区会员中心'}` : `${who}分享给你`;
    return { token, path: `/${page}?${query}`, scene, title, wxacodeUrl };
  }

  /**
   * The token other modules put on their own cards and posters (contest entries): one share row per
   * sharer and content, reused, so the token — and a poster's cached code — stays the same.
   */
  async tokenFor(memberId: number, kind: ShareContentKind, contentId: number): Promise<string> {
    const found = await this.db.manager.findOne(ReferralShare, { where: { sharerId: memberId, kind, contentId }, order: { id: 'ASC' } });
    if (found) return shareToken(found.id, memberId);
    const id = await this.db.transaction(async (em) =>
      Number((await em.insert(ReferralShare, { sharerId: memberId, kind, contentId, createdAt: new Date() })).identifiers[0].id),
    );
    return shareToken(id, memberId);
  }

  /** A share was opened: verified, kept for the funnel, and linked to this device for first touch. */
  async openShare(token: string, deviceId: string | undefined, ip: string | undefined, at = new Date()) {
    // a public route: opens per client address are bounded chain-wide (a busy shared Wi-Fi still fits)
    if (ip && !(await this.chainLimits.hit(`referral:open:${ip}`, OPENS_PER_IP_MINUTE, 60_000)).allowed) throw new AppError('RATE_LIMITED');
    const v = verifyShareToken(token);
    if (!v) throw new AppError('SHARE_TOKEN_INVALID');
    const share = await this.db.manager.findOne(ReferralShare, { where: { id: v.shareId } });
    if (!share || share.sharerId !== v.sharerId) throw new AppError('SHARE_TOKEN_INVALID');
    const sharer = (await this.members.findActiveWithRelations([share.sharerId]))[0];
    if (!sharer) throw new AppError('SHARE_TOKEN_INVALID');
    await this.db.transaction((em) =>
      this.touch(em, {
        touchKey: `open:${share.id}:${keyOf(deviceId) === 'm:0' ? `ip:${ip ?? ''}` : keyOf(deviceId)}`,
        source: 'share',
        referrerId: share.sharerId,
        shareId: share.id,
        deviceId: deviceId ?? null,
        externalUserId: null,
        detail: share.kind,
        memberId: null,
        at,
      }),
    );
    return { ok: true as const, sharerName: maskName(sharer.nickname), kind: share.kind };
  }

  private async touch(em: EntityManager, t: Omit<ReferralTouch, 'id'>): Promise<ReferralTouch> {
    try {
      const r = await em.insert(ReferralTouch, t);
      return { ...t, id: Number(r.identifiers[0].id) };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return em.findOneOrFail(ReferralTouch, { where: { touchKey: t.touchKey } });
    }
  }

  private async noteDevice(em: EntityManager, memberId: number, deviceId: string, at: Date): Promise<void> {
    if (await em.findOne(ReferralDevice, { where: { memberId, deviceId } })) return;
    try {
      await em.insert(ReferralDevice, { memberId, deviceId, firstSeenAt: at });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }

  // ------------------------------------------------------------------ attribution

  /**
   * A member was just registered (called by identity inside the registration transaction): the
   * first touch within the window wins among the shares opened on this device, the token the
   * login carried and a typed invite code; no touch → organic. Always exactly one record.
   */
  async intake(em: EntityManager, r: RegistrationIntake): Promise<ReferralAttribution> {
    const rules = await this.rules(em);
    const at = r.registeredAt;
    if (r.deviceId) await this.noteDevice(em, r.memberId, r.deviceId, at);
    const candidates: ReferralTouch[] = [];
    if (r.deviceId) {
      candidates.push(
        ...(await em.find(ReferralTouch, {
          where: { deviceId: r.deviceId, memberId: IsNull(), at: MoreThanOrEqual(new Date(at.getTime() - rules.windowDays * DAY)) },
        })),
      );
    }
    const v = r.shareToken ? verifyShareToken(r.shareToken) : null;
    if (v) {
      const share = await em.findOne(ReferralShare, { where: { id: v.shareId } });
      if (share && share.sharerId === v.sharerId) {
        candidates.push(
          await this.touch(em, {
            touchKey: `open:${share.id}:${keyOf(r.deviceId, r.memberId)}`,
            source: 'share',
            referrerId: share.sharerId,
            shareId: share.id,
            deviceId: r.deviceId ?? null,
            externalUserId: null,
            detail: share.kind,
            memberId: null,
            at,
          }),
        );
      }
    }
    const codeReferrer = r.inviteCode ? memberOfInviteCode(r.inviteCode) : null;
    if (codeReferrer && (await this.members.findActiveWithRelations([codeReferrer], em)).length) {
      candidates.push(
        await this.touch(em, {
          touchKey: `code:${r.memberId}`,
          source: 'invite_code',
          referrerId: codeReferrer,
          shareId: null,
          deviceId: r.deviceId ?? null,
          externalUserId: null,
          detail: r.inviteCode!.trim().toUpperCase().slice(0, 40),
          memberId: null,
          at,
        }),
      );
    }
    const won = firstTouch(candidates, at, rules.windowDays);
    // every touch this person made is theirs now (the funnel counts them as registered)
    const ids = [...new Set(candidates.map((c) => c.id))];
    if (ids.length) await em.update(ReferralTouch, { id: In(ids), memberId: IsNull() }, { memberId: r.memberId });
    const attr: Omit<ReferralAttribution, 'id'> = {
      memberId: r.memberId,
      storeId: r.storeId,
      source: won ? won.source : 'organic',
      referrerId: won ? won.referrerId : null,
      touchId: won ? won.id : null,
      shareId: won ? won.shareId : null,
      detail: won ? won.detail : null,
      exclusion: won ? await this.earlyExclusion(em, won.referrerId, r.memberId) : null,
      deviceId: r.deviceId ?? null,
      ip: r.ip ? r.ip.slice(0, 64) : null,
      registeredAt: at,
      touchedAt: won ? won.at : null,
      convertedAt: null,
      conversion: null,
      conversionRef: null,
    };
    const inserted = await em.insert(ReferralAttribution, attr);
    return { ...attr, id: Number(inserted.identifiers[0].id) };
  }

  private async earlyExclusion(em: EntityManager, referrerId: number, inviteeId: number): Promise<Exclusion | null> {
    const referrers = await em.findOne(ReferralAttribution, { where: { memberId: referrerId }, select: { id: true, referrerId: true } });
    return attributionExclusion(referrerId, inviteeId, referrers?.referrerId ?? null);
  }

  /**
   * A touch that arrives after registration (or is only linked to the member later): it takes over
   * when the member was organic and it is within the window, or when it came earlier than the
   * touch that won — first touch wins. Never after the first conversion.
   */
  private async reconsider(em: EntityManager, memberId: number, t: ReferralTouch): Promise<boolean> {
    const a = await em.findOne(ReferralAttribution, { where: { memberId } });
    if (!a || a.convertedAt) return false;
    const rules = await this.rules(em);
    const earlier = a.touchedAt !== null && t.at.getTime() < a.touchedAt.getTime() && t.at.getTime() >= a.registeredAt.getTime() - rules.windowDays * DAY;
    const late =
      lateTouchCounts(a, t.at, rules.windowDays) ||
      (a.source === 'organic' && t.at.getTime() >= a.registeredAt.getTime() - rules.windowDays * DAY && t.at <= a.registeredAt);
    if (!earlier && !late) return false;
    const done = await em.update(
      ReferralAttribution,
      { id: a.id, convertedAt: IsNull(), ...(a.touchId === null ? { touchId: IsNull() } : { touchId: a.touchId }) },
      {
        source: t.source,
        referrerId: t.referrerId,
        touchId: t.id,
        shareId: t.shareId,
        detail: t.detail,
        touchedAt: t.at,
        exclusion: await this.earlyExclusion(em, t.referrerId, memberId),
      },
    );
    return !!done.affected;
  }

  /** WeCom: a customer added staff through a member's personal code (state ref_<id>). */
  async channelTouch(
    em: EntityManager,
    c: { referrerId: number; externalUserId: string; memberId: number | null; state: string | null; at: Date },
  ): Promise<void> {
    const t = await this.touch(em, {
      touchKey: `channel:${c.externalUserId}`.slice(0, 120),
      source: 'channel',
      referrerId: c.referrerId,
      shareId: null,
      deviceId: null,
      externalUserId: c.externalUserId,
      detail: c.state ? c.state.slice(0, 40) : null,
      memberId: c.memberId,
      at: c.at,
    });
    const memberId = t.memberId ?? c.memberId;
    if (memberId) {
      if (t.memberId === null) await em.update(ReferralTouch, { id: t.id }, { memberId });
      await this.reconsider(em, memberId, t);
    }
  }

  /** WeCom linked a contact to a member (unionid): a channel touch made before is theirs now. */
  async contactLinked(em: EntityManager, externalUserId: string, memberId: number): Promise<void> {
    const t = await em.findOne(ReferralTouch, { where: { touchKey: `channel:${externalUserId}`.slice(0, 120) } });
    if (!t) return;
    if (t.memberId === null) await em.update(ReferralTouch, { id: t.id, memberId: IsNull() }, { memberId });
    else if (t.memberId !== memberId) return;
    await this.reconsider(em, memberId, { ...t, memberId });
  }

  /** A new member types a neighbour's code. */
  async enterInviteCode(memberId: number, code: string, deviceId: string | undefined): Promise<{ ok: true; referredBy: string }> {
    const referrerId = memberOfInviteCode(code);
    if (!referrerId || referrerId === memberId) throw new AppError('INVITE_CODE_INVALID');
    const referrer = (await this.members.findActiveWithRelations([referrerId]))[0];
    if (!referrer) throw new AppError('INVITE_CODE_INVALID');
    const now = new Date();
    await this.db.transaction(async (em) => {
      const a = await em.findOne(ReferralAttribution, { where: { memberId } });
      const rules = await this.rules(em);
      if (!a || !lateTouchCounts(a, now, rules.windowDays) || a.convertedAt) throw new AppError('INVITE_CODE_CLOSED');
      if (deviceId) await this.noteDevice(em, memberId, deviceId, now);
      const t = await this.touch(em, {
        touchKey: `code:${memberId}`,
        source: 'invite_code',
        referrerId,
        shareId: null,
        deviceId: deviceId ?? null,
        externalUserId: null,
        detail: code.trim().toUpperCase().slice(0, 40),
        memberId,
        at: now,
      });
      if (!(await this.reconsider(em, memberId, t))) throw new AppError('INVITE_CODE_CLOSED');
    });
    return { ok: true, referredBy: maskName(referrer.nickname) };
  }

  // ------------------------------------------------------------------ conversion and rewards

  /**
   * The invitee really took part. The first conversion that counts is written once (conditional
   * update on converted_at IS NULL: racing deliveries see one winner on MariaDB row locks and on
   * SQLite's single writer); then the referrer's reward is decided: excluded, held or issued.
   */
  async convert(em: EntityManager, c: { memberId: number; kind: ConversionKind; ref: string; at: Date }): Promise<ReferralReward | null> {
    const rules = await this.rules(em);
    if (!conversionCounts(c.kind, rules)) return null;
    const a = await em.findOne(ReferralAttribution, { where: { memberId: c.memberId } });
    if (!a || a.convertedAt) return null;
    const won = await em.update(
      ReferralAttribution,
      { id: a.id, convertedAt: IsNull() },
      { convertedAt: c.at, conversion: c.kind, conversionRef: c.ref.slice(0, 64) },
    );
    if (!won.affected) return null;
    if (a.referrerId === null) return null;
    // identity read in this transaction's connection (a second pool connection per transaction starves the pool)
    const cards = new Map(
      (await this.members.findActiveWithRelations([a.referrerId, a.memberId], em)).map((m) => [
        m.id,
        { id: m.id, nickname: m.nickname, householdId: m.householdId },
      ]),
    );
    const referrer = cards.get(a.referrerId) ?? null;
    const invitee = cards.get(a.memberId) ?? null;
    const referrerAttr = await em.findOne(ReferralAttribution, { where: { memberId: a.referrerId }, select: { id: true, referrerId: true } });
    // one reward per household: any reward (issued or held) for a member of the invitee's household now
    const kin = invitee?.householdId != null ? (await this.members.householdMemberIds(invitee.householdId, em)).filter((id) => id !== a.memberId) : [];
    const householdAlreadyRewarded =
      invitee?.householdId != null &&
      (await em.count(ReferralReward, {
        where: [
          { inviteeHouseholdId: invitee.householdId, status: In(['issued', 'held']) },
          ...(kin.length ? [{ inviteeId: In(kin), status: In(['issued', 'held']) }] : []),
        ] as never,
      })) > 0;
    const devices = async (memberId: number) => (await em.find(ReferralDevice, { where: { memberId } })).map((d) => d.deviceId);
    const exclusion =
      a.exclusion ??
      conversionExclusion({
        referrerId: a.referrerId,
        inviteeId: a.memberId,
        referrersReferrer: referrerAttr?.referrerId ?? null,
        referrerHousehold: referrer?.householdId ?? null,
        inviteeHousehold: invitee?.householdId ?? null,
        householdAlreadyRewarded,
        inviteeDevices: [...new Set([...(await devices(a.memberId)), ...(a.deviceId ? [a.deviceId] : [])])],
        referrerDevices: await devices(a.referrerId),
      });
    let status: ReferralReward['status'] = 'issued';
    let reasons: string | null = null;
    if (exclusion) {
      status = 'excluded';
      reasons = exclusion;
    } else {
      const held = holdReasons(await this.suspicion(em, a, c.at), rules);
      if (held.length) {
        status = 'held';
        reasons = JSON.stringify(held);
      }
    }
    const reward: Omit<ReferralReward, 'id'> = {
      attributionId: a.id,
      referrerId: a.referrerId,
      inviteeId: a.memberId,
      inviteeHouseholdId: invitee?.householdId ?? null,
      kind: rules.rewardKind,
      points: rules.rewardKind === 'points' ? rules.rewardPoints : null,
      couponTitle: rules.rewardKind === 'coupon' ? rules.couponTitle : null,
      couponFen: rules.rewardKind === 'coupon' ? rules.couponFen : null,
      couponMinSpendFen: rules.rewardKind === 'coupon' ? rules.couponMinSpendFen : null,
      status,
      reasons,
      conversion: c.kind,
      createdAt: c.at,
      decidedAt: null,
      decidedBy: null,
      decisionNote: null,
    };
    const r = await em.insert(ReferralReward, reward);
    const issued = { ...reward, id: Number(r.identifiers[0].id) };
    if (issued.status === 'issued') await this.grantCoupon(em, issued);
    return issued;
  }

  /** A coupon reward becomes a real coupon (journeys' coupons: 「我的优惠券」, redeemable at the till), once per reward. */
  private async grantCoupon(
    em: EntityManager,
    r: Pick<ReferralReward, 'id' | 'kind' | 'referrerId' | 'couponTitle' | 'couponFen' | 'couponMinSpendFen'>,
    at = new Date(),
  ) {
    if (r.kind !== 'coupon' || r.referrerId === null) return;
    await this.coupons.grant(em, {
      key: `referral:${r.id}`,
      memberId: r.referrerId,
      title: r.couponTitle ?? '邻里券',
      amountFen: r.couponFen ?? 0,
      minSpendFen: r.couponMinSpendFen ?? 0,
      validDays: REWARD_COUPON_DAYS,
      at,
    });
  }

  private async suspicion(em: EntityManager, a: ReferralAttribution, now: Date) {
    const since = new Date(now.getTime() - 30 * DAY);
    const base = { referrerId: a.referrerId!, registeredAt: MoreThanOrEqual(since) };
    const [sameDevice, sameIp, burst, older] = await Promise.all([
      a.deviceId ? em.count(ReferralAttribution, { where: { ...base, deviceId: a.deviceId } }) : Promise.resolve(0),
      a.ip ? em.count(ReferralAttribution, { where: { ...base, ip: a.ip } }) : Promise.resolve(0),
      em
        .count(ReferralAttribution, {
          where: { referrerId: a.referrerId!, registeredAt: MoreThan(new Date(a.registeredAt.getTime() - 3600_000)) },
        })
        .then(
          async (n) =>
            n -
            (await em.count(ReferralAttribution, {
              where: { referrerId: a.referrerId!, registeredAt: MoreThan(new Date(a.registeredAt.getTime() + 3600_000)) },
            })),
        ),
      em.find(ReferralAttribution, {
        where: { referrerId: a.referrerId!, registeredAt: LessThan(new Date(now.getTime() - 14 * DAY)) },
        select: { id: true, convertedAt: true },
      }),
    ]);
    return {
      sameDevice,
      sameIp,
      device: a.deviceId,
      ip: a.ip,
      burst,
      olderInvitees: older.length,
      olderConverted: older.filter((o) => o.convertedAt).length,
    };
  }

  /** HQ releases (issues) or rejects a held reward; one decision, by a conditional update. */
  async decide(staffId: number, rewardId: number, decision: 'release' | 'reject', note: string | undefined) {
    const status = decision === 'release' ? 'issued' : 'rejected';
    const done = await this.db.transaction(async (em) => {
      const res = await em.update(
        ReferralReward,
        { id: rewardId, status: 'held' },
        { status, decidedAt: new Date(), decidedBy: staffId, decisionNote: note ?? null },
      );
      if (res.affected && status === 'issued') await this.grantCoupon(em, await em.findOneOrFail(ReferralReward, { where: { id: rewardId } }));
      return res;
    });
    if (!done.affected) {
      const r = await this.db.manager.findOne(ReferralReward, { where: { id: rewardId } });
      throw new AppError(r ? 'REWARD_NOT_HELD' : 'NOT_FOUND');
    }
    return { id: rewardId, status: status as 'issued' | 'rejected' };
  }

  // ------------------------------------------------------------------ member pages

  async myReferral(memberId: number) {
    const rules = await this.rules();
    const em = this.db.manager;
    const [mine, attrs] = await Promise.all([
      em.findOne(ReferralAttribution, { where: { memberId } }),
      em.find(ReferralAttribution, { where: { referrerId: memberId }, order: { registeredAt: 'DESC' }, take: 200 }),
    ]);
    const rewards = attrs.length ? await em.find(ReferralReward, { where: { attributionId: In(attrs.map((a) => a.id)) } }) : [];
    const byAttr = new Map(rewards.map((r) => [r.attributionId, r]));
    const cards = new Map((await this.members.findActiveWithRelations(attrs.map((a) => a.memberId))).map((m) => [m.id, m]));
    const invitees: Invitee[] = attrs.map((a) => {
      const r = byAttr.get(a.id);
      const excl = a.exclusion ?? (r?.status === 'excluded' ? (r.reasons as Exclusion) : null);
      return {
        name: maskName(cards.get(a.memberId)?.nickname),
        source: a.source,
        joinedAt: a.registeredAt.toISOString(),
        stage: r?.status === 'issued' ? 'rewarded' : a.convertedAt ? 'converted' : 'joined',
        convertedAt: a.convertedAt ? a.convertedAt.toISOString() : null,
        conversion: a.conversion,
        reward: r?.status ?? (a.exclusion ? 'excluded' : null),
        note: excl ? (EXCLUSION_LABELS[excl] ?? null) : null,
      };
    });
    let referredBy: string | null = null;
    if (mine?.referrerId) referredBy = maskName((await this.members.findActiveWithRelations([mine.referrerId]))[0]?.nickname);
    return {
      inviteCode: inviteCode(memberId),
      rulesText: rulesText(rules),
      rules,
      invitees,
      canEnterCode: !!mine && !mine.convertedAt && lateTouchCounts(mine, new Date(), rules.windowDays),
      referredBy,
    };
  }

  async myRewards(memberId: number): Promise<{ items: Reward[]; pointsTotal: number }> {
    const rows = await this.db.manager.find(ReferralReward, { where: { referrerId: memberId }, order: { id: 'DESC' }, take: 200 });
    const cards = new Map((await this.members.findActiveWithRelations(rows.map((r) => r.inviteeId))).map((m) => [m.id, m]));
    const items: Reward[] = rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      title: r.kind === 'points' ? `${r.points} 积分` : (r.couponTitle ?? '优惠券'),
      points: r.points,
      couponFen: r.couponFen,
      status: r.status,
      inviteeName: maskName(cards.get(r.inviteeId)?.nickname),
      conversion: r.conversion,
      createdAt: r.createdAt.toISOString(),
    }));
    return { items, pointsTotal: rows.filter((r) => r.status === 'issued').reduce((s, r) => s + (r.points ?? 0), 0) };
  }

  /** Account deletion: the member's devices and network addresses go; counts stay. */
  async forget(em: EntityManager, memberId: number): Promise<void> {
    await em.delete(ReferralDevice, { memberId });
    await em.update(ReferralAttribution, { memberId }, { deviceId: null, ip: null });
    await em.update(ReferralTouch, { memberId }, { deviceId: null, externalUserId: null });
  }
}
