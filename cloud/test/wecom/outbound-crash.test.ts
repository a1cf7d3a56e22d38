/**
 * Exactly-once outbound effects. A worker process is SIGKILLed after WeCom (the simulator) accepted
 * a mass message but before the row was recorded; the restarted worker reconciles that row against
 * get_groupmsg_list_v2 / get_groupmsg_send_result instead of sending it again, and sends the rest.
 * Also: idempotency keys, claims by two workers at once, and permanent vs transient errors.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { loadEnv } from '../../src/config/env';
import { WECOM_CLIENT } from '../../src/platform/types';
import { Db } from '../../src/core/db';
import { enqueueOutbound } from '../../src/modules/wecom/outbound';
import { WecomOutbound } from '../../src/modules/wecom/entities/outbound.entity';
import { OutboundWorker } from '../../src/modules/wecom/outbound.worker';
import { startTestApp, type TestApp } from '../helpers/app';
import { simGet, simPost } from './engine-helpers';

let t: TestApp;
let d: Db;
beforeAll(async () => {
  t = await startTestApp();
  d = await t.container.getAsync(Db);
  // tests drive the worker explicitly
  (await t.container.getAsync(OutboundWorker)).autoKick = false;
});
afterAll(async () => {
  await t?.close();
});

async function customers(n: number, userid = 'zhaoliu'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await simPost(t, '/__sim/wecom/contacts', { userid, name: `客户${i}` })).external_userid);
  return ids;
}

async function enqueueMessages(ids: string[], tag: string): Promise<void> {
  await d.transaction(async (em) => {
    for (const [i, id] of ids.entries()) {
      await enqueueOutbound(em, {
        idemKey: `test:${tag}:${i}`,
        kind: 'msg_template',
        payload: { sender: 'zhaoliu', externalUserIds: [id], text: `${tag}：第${i}位客户，您好`, attachments: [] },
      });
    }
  });
}

function childDbOptions(): Record<string, unknown> {
  if (process.env.DATABASE_URL) return { type: 'mysql', url: process.env.DATABASE_URL, timezone: 'Z' };
  return { type: 'better-sqlite3', database: path.join(process.env.DATA_DIR!, 'hub.sqlite'), enableWAL: true, timeout: 5000 };
}

function runChild(killAfter: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const env = loadEnv({ NODE_ENV: 'test' });
  const child = spawn(process.execPath, ['-r', path.join(__dirname, 'ts-register.js'), path.join(__dirname, 'outbound-crash.child.ts')], {
    env: {
      ...process.env,
      CHILD_DB: JSON.stringify(childDbOptions()),
      WECOM_BASE: `${t.sim.url}/wecom`,
      WECOM_CORP_ID: env.WECOM_CORP_ID,
      WECOM_CONTACT_SECRET: env.WECOM_CONTACT_SECRET,
      KILL_AFTER: String(killAfter),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, output })));
}

const simMsgs = async () =>
  (await simGet(t, '/__sim/wecom/group-msgs')).msgs as Array<{ msgid: string; text: string; targets: Array<{ externalUserId: string }> }>;

it('a worker killed between send and record neither sends twice nor loses the send', async () => {
  const ids = await customers(5);
  await enqueueMessages(ids, 'crash');
  const before = (await simMsgs()).length;

  const child = await runChild(2);
  expect({ signal: child.signal, output: child.output }).toEqual({ signal: 'SIGKILL', output: '' });

  // WeCom has two messages; the database recorded one, the second is stuck in 'sending'
  expect((await simMsgs()).length).toBe(before + 2);
  const rows = await d.manager.find(WecomOutbound, { where: { kind: 'msg_template' }, order: { id: 'ASC' } });
  expect(rows.map((r) => r.status)).toEqual(['sent', 'sending', 'pending', 'pending', 'pending']);
  const stuck = rows[1];

  // restart: the stuck row's lock has expired by the time the next worker looks at it
  const worker = await t.container.getAsync(OutboundWorker);
  const r = await worker.drain(new Date(Date.now() + 5 * 60_000));
  expect(r).toMatchObject({ sent: 3, reconciled: 1, failed: 0 });

  const msgs = await simMsgs();
  expect(msgs.length).toBe(before + 5); // every customer got exactly one message
  for (const id of ids) expect(msgs.filter((m) => m.targets.some((x) => x.externalUserId === id))).toHaveLength(1);
  const after = await d.manager.find(WecomOutbound, { where: { kind: 'msg_template' }, order: { id: 'ASC' } });
  expect(after.map((x) => x.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
  const reconciled = JSON.parse(after[1].result!);
  expect(reconciled.reconciled).toBe(true);
  expect(reconciled.msgid).toBe(msgs.find((m) => m.targets.some((x) => x.externalUserId === ids[1]))!.msgid);
  expect(after[1].attempts).toBe(stuck.attempts + 1);
});

it('the same idempotency key enqueues once; two workers draining at once send each row once', async () => {
  const ids = await customers(6, 'lisi');
  await enqueueMessages(ids, 'dup');
  await enqueueMessages(ids, 'dup'); // same keys again
  expect(await d.manager.count(WecomOutbound, { where: { kind: 'msg_template', status: 'pending' } })).toBe(6);
  const before = (await simMsgs()).length;
  const worker = await t.container.getAsync(OutboundWorker);
  // a second processor stands for another instance sharing the database
  const { OutboundProcessor } = await import('../../src/modules/wecom/outbound');
  const other = new OutboundProcessor({
    manager: () => d.manager,
    handlers: { msg_template: (worker.processor as any).deps.handlers.msg_template },
    concurrency: 3,
  });
  const [a, b] = await Promise.all([worker.processor.runOnce({ limit: 100 }), other.runOnce({ limit: 100 })]);
  expect(a.sent + b.sent).toBe(6);
  expect((await simMsgs()).length).toBe(before + 6);
});

it('a permanent WeCom error fails the row; a timeout is retried later after looking first', async () => {
  const [id] = await customers(1, 'wangwu');
  await d.transaction((em) =>
    enqueueOutbound(em, { idemKey: 'test:perm', kind: 'msg_template', payload: { sender: 'wangwu', externalUserIds: [id], text: 'perm', attachments: [] } }),
  );
  t.sim.fault({ path: '/wecom/cgi-bin/externalcontact/add_msg_template', errcode: 60111, times: 1 });
  const worker = await t.container.getAsync(OutboundWorker);
  await worker.drain();
  expect(await d.manager.findOneByOrFail(WecomOutbound, { idemKey: 'test:perm' })).toMatchObject({ status: 'failed', lastErrcode: 60111 });

  await d.transaction((em) =>
    enqueueOutbound(em, { idemKey: 'test:slow', kind: 'msg_template', payload: { sender: 'wangwu', externalUserIds: [id], text: 'slow', attachments: [] } }),
  );
  // WeCom creates the message but the answer does not arrive within our timeout
  const client = await t.container.getAsync<any>(WECOM_CLIENT);
  client.platformConfig.wecom.timeoutMs = 1_000;
  t.sim.fault({ path: '/wecom/cgi-bin/externalcontact/add_msg_template', delayMs: 2_000, times: 1 });
  const before = (await simMsgs()).length;
  try {
    await worker.drain();
  } finally {
    delete client.platformConfig.wecom.timeoutMs;
  }
  const row = await d.manager.findOneByOrFail(WecomOutbound, { idemKey: 'test:slow' });
  expect(row).toMatchObject({ status: 'pending', lastErrcode: null });
  await new Promise((r) => setTimeout(r, 1_500)); // the simulator finishes the slow call
  await worker.drain(new Date(Date.now() + 60_000));
  expect(await d.manager.findOneByOrFail(WecomOutbound, { idemKey: 'test:slow' })).toMatchObject({ status: 'sent' });
  expect((await simMsgs()).filter((m) => m.text === 'slow')).toHaveLength(1);
  expect((await simMsgs()).length).toBe(before + 1);
}, 30_000);
