import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/**
 * Subscribe-message accepts for feedback templates and the rating / answer messages sent, and
 * whether a 消息太多 churn case stopped the member's automated messages (issue 20).
 */
@Provide()
@Scope(ScopeEnum.Singleton)
export class FeedbackSubscribe1765200020000 implements MigrationInterface {
  name = 'FeedbackSubscribe1765200020000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const idx = (name: string, columnNames: string[], isUnique = false) => new TableIndex({ name, columnNames, isUnique });
    await queryRunner.createTable(
      new Table({
        name: 'feedback_subscription',
        columns: [c.id(), c.int('member_id'), c.str('kind', 12), c.int('credits'), c.time('updated_at')],
        indices: [idx('uq_feedback_subscription', ['member_id', 'kind'], true)],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'feedback_notice',
        columns: [
          c.id(),
          c.str('kind', 12),
          c.str('source_key', 80),
          c.int('member_id'),
          c.str('template_id', 64),
          c.str('page', 255),
          c.text('data'),
          c.str('status', 10),
          c.str('error', 200, { nullable: true }),
          c.time('due_at'),
          c.time('created_at'),
          c.time('sent_at', { nullable: true }),
        ],
        indices: [
          idx('uq_feedback_notice', ['kind', 'source_key'], true),
          idx('idx_feedback_notice_due', ['status', 'due_at']),
          idx('idx_feedback_notice_member', ['member_id']),
        ],
      }),
    );
    await queryRunner.addColumn('churn_case', new TableColumn(c.bool('quieted', false)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('churn_case', 'quieted');
    await queryRunner.dropTable('feedback_notice');
    await queryRunner.dropTable('feedback_subscription');
  }
}
