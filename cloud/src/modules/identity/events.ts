/** Identity's own announcements beyond MemberRegistered / MemberDeleted (core/events/types). */
import '../../core/events/types';

declare module '../../core/events/types' {
  interface DomainEventMap {
    /** A member bound (or changed) the phone number (no number in the payload: read the digest through MemberService.phoneDigestOf). */
    MemberPhoneBound: { memberId: number };
  }
}

export {};
