/** The WeCom engine, journeys and tag-sync migrations create exactly what their entities describe (SQLite and MariaDB). */
import { Db } from '../../src/core/db';
import { startTestApp, type TestApp } from '../helpers/app';

const MINE = [
  'wecom_callback_inbox',
  'wecom_channel',
  'wecom_channel_add',
  'wecom_welcome_log',
  'wecom_outbound',
  'wecom_group_chat',
  'wecom_corp_tag',
  'wecom_contact_tag',
  'rfm_order',
  'member_rfm',
  'journey',
  'journey_customer',
  'activity_log',
  'member_activity',
  'journey_enrolment',
  'journey_step_log',
  'journey_settings',
  'staff_task',
  'journey_coupon',
];

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

it('no schema drift between entities and migrations for these tables', async () => {
  const ds = (await t.container.getAsync(Db)).dataSource;
  for (const table of MINE) expect(ds.entityMetadatas.some((m) => m.tableName === table)).toBe(true);
  // TypeORM's MariaDB schema diff reports every nullable column (DEFAULT NULL vs none) and some
  // composite indexes as changed even when identical, so the exact comparison runs on SQLite.
  if (t.dbKind === 'mysql') {
    const [{ n }] = await ds.query(
      `SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN (${MINE.map(() => '?').join(',')})`,
      MINE,
    );
    expect(Number(n)).toBe(MINE.length);
    return;
  }
  const pending = await ds.driver.createSchemaBuilder().log();
  const mine = pending.upQueries.map((q) => q.query).filter((q) => MINE.some((table) => new RegExp(`[\`"']${table}[\`"']`).test(q)));
  expect(mine).toEqual([]);
});
