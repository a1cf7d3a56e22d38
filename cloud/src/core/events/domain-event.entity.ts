import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Outbox row: written in the same transaction as the change it announces. */
@Entity({ name: 'domain_event' })
export class DomainEvent {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  /** JSON text; ids and facts, never more personal data than the listeners need. */
  @Column({ type: 'text' })
  payload!: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Index('idx_domain_event_pending')
  @Column({ name: 'dispatched_at', type: 'datetime', nullable: true })
  dispatchedAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;
}

/** One row per (event, handler) that has run: the idempotency key of delivery. */
@Entity({ name: 'event_delivery' })
@Index('uq_event_delivery', ['eventId', 'handler'], { unique: true })
export class EventDelivery {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'event_id', type: 'integer' })
  eventId!: number;

  @Column({ type: 'varchar', length: 128 })
  handler!: string;

  @Column({ name: 'delivered_at', type: 'datetime' })
  deliveredAt!: Date;
}
