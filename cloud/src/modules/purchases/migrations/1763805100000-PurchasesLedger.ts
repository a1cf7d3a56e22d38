import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, type TableColumnOptions, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** The purchases ledger: receipts and lines, conflicts, catalogue, member codes, POS keys and nonces, imports, 新品到店. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class PurchasesLedger1763805100000 implements MigrationInterface {
  name = 'PurchasesLedger1763805100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const idx = (name: string, columnNames: string[], isUnique = false) => new TableIndex({ name, columnNames, isUnique });
    const table = (name: string, columns: TableColumnOptions[], indices: TableIndex[] = []) => queryRunner.createTable(new Table({ name, columns, indices }));
    await table(
      'receipt',
      [
        c.id(),
        c.str('natural_key', 120),
        c.int('store_id'),
        c.str('channel', 16),
        c.str('till', 32, { nullable: true }),
        c.str('receipt_no', 64),
        c.time('occurred_at'),
        c.int('member_id', { nullable: true }),
        c.str('phone_digest', 64, { nullable: true }),
        c.int('total_fen'),
        c.int('discount_fen'),
        c.int('refund_of', { nullable: true }),
        c.str('coupon_codes', 200, { nullable: true }),
        c.str('content_hash', 64),
        c.int('import_id', { nullable: true }),
        c.str('batch_token', 32),
        c.time('created_at'),
      ],
      [
        idx('uq_receipt_natural', ['natural_key'], true),
        idx('idx_receipt_member', ['member_id', 'occurred_at']),
        idx('idx_receipt_store', ['store_id', 'occurred_at']),
        idx('idx_receipt_import', ['import_id']),
        idx('idx_receipt_phone', ['phone_digest']),
      ],
    );
    await table(
      'receipt_line',
      [
        c.id(),
        c.int('receipt_id'),
        c.str('sku', 40, { nullable: true }),
        c.str('name', 80),
        c.str('category', 80, { nullable: true }),
        { name: 'qty', type: 'double', isNullable: false },
        c.int('unit_price_fen', { nullable: true }),
        c.int('amount_fen'),
      ],
      [idx('idx_receipt_line_receipt', ['receipt_id'])],
    );
    await table(
      'receipt_conflict',
      [
        c.id(),
        c.int('store_id'),
        c.str('receipt_no', 64),
        c.int('receipt_id'),
        c.str('conflict_key', 140),
        c.int('import_id', { nullable: true }),
        c.text('incoming'),
        c.time('seen_at'),
      ],
      [idx('uq_receipt_conflict_hash', ['conflict_key'], true)],
    );
    await table(
      'product',
      [
        c.id(),
        c.str('sku', 40),
        c.str('name', 80),
        c.str('category_path', 120, { nullable: true }),
        c.str('brand', 40, { nullable: true }),
        c.str('flags', 80, { nullable: true }),
        c.time('updated_at'),
      ],
      [idx('uq_product_sku', ['sku'], true)],
    );
    await table(
      'member_code',
      [c.id(), c.str('code', 18), c.int('member_id'), c.time('issued_at'), c.time('expires_at')],
      [idx('uq_member_code_code', ['code'], true), idx('idx_member_code_expiry', ['expires_at'])],
    );
    await table(
      'pos_key',
      [c.id(), c.str('key_id', 40), c.int('store_id'), c.str('name', 40), c.time('created_at'), c.time('revoked_at', { nullable: true })],
      [idx('uq_pos_key_key', ['key_id'], true)],
    );
    await table(
      'pos_nonce',
      [c.id(), c.str('nonce_key', 110), c.time('seen_at')],
      [idx('uq_pos_nonce', ['nonce_key'], true), idx('idx_pos_nonce_seen', ['seen_at'])],
    );
    await table('purchase_import', [
      c.id(),
      c.int('store_id'),
      c.str('kind', 12),
      c.str('file_name', 200),
      c.str('stored_name', 80),
      c.str('format', 8),
      c.str('status', 12),
      c.text('preview'),
      c.text('settings', { nullable: true }),
      c.int('total_bytes'),
      c.int('processed_bytes', { default: 0 }),
      c.int('rows', { default: 0 }),
      c.int('added', { default: 0 }),
      c.int('duplicates', { default: 0 }),
      c.int('conflicts', { default: 0 }),
      c.int('errors', { default: 0 }),
      c.str('message', 300, { nullable: true }),
      c.int('created_by'),
      c.time('created_at'),
      c.time('heartbeat_at', { nullable: true }),
      c.time('finished_at', { nullable: true }),
    ]);
    await table(
      'purchase_import_error',
      [c.id(), c.str('row_key', 40), c.int('import_id'), c.int('row_no'), c.str('message', 300), c.text('raw')],
      [idx('uq_import_error_row', ['row_key'], true)],
    );
    await table(
      'purchase_import_mapping',
      [c.id(), c.str('mapping_key', 40), c.text('settings'), c.time('updated_at')],
      [idx('uq_import_mapping', ['mapping_key'], true)],
    );
    await table('new_arrival', [
      c.id(),
      c.int('store_id', { nullable: true }),
      c.str('title', 40),
      c.str('category', 40),
      c.text('related_categories'),
      c.str('note', 200),
      c.time('until', { nullable: true }),
      c.time('created_at'),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of [
      'new_arrival',
      'purchase_import_mapping',
      'purchase_import_error',
      'purchase_import',
      'pos_nonce',
      'pos_key',
      'member_code',
      'product',
      'receipt_conflict',
      'receipt_line',
      'receipt',
    ]) {
      await queryRunner.dropTable(t, true);
    }
  }
}
