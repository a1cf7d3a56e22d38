/**
 * Churn risk on a generated history: 200 members with their own rhythms (weekly, fortnightly,
 * monthly shoppers, daily visitors), some of whom went quiet; the known at-risk ones must be found
 * and the steady ones left alone, whatever their rhythm.
 */
import { churnRisk, usualGapDays, type MemberSignals } from '../../src/modules/feedback/churn-risk';

const DAY = 86_400_000;
const NOW = new Date('2026-12-05T04:00:00Z');

/** Deterministic pseudo-random numbers (the test must not flake). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Generated {
  id: number;
  signals: MemberSignals;
  atRisk: boolean;
  rhythm: number;
}

/** Events every `rhythmDays` (±20 %) from a year ago, the last one `stoppedDaysAgo` days ago. */
function history(rand: () => number, rhythmDays: number, stoppedDaysAgo: number): Date[] {
  const out: Date[] = [];
  let t = NOW.getTime() - 360 * DAY;
  const end = NOW.getTime() - stoppedDaysAgo * DAY;
  while (t < end - rhythmDays * DAY * 0.5) {
    out.push(new Date(t));
    t += rhythmDays * DAY * (0.8 + rand() * 0.4);
  }
  out.push(new Date(end));
  return out;
}

function generate(): Generated[] {
  const rand = rng(20);
  const rhythms = [2, 7, 14, 30];
  const members: Generated[] = [];
  for (let id = 1; id <= 200; id++) {
    const rhythm = rhythms[id % rhythms.length];
    // every 5th member stopped a long time ago relative to their own rhythm (5–8 rhythms);
    // the others are on schedule (last event within one rhythm)
    const atRisk = id % 5 === 0;
    const stopped = atRisk ? Math.max(30, rhythm * (5 + Math.floor(rand() * 4))) : Math.floor(rand() * rhythm * 0.9);
    const visits = history(rand, rhythm, stopped);
    const purchases = visits.filter((_, i) => i === visits.length - 1 || rand() < 0.8);
    const interaction = history(rand, Math.max(3, rhythm), stopped);
    members.push({ id, atRisk, rhythm, signals: { visit: visits, purchase: purchases, interaction } });
  }
  return members;
}

test('finds the members known to be at risk and leaves the steady ones alone', () => {
  const members = generate();
  const results = members.map((m) => ({ m, r: churnRisk(m.signals, NOW) }));
  const flagged = results.filter((x) => x.r.score >= 30);
  const known = results.filter((x) => x.m.atRisk);
  // every known at-risk member is flagged, with reasons; no steady member is
  expect(known.length).toBe(40);
  for (const x of known) {
    expect(x.r.score).toBeGreaterThanOrEqual(30);
    expect(x.r.reasons.length).toBeGreaterThan(0);
  }
  expect(flagged.map((x) => x.m.id).sort((a, b) => a - b)).toEqual(known.map((x) => x.m.id).sort((a, b) => a - b));
  for (const x of results.filter((y) => !y.m.atRisk)) expect(x.r.level).toBe('none');
});

test('the same silence means risk for a weekly shopper and none for a monthly one (their own rhythm)', () => {
  const weekly = Array.from({ length: 20 }, (_, i) => new Date(NOW.getTime() - (21 + i * 7) * DAY));
  const monthly = Array.from({ length: 10 }, (_, i) => new Date(NOW.getTime() - (21 + i * 30) * DAY));
  const recentChat = [new Date(NOW.getTime() - 2 * DAY)];
  const w = churnRisk({ visit: weekly, purchase: weekly, interaction: recentChat }, NOW);
  const m = churnRisk({ visit: monthly, purchase: monthly, interaction: recentChat }, NOW);
  expect(w.score).toBeGreaterThan(0);
  expect(w.reasons).toContain('已21天没有到店（平时约每7天到店一次）');
  expect(m).toMatchObject({ score: 0, level: 'none', reasons: [] });
  expect(usualGapDays(weekly, 'visit', NOW)).toBe(7);
  expect(usualGapDays(monthly, 'purchase', NOW)).toBe(30);
});

test('30 days without any interaction is a risk whatever the rhythm; no history is no risk', () => {
  const quarterly = Array.from({ length: 4 }, (_, i) => new Date(NOW.getTime() - (35 + i * 90) * DAY));
  const r = churnRisk({ visit: [], purchase: quarterly, interaction: quarterly }, NOW);
  expect(r.score).toBeGreaterThanOrEqual(40);
  expect(r.reasons.join()).toMatch(/已35天没有任何互动/);
  expect(churnRisk({ visit: [], purchase: [], interaction: [] }, NOW)).toEqual({
    score: 0,
    level: 'none',
    reasons: [],
    lastActiveAt: null,
    suggestedCause: null,
  });
});

test('messages without a response: N in a row since the last reply or visit make a steady member at risk, cause 消息太多', () => {
  const ago = (d: number) => new Date(NOW.getTime() - d * DAY);
  // a weekly shopper, last seen 3 days ago (on rhythm): the silence scores say nothing
  const weekly = Array.from({ length: 20 }, (_, i) => ago(3 + i * 7));
  const steady = { visit: weekly, purchase: weekly, interaction: weekly };
  expect(churnRisk(steady, NOW).level).toBe('none');
  // two messages since: not yet
  expect(churnRisk({ ...steady, message: [ago(2), ago(1)] }, NOW)).toMatchObject({ level: 'none', suggestedCause: null });
  // three: at risk, with the reason and the suggested cause
  const three = churnRisk({ ...steady, message: [ago(2.5), ago(2), ago(1)] }, NOW);
  expect(three.score).toBeGreaterThanOrEqual(30);
  expect(three).toMatchObject({ suggestedCause: 'too_many_messages', reasons: ['连续收到3条消息，没有回复也没有到店（可能被消息打扰）'] });
  // more messages, higher risk; messages before the last visit do not count
  expect(churnRisk({ ...steady, message: [ago(2.9), ago(2.5), ago(2), ago(1.5), ago(1)] }, NOW).score).toBeGreaterThan(three.score);
  expect(churnRisk({ ...steady, message: [ago(6), ago(5), ago(4), ago(1)] }, NOW).suggestedCause).toBeNull();
  // a reply (an interaction) after the messages ends the run
  expect(churnRisk({ ...steady, interaction: [...weekly, ago(0.5)], message: [ago(2.5), ago(2), ago(1)] }, NOW).suggestedCause).toBeNull();
  // messages are not a sign of life: a member quiet for 40 days stays at risk however many we sent
  const quiet = churnRisk({ visit: [ago(40)], purchase: [], interaction: [ago(40)], message: [ago(10), ago(5), ago(1)] }, NOW);
  expect(quiet.lastActiveAt).toEqual(ago(40));
  expect(quiet.reasons.join()).toMatch(/已40天没有互动/);
  expect(quiet.score).toBeGreaterThanOrEqual(40);
});
