import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type HandoverStatus = 'requested' | 'waiting' | 'done' | 'refused' | 'limit' | 'failed';

/** One customer of a departed staff member handed to a colleague through 离职继承. */
@Entity({ name: 'wecom_handover' })
export class WecomHandover {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'handover_userid', type: 'varchar', length: 64 })
  handoverUserid!: string;

  @Column({ name: 'takeover_userid', type: 'varchar', length: 64 })
  takeoverUserid!: string;

  @Column({ name: 'external_userid', type: 'varchar', length: 64 })
  externalUserid!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: HandoverStatus;

  @Column({ type: 'integer', nullable: true })
  errcode!: number | null;

  @Column({ name: 'requested_at', type: 'datetime' })
  requestedAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}
