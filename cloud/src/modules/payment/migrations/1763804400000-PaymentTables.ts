import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** WeChat Pay trades, notifications (once by id), refunds and bill differences. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class PaymentTables1763804400000 implements MigrationInterface {
  name = 'PaymentTables1763804400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const idx = (name: string, columnNames: string[], isUnique = false) => new TableIndex({ name, columnNames, isUnique });
    await queryRunner.createTable(
      new Table({
        name: 'pay_transaction',
        columns: [
          c.id(),
          c.str('out_trade_no', 32),
          c.str('purpose', 16),
          c.int('member_id'),
          c.int('amount_fen'),
          c.str('description', 128),
          c.str('status', 16),
          c.str('prepay_id', 64, { nullable: true }),
          c.str('transaction_id', 32, { nullable: true }),
          c.time('expires_at'),
          c.time('paid_at', { nullable: true }),
          c.time('created_at'),
          c.time('updated_at'),
        ],
        indices: [
          idx('uq_pay_transaction_out_trade_no', ['out_trade_no'], true),
          idx('idx_pay_transaction_status', ['status', 'created_at']),
          idx('idx_pay_transaction_paid', ['paid_at']),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'pay_notification',
        columns: [
          c.id(),
          c.str('notification_id', 64),
          c.str('event_type', 32),
          c.str('out_trade_no', 32, { nullable: true }),
          c.str('out_refund_no', 64, { nullable: true }),
          c.str('outcome', 24),
          c.time('received_at'),
        ],
        indices: [idx('uq_pay_notification_id', ['notification_id'], true)],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'pay_refund',
        columns: [
          c.id(),
          c.str('out_refund_no', 64),
          c.str('out_trade_no', 32),
          c.str('purpose', 16),
          c.int('member_id'),
          c.int('refund_fen'),
          c.int('total_fen'),
          c.str('reason', 80),
          c.str('status', 16),
          c.str('refund_id', 64, { nullable: true }),
          c.int('attempts', { default: 0 }),
          c.str('last_error', 200, { nullable: true }),
          c.time('refunded_at', { nullable: true }),
          c.time('created_at'),
          c.time('updated_at'),
        ],
        indices: [
          idx('uq_pay_refund_out_refund_no', ['out_refund_no'], true),
          idx('idx_pay_refund_status', ['status', 'updated_at']),
          idx('idx_pay_refund_trade', ['out_trade_no']),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'pay_bill_diff',
        columns: [
          c.id(),
          c.str('bill_date', 10),
          c.str('out_trade_no', 32),
          c.str('kind', 24),
          c.int('ours_fen', { nullable: true }),
          c.int('bill_fen', { nullable: true }),
          c.time('found_at'),
        ],
        indices: [idx('uq_pay_bill_diff', ['bill_date', 'out_trade_no', 'kind'], true)],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of ['pay_bill_diff', 'pay_refund', 'pay_notification', 'pay_transaction']) await queryRunner.dropTable(t);
  }
}
