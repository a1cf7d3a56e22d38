/** The identity module's public face: what other modules may use (reads of members, households, stores, staff). */
export { IdentityReads, type MemberFacts } from './identity-read.service';
