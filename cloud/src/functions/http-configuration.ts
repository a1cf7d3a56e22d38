/**
 * Configuration of the HTTP cloud function: the same controllers, contracts, services, entities,
 * migrations and error filter as the long-running server, on @midwayjs/faas instead of koa. The
 * gateway in front of the function terminates TLS, compresses and serves the static pages (OSS/COS
 * static hosting or a CDN), so no static files, no compression and no simulator here; scheduled
 * jobs run from the timer functions (job-functions.ts), not from node-cron.
 */
import 'reflect-metadata';
import { App, Configuration, type ILifeCycle, type IMidwayContainer } from '@midwayjs/core';
import * as faas from '@midwayjs/faas';
import * as typeorm from '@midwayjs/typeorm';
import * as DefaultConfig from '../config/config.default';
import { GlobalErrorFilter } from '../core/error.filter';
import { EventBus } from '../core/events/event-bus';
import { JsonBodyMiddleware } from '../core/json-body.middleware';
import { OpsMiddleware } from '../core/ops.middleware';
import { PrivacyRegistry } from '../core/privacy';
import { TimelineRegistry } from '../core/timeline';
import { InboxWorker } from '../modules/wecom/inbox.worker';
import { OutboundWorker } from '../modules/wecom/outbound.worker';
import { NoticeService } from '../modules/classes/notice.service';
import { FunctionHttpMiddleware } from './http-request.middleware';

@Configuration({
  namespace: 'hub-http-function',
  imports: [faas, typeorm],
  importConfigs: [{ default: DefaultConfig }],
})
export class HttpFunctionConfiguration implements ILifeCycle {
  @App('faas')
  app!: faas.Application;

  async onReady(container: IMidwayContainer): Promise<void> {
    this.app.useMiddleware([FunctionHttpMiddleware, OpsMiddleware, JsonBodyMiddleware] as never);
    this.app.useFilter([GlobalErrorFilter] as never);
    await (await container.getAsync(PrivacyRegistry)).start(container);
    await (await container.getAsync(TimelineRegistry)).start(container);
    await (await container.getAsync(EventBus)).start(container);
  }

  async onStop(container: IMidwayContainer): Promise<void> {
    await (await container.getAsync(EventBus)).stop();
    await (await container.getAsync(InboxWorker)).stop();
    await (await container.getAsync(OutboundWorker)).stop();
    await (await container.getAsync(NoticeService)).idle();
  }
}
