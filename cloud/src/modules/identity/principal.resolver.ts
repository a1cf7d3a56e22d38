/** Turns a verified session into a principal (core/auth asks for it by name). */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In } from 'typeorm';
import { Db, dbDate } from '../../core/db';
import { AppError } from '../../core/errors';
import { PRINCIPAL_RESOLVER, type Principal, type PrincipalResolver } from '../../core/auth/principal';
import type { SessionRow } from '../../core/auth/session.entity';
import { StaffUser } from './entities/staff-user.entity';

@Provide(PRINCIPAL_RESOLVER)
@Scope(ScopeEnum.Singleton)
export class IdentityPrincipalResolver implements PrincipalResolver {
  @Inject()
  db!: Db;

  async resolve(session: SessionRow): Promise<Principal> {
    const p = (await this.resolveMany([session])).get(session.id);
    if (!p) throw new AppError('UNAUTHENTICATED');
    return p;
  }

  /** One query per subject kind for all the sessions (the route layer batches concurrent requests). */
  async resolveMany(sessions: SessionRow[]): Promise<Map<number, Principal>> {
    const out = new Map<number, Principal>();
    const memberIds = [...new Set(sessions.filter((s) => s.subjectType === 'member').map((s) => s.subjectId))];
    const staffIds = [...new Set(sessions.filter((s) => s.subjectType === 'staff').map((s) => s.subjectId))];
    const [members, staff] = await Promise.all([
      memberIds.length ? this.activeMembers(memberIds) : [],
      staffIds.length
        ? this.db.manager.find(StaffUser, {
            where: { id: In(staffIds), active: true },
            select: { id: true, role: true, storeId: true, mustChangePassword: true },
          })
        : [],
    ]);
    const m = new Map(members.map((x) => [x.id, x]));
    const st = new Map(staff.map((x) => [x.id, x]));
    for (const s of sessions) {
      if (s.subjectType === 'member') {
        const x = m.get(s.subjectId);
        if (x) out.set(s.id, { kind: 'member', memberId: x.id, sessionId: s.id, createdAt: x.createdAt });
      } else {
        const x = st.get(s.subjectId);
        if (x)
          out.set(s.id, {
            kind: 'staff',
            staffId: x.id,
            role: x.role,
            storeId: x.storeId,
            sessionId: s.id,
            ...(x.mustChangePassword ? { passwordChangePending: true } : {}),
          });
      }
    }
    return out;
  }

  /**
   * Plain SQL, not a TypeORM find: this runs for (a batch of) every member request, and building
   * and mapping a find through the query builder cost more CPU than the query itself.
   */
  private async activeMembers(ids: number[]): Promise<Array<{ id: number; createdAt: Date }>> {
    const rows: Array<{ id: number | string; created_at: unknown }> = await this.db.manager.query(
      `SELECT id, created_at FROM member WHERE id IN (${ids.map(() => '?').join(', ')}) AND status = 'active'`,
      ids,
    );
    return rows.map((r) => ({ id: Number(r.id), createdAt: dbDate(r.created_at) }));
  }
}
