import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One stay of one person in a customer group (客户群): from joining to leaving. A member who
 * leaves and comes back gets a second row (WeCom gives the new join_time), so joins and leaves
 * over time are these rows; the current members are the rows without `leftAt`.
 */
@Entity({ name: 'wecom_group_member' })
@Index('uq_wecom_group_member_stay', ['chatId', 'userId', 'joinedAt'], { unique: true })
@Index('idx_wecom_group_member_open', ['chatId', 'leftAt'])
@Index('idx_wecom_group_member_user', ['userId'])
export class WecomGroupMember {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'chat_id', type: 'varchar', length: 64 })
  chatId!: string;

  /** external_userid for customers (type 2), WeCom userid for staff (type 1). */
  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @Column({ name: 'member_type', type: 'integer' })
  memberType!: number;

  @Column({ type: 'varchar', length: 64, nullable: true })
  unionid!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  name!: string | null;

  @Column({ name: 'joined_at', type: 'datetime' })
  joinedAt!: Date;

  @Column({ name: 'left_at', type: 'datetime', nullable: true })
  leftAt!: Date | null;
}
