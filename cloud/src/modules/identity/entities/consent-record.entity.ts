import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ConsentAction = 'granted' | 'withdrawn';

/** Append-only log of privacy-guide agreements and withdrawals. */
@Entity({ name: 'consent_record' })
@Index('idx_consent_member', ['memberId', 'at'])
export class ConsentRecord {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ type: 'varchar', length: 32 })
  version!: string;

  @Column({ type: 'varchar', length: 16 })
  action!: ConsentAction;

  @Column({ type: 'datetime' })
  at!: Date;
}
