/**
 * The cloud-function entry, invoked locally: the FaaS app (@midwayjs/faas) boots on the same
 * services and database, its timer functions run the scheduled jobs through JobRunner.runNow under
 * the DB lease, and two runners competing for one lease never both run the job.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { loadEnv } from '../../src/config/env';
import { Db } from '../../src/core/db';
import { Job, JobLease, JobRunner, registeredJobs, type JobContext } from '../../src/core/jobs';
import { startFunctionApp, type FunctionApp } from '../../src/functions/bootstrap';
import type { JobFunctionResult } from '../../src/functions/job-functions';
import { enqueueOutbound } from '../../src/modules/wecom/outbound';
import { WecomOutbound } from '../../src/modules/wecom/entities/outbound.entity';
import { startSimulator, type SimulatorHandle } from '../../simulator';

/** A job that holds its lease for a while, to make two runners overlap. */
@Provide()
@Scope(ScopeEnum.Singleton)
class SlowJob {
  runs = 0;
  @Job({ name: 'test.slow', cron: '0 0 1 1 *', leaseSeconds: 60 })
  async run(ctx: JobContext): Promise<void> {
    this.runs++;
    await new Promise((r) => setTimeout(r, 400));
    void ctx;
  }
}

let sim: SimulatorHandle;
let fapp: FunctionApp;
let cleanup: () => Promise<void>;
const saved = { ...process.env };

beforeAll(async () => {
  const defaults = loadEnv({ NODE_ENV: 'test' });
  sim = await startSimulator({
    port: 0,
    wechat: { appId: defaults.WECHAT_APPID, appSecret: defaults.WECHAT_APPSECRET },
    wecom: {
      corpId: defaults.WECOM_CORP_ID,
      contactSecret: defaults.WECOM_CONTACT_SECRET,
      agentId: defaults.WECOM_AGENT_ID,
      agentSecret: defaults.WECOM_AGENT_SECRET,
    },
  });
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    SIMULATOR: '0',
    SEED_DEMO: '0',
    LOG_LEVEL: 'error',
    WECOM_API_BASE: `${sim.url}/wecom`,
    WECHAT_API_BASE: `${sim.url}/wechat`,
  };
  if (process.env.TEST_MYSQL_URL) {
    const mysql = require('mysql2/promise');
    const name = `f_${randomBytes(6).toString('hex')}`;
    const admin = await mysql.createConnection(process.env.TEST_MYSQL_URL);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
    await admin.end();
    const url = new URL(process.env.TEST_MYSQL_URL);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    cleanup = async () => {
      const c = await mysql.createConnection(process.env.TEST_MYSQL_URL);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-fn-'));
    env.DATA_DIR = dir;
    delete process.env.DATABASE_URL;
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  Object.assign(process.env, env);
  fapp = await startFunctionApp();
  fapp.container.bind(SlowJob);
});

afterAll(async () => {
  await fapp?.close();
  process.env = saved;
  await sim?.close();
  await cleanup?.();
});

it('registers one timer function per scheduled job', () => {
  // every job the server schedules (test.slow is this file's own) has its timer function, named after it
  const jobs = registeredJobs()
    .map((j) => j.name)
    .filter((n) => n !== 'test.slow');
  expect(jobs).toEqual(expect.arrayContaining(['journeys.evaluate', 'wecom.inbox', 'wecom.outbound', 'tags.rfm', 'contest.close', 'classes.reminders']));
  expect(fapp.handlers().sort()).toEqual(jobs.map((n) => n.replace(/\./g, '-')).sort());
});

it('a timer invocation runs the job under its lease with the shared services', async () => {
  const r = await fapp.invokeTimer<JobFunctionResult>('journeys-evaluate');
  expect(r).toMatchObject({ job: 'journeys.evaluate', ran: true });
  const d = await fapp.container.getAsync(Db);
  expect(await d.manager.findOneByOrFail(JobLease, { name: 'journeys.evaluate' })).toMatchObject({ holder: null, lastStatus: 'ok', runCount: 1 });

  // the outbound function sends what a job queued, through the same WeCom client (simulator)
  const { external_userid: ext } = (await (
    await fetch(`${sim.url}/__sim/wecom/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userid: 'zhaoliu' }),
    })
  ).json()) as { external_userid: string };
  await d.transaction((em) =>
    enqueueOutbound(em, { idemKey: 'fn:1', kind: 'msg_template', payload: { sender: 'zhaoliu', externalUserIds: [ext], text: '函数发送', attachments: [] } }),
  );
  expect(await fapp.invokeTimer<JobFunctionResult>('wecom-outbound')).toMatchObject({ ran: true });
  expect(await d.manager.findOneByOrFail(WecomOutbound, { idemKey: 'fn:1' })).toMatchObject({ status: 'sent' });
  expect(sim.calls.filter((c) => c.path === '/wecom/cgi-bin/externalcontact/add_msg_template')).toHaveLength(1);
});

it('two runners competing for one lease: exactly one runs', async () => {
  const d = await fapp.container.getAsync(Db);
  const first = await fapp.container.getAsync(JobRunner);
  // a second runner stands for another instance (its own in-process bookkeeping, same database)
  const second = Object.assign(new JobRunner(), { db: d, logger: first.logger, container: fapp.container });
  const job = await fapp.container.getAsync(SlowJob);
  const results = await Promise.all([first.runNow('test.slow'), second.runNow('test.slow')]);
  expect(results.map((r) => r.ran).sort()).toEqual([false, true]);
  expect(job.runs).toBe(1);
  // released afterwards: the other runner gets it next time
  expect(await second.runNow('test.slow')).toEqual({ ran: true });
  expect(job.runs).toBe(2);

  // a holder that died keeps the lease only until it expires
  await d.manager.update(JobLease, { name: 'test.slow' }, { holder: 'dead-host:1:beef', expiresAt: new Date(Date.now() + 60_000) });
  expect(await first.runNow('test.slow')).toEqual({ ran: false });
  await d.manager.update(JobLease, { name: 'test.slow' }, { expiresAt: new Date(Date.now() - 1_000) });
  expect(await first.runNow('test.slow')).toEqual({ ran: true });
  expect(job.runs).toBe(3);
});
