import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { JourneyStep, JourneyTrigger } from '../../../../../contracts/journeys';
import { jsonColumn } from '../../../core/json-column';

/** A journey (SOP) as data: trigger + ordered steps (JSON). */
@Entity({ name: 'journey' })
export class Journey {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** new_member / wake_up for the built-in ones. */
  @Index('uq_journey_builtin', { unique: true })
  @Column({ name: 'builtin_key', type: 'varchar', length: 32, nullable: true })
  builtinKey!: string | null;

  @Column({ type: 'varchar', length: 40 })
  name!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** JourneyTrigger JSON. */
  @Column({ name: 'trigger_def', type: 'text', transformer: jsonColumn<JourneyTrigger>() })
  triggerDef!: JourneyTrigger;

  /** JourneyStep[] JSON. */
  @Column({ type: 'text', transformer: jsonColumn<JourneyStep[]>({ fallback: [] }) })
  steps!: JourneyStep[];

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}

export function triggerOf(j: Journey): JourneyTrigger {
  return j.triggerDef;
}
export function stepsOf(j: Journey): JourneyStep[] {
  return j.steps;
}
