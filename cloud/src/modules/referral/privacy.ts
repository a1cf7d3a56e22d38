/**
 * The member's referral data in 「我的数据」: how they came (source, masked referrer), the devices
 * this module remembers for them, their shares and the rewards they earned. Erasure on account
 * deletion is in ReferralService.forget (heard in referral.listener.ts).
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db, iso } from '../../core/db';
import { PrivacyExport } from '../../core/privacy';
import { ReferralAttribution, ReferralDevice, ReferralReward, ReferralShare } from './entities/referral.entity';

@Provide()
@Scope(ScopeEnum.Singleton)
export class ReferralPrivacy {
  @Inject()
  db!: Db;

  @PrivacyExport('referral')
  async exportFor(memberId: number): Promise<Array<Record<string, unknown>>> {
    const em = this.db.manager;
    const [mine, devices, shares, rewards] = await Promise.all([
      em.findOne(ReferralAttribution, { where: { memberId } }),
      em.find(ReferralDevice, { where: { memberId } }),
      em.count(ReferralShare, { where: { sharerId: memberId } }),
      em.find(ReferralReward, { where: { referrerId: memberId }, order: { id: 'ASC' } }),
    ]);
    const out: Array<Record<string, unknown>> = [];
    if (mine)
      out.push({
        kind: 'joined_via',
        source: mine.source,
        referred: mine.referrerId !== null,
        registeredAt: iso(mine.registeredAt),
        ip: mine.ip,
        deviceId: mine.deviceId,
      });
    for (const d of devices) out.push({ kind: 'device', deviceId: d.deviceId, firstSeenAt: iso(d.firstSeenAt) });
    if (shares) out.push({ kind: 'shares', count: shares });
    for (const r of rewards)
      out.push({ kind: 'reward', reward: r.kind === 'points' ? `${r.points} 积分` : r.couponTitle, status: r.status, at: iso(r.createdAt) });
    return out;
  }
}
