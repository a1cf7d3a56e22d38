import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/**
 * Insight in SQL: each receipt's line total (the high-margin share's denominator), indexes for
 * the set-based figures, saved segments (drill-down → journey audience / WeCom tag) and the ROI
 * board's monthly history.
 */
@Provide()
@Scope(ScopeEnum.Singleton)
export class InsightAggregates1765200016000 implements MigrationInterface {
  name = 'InsightAggregates1765200016000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const idx = (name: string, columnNames: string[], isUnique = false) => new TableIndex({ name, columnNames, isUnique });
    await queryRunner.addColumn('insight_purchase', new TableColumn(c.int('lines_fen', { default: 0 })));
    // backfill from the stored category amounts (sales only carry categories)
    for (let after = 0; ;) {
      const rows: Array<{ receipt_id: number; categories: string }> = await queryRunner.query(
        'SELECT receipt_id, categories FROM insight_purchase WHERE receipt_id > ? ORDER BY receipt_id LIMIT 1000',
        [after],
      );
      if (!rows.length) break;
      for (const r of rows) {
        const sum = Object.values(JSON.parse(r.categories || '{}') as Record<string, number>).reduce((s, fen) => s + Number(fen), 0);
        if (sum) await queryRunner.query('UPDATE insight_purchase SET lines_fen = ? WHERE receipt_id = ?', [sum, r.receipt_id]);
      }
      after = Number(rows[rows.length - 1].receipt_id);
    }
    await queryRunner.createIndex('insight_member', idx('idx_insight_member_owner', ['owner_staff_id']));
    await queryRunner.createIndex('insight_purchase', idx('idx_insight_purchase_time_cover', ['occurred_at', 'member_id', 'total_fen']));
    await queryRunner.createIndex('insight_activity', idx('idx_insight_activity_time_cover', ['at', 'member_id', 'kind']));
    await queryRunner.createTable(
      new Table({
        name: 'insight_segment',
        columns: [
          c.id(),
          c.str('name', 40),
          c.str('scope', 40),
          c.str('figure', 20),
          c.str('period_from', 10),
          c.str('period_to', 10),
          c.int('members'),
          c.int('created_by'),
          c.time('created_at'),
          c.str('tag_name', 30, { nullable: true }),
        ],
        indices: [idx('idx_insight_segment_scope', ['scope', 'created_at'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'insight_segment_member',
        columns: [c.int('segment_id'), c.int('member_id')],
        indices: [idx('uq_insight_segment_member', ['segment_id', 'member_id'], true), idx('idx_insight_segment_member', ['member_id'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'insight_roi_month',
        columns: [c.id(), c.str('scope', 40), c.str('month', 7), c.text('body'), c.time('computed_at')],
        indices: [idx('uq_insight_roi_month', ['scope', 'month'], true)],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of ['insight_roi_month', 'insight_segment_member', 'insight_segment']) await queryRunner.dropTable(t);
    await queryRunner.dropIndex('insight_activity', 'idx_insight_activity_time_cover');
    await queryRunner.dropIndex('insight_purchase', 'idx_insight_purchase_time_cover');
    await queryRunner.dropIndex('insight_member', 'idx_insight_member_owner');
    await queryRunner.dropColumn('insight_purchase', 'lines_fen');
  }
}
