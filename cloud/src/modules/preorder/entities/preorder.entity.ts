import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { jsonColumn } from '../../../core/json-column';

/** A pre-order campaign (「2027 年夜饭」, a weekend 料理包 drop): sale window, cutoff, stores. */
@Entity({ name: 'preorder_campaign' })
export class PreorderCampaign {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ name: 'sale_starts_at', type: 'datetime' })
  saleStartsAt!: Date;

  @Column({ name: 'sale_ends_at', type: 'datetime' })
  saleEndsAt!: Date;

  @Column({ name: 'cancel_cutoff_at', type: 'datetime' })
  cancelCutoffAt!: Date;

  /** JSON array of store ids. */
  @Column({ name: 'store_ids', type: 'text', transformer: jsonColumn<number[]>({ fallback: [] }) })
  storeIds!: number[];

  @Column({ type: 'varchar', length: 16 })
  status!: 'draft' | 'published';

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}

/** An item on sale: `sold` counts held + paid units and only moves by conditional updates. */
@Entity({ name: 'preorder_item' })
@Index('idx_preorder_item_campaign', ['campaignId', 'sort'])
export class PreorderItem {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'campaign_id', type: 'integer' })
  campaignId!: number;

  @Column({ type: 'varchar', length: 16 })
  kind!: 'meal_kit' | 'chef_dish' | 'package';

  @Column({ type: 'varchar', length: 20 })
  theme!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ name: 'price_fen', type: 'integer' })
  priceFen!: number;

  @Column({ name: 'photo_url', type: 'varchar', length: 512, nullable: true })
  photoUrl!: string | null;

  /** JSON arrays. */
  @Column({ type: 'text', transformer: jsonColumn<string[]>({ fallback: [] }) })
  allergens!: string[];

  @Column({ type: 'text', transformer: jsonColumn<string[]>({ fallback: [] }) })
  contents!: string[];

  @Column({ type: 'integer', nullable: true })
  servings!: number | null;

  @Column({ name: 'stock_total', type: 'integer' })
  stockTotal!: number;

  @Column({ type: 'integer', default: 0 })
  sold!: number;

  @Column({ name: 'per_member_limit', type: 'integer' })
  perMemberLimit!: number;

  @Column({ name: 'daily_cap', type: 'integer', nullable: true })
  dailyCap!: number | null;

  /** The credited contest dish (menu module), and its credit as read through DishService. */
  @Column({ name: 'dish_id', type: 'integer', nullable: true })
  dishId!: number | null;

  @Column({ name: 'dish_author', type: 'varchar', length: 32, nullable: true })
  dishAuthor!: string | null;

  @Column({ name: 'dish_entry_id', type: 'integer', nullable: true })
  dishEntryId!: number | null;

  @Column({ name: 'dish_contest_id', type: 'integer', nullable: true })
  dishContestId!: number | null;

  @Column({ type: 'integer', default: 0 })
  sort!: number;

  @Column({ name: 'on_sale', type: 'boolean', default: true })
  onSale!: boolean;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}

/** Units of a chef dish held for one pickup day (the central kitchen's per-day cap). */
@Entity({ name: 'preorder_item_day' })
export class PreorderItemDay {
  @PrimaryColumn({ name: 'item_id', type: 'integer' })
  itemId!: number;

  @PrimaryColumn({ type: 'varchar', length: 10 })
  day!: string;

  @Column({ type: 'integer', default: 0 })
  reserved!: number;
}

/** Units of an item one member holds (per-member limit, across parallel orders). */
@Entity({ name: 'preorder_member_item' })
export class PreorderMemberItem {
  @PrimaryColumn({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @PrimaryColumn({ name: 'item_id', type: 'integer' })
  itemId!: number;

  @Column({ type: 'integer', default: 0 })
  qty!: number;
}

/** A store's pickup window with a capacity in orders. */
@Entity({ name: 'preorder_slot' })
@Index('idx_preorder_slot_store', ['campaignId', 'storeId', 'startsAt'])
export class PreorderSlot {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'campaign_id', type: 'integer' })
  campaignId!: number;

  @Column({ name: 'store_id', type: 'integer' })
  storeId!: number;

  @Column({ type: 'varchar', length: 10 })
  day!: string;

  @Column({ name: 'starts_at', type: 'datetime' })
  startsAt!: Date;

  @Column({ name: 'ends_at', type: 'datetime' })
  endsAt!: Date;

  @Column({ type: 'integer' })
  capacity!: number;

  @Column({ type: 'integer', default: 0 })
  booked!: number;
}

export type OrderStatusValue = 'pending_payment' | 'paid' | 'picked_up' | 'cancelled' | 'expired' | 'refunding' | 'refunded';

export interface StoredLine {
  itemId: number;
  name: string;
  kind: 'meal_kit' | 'chef_dish' | 'package';
  qty: number;
  unitPriceFen: number;
  amountFen: number;
}

/**
 * One member's order. `holds` = 1 while its stock, day cap, member limit and slot place are held:
 * giving them back is a conditional update of holds 1 → 0, so it happens exactly once.
 */
@Entity({ name: 'preorder_order' })
@Index('idx_preorder_order_member', ['memberId', 'createdAt'])
@Index('idx_preorder_order_expiry', ['status', 'expiresAt'])
@Index('idx_preorder_order_store', ['campaignId', 'storeId', 'status'])
export class PreorderOrder {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'order_no', type: 'varchar', length: 32, unique: true })
  orderNo!: string;

  @Column({ name: 'campaign_id', type: 'integer' })
  campaignId!: number;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'store_id', type: 'integer' })
  storeId!: number;

  @Column({ name: 'slot_id', type: 'integer' })
  slotId!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: OrderStatusValue;

  @Column({ type: 'integer', default: 1 })
  holds!: number;

  @Column({ name: 'total_fen', type: 'integer' })
  totalFen!: number;

  /** JSON StoredLine[] (names and prices as sold). */
  @Column({ type: 'text', transformer: jsonColumn<StoredLine[]>({ fallback: [] }) })
  lines!: StoredLine[];

  @Column({ name: 'request_id', type: 'varchar', length: 40, nullable: true })
  requestId!: string | null;

  @Column({ name: 'pickup_code', type: 'varchar', length: 6 })
  pickupCode!: string;

  @Column({ name: 'expires_at', type: 'datetime' })
  expiresAt!: Date;

  @Column({ name: 'paid_at', type: 'datetime', nullable: true })
  paidAt!: Date | null;

  @Column({ name: 'cancelled_at', type: 'datetime', nullable: true })
  cancelledAt!: Date | null;

  @Column({ name: 'refund_fen', type: 'integer', default: 0 })
  refundFen!: number;

  @Column({ name: 'refunded_at', type: 'datetime', nullable: true })
  refundedAt!: Date | null;

  @Column({ name: 'picked_up_at', type: 'datetime', nullable: true })
  pickedUpAt!: Date | null;

  @Column({ name: 'picked_up_by', type: 'integer', nullable: true })
  pickedUpBy!: number | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}
