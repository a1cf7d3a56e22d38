/** Events insight announces through the outbox (ids and facts only). */
declare module '../../core/events/types' {
  interface DomainEventMap {
    /**
     * Ops gave a saved segment's members a tag (one event per ≤ 500 members); the tags module
     * grants it, and its WeCom sync pushes it to their contacts.
     */
    InsightSegmentTagged: { segmentId: number; tag: string; memberIds: number[] };
  }
}
export {};
