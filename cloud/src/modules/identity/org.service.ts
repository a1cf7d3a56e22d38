/**
 * HQ runs the organisation from the ops page: stores (chain → region → store) and staff accounts.
 * Rules live in accounts.ts (shared with the CLI); this service adds who is acting and the views.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { type EntityManager, In } from 'typeorm';
import type { StaffProfile } from '../../../../contracts/identity';
import type { StoreView } from '../../../../contracts/org';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso, isUniqueViolation } from '../../core/db';
import { AppError } from '../../core/errors';
import {
  type Actor,
  audit,
  createAccount,
  generatePassword,
  hashPassword,
  passwordProblem,
  resetPassword,
  setOwnPassword,
  type StaffPatch,
  updateAccount,
} from './accounts';
import { StaffAudit } from './entities/staff-audit.entity';
import { StaffUser } from './entities/staff-user.entity';
import { Store } from './entities/store.entity';
import { verifyPassword } from './password';
import { toStaffProfile } from './views';

export interface StoreInput {
  name?: string;
  region?: string | null;
  address?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  openingHours?: string | null;
  targetHouseholds?: number | null;
  pickupCounters?: string[];
  wecomDepartmentId?: number | null;
  active?: boolean;
}

const e6 = (v: number | null | undefined) => (v === undefined ? undefined : v === null ? null : Math.round(v * 1e6));

export function toStoreView(s: Store, staffCount = 0): StoreView {
  const counters = Array.isArray(s.pickupCounters) ? s.pickupCounters.filter((x): x is string => typeof x === 'string') : [];
  return {
    id: s.id,
    name: s.name,
    region: s.region ?? null,
    address: s.address ?? null,
    latitude: s.latE6 === null || s.latE6 === undefined ? null : s.latE6 / 1e6,
    longitude: s.lngE6 === null || s.lngE6 === undefined ? null : s.lngE6 / 1e6,
    openingHours: s.openingHours ?? null,
    targetHouseholds: s.targetHouseholds ?? null,
    pickupCounters: counters,
    wecomDepartmentId: s.wecomDepartmentId ?? null,
    active: s.active !== false,
    staffCount,
    createdAt: iso(s.createdAt),
  };
}

function storeColumns(input: StoreInput): Partial<Store> {
  const out: Partial<Store> = {};
  if (input.name !== undefined) out.name = input.name;
  if (input.region !== undefined) out.region = input.region || null;
  if (input.address !== undefined) out.address = input.address || null;
  if (input.latitude !== undefined) out.latE6 = e6(input.latitude) ?? null;
  if (input.longitude !== undefined) out.lngE6 = e6(input.longitude) ?? null;
  if (input.openingHours !== undefined) out.openingHours = input.openingHours || null;
  if (input.targetHouseholds !== undefined) out.targetHouseholds = input.targetHouseholds;
  if (input.pickupCounters !== undefined) out.pickupCounters = input.pickupCounters;
  if (input.wecomDepartmentId !== undefined) out.wecomDepartmentId = input.wecomDepartmentId;
  if (input.active !== undefined) out.active = input.active;
  return out;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class OrgService {
  @Inject()
  db!: Db;

  private async actor(staff: StaffPrincipal, em: EntityManager = this.db.manager): Promise<Actor> {
    const row = await em.findOne(StaffUser, { where: { id: staff.staffId }, select: { id: true, displayName: true, username: true } });
    return { staffId: staff.staffId, label: row ? `${row.displayName}（${row.username}）` : `#${staff.staffId}` };
  }

  // ---- stores ----

  /** Every store with its household target (read models: insight's penetration). No staff scope: callers scope. */
  async storeDirectory(): Promise<Array<{ id: number; name: string; targetHouseholds: number | null; active: boolean }>> {
    const stores = await this.db.manager.find(Store, { order: { id: 'ASC' }, select: { id: true, name: true, targetHouseholds: true, active: true } });
    return stores.map((s) => ({ id: s.id, name: s.name, targetHouseholds: s.targetHouseholds, active: !!s.active }));
  }

  async listStores(staff: StaffPrincipal): Promise<{ items: StoreView[] }> {
    // HQ sees the chain; everyone else only their own store (addresses and staff counts are internal)
    const stores = await this.db.manager.find(Store, { where: staff.role === 'hq_admin' ? {} : { id: staff.storeId ?? -1 }, order: { id: 'ASC' } });
    const counts: Array<{ store_id: number | string; n: number | string }> = await this.db.manager.query(
      // booleans are stored 0/1 on both databases
      'SELECT store_id, COUNT(*) AS n FROM staff_user WHERE active = 1 AND store_id IS NOT NULL GROUP BY store_id',
    );
    const byStore = new Map(counts.map((c) => [Number(c.store_id), Number(c.n)]));
    const items = stores.map((s) => toStoreView(s, byStore.get(s.id) ?? 0));
    // by region (chain → region → store), the caller's own store first
    items.sort(
      (a, b) => Number(b.id === staff.storeId) - Number(a.id === staff.storeId) || (a.region ?? '').localeCompare(b.region ?? '', 'zh') || a.id - b.id,
    );
    return { items };
  }

  async createStore(staff: StaffPrincipal, input: StoreInput & { name: string }): Promise<StoreView> {
    return this.db.transaction(async (em) => {
      if (await em.findOne(Store, { where: { name: input.name }, select: { id: true } })) throw new AppError('STORE_NAME_TAKEN');
      let id: number;
      try {
        const r = await em.insert(Store, { active: true, pickupCounters: [], ...storeColumns(input), name: input.name, createdAt: new Date() });
        id = Number(r.identifiers[0].id);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('STORE_NAME_TAKEN');
        throw err;
      }
      await audit(em, await this.actor(staff, em), 'store.create', { kind: 'store', id }, { ...input });
      return toStoreView(await em.findOneOrFail(Store, { where: { id } }));
    });
  }

  async updateStore(staff: StaffPrincipal, storeId: number, input: StoreInput): Promise<StoreView> {
    return this.db.transaction(async (em) => {
      const before = await em.findOne(Store, { where: { id: storeId } });
      if (!before) throw new AppError('NOT_FOUND');
      const changes = storeColumns(input);
      const diff: Record<string, { from: unknown; to: unknown }> = {};
      for (const [k, v] of Object.entries(changes)) {
        const was = (before as unknown as Record<string, unknown>)[k];
        if (was !== v) diff[k] = { from: was, to: v };
        else delete (changes as Record<string, unknown>)[k];
      }
      if (Object.keys(changes).length) {
        if (changes.name && (await em.findOne(Store, { where: { name: changes.name }, select: { id: true } }))) throw new AppError('STORE_NAME_TAKEN');
        try {
          await em.update(Store, { id: storeId }, changes);
        } catch (err) {
          if (isUniqueViolation(err)) throw new AppError('STORE_NAME_TAKEN');
          throw err;
        }
        await audit(em, await this.actor(staff, em), 'store.update', { kind: 'store', id: storeId }, diff);
      }
      const n = await em.count(StaffUser, { where: { storeId, active: true } });
      return toStoreView(await em.findOneOrFail(Store, { where: { id: storeId } }), n);
    });
  }

  // ---- staff ----

  async createStaff(
    staff: StaffPrincipal,
    input: { username: string; displayName: string; role: StaffUser['role']; storeId?: number | null; wecomUserId?: string | null },
  ): Promise<{ staff: StaffProfile; initialPassword: string }> {
    const initialPassword = generatePassword();
    const passwordHash = await hashPassword(initialPassword);
    const created = await this.db.transaction(async (em) =>
      createAccount(em, await this.actor(staff, em), { ...input, passwordHash, mustChangePassword: true }),
    );
    return { staff: toStaffProfile(created), initialPassword };
  }

  async updateStaff(staff: StaffPrincipal, staffId: number, patch: StaffPatch): Promise<StaffProfile> {
    if (staffId === staff.staffId && (patch.active === false || (patch.role && patch.role !== staff.role))) {
      // locking oneself out is never what was meant; another HQ admin can do it
      throw new AppError('FORBIDDEN', '不能停用自己或修改自己的角色');
    }
    return toStaffProfile(await this.db.transaction(async (em) => updateAccount(em, await this.actor(staff, em), staffId, patch)));
  }

  async resetStaffPassword(staff: StaffPrincipal, staffId: number): Promise<{ staff: StaffProfile; initialPassword: string }> {
    const initialPassword = generatePassword();
    const passwordHash = await hashPassword(initialPassword);
    const row = await this.db.transaction(async (em) => resetPassword(em, await this.actor(staff, em), staffId, passwordHash));
    return { staff: toStaffProfile(row), initialPassword };
  }

  async changeOwnPassword(staff: StaffPrincipal, currentPassword: string, newPassword: string): Promise<StaffProfile> {
    const row = await this.db.manager.findOne(StaffUser, { where: { id: staff.staffId } });
    if (!row) throw new AppError('UNAUTHENTICATED');
    if (!(await verifyPassword(currentPassword, row.passwordHash))) throw new AppError('PASSWORD_INCORRECT');
    const problem = passwordProblem(newPassword, row.username);
    if (problem) throw new AppError('VALIDATION_FAILED', problem, [{ path: 'newPassword', message: problem }]);
    if (currentPassword === newPassword)
      throw new AppError('VALIDATION_FAILED', '新密码不能与当前密码相同', [{ path: 'newPassword', message: '新密码不能与当前密码相同' }]);
    const hash = await hashPassword(newPassword);
    return toStaffProfile(await this.db.transaction((em) => setOwnPassword(em, staff.staffId, hash, staff.sessionId)));
  }

  async listAudit(query: { page: number; pageSize: number; targetKind?: StaffAudit['targetKind']; targetId?: number }) {
    const qb = this.db.manager.getRepository(StaffAudit).createQueryBuilder('a');
    if (query.targetKind) qb.andWhere('a.target_kind = :kind', { kind: query.targetKind });
    if (query.targetId) qb.andWhere('a.target_id = :id', { id: query.targetId });
    const [rows, total] = await qb
      .orderBy('a.id', 'DESC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    // names, not numbers, in the log: the page's stores and staff in two reads
    const idsOf = (kind: string) => [...new Set(rows.filter((r) => r.targetKind === kind && r.targetId).map((r) => r.targetId!))];
    const [stores, staff] = await Promise.all([
      idsOf('store').length ? this.db.manager.find(Store, { where: { id: In(idsOf('store')) }, select: { id: true, name: true } }) : [],
      idsOf('staff').length
        ? this.db.manager.find(StaffUser, { where: { id: In(idsOf('staff')) }, select: { id: true, displayName: true, username: true } })
        : [],
    ]);
    const names = new Map<string, string>([
      ...stores.map((s) => [`store:${s.id}`, s.name] as const),
      ...staff.map((s) => [`staff:${s.id}`, s.displayName || s.username] as const),
    ]);
    return {
      items: rows.map((r) => ({
        id: r.id,
        at: iso(r.at),
        actor: r.actorLabel,
        action: r.action,
        targetKind: r.targetKind,
        targetId: r.targetId,
        targetName: r.targetId ? (names.get(`${r.targetKind}:${r.targetId}`) ?? null) : null,
        detail: r.detail ?? null,
      })),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }
}
