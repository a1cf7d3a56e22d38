/**
 * The ranking rule, shared by the live leaderboard and the close job (which freezes it):
 * score = (1 − w)·(votes / most votes · 100) + w·jury score, w = jury weight / 100;
 * higher score first; tie: the entry that reached its tally first (earlier tally_reached_at,
 * i.e. the time of its latest counted vote), then the lower id.
 */
import type { ContestEntry } from './entities/entry.entity';

export interface Ranked {
  entry: ContestEntry;
  rank: number;
  votes: number;
  /** score × 100, rounded (integers compare exactly on both databases). */
  scoreX100: number;
}

export function rankEntries(entries: ContestEntry[], juryWeight: number): Ranked[] {
  const w = Math.min(100, Math.max(0, juryWeight)) / 100;
  const maxVotes = entries.reduce((m, e) => Math.max(m, e.voteCount), 0);
  const scored = entries.map((entry) => {
    const voteScore = maxVotes > 0 ? (entry.voteCount / maxVotes) * 100 : 0;
    const score = (1 - w) * voteScore + w * (entry.juryScore ?? 0);
    return { entry, votes: entry.voteCount, scoreX100: Math.round(score * 100) };
  });
  const reached = (e: ContestEntry) => (e.tallyReachedAt ? new Date(e.tallyReachedAt).getTime() : Number.POSITIVE_INFINITY);
  scored.sort((a, b) => b.scoreX100 - a.scoreX100 || reached(a.entry) - reached(b.entry) || a.entry.id - b.entry.id);
  return scored.map((s, i) => ({ ...s, rank: i + 1 }));
}
