/**
 * Asks the outbound worker for a pass after a commit, without the services that enqueue having to
 * depend on the worker (which depends on them for its handlers).
 */
import { ApplicationContext, type IMidwayContainer, Provide, Scope, ScopeEnum } from '@midwayjs/core';

@Provide()
@Scope(ScopeEnum.Singleton)
export class OutboundKick {
  @ApplicationContext()
  container!: IMidwayContainer;

  kick(): void {
    // resolved lazily: outbound.worker imports the services that import this file
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { OutboundWorker } = require('./outbound.worker') as typeof import('./outbound.worker');
    this.container
      .getAsync(OutboundWorker)
      .then((w) => w.kick())
      .catch(() => undefined);
  }
}
