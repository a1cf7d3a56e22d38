/**
 * The ops referral screen and its Excel export: new members by source per Beijing week, K-factor
 * per week (referred new members ÷ members who existed when the week began), the funnel share →
 * opened → registered → converted → rewarded, top referrers, rewards issued and held, the held cases
 * with their evidence, and recent attributions.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In, MoreThanOrEqual } from 'typeorm';
import {
  CONVERSION_LABELS,
  EXCLUSION_LABELS,
  type Exclusion,
  HOLD_LABELS,
  type HoldReason,
  REWARD_STATUS_LABELS,
  type ReferralReport,
  SOURCE_LABELS,
  SOURCES,
} from '../../../../contracts/referral';
import { Db } from '../../core/db';
import { MemberService } from '../identity';
import { ReferralAttribution, ReferralReward, ReferralShare, ReferralTouch } from './entities/referral.entity';
import { kFactor, weekOf, weekStart } from './rules';
import { dayKey, formatDateTime } from '../../../../contracts/calendar';
import { parseJsonText } from '../../core/json-column';

const WEEK = 7 * 86_400_000;

@Provide()
@Scope(ScopeEnum.Singleton)
export class ReferralReportService {
  @Inject()
  db!: Db;

  @Inject()
  members!: MemberService;

  private async names(ids: Iterable<number | null>): Promise<Map<number, string>> {
    const list = [...new Set([...ids].filter((x): x is number => typeof x === 'number'))];
    const out = new Map<number, string>();
    for (let i = 0; i < list.length; i += 500) {
      for (const m of await this.members.findActiveWithRelations(list.slice(i, i + 500))) out.set(m.id, m.nickname ?? `会员${m.id}`);
    }
    return out;
  }

  async report(weeks: number, now = new Date()): Promise<ReferralReport> {
    const em = this.db.manager;
    const mondays: string[] = [];
    for (let i = weeks - 1; i >= 0; i--) mondays.push(weekOf(new Date(now.getTime() - i * WEEK)));
    const from = weekStart(mondays[0]);
    const [attrs, shares, opened, rewards, held] = await Promise.all([
      em.find(ReferralAttribution, { where: { registeredAt: MoreThanOrEqual(from) }, order: { registeredAt: 'DESC' } }),
      em.count(ReferralShare, { where: { createdAt: MoreThanOrEqual(from) } }),
      em.count(ReferralTouch, { where: { source: 'share', at: MoreThanOrEqual(from) } }),
      em.find(ReferralReward, { where: { createdAt: MoreThanOrEqual(from) } }),
      em.find(ReferralReward, { where: { status: 'held' }, order: { id: 'ASC' }, take: 200 }),
    ]);
    const bases = await this.members.countActiveCreatedBefore(mondays.map(weekStart));
    const weekRows = mondays.map((week, i) => {
      const mine = attrs.filter((a) => weekOf(a.registeredAt) === week);
      const bySource = Object.fromEntries(SOURCES.map((s) => [s, mine.filter((a) => a.source === s).length])) as ReferralReport['weeks'][number]['bySource'];
      const referred = mine.filter((a) => a.referrerId !== null).length;
      return { week, bySource, newMembers: mine.length, referredMembers: referred, kFactor: kFactor(referred, bases[i]) };
    });
    const referred = attrs.filter((a) => a.referrerId !== null);
    const rewardByAttr = new Map(rewards.map((r) => [r.attributionId, r]));
    const olderRewards = await em.find(ReferralReward, {
      where: {
        attributionId: In(
          referred
            .map((a) => a.id)
            .filter((id) => !rewardByAttr.has(id))
            .concat([0]),
        ),
      },
    });
    for (const r of olderRewards) rewardByAttr.set(r.attributionId, r);
    const top = new Map<number, { invited: number; converted: number; rewarded: number }>();
    for (const a of referred) {
      const t = top.get(a.referrerId!) ?? { invited: 0, converted: 0, rewarded: 0 };
      t.invited++;
      if (a.convertedAt) t.converted++;
      if (rewardByAttr.get(a.id)?.status === 'issued') t.rewarded++;
      top.set(a.referrerId!, t);
    }
    const topList = [...top.entries()].sort((x, y) => y[1].invited - x[1].invited || y[1].converted - x[1].converted || x[0] - y[0]).slice(0, 10);
    const recent = attrs.slice(0, 100);
    const names = await this.names([
      ...topList.map(([id]) => id),
      ...held.flatMap((h) => [h.referrerId, h.inviteeId]),
      ...recent.flatMap((a) => [a.memberId, a.referrerId]),
    ]);
    const count = (s: string) => rewards.filter((r) => r.status === s).length;
    return {
      weeks: weekRows,
      funnel: {
        shares,
        opened,
        registered: referred.length,
        converted: referred.filter((a) => a.convertedAt).length,
        rewarded: referred.filter((a) => rewardByAttr.get(a.id)?.status === 'issued').length,
      },
      topReferrers: topList.map(([memberId, t]) => ({ memberId, name: names.get(memberId) ?? `会员${memberId}`, ...t })),
      rewards: {
        issued: count('issued'),
        held: count('held'),
        rejected: count('rejected'),
        excluded: count('excluded'),
        pointsIssued: rewards.filter((r) => r.status === 'issued').reduce((s, r) => s + (r.points ?? 0), 0),
        couponFenIssued: rewards.filter((r) => r.status === 'issued').reduce((s, r) => s + (r.couponFen ?? 0), 0),
      },
      held: held.map((h) => ({
        rewardId: h.id,
        referrerId: h.referrerId,
        referrerName: names.get(h.referrerId) ?? `会员${h.referrerId}`,
        inviteeId: h.inviteeId,
        inviteeName: names.get(h.inviteeId) ?? `会员${h.inviteeId}`,
        conversion: h.conversion,
        reasons: parseJsonText<Array<{ code: HoldReason; evidence: string }>>(h.reasons, []).map((r) => ({
          code: r.code,
          label: HOLD_LABELS[r.code],
          evidence: r.evidence,
        })),
        createdAt: h.createdAt.toISOString(),
      })),
      attributions: recent.map((a) => {
        const r = rewardByAttr.get(a.id);
        const excl = a.exclusion ?? (r?.status === 'excluded' ? (r.reasons as Exclusion) : null);
        return {
          memberId: a.memberId,
          memberName: names.get(a.memberId) ?? `会员${a.memberId}`,
          source: a.source,
          referrerId: a.referrerId,
          referrerName: a.referrerId ? (names.get(a.referrerId) ?? `会员${a.referrerId}`) : null,
          detail: a.detail,
          registeredAt: a.registeredAt.toISOString(),
          convertedAt: a.convertedAt ? a.convertedAt.toISOString() : null,
          reward: r?.status ?? (a.exclusion ? 'excluded' : null),
          note: excl ? EXCLUSION_LABELS[excl] : r?.status === 'held' ? '待审核' : null,
        };
      }),
    };
  }

  async workbook(weeks: number): Promise<{ filename: string; body: Buffer }> {
    const r = await this.report(weeks);
    // exceljs is loaded on the first export, not at every start (~0.8 s of CPU per start)
    const { Workbook } = await import('exceljs');
    const wb = new Workbook();
    const sheet = (name: string, header: string[], rows: Array<Array<string | number | null>>) => {
      const ws = wb.addWorksheet(name);
      ws.addRow(header).font = { bold: true };
      for (const row of rows) ws.addRow(row);
      ws.columns.forEach((c) => (c.width = 16));
    };
    const bj = (iso: string | null) => (iso ? formatDateTime(iso) : '');
    sheet(
      '每周来源',
      ['周（周一）', ...SOURCES.map((s) => SOURCE_LABELS[s]), '新会员', '被推荐新会员', 'K因子'],
      r.weeks.map((w) => [w.week, ...SOURCES.map((s) => w.bySource[s]), w.newMembers, w.referredMembers, w.kFactor]),
    );
    sheet('漏斗', ['分享', '打开', '注册', '转化', '已奖励'], [[r.funnel.shares, r.funnel.opened, r.funnel.registered, r.funnel.converted, r.funnel.rewarded]]);
    sheet(
      '推荐达人',
      ['会员ID', '昵称', '邀请', '转化', '已奖励'],
      r.topReferrers.map((t) => [t.memberId, t.name, t.invited, t.converted, t.rewarded]),
    );
    sheet(
      '奖励',
      ['已发放', '审核中', '未通过', '不符合规则', '发放积分', '发放券面额（元）'],
      [[r.rewards.issued, r.rewards.held, r.rewards.rejected, r.rewards.excluded, r.rewards.pointsIssued, r.rewards.couponFenIssued / 100]],
    );
    sheet(
      '待审核',
      ['奖励ID', '推荐人', '被邀请人', '转化', '原因'],
      r.held.map((h) => [
        h.rewardId,
        h.referrerName,
        h.inviteeName,
        CONVERSION_LABELS[h.conversion],
        h.reasons.map((x) => `${x.label}：${x.evidence}`).join('；'),
      ]),
    );
    sheet(
      '归因明细',
      ['会员ID', '会员', '来源', '推荐人', '详情', '注册时间', '转化时间', '奖励', '说明'],
      r.attributions.map((a) => [
        a.memberId,
        a.memberName,
        SOURCE_LABELS[a.source],
        a.referrerName,
        a.detail,
        bj(a.registeredAt),
        bj(a.convertedAt),
        a.reward ? REWARD_STATUS_LABELS[a.reward] : '',
        a.note,
      ]),
    );
    const stamp = dayKey(Date.now());
    return { filename: `推荐报表-${stamp}.xlsx`, body: Buffer.from(await wb.xlsx.writeBuffer()) };
  }
}
