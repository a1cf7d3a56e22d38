import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** WeCom corp tag mirror, contact tag marks, and the RFM order projection and tiers. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class CorpTagsRfm1763803200000 implements MigrationInterface {
  name = 'CorpTagsRfm1763803200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const idx = (name: string, columnNames: string[], isUnique = false) => new TableIndex({ name, columnNames, isUnique });
    await queryRunner.createTable(
      new Table({
        name: 'wecom_corp_tag',
        columns: [
          c.id(),
          c.str('tag_id', 64),
          c.str('group_id', 64),
          c.str('group_name', 30),
          c.str('name', 30),
          c.bool('created_by_us', false),
          c.bool('deleted', false),
          c.time('synced_at'),
        ],
        indices: [idx('uq_wecom_corp_tag_tag', ['tag_id'], true), idx('idx_wecom_corp_tag_name', ['group_name', 'name'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'wecom_contact_tag',
        columns: [c.id(), c.str('external_user_id', 64), c.str('user_id', 64), c.str('tag_id', 64), c.time('marked_at')],
        indices: [idx('uq_wecom_contact_tag', ['external_user_id', 'user_id', 'tag_id'], true), idx('idx_wecom_contact_tag_tag', ['tag_id'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'rfm_order',
        columns: [c.id(), c.str('order_id', 64), c.int('member_id'), c.int('amount_fen'), c.time('paid_at')],
        indices: [idx('uq_rfm_order_order', ['order_id'], true), idx('idx_rfm_order_member', ['member_id', 'paid_at'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'member_rfm',
        columns: [
          { name: 'member_id', type: 'integer', isPrimary: true },
          c.str('tier', 16),
          c.int('recency_days'),
          c.int('frequency'),
          c.int('monetary_fen'),
          c.time('computed_at'),
          c.time('changed_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of ['member_rfm', 'rfm_order', 'wecom_contact_tag', 'wecom_corp_tag']) await queryRunner.dropTable(t);
  }
}
