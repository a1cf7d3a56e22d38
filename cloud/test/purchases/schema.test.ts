/** The purchases (and RFM / coupon redemption) migrations create exactly what the entities describe. */
import { Db } from '../../src/core/db';
import { startTestApp, type TestApp } from '../helpers/app';

const MINE = [
  'receipt',
  'receipt_line',
  'receipt_conflict',
  'product',
  'member_code',
  'pos_key',
  'pos_nonce',
  'purchase_import',
  'purchase_import_error',
  'purchase_import_mapping',
  'new_arrival',
  'rfm_order',
  'member_rfm',
  'rfm_settings',
  'rfm_store_cuts',
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
