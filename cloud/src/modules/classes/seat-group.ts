/**
 * Who of a group of registrations, taken together under one lock of the session row, gets a seat
 * and who joins the queue — a pure function (unit-tested without a database).
 *
 * Rules (the same as one registration at a time, in the group's arrival order):
 * - every accepted registration takes the next arrival number;
 * - a household is seated only while nobody waits (neither from before nor earlier in this group)
 *   and the seats suffice, so a newcomer never overtakes a waiting household;
 * - otherwise it joins the end of the queue and its position is the new queue length.
 * A household queued while seats are still free (it did not fit) is left to promotion, which skips
 * the ones that do not fit, exactly as before.
 */
export interface SessionSeats {
  adultLeft: number;
  childLeft: number;
  waitingCount: number;
  arrivalSeq: number;
}

export interface SeatAsk {
  adults: number;
  children: number;
}

export interface SeatDecision {
  status: 'confirmed' | 'waitlisted';
  arrivalSeq: number;
  /** 1-based queue position, for waitlisted households */
  position: number | null;
}

export function seatGroup(before: SessionSeats, asks: SeatAsk[]): { decisions: SeatDecision[]; after: SessionSeats } {
  const after = { ...before };
  const decisions = asks.map((a): SeatDecision => {
    after.arrivalSeq += 1;
    if (after.waitingCount === 0 && after.adultLeft >= a.adults && after.childLeft >= a.children) {
      after.adultLeft -= a.adults;
      after.childLeft -= a.children;
      return { status: 'confirmed', arrivalSeq: after.arrivalSeq, position: null };
    }
    after.waitingCount += 1;
    return { status: 'waitlisted', arrivalSeq: after.arrivalSeq, position: after.waitingCount };
  });
  return { decisions, after };
}
