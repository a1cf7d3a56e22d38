/**
 * The one claimable-row shape (core/queue/claimable.ts) on a real database (SQLite and MariaDB):
 * the queue tables' migrations create what ClaimableRow describes, a claim is taken once, an
 * expired lease is taken over and fences the old holder out, and a queue without a lease
 * (class notices: at most once) never hands a claimed row out again.
 */
import { Db } from '../../src/core/db';
import { claimRow, dueRows, settleRow } from '../../src/core/queue/claimable';
import { ClassNotice, NOTICE_QUEUE } from '../../src/modules/classes/entities/class-notice.entity';
import { CallbackInbox, INBOX_QUEUE } from '../../src/modules/wecom/entities/callback-inbox.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import * as api from '../../../contracts/classes';
import { NoticeService } from '../../src/modules/classes/notice.service';
import { makeStore } from '../helpers/fixtures';
import { classBody, memberToken, staffToken } from '../classes/kit';

const QUEUE_TABLES = ['wecom_callback_inbox', 'wecom_outbound', 'class_notice', 'feedback_notice'];

let t: TestApp;
let db: Db;
beforeAll(async () => {
  t = await startTestApp();
  db = await t.container.getAsync(Db);
});
afterAll(async () => {
  await t?.close();
});

it('the queue tables have the columns ClaimableRow describes (names, nullability, lengths)', async () => {
  const runner = db.dataSource.createQueryRunner();
  try {
    for (const name of QUEUE_TABLES) {
      const meta = db.dataSource.entityMetadatas.find((m) => m.tableName === name)!;
      const table = (await runner.getTable(name))!;
      for (const column of ['status', 'attempts', 'next_attempt_at', 'locked_until', 'last_error']) {
        const want = meta.columns.find((c) => c.databaseName === column)!;
        const have = table.findColumnByName(column);
        expect([name, column, have?.isNullable, have?.length || undefined]).toEqual([name, column, want.isNullable, want.length || undefined]);
      }
      // and every other column of the entity exists
      expect(meta.columns.map((c) => c.databaseName).filter((c) => !table.findColumnByName(c))).toEqual([]);
    }
  } finally {
    await runner.release();
  }
});

it('a lease: claimed once; after it expires another worker takes over and the first one is fenced out', async () => {
  const now = new Date();
  const em = db.manager;
  await em.insert(CallbackInbox, {
    dedupeKey: 'claimable-test-1'.padEnd(40, '0'),
    event: 'change_external_contact',
    changeType: 'edit_external_contact',
    externalUserId: null,
    userId: null,
    payload: '{}',
    eventAt: now,
    receivedAt: now,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: new Date(now.getTime() - 1000),
    lockedUntil: null,
    processedAt: null,
    lastError: null,
  });
  const [row] = await dueRows(em, INBOX_QUEUE, { now, limit: 10, where: { sql: 'q.dedupe_key LIKE :k', params: { k: 'claimable-test-1%' } } });
  expect(row).toMatchObject({ status: 'pending', attempts: 0 });
  const [a, b] = await Promise.all([claimRow(em, INBOX_QUEUE, row, { now }), claimRow(em, INBOX_QUEUE, row, { now })]);
  expect([a, b].sort()).toEqual([false, true]);
  // not due while the lease holds
  expect(await dueRows(em, INBOX_QUEUE, { now, limit: 10, where: { sql: 'q.id = :id', params: { id: row.id } } })).toHaveLength(0);
  // the holder died: after the lease another worker claims it as attempt 2
  const later = new Date(now.getTime() + INBOX_QUEUE.leaseMs! + 1000);
  const [stale] = await dueRows(em, INBOX_QUEUE, { now: later, limit: 10, where: { sql: 'q.id = :id', params: { id: row.id } } });
  expect(stale).toMatchObject({ status: 'processing', attempts: 1 });
  expect(await claimRow(em, INBOX_QUEUE, stale, { now: later })).toBe(true);
  expect(await settleRow(em, INBOX_QUEUE, row.id, 1, { status: 'failed' })).toBe(false); // the first holder, fenced out
  expect(await settleRow(em, INBOX_QUEUE, row.id, 2, { status: 'done', lockedUntil: null })).toBe(true);
  expect(await em.findOneByOrFail(CallbackInbox, { id: row.id })).toMatchObject({ status: 'done', attempts: 2 });
});

it('no lease (class notices): a claimed row is never due again, however long its sender is gone', async () => {
  const storeId = (await makeStore(t, '滨江店')).id;
  const hq = (await staffToken(t, 'hq_admin', null)).token;
  const cls = await t.client(hq).call(api.opsCreateClass, { body: classBody(storeId, { inMinutes: 30 * 60 }) });
  const m = await memberToken(t);
  const reg = await t.client(m.token).call(api.register, {
    params: { sessionId: cls.sessions[0].id },
    body: { adults: 1, subscribe: { reminder24h: false, reminder2h: false, promoted: false } },
  });
  const em = db.manager;
  const notices = await t.container.getAsync(NoticeService);
  expect(await notices.queue(em, reg.id, 'reminder_24h', new Date())).toBe(true);
  const now = new Date(Date.now() + 1000);
  const [n] = await dueRows(em, NOTICE_QUEUE, { now, limit: 10 });
  expect(n).toMatchObject({ registrationId: reg.id, status: 'pending', attempts: 0 });
  expect(await claimRow(em, NOTICE_QUEUE, n, { now })).toBe(true);
  expect(await claimRow(em, NOTICE_QUEUE, n, { now })).toBe(false);
  const row = await em.findOneByOrFail(ClassNotice, { id: n.id });
  expect(row).toMatchObject({ status: 'sending', attempts: 1, lockedUntil: null });
  expect(await dueRows(em, NOTICE_QUEUE, { now: new Date(Date.now() + 30 * 86_400_000), limit: 10 })).toEqual([]);
});
