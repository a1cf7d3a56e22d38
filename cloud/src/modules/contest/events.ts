/** Events the contest domain announces through the outbox (ids and facts only). */
declare module '../../core/events/types' {
  interface DomainEventMap {
    /** An entry became visible (moderator or auto-approval). */
    EntryApproved: { entryId: number; contestId: number; memberId: number; auto: boolean };
    /**
     * A member voted in a contest on a day (Asia/Shanghai). Emitted once per member, contest and
     * day — at the first accepted vote of that day — not per vote, so the outbox stays quiet under load.
     */
    ContestVoted: { memberId: number; contestId: number; day: string };
    /** The close job froze the ranking. */
    ContestClosed: { contestId: number; rankedEntries: number };
    /** Ops confirmed a winner: it is now 大厨复刻中. */
    WinnerConfirmed: { contestId: number; entryId: number; memberId: number };
    /** A winner reached 已上架: the menu creates the credited dish (idempotent by entryId). */
    WinnerListed: {
      contestId: number;
      entryId: number;
      memberId: number;
      displayName: string;
      dishName: string;
      priceFen: number | null;
      /** Stored name of the entry's first photo (uploads module), for the dish cover. */
      coverFile: string | null;
    };
  }
}
export {};
