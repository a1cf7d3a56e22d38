/**
 * Timer-triggered cloud functions: each runs one scheduled job through JobRunner.runNow — the very
 * method node-cron calls in the server — so the DB lease keeps a function and a server (or two
 * function instances) from running the same job at once. Before returning, the events the job
 * emitted are delivered and the outbound effects it queued are sent, since a function instance
 * may be frozen right after the invocation.
 *
 * Provider timers are UTC and fire at most once a minute; the schedules below match the server's
 * (Asia/Shanghai) ones: 03:30 Shanghai = 19:30 UTC.
 */
import { Inject, Provide, ServerlessFunction, ServerlessTrigger, ServerlessTriggerType } from '@midwayjs/core';
import { EventBus } from '../core/events/event-bus';
import { JobRunner } from '../core/jobs';
import { OutboundWorker } from '../modules/wecom/outbound.worker';

export interface TimerEvent {
  triggerTime?: string;
  triggerName?: string;
  payload?: string;
}

export interface JobFunctionResult {
  job: string;
  ran: boolean;
  ms: number;
}

@Provide()
export class JobFunctions {
  @Inject()
  runner!: JobRunner;

  @Inject()
  events!: EventBus;

  @Inject()
  outbound!: OutboundWorker;

  private async run(job: string): Promise<JobFunctionResult> {
    const started = Date.now();
    const { ran } = await this.runner.runNow(job);
    await this.events.drain();
    await this.outbound.idle();
    return { job, ran, ms: Date.now() - started };
  }

  @ServerlessFunction({ functionName: 'journeys-evaluate' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 * * * * *' })
  async journeysEvaluate(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('journeys.evaluate');
  }

  @ServerlessFunction({ functionName: 'wecom-inbox' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 * * * * *' })
  async wecomInbox(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('wecom.inbox');
  }

  @ServerlessFunction({ functionName: 'wecom-outbound' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 * * * * *' })
  async wecomOutbound(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('wecom.outbound');
  }

  @ServerlessFunction({ functionName: 'wecom-channel-routing' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 */10 * * * *' })
  async wecomChannelRouting(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('wecom.channel-routing');
  }

  @ServerlessFunction({ functionName: 'wecom-corp-tags' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 15 19 * * *' })
  async wecomCorpTags(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('wecom.corp-tags');
  }

  @ServerlessFunction({ functionName: 'wecom-group-sync' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 40 19 * * *' })
  async wecomGroupSync(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('wecom.group-sync');
  }

  @ServerlessFunction({ functionName: 'community-group-sop' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 * * * * *' })
  async communityGroupSop(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('community.group-sop');
  }

  @ServerlessFunction({ functionName: 'tags-rfm' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 30 19 * * *' })
  async tagsRfm(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('tags.rfm');
  }

  @ServerlessFunction({ functionName: 'contest-close' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 * * * * *' })
  async contestClose(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('contest.close');
  }

  @ServerlessFunction({ functionName: 'contest-vote-events' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 * * * * *' })
  async contestVoteEvents(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('contest.vote-events');
  }

  @ServerlessFunction({ functionName: 'contest-tally-reconcile' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 * * * * *' })
  async contestTallyReconcile(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('contest.tally-reconcile');
  }

  @ServerlessFunction({ functionName: 'classes-reminders' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 * * * * *' })
  async classesReminders(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('classes.reminders');
  }

  @ServerlessFunction({ functionName: 'classes-close-sessions' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 */5 * * * *' })
  async classesCloseSessions(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('classes.close-sessions');
  }

  @ServerlessFunction({ functionName: 'classes-pay-expire' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 */1 * * * *' })
  async classesPayExpire(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('classes.pay-expire');
  }

  @ServerlessFunction({ functionName: 'classes-promote-sweep' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 */2 * * * *' })
  async classesPromoteSweep(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('classes.promote-sweep');
  }

  @ServerlessFunction({ functionName: 'feedback-subscribe' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 */1 * * * *' })
  async feedbackSubscribe(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('feedback.subscribe');
  }

  @ServerlessFunction({ functionName: 'identity-directory-sync' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 40 18 * * *' })
  async identityDirectorySync(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('identity.directory-sync');
  }

  @ServerlessFunction({ functionName: 'preorder-expire' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 * * * * *' })
  async preorderExpire(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('preorder.expire');
  }

  @ServerlessFunction({ functionName: 'payment-reconcile' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 */2 * * * *' })
  async paymentReconcile(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('payment.reconcile');
  }

  @ServerlessFunction({ functionName: 'payment-trade-bill' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 30 10 * * *' })
  async paymentTradeBill(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('payment.trade-bill');
  }

  @ServerlessFunction({ functionName: 'purge-expired-sessions' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 17 * * * *' })
  async purgeExpiredSessions(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('purge-expired-sessions');
  }

  @ServerlessFunction({ functionName: 'contest-vote-ip-retention' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 50 19 * * *' })
  async contestVoteIpRetention(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('contest.vote-ip-retention');
  }

  @ServerlessFunction({ functionName: 'referral-ip-retention' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 55 19 * * *' })
  async referralIpRetention(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('referral.ip-retention');
  }

  @ServerlessFunction({ functionName: 'identity-login-attempts-purge' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 25 * * * *' })
  async identityLoginAttemptsPurge(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('identity.login-attempts-purge');
  }

  @ServerlessFunction({ functionName: 'identity-pii-rekey' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 */10 * * * *' })
  async identityPiiRekey(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('identity.pii-rekey');
  }

  @ServerlessFunction({ functionName: 'purchases-maintain' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 * * * * *' })
  async purchasesMaintain(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('purchases.maintain');
  }

  @ServerlessFunction({ functionName: 'insight-refresh' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 */10 * * * *' })
  async insightRefresh(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('insight.refresh');
  }

  /** 03:50 Shanghai: the ROI board of the last four calendar months, per store and chain-wide. */
  @ServerlessFunction({ functionName: 'insight-roi-months' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 50 19 * * *' })
  async insightRoiMonths(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('insight.roi-months');
  }

  @ServerlessFunction({ functionName: 'wecom-inbox-purge' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 40 19 * * *' })
  async wecomInboxPurge(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('wecom.inbox-purge');
  }

  @ServerlessFunction({ functionName: 'uploads-orphan-sweep' })
  @ServerlessTrigger(ServerlessTriggerType.TIMER, { type: 'cron', value: '0 15 20 * * *' })
  async uploadsOrphanSweep(_event?: TimerEvent): Promise<JobFunctionResult> {
    return this.run('uploads.orphan-sweep');
  }
}
