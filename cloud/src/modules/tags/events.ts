/** Events the tag store announces (the WeCom tagging work pushes these with mark_tag). */
declare module '../../core/events/types' {
  interface DomainEventMap {
    /** Tags newly granted to a member (already-held tags are not repeated). */
    MemberTagsGranted: { memberId: number; tags: string[]; source: string };
  }
}
export {};
