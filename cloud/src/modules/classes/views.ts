/** Entity -> contract shapes for the classes module. */
import type { ClassSummary, OpsSession, SessionCard } from '../../../../contracts/classes';
import { iso } from '../../core/db';
import type { ClassDef, ClassRecurrence } from './entities/class-def.entity';
import type { ClassSession } from './entities/class-session.entity';

/** A list column (JSON through `jsonColumn`) as a list; anything else reads as []. */
export function jsonArray<T>(v: T[] | null | undefined): T[] {
  return Array.isArray(v) ? v : [];
}

export function recurrenceOf(c: ClassDef): ClassRecurrence | null {
  return c.recurrence ?? null;
}

export function registrationOpen(s: ClassSession, now: Date): boolean {
  return s.status === 'scheduled' && now < new Date(s.registrationDeadline) && now < new Date(s.startsAt);
}

export function sessionCard(
  s: ClassSession,
  c: ClassDef,
  storeName: string | null,
  my: SessionCard['myRegistration'],
  now: Date,
  isSeries: boolean,
): SessionCard {
  return {
    id: s.id,
    classId: c.id,
    title: c.title,
    type: c.type,
    hostName: c.hostName,
    storeId: s.storeId,
    storeName,
    room: c.room,
    coverUrl: c.coverUrl,
    startsAt: iso(s.startsAt),
    endsAt: iso(s.endsAt),
    priceFen: c.priceFen,
    adultSeats: s.adultSeats,
    childSeats: s.childSeats,
    adultSeatsLeft: s.adultLeft,
    childSeatsLeft: s.childLeft,
    waitlistCount: s.waitingCount,
    registrationDeadline: iso(s.registrationDeadline),
    cancellationDeadline: iso(s.cancellationDeadline),
    registrationOpen: registrationOpen(s, now),
    status: s.status,
    tags: jsonArray<string>(c.tags),
    isSeries,
    myRegistration: my,
  };
}

export interface StatusCounts {
  confirmed: number;
  waitlisted: number;
  attended: number;
  noShow: number;
  cancelled: number;
  attendedPeople: number;
}

export const emptyCounts = (): StatusCounts => ({ confirmed: 0, waitlisted: 0, attended: 0, noShow: 0, cancelled: 0, attendedPeople: 0 });

export function opsSession(s: ClassSession, counts: StatusCounts = emptyCounts()): OpsSession {
  return {
    id: s.id,
    classId: s.classId,
    startsAt: iso(s.startsAt),
    endsAt: iso(s.endsAt),
    status: s.status,
    adultSeats: s.adultSeats,
    childSeats: s.childSeats,
    adultSeatsLeft: s.adultLeft,
    childSeatsLeft: s.childLeft,
    registrationDeadline: iso(s.registrationDeadline),
    cancellationDeadline: iso(s.cancellationDeadline),
    confirmed: counts.confirmed,
    waitlisted: counts.waitlisted,
    attended: counts.attended,
    noShow: counts.noShow,
    cancelled: counts.cancelled,
  };
}

export function classSummary(
  c: ClassDef,
  storeName: string | null,
  agg: { sessionCount: number; nextSessionAt: Date | null; averageRating: number | null },
): ClassSummary {
  return {
    id: c.id,
    title: c.title,
    type: c.type,
    hostName: c.hostName,
    storeId: c.storeId,
    storeName,
    room: c.room,
    priceFen: c.priceFen,
    coverUrl: c.coverUrl,
    tags: jsonArray<string>(c.tags),
    isSeries: agg.sessionCount > 1 || !!c.recurrence,
    sessionCount: agg.sessionCount,
    nextSessionAt: iso(agg.nextSessionAt),
    averageRating: agg.averageRating,
    createdAt: iso(c.createdAt),
  };
}

/** Mean rounded to 2 decimals (null for none). */
export function mean(sum: number, n: number): number | null {
  return n > 0 ? Math.round((sum / n) * 100) / 100 : null;
}
