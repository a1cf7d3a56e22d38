import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/**
 * Paid classes: a registration of a paid session carries its WeChat Pay trade number (the payment
 * module's out_trade_no, new per registration attempt), the payment window and what was paid and
 * refunded. The trade itself lives in the payment module.
 */
@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassPayments1765100014000 implements MigrationInterface {
  name = 'ClassPayments1765100014000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.addColumns('class_registration', [
      new TableColumn(c.str('trade_no', 32, { nullable: true })),
      new TableColumn(c.time('pay_expires_at', { nullable: true })),
      new TableColumn(c.int('price_fen', { default: 0 })),
      new TableColumn(c.time('paid_at', { nullable: true })),
      new TableColumn(c.int('refund_fen', { default: 0 })),
      new TableColumn(c.time('refunded_at', { nullable: true })),
    ]);
    await queryRunner.createIndex('class_registration', new TableIndex({ name: 'uq_class_reg_trade', columnNames: ['trade_no'], isUnique: true }));
    await queryRunner.createIndex('class_registration', new TableIndex({ name: 'idx_class_reg_pay_due', columnNames: ['status', 'pay_expires_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('class_registration', 'idx_class_reg_pay_due');
    await queryRunner.dropIndex('class_registration', 'uq_class_reg_trade');
    for (const col of ['refunded_at', 'refund_fen', 'paid_at', 'price_fen', 'pay_expires_at', 'trade_no'])
      await queryRunner.dropColumn('class_registration', col);
  }
}
