/**
 * WeCom engine jobs. The inbox and outbound jobs are safety nets: new rows are processed in-process
 * right after their commit; these pick up what a crash or a failed attempt left behind.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Job, type JobContext } from '../../../core/jobs';
import { CorpTagService, RFM_TAG_GROUP, RFM_TIERS } from '../../tags';
import { CallbackService } from '../callback.service';
import { ChannelService } from '../channel.service';
import { WecomGroupSync } from '../group-sync.service';
import { InboxWorker } from '../inbox.worker';
import { OutboundWorker } from '../outbound.worker';

@Provide()
@Scope(ScopeEnum.Singleton)
export class WecomJobs {
  @Inject()
  inbox!: InboxWorker;

  @Inject()
  outbound!: OutboundWorker;

  @Inject()
  channels!: ChannelService;

  @Inject()
  corpTags!: CorpTagService;

  @Inject()
  groupSync!: WecomGroupSync;

  @Inject()
  callbacks!: CallbackService;

  /** Processed callbacks (and their dedupe keys) past the retention window. */
  @Job({ name: 'wecom.inbox-purge', cron: '40 3 * * *', leaseSeconds: 300 })
  async inboxPurgeJob(ctx: JobContext): Promise<number> {
    return this.callbacks.purgeProcessed(ctx.now());
  }

  @Job({ name: 'wecom.inbox', cron: '*/5 * * * * *', leaseSeconds: 120 })
  async inboxJob(ctx: JobContext): Promise<void> {
    await this.inbox.poll(ctx.now());
  }

  @Job({ name: 'wecom.outbound', cron: '*/5 * * * * *', leaseSeconds: 300 })
  async outboundJob(ctx: JobContext): Promise<void> {
    // a few seconds per run: the next run (5 s later) continues a backlog
    await this.outbound.drain(ctx.now(), 50, 4_000);
  }

  /** Back to the primary staff after midnight, and catch up on caps reached elsewhere. */
  @Job({ name: 'wecom.channel-routing', cron: '*/10 * * * *' })
  async routingJob(ctx: JobContext): Promise<void> {
    await this.channels.rebalanceAll(ctx.now());
  }

  @Job({ name: 'wecom.corp-tags', cron: '15 3 * * *', leaseSeconds: 600 })
  async corpTagsJob(ctx: JobContext): Promise<void> {
    await this.corpTags.syncBothWays(
      RFM_TIERS.map((name) => ({ group: RFM_TAG_GROUP, name })),
      ctx.now(),
    );
  }

  /** Customer groups: a full pass over groupchat/list catches whatever callbacks were missed. */
  @Job({ name: 'wecom.group-sync', cron: '40 3 * * *', leaseSeconds: 1800 })
  async groupSyncJob(ctx: JobContext): Promise<void> {
    await this.groupSync.syncAll(ctx.now());
  }
}
