/**
 * Pure membership reconciliation for customer groups: the open stays we hold against the member
 * list WeCom returned. Works from full snapshots, so callbacks that arrive twice or out of order
 * converge on what WeCom says now (a delta applied twice or late would not).
 */
export interface OpenStay {
  id: number;
  userId: string;
  joinedAt: Date;
}

export interface SnapshotMember {
  userId: string;
  memberType: number;
  joinedAt: Date;
  unionid: string | null;
  name: string | null;
}

export interface MembershipPlan {
  /** New stays to open (first join, or a re-join WeCom reports with a later join_time). */
  open: SnapshotMember[];
  /** Stays to close: the person is gone from the group (or re-joined: the old stay ends then). */
  close: Array<{ id: number; userId: string; leftAt: Date }>;
}

/** Join times WeCom reports are whole seconds; a stay matches when they agree to the second. */
const sameSecond = (a: Date, b: Date) => Math.floor(a.getTime() / 1000) === Math.floor(b.getTime() / 1000);

export function planMembership(open: OpenStay[], snapshot: SnapshotMember[], leftAt: Date): MembershipPlan {
  const plan: MembershipPlan = { open: [], close: [] };
  const byUser = new Map<string, OpenStay[]>();
  for (const s of open) byUser.set(s.userId, [...(byUser.get(s.userId) ?? []), s]);
  const seen = new Set<string>();
  for (const m of snapshot) {
    if (seen.has(m.userId)) continue; // WeCom lists a person once; be safe with repeats
    seen.add(m.userId);
    const stays = byUser.get(m.userId) ?? [];
    const current = stays.find((s) => sameSecond(s.joinedAt, m.joinedAt)) ?? (stays.length && !(m.joinedAt > stays[0].joinedAt) ? stays[0] : null);
    for (const s of stays) {
      // an older stay still open while WeCom reports a later join: they left and came back in between
      if (s !== current) plan.close.push({ id: s.id, userId: s.userId, leftAt: m.joinedAt > s.joinedAt ? m.joinedAt : leftAt });
    }
    if (!current) plan.open.push(m);
  }
  for (const [userId, stays] of byUser) {
    if (!seen.has(userId)) stays.forEach((s) => plan.close.push({ id: s.id, userId, leftAt: leftAt < s.joinedAt ? s.joinedAt : leftAt }));
  }
  return plan;
}
