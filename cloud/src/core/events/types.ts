/** Domain events crossing module boundaries through the outbox. Payloads carry ids, not personal data. */
export interface DomainEventMap {
  MemberRegistered: { memberId: number; unionid: string | null; storeId: number | null; referrerMemberId: number | null };
  MemberDeleted: { memberId: number };
  /** An existing member's unionid became known on a later login (it was missing at registration). */
  MemberUnionidLearned: { memberId: number; unionid: string };
}

export type DomainEventType = keyof DomainEventMap;

export interface DeliveredEvent<T extends DomainEventType = DomainEventType> {
  id: number;
  type: T;
  payload: DomainEventMap[T];
  createdAt: Date;
}
