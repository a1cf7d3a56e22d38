/**
 * Subscribe messages for classes: the 24 h and 2 h reminders and the waitlist-promotion notice.
 *
 * Exactly-once shape: a class_notice row (unique per registration and kind) is the send record and
 * is written BEFORE the send — by the reminders job, or inside the promotion's own transaction.
 * A sender then claims it (core/queue claimRow: a conditional UPDATE pending -> sending) and the
 * claim commits before the API call; only the claimer sends, and a claimed row is never sent again
 * (NOTICE_QUEUE has no lease). A crash between claim and
 * result leaves it 'sending' (at most once, as WeChat's one-accept-one-message rule wants).
 */
import { Config, Destroy, ILogger, Inject, Logger, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { EntityManager, In } from 'typeorm';
import { CLASS_NOTICE_PAGE, type NoticeKind } from '../../../../contracts/classes';
import type { AppEnv } from '../../config/env';
import { Db, isUniqueViolation } from '../../core/db';
import { OnEvent } from '../../core/events/event-bus';
import { claimRow, dueRows, settleRow } from '../../core/queue/claimable';
import { WorkRunner } from '../../core/queue/runner';
import type { DeliveredEvent } from '../../core/events/types';
import { WECHAT_CLIENT, type WechatClient } from '../../platform/types';
import { miniprogramStateFor, sendSubscribeOnce, subscribeThing } from '../../platform/subscribe-send';
import { ClassDef } from './entities/class-def.entity';
import { ClassNotice, NOTICE_QUEUE } from './entities/class-notice.entity';
import { ClassRegistration } from './entities/class-registration.entity';
import { ClassSession } from './entities/class-session.entity';
import './events';
import { IdentityReads } from '../identity';
import { ClassesSettings } from './settings';
import { addMinutes, formatDateTime } from '../../../../contracts/calendar';

const thing = subscribeThing;

@Provide()
@Scope(ScopeEnum.Singleton)
export class NoticeService {
  @Inject()
  db!: Db;

  @Inject(WECHAT_CLIENT)
  wechat!: WechatClient;

  @Inject()
  lookup!: IdentityReads;

  @Inject()
  settings!: ClassesSettings;

  @Config('hub')
  env!: AppEnv;

  @Logger()
  logger!: ILogger;

  /** Send passes: kicks while one is queued merge; a kick during a pass runs it once more. */
  private readonly runner = new WorkRunner<'send'>({
    name: 'class notices',
    lanes: { send: { priority: 0, concurrency: 1 } },
    // the logger is gone once the app stopped; the error must not escape either way
    onError: (err) => (this.logger ?? console).error('[classes] notice sending failed: %s', (err as Error).stack ?? err),
  });

  templateFor(kind: NoticeKind): string {
    const t = this.settings.templates();
    return kind === 'reminder_24h' ? t.reminder24h : kind === 'reminder_2h' ? t.reminder2h : t.promoted;
  }

  /** Write the send record (in the caller's transaction); a second one for the same kind is ignored. */
  async queue(em: EntityManager, registrationId: number, kind: NoticeKind, now: Date): Promise<boolean> {
    try {
      await em.insert(ClassNotice, {
        registrationId,
        kind,
        status: 'pending',
        templateId: this.templateFor(kind),
        attempts: 0,
        // due at once: the wall clock, not `now` (a job's clock decides relevance, not whether to send)
        nextAttemptAt: new Date(),
        lockedUntil: null,
        lastError: null,
        createdAt: now,
        updatedAt: now,
        sentAt: null,
      });
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /** The promotion committed (outbox): send its notice right after this delivery commits. */
  @OnEvent('ClassRegistrationPromoted')
  async onPromoted(_event: DeliveredEvent<'ClassRegistrationPromoted'>, em: EntityManager): Promise<void> {
    // not awaited inside the hook: on SQLite a new transaction there would wait for this one
    this.db.afterCommit(em, () => {
      this.kick();
    });
  }

  /** Start a send pass in the background. */
  kick(): void {
    // a turn later: the kick comes from an after-commit hook, whose connection is not free yet on SQLite
    this.runner.kick('send', 'pending', () => new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.sendPending()));
  }

  /** Resolves when background send passes started so far are done (tests, shutdown). */
  async idle(): Promise<void> {
    await this.runner.idle();
  }

  @Destroy()
  async stop(): Promise<void> {
    await this.runner.stop();
  }

  /**
   * Queue the reminders that are due: 24 h before start (unless already inside the last 2 h) and
   * 2 h before start, for confirmed registrations whose member accepted that template.
   */
  async queueDueReminders(now: Date): Promise<number> {
    let queued = 0;
    const windows: Array<{ kind: NoticeKind; flag: string; within: number; notWithin: number | null }> = [
      { kind: 'reminder_24h', flag: 'sub_24h', within: 24 * 60, notWithin: 2 * 60 },
      { kind: 'reminder_2h', flag: 'sub_2h', within: 2 * 60, notWithin: null },
    ];
    for (const w of windows) {
      const qb = this.db.manager
        .createQueryBuilder(ClassRegistration, 'r')
        .innerJoin(ClassSession, 's', 's.id = r.session_id')
        .select('r.id', 'id')
        .where(`r.status = 'confirmed' AND r.${w.flag} = 1 AND s.status = 'scheduled'`)
        .andWhere('s.starts_at > :now AND s.starts_at <= :until', { now, until: addMinutes(now, w.within) })
        .andWhere('NOT EXISTS (SELECT 1 FROM class_notice n WHERE n.registration_id = r.id AND n.kind = :kind)', { kind: w.kind })
        .orderBy('r.id', 'ASC')
        .limit(500);
      if (w.notWithin !== null) qb.andWhere('s.starts_at > :floor', { floor: addMinutes(now, w.notWithin) });
      const rows = await qb.getRawMany<{ id: number }>();
      for (const row of rows) if (await this.queue(this.db.manager, Number(row.id), w.kind, now)) queued++;
    }
    return queued;
  }

  /** Claim and send pending notices (oldest first). */
  async sendPending(limit = 200, now?: Date): Promise<{ sent: number; other: number }> {
    const pending = await dueRows(this.db.manager, NOTICE_QUEUE, { now: new Date(), limit });
    let sent = 0;
    let other = 0;
    for (const n of pending) {
      const outcome = await this.sendOne(n, now ?? new Date());
      if (outcome === 'sent') sent++;
      else if (outcome !== 'lost') other++;
    }
    return { sent, other };
  }

  private async sendOne(n: ClassNotice, now: Date): Promise<'sent' | 'lost' | 'refused' | 'failed' | 'skipped'> {
    // the claim commits before the API call: only the claimer sends, and never again (no lease)
    if (!(await claimRow(this.db.manager, NOTICE_QUEUE, n, { now: new Date(), set: { updatedAt: new Date() } }))) return 'lost'; // another sender has it
    const finish = (status: 'sent' | 'refused' | 'failed' | 'skipped', error: string | null) =>
      settleRow(this.db.manager, NOTICE_QUEUE, n.id, n.attempts + 1, {
        status,
        lastError: error?.slice(0, 500) ?? null,
        updatedAt: new Date(),
        sentAt: status === 'sent' ? new Date() : null,
      }).then(() => status);

    const reg = await this.db.manager.findOne(ClassRegistration, { where: { id: n.registrationId } });
    const session = reg ? await this.db.manager.findOne(ClassSession, { where: { id: reg.sessionId } }) : null;
    const cls = session ? await this.db.manager.findOne(ClassDef, { where: { id: session.classId } }) : null;
    if (!reg || !session || !cls) return finish('skipped', 'registration gone');
    if (reg.status !== 'confirmed' || session.status !== 'scheduled' || new Date(session.startsAt) <= now) {
      return finish('skipped', `no longer relevant (${reg.status}/${session.status})`);
    }
    const member = (await this.lookup.memberFacts([reg.memberId])).get(reg.memberId);
    if (!member?.openid) return finish('skipped', 'member has no openid');
    const place = [(await this.lookup.storeNames([session.storeId])).get(session.storeId), cls.room].filter(Boolean).join(' ');
    const note = n.kind === 'promoted' ? '候补成功，已为你保留名额' : n.kind === 'reminder_24h' ? '活动明天开始，记得准时到场' : '活动2小时后开始，请准时到场';
    const outcome = await sendSubscribeOnce(this.wechat, {
      touser: member.openid,
      templateId: n.templateId,
      page: `${CLASS_NOTICE_PAGE}?registrationId=${reg.id}`,
      data: {
        thing1: { value: thing(cls.title) },
        time2: { value: formatDateTime(new Date(session.startsAt)) },
        thing3: { value: thing(place || '门店') },
        thing4: { value: thing(note) },
      },
      miniprogramState: miniprogramStateFor(this.env.NODE_ENV),
    });
    if (outcome.status === 'failed') this.logger.warn('[classes] notice %d failed: %s', n.id, outcome.error);
    return finish(outcome.status, outcome.error);
  }

  /** Notices of some registrations (roster view). */
  async forRegistrations(ids: number[]): Promise<ClassNotice[]> {
    if (!ids.length) return [];
    return this.db.manager.find(ClassNotice, { where: { registrationId: In(ids) }, order: { id: 'ASC' } });
  }
}
