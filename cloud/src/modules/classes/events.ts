/** Domain events of the classes module (payloads carry ids and facts, no personal data). */
import '../../core/events/types';

declare module '../../core/events/types' {
  interface DomainEventMap {
    /** A member registered (seat or waitlist; getting a seat later is ClassRegistrationPromoted). */
    ClassRegistered: { registrationId: number; sessionId: number; classId: number; memberId: number };
    /** `classTitle` and `startsAt` come with cancellations by ops (the member is told about those). */
    ClassRegistrationCancelled: { registrationId: number; sessionId: number; memberId: number; by: 'member' | 'ops'; classTitle?: string; startsAt?: string };
    /** A waiting household got a seat; the promotion notice is queued in class_notice. */
    ClassRegistrationPromoted: { registrationId: number; sessionId: number; memberId: number };
    /** Attendance recorded once; `tags` are the class's tags to grant. */
    /** `classTitle` / `endsAt` (optional) let feedback send its rating prompt once the session ended. */
    ClassCheckedIn: {
      registrationId: number;
      sessionId: number;
      classId: number;
      storeId: number;
      memberId: number;
      tags: string[];
      classTitle?: string;
      endsAt?: string;
    };
    /** Ops moved a session a member holds a place in (seat or waitlist): tell them the new time. */
    ClassSessionRescheduled: {
      registrationId: number;
      sessionId: number;
      classId: number;
      classTitle: string;
      memberId: number;
      startsAt: string;
      previousStartsAt: string;
    };
    /** A member rated an attended session (once); the feedback inbox sorts and follows it up. */
    ClassRated: {
      registrationId: number;
      sessionId: number;
      classId: number;
      storeId: number;
      memberId: number;
      stars: number;
      comment: string | null;
      classTitle: string;
      ratedAt: string;
    };
    ClassNoShowRecorded: { registrationId: number; sessionId: number; memberId: number; blocked: boolean };
  }
}

export {};
