/**
 * Done-when of issue 12, as a new operator on a fresh machine following the README's deployment
 * guide: NODE_ENV=production, a private MariaDB, the simulator standing in for WeChat/WeCom via
 * the configured base URLs. The server refuses to start before `npm run migrate`; the first HQ
 * admin comes from `npm run admin -- create-admin`, signs in, must change the generated password,
 * adds a store and a staff member, syncs the WeCom directory (a synced clerk signs in to the
 * sidebar) — and a member logs in from the mini-program.
 */
import { CURRENT_PRIVACY_VERSION } from '../../contracts/identity';
import { api, deployment, type Deployment, npmRun, type Server, simPost, startServer } from './harness';

let d: Deployment;
let server: Server | null = null;

beforeAll(async () => {
  d = await deployment();
});
afterAll(async () => {
  await server?.stop();
  await d?.drop();
});

test('a fresh production deployment, set up from the README', async () => {
  // 0. production refuses development values and the demo seed outright
  const refused = await startServer({ ...d.env, SEED_DEMO: '1' }, { expectExit: true });
  expect(await refused.exited).not.toBe(0);
  expect(refused.output()).toMatch(/SEED_DEMO/);

  // 1. servers do not migrate: before `npm run migrate` the server refuses to start
  const early = await startServer(d.env, { expectExit: true });
  expect(await early.exited).not.toBe(0);
  expect(early.output()).toMatch(/npm run migrate/);

  // 2. npm run migrate — twice at once (two deploy jobs): the lock lets one apply, the other finds nothing to do
  const [m1, m2] = await Promise.all([npmRun('migrate', [], d.env), npmRun('migrate', [], d.env)]);
  expect([m1.code, m2.code]).toEqual([0, 0]);
  const outputs = [m1.stdout, m2.stdout].join('\n');
  expect(outputs).toMatch(/applying \d+/);
  expect(outputs).toMatch(/schema up to date/);

  // 3. the first HQ admin from the command line (idempotent)
  expect((await npmRun('admin', ['--help'], d.env)).stdout).toMatch(/create-admin/);
  const created = await npmRun('admin', ['create-admin', '--username', 'boss', '--name', '王总'], d.env);
  expect(created.code).toBe(0);
  const oneTime = /one-time password: (\S+)/.exec(created.stdout)?.[1];
  expect(oneTime).toBeTruthy();
  expect((await npmRun('admin', ['create-admin', '--username', 'boss'], d.env)).stdout).toMatch(/nothing changed/);

  // 4. start the server: production rules, JSON log lines
  server = await startServer(d.env);
  const base = server.url;
  expect((await api(base, 'GET', '/api/live')).status).toBe(200);
  expect((await api(base, 'GET', '/api/config')).body).toMatchObject({ env: 'production', simulator: null });
  expect((await api(base, 'GET', '/api/openapi.json')).status).toBe(404);
  const demo = await api(base, 'POST', '/api/auth/staff/login', { username: 'admin', password: 'admin123' });
  expect(demo.status).toBe(401); // no demo accounts in production

  // 5. the admin signs in; the generated password must be changed before anything else
  const login = await api(base, 'POST', '/api/auth/staff/login', { username: 'boss', password: oneTime });
  expect(login.status).toBe(200);
  expect(login.body.staff).toMatchObject({ role: 'hq_admin', mustChangePassword: true });
  let token: string = login.body.token;
  expect((await api(base, 'GET', '/api/admin/stores', undefined, token)).body.code).toBe('PASSWORD_CHANGE_REQUIRED');
  const changed = await api(base, 'POST', '/api/staff/me/password', { currentPassword: oneTime, newPassword: 'Chain-HQ-2026' }, token);
  expect(changed.status).toBe(200);
  token = (await api(base, 'POST', '/api/auth/staff/login', { username: 'boss', password: 'Chain-HQ-2026' })).body.token;

  // 6. a store (mapped to the WeCom department 「滨江店」) and a staff member
  const store = await api(
    base,
    'POST',
    '/api/admin/stores',
    {
      name: '滨江店',
      region: '城东片区',
      address: '江南大道188号',
      openingHours: '07:00-22:00',
      targetHouseholds: 1800,
      wecomDepartmentId: 2,
      pickupCounters: ['1号柜台'],
    },
    token,
  );
  expect(store.status).toBe(200);
  const manager = await api(
    base,
    'POST',
    '/api/admin/staff',
    { username: 'zhang.manager', displayName: '张店长', role: 'store_manager', storeId: store.body.id },
    token,
  );
  expect(manager.status).toBe(200);
  const mLogin = await api(base, 'POST', '/api/auth/staff/login', { username: 'zhang.manager', password: manager.body.initialPassword });
  expect(mLogin.body.staff).toMatchObject({ storeName: '滨江店', mustChangePassword: true });

  // 7. the WeCom address book: two clerks in the store's department
  await simPost(d.sim, '/__sim/wecom/directory', {
    departments: [{ id: 2, name: '滨江店', parentid: 1 }],
    users: [
      { userid: 'lisi', name: '李四', department: [2] },
      { userid: 'zhaoliu', name: '赵六', department: [2] },
    ],
  });
  const sync = await api(base, 'POST', '/api/admin/wecom-directory/sync', undefined, token);
  expect(sync.status).toBe(200);
  expect(sync.body.created.sort()).toEqual(['lisi', 'zhaoliu']);
  const { code: oauth } = await simPost<{ code: string }>(d.sim, '/__sim/wecom/oauth-codes', { userid: 'lisi' });
  const sidebar = await api(base, 'POST', '/api/auth/wecom/login', { code: oauth });
  expect(sidebar.status).toBe(200);
  expect(sidebar.body.staff).toMatchObject({ displayName: '李四', storeName: '滨江店' });

  // 8. a member logs in from the mini-program (the chain's only store becomes theirs)
  const wx = await simPost<{ code: string }>(d.sim, '/__sim/wechat/codes', {});
  const member = await api(base, 'POST', '/api/auth/member/login', { code: wx.code, consentVersion: CURRENT_PRIVACY_VERSION });
  expect(member.status).toBe(200);
  expect(member.body).toMatchObject({ isNew: true, member: { storeName: '滨江店' } });
  expect((await api(base, 'GET', '/api/me', undefined, member.body.token)).status).toBe(200);

  // 9. the audit trail names who did what
  const audit = await api(base, 'GET', '/api/admin/staff-audit?pageSize=50', undefined, token);
  const actions = audit.body.items.map((i: { actor: string; action: string }) => `${i.actor} ${i.action}`);
  expect(actions).toEqual(
    expect.arrayContaining([
      '命令行 staff.create',
      '王总 staff.change_password',
      '王总（boss） store.create',
      '王总（boss） staff.create',
      '企业微信通讯录同步 directory.sync',
    ]),
  );

  // 10. operating it: readiness, metrics, JSON log lines
  expect((await api(base, 'GET', '/api/ready')).body).toEqual({ status: 'ready', reasons: [] });
  const metrics = await api<string>(base, 'GET', '/metrics');
  expect(metrics.body).toMatch(/hub_http_requests_total\{method="POST",route="\/api\/auth\/staff\/login",status="200"\} \d+/);
  expect(metrics.body).toMatch(/hub_queue_depth\{queue="wecom_outbound"\} \d+/);
  expect(metrics.body).toMatch(/hub_platform_calls_total\{platform="wecom",api="user\/simplelist",outcome="ok",errcode="0"\} 1/);
  const lines = server
    .output()
    .split('\n')
    .filter((l) => l.trim());
  expect(lines.length).toBeGreaterThan(0);
  const notJson = lines.filter((l) => {
    try {
      return typeof JSON.parse(l) !== 'object';
    } catch {
      return true;
    }
  });
  expect(notJson).toEqual([]);
});
