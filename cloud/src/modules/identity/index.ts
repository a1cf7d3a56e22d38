/** The identity module's public face: what other modules may use (reads of members, households, stores, staff; accounts). Its events are in events.ts. */
export { IdentityReads, type MemberFacts, type MemberCard, type StaffCard } from './identity-read.service';
export { AdminService, type MemberQuery, type ScopedMember } from './admin.service';
export { MemberService } from './member.service';
export { OrgService } from './org.service';
export { maskPhone } from './views';
