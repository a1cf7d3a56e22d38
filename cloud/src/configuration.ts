/**
 * The Midway application: koa + TypeORM + static files; global error filter; web front doors;
 * outbox dispatcher; in-process simulator (dev/test) and demo seed (dev).
 */
import 'reflect-metadata';
import * as fs from 'fs';
import { App, Config, Configuration, type ILifeCycle, type ILogger, type IMidwayContainer, Inject, MidwayConfigService } from '@midwayjs/core';
import * as koa from '@midwayjs/koa';
import * as staticFile from '@midwayjs/static-file';
import * as typeorm from '@midwayjs/typeorm';
import * as DefaultConfig from './config/config.default';
import type { AppEnv } from './config/env';
import { GlobalErrorFilter } from './core/error.filter';
import { EventBus } from './core/events/event-bus';
import { JobRunner } from './core/jobs';
import { PrivacyRegistry } from './core/privacy';
import { TimelineRegistry } from './core/timeline';
import { boundRoutes } from './core/route';
import { allContractRoutes } from './core/openapi';
import { type WebApp, WebAppsMiddleware } from './core/web.middleware';
import { JsonBodyMiddleware } from './core/json-body.middleware';
import { MethodOverrideMiddleware } from './core/method-override.middleware';
import { ClientIpMiddleware } from './core/client-ip.middleware';
import { SecurityHeadersMiddleware } from './core/security-headers.middleware';
import { Db } from './core/db';
import { lifecycle, OpsMiddleware } from './core/ops.middleware';
import { pendingMigrations } from './cli/datasource';
import { DeliveryMiddleware } from './core/delivery.middleware';
import { NoticeService } from './modules/classes/notice.service';
import { InboxWorker } from './modules/wecom/inbox.worker';
import { OutboundWorker } from './modules/wecom/outbound.worker';
import { SeedService } from './seed/seed.service';
import { type ShowcaseResult, ShowcaseService } from './seed/showcase.service';
import { printStartBanner } from './seed/banner';

@Configuration({
  imports: [koa, typeorm, staticFile],
  importConfigs: [{ default: DefaultConfig }],
})
export class MainConfiguration implements ILifeCycle {
  @App('koa')
  app!: koa.Application;

  @Inject()
  configService!: MidwayConfigService;

  @Config('hub')
  env!: AppEnv;

  private simulator: { url: string; close(): Promise<void> } | null = null;
  private seeded: Awaited<ReturnType<SeedService['seedDemo']>> | null = null;
  private showcase: ShowcaseResult | null = null;

  async onConfigLoad(): Promise<void> {
    // @midwayjs/static-file refuses to start on a missing folder: serve only the apps that are built
    const dirs = (this.configService.getConfiguration('staticFile.dirs') ?? {}) as Record<string, { dir: string; prefix: string } | null>;
    const logger = this.logger();
    for (const [key, d] of Object.entries(dirs)) {
      if (!d?.dir) {
        delete dirs[key]; // an entry switched off by an override
      } else if (!fs.existsSync(d.dir)) {
        logger.warn(`[web] ${d.prefix}/ not served: ${d.dir} does not exist (build it first)`);
        delete dirs[key];
      }
    }
  }

  async onReady(container: IMidwayContainer): Promise<void> {
    lifecycle.stopping = false;
    if (!this.env.migrateOnStart) await this.refuseStaleSchema(container);
    this.app.useMiddleware([SecurityHeadersMiddleware, ClientIpMiddleware, OpsMiddleware, MethodOverrideMiddleware, WebAppsMiddleware]);
    // outermost: compresses and sets caching for whatever the static files and the API answer
    this.app.getMiddleware().insertFirst(DeliveryMiddleware as never);
    // right after koa-bodyparser (configured to read nothing): JSON read with a cap, parsed lazily
    this.app.getMiddleware().insertAfter(JsonBodyMiddleware as never, 'bodyParser');
    this.app.useFilter([GlobalErrorFilter]);
    this.checkContractsBound();

    if (this.env.simulatorEnabled) await this.startSimulator();

    if (this.env.seedDemo) {
      const seed = await container.getAsync(SeedService);
      this.seeded = await seed.seedDemo();
      // a year of till receipts (once; delivered to RFM, journeys and the timeline by the outbox)
      if (this.env.seedDemoReceipts) await seed.seedDemoReceipts();
    }
    if (this.simulator) {
      try {
        await (await container.getAsync(SeedService)).announceContactsToSimulator(this.simulator.url);
      } catch (err) {
        this.logger().warn(`[simulator] contacts not announced: ${(err as Error).message}`);
      }
    }
    await (await container.getAsync(PrivacyRegistry)).start(container);
    await (await container.getAsync(TimelineRegistry)).start(container);
    await (await container.getAsync(EventBus)).start(container);
    // scheduled jobs run in the long-running server; tests call JobRunner.runNow themselves
    if (this.env.NODE_ENV !== 'test') (await container.getAsync(JobRunner)).start({ minuteSeconds: this.env.JOBS_MINUTE_SECONDS });
  }

  async onServerReady(container: IMidwayContainer): Promise<void> {
    // after the routes are composed: the showcase fires WeCom callbacks at this app
    if (this.env.seedShowcase) await this.seedShowcase(container);
    const port = this.app.getPort?.() || String(this.env.PORT);
    if (this.env.logFormat === 'json') this.logger().info(`[server] listening on ${this.env.HOST}:${port} (${this.env.NODE_ENV}, ${this.env.dbKind})`);
    else if (this.env.NODE_ENV !== 'test')
      printStartBanner(Number(port), this.seeded, this.configService.getConfiguration('webApps') as WebApp[], this.showcase);
  }

  private async seedShowcase(container: IMidwayContainer): Promise<void> {
    // the simulator's control API: in-process one, else the one WECOM_API_BASE points at (tests)
    const simulatorUrl =
      this.simulator?.url ??
      (/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/wecom\/?$/.test(this.env.wecomApiBase) ? this.env.wecomApiBase.replace(/\/wecom\/?$/, '') : null);
    try {
      this.showcase = await (await container.getAsync(ShowcaseService)).seedShowcase({ app: this.app, simulatorUrl });
    } catch (err) {
      // a demo nicety: the product starts without it
      this.logger().error(`[showcase] not completed: ${(err as Error).stack ?? err}`);
    }
  }

  /** Production does not migrate at start: a pending migration means `npm run migrate` was skipped. */
  private async refuseStaleSchema(container: IMidwayContainer): Promise<void> {
    const db = await container.getAsync(Db);
    const pending = await pendingMigrations(db.dataSource);
    if (pending.length)
      throw new Error(
        `the database schema is not up to date (${pending.length} migrations pending: ${pending.slice(0, 3).join(', ')}…): run \`npm run migrate\` once for this deploy, then start the servers`,
      );
  }

  async onStop(container: IMidwayContainer): Promise<void> {
    lifecycle.stopping = true;
    await (await container.getAsync(JobRunner)).stop();
    await (await container.getAsync(EventBus)).stop();
    // background work started by the last deliveries ends before the database closes
    // (the workers' own @Destroy hooks would run only after it closed)
    await (await container.getAsync(InboxWorker)).stop();
    await (await container.getAsync(OutboundWorker)).stop();
    await (await container.getAsync(NoticeService)).idle();
    if (this.simulator) {
      await this.simulator.close();
      this.simulator = null;
    }
  }

  private logger(): ILogger {
    return this.app?.getLogger?.() ?? (console as unknown as ILogger);
  }

  private async startSimulator(): Promise<void> {
    const env = this.env;
    // loaded lazily: production never starts (or even loads) the simulator
    const { startSimulator } = await import('../simulator');
    this.simulator = await startSimulator({
      port: env.SIMULATOR_PORT,
      host: '127.0.0.1',
      wechat: { appId: env.WECHAT_APPID, appSecret: env.WECHAT_APPSECRET },
      wecom: { corpId: env.WECOM_CORP_ID, contactSecret: env.WECOM_CONTACT_SECRET, agentId: env.WECOM_AGENT_ID, agentSecret: env.WECOM_AGENT_SECRET },
      // WeChat Pay face: this process's generated dev keys (cloud/src/config/pay-dev-keys.ts)
      pay: { appid: env.WECHAT_APPID },
    });
    this.app.setAttr('simulatorUrl', this.simulator.url);
    this.logger().info(`[simulator] WeChat/WeCom simulator on ${this.simulator.url}`);
  }

  /** Every contract route should have a handler; say which do not (later features add theirs). */
  private checkContractsBound(): void {
    const bound = new Set(boundRoutes().map((b) => `${b.def.method} ${b.def.path}`));
    const missing = allContractRoutes().filter((r) => !bound.has(`${r.def.method} ${r.def.path}`));
    if (missing.length) this.logger().warn(`[contracts] routes without a handler: ${missing.map((m) => `${m.group}.${m.name}`).join(', ')}`);
  }
}
