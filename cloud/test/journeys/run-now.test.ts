/**
 * The ops "evaluate journeys now" route (POST /api/admin/journey-runs) under contention: a
 * scheduled run in progress is waited for and then this request runs at its own time, with its
 * own counts; the failure of a run it only waited for is not its failure; a run that lost a
 * database race is run again, and one that keeps losing answers CONFLICT — never a 500. On
 * MariaDB a real deadlock between the evaluation and another transaction is provoked.
 */
import * as J from '../../../contracts/journeys';
import { Db } from '../../src/core/db';
import { JobLease, JobRunner } from '../../src/core/jobs';
import { JourneyEngine } from '../../src/modules/journeys/engine.service';
import { WecomOutbound } from '../../src/modules/wecom/entities/outbound.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { makeStore } from '../helpers/fixtures';
import { fire, listen, type Listening, settle, staffToken } from '../wecom/engine-helpers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let t: TestApp;
let l: Listening;
let d: Db;
let admin: string;
let engine: JourneyEngine;
let runner: JobRunner;

/** The first instant at or after `after` whose Asia/Shanghai clock reads 10:00 (daytime: no quiet hours). */
function shanghaiTen(after: Date): Date {
  const local = new Date(after.getTime() + 8 * HOUR);
  let at = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), 10) - 8 * HOUR;
  if (at < after.getTime()) at += DAY;
  return new Date(at);
}

/** A customer added through WeCom (enrolled in the new-member journey) and when their day-3 message is due. */
async function newCustomer(name: string): Promise<{ ext: string; day3: Date }> {
  const r = await fire(t, l, { event: { ChangeType: 'add_external_contact', UserID: 'zhaoliu', customer: { name } } });
  const ext = r.results![0].externalUserId!;
  const view = await t.client(admin).call(J.customerJourneys, { params: { externalUserId: ext } });
  return { ext, day3: shanghaiTen(new Date(new Date(view.items[0].enrolledAt).getTime() + 72 * HOUR)) };
}

const messagesTo = async (ext: string) =>
  (await d.manager.find(WecomOutbound, { where: { kind: 'msg_template' } })).map((o) => JSON.parse(o.payload)).filter((p) => p.externalUserIds.includes(ext));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** The next evaluation (e.g. the scheduler's) starts, signals, and waits for `gate` before doing its work or failing. */
function holdNextEvaluation(o: { fail?: Error } = {}) {
  const started = deferred();
  const gate = deferred();
  const original = engine.evaluate.bind(engine);
  jest.spyOn(engine, 'evaluate').mockImplementationOnce(async (now, opts) => {
    started.resolve();
    await gate.promise;
    if (o.fail) throw o.fail;
    return original(now, opts);
  });
  return { started: started.promise, release: gate.resolve };
}

/** What mysql2 raises (wrapped by TypeORM) when InnoDB picks this transaction as a deadlock victim. */
function deadlockError(): Error {
  return Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), {
    name: 'QueryFailedError',
    driverError: { errno: 1213, code: 'ER_LOCK_DEADLOCK' },
  });
}

const runAt = (now: Date) => t.client(admin).call(J.runJourneys, { body: { now: now.toISOString() } });

beforeAll(async () => {
  t = await startTestApp();
  l = await listen(t);
  d = await t.container.getAsync(Db);
  engine = await t.container.getAsync(JourneyEngine);
  runner = await t.container.getAsync(JobRunner);
  const storeId = (await makeStore(t, '滨江店')).id;
  await staffToken(t, 'staff', { storeId, wecomUserId: 'zhaoliu' });
  admin = (await staffToken(t, 'hq_admin')).token;
});
afterEach(() => jest.restoreAllMocks());
afterAll(async () => {
  await l?.close();
  await t?.close();
});

test('a manual run waits for the scheduled run in progress, then evaluates at its own time with its own counts', async () => {
  const { ext, day3 } = await newCustomer('等待的客户');
  const held = holdNextEvaluation();
  const scheduled = runner.runNow('journeys.evaluate'); // what node-cron calls every minute (wall clock: nothing due)
  await held.started;
  const manual = runAt(day3);
  await new Promise((r) => setTimeout(r, 100)); // the request is now waiting behind the scheduled run
  held.release();
  expect(await scheduled).toMatchObject({ ran: true, result: { stepsRun: 0 } });
  expect(await manual).toMatchObject({ ran: true, stepsRun: 1, deferred: 0 });
  await settle(t);
  expect(await messagesTo(ext)).toHaveLength(1);
});

test('the scheduled run it waited for failing is not the manual run’s failure', async () => {
  const { ext, day3 } = await newCustomer('别人失败');
  const held = holdNextEvaluation({ fail: new Error('scheduled run broke') });
  const scheduled = runner.runNow('journeys.evaluate');
  await held.started;
  const manual = runAt(day3);
  await new Promise((r) => setTimeout(r, 100));
  held.release();
  await expect(scheduled).rejects.toThrow('scheduled run broke');
  expect(await manual).toMatchObject({ ran: true, stepsRun: 1 });
  await settle(t);
  expect(await messagesTo(ext)).toHaveLength(1);
});

test('a run that lost a database race is run again; one that keeps losing answers CONFLICT, not 500', async () => {
  const { ext, day3 } = await newCustomer('死锁的客户');
  const original = engine.evaluate.bind(engine);
  const spy = jest.spyOn(engine, 'evaluate').mockImplementationOnce(async () => {
    throw deadlockError();
  });
  expect(await runAt(day3)).toMatchObject({ ran: true, stepsRun: 1 });
  expect(spy).toHaveBeenCalledTimes(2);
  await settle(t);
  expect(await messagesTo(ext)).toHaveLength(1);

  spy.mockImplementation(async () => {
    throw deadlockError();
  });
  await expect(runAt(day3)).rejects.toMatchObject({ status: 409, code: 'CONFLICT', message: '旅程评估与其他任务冲突，请稍后再试' });
  expect(await d.manager.findOneByOrFail(JobLease, { name: 'journeys.evaluate' })).toMatchObject({ holder: null, lastStatus: 'failed' });

  spy.mockImplementation(original);
  expect(await runAt(day3)).toMatchObject({ ran: true, stepsRun: 0 }); // the lease was released: nothing stuck
});

test("another instance's lease: a manual run waits for it; the scheduler does not", async () => {
  const { day3 } = await newCustomer('另一实例');
  await d.manager.update(JobLease, { name: 'journeys.evaluate' }, { holder: 'other-host:1:beef', expiresAt: new Date(Date.now() + 60_000) });
  expect(await runner.runNow('journeys.evaluate')).toEqual({ ran: false });
  expect(await runner.runNow('journeys.evaluate', { waitMs: 300 })).toEqual({ ran: false });
  const manual = runAt(day3);
  await new Promise((r) => setTimeout(r, 600));
  await d.manager.update(JobLease, { name: 'journeys.evaluate' }, { holder: null, expiresAt: new Date() }); // the other run finished
  expect(await manual).toMatchObject({ ran: true, stepsRun: 1 });
});

// A real InnoDB deadlock: the evaluation's set-based enrolment (INSERT … SELECT over
// journey_customer, shared-locking each row it reads) against a heavier transaction that holds the
// last customer row and then writes the first one. InnoDB rolls back the lighter side — the evaluation.
(process.env.TEST_MYSQL_URL ? test : test.skip)('MariaDB: the evaluation chosen as a deadlock victim is run again, not answered with a 500', async () => {
  const first = await newCustomer('死锁甲');
  const second = await newCustomer('死锁乙');
  const mysql = require('mysql2/promise');
  const url = process.env.DATABASE_URL!;
  const holder = await mysql.createConnection(url);
  const watcher = await mysql.createConnection(url);
  try {
    const [[ids]] = await holder.query('SELECT MIN(id) AS lo, MAX(id) AS hi FROM journey_customer');
    await holder.query('CREATE TABLE IF NOT EXISTS deadlock_weight (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20))');
    await holder.query('BEGIN');
    // weight: InnoDB picks the transaction with fewer changes and locks as the victim
    await holder.query(`INSERT INTO deadlock_weight (v) VALUES ${new Array(500).fill("('w')").join(',')}`);
    await holder.query('SELECT id FROM journey_customer WHERE id = ? FOR UPDATE', [ids.hi]);

    const evaluations = jest.spyOn(engine, 'evaluate');
    const manual = runAt(first.day3).then(
      (r) => ({ ok: true as const, r }),
      (e) => ({ ok: false as const, e }),
    );
    // wait until the evaluation's read is blocked on the row held above (the InnoDB monitor shows
    // it; information_schema.innodb_trx may not list a transaction that has not written yet)
    const table = `\`${new URL(url).pathname.slice(1)}\`.\`journey_customer\``;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [[monitor]] = await watcher.query('SHOW ENGINE INNODB STATUS');
      const waits = String(monitor.Status).split('FOR THIS LOCK TO BE GRANTED:').slice(1);
      if (waits.some((w) => w.split('\n', 3).join(' ').includes(`of table ${table}`))) break;
      if (Date.now() > deadline) throw new Error('the evaluation never waited on journey_customer: this test needs a new deadlock recipe');
      await new Promise((r) => setTimeout(r, 20));
    }
    // closes the cycle: the evaluation holds a shared lock on the first row
    await holder.query('UPDATE journey_customer SET updated_at = updated_at WHERE id = ?', [ids.lo]);
    await holder.query('COMMIT');

    const outcome = await manual;
    if (!outcome.ok) throw outcome.e;
    expect(evaluations).toHaveBeenCalledTimes(2); // the deadlocked run, then the one that went through
    expect(outcome.r).toMatchObject({ ran: true, stepsRun: 2 }); // both are due at the same 10:00
    await settle(t);
    expect(await messagesTo(first.ext)).toHaveLength(1);
    expect(await messagesTo(second.ext)).toHaveLength(1);
  } finally {
    await holder.end();
    await watcher.end();
  }
});
