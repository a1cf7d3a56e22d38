import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Panel members invited before `AdvisoryPanelJoined` existed are announced once, through the outbox
 * like every event, so insight's 共创层 knows them too (insight must not read community's tables).
 * The listener ignores a member it already has, so running this where some were announced is harmless.
 */
@Provide()
@Scope(ScopeEnum.Singleton)
export class AnnouncePanelMembers1765300100150 implements MigrationInterface {
  name = 'AnnouncePanelMembers1765300100150';

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = queryRunner.connection.driver.options.type === 'mysql';
    const rows = (await queryRunner.query('SELECT member_id, invited_at FROM community_panel_member ORDER BY member_id')) as Array<{
      member_id: number;
      invited_at: Date | string;
    }>;
    const now = mysql ? new Date() : new Date().toISOString().replace('T', ' ').replace('Z', '');
    for (let i = 0; i < rows.length; i += 500) {
      const part = rows.slice(i, i + 500);
      await queryRunner.query(
        `INSERT INTO domain_event (type, payload, created_at, attempts) VALUES ${part.map(() => '(?, ?, ?, 0)').join(',')}`,
        part.flatMap((r) => ['AdvisoryPanelJoined', JSON.stringify({ memberId: Number(r.member_id), at: utcIso(r.invited_at) }), now]),
      );
    }
  }

  async down(): Promise<void> {
    // an announced event cannot be taken back; insight's row goes with the member as usual
  }
}

/** A datetime as read back (a Date on MySQL, UTC text on SQLite) as an ISO instant. */
function utcIso(v: Date | string): string {
  if (v instanceof Date) return v.toISOString();
  const text = String(v);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`).toISOString();
}
