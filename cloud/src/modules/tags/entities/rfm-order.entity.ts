import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { RfmStoreCuts as RfmStoreCutsView, RfmThresholds } from '../../../../../contracts/purchases';
import type { z } from 'zod';
import { jsonColumn } from '../../../core/json-column';

/** A store's cut points and tier counts as stored (the view adds store, size and time). */
export type StoredCuts = Omit<z.infer<typeof RfmStoreCutsView>, 'storeId' | 'members' | 'computedAt'>;

/** Purchase projection for RFM, fed by PurchaseRecorded (one row per receipt: `r:<receiptId>`; refunds negative). */
@Entity({ name: 'rfm_order' })
@Index('idx_rfm_order_member', ['memberId', 'paidAt'])
export class RfmOrder {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_rfm_order_order', { unique: true })
  @Column({ name: 'order_id', type: 'varchar', length: 64 })
  orderId!: string;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'store_id', type: 'integer', nullable: true })
  storeId!: number | null;

  @Column({ name: 'amount_fen', type: 'integer' })
  amountFen!: number;

  @Column({ name: 'paid_at', type: 'datetime' })
  paidAt!: Date;
}

/** A member's current RFM tier (recomputed nightly). */
@Entity({ name: 'member_rfm' })
export class MemberRfm {
  @PrimaryColumn({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ type: 'varchar', length: 16 })
  tier!: string;

  /** The store the tier was scored at (where the member spent most). */
  @Column({ name: 'store_id', type: 'integer', nullable: true })
  storeId!: number | null;

  @Column({ name: 'r_score', type: 'integer', default: 0 })
  rScore!: number;

  @Column({ name: 'f_score', type: 'integer', default: 0 })
  fScore!: number;

  @Column({ name: 'm_score', type: 'integer', default: 0 })
  mScore!: number;

  @Column({ name: 'recency_days', type: 'integer' })
  recencyDays!: number;

  @Column({ name: 'frequency', type: 'integer' })
  frequency!: number;

  @Column({ name: 'monetary_fen', type: 'integer' })
  monetaryFen!: number;

  @Column({ name: 'computed_at', type: 'datetime' })
  computedAt!: Date;

  @Column({ name: 'changed_at', type: 'datetime' })
  changedAt!: Date;
}

/** The RFM thresholds ops edit (one row, id 1). */
@Entity({ name: 'rfm_settings' })
export class RfmSettings {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  /** JSON RfmThresholds. */
  @Column({ type: 'text', transformer: jsonColumn<Partial<RfmThresholds>>({ fallback: {} }) })
  thresholds!: Partial<RfmThresholds>;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}

/** Per store: the quintile boundaries and tier sizes of the last computation (shown to ops). */
@Entity({ name: 'rfm_store_cuts' })
export class RfmStoreCuts {
  @PrimaryColumn({ name: 'store_id', type: 'integer' })
  storeId!: number;

  @Column({ type: 'integer' })
  members!: number;

  /** JSON { recencyDays, frequency, monetaryFen, tiers }. */
  @Column({ type: 'text', transformer: jsonColumn<StoredCuts>({ fallback: { recencyDays: [], frequency: [], monetaryFen: [], tiers: {} } }) })
  cuts!: StoredCuts;

  @Column({ name: 'computed_at', type: 'datetime' })
  computedAt!: Date;
}
