import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnKit } from '../../../core/migration-kit';
import { CALENDAR_SEED, KIT_SEED } from '../calendar-seed';

/** Community operations: groups' store/theme/welcome/SOP, participation, kits and calendar, advisory panel. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class CommunityTables1763804100000 implements MigrationInterface {
  name = 'CommunityTables1763804100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columnKit(queryRunner);
    const idx = (name: string, columnNames: string[], isUnique = false) => new TableIndex({ name, columnNames, isUnique });
    const table = (name: string, columns: ReturnType<typeof c.id>[], indices: TableIndex[] = []) =>
      queryRunner.createTable(new Table({ name, columns, indices }));

    await table(
      'community_group',
      [
        c.id(),
        c.str('chat_id', 64),
        c.int('store_id', { nullable: true }),
        c.str('theme', 30, { nullable: true }),
        c.text('welcome_text', { nullable: true }),
        c.str('welcome_template_id', 64, { nullable: true }),
        c.time('welcome_updated_at', { nullable: true }),
        c.int('weekly_cap', { nullable: true }),
        c.time('created_at'),
      ],
      [idx('uq_community_group_chat', ['chat_id'], true)],
    );
    await table(
      'community_sop',
      [
        c.id(),
        c.str('chat_id', 64),
        c.str('title', 40),
        c.text('text'),
        c.str('cadence', 10),
        c.int('weekday', { nullable: true }),
        c.int('month_day', { nullable: true }),
        c.str('time', 5),
        c.bool('active', true),
        c.int('kit_id', { nullable: true }),
        c.time('created_at'),
      ],
      [idx('idx_community_sop_chat', ['chat_id'])],
    );
    await table(
      'community_sop_task',
      [
        c.id(),
        c.int('sop_id'),
        c.str('chat_id', 64),
        c.str('owner_user_id', 64, { nullable: true }),
        c.time('slot_at'),
        c.str('status', 12),
        c.str('reason', 120, { nullable: true }),
        c.time('send_at', { nullable: true }),
        c.time('confirmed_at', { nullable: true }),
        c.int('confirmed_by', { nullable: true }),
        c.time('created_at'),
      ],
      [idx('uq_community_sop_task_slot', ['sop_id', 'slot_at'], true), idx('idx_community_sop_task_chat', ['chat_id', 'slot_at'])],
    );
    await table('community_settings', [
      { name: 'id', type: 'integer', isPrimary: true },
      c.str('quiet_start', 5),
      c.str('quiet_end', 5),
      c.int('default_weekly_cap'),
      c.time('updated_at'),
    ]);
    await queryRunner.query('INSERT INTO community_settings (id, quiet_start, quiet_end, default_weekly_cap, updated_at) VALUES (1, ?, ?, ?, ?)', [
      '21:00',
      '09:00',
      3,
      queryRunner.connection.driver.options.type === 'mysql' ? new Date() : new Date().toISOString().replace('T', ' ').replace('Z', ''),
    ]);
    await table(
      'community_participation',
      [c.id(), c.int('member_id'), c.str('kind', 16), c.str('ref', 64), c.str('title', 64, { nullable: true }), c.time('at')],
      [idx('uq_community_participation', ['member_id', 'kind', 'ref'], true), idx('idx_community_participation_at', ['member_id', 'at'])],
    );
    await table('community_kit', [
      c.id(),
      c.str('title', 60),
      c.text('copy'),
      c.str('poster_url', 512, { nullable: true }),
      c.text('materials'),
      c.str('budget_tier', 10),
      c.str('ring', 10),
      c.str('audience', 60),
      c.str('follow_up', 100),
      c.int('duration_minutes'),
      c.int('adult_seats'),
      c.int('child_seats'),
      c.str('weather_tags', 60),
      c.str('status', 10),
      c.time('published_at', { nullable: true }),
      c.time('created_at'),
    ]);
    await table(
      'community_calendar_day',
      [c.id(), c.str('date', 10), c.str('name', 30), c.str('kind', 12), c.str('note', 200), c.str('kit_titles', 300)],
      [idx('uq_community_calendar_day', ['date', 'name'], true)],
    );
    await table(
      'community_kit_adoption',
      [
        c.id(),
        c.int('kit_id'),
        c.int('store_id'),
        c.int('staff_id'),
        c.str('target', 10),
        c.int('class_id', { nullable: true }),
        c.int('sop_id', { nullable: true }),
        c.str('title', 64),
        c.time('created_at'),
      ],
      [idx('idx_community_kit_adoption_kit', ['kit_id']), idx('idx_community_kit_adoption_store', ['store_id'])],
    );
    await table('community_panel_member', [
      { name: 'member_id', type: 'integer', isPrimary: true },
      c.bool('moderator', false),
      c.int('invited_by'),
      c.time('invited_at'),
    ]);
    await table('community_panel_round', [
      c.id(),
      c.str('title', 60),
      c.str('product', 60),
      c.text('description'),
      c.time('starts_at'),
      c.str('place', 60),
      c.int('capacity'),
      c.int('signed_count', { default: 0 }),
      c.time('created_at'),
    ]);
    await table(
      'community_panel_signup',
      [
        c.id(),
        c.int('round_id'),
        c.int('member_id'),
        c.str('status', 10),
        c.text('answers', { nullable: true }),
        c.time('reviewed_at', { nullable: true }),
        c.time('created_at'),
      ],
      [idx('uq_community_panel_signup', ['round_id', 'member_id'], true)],
    );

    const now = queryRunner.connection.driver.options.type === 'mysql' ? new Date() : new Date().toISOString().replace('T', ' ').replace('Z', '');
    for (const d of CALENDAR_SEED) {
      await queryRunner.query('INSERT INTO community_calendar_day (date, name, kind, note, kit_titles) VALUES (?, ?, ?, ?, ?)', [
        d.date,
        d.name,
        d.kind,
        d.note,
        JSON.stringify(d.kits),
      ]);
    }
    for (const k of KIT_SEED) {
      await queryRunner.query(
        'INSERT INTO community_kit (title, copy, poster_url, materials, budget_tier, ring, audience, follow_up, duration_minutes, adult_seats, child_seats, weather_tags, status, published_at, created_at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          k.title,
          k.copy,
          JSON.stringify(k.materials),
          k.budgetTier,
          k.ring,
          k.audience,
          k.followUp,
          k.durationMinutes,
          k.adultSeats,
          k.childSeats,
          JSON.stringify(k.weatherTags),
          'published',
          now,
          now,
        ],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of [
      'community_panel_signup',
      'community_panel_round',
      'community_panel_member',
      'community_kit_adoption',
      'community_calendar_day',
      'community_kit',
      'community_participation',
      'community_settings',
      'community_sop_task',
      'community_sop',
      'community_group',
    ]) {
      await queryRunner.dropTable(t);
    }
  }
}
