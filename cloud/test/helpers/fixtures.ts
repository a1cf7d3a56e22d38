/** Direct database fixtures for tests (stores, staff, members, contacts) through the app's own Db. */
import { CURRENT_PRIVACY_VERSION } from '../../../contracts/identity';
import type { StaffRole } from '../../../contracts/route';
import { Db } from '../../src/core/db';
import { ConsentRecord } from '../../src/modules/identity/entities/consent-record.entity';
import { Household } from '../../src/modules/identity/entities/household.entity';
import { Member } from '../../src/modules/identity/entities/member.entity';
import { StaffUser } from '../../src/modules/identity/entities/staff-user.entity';
import { Store } from '../../src/modules/identity/entities/store.entity';
import { hashPassword } from '../../src/modules/identity/password';
import { phoneColumns } from '../../src/modules/identity/phone';
import { WecomContact } from '../../src/modules/wecom/entities/wecom-contact.entity';
import type { TestApp } from './app';

let seq = 0;
/**
 * Staff made without a password share one, hashed once per test file: scrypt at OWASP's cost takes
 * ~150 ms (far more on a busy machine), too slow to repeat for every fixture.
 */
const FIXTURE_PASSWORD = 'pw-fixture-secret';
const hashes = new Map<string, Promise<string>>();
function fixtureHash(password: string): Promise<string> {
  let h = hashes.get(password);
  if (!h) hashes.set(password, (h = hashPassword(password)));
  return h;
}
const next = () => ++seq;

export async function db(t: TestApp): Promise<Db> {
  return t.container.getAsync(Db);
}

export async function makeStore(t: TestApp, name = `店${next()}`): Promise<Store> {
  const d = await db(t);
  const id = Number((await d.manager.insert(Store, { name, createdAt: new Date() })).identifiers[0].id);
  return d.manager.findOneByOrFail(Store, { id });
}

export async function makeHousehold(t: TestApp, storeId: number | null, name = `家${next()}`): Promise<Household> {
  const d = await db(t);
  const id = Number((await d.manager.insert(Household, { name, storeId, createdAt: new Date() })).identifiers[0].id);
  return d.manager.findOneByOrFail(Household, { id });
}

export async function makeStaff(
  t: TestApp,
  o: { role: StaffRole; storeId?: number | null; username?: string; password?: string; wecomUserId?: string | null; displayName?: string; active?: boolean },
): Promise<StaffUser & { password: string }> {
  const d = await db(t);
  const n = next();
  const password = o.password ?? FIXTURE_PASSWORD;
  const id = Number(
    (
      await d.manager.insert(StaffUser, {
        username: o.username ?? `${o.role}_${n}`,
        displayName: o.displayName ?? `员工${n}`,
        passwordHash: await fixtureHash(password),
        role: o.role,
        storeId: o.storeId ?? null,
        wecomUserId: o.wecomUserId ?? null,
        active: o.active ?? true,
        createdAt: new Date(),
      })
    ).identifiers[0].id,
  );
  return Object.assign(await d.manager.findOneByOrFail(StaffUser, { id }), { password });
}

export async function makeMember(
  t: TestApp,
  o: Partial<Pick<Member, 'nickname' | 'phone' | 'tier' | 'storeId' | 'householdId' | 'householdRelation' | 'groupOwnerStaffId' | 'unionid' | 'openid'>> = {},
): Promise<Member> {
  const d = await db(t);
  const n = next();
  const now = new Date();
  const id = Number(
    (
      await d.manager.insert(Member, {
        openid: o.openid ?? `o_fixture_${n}_${Math.random().toString(36).slice(2, 8)}`,
        unionid: o.unionid ?? null,
        nickname: o.nickname ?? `会员${n}`,
        avatarUrl: null,
        ...phoneColumns(o.phone ?? null),
        tier: o.tier ?? '新客',
        storeId: o.storeId ?? null,
        householdId: o.householdId ?? null,
        householdRelation: o.householdRelation ?? null,
        groupOwnerStaffId: o.groupOwnerStaffId ?? null,
        consentVersion: CURRENT_PRIVACY_VERSION,
        status: 'active',
        createdAt: now,
        deletedAt: null,
      })
    ).identifiers[0].id,
  );
  await d.manager.insert(ConsentRecord, { memberId: id, version: CURRENT_PRIVACY_VERSION, action: 'granted', at: now });
  return d.manager.findOneByOrFail(Member, { id });
}

export async function makeContact(
  t: TestApp,
  o: { externalUserId?: string; name?: string; unionid?: string | null; followStaffId?: number | null; memberId?: number | null; addedAt?: Date },
): Promise<WecomContact> {
  const d = await db(t);
  const n = next();
  const id = Number(
    (
      await d.manager.insert(WecomContact, {
        externalUserId: o.externalUserId ?? `wm_fixture_${n}`,
        name: o.name ?? `客户${n}`,
        avatar: null,
        unionid: o.unionid ?? null,
        followUserId: null,
        followStaffId: o.followStaffId ?? null,
        memberId: o.memberId ?? null,
        addedAt: o.addedAt ?? new Date(),
        createdAt: new Date(),
      })
    ).identifiers[0].id,
  );
  return d.manager.findOneByOrFail(WecomContact, { id });
}
