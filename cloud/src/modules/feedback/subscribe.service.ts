/**
 * Feedback's subscribe messages (WeChat `subscribe/send`, through platform/subscribe-send.ts like
 * the classes' reminders):
 *  - 「评价提醒」 after a class (once it ended), a pickup or a receipt, opening the one-tap rating;
 *  - 「反馈回复通知」 when the store answers the member's feedback, opening 我的反馈.
 *
 * Only for members who accepted the template in wx.requestSubscribeMessage: each accept is one
 * message (`feedback_subscription.credits`), spent in the same transaction that writes the message
 * row (unique per kind and moment: a redelivered event spends nothing twice). A sender claims a due
 * row pending → sending (committed) before the call, so a message goes out at most once.
 */
import { Config, Destroy, ILogger, Init, Inject, Logger, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager } from 'typeorm';
import { z } from 'zod';
import type { AppEnv } from '../../config/env';
import { Db, isUniqueViolation } from '../../core/db';
import { Job, JobContext } from '../../core/jobs';
import { claimRow, dueRows, settleRow } from '../../core/queue/claimable';
import { WorkRunner } from '../../core/queue/runner';
import { miniprogramStateFor, sendSubscribeOnce, subscribeThing } from '../../platform/subscribe-send';
import { WECHAT_CLIENT, type WechatClient } from '../../platform/types';
import { IdentityReads } from '../identity';
import { FEEDBACK_NOTICE_QUEUE, FeedbackNotice, FeedbackSubscription, type FeedbackNoticeKind } from './entities/feedback.entity';
import { formatDateTime } from '../../../../contracts/calendar';

const Settings = z.object({
  /** Template ids from the mini-program console (the defaults work with the simulator). */
  FEEDBACK_TEMPLATE_RATING: z.string().min(1).max(64).default('tmpl_feedback_rating'),
  FEEDBACK_TEMPLATE_ANSWER: z.string().min(1).max(64).default('tmpl_feedback_answer'),
});
/** Accepts banked per template (WeChat keeps counting; a cap keeps a stuck client from inflating it). */
const MAX_CREDITS = 50;
/** 'YYYY-MM-DD HH:mm' in Beijing time (the template's time field). */
export const beijingDateTime = (at: Date) => formatDateTime(at);

export interface NoticeInput {
  memberId: number;
  kind: FeedbackNoticeKind;
  /** The moment (prompt, class registration, answer): one message per kind and moment. */
  sourceKey: string;
  page: string;
  fields: string[];
  dueAt: Date;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class FeedbackSubscribe {
  @Inject()
  db!: Db;

  @Inject(WECHAT_CLIENT)
  wechat!: WechatClient;

  @Inject()
  identity!: IdentityReads;

  @Config('hub')
  env!: AppEnv;

  @Logger()
  logger!: ILogger;

  private config!: z.infer<typeof Settings>;
  /** Send passes (core/queue): kicks while one is queued merge; a kick during a pass runs it once more. */
  private readonly runner = new WorkRunner<'send'>({
    name: 'feedback subscribe messages',
    lanes: { send: { priority: 0, concurrency: 1 } },
    // the logger is gone once the app stopped; the error must not escape either way
    onError: (err) => (this.logger ?? console).error('[feedback] subscribe sending failed: %s', (err as Error).stack ?? err),
  });

  @Init()
  init(): void {
    const parsed = Settings.safeParse(process.env);
    if (!parsed.success) throw new Error(`Invalid feedback configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    this.config = parsed.data;
  }

  templates(): { rating: string; answer: string } {
    return { rating: this.config.FEEDBACK_TEMPLATE_RATING, answer: this.config.FEEDBACK_TEMPLATE_ANSWER };
  }

  async credits(memberId: number, em: EntityManager = this.db.manager): Promise<{ rating: number; answer: number }> {
    const rows = await em.find(FeedbackSubscription, { where: { memberId } });
    const of = (k: FeedbackNoticeKind) => rows.find((r) => r.kind === k)?.credits ?? 0;
    return { rating: of('rating'), answer: of('answer') };
  }

  /** The member tapped 「允许」 for these templates: one more message each. */
  async accept(memberId: number, accepts: { rating: boolean; answer: boolean }, now = new Date()): Promise<{ rating: number; answer: number }> {
    return this.db.transaction(async (em) => {
      for (const kind of (['rating', 'answer'] as const).filter((k) => accepts[k])) {
        const r = await em
          .createQueryBuilder()
          .update(FeedbackSubscription)
          .set({ credits: () => `CASE WHEN credits < ${MAX_CREDITS} THEN credits + 1 ELSE credits END`, updatedAt: now })
          .where('member_id = :memberId AND kind = :kind', { memberId, kind })
          .execute();
        if (r.affected) continue;
        try {
          await em.insert(FeedbackSubscription, { memberId, kind, credits: 1, updatedAt: now });
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          await em.update(FeedbackSubscription, { memberId, kind }, { credits: () => 'credits + 1', updatedAt: now });
        }
      }
      return this.credits(memberId, em);
    });
  }

  /**
   * Write the message in the caller's transaction when the member has an accept left for it (spent
   * here). False when not accepted or already written for this moment.
   */
  async queue(em: EntityManager, n: NoticeInput, now = new Date()): Promise<boolean> {
    const spent = await em
      .createQueryBuilder()
      .update(FeedbackSubscription)
      .set({ credits: () => 'credits - 1', updatedAt: now })
      .where('member_id = :memberId AND kind = :kind AND credits > 0', { memberId: n.memberId, kind: n.kind })
      .execute();
    if (!spent.affected) return false;
    const keys = n.kind === 'rating' ? ['thing1', 'time2', 'thing3'] : ['thing1', 'thing2', 'time3'];
    const data = Object.fromEntries(keys.map((k, i) => [k, { value: k.startsWith('thing') ? subscribeThing(n.fields[i] ?? '') : (n.fields[i] ?? '') }]));
    try {
      await em.insert(FeedbackNotice, {
        kind: n.kind,
        sourceKey: n.sourceKey.slice(0, 80),
        memberId: n.memberId,
        templateId: this.templates()[n.kind],
        page: n.page.slice(0, 255),
        data,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: n.dueAt,
        lockedUntil: null,
        lastError: null,
        createdAt: now,
        sentAt: null,
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // this moment has its message already: give the accept back
      await em.update(FeedbackSubscription, { memberId: n.memberId, kind: n.kind }, { credits: () => 'credits + 1' });
      return false;
    }
    if (n.dueAt.getTime() <= now.getTime()) this.db.afterCommit(em, () => this.kick());
    return true;
  }

  /** Start a send pass in the background (after a commit). */
  kick(): void {
    // a turn later: the kick comes from an after-commit hook, whose connection is not free yet on SQLite
    this.runner.kick('send', 'due', () => new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.sendDue()));
  }

  /** Resolves when the background passes started so far are done (tests, shutdown). */
  async idle(): Promise<void> {
    await this.runner.idle();
  }

  @Destroy()
  async stop(): Promise<void> {
    await this.runner.stop();
  }

  /** Claim and send the due messages, oldest first. */
  async sendDue(now = new Date(), limit = 200): Promise<{ sent: number; other: number }> {
    const due = await dueRows(this.db.manager, FEEDBACK_NOTICE_QUEUE, { now, limit });
    let sent = 0;
    let other = 0;
    for (const n of due) {
      if (!(await claimRow(this.db.manager, FEEDBACK_NOTICE_QUEUE, n, { now }))) continue; // another sender has it
      const finish = (status: FeedbackNotice['status'], error: string | null) =>
        settleRow(this.db.manager, FEEDBACK_NOTICE_QUEUE, n.id, n.attempts + 1, {
          status,
          lastError: error?.slice(0, 500) ?? null,
          sentAt: status === 'sent' ? new Date() : null,
        });
      const openid = await this.identity.openid(n.memberId);
      if (!openid) {
        await finish('skipped', 'member gone');
        other++;
        continue;
      }
      const outcome = await sendSubscribeOnce(this.wechat, {
        touser: openid,
        templateId: n.templateId,
        page: n.page,
        data: n.data,
        miniprogramState: miniprogramStateFor(this.env?.NODE_ENV),
      });
      if (outcome.status === 'failed') this.logger?.warn('[feedback] subscribe message %d failed: %s', n.id, outcome.error);
      await finish(outcome.status, outcome.error);
      if (outcome.status === 'sent') sent++;
      else other++;
    }
    return { sent, other };
  }

  async memberDeleted(em: EntityManager, memberId: number): Promise<void> {
    await em.delete(FeedbackSubscription, { memberId });
    await em.delete(FeedbackNotice, { memberId });
  }
}

/** Sends rating prompts that became due (a class's end) and whatever a crash left pending. */
@Provide()
@Scope(ScopeEnum.Singleton)
export class FeedbackSubscribeJob {
  @Inject()
  subscribe!: FeedbackSubscribe;

  @Job({ name: 'feedback.subscribe', cron: '*/1 * * * *', leaseSeconds: 120 })
  async run(ctx: JobContext): Promise<void> {
    await this.subscribe.sendDue(ctx.now(), 500);
  }
}
