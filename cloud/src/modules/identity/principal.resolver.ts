/** Turns a verified session into a principal (core/auth asks for it by name). */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db } from '../../core/db';
import { AppError } from '../../core/errors';
import { PRINCIPAL_RESOLVER, type Principal, type PrincipalResolver } from '../../core/auth/principal';
import type { SessionRow } from '../../core/auth/session.entity';
import { Member } from './entities/member.entity';
import { StaffUser } from './entities/staff-user.entity';

@Provide(PRINCIPAL_RESOLVER)
@Scope(ScopeEnum.Singleton)
export class IdentityPrincipalResolver implements PrincipalResolver {
  @Inject()
  db!: Db;

  async resolve(session: SessionRow): Promise<Principal> {
    if (session.subjectType === 'member') {
      const member = await this.db.manager.findOne(Member, { where: { id: session.subjectId }, select: { id: true, status: true } });
      if (!member || member.status !== 'active') throw new AppError('UNAUTHENTICATED');
      return { kind: 'member', memberId: member.id, sessionId: session.id };
    }
    const staff = await this.db.manager.findOne(StaffUser, {
      where: { id: session.subjectId },
      select: { id: true, role: true, storeId: true, active: true },
    });
    if (!staff || !staff.active) throw new AppError('UNAUTHENTICATED');
    return { kind: 'staff', staffId: staff.id, role: staff.role, storeId: staff.storeId, sessionId: session.id };
  }
}
