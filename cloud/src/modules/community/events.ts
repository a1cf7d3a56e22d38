/** Events the community module announces through the outbox (ids and facts only). */
import '../../core/events/types';

declare module '../../core/events/types' {
  interface DomainEventMap {
    /** A member joined the customer advisory panel (顾客顾问团): insight counts them in 共创层 from then on. */
    AdvisoryPanelJoined: { memberId: number; at: string };
  }
}

export {};
