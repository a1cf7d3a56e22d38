import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A share-card invitation into a household: any family member may accept it until it expires. */
@Entity({ name: 'household_invite' })
export class HouseholdInvite {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** Random, unguessable (the card's only secret). */
  @Column({ type: 'varchar', length: 64, unique: true })
  token!: string;

  @Column({ name: 'household_id', type: 'integer' })
  householdId!: number;

  @Column({ name: 'inviter_member_id', type: 'integer', nullable: true })
  inviterMemberId!: number | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'datetime' })
  expiresAt!: Date;
}
