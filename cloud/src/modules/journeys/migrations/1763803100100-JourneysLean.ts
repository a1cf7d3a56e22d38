import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';

/**
 * Fewer writes per journey step (the evaluation's bulk path): the enrolment keeps why the customer
 * entered (no separate 'enrolled' log row), queued messages are marked on their step-log row
 * (message_to) instead of a journey_message table, and two indexes nothing reads any more go.
 * Existing rows are carried over.
 */
@Provide()
@Scope(ScopeEnum.Singleton)
export class JourneysLean1763803100100 implements MigrationInterface {
  name = 'JourneysLean1763803100100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.addColumn('journey_enrolment', new TableColumn(c.str('enrol_reason', 255, { nullable: true })));
    await queryRunner.query(
      `UPDATE journey_enrolment SET enrol_reason = (SELECT l.detail FROM journey_step_log l WHERE l.enrolment_id = journey_enrolment.id AND l.outcome = 'enrolled' ORDER BY l.id LIMIT 1)`,
    );
    await queryRunner.query(`DELETE FROM journey_step_log WHERE outcome = 'enrolled'`);
    await queryRunner.dropIndex('journey_enrolment', 'idx_journey_enrolment_due');
    await queryRunner.dropIndex('journey_enrolment', 'idx_journey_enrolment_journey');

    await queryRunner.addColumn('journey_step_log', new TableColumn(c.str('message_to', 64, { nullable: true })));
    await queryRunner.query(
      `UPDATE journey_step_log SET message_to = (SELECT m.external_user_id FROM journey_message m WHERE m.enrolment_id = journey_step_log.enrolment_id AND m.step_index = journey_step_log.step_index LIMIT 1) WHERE outcome = 'done'`,
    );
    await queryRunner.createIndex('journey_step_log', new TableIndex({ name: 'idx_journey_step_log_message', columnNames: ['message_to', 'at'] }));
    await queryRunner.dropTable('journey_message');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    await queryRunner.query(
      `CREATE TABLE journey_message (id ${queryRunner.connection.driver.options.type === 'mysql' ? 'int NOT NULL AUTO_INCREMENT PRIMARY KEY' : 'integer PRIMARY KEY AUTOINCREMENT NOT NULL'}, external_user_id varchar(64) NOT NULL, enrolment_id integer NOT NULL, step_index integer NOT NULL, at datetime NOT NULL)`,
    );
    await queryRunner.createIndex('journey_message', new TableIndex({ name: 'idx_journey_message_customer', columnNames: ['external_user_id', 'at'] }));
    await queryRunner.query(
      `INSERT INTO journey_message (external_user_id, enrolment_id, step_index, at) SELECT message_to, enrolment_id, step_index, at FROM journey_step_log WHERE message_to IS NOT NULL`,
    );
    await queryRunner.dropIndex('journey_step_log', 'idx_journey_step_log_message');
    await queryRunner.dropColumn('journey_step_log', 'message_to');
    await queryRunner.createIndex(
      'journey_enrolment',
      new TableIndex({ name: 'idx_journey_enrolment_journey', columnNames: ['journey_id', 'status', 'next_step'] }),
    );
    await queryRunner.createIndex('journey_enrolment', new TableIndex({ name: 'idx_journey_enrolment_due', columnNames: ['status', 'next_due_at'] }));
    await queryRunner.dropColumn('journey_enrolment', 'enrol_reason');
    void c;
  }
}
