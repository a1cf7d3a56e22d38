/**
 * Class reports for staff: one class's figures (attendance, no-shows, ratings) and the members'
 * feedback list.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { ClassStats, FeedbackItem } from '../../../../contracts/classes';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso } from '../../core/db';
import { ClassDef } from './entities/class-def.entity';
import { ClassRegistration } from './entities/class-registration.entity';
import { ClassSession } from './entities/class-session.entity';
import './events';
import { IdentityReads } from '../identity';
import { toDate } from './registration.service';
import { emptyCounts, mean } from './views';
import { ClassStaffScope } from './admin-scope';

@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassReportsService {
  @Inject()
  db!: Db;

  @Inject()
  scope!: ClassStaffScope;

  @Inject()
  lookup!: IdentityReads;

  async stats(staff: StaffPrincipal, classId: number): Promise<ClassStats> {
    await this.scope.scopedClass(staff, classId);
    const sessions = await this.db.manager.find(ClassSession, { where: { classId }, order: { startsAt: 'ASC', id: 'ASC' } });
    const counts = await this.scope.countsBySession(sessions.map((s) => s.id));
    const ratingRows = sessions.length
      ? await this.db.manager
          .createQueryBuilder(ClassRegistration, 'r')
          .select('r.session_id', 'sessionId')
          .addSelect('SUM(r.stars)', 'sum')
          .addSelect('COUNT(r.stars)', 'n')
          .where('r.session_id IN (:...ids) AND r.stars IS NOT NULL', { ids: sessions.map((s) => s.id) })
          .groupBy('r.session_id')
          .getRawMany<{ sessionId: number; sum: number | string; n: number | string }>()
      : [];
    const ratings = new Map(ratingRows.map((r) => [Number(r.sessionId), { sum: Number(r.sum), n: Number(r.n) }]));
    let expected = 0;
    let attended = 0;
    let noShow = 0;
    let attendedPeople = 0;
    let sum = 0;
    let n = 0;
    let finished = 0;
    const rows = sessions.map((s) => {
      const c = counts.get(s.id) ?? emptyCounts();
      const r = ratings.get(s.id);
      if (r) {
        sum += r.sum;
        n += r.n;
      }
      if (s.status === 'finished') {
        finished++;
        expected += c.attended + c.noShow;
        noShow += c.noShow;
      }
      attended += c.attended;
      attendedPeople += c.attendedPeople;
      return {
        sessionId: s.id,
        startsAt: iso(s.startsAt),
        status: s.status,
        confirmed: c.confirmed,
        waitlisted: c.waitlisted,
        attended: c.attended,
        noShow: c.noShow,
        cancelled: c.cancelled,
        attendedPeople: c.attendedPeople,
        averageRating: r ? mean(r.sum, r.n) : null,
      };
    });
    const finishedAttended = sessions.filter((s) => s.status === 'finished').reduce((acc, s) => acc + (counts.get(s.id)?.attended ?? 0), 0);
    return {
      classId,
      totals: {
        sessions: sessions.length,
        finishedSessions: finished,
        expected,
        attended,
        noShow,
        attendedPeople,
        attendanceRate: expected ? Math.round((finishedAttended / expected) * 1000) / 1000 : null,
        noShowRate: expected ? Math.round((noShow / expected) * 1000) / 1000 : null,
        averageRating: mean(sum, n),
        ratings: n,
      },
      sessions: rows,
    };
  }

  async feedback(staff: StaffPrincipal, q: { page: number; pageSize: number; classId?: number }) {
    const qb = this.db.manager
      .createQueryBuilder(ClassRegistration, 'r')
      .innerJoin(ClassSession, 's', 's.id = r.session_id')
      .innerJoin(ClassDef, 'c', 'c.id = s.class_id')
      .where('r.stars IS NOT NULL');
    if (staff.role !== 'hq_admin') qb.andWhere('s.store_id = :own', { own: staff.storeId ?? -1 });
    if (q.classId) qb.andWhere('s.class_id = :classId', { classId: q.classId });
    const agg = await qb.clone().select('SUM(r.stars)', 'sum').addSelect('COUNT(*)', 'n').getRawOne<{ sum: number | string | null; n: number | string }>();
    const total = Number(agg?.n ?? 0);
    const rows = await qb
      .select(['r.id AS id', 'r.member_id AS memberId', 'r.stars AS stars', 'r.comment AS comment', 'r.rated_at AS ratedAt'])
      .addSelect(['s.id AS sessionId', 's.starts_at AS startsAt', 's.store_id AS storeId', 'c.id AS classId', 'c.title AS classTitle'])
      .orderBy('r.rated_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .offset((q.page - 1) * q.pageSize)
      .limit(q.pageSize)
      .getRawMany<{
        id: number;
        memberId: number;
        stars: number;
        comment: string | null;
        ratedAt: Date | string;
        sessionId: number;
        startsAt: Date | string;
        storeId: number;
        classId: number;
        classTitle: string;
      }>();
    const members = await this.lookup.memberFacts(rows.map((r) => Number(r.memberId)));
    const stores = await this.lookup.storeNames(rows.map((r) => Number(r.storeId)));
    const items: FeedbackItem[] = rows.map((r) => ({
      registrationId: Number(r.id),
      classId: Number(r.classId),
      classTitle: r.classTitle,
      sessionId: Number(r.sessionId),
      startsAt: iso(toDate(r.startsAt)),
      storeName: stores.get(Number(r.storeId)) ?? null,
      memberNickname: members.get(Number(r.memberId))?.nickname ?? null,
      stars: Number(r.stars),
      comment: r.comment,
      ratedAt: iso(toDate(r.ratedAt)),
    }));
    return { items, total, page: q.page, pageSize: q.pageSize, averageRating: mean(Number(agg?.sum ?? 0), total) };
  }
}
