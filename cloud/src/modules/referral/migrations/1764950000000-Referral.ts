import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** Referral: shares, touches, attributions (one per new member), rewards, devices, rules. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class Referral1764950000000 implements MigrationInterface {
  name = 'Referral1764950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const idx = (name: string, columnNames: string[], isUnique = false) => new TableIndex({ name, columnNames, isUnique });
    await queryRunner.createTable(
      new Table({
        name: 'referral_share',
        columns: [c.id(), c.int('sharer_id'), c.str('kind', 16), c.int('content_id', { nullable: true }), c.time('created_at')],
        indices: [idx('idx_referral_share_sharer', ['sharer_id', 'id'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'referral_touch',
        columns: [
          c.id(),
          c.str('touch_key', 120),
          c.str('source', 12),
          c.int('referrer_id'),
          c.int('share_id', { nullable: true }),
          c.str('device_id', 64, { nullable: true }),
          c.str('external_user_id', 64, { nullable: true }),
          c.str('detail', 40, { nullable: true }),
          c.int('member_id', { nullable: true }),
          c.time('at'),
        ],
        indices: [
          idx('uq_referral_touch_key', ['touch_key'], true),
          idx('idx_referral_touch_device', ['device_id', 'at']),
          idx('idx_referral_touch_member', ['member_id']),
          idx('idx_referral_touch_referrer', ['referrer_id', 'at']),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'referral_attribution',
        columns: [
          c.id(),
          c.int('member_id'),
          c.int('store_id', { nullable: true }),
          c.str('source', 12),
          c.int('referrer_id', { nullable: true }),
          c.int('touch_id', { nullable: true }),
          c.int('share_id', { nullable: true }),
          c.str('detail', 40, { nullable: true }),
          c.str('exclusion', 20, { nullable: true }),
          c.str('device_id', 64, { nullable: true }),
          c.str('ip', 64, { nullable: true }),
          c.time('registered_at'),
          c.time('touched_at', { nullable: true }),
          c.time('converted_at', { nullable: true }),
          c.str('conversion', 16, { nullable: true }),
          c.str('conversion_ref', 64, { nullable: true }),
        ],
        indices: [
          idx('uq_referral_attr_member', ['member_id'], true),
          idx('idx_referral_attr_referrer', ['referrer_id', 'registered_at']),
          idx('idx_referral_attr_registered', ['registered_at']),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'referral_reward',
        columns: [
          c.id(),
          c.int('attribution_id'),
          c.int('referrer_id'),
          c.int('invitee_id'),
          c.int('invitee_household_id', { nullable: true }),
          c.str('kind', 8),
          c.int('points', { nullable: true }),
          c.str('coupon_title', 40, { nullable: true }),
          c.int('coupon_fen', { nullable: true }),
          c.int('coupon_min_spend_fen', { nullable: true }),
          c.str('status', 10),
          c.text('reasons', { nullable: true }),
          c.str('conversion', 16),
          c.time('created_at'),
          c.time('decided_at', { nullable: true }),
          c.int('decided_by', { nullable: true }),
          c.str('decision_note', 200, { nullable: true }),
        ],
        indices: [
          idx('uq_referral_reward_attr', ['attribution_id'], true),
          idx('idx_referral_reward_referrer', ['referrer_id', 'id']),
          idx('idx_referral_reward_status', ['status', 'id']),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'referral_device',
        columns: [
          { name: 'member_id', type: 'integer', isPrimary: true },
          { name: 'device_id', type: 'varchar', length: '64', isPrimary: true },
          c.time('first_seen_at'),
        ],
        indices: [idx('idx_referral_device_device', ['device_id'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'referral_settings',
        columns: [{ name: 'id', type: 'integer', isPrimary: true }, c.text('rules'), c.int('updated_by', { nullable: true }), c.time('updated_at')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of ['referral_settings', 'referral_device', 'referral_reward', 'referral_attribution', 'referral_touch', 'referral_share'])
      await queryRunner.dropTable(t, true);
  }
}
