/**
 * The contest side of the member timeline (entries submitted / approved / rejected / withdrawn /
 * awarded; votes cast, one line per contest and day) and the facts the sidebar's offers need (an open
 * contest and whether the member has an entry in it). Votes are never a reason to suggest anything:
 * the contest rules forbid rewarding votes or shares.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In, LessThanOrEqual, MoreThan } from 'typeorm';
import { Db } from '../../core/db';
import { MemberFacts, type MemberFactSet, MemberTimeline, type TimelineItem } from '../../core/timeline';
import { Contest } from './entities/contest.entity';
import { ContestEntry } from './entities/entry.entity';
import { ContestVote } from './entities/vote.entity';

/** Enough recent votes to fill a timeline with per-day lines (votes per day are capped by the contest). */
const VOTE_ROWS = 300;

@Provide()
@Scope(ScopeEnum.Singleton)
export class ContestTimeline {
  @Inject()
  db!: Db;

  @MemberTimeline('contest')
  async timelineFor(memberId: number, limit: number): Promise<TimelineItem[]> {
    const [entries, votes] = await Promise.all([
      this.db.manager.find(ContestEntry, {
        where: { memberId },
        select: {
          id: true,
          contestId: true,
          title: true,
          status: true,
          autoApproved: true,
          approvedAt: true,
          reviewedAt: true,
          rejectReason: true,
          finalRank: true,
          award: true,
          awardConfirmedAt: true,
          awardListedAt: true,
          dishName: true,
          createdAt: true,
          updatedAt: true,
        },
        order: { id: 'DESC' },
        take: limit,
      }),
      this.db.manager.find(ContestVote, {
        where: { memberId, voided: false },
        select: { id: true, contestId: true, day: true, createdAt: true },
        order: { id: 'DESC' },
        take: VOTE_ROWS,
      }),
    ]);
    const contestIds = [...new Set([...entries.map((e) => e.contestId), ...votes.map((v) => v.contestId)])];
    const titles = new Map(
      contestIds.length
        ? (await this.db.manager.find(Contest, { where: { id: In(contestIds) }, select: { id: true, title: true } })).map((c) => [c.id, c.title])
        : [],
    );
    const of = (contestId: number) => (titles.has(contestId) ? `「${titles.get(contestId)}」` : '评选活动');
    const out: TimelineItem[] = [];
    for (const e of entries) {
      out.push({ at: e.createdAt, kind: 'contest_entry_submitted', text: `在${of(e.contestId)}投稿「${e.title}」${e.autoApproved ? '（已展示）' : ''}` });
      if (e.approvedAt && !e.autoApproved) out.push({ at: e.approvedAt, kind: 'contest_entry_approved', text: `作品「${e.title}」审核通过` });
      if (e.status === 'rejected') {
        out.push({
          at: e.reviewedAt ?? e.updatedAt,
          kind: 'contest_entry_rejected',
          text: `作品「${e.title}」未通过审核${e.rejectReason ? `：${e.rejectReason}` : ''}`,
        });
      }
      if (e.status === 'withdrawn') out.push({ at: e.updatedAt, kind: 'contest_entry_withdrawn', text: `撤回了作品「${e.title}」` });
      if (e.awardConfirmedAt) {
        out.push({ at: e.awardConfirmedAt, kind: 'contest_winner', text: `作品「${e.title}」获奖${e.finalRank ? `（第${e.finalRank}名）` : ''}，大厨复刻中` });
      }
      if (e.awardListedAt) out.push({ at: e.awardListedAt, kind: 'contest_dish_listed', text: `获奖菜「${e.dishName ?? e.title}」已上架菜单` });
    }
    // votes: one line per contest and (Shanghai) day, at that day's last vote
    const days = new Map<string, { contestId: number; n: number; last: Date }>();
    for (const v of votes) {
      const key = `${v.contestId}:${v.day}`;
      const d = days.get(key);
      if (d) {
        d.n += 1;
        if (v.createdAt > d.last) d.last = v.createdAt;
      } else days.set(key, { contestId: v.contestId, n: 1, last: v.createdAt });
    }
    for (const d of days.values()) out.push({ at: d.last, kind: 'contest_votes', text: `为${of(d.contestId)}的作品投了 ${d.n} 票` });
    return out;
  }

  @MemberFacts('contest')
  async factsFor(memberId: number, now: Date): Promise<Partial<MemberFactSet>> {
    const open = await this.db.manager.find(Contest, {
      where: { status: 'published', submissionStartAt: LessThanOrEqual(now), submissionEndAt: MoreThan(now) },
      select: { id: true, title: true, submissionEndAt: true },
      order: { submissionEndAt: 'ASC', id: 'ASC' },
    });
    const [mine, lastEntry, lastVote] = await Promise.all([
      open.length
        ? this.db.manager.find(ContestEntry, {
            where: { memberId, contestId: In(open.map((c) => c.id)), status: In(['pending', 'approved']) },
            select: { id: true, contestId: true },
          })
        : [],
      this.db.manager.findOne(ContestEntry, { where: { memberId }, select: { id: true, createdAt: true }, order: { id: 'DESC' } }),
      this.db.manager.findOne(ContestVote, { where: { memberId }, select: { id: true, createdAt: true }, order: { id: 'DESC' } }),
    ]);
    const entered = new Set(mine.map((e) => e.contestId));
    // the contest the member has not entered yet comes first (that is the one worth inviting to)
    const c = open.find((x) => !entered.has(x.id)) ?? open[0];
    return {
      openContest: c ? { title: c.title, submissionEndAt: c.submissionEndAt, hasEntry: entered.has(c.id) } : null,
      activeAt: [lastEntry?.createdAt, lastVote?.createdAt].filter((d): d is Date => !!d),
    };
  }
}
