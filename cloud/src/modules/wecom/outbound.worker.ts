/**
 * The Midway side of the outbound queue: builds the processor with the handlers of every kind and
 * runs it when kicked after a commit (in-process) and from the `wecom.outbound` job.
 */
import { ApplicationContext, Destroy, Init, Inject, type IMidwayContainer, Logger, type ILogger, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db } from '../../core/db';
import { WecomContactApi } from '../../platform/wecom-externalcontact';
import { WecomAppMessageApi } from '../../platform/wecom-message';
import { outboundHandlerMarks } from '../../core/outbound-handlers';
import { APP_MESSAGE_KIND, appMessageHandler } from './app-message.handler';
import { groupMsgTemplateHandler } from './group-msg-template.handler';
import { msgTemplateHandler, type MsgTemplatePayload } from './msg-template.handler';
import { OutboundProcessor, type OutboundHooks, type OutboundSender, type RunResult } from './outbound';
import { EventBus } from '../../core/events/event-bus';
import { WorkRunner } from '../../core/queue/runner';
import './events';

@Provide()
@Scope(ScopeEnum.Singleton)
export class OutboundWorker {
  @Inject()
  db!: Db;

  @Inject()
  api!: WecomContactApi;

  @Inject()
  appMessages!: WecomAppMessageApi;

  @ApplicationContext()
  container!: IMidwayContainer;

  /** Senders other providers registered with @OutboundHandler(kind). */
  private registered: Record<string, OutboundSender> = {};

  @Init()
  async resolveHandlers(): Promise<void> {
    for (const m of outboundHandlerMarks()) {
      const provider = (await this.container.getAsync(m.target)) as Record<string, () => OutboundSender>;
      this.registered[m.kind] = provider[m.method]();
    }
  }

  @Inject()
  events!: EventBus;

  @Logger()
  logger!: ILogger;

  /** Tests: inject a crash between the platform call and the record. */
  hooks: OutboundHooks = {};
  /** Tests and the FaaS entry turn the in-process kick off to drive the worker explicitly. */
  autoKick = true;

  private processorInstance?: OutboundProcessor;
  private stopping = false;
  private readonly runner = new WorkRunner<'send'>({
    name: 'outbound',
    lanes: { send: { priority: 0, concurrency: 1 } },
    onError: (err) => this.logger?.warn('[outbound] pass failed: %s', (err as Error).message),
  });

  get processor(): OutboundProcessor {
    this.processorInstance ??= new OutboundProcessor({
      manager: () => this.db.manager,
      handlers: {
        ...this.registered,
        msg_template: this.announcingMessages(msgTemplateHandler(() => this.api)),
        group_msg_template: groupMsgTemplateHandler(() => this.api),
        [APP_MESSAGE_KIND]: appMessageHandler(() => this.appMessages),
      },
      hooks: { afterSend: (row, res) => this.hooks.afterSend?.(row, res) },
      concurrency: 8,
      log: (m) => this.logger?.warn(m),
    });
    return this.processorInstance;
  }

  /**
   * After WeCom took a private message: one CustomerMessaged per customer it reaches (the feedback
   * module's "messages without a response" signal). Best effort after the record: a crash in
   * between loses the signal, never the message.
   */
  private announcingMessages(h: OutboundSender<MsgTemplatePayload>): OutboundSender<MsgTemplatePayload> {
    return {
      ...h,
      after: async (payload, result, row) => {
        await h.after?.(payload, result, row);
        const failed = new Set(((result as { failList?: string[] } | null)?.failList ?? []).map(String));
        const reached = payload.externalUserIds.filter((id) => !failed.has(id));
        if (!reached.length) return;
        const at = new Date().toISOString();
        await this.db.transaction((em) =>
          this.events.emitMany(
            em,
            'CustomerMessaged',
            reached.map((externalUserId) => ({ externalUserId, staffUserId: payload.sender, outboundId: row.id, ref: row.ref, at })),
          ),
        );
      },
    };
  }

  /**
   * Send everything due now, in batches, until nothing is left (or `budgetMs` has passed: the job
   * runs every few seconds, and a run that holds on through a large backlog holds the shutdown too).
   */
  async drain(now?: Date, maxBatches = 50, budgetMs = Infinity): Promise<RunResult> {
    const total: RunResult = { sent: 0, reconciled: 0, failed: 0, retry: 0, cancelled: 0 };
    const until = Date.now() + budgetMs;
    for (let i = 0; i < maxBatches && !this.stopping && Date.now() < until; i++) {
      const r = await this.processor.runOnce({ limit: 100, now });
      (Object.keys(total) as Array<keyof RunResult>).forEach((k) => (total[k] += r[k]));
      if (r.sent + r.reconciled + r.failed + r.retry + r.cancelled === 0) break;
    }
    return total;
  }

  /** Coalesced background pass after a commit (the work runner merges kicks). */
  kick(): void {
    if (!this.autoKick) return;
    this.runner.kick('send', 'drain', () => this.drain());
  }

  async idle(): Promise<void> {
    await this.runner.idle();
  }

  /** Shutdown: no new passes; the current one ends after its batch (rows left are sent by the next instance). */
  @Destroy()
  async stop(): Promise<void> {
    this.autoKick = false;
    this.stopping = true;
    await this.runner.stop();
  }
}
