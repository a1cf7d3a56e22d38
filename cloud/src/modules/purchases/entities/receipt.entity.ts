import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ImportSettings } from '../../../../../contracts/purchases';
import { jsonColumn } from '../../../core/json-column';
import { ClaimableRow, type QueueTable } from '../../../core/queue/claimable';

/**
 * One receipt of the ledger. `naturalKey` = `${source}:${storeId}:${receiptNo}` is the idempotency
 * key (unique): the same receipt arriving twice is stored once; `contentHash` tells a changed copy
 * (a conflict) from a repeat. Erased members' receipts stay with member_id/phone_digest cleared.
 */
@Entity({ name: 'receipt' })
@Index('idx_receipt_member', ['memberId', 'occurredAt'])
@Index('idx_receipt_store', ['storeId', 'occurredAt'])
@Index('idx_receipt_import', ['importId'])
export class Receipt {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_receipt_natural', { unique: true })
  @Column({ name: 'natural_key', type: 'varchar', length: 120 })
  naturalKey!: string;

  @Column({ name: 'store_id', type: 'integer' })
  storeId!: number;

  @Column({ type: 'varchar', length: 16 })
  channel!: 'pos' | 'miniprogram' | 'preorder';

  @Column({ type: 'varchar', length: 32, nullable: true })
  till!: string | null;

  @Column({ name: 'receipt_no', type: 'varchar', length: 64 })
  receiptNo!: string;

  @Column({ name: 'occurred_at', type: 'datetime' })
  occurredAt!: Date;

  @Column({ name: 'member_id', type: 'integer', nullable: true })
  memberId!: number | null;

  @Index('idx_receipt_phone')
  @Column({ name: 'phone_digest', type: 'varchar', length: 64, nullable: true })
  phoneDigest!: string | null;

  @Column({ name: 'total_fen', type: 'integer' })
  totalFen!: number;

  @Column({ name: 'discount_fen', type: 'integer' })
  discountFen!: number;

  @Column({ name: 'refund_of', type: 'integer', nullable: true })
  refundOf!: number | null;

  /** Coupon codes as received, comma-separated. */
  @Column({ name: 'coupon_codes', type: 'varchar', length: 200, nullable: true })
  couponCodes!: string | null;

  @Column({ name: 'content_hash', type: 'varchar', length: 64 })
  contentHash!: string;

  @Column({ name: 'import_id', type: 'integer', nullable: true })
  importId!: number | null;

  /** Random per ingest batch: tells the rows this batch inserted from those already there. */
  @Column({ name: 'batch_token', type: 'varchar', length: 32 })
  batchToken!: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}

@Entity({ name: 'receipt_line' })
export class ReceiptLine {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('idx_receipt_line_receipt')
  @Column({ name: 'receipt_id', type: 'integer' })
  receiptId!: number;

  @Column({ type: 'varchar', length: 40, nullable: true })
  sku!: string | null;

  @Column({ type: 'varchar', length: 80 })
  name!: string;

  @Column({ type: 'varchar', length: 80, nullable: true })
  category!: string | null;

  @Column({ type: 'double' })
  qty!: number;

  @Column({ name: 'unit_price_fen', type: 'integer', nullable: true })
  unitPriceFen!: number | null;

  @Column({ name: 'amount_fen', type: 'integer' })
  amountFen!: number;
}

/** A receipt that arrived again with different content: kept for ops, never overwriting the ledger. */
@Entity({ name: 'receipt_conflict' })
export class ReceiptConflict {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'store_id', type: 'integer' })
  storeId!: number;

  @Column({ name: 'receipt_no', type: 'varchar', length: 64 })
  receiptNo!: string;

  @Column({ name: 'receipt_id', type: 'integer' })
  receiptId!: number;

  @Index('uq_receipt_conflict_hash', { unique: true })
  @Column({ name: 'conflict_key', type: 'varchar', length: 140 })
  conflictKey!: string;

  @Column({ name: 'import_id', type: 'integer', nullable: true })
  importId!: number | null;

  @Column({ type: 'text' })
  incoming!: string;

  @Column({ name: 'seen_at', type: 'datetime' })
  seenAt!: Date;
}

/** Product catalogue (one row per SKU, chain-wide). */
@Entity({ name: 'product' })
export class Product {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_product_sku', { unique: true })
  @Column({ type: 'varchar', length: 40 })
  sku!: string;

  @Column({ type: 'varchar', length: 80 })
  name!: string;

  @Column({ name: 'category_path', type: 'varchar', length: 120, nullable: true })
  categoryPath!: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  brand!: string | null;

  /** 自有品牌 / 进口 / 有机 …, comma-separated. */
  @Column({ type: 'varchar', length: 80, nullable: true })
  flags!: string | null;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}

/** A rotating member code shown at the till (valid for a short window). */
@Entity({ name: 'member_code' })
@Index('idx_member_code_expiry', ['expiresAt'])
export class MemberCode {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_member_code_code', { unique: true })
  @Column({ type: 'varchar', length: 18 })
  code!: string;

  @Column({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'issued_at', type: 'datetime' })
  issuedAt!: Date;

  @Column({ name: 'expires_at', type: 'datetime' })
  expiresAt!: Date;
}

/** A store's POS API key. The secret is derived from POS_KEY_SECRET and the key id, never stored. */
@Entity({ name: 'pos_key' })
export class PosKey {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_pos_key_key', { unique: true })
  @Column({ name: 'key_id', type: 'varchar', length: 40 })
  keyId!: string;

  @Column({ name: 'store_id', type: 'integer' })
  storeId!: number;

  @Column({ type: 'varchar', length: 40 })
  name!: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'datetime', nullable: true })
  revokedAt!: Date | null;
}

/** Nonces seen per key inside the timestamp window (a replay hits the unique key). */
@Entity({ name: 'pos_nonce' })
@Index('idx_pos_nonce_seen', ['seenAt'])
export class PosNonce {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_pos_nonce', { unique: true })
  @Column({ name: 'nonce_key', type: 'varchar', length: 110 })
  nonceKey!: string;

  @Column({ name: 'seen_at', type: 'datetime' })
  seenAt!: Date;
}

/** A file import (receipts or products) and its progress. */
/** The headers and first rows of an uploaded file. */
export type ImportPreview = { headers: string[]; rows: string[][] };

export type ImportStatus = 'uploaded' | 'queued' | 'running' | 'done' | 'failed' | 'undone';

/**
 * Claimed queued -> running by one runner (`ClaimableRow`, core/queue): `locked_until` is the
 * runner's heartbeat, renewed with its progress; a run whose lease ran out (its runner died) is
 * taken over from the start by the next claim, and the dead run's late writes are fenced off by
 * `attempts`.
 */
@Entity({ name: 'purchase_import' })
export class PurchaseImport extends ClaimableRow<ImportStatus> {
  @Column({ name: 'store_id', type: 'integer' })
  storeId!: number;

  @Column({ type: 'varchar', length: 12 })
  kind!: 'receipts' | 'products';

  @Column({ name: 'file_name', type: 'varchar', length: 200 })
  fileName!: string;

  @Column({ name: 'stored_name', type: 'varchar', length: 80 })
  storedName!: string;

  @Column({ type: 'varchar', length: 8 })
  format!: 'csv' | 'xlsx';

  /** JSON: headers and the first rows. */
  @Column({ type: 'text', transformer: jsonColumn<ImportPreview>({ fallback: { headers: [], rows: [] } }) })
  preview!: ImportPreview;

  /** JSON ImportSettings once started. */
  @Column({ type: 'text', nullable: true, transformer: jsonColumn<ImportSettings>({ nullable: true }) })
  settings!: ImportSettings | null;

  @Column({ name: 'total_bytes', type: 'integer' })
  totalBytes!: number;

  @Column({ name: 'processed_bytes', type: 'integer', default: 0 })
  processedBytes!: number;

  @Column({ type: 'integer', default: 0 })
  rows!: number;

  @Column({ type: 'integer', default: 0 })
  added!: number;

  @Column({ type: 'integer', default: 0 })
  duplicates!: number;

  @Column({ type: 'integer', default: 0 })
  conflicts!: number;

  @Column({ type: 'integer', default: 0 })
  errors!: number;

  @Column({ type: 'varchar', length: 300, nullable: true })
  message!: string | null;

  @Column({ name: 'created_by', type: 'integer' })
  createdBy!: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'finished_at', type: 'datetime', nullable: true })
  finishedAt!: Date | null;
}

/** A runner that has not renewed its lease for this long is taken for dead. */
export const IMPORT_LEASE_MS = 2 * 60_000;
export const IMPORT_QUEUE: QueueTable<PurchaseImport> = { entity: PurchaseImport, pending: 'queued', running: 'running', leaseMs: IMPORT_LEASE_MS };

@Entity({ name: 'purchase_import_error' })
export class PurchaseImportError {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_import_error_row', { unique: true })
  @Column({ name: 'row_key', type: 'varchar', length: 40 })
  rowKey!: string;

  @Column({ name: 'import_id', type: 'integer' })
  importId!: number;

  @Column({ name: 'row_no', type: 'integer' })
  rowNo!: number;

  @Column({ type: 'varchar', length: 300 })
  message!: string;

  @Column({ type: 'text' })
  raw!: string;
}

/** The column mapping a store used last, per import kind. */
@Entity({ name: 'purchase_import_mapping' })
export class PurchaseImportMapping {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index('uq_import_mapping', { unique: true })
  @Column({ name: 'mapping_key', type: 'varchar', length: 40 })
  mappingKey!: string;

  @Column({ type: 'text', transformer: jsonColumn<ImportSettings>() })
  settings!: ImportSettings;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}

/** 「新品到店」: an arrival ops marked; buyers of related categories get a tasting suggestion. */
@Entity({ name: 'new_arrival' })
export class NewArrival {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'store_id', type: 'integer', nullable: true })
  storeId!: number | null;

  @Column({ type: 'varchar', length: 40 })
  title!: string;

  @Column({ type: 'varchar', length: 40 })
  category!: string;

  /** JSON array of category names. */
  @Column({ name: 'related_categories', type: 'text', transformer: jsonColumn<unknown>({ fallback: [] }) })
  relatedCategories!: unknown;

  @Column({ type: 'varchar', length: 200 })
  note!: string;

  @Column({ type: 'datetime', nullable: true })
  until!: Date | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;
}
