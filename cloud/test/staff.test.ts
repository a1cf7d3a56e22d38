/** Staff sign-in (password, WeCom), role-aware sections and the scoping of the member pages. */
import { identity } from '../../contracts';
import { Member } from '../src/modules/identity/entities/member.entity';
import { StaffUser } from '../src/modules/identity/entities/staff-user.entity';
import { hashPassword, verifyPassword } from '../src/modules/identity/password';
import { startTestApp, type TestApp } from './helpers/app';
import { db, makeHousehold, makeMember, makeStaff, makeStore } from './helpers/fixtures';

let t: TestApp;
let storeA: { id: number };
let storeB: { id: number };
let staff: Record<'hq' | 'mgrA' | 'mgrB' | 'ownerA1' | 'ownerA2' | 'clerk', StaffUser & { password: string }>;
let tokens: Record<keyof typeof staff, string>;
let members: Record<'a1' | 'a2' | 'a3' | 'b1' | 'deleted', Member>;

beforeAll(async () => {
  t = await startTestApp();
  storeA = await makeStore(t, '滨江店');
  storeB = await makeStore(t, '西湖店');
  staff = {
    hq: await makeStaff(t, { role: 'hq_admin', username: 'hq', displayName: '总部' }),
    mgrA: await makeStaff(t, { role: 'store_manager', storeId: storeA.id, wecomUserId: 'zhangsan', displayName: '滨江店长' }),
    mgrB: await makeStaff(t, { role: 'store_manager', storeId: storeB.id }),
    ownerA1: await makeStaff(t, { role: 'group_owner', storeId: storeA.id, displayName: '团长李娜' }),
    ownerA2: await makeStaff(t, { role: 'group_owner', storeId: storeA.id }),
    clerk: await makeStaff(t, { role: 'staff', storeId: storeA.id, wecomUserId: 'zhaoliu' }),
  };
  const hh = await makeHousehold(t, storeA.id, '王家');
  members = {
    a1: await makeMember(t, { storeId: storeA.id, nickname: '王阿姨', phone: '13812341234', groupOwnerStaffId: staff.ownerA1.id, householdId: hh.id }),
    a2: await makeMember(t, { storeId: storeA.id, nickname: '王师傅', groupOwnerStaffId: staff.ownerA2.id, householdId: hh.id }),
    a3: await makeMember(t, { storeId: storeA.id, nickname: '100%_满意!' }),
    b1: await makeMember(t, { storeId: storeB.id, nickname: '李叔', groupOwnerStaffId: null }),
    deleted: await makeMember(t, { storeId: storeA.id, nickname: '已走', groupOwnerStaffId: staff.ownerA1.id }),
  };
  await (await db(t)).manager.update(Member, { id: members.deleted.id }, { status: 'deleted', nickname: null });
  tokens = {} as typeof tokens;
  for (const [k, s] of Object.entries(staff)) {
    tokens[k as keyof typeof staff] = (await t.client().call(identity.staffLogin, { body: { username: s.username, password: s.password } })).token;
  }
});
afterAll(async () => {
  await t?.close();
});

const ids = (page: { items: Array<{ id: number }> }) => page.items.map((i) => i.id).sort((a, b) => a - b);

test('scrypt hashes are salted, self-describing and verified in constant time', async () => {
  const a = await hashPassword('秘密 pass');
  const b = await hashPassword('秘密 pass');
  expect(a).not.toBe(b);
  // OWASP's scrypt minimum (N=2^14, r=8, p=5)
  expect(a).toMatch(/^scrypt\$16384\$8\$5\$[\w-]+\$[\w-]+$/);
  expect(await verifyPassword('秘密 pass', a)).toBe(true);
  expect(await verifyPassword('秘密 pasS', a)).toBe(false);
  expect(await verifyPassword('x', null)).toBe(false);
  expect(await verifyPassword('x', 'scrypt$garbage')).toBe(false);
});

test('password login: wrong password, unknown user and disabled account look the same', async () => {
  const c = t.client();
  await expect(c.call(identity.staffLogin, { body: { username: 'hq', password: 'wrong' } })).rejects.toMatchObject({
    status: 401,
    code: 'INVALID_CREDENTIALS',
  });
  await expect(c.call(identity.staffLogin, { body: { username: 'nobody', password: 'wrong' } })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  const off = await makeStaff(t, { role: 'staff', active: false });
  await expect(c.call(identity.staffLogin, { body: { username: off.username, password: off.password } })).rejects.toMatchObject({
    code: 'INVALID_CREDENTIALS',
  });
  const ok = await c.call(identity.staffLogin, { body: { username: 'hq', password: staff.hq.password } });
  expect(ok.staff).toMatchObject({ username: 'hq', role: 'hq_admin', storeId: null });
  expect(JSON.stringify(ok)).not.toContain('scrypt');
});

test('staffMe gives the role-aware sections', async () => {
  const me = async (k: keyof typeof staff) => t.client(tokens[k]).call(identity.staffMe);
  expect((await me('hq')).sections).toEqual([
    'dashboard',
    'members',
    'staff',
    'contests',
    'classes',
    'preorders',
    'purchases',
    'journeys',
    'feedback',
    'tags',
    'library',
    'community',
    'recipes',
    'permissions',
    'referral',
  ]);
  expect(await me('mgrA')).toMatchObject({
    storeName: '滨江店',
    sections: ['dashboard', 'members', 'contests', 'classes', 'preorders', 'purchases', 'journeys', 'feedback', 'tags', 'library', 'community', 'recipes'],
  });
  expect((await me('ownerA1')).sections).toEqual(['dashboard', 'members', 'community']);
  expect((await me('clerk')).sections).toEqual(['dashboard']);
});

test('member list scoping: HQ all, manager their store, group owner their group, staff forbidden; deleted never', async () => {
  const list = (k: keyof typeof staff, q?: string) => t.client(tokens[k]).call(identity.listMembers, { query: { pageSize: 100, ...(q ? { q } : {}) } });
  const all = [members.a1.id, members.a2.id, members.a3.id, members.b1.id].sort((a, b) => a - b);
  expect(ids(await list('hq'))).toEqual(all);
  expect(ids(await list('mgrA'))).toEqual([members.a1.id, members.a2.id, members.a3.id]);
  expect(ids(await list('mgrB'))).toEqual([members.b1.id]);
  expect(ids(await list('ownerA1'))).toEqual([members.a1.id]);
  expect(ids(await list('ownerA2'))).toEqual([members.a2.id]);
  await expect(list('clerk')).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
  const page = await list('mgrA');
  expect(page.total).toBe(3);
  expect(page.items.find((i) => i.id === members.a1.id)).toEqual({
    id: members.a1.id,
    nickname: '王阿姨',
    phoneMasked: '138****1234',
    tier: '新客',
    storeName: '滨江店',
    householdName: '王家',
    groupOwnerName: '团长李娜',
    createdAt: expect.stringMatching(/Z$/),
  });
});

test('search matches nickname or the whole phone number, treats % _ ! literally, and pages', async () => {
  const list = (q: string, extra = {}) => t.client(tokens.hq).call(identity.listMembers, { query: { q, ...extra } });
  expect(ids(await list('王'))).toEqual([members.a1.id, members.a2.id]);
  expect(ids(await list('13812341234'))).toEqual([members.a1.id]);
  expect(ids(await list('+86 138-1234-1234'))).toEqual([members.a1.id]);
  // part of a number finds nothing (masked digits cannot be recovered by searching)
  expect(ids(await list('1234'))).toEqual([]);
  expect(ids(await list('1381234123'))).toEqual([]);
  expect(ids(await list('%'))).toEqual([members.a3.id]);
  expect(ids(await list('_'))).toEqual([members.a3.id]);
  expect(ids(await list('!'))).toEqual([members.a3.id]);
  expect((await list('不存在的人')).items).toEqual([]);
  const p1 = await t.client(tokens.hq).call(identity.listMembers, { query: { page: 1, pageSize: 3 } });
  const p2 = await t.client(tokens.hq).call(identity.listMembers, { query: { page: 2, pageSize: 3 } });
  expect(p1).toMatchObject({ total: 4, page: 1, pageSize: 3 });
  expect(p1.items).toHaveLength(3);
  expect(p2.items).toHaveLength(1);
  expect(new Set([...ids(p1), ...ids(p2)]).size).toBe(4);
});

test('member detail follows the same scope; outside it is NOT_FOUND', async () => {
  const detail = (k: keyof typeof staff, id: number) => t.client(tokens[k]).call(identity.getMemberDetail, { params: { memberId: id } });
  const d = await detail('ownerA1', members.a1.id);
  expect(d.householdMembers).toEqual([{ id: members.a2.id, nickname: '王师傅' }]);
  await expect(detail('ownerA1', members.a2.id)).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
  await expect(detail('mgrB', members.a1.id)).rejects.toMatchObject({ status: 404 });
  await expect(detail('hq', members.deleted.id)).rejects.toMatchObject({ status: 404 });
  await expect(detail('hq', 999999)).rejects.toMatchObject({ status: 404 });
  expect((await detail('mgrA', members.a3.id)).phoneMasked).toBeNull();
  await expect(detail('clerk', members.a1.id)).rejects.toMatchObject({ status: 403 });
});

test('staff list is for HQ admins only', async () => {
  const res = await t.client(tokens.hq).call(identity.listStaff);
  expect(res.items.map((s) => s.username)).toEqual(expect.arrayContaining(['hq', staff.mgrA.username, staff.clerk.username]));
  for (const k of ['mgrA', 'ownerA1', 'clerk'] as const) {
    await expect(t.client(tokens[k]).call(identity.listStaff)).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
  }
});

test('WeCom login maps the OAuth userid to a staff account', async () => {
  const code = await t.wecomCode('zhangsan');
  const res = await t.client().call(identity.wecomLogin, { body: { code } });
  expect(res.staff).toMatchObject({ id: staff.mgrA.id, role: 'store_manager', wecomUserId: 'zhangsan' });
  expect((await t.client(res.token).call(identity.staffMe)).id).toBe(staff.mgrA.id);
  await expect(t.client().call(identity.wecomLogin, { body: { code } })).rejects.toMatchObject({ status: 400, code: 'WECOM_CODE_INVALID' });
  const stranger = await t.wecomCode('not_in_our_staff');
  await expect(t.client().call(identity.wecomLogin, { body: { code: stranger } })).rejects.toMatchObject({ status: 403, code: 'WECOM_USER_UNKNOWN' });
  const customer = (await (
    await fetch(`${t.sim.url}/__sim/wecom/oauth-codes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ openid: 'oCustomer' }),
    })
  ).json()) as { code: string };
  await expect(t.client().call(identity.wecomLogin, { body: { code: customer.code } })).rejects.toMatchObject({ code: 'WECOM_USER_UNKNOWN' });
});

test('staff logout revokes only that session', async () => {
  const s1 = await t.client().call(identity.staffLogin, { body: { username: 'hq', password: staff.hq.password } });
  const s2 = await t.client().call(identity.staffLogin, { body: { username: 'hq', password: staff.hq.password } });
  expect(await t.client(s1.token).call(identity.staffLogout)).toEqual({ ok: true });
  await expect(t.client(s1.token).call(identity.staffMe)).rejects.toMatchObject({ status: 401 });
  expect((await t.client(s2.token).call(identity.staffMe)).username).toBe('hq');
});

test('a disabled account loses access on its next request', async () => {
  const s = await makeStaff(t, { role: 'hq_admin' });
  const { token } = await t.client().call(identity.staffLogin, { body: { username: s.username, password: s.password } });
  await (await db(t)).manager.update(StaffUser, { id: s.id }, { active: false });
  await expect(t.client(token).call(identity.listStaff)).rejects.toMatchObject({ status: 401 });
});

test('repeated wrong passwords lock the username for a while (RATE_LIMITED), even for the right password', async () => {
  const s = await makeStaff(t, { role: 'staff' });
  for (let i = 0; i < 10; i++) {
    await expect(t.client().call(identity.staffLogin, { body: { username: s.username, password: `guess-${i}` } })).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
  }
  await expect(t.client().call(identity.staffLogin, { body: { username: s.username, password: s.password } })).rejects.toMatchObject({
    status: 429,
    code: 'RATE_LIMITED',
  });
  // other accounts are unaffected
  await expect(t.client().call(identity.staffLogin, { body: { username: 'hq', password: staff.hq.password } })).resolves.toMatchObject({
    staff: { username: 'hq' },
  });
});
