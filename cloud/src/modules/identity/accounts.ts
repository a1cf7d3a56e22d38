/**
 * Staff account and store rules shared by the ops page (OrgService) and the command-line tool
 * (cloud/src/cli/admin.ts): both hand in an EntityManager and who is acting, and every change
 * writes its audit row in the same transaction.
 */
import { randomInt } from 'crypto';
import type { EntityManager } from 'typeorm';
import type { StaffRole } from '../../../../contracts/route';
import { SessionRow } from '../../core/auth/session.entity';
import { isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import { StaffAudit } from './entities/staff-audit.entity';
import { StaffUser } from './entities/staff-user.entity';
import { Store } from './entities/store.entity';
import { hashPassword } from './password';

export interface Actor {
  staffId: number | null;
  /** Shown in the audit trail: the staff member's name, 命令行 (CLI) or 通讯录同步. */
  label: string;
}

export const CLI_ACTOR: Actor = { staffId: null, label: '命令行' };
export const DIRECTORY_ACTOR: Actor = { staffId: null, label: '企业微信通讯录同步' };

/** Roles that belong to a store (HQ admins do not). */
export const STORE_ROLES: ReadonlySet<StaffRole> = new Set(['store_manager', 'group_owner', 'staff']);

// no 0/O/1/l/I: the password is read off a screen and typed once
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A one-time password: 16 characters from a 55-letter alphabet (~92 bits), from the CSPRNG. */
export function generatePassword(length = 16): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** Password rules for passwords people choose (generated ones pass by construction). */
export function passwordProblem(password: string, username?: string): string | null {
  if (password.length < 10) return '新密码至少10位';
  if (password.length > 128) return '新密码最多128位';
  if (/^(.)\1+$/.test(password)) return '新密码不能是同一个字符重复';
  if (username && password.toLowerCase().includes(username.toLowerCase())) return '新密码不能包含用户名';
  if (!/[a-zA-Z]/.test(password) || !/\d/.test(password)) return '新密码需同时包含字母和数字';
  return null;
}

export async function audit(
  em: EntityManager,
  actor: Actor,
  action: string,
  target: { kind: StaffAudit['targetKind']; id: number | null },
  detail?: Record<string, unknown>,
): Promise<void> {
  await em.insert(StaffAudit, {
    at: new Date(),
    actorStaffId: actor.staffId,
    actorLabel: actor.label.slice(0, 64),
    action,
    targetKind: target.kind,
    targetId: target.id,
    // a JSON column: TypeORM's partial-entity type cannot map `unknown` values
    detail: (detail ?? null) as never,
  });
}

async function checkStore(em: EntityManager, role: StaffRole, storeId: number | null): Promise<void> {
  if (storeId === null) return;
  if (!STORE_ROLES.has(role)) throw new AppError('VALIDATION_FAILED', '总部管理员不属于某个门店', [{ path: 'storeId', message: '总部管理员不属于某个门店' }]);
  if (!(await em.findOne(Store, { where: { id: storeId }, select: { id: true } }))) {
    throw new AppError('VALIDATION_FAILED', '门店不存在', [{ path: 'storeId', message: '门店不存在' }]);
  }
}

function mapUnique(err: unknown): never {
  if (isUniqueViolation(err)) {
    const text = String((err as Error).message);
    if (/wecom/i.test(text)) throw new AppError('WECOM_USERID_TAKEN');
    throw new AppError('USERNAME_TAKEN');
  }
  throw err;
}

export interface NewAccount {
  username: string;
  displayName: string;
  role: StaffRole;
  storeId?: number | null;
  wecomUserId?: string | null;
  /** Precomputed (scrypt is slow: hash before opening the transaction). */
  passwordHash: string | null;
  mustChangePassword: boolean;
}

export async function createAccount(em: EntityManager, actor: Actor, a: NewAccount): Promise<StaffUser> {
  const storeId = a.storeId ?? null;
  await checkStore(em, a.role, storeId);
  if (a.wecomUserId && (await em.findOne(StaffUser, { where: { wecomUserId: a.wecomUserId }, select: { id: true } }))) throw new AppError('WECOM_USERID_TAKEN');
  if (await em.findOne(StaffUser, { where: { username: a.username }, select: { id: true } })) throw new AppError('USERNAME_TAKEN');
  let id: number;
  try {
    const r = await em.insert(StaffUser, {
      username: a.username,
      displayName: a.displayName,
      passwordHash: a.passwordHash,
      role: a.role,
      storeId,
      wecomUserId: a.wecomUserId ?? null,
      active: true,
      mustChangePassword: a.mustChangePassword,
      passwordChangedAt: null,
      departedAt: null,
      directorySyncedAt: null,
      createdAt: new Date(),
    });
    id = Number(r.identifiers[0].id);
  } catch (err) {
    mapUnique(err);
  }
  await audit(
    em,
    actor,
    'staff.create',
    { kind: 'staff', id },
    { username: a.username, displayName: a.displayName, role: a.role, storeId, wecomUserId: a.wecomUserId ?? null },
  );
  return em.findOneOrFail(StaffUser, { where: { id }, relations: { store: true } });
}

export interface StaffPatch {
  displayName?: string;
  role?: StaffRole;
  storeId?: number | null;
  wecomUserId?: string | null;
  active?: boolean;
}

async function activeAdminsOtherThan(em: EntityManager, staffId: number): Promise<number> {
  return em
    .getRepository(StaffUser)
    .createQueryBuilder('s')
    .where('s.role = :role AND s.active = :active AND s.id <> :id', { role: 'hq_admin', active: true, id: staffId })
    .getCount();
}

export async function updateAccount(em: EntityManager, actor: Actor, staffId: number, patch: StaffPatch): Promise<StaffUser> {
  const before = await em.findOne(StaffUser, { where: { id: staffId } });
  if (!before) throw new AppError('NOT_FOUND');
  const role = patch.role ?? before.role;
  // an HQ admin has no store; a changed role or store must still fit together
  let storeId = patch.storeId !== undefined ? patch.storeId : before.storeId;
  if (!STORE_ROLES.has(role) && patch.storeId === undefined) storeId = null;
  await checkStore(em, role, storeId);
  const losingAdmin = before.role === 'hq_admin' && before.active && (role !== 'hq_admin' || patch.active === false);
  if (losingAdmin && (await activeAdminsOtherThan(em, staffId)) === 0) throw new AppError('LAST_ADMIN');
  const changes: Partial<StaffUser> = {};
  const diff: Record<string, { from: unknown; to: unknown }> = {};
  const set = <K extends keyof StaffUser>(key: K, value: StaffUser[K] | undefined) => {
    if (value === undefined || value === before[key]) return;
    changes[key] = value;
    diff[key as string] = { from: before[key], to: value };
  };
  set('displayName', patch.displayName);
  set('role', role);
  set('storeId', storeId);
  set('wecomUserId', patch.wecomUserId);
  set('active', patch.active);
  if (!Object.keys(changes).length) return em.findOneOrFail(StaffUser, { where: { id: staffId }, relations: { store: true } });
  if (changes.active === true) changes.departedAt = null;
  try {
    await em.update(StaffUser, { id: staffId }, changes);
  } catch (err) {
    mapUnique(err);
  }
  // a disabled account or a changed role must not keep acting through sessions opened before
  if (changes.active === false || changes.role !== undefined || changes.storeId !== undefined)
    await em.delete(SessionRow, { subjectType: 'staff', subjectId: staffId });
  const action = changes.active === false ? 'staff.disable' : changes.active === true ? 'staff.enable' : 'staff.update';
  await audit(em, actor, action, { kind: 'staff', id: staffId }, diff);
  return em.findOneOrFail(StaffUser, { where: { id: staffId }, relations: { store: true } });
}

/** Sets a one-time password (hashed by the caller), ends the account's sessions. */
export async function resetPassword(em: EntityManager, actor: Actor, staffId: number, passwordHash: string): Promise<StaffUser> {
  const r = await em.update(StaffUser, { id: staffId }, { passwordHash, mustChangePassword: true });
  if (!r.affected) throw new AppError('NOT_FOUND');
  await em.delete(SessionRow, { subjectType: 'staff', subjectId: staffId });
  await audit(em, actor, 'staff.reset_password', { kind: 'staff', id: staffId });
  return em.findOneOrFail(StaffUser, { where: { id: staffId }, relations: { store: true } });
}

export async function setOwnPassword(em: EntityManager, staffId: number, passwordHash: string, keepSessionId: number | null): Promise<StaffUser> {
  const staff = await em.findOneOrFail(StaffUser, { where: { id: staffId } });
  await em.update(StaffUser, { id: staffId }, { passwordHash, mustChangePassword: false, passwordChangedAt: new Date() });
  // other devices signed in with the old password are signed out; this one stays
  const qb = em.createQueryBuilder().delete().from(SessionRow).where('subject_type = :t AND subject_id = :id', { t: 'staff', id: staffId });
  if (keepSessionId !== null) qb.andWhere('id <> :keep', { keep: keepSessionId });
  await qb.execute();
  await audit(em, { staffId, label: staff.displayName }, 'staff.change_password', { kind: 'staff', id: staffId });
  return em.findOneOrFail(StaffUser, { where: { id: staffId }, relations: { store: true } });
}

export { hashPassword };
