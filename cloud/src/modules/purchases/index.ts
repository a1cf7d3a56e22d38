/** The purchases module's public face: what members bought. Its events are in events.ts. */
export { MemberBuysService } from './member-buys.service';
