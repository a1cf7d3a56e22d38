/**
 * Events the WeCom engine emits. Payloads carry ids and facts only; times are ISO-8601 UTC strings.
 */
export {};

declare module '../../core/events/types' {
  interface DomainEventMap {
    /** A customer added a staff member (after the welcome was attempted and the contact synced). */
    ContactAdded: {
      externalUserId: string;
      /** WeCom userid of the staff member the customer added. */
      staffUserId: string;
      staffId: number | null;
      memberId: number | null;
      channelId: number | null;
      channelKind: string | null;
      state: string | null;
      /** Set when the State was a member's personal referral code (ref_<memberId>). */
      referrerMemberId: number | null;
      addedAt: string;
    };
    /** The friendship ended: the customer deleted the staff member, or the staff member deleted the customer. */
    ContactLost: { externalUserId: string; staffUserId: string; reason: 'customer_deleted' | 'staff_deleted'; at: string };
    /** For the referral work: a friend added staff through a member's personal referral code. */
    ReferralContactAdded: {
      referrerMemberId: number;
      externalUserId: string;
      memberId: number | null;
      channelId: number;
      staffUserId: string;
      addedAt: string;
    };
    /**
     * A private message from our staff went out for this customer: an add_msg_template (clerk's
     * answer, journey step, mass message) WeCom accepted with the customer not in its fail_list.
     * WeCom shows no read receipts (without chat archiving): this is "sent", not "read".
     */
    CustomerMessaged: { externalUserId: string; staffUserId: string; outboundId: number; ref: string | null; at: string };
    /** The customer answered (noted by staff in the sidebar: 客户回复了); WeCom sends no chat content without chat archiving. */
    CustomerReplied: { externalUserId: string; staffUserId: string | null; memberId: number | null; at: string; via: 'staff_noted' };
    /** A WeCom contact got linked to a member (by unionid) during sync. */
    ContactLinked: { externalUserId: string; memberId: number; staffUserId: string | null };
    /**
     * A customer group changed (created, members joined or left, owner or name changed, dismissed),
     * as reconciled from WeCom's snapshot. joined/left: external_userids and staff userids.
     */
    GroupChanged: {
      chatId: string;
      name: string | null;
      ownerUserId: string | null;
      joined: string[];
      left: string[];
      dismissed: boolean;
      created: boolean;
      at: string;
    };
  }
}
