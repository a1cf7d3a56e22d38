/**
 * Configuration of the cloud-function (FaaS) entry: the same services, entities, migrations and
 * settings as the long-running server, but no koa, no web apps, no simulator and no node-cron —
 * the provider's timer triggers call the jobs instead (job-functions.ts), under the same DB leases.
 */
import 'reflect-metadata';
import { Configuration, type ILifeCycle, type IMidwayContainer } from '@midwayjs/core';
import * as faas from '@midwayjs/faas';
import * as typeorm from '@midwayjs/typeorm';
import * as DefaultConfig from '../config/config.default';
import { EventBus } from '../core/events/event-bus';
import { PrivacyRegistry } from '../core/privacy';

@Configuration({
  namespace: 'hub-functions',
  imports: [faas, typeorm],
  importConfigs: [{ default: DefaultConfig }],
})
export class FunctionsConfiguration implements ILifeCycle {
  async onReady(container: IMidwayContainer): Promise<void> {
    await (await container.getAsync(PrivacyRegistry)).start(container);
    // deliver events emitted by the jobs (handlers wired exactly like in the server)
    await (await container.getAsync(EventBus)).start(container);
  }

  async onStop(container: IMidwayContainer): Promise<void> {
    await (await container.getAsync(EventBus)).stop();
  }
}
