/**
 * Scheduled work of the classes domain (node-cron through core/jobs, one lease per job):
 * - classes.reminders: queue the due 24 h / 2 h reminders, then send every pending notice;
 * - classes.close-sessions: record no-shows (and blocks) once sessions have ended;
 * - classes.pay-expire: unpaid seats of paid classes past their payment window go back (once);
 * - classes.promote-sweep: promote waiting households wherever seats are free (catches a
 *   promotion that a crash interrupted between a cancellation and its promotion step).
 * Each run is idempotent and works in small batches; ctx.now() is the clock.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Job, JobContext } from '../../../core/jobs';
import { Db } from '../../../core/db';
import { AttendanceService } from '../attendance.service';
import { ClassSession } from '../entities/class-session.entity';
import { NoticeService } from '../notice.service';
import { ClassPaymentService } from '../payment.service';
import { RegistrationService } from '../registration.service';

@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassReminderJob {
  @Inject()
  notices!: NoticeService;

  @Job({ name: 'classes.reminders', cron: '*/1 * * * *', leaseSeconds: 120 })
  async run(ctx: JobContext): Promise<void> {
    const now = ctx.now();
    await this.notices.queueDueReminders(now);
    await this.notices.sendPending(500, now);
  }
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassCloseSessionsJob {
  @Inject()
  attendance!: AttendanceService;

  @Job({ name: 'classes.close-sessions', cron: '*/5 * * * *', leaseSeconds: 300 })
  async run(ctx: JobContext): Promise<void> {
    await this.attendance.closeEndedSessions(ctx.now());
  }
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassPromoteSweepJob {
  @Inject()
  db!: Db;

  @Inject()
  registrations!: RegistrationService;

  @Job({ name: 'classes.promote-sweep', cron: '*/2 * * * *', leaseSeconds: 120 })
  async run(ctx: JobContext): Promise<void> {
    const now = ctx.now();
    const sessions = await this.db.manager
      .createQueryBuilder(ClassSession, 's')
      .select(['s.id'])
      .where("s.status = 'scheduled' AND s.starts_at > :now AND s.waiting_count > 0 AND (s.adult_left > 0 OR s.child_left > 0)", { now })
      .orderBy('s.startsAt', 'ASC')
      .take(200)
      .getMany();
    for (const s of sessions) await this.registrations.promote(s.id, now);
  }
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassPayExpireJob {
  @Inject()
  pay!: ClassPaymentService;

  @Inject()
  registrations!: RegistrationService;

  @Job({ name: 'classes.pay-expire', cron: '*/1 * * * *', leaseSeconds: 120 })
  async run(ctx: JobContext): Promise<void> {
    const now = ctx.now();
    for (const sessionId of await this.pay.expireUnpaid(now)) await this.registrations.promote(sessionId, now);
  }
}
