import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonColumn } from '../../../core/json-column';

/** An HQ activity kit: an event template stores adopt with local changes. */
@Entity({ name: 'community_kit' })
export class Kit {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 60 })
  title!: string;

  @Column({ type: 'text' })
  copy!: string;

  @Column({ name: 'poster_url', type: 'varchar', length: 512, nullable: true })
  posterUrl!: string | null;

  /** JSON array of strings. */
  @Column({ type: 'text', transformer: jsonColumn<unknown>({ fallback: [] }) })
  materials!: unknown;

  @Column({ name: 'budget_tier', type: 'varchar', length: 10 })
  budgetTier!: 'zero' | 'light' | 'standard';

  @Column({ type: 'varchar', length: 10 })
  ring!: 'outer' | 'members' | 'inner';

  @Column({ type: 'varchar', length: 60 })
  audience!: string;

  @Column({ name: 'follow_up', type: 'varchar', length: 100 })
  followUp!: string;

  /** The journey (journeys module) attendees of an adopted class are enrolled in at check-in. */
  @Column({ name: 'follow_up_journey_id', type: 'integer', nullable: true })
  followUpJourneyId!: number | null;

  @Column({ name: 'duration_minutes', type: 'integer' })
  durationMinutes!: number;

  @Column({ name: 'adult_seats', type: 'integer' })
  adultSeats!: number;

  @Column({ name: 'child_seats', type: 'integer' })
  childSeats!: number;

  /** JSON array: cold / hot / rain. */
  @Column({ name: 'weather_tags', type: 'varchar', length: 60, transformer: jsonColumn<unknown>({ fallback: [] }) })
  weatherTags!: unknown;

  @Column({ type: 'varchar', length: 10 })
  status!: 'draft' | 'published';

  @Column({ name: 'published_at', type: 'datetime', nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}

/** A day of the community calendar (festival, solar term, theme day) with the kits it suggests (by title). */
@Entity({ name: 'community_calendar_day' })
@Index('uq_community_calendar_day', ['date', 'name'], { unique: true })
export class CalendarDayRow {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** YYYY-MM-DD, Beijing. */
  @Column({ type: 'varchar', length: 10 })
  date!: string;

  @Column({ type: 'varchar', length: 30 })
  name!: string;

  @Column({ type: 'varchar', length: 12 })
  kind!: 'festival' | 'solar_term' | 'theme';

  @Column({ type: 'varchar', length: 200 })
  note!: string;

  /** JSON array of kit titles suggested for the day (kits HQ publishes under those titles). */
  @Column({ name: 'kit_titles', type: 'varchar', length: 300, transformer: jsonColumn<unknown>({ fallback: [] }) })
  kitTitles!: unknown;
}

/** A store ran a kit: as a class/event (through the classes module) or as a group SOP. */
@Entity({ name: 'community_kit_adoption' })
@Index('idx_community_kit_adoption_kit', ['kitId'])
@Index('idx_community_kit_adoption_store', ['storeId'])
export class KitAdoption {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'kit_id', type: 'integer' })
  kitId!: number;

  @Column({ name: 'store_id', type: 'integer' })
  storeId!: number;

  @Column({ name: 'staff_id', type: 'integer' })
  staffId!: number;

  @Column({ type: 'varchar', length: 10 })
  target!: 'class' | 'group_sop';

  @Column({ name: 'class_id', type: 'integer', nullable: true })
  classId!: number | null;

  @Column({ name: 'sop_id', type: 'integer', nullable: true })
  sopId!: number | null;

  @Column({ type: 'varchar', length: 64 })
  title!: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}
