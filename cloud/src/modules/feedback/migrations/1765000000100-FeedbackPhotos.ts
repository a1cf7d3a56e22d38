import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** Photos on feedback notes (issue 20). */
@Provide()
@Scope(ScopeEnum.Singleton)
export class FeedbackPhotos1765000000100 implements MigrationInterface {
  name = 'FeedbackPhotos1765000000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.addColumn('feedback_item', new TableColumn(c.text('photos', { nullable: true })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('feedback_item', 'photos');
  }
}
