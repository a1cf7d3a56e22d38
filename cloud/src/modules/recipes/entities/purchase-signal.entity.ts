import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * What a member bought lately, as product names heard from PurchaseRecorded (never the ledger's
 * tables): 「为你推荐」 matches them against recipe ingredients.
 */
@Entity({ name: 'recipe_purchase_signal' })
@Index('uq_recipe_signal', ['memberId', 'term'], { unique: true })
export class RecipePurchaseSignal {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ type: 'varchar', length: 64 })
  term!: string;

  @Column({ name: 'seen_at', type: 'datetime' })
  seenAt!: Date;
}
