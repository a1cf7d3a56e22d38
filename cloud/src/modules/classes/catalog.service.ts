/** What members browse: sessions by day range and store with seats left, one session's detail, stores with sessions. */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import type { SessionCard, SessionDetail } from '../../../../contracts/classes';
import { Db, iso } from '../../core/db';
import { AppError } from '../../core/errors';
import { ClassDef } from './entities/class-def.entity';
import { ClassRegistration } from './entities/class-registration.entity';
import { ClassSession } from './entities/class-session.entity';
import { IdentityReads } from '../identity';
import { RegistrationService } from './registration.service';
import { addDays, dayKey, dayStartOfKey, isRealDay } from '../../../../contracts/calendar';
import { registrationOpen, sessionCard } from './views';

@Provide()
@Scope(ScopeEnum.Singleton)
export class CatalogService {
  @Inject()
  db!: Db;

  @Inject()
  lookup!: IdentityReads;

  @Inject()
  registrations!: RegistrationService;

  async browse(memberId: number, q: { from?: string; days: number; storeId?: number; type?: string }, now = new Date()): Promise<{ items: SessionCard[] }> {
    const from = q.from ?? dayKey(now);
    if (!isRealDay(from)) throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'from', message: '日期不存在' }]);
    const start = dayStartOfKey(from);
    const qb = this.db.manager
      .createQueryBuilder(ClassSession, 's')
      .innerJoin(ClassDef, 'c', 'c.id = s.class_id')
      .where("s.status <> 'cancelled' AND s.starts_at >= :start AND s.starts_at < :end", { start, end: addDays(start, q.days) })
      .orderBy('s.startsAt', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .limit(300);
    if (q.storeId) qb.andWhere('s.store_id = :storeId', { storeId: q.storeId });
    if (q.type) qb.andWhere('c.type = :type', { type: q.type });
    return { items: await this.cards(memberId, await qb.getMany(), now) };
  }

  /**
   * For other domains (a recipe's 「报名相关课程」): the class's next scheduled session that still
   * takes registrations, else its next scheduled one; null when nothing is coming.
   */
  async nextSessionOf(classId: number, now = new Date()): Promise<{ id: number; title: string; startsAt: string; registrationOpen: boolean } | null> {
    const em = this.db.manager;
    const c = await em.findOne(ClassDef, { where: { id: classId } });
    if (!c) return null;
    const upcoming = await em
      .createQueryBuilder(ClassSession, 's')
      .where("s.class_id = :classId AND s.status = 'scheduled' AND s.starts_at > :now", { classId, now })
      .orderBy('s.startsAt', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .limit(20)
      .getMany();
    const s = upcoming.find((x) => registrationOpen(x, now)) ?? upcoming[0];
    return s ? { id: s.id, title: c.title, startsAt: iso(s.startsAt)!, registrationOpen: registrationOpen(s, now) } : null;
  }

  async cards(memberId: number, sessions: ClassSession[], now: Date): Promise<SessionCard[]> {
    if (!sessions.length) return [];
    const em = this.db.manager;
    const classIds = [...new Set(sessions.map((s) => s.classId))];
    const classes = new Map((await em.find(ClassDef, { where: { id: In(classIds) } })).map((c) => [c.id, c]));
    const counts = await this.registrations.seriesSizes(classIds);
    const stores = await this.lookup.storeNames(sessions.map((s) => s.storeId));
    const mine = await em.find(ClassRegistration, {
      where: { memberId, sessionId: In(sessions.map((s) => s.id)), status: In(['confirmed', 'waitlisted', 'attended', 'no_show', 'unpaid']) },
      select: { id: true, sessionId: true, status: true, arrivalSeq: true },
    });
    const positions = await this.registrations.waitlistPositions(mine);
    const bySession = new Map(mine.map((r) => [r.sessionId, r]));
    return sessions.map((s) => {
      const c = classes.get(s.classId)!;
      const r = bySession.get(s.id);
      const my = r ? { id: r.id, status: r.status === 'pending' ? ('waitlisted' as const) : r.status, waitlistPosition: positions.get(r.id) ?? null } : null;
      return sessionCard(s, c, stores.get(s.storeId) ?? null, my, now, (counts.get(c.id) ?? 1) > 1);
    });
  }

  async detail(memberId: number, sessionId: number, now = new Date()): Promise<SessionDetail> {
    const s = await this.db.manager.findOne(ClassSession, { where: { id: sessionId } });
    if (!s) throw new AppError('NOT_FOUND');
    const [card] = await this.cards(memberId, [s], now);
    const c = await this.db.manager.findOneOrFail(ClassDef, { where: { id: s.classId } });
    const others = await this.db.manager
      .createQueryBuilder(ClassSession, 'o')
      .where("o.class_id = :classId AND o.id <> :id AND o.status = 'scheduled' AND o.starts_at > :now", { classId: s.classId, id: s.id, now })
      .orderBy('o.startsAt', 'ASC')
      .take(12)
      .getMany();
    return {
      ...card,
      description: c.description,
      otherSessions: others.map((o) => ({
        id: o.id,
        startsAt: iso(o.startsAt),
        adultSeatsLeft: o.adultLeft,
        childSeatsLeft: o.childLeft,
        registrationOpen: registrationOpen(o, now),
      })),
      rules: {
        childrenAllowed: s.childSeats > 0,
        childAgesRequired: c.type === 'family_event',
        maxAdults: Math.min(s.adultSeats, 10),
        maxChildren: Math.min(s.childSeats, 10),
      },
    };
  }

  async stores(now = new Date()) {
    const rows = await this.db.manager
      .createQueryBuilder(ClassSession, 's')
      .select('s.store_id', 'storeId')
      .addSelect('COUNT(*)', 'n')
      .where("s.status = 'scheduled' AND s.starts_at > :now", { now })
      .groupBy('s.store_id')
      .getRawMany<{ storeId: number; n: number | string }>();
    const names = await this.lookup.storeNames(rows.map((r) => Number(r.storeId)));
    return {
      items: rows
        .map((r) => ({ id: Number(r.storeId), name: names.get(Number(r.storeId)) ?? `门店${r.storeId}`, upcomingSessions: Number(r.n) }))
        .sort((a, b) => a.id - b.id),
    };
  }
}
