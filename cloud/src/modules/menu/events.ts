declare module '../../core/events/types' {
  interface DomainEventMap {
    /** A credited dish exists for a contest entry (the contest links it back by id). */
    DishCreated: { dishId: number; entryId: number | null; contestId: number | null; name: string };
  }
}
export {};
