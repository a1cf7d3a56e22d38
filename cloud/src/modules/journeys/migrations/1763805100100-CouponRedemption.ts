import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** Journey coupons redeemed at the till: when, and on which receipt of the purchases ledger. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class CouponRedemption1763805100100 implements MigrationInterface {
  name = 'CouponRedemption1763805100100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.addColumn('journey_coupon', new TableColumn(c.time('redeemed_at', { nullable: true })));
    await queryRunner.addColumn('journey_coupon', new TableColumn(c.int('redeemed_receipt_id', { nullable: true })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('journey_coupon', 'redeemed_receipt_id');
    await queryRunner.dropColumn('journey_coupon', 'redeemed_at');
  }
}
