/**
 * The inner ring and the customer advisory panel (顾客顾问团): the rule and who it picks, invites,
 * panel rounds with sign-up (capacity held by a conditional update), attendance, the structured
 * review form, and the report HQ's product team reads.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import type * as api from '../../../../contracts/community';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, isUniqueViolation } from '../../core/db';
import { EventBus } from '../../core/events/event-bus';
import { AppError } from '../../core/errors';
import { MemberService } from '../identity';
import { PanelMember, PanelRound, PanelSignup } from './entities/panel.entity';
import { Participation } from './entities/participation.entity';
import './events';
import { INNER_RING_RULE, innerRingReasons, innerRingText, type ParticipationCounts } from './inner-ring';

const DAY_MS = 86_400_000;
export const PANEL_BADGE = '顾客顾问团';

@Provide()
@Scope(ScopeEnum.Singleton)
export class PanelService {
  @Inject()
  db!: Db;

  @Inject()
  members!: MemberService;

  @Inject()
  bus!: EventBus;

  private async counts(now: Date, memberIds?: number[]): Promise<Map<number, ParticipationCounts>> {
    const qb = this.db.manager
      .createQueryBuilder(Participation, 'p')
      .select('p.member_id', 'memberId')
      .addSelect('p.kind', 'kind')
      .addSelect('COUNT(*)', 'n')
      .where('p.at >= :since', { since: new Date(now.getTime() - INNER_RING_RULE.windowDays * DAY_MS) });
    if (memberIds) qb.andWhere('p.member_id IN (:...ids)', { ids: memberIds.length ? memberIds : [-1] });
    const rows = await qb.groupBy('p.member_id').addGroupBy('p.kind').getRawMany<{ memberId: number | string; kind: string; n: number | string }>();
    const out = new Map<number, ParticipationCounts>();
    for (const r of rows) {
      const c = out.get(Number(r.memberId)) ?? {};
      (c as Record<string, number>)[r.kind] = Number(r.n);
      out.set(Number(r.memberId), c);
    }
    return out;
  }

  async innerRing(staff: StaffPrincipal, now = new Date()) {
    const counts = await this.counts(now);
    const qualified = [...counts.entries()].map(([memberId, c]) => ({ memberId, reasons: innerRingReasons(c) })).filter((x) => x.reasons.length);
    const members = await this.members.findActiveWithRelations(qualified.map((q) => q.memberId));
    const byId = new Map(members.map((m) => [m.id, m]));
    const panel = await this.panelRows(qualified.map((q) => q.memberId));
    const candidates = qualified
      .filter((q) => byId.has(q.memberId))
      .filter((q) => staff.role === 'hq_admin' || byId.get(q.memberId)!.storeId === staff.storeId)
      .sort((a, b) => b.reasons.length - a.reasons.length || a.memberId - b.memberId)
      .slice(0, 200)
      .map((q) => {
        const m = byId.get(q.memberId)!;
        const p = panel.get(q.memberId);
        return {
          memberId: q.memberId,
          nickname: m.nickname,
          storeName: m.store?.name ?? null,
          reasons: q.reasons,
          panelMember: !!p,
          moderator: p?.moderator ?? false,
        };
      });
    return { rule: { ...INNER_RING_RULE, text: innerRingText() }, candidates };
  }

  private async panelRows(ids: number[]): Promise<Map<number, PanelMember>> {
    if (!ids.length) return new Map();
    const rows = await this.db.manager.find(PanelMember, { where: { memberId: In(ids) } });
    return new Map(rows.map((r) => [r.memberId, r]));
  }

  /** Invite a member who qualifies by the rule (ops cannot hand-pick someone the rule does not show). */
  async invite(staff: StaffPrincipal, memberId: number, moderator: boolean, now = new Date()) {
    const ring = await this.innerRing(staff, now);
    const c = ring.candidates.find((x) => x.memberId === memberId);
    if (!c) throw new AppError('CONFLICT', '该会员目前不满足内圈条件');
    try {
      // joining is announced with the row (the outbox, same transaction): insight's 共创层 hears it
      await this.db.transaction(async (em) => {
        await em.insert(PanelMember, { memberId, moderator, invitedBy: staff.staffId, invitedAt: now });
        await this.bus.emit(em, 'AdvisoryPanelJoined', { memberId, at: now.toISOString() });
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      await this.db.manager.update(PanelMember, { memberId }, { moderator });
    }
    return { ...c, panelMember: true, moderator };
  }

  private async roundViews(rounds: PanelRound[], now: Date): Promise<api.PanelRoundView[]> {
    if (!rounds.length) return [];
    const rows = await this.db.manager
      .createQueryBuilder(PanelSignup, 's')
      .select('s.round_id', 'roundId')
      .addSelect("SUM(CASE WHEN s.status = 'attended' THEN 1 ELSE 0 END)", 'attended')
      .addSelect('SUM(CASE WHEN s.reviewed_at IS NOT NULL THEN 1 ELSE 0 END)', 'reviews')
      .where('s.round_id IN (:...ids)', { ids: rounds.map((r) => r.id) })
      .groupBy('s.round_id')
      .getRawMany<{ roundId: number | string; attended: number | string | null; reviews: number | string | null }>();
    const by = new Map(rows.map((r) => [Number(r.roundId), r]));
    return rounds.map((r) => ({
      id: r.id,
      title: r.title,
      product: r.product,
      description: r.description,
      startsAt: r.startsAt.toISOString(),
      place: r.place,
      capacity: r.capacity,
      signedUp: r.signedCount,
      attended: Number(by.get(r.id)?.attended ?? 0),
      reviews: Number(by.get(r.id)?.reviews ?? 0),
      status: r.startsAt > now ? 'open' : 'closed',
    }));
  }

  async rounds(now = new Date()): Promise<{ items: api.PanelRoundView[] }> {
    const rows = await this.db.manager.find(PanelRound, { order: { startsAt: 'DESC', id: 'DESC' }, take: 100 });
    return { items: await this.roundViews(rows, now) };
  }

  async createRound(
    input: { title: string; product: string; description: string; startsAt: string; place: string; capacity: number },
    now = new Date(),
  ): Promise<api.PanelRoundView> {
    const startsAt = new Date(input.startsAt);
    if (Number.isNaN(startsAt.getTime()) || startsAt <= now)
      throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'startsAt', message: '请选择将来的时间' }]);
    const id = Number((await this.db.manager.insert(PanelRound, { ...input, startsAt, signedCount: 0, createdAt: now })).identifiers[0].id);
    return (await this.roundViews([await this.db.manager.findOneByOrFail(PanelRound, { id })], now))[0];
  }

  async signups(roundId: number) {
    if (!(await this.db.manager.findOne(PanelRound, { where: { id: roundId }, select: { id: true } }))) throw new AppError('NOT_FOUND');
    const rows = await this.db.manager.find(PanelSignup, { where: { roundId }, order: { id: 'ASC' } });
    const members = await this.members.findActiveWithRelations(rows.map((r) => r.memberId));
    const names = new Map(members.map((m) => [m.id, m.nickname]));
    return {
      items: rows.map((r) => ({
        memberId: r.memberId,
        nickname: names.get(r.memberId) ?? null,
        status: r.status,
        reviewedAt: r.reviewedAt ? r.reviewedAt.toISOString() : null,
      })),
    };
  }

  async markAttendance(roundId: number, memberId: number, attended: boolean) {
    const r = await this.db.manager.update(PanelSignup, { roundId, memberId }, { status: attended ? 'attended' : 'absent' });
    if (!r.affected) throw new AppError('NOT_FOUND', '该会员没有报名本轮');
    return (await this.signups(roundId)).items.find((s) => s.memberId === memberId)!;
  }

  async report(roundId: number, now = new Date()) {
    const round = await this.db.manager.findOne(PanelRound, { where: { id: roundId } });
    if (!round) throw new AppError('NOT_FOUND');
    const rows = await this.db.manager.find(PanelSignup, { where: { roundId }, order: { reviewedAt: 'ASC' } });
    const reviewed = rows.filter((r) => r.answers && r.reviewedAt);
    const members = await this.members.findActiveWithRelations(reviewed.map((r) => r.memberId));
    const names = new Map(members.map((m) => [m.id, m.nickname]));
    const answers = reviewed.map((r) => ({ r, a: r.answers! }));
    const avg = (f: (a: api.ReviewAnswers) => number) =>
      answers.length ? Math.round((answers.reduce((s, x) => s + f(x.a), 0) / answers.length) * 10) / 10 : null;
    return {
      round: (await this.roundViews([round], now))[0],
      averageTaste: avg((a) => a.taste),
      averageValue: avg((a) => a.value),
      wouldBuy: {
        yes: answers.filter((x) => x.a.wouldBuy === 'yes').length,
        maybe: answers.filter((x) => x.a.wouldBuy === 'maybe').length,
        no: answers.filter((x) => x.a.wouldBuy === 'no').length,
      },
      comments: answers.map(({ r, a }) => ({
        nickname: names.get(r.memberId) ?? null,
        taste: a.taste,
        value: a.value,
        wouldBuy: a.wouldBuy,
        comment: a.comment,
        at: r.reviewedAt!.toISOString(),
      })),
    };
  }

  // ---------------------------------------------------------------- member side

  private async mine(memberId: number, rounds: PanelRound[], now: Date) {
    const views = await this.roundViews(rounds, now);
    const signups = rounds.length ? await this.db.manager.find(PanelSignup, { where: { memberId, roundId: In(rounds.map((r) => r.id)) } }) : [];
    const by = new Map(signups.map((s) => [s.roundId, s]));
    return views.map((v) => ({
      ...v,
      mine: (by.get(v.id)?.status ?? 'none') as 'none' | 'signed' | 'attended' | 'absent',
      reviewed: !!by.get(v.id)?.reviewedAt,
    }));
  }

  async me(memberId: number, now = new Date()) {
    const p = await this.db.manager.findOne(PanelMember, { where: { memberId } });
    if (!p) return { member: false, badge: null, moderator: false, rounds: [] };
    const rounds = await this.db.manager.find(PanelRound, { order: { startsAt: 'DESC' }, take: 30 });
    return { member: true, badge: PANEL_BADGE, moderator: p.moderator, rounds: await this.mine(memberId, rounds, now) };
  }

  async signUp(memberId: number, roundId: number, now = new Date()) {
    if (!(await this.db.manager.findOne(PanelMember, { where: { memberId } }))) throw new AppError('PANEL_NOT_MEMBER');
    const round = await this.db.manager.findOne(PanelRound, { where: { id: roundId } });
    if (!round) throw new AppError('NOT_FOUND');
    if (round.startsAt <= now) throw new AppError('PANEL_ROUND_CLOSED');
    await this.db.transaction(async (em) => {
      // the sign-up row first (unique: a second tap finds it), then the seat (conditional: never above capacity)
      try {
        await em.insert(PanelSignup, { roundId, memberId, status: 'signed', answers: null, reviewedAt: null, createdAt: now });
      } catch (err) {
        if (isUniqueViolation(err)) return;
        throw err;
      }
      const seat = await em
        .createQueryBuilder()
        .update(PanelRound)
        .set({ signedCount: () => 'signed_count + 1' })
        .where('id = :id AND signed_count < capacity', { id: roundId })
        .execute();
      if (!seat.affected) throw new AppError('PANEL_ROUND_FULL'); // rolls the sign-up back
    });
    const fresh = await this.db.manager.findOneByOrFail(PanelRound, { id: roundId });
    return (await this.mine(memberId, [fresh], now))[0];
  }

  async review(memberId: number, roundId: number, answers: api.ReviewAnswers, now = new Date()) {
    const s = await this.db.manager.findOne(PanelSignup, { where: { roundId, memberId } });
    if (!s || s.status === 'absent') throw new AppError('PANEL_REVIEW_NOT_ALLOWED');
    await this.db.manager.update(PanelSignup, { id: s.id }, { answers, reviewedAt: now });
    const round = await this.db.manager.findOneByOrFail(PanelRound, { id: roundId });
    return (await this.mine(memberId, [round], now))[0];
  }
}
