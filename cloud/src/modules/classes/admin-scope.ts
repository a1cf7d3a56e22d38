/**
 * What every staff-side class service needs: the class / session in the staff member's scope
 * (HQ all stores, others their own; anything else NOT_FOUND) and the seat counts of sessions.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db } from '../../core/db';
import { AppError } from '../../core/errors';
import { ClassDef } from './entities/class-def.entity';
import { ClassRegistration } from './entities/class-registration.entity';
import { ClassSession } from './entities/class-session.entity';
import './events';
import { RegistrationService } from './registration.service';
import { emptyCounts, type StatusCounts } from './views';

/** A 400 for one bad input field. */
export function invalid(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', undefined, [{ path, message }]);
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassStaffScope {
  @Inject()
  db!: Db;

  @Inject()
  registrations!: RegistrationService;

  sameStore(staff: StaffPrincipal, storeId: number): boolean {
    return staff.role === 'hq_admin' || (staff.storeId !== null && staff.storeId === storeId);
  }

  async scopedClass(staff: StaffPrincipal, classId: number): Promise<ClassDef> {
    const c = await this.db.manager.findOne(ClassDef, { where: { id: classId } });
    if (!c || !this.sameStore(staff, c.storeId)) throw new AppError('NOT_FOUND');
    return c;
  }

  async scopedSession(staff: StaffPrincipal, sessionId: number): Promise<{ s: ClassSession; c: ClassDef }> {
    const s = await this.db.manager.findOne(ClassSession, { where: { id: sessionId } });
    if (!s || !this.sameStore(staff, s.storeId)) throw new AppError('NOT_FOUND');
    const c = await this.db.manager.findOneOrFail(ClassDef, { where: { id: s.classId } });
    return { s, c };
  }

  async countsBySession(sessionIds: number[]): Promise<Map<number, StatusCounts>> {
    const out = new Map<number, StatusCounts>();
    if (!sessionIds.length) return out;
    const rows = await this.db.manager
      .createQueryBuilder(ClassRegistration, 'r')
      .select('r.session_id', 'sessionId')
      .addSelect('r.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .addSelect('SUM(r.adults + r.children)', 'people')
      .where('r.session_id IN (:...ids)', { ids: sessionIds })
      .groupBy('r.session_id')
      .addGroupBy('r.status')
      .getRawMany<{ sessionId: number; status: string; n: number | string; people: number | string | null }>();
    for (const row of rows) {
      const id = Number(row.sessionId);
      const c = out.get(id) ?? emptyCounts();
      const n = Number(row.n);
      if (row.status === 'confirmed' || row.status === 'unpaid')
        c.confirmed += n; // an unpaid seat is held like a confirmed one
      else if (row.status === 'waitlisted') c.waitlisted += n;
      else if (row.status === 'attended') {
        c.attended += n;
        c.attendedPeople += Number(row.people ?? 0);
      } else if (row.status === 'no_show') c.noShow += n;
      else if (row.status === 'cancelled') c.cancelled += n;
      out.set(id, c);
    }
    return out;
  }
}
