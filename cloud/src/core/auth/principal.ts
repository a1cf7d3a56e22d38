/**
 * Who is calling. Core knows sessions; the identity module knows members and staff and provides
 * the resolver (by the provider name below) that turns a session into a principal.
 */
import type { StaffRole } from '../../../../contracts/route';
import { AppError } from '../errors';
import type { SessionRow } from './session.entity';

export interface MemberPrincipal {
  kind: 'member';
  memberId: number;
  sessionId: number;
  /** When the account was created, if the resolver loaded it (account-age checks then need no lookup of their own). */
  createdAt?: Date;
}

export interface StaffPrincipal {
  kind: 'staff';
  staffId: number;
  role: StaffRole;
  storeId: number | null;
  sessionId: number;
  /** A generated or reset password not yet replaced: only routes marked allowPasswordChangePending answer. */
  passwordChangePending?: boolean;
}

export type Principal = MemberPrincipal | StaffPrincipal;

export const PRINCIPAL_RESOLVER = 'principalResolver';

export interface PrincipalResolver {
  /** Load the subject behind a valid session; throw UNAUTHENTICATED when it is gone or disabled. */
  resolve(session: SessionRow): Promise<Principal>;
  /**
   * Optional, preferred when present: the principals behind many sessions at once, keyed by session
   * id, leaving out sessions whose subject is gone or disabled. The route layer hands it the
   * sessions of all requests authenticated in one event-loop turn, so under load a request costs a
   * fraction of a query here instead of one.
   */
  resolveMany?(sessions: SessionRow[]): Promise<Map<number, Principal>>;
}

/** Handed to every route handler; the accessors narrow to the kind the route requires. */
export class AuthContext {
  constructor(readonly principal: Principal | null) {}

  member(): MemberPrincipal {
    if (this.principal?.kind !== 'member') throw new AppError('UNAUTHENTICATED');
    return this.principal;
  }

  staff(): StaffPrincipal {
    if (this.principal?.kind !== 'staff') throw new AppError('UNAUTHENTICATED');
    return this.principal;
  }
}
