/** purchase_import's move onto the claimable columns keeps every row's status and times, on SQLite and MariaDB. */
import { Db } from '../../src/core/db';
import { PurchaseImport } from '../../src/modules/purchases/entities/receipt.entity';
import { startTestApp, type TestApp } from '../helpers/app';
let t: TestApp;
afterAll(() => t?.close());
it('PurchaseImportClaim: statuses kept (MySQL would drop a re-sized column), lease from the heartbeat, attempts, goes down and up', async () => {
  t = await startTestApp();
  const d = await t.container.getAsync(Db);
  // undo the newest migration, this one while it is the newest: the table has heartbeat_at again (the INSERTs below use it)
  await d.dataSource.undoLastMigration({ transaction: 'each' });
  const cols = 'store_id, kind, file_name, stored_name, format, status, preview, total_bytes, created_by, created_at, heartbeat_at';
  await d.manager.query(
    `INSERT INTO purchase_import (${cols}) VALUES (1,'receipts','a','b','csv','running','{}',10,1,'2026-11-01 00:00:00','2026-11-01 01:00:00')`,
  );
  await d.manager.query(`INSERT INTO purchase_import (${cols}) VALUES (1,'receipts','a','b','csv','queued','{}',10,1,'2026-11-02 00:00:00',NULL)`);
  await d.manager.query(
    `INSERT INTO purchase_import (${cols}) VALUES (1,'receipts','a','b','csv','done','{}',10,1,'2026-11-03 00:00:00','2026-11-03 01:00:00')`,
  );
  await d.dataSource.runMigrations({ transaction: 'each' });
  const rows = await d.manager.find(PurchaseImport, { order: { id: 'ASC' } });
  expect(rows.map((r) => [r.status, r.attempts, r.nextAttemptAt.toISOString(), r.lockedUntil?.toISOString() ?? null])).toEqual([
    ['running', 1, '2026-11-01T00:00:00.000Z', '2026-11-01T01:00:00.000Z'],
    ['queued', 0, '2026-11-02T00:00:00.000Z', null],
    ['done', 1, '2026-11-03T00:00:00.000Z', null],
  ]);
  await d.dataSource.undoLastMigration({ transaction: 'each' });
  expect(await d.manager.query("SELECT status, heartbeat_at AS h FROM purchase_import WHERE status = 'running'")).toHaveLength(1);
  await d.dataSource.runMigrations({ transaction: 'each' });
  expect(await d.manager.countBy(PurchaseImport, { status: 'running' })).toBe(1);
});
