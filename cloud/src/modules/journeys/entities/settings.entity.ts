import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The one row of journey settings (id = 1). */
@Entity({ name: 'journey_settings' })
export class JourneySettingsRow {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'quiet_start', type: 'varchar', length: 5 })
  quietStart!: string;

  @Column({ name: 'quiet_end', type: 'varchar', length: 5 })
  quietEnd!: string;

  @Column({ name: 'weekly_cap', type: 'integer' })
  weeklyCap!: number;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}
