import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/** A kit's follow-up names a real journey (issue 19): its id, next to the free-text note. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class KitFollowUpJourney1765200019000 implements MigrationInterface {
  name = 'KitFollowUpJourney1765200019000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.addColumn('community_kit', new TableColumn(c.int('follow_up_journey_id', { nullable: true })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('community_kit', 'follow_up_journey_id');
  }
}
