/**
 * After a session ends (plus the check-in grace period) a job closes it: confirmed registrations
 * that never checked in become no-shows, and a member reaching the no-show limit within the
 * window is blocked from registering for the configured number of days. Idempotent: the session
 * flips scheduled -> finished with a conditional UPDATE, and a block is unique per triggering
 * registration.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db, isUniqueViolation } from '../../core/db';
import { EventBus } from '../../core/events/event-bus';
import { ClassBlock } from './entities/class-block.entity';
import { ClassRegistration } from './entities/class-registration.entity';
import { ClassSession } from './entities/class-session.entity';
import './events';
import { RegistrationService } from './registration.service';
import { ClassesSettings } from './settings';
import { addDays, addMinutes } from '../../../../contracts/calendar';

@Provide()
@Scope(ScopeEnum.Singleton)
export class AttendanceService {
  @Inject()
  db!: Db;

  @Inject()
  events!: EventBus;

  @Inject()
  settings!: ClassesSettings;

  /** Close every session whose end + grace has passed; returns how many were closed now. */
  async closeEndedSessions(now: Date, batch = 20): Promise<number> {
    const cutoff = addMinutes(now, -this.settings.config.CLASS_CHECKIN_GRACE_MINUTES);
    let closed = 0;
    for (;;) {
      const due = await this.db.manager
        .createQueryBuilder(ClassSession, 's')
        .select(['s.id'])
        .where("s.status = 'scheduled' AND s.ends_at <= :cutoff", { cutoff })
        .orderBy('s.endsAt', 'ASC')
        .take(batch)
        .getMany();
      for (const s of due) if (await this.closeSession(s.id, now)) closed++;
      if (due.length < batch) return closed;
    }
  }

  private async closeSession(sessionId: number, now: Date): Promise<boolean> {
    const rule = this.settings.noShowRule();
    return this.db.transaction(async (tx) => {
      const flipped = await tx
        .createQueryBuilder()
        .update(ClassSession)
        .set({ status: 'finished', finishedAt: now })
        .where("id = :id AND status = 'scheduled'", { id: sessionId })
        .execute();
      if (!flipped.affected) return false; // another instance closed it
      const session = await tx.findOneOrFail(ClassSession, { where: { id: sessionId } });
      const absent = await tx.find(ClassRegistration, { where: { sessionId, status: 'confirmed' }, select: { id: true, memberId: true } });
      if (!absent.length) return true;
      await tx
        .createQueryBuilder()
        .update(ClassRegistration)
        .set({ status: 'no_show' })
        .where("session_id = :sessionId AND status = 'confirmed'", { sessionId })
        .execute();
      const since = addDays(now, -rule.windowDays);
      for (const r of absent) {
        const count = await tx
          .createQueryBuilder(ClassRegistration, 'r')
          .innerJoin(ClassSession, 's', 's.id = r.session_id')
          .where("r.member_id = :memberId AND r.status = 'no_show' AND s.starts_at >= :since", { memberId: r.memberId, since })
          .getCount();
        let blocked = false;
        if (count >= rule.noShowLimit && rule.blockDays > 0) {
          const active = await tx
            .createQueryBuilder(ClassBlock, 'b')
            .where('b.member_id = :memberId AND b.lifted_at IS NULL AND b.blocked_until > :now', { memberId: r.memberId, now })
            .getCount();
          if (!active) {
            const until = addDays(now, rule.blockDays);
            try {
              await tx.insert(ClassBlock, {
                memberId: r.memberId,
                storeId: session.storeId,
                triggerRegistrationId: r.id,
                reason: RegistrationService.blockReason(count, rule.windowDays, until),
                blockedFrom: now,
                blockedUntil: until,
                liftedAt: null,
                liftedByStaffId: null,
                createdAt: now,
              });
              blocked = true;
            } catch (err) {
              if (!isUniqueViolation(err)) throw err;
            }
          }
        }
        await this.events.emit(tx, 'ClassNoShowRecorded', { registrationId: r.id, sessionId, memberId: r.memberId, blocked });
      }
      return true;
    });
  }
}
