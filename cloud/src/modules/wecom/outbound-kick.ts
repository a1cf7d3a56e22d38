/**
 * Asks the outbound worker for a pass after a commit. The worker imports no service that enqueues
 * (their senders are registered with @OutboundHandler), so this import is not a cycle.
 */
import { ApplicationContext, type IMidwayContainer, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { OutboundWorker } from './outbound.worker';

@Provide()
@Scope(ScopeEnum.Singleton)
export class OutboundKick {
  @ApplicationContext()
  container!: IMidwayContainer;

  kick(): void {
    this.container
      .getAsync(OutboundWorker)
      .then((w) => w.kick())
      .catch(() => undefined);
  }
}
