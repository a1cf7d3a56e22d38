/**
 * The classes side of the member timeline (registered, waitlisted, promoted, checked in, no-show,
 * cancelled, rated) and the facts the sidebar's offers need (upcoming bookings with waitlist
 * positions, the latest no-show), from this module's own tables.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import { Db } from '../../core/db';
import { MemberFacts, type MemberFactSet, MemberTimeline, type TimelineItem } from '../../core/timeline';
import { ClassDef } from './entities/class-def.entity';
import { ClassRegistration } from './entities/class-registration.entity';
import { ClassSession } from './entities/class-session.entity';
import { RegistrationService } from './registration.service';
import { formatMonthDayTime } from '../../../../contracts/calendar';

/** A member's registrations worth looking at for facts (recent ones; older ones cannot be upcoming). */
const FACT_ROWS = 200;

/** 「12月3日 14:00」 in Asia/Shanghai (UTC+8, no DST). */
function shanghaiShort(d: Date): string {
  return formatMonthDayTime(d);
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassesTimeline {
  @Inject()
  db!: Db;

  @Inject()
  registrations!: RegistrationService;

  private async sessionsOf(regs: ClassRegistration[]): Promise<Map<number, { session: ClassSession; title: string }>> {
    if (!regs.length) return new Map();
    const sessions = await this.db.manager.find(ClassSession, { where: { id: In([...new Set(regs.map((r) => r.sessionId))]) } });
    const classIds = [...new Set(sessions.map((s) => s.classId))];
    const titles = new Map(
      classIds.length
        ? (await this.db.manager.find(ClassDef, { where: { id: In(classIds) }, select: { id: true, title: true } })).map((c) => [c.id, c.title])
        : [],
    );
    return new Map(sessions.map((s) => [s.id, { session: s, title: titles.get(s.classId) ?? '活动' }]));
  }

  @MemberTimeline('classes')
  async timelineFor(memberId: number, limit: number): Promise<TimelineItem[]> {
    // pending rows are half-made registrations (seat not yet taken): not something the member did
    const regs = await this.db.manager.find(ClassRegistration, {
      where: { memberId, status: In(['confirmed', 'waitlisted', 'cancelled', 'attended', 'no_show']) },
      order: { id: 'DESC' },
      take: limit,
    });
    const sessions = await this.sessionsOf(regs);
    const out: TimelineItem[] = [];
    for (const r of regs) {
      const s = sessions.get(r.sessionId);
      if (!s) continue;
      const name = `「${s.title}」（${shanghaiShort(s.session.startsAt)}）`;
      const waitlistedFirst = r.status === 'waitlisted' || r.promotedAt !== null;
      out.push(
        waitlistedFirst
          ? { at: r.createdAt, kind: 'class_waitlisted', text: `候补报名${name}` }
          : { at: r.createdAt, kind: 'class_registered', text: `报名${name}` },
      );
      if (r.promotedAt) out.push({ at: r.promotedAt, kind: 'class_promoted', text: `候补转正，已报上${name}` });
      if (r.checkedInAt) out.push({ at: r.checkedInAt, kind: 'class_checked_in', text: `到店签到${name}` });
      if (r.status === 'no_show') out.push({ at: s.session.endsAt, kind: 'class_no_show', text: `未到场${name}` });
      if (r.status === 'cancelled' && r.cancelledAt) {
        out.push({ at: r.cancelledAt, kind: 'class_cancelled', text: r.cancelledBy === 'ops' ? `${name}已被门店取消` : `取消报名${name}` });
      }
      if (r.ratedAt && r.stars) out.push({ at: r.ratedAt, kind: 'class_rated', text: `评价${name}：${r.stars}星` });
    }
    return out;
  }

  @MemberFacts('classes')
  async factsFor(memberId: number, now: Date): Promise<Partial<MemberFactSet>> {
    const regs = await this.db.manager.find(ClassRegistration, {
      where: { memberId, status: In(['confirmed', 'waitlisted', 'attended', 'no_show']) },
      select: { id: true, sessionId: true, status: true, arrivalSeq: true, createdAt: true, checkedInAt: true, ratedAt: true },
      order: { id: 'DESC' },
      take: FACT_ROWS,
    });
    const sessions = await this.sessionsOf(regs);
    const upcoming = regs.filter((r) => {
      const s = sessions.get(r.sessionId)?.session;
      return (r.status === 'confirmed' || r.status === 'waitlisted') && s?.status === 'scheduled' && s.startsAt > now;
    });
    const positions = await this.registrations.waitlistPositions(upcoming);
    let lastNoShow: MemberFactSet['lastNoShow'] = null;
    for (const r of regs) {
      const s = sessions.get(r.sessionId);
      if (r.status === 'no_show' && s && (!lastNoShow || s.session.startsAt > lastNoShow.startsAt))
        lastNoShow = { title: s.title, startsAt: s.session.startsAt };
    }
    return {
      upcomingClasses: upcoming
        .map((r) => {
          const s = sessions.get(r.sessionId)!;
          return {
            title: s.title,
            startsAt: s.session.startsAt,
            status: r.status as 'confirmed' | 'waitlisted',
            waitlistPosition: positions.get(r.id) ?? null,
          };
        })
        .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()),
      lastNoShow,
      activeAt: regs.flatMap((r) => [r.createdAt, r.checkedInAt, r.ratedAt]).filter((d): d is Date => !!d),
    };
  }
}
