/** Row → contract view mapping for contests and entries (URLs built through the uploads module). */
import {
  AWARD_LABELS,
  ENTRY_STATUS_LABELS,
  FAIR_PLAY_TEXT,
  type ContestDetail,
  type ContestSummary,
  type EntryCard,
  type EntryDetail,
  type MyEntry,
  type WinnerView,
} from '../../../../contracts/contest';
import { iso } from '../../core/db';
import type { Contest } from './entities/contest.entity';
import type { ContestEntry } from './entities/entry.entity';

export type FileUrl = (name: string) => string;

const PHASE_LABELS: Record<ContestSummary['phase'], string> = {
  draft: '未发布',
  upcoming: '即将开始',
  submitting: '征集中',
  voting: '投票中',
  submitting_voting: '征集与投票中',
  between: '等待投票',
  counting: '计票中',
  closed: '已结束',
};

export function submissionOpen(c: Contest, now: Date): boolean {
  return c.status === 'published' && now >= c.submissionStartAt && now < c.submissionEndAt;
}

export function votingOpen(c: Contest, now: Date): boolean {
  return c.status === 'published' && now >= c.voteStartAt && now < c.voteEndAt;
}

export function phaseOf(c: Contest, now: Date): ContestSummary['phase'] {
  if (c.status === 'draft') return 'draft';
  if (c.status === 'closed') return 'closed';
  const sub = submissionOpen(c, now);
  const vote = votingOpen(c, now);
  if (sub && vote) return 'submitting_voting';
  if (sub) return 'submitting';
  if (vote) return 'voting';
  if (now < c.submissionStartAt) return 'upcoming';
  if (now >= c.voteEndAt) return 'counting';
  return 'between';
}

export function contestSummary(c: Contest, entryCount: number, now: Date): ContestSummary {
  const phase = phaseOf(c, now);
  return {
    id: c.id,
    title: c.title,
    coverUrl: c.coverUrl,
    prizeText: c.prizeText,
    submissionStartAt: iso(c.submissionStartAt),
    submissionEndAt: iso(c.submissionEndAt),
    voteStartAt: iso(c.voteStartAt),
    voteEndAt: iso(c.voteEndAt),
    votesPerDay: c.votesPerDay,
    phase,
    phaseLabel: PHASE_LABELS[phase],
    submissionOpen: submissionOpen(c, now),
    votingOpen: votingOpen(c, now),
    entryCount,
    closedAt: iso(c.closedAt),
  };
}

export function winnerView(e: ContestEntry, url: FileUrl): WinnerView {
  const cover = e.photos[0];
  return {
    entryId: e.id,
    title: e.title,
    displayName: e.displayName,
    thumbUrl: cover ? url(cover.thumbName ?? cover.name) : null,
    finalRank: e.finalRank,
    award: e.award ?? 'cooking',
    awardLabel: AWARD_LABELS[e.award ?? 'cooking'],
    dishId: e.dishId,
    dishName: e.award === 'listed' ? e.dishName : null,
  };
}

export function contestDetail(c: Contest, entryCount: number, winners: ContestEntry[], now: Date, url: FileUrl): ContestDetail {
  return {
    ...contestSummary(c, entryCount, now),
    rulesText: c.rulesText,
    fairPlayText: FAIR_PLAY_TEXT,
    juryWeight: c.juryWeight,
    winners: winners.map((w) => winnerView(w, url)),
  };
}

export function entryCard(e: ContestEntry, url: FileUrl): EntryCard {
  const cover = e.photos[0];
  return {
    id: e.id,
    contestId: e.contestId,
    title: e.title,
    displayName: e.displayName,
    coverThumbUrl: cover ? url(cover.thumbName ?? cover.name) : null,
    voteCount: e.voteCount,
    createdAt: iso(e.createdAt),
    award: e.award,
    awardLabel: e.award ? AWARD_LABELS[e.award] : null,
    finalRank: e.finalRank,
  };
}

export function entryDetail(e: ContestEntry, url: FileUrl): EntryDetail {
  return {
    ...entryCard(e, url),
    story: e.story,
    ingredients: e.ingredients,
    steps: e.steps,
    photos: e.photos.map((p) => ({ uploadId: p.uploadId, url: url(p.name), thumbUrl: url(p.thumbName ?? p.name), width: p.width, height: p.height })),
    dishId: e.dishId,
    dishName: e.award === 'listed' ? e.dishName : null,
  };
}

export function myEntry(e: ContestEntry, c: Contest, now: Date, url: FileUrl): MyEntry {
  return {
    ...entryDetail(e, url),
    contestTitle: c.title,
    status: e.status,
    statusLabel: ENTRY_STATUS_LABELS[e.status],
    rejectReason: e.status === 'rejected' ? e.rejectReason : null,
    canEdit: (e.status === 'pending' || e.status === 'rejected') && submissionOpen(c, now),
    updatedAt: iso(e.updatedAt),
  };
}
