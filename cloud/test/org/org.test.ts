/**
 * Provisioning: stores and staff accounts from the ops API with their audit trail, the forced
 * password change, the admin CLI on the same database, and the WeCom address-book sync with
 * 离职继承 against the simulator.
 */
import { identity, org } from '../../../contracts';
import { ApiError } from '../../../contracts/client';
import { runAdmin } from '../../src/cli/admin';
import { StaffUser } from '../../src/modules/identity/entities/staff-user.entity';
import { WecomHandover } from '../../src/modules/identity/entities/wecom-handover.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { db, makeStaff } from '../helpers/fixtures';

let t: TestApp;
let hqToken: string;

async function sim<T = unknown>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${t.sim.url}/__sim/wecom${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function fails(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    return err as ApiError;
  }
  throw new Error('expected the call to fail');
}

function cli(argv: string[], stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  return (async () => {
    const d = await db(t);
    const code = await runAdmin(argv, { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => stdin }, async () => d.dataSource, false);
    return { code, out: out.join('\n'), err: err.join('\n') };
  })();
}

beforeAll(async () => {
  t = await startTestApp();
  const hq = await makeStaff(t, { role: 'hq_admin', username: 'hq', displayName: '总部' });
  hqToken = (await t.client().call(identity.staffLogin, { body: { username: 'hq', password: hq.password } })).token;
});
afterAll(async () => {
  await t?.close();
});

test('stores: HQ creates and edits them (chain → region → store); every change is audited; others may only read', async () => {
  const c = t.client(hqToken);
  const a = await c.call(org.createStore, {
    body: {
      name: '滨江店',
      region: '城东片区',
      address: '江南大道188号',
      latitude: 30.208,
      longitude: 120.211,
      openingHours: '07:00-22:00',
      targetHouseholds: 1800,
      pickupCounters: ['1号柜台'],
    },
  });
  expect(a).toMatchObject({ name: '滨江店', region: '城东片区', latitude: 30.208, longitude: 120.211, pickupCounters: ['1号柜台'], active: true });
  const b = await c.call(org.createStore, { body: { name: '湖畔店', region: '城西片区' } });
  expect((await fails(c.call(org.createStore, { body: { name: '滨江店' } }))).code).toBe('STORE_NAME_TAKEN');
  expect((await fails(c.call(org.createStore, { body: { name: '坏时间', openingHours: '7点到10点' } }))).code).toBe('VALIDATION_FAILED');

  const edited = await c.call(org.updateStore, { params: { storeId: b.id }, body: { targetHouseholds: 900, wecomDepartmentId: 4 } });
  expect(edited).toMatchObject({ name: '湖畔店', targetHouseholds: 900, wecomDepartmentId: 4 });
  expect((await fails(c.call(org.updateStore, { params: { storeId: b.id }, body: { name: '滨江店' } }))).code).toBe('STORE_NAME_TAKEN');

  const audit = await c.call(org.listAudit, { query: { targetKind: 'store', targetId: b.id } });
  expect(audit.items.map((i) => i.action)).toEqual(['store.update', 'store.create']);
  expect(audit.items[0]).toMatchObject({
    actor: '总部（hq）',
    targetName: '湖畔店',
    detail: { targetHouseholds: { from: null, to: 900 }, wecomDepartmentId: { from: null, to: 4 } },
  });

  const clerk = await makeStaff(t, { role: 'staff', storeId: a.id });
  const clerkToken = (await t.client().call(identity.staffLogin, { body: { username: clerk.username, password: clerk.password } })).token;
  const seen = await t.client(clerkToken).call(org.listStores);
  expect(seen.items[0].id).toBe(a.id); // their own store first
  expect((await fails(t.client(clerkToken).call(org.createStore, { body: { name: '越权店' } }))).status).toBe(403);
});

test('staff: created with a one-time password that must be changed before anything else; reset and disable end sessions', async () => {
  const c = t.client(hqToken);
  const stores = (await c.call(org.listStores)).items;
  const { staff, initialPassword } = await c.call(org.createStaff, {
    body: { username: 'lina', displayName: '李娜', role: 'store_manager', storeId: stores[0].id },
  });
  expect(staff).toMatchObject({ username: 'lina', role: 'store_manager', storeId: stores[0].id, mustChangePassword: true, active: true });
  expect(initialPassword).toMatch(/^[A-Za-z2-9]{16}$/);
  expect((await fails(c.call(org.createStaff, { body: { username: 'lina', displayName: '重名', role: 'staff' } }))).code).toBe('USERNAME_TAKEN');
  expect((await fails(c.call(org.createStaff, { body: { username: 'hq2', displayName: '总部2', role: 'hq_admin', storeId: stores[0].id } }))).code).toBe(
    'VALIDATION_FAILED',
  );

  const login = await t.client().call(identity.staffLogin, { body: { username: 'lina', password: initialPassword } });
  expect(login.staff.mustChangePassword).toBe(true);
  const lina = t.client(login.token);
  expect((await lina.call(identity.staffMe)).username).toBe('lina');
  expect((await fails(lina.call(identity.listMembers, { query: {} }))).code).toBe('PASSWORD_CHANGE_REQUIRED');
  expect((await fails(lina.call(org.changeOwnPassword, { body: { currentPassword: 'wrong', newPassword: 'Abcdefgh12345' } }))).code).toBe('PASSWORD_INCORRECT');
  expect((await fails(lina.call(org.changeOwnPassword, { body: { currentPassword: initialPassword, newPassword: 'aaaaaaaaaaaa' } }))).code).toBe(
    'VALIDATION_FAILED',
  );
  const changed = await lina.call(org.changeOwnPassword, { body: { currentPassword: initialPassword, newPassword: 'Shop2026-store' } });
  expect(changed.mustChangePassword).toBe(false);
  expect((await lina.call(identity.listMembers, { query: {} })).items).toEqual([]);

  // HQ edits the role: the old sessions (with the old role) end
  const edited = await c.call(org.updateStaff, { params: { staffId: staff.id }, body: { role: 'group_owner', displayName: '团长李娜' } });
  expect(edited).toMatchObject({ role: 'group_owner', displayName: '团长李娜', storeId: stores[0].id });
  expect((await fails(lina.call(identity.staffMe))).status).toBe(401);

  const reset = await c.call(org.resetStaffPassword, { params: { staffId: staff.id } });
  expect(reset.staff.mustChangePassword).toBe(true);
  expect((await fails(t.client().call(identity.staffLogin, { body: { username: 'lina', password: 'Shop2026-store' } }))).code).toBe('INVALID_CREDENTIALS');
  const again = await t.client().call(identity.staffLogin, { body: { username: 'lina', password: reset.initialPassword } });

  await c.call(org.updateStaff, { params: { staffId: staff.id }, body: { active: false } });
  expect((await fails(t.client(again.token).call(identity.staffMe))).status).toBe(401);
  expect((await fails(t.client().call(identity.staffLogin, { body: { username: 'lina', password: reset.initialPassword } }))).code).toBe('INVALID_CREDENTIALS');

  // the only HQ admin cannot lock themselves out
  const me = await c.call(identity.staffMe);
  expect((await fails(c.call(org.updateStaff, { params: { staffId: me.id }, body: { active: false } }))).status).toBe(403);

  const trail = await c.call(org.listAudit, { query: { targetKind: 'staff', targetId: staff.id } });
  expect(trail.items.map((i) => i.action)).toEqual(['staff.disable', 'staff.reset_password', 'staff.update', 'staff.change_password', 'staff.create']);
  expect(trail.items.find((i) => i.action === 'staff.change_password')?.actor).toBe('李娜');
  expect(JSON.stringify(trail.items)).not.toMatch(/scrypt|Lina2026/);
});

test('admin CLI: first admin with a generated password, idempotent, reset / disable / list, audited as 命令行', async () => {
  const help = await cli(['--help']);
  expect(help.code).toBe(0);
  expect(help.out).toMatch(/create-admin/);
  expect((await cli(['explode'])).code).toBe(2);

  const first = await cli(['create-admin', '--username', 'boss', '--name', '王总']);
  expect(first.code).toBe(0);
  const password = /one-time password: (\S+)/.exec(first.out)?.[1];
  expect(password).toMatch(/^[A-Za-z2-9]{16}$/);
  const again = await cli(['create-admin', '--username', 'boss']);
  expect(again).toMatchObject({ code: 0 });
  expect(again.out).toMatch(/nothing changed/);
  const boss = await (await db(t)).manager.findOneByOrFail(StaffUser, { username: 'boss' });
  expect(boss).toMatchObject({ role: 'hq_admin', displayName: '王总', mustChangePassword: true, active: true });

  const login = await t.client().call(identity.staffLogin, { body: { username: 'boss', password: password! } });
  expect(login.staff.mustChangePassword).toBe(true);

  const piped = await cli(['create-admin', '--username', 'boss2', '--password-stdin'], 'short\n');
  expect(piped.code).toBe(2);
  expect((await cli(['create-admin', '--username', 'boss2', '--password-stdin'], 'Chosen-pass-2026\n')).code).toBe(0);
  await t.client().call(identity.staffLogin, { body: { username: 'boss2', password: 'Chosen-pass-2026' } });

  const reset = await cli(['reset-password', '--username', 'boss']);
  const fresh = /one-time password: (\S+)/.exec(reset.out)?.[1];
  expect(fresh && fresh !== password).toBe(true);
  expect((await fails(t.client(login.token).call(identity.staffMe))).status).toBe(401);

  expect((await cli(['disable', '--username', 'boss2'])).out).toMatch(/disabled/);
  expect((await cli(['disable', '--username', 'boss2'])).out).toMatch(/already disabled/);
  expect((await cli(['disable', '--username', 'nobody'])).code).toBe(2);
  const list = await cli(['list']);
  expect(list.out).toMatch(/boss\t王总\thq_admin\t-\t-\tmust-change-password/);
  expect(list.out).toMatch(/boss2\t.*\tdisabled/);
  const audit = await t.client(hqToken).call(org.listAudit, { query: { targetId: boss.id, targetKind: 'staff' } });
  expect(audit.items.map((i) => [i.actor, i.action])).toEqual([
    ['命令行', 'staff.reset_password'],
    ['命令行', 'staff.create'],
  ]);
});

test('directory sync: departments map to stores, members become WeCom accounts, departures are disabled and their customers handed over', async () => {
  const c = t.client(hqToken);
  const stores = (await c.call(org.listStores)).items;
  const binjiang = stores.find((s) => s.name === '滨江店')!;
  const hupan = stores.find((s) => s.name === '湖畔店')!;
  await c.call(org.updateStore, { params: { storeId: binjiang.id }, body: { wecomDepartmentId: 2 } });
  await sim('/directory', {
    departments: [
      { id: 2, name: '滨江店', parentid: 1 },
      { id: 4, name: '湖畔店', parentid: 1 },
      { id: 5, name: '湖畔店生鲜组', parentid: 4 },
      { id: 9, name: '财务部', parentid: 1 },
    ],
    users: [
      { userid: 'zhangsan', name: '张三', department: [2] },
      { userid: 'xiaomei', name: '小美', department: [5] },
      { userid: 'kuaiji', name: '会计', department: [9] },
    ],
  });
  const r1 = await c.call(org.syncDirectory);
  expect(r1).toMatchObject({ departments: 5, departed: [], unmapped: ['kuaiji'] });
  expect(r1.created.sort()).toEqual(['kuaiji', 'xiaomei', 'zhangsan']);
  const d = await db(t);
  expect(await d.manager.findOneByOrFail(StaffUser, { wecomUserId: 'xiaomei' })).toMatchObject({
    displayName: '小美',
    storeId: hupan.id,
    role: 'staff',
    passwordHash: null,
    active: true,
  });

  // the sidebar's OAuth now finds them
  const wl = await t.client().call(identity.wecomLogin, { body: { code: await t.wecomCode('zhangsan') } });
  expect(wl.staff).toMatchObject({ displayName: '张三', storeId: binjiang.id });

  // HQ makes zhangsan 滨江店's manager; a second sync changes nothing
  const zs = await d.manager.findOneByOrFail(StaffUser, { wecomUserId: 'zhangsan' });
  await c.call(org.updateStaff, { params: { staffId: zs.id }, body: { role: 'store_manager' } });
  const hqStaff = await d.manager.findOneByOrFail(StaffUser, { username: 'hq' });
  await d.manager.update(StaffUser, { id: hqStaff.id }, { wecomUserId: 'chenjing' });
  await sim('/directory/users', { userid: 'chenjing', name: '陈静', department: [1] });
  await sim('/directory/users', { userid: 'wanglei', name: '王磊', department: [2] });
  const r2 = await c.call(org.syncDirectory);
  expect(r2.created).toEqual(['wanglei']);
  expect(r2.updated).toEqual(['chenjing']);

  // wanglei has two customers, then leaves the company
  const ext1 = (await sim<{ external_userid: string }>('/contacts', { userid: 'wanglei' })).external_userid;
  const ext2 = (await sim<{ external_userid: string }>('/contacts', { userid: 'wanglei' })).external_userid;
  await sim('/directory/depart', { userid: 'wanglei' });
  const r3 = await c.call(org.syncDirectory);
  expect(r3.departed).toEqual(['wanglei']);
  expect(r3.handovers).toEqual({ requested: 2, failed: 0 });
  expect(await d.manager.findOneByOrFail(StaffUser, { wecomUserId: 'wanglei' })).toMatchObject({ active: false });
  expect((await fails(t.client().call(identity.wecomLogin, { body: { code: await t.wecomCode('wanglei') } }))).code).toBe('WECOM_USER_UNKNOWN');
  const handovers = await c.call(org.listHandovers, { query: {} });
  expect(handovers.items.map((h) => [h.externalUserid, h.takeoverUserid, h.status]).sort()).toEqual(
    [
      [ext1, 'zhangsan', 'waiting'],
      [ext2, 'zhangsan', 'waiting'],
    ].sort(),
  );

  // a retried sync asks WeCom nothing twice; one customer refuses, the other is taken over after 24 h
  const transfersBefore = t.sim.calls.filter((x) => x.path.endsWith('/resigned/transfer_customer')).length;
  await sim('/directory/refuse-transfer', { external_userid: ext2 });
  t.sim.advanceClock(24 * 3600_000 + 1000);
  await c.call(org.syncDirectory);
  expect(t.sim.calls.filter((x) => x.path.endsWith('/resigned/transfer_customer')).length).toBe(transfersBefore);
  const rows = await d.manager.find(WecomHandover, { order: { id: 'ASC' } });
  expect(Object.fromEntries(rows.map((r) => [r.externalUserid, r.status]))).toEqual({ [ext1]: 'done', [ext2]: 'refused' });

  // an empty directory (visible range misconfigured) disables nobody
  await sim('/directory', { departments: [], users: [] });
  expect((await c.call(org.syncDirectory)).departed).toEqual([]);
  expect(await d.manager.findOneByOrFail(StaffUser, { wecomUserId: 'zhangsan' })).toMatchObject({ active: true });
});
