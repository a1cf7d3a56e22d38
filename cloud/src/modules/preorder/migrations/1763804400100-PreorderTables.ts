import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** Pre-order campaigns, items, per-day and per-member holds, pickup slots and orders. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class PreorderTables1763804400100 implements MigrationInterface {
  name = 'PreorderTables1763804400100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const idx = (name: string, columnNames: string[], isUnique = false) => new TableIndex({ name, columnNames, isUnique });
    await queryRunner.createTable(
      new Table({
        name: 'preorder_campaign',
        columns: [
          c.id(),
          c.str('name', 64),
          c.time('sale_starts_at'),
          c.time('sale_ends_at'),
          c.time('cancel_cutoff_at'),
          c.text('store_ids'),
          c.str('status', 16),
          c.time('created_at'),
          c.time('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'preorder_item',
        columns: [
          c.id(),
          c.int('campaign_id'),
          c.str('kind', 16),
          c.str('theme', 20),
          c.str('name', 64),
          c.text('description'),
          c.int('price_fen'),
          c.str('photo_url', 512, { nullable: true }),
          c.text('allergens'),
          c.text('contents'),
          c.int('servings', { nullable: true }),
          c.int('stock_total'),
          c.int('sold', { default: 0 }),
          c.int('per_member_limit'),
          c.int('daily_cap', { nullable: true }),
          c.int('dish_id', { nullable: true }),
          c.str('dish_author', 32, { nullable: true }),
          c.int('dish_entry_id', { nullable: true }),
          c.int('dish_contest_id', { nullable: true }),
          c.int('sort', { default: 0 }),
          c.bool('on_sale', true),
          c.time('created_at'),
        ],
        indices: [idx('idx_preorder_item_campaign', ['campaign_id', 'sort'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'preorder_item_day',
        columns: [{ ...c.int('item_id'), isPrimary: true }, { ...c.str('day', 10), isPrimary: true }, c.int('reserved', { default: 0 })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'preorder_member_item',
        columns: [{ ...c.int('member_id'), isPrimary: true }, { ...c.int('item_id'), isPrimary: true }, c.int('qty', { default: 0 })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'preorder_slot',
        columns: [
          c.id(),
          c.int('campaign_id'),
          c.int('store_id'),
          c.str('day', 10),
          c.time('starts_at'),
          c.time('ends_at'),
          c.int('capacity'),
          c.int('booked', { default: 0 }),
        ],
        indices: [idx('idx_preorder_slot_store', ['campaign_id', 'store_id', 'starts_at'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'preorder_order',
        columns: [
          c.id(),
          c.str('order_no', 32),
          c.int('campaign_id'),
          c.int('member_id'),
          c.int('store_id'),
          c.int('slot_id'),
          c.str('status', 16),
          c.int('holds', { default: 1 }),
          c.int('total_fen'),
          c.text('lines'),
          c.str('request_id', 40, { nullable: true }),
          c.str('pickup_code', 6),
          c.time('expires_at'),
          c.time('paid_at', { nullable: true }),
          c.time('cancelled_at', { nullable: true }),
          c.int('refund_fen', { default: 0 }),
          c.time('refunded_at', { nullable: true }),
          c.time('picked_up_at', { nullable: true }),
          c.int('picked_up_by', { nullable: true }),
          c.time('created_at'),
          c.time('updated_at'),
        ],
        indices: [
          idx('uq_preorder_order_no', ['order_no'], true),
          // a retried tap answers the same order; NULLs never collide
          idx('uq_preorder_order_request', ['member_id', 'request_id'], true),
          // pickup codes are unique within a campaign (staff type 6 digits)
          idx('uq_preorder_order_code', ['campaign_id', 'pickup_code'], true),
          idx('idx_preorder_order_member', ['member_id', 'created_at']),
          idx('idx_preorder_order_expiry', ['status', 'expires_at']),
          idx('idx_preorder_order_store', ['campaign_id', 'store_id', 'status']),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of ['preorder_order', 'preorder_slot', 'preorder_member_item', 'preorder_item_day', 'preorder_item', 'preorder_campaign'])
      await queryRunner.dropTable(t);
  }
}
