/**
 * Smoke check of the BUILT pages (web/dist) in headless Chromium, with /api answered by mocks.
 * It proves the bundles load under /admin/ and /sidebar/, call the contract routes with the right
 * inputs and render what comes back. The real end-to-end tests run against the real server.
 *
 *   npm run build -w web && npm run smoke -w web        (SMOKE_OUT=dir keeps the screenshots)
 */
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '../dist');
const outDir = process.env.SMOKE_OUT ?? fs.mkdtempSync(path.join(os.tmpdir(), 'web-smoke-'));
fs.mkdirSync(outDir, { recursive: true });
if (!fs.existsSync(path.join(dist, 'admin/index.html'))) {
  console.error('web/dist is missing: run `npm run build -w web` first');
  process.exit(2);
}

// ---------- tiny static server: dist/admin at /admin/, dist/sidebar at /sidebar/, as the cloud server mounts them ----------
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' };
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/admin' || url.pathname === '/sidebar') {
    res.writeHead(302, { location: `${url.pathname}/${url.search}` }).end();
    return;
  }
  let file = path.normalize(path.join(dist, decodeURIComponent(url.pathname)));
  if (!file.startsWith(dist)) return void res.writeHead(403).end();
  if (file.endsWith(path.sep)) file = path.join(file, 'index.html');
  fs.readFile(file, (err, body) => {
    if (err) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(body);
  });
});
async function listen() {
  for (let i = 0; i < 20; i++) {
    const port = 7400 + Math.floor(Math.random() * 100);
    const ok = await new Promise((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) return port;
  }
  throw new Error('no free port in 7400-7499');
}
const port = await listen();
const origin = `http://127.0.0.1:${port}`;

// ---------- checks ----------
let passed = 0;
let failed = 0;
function check(name, cond, extra = '') {
  if (cond) passed++;
  else failed++;
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${name}${cond || !extra ? '' : ` — ${extra}`}`);
}
async function waitFor(fn, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch {
      /* retry */
    }
    if (Date.now() > end) return null;
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ---------- fixtures ----------
const sectionsAll = ['dashboard', 'members', 'staff', 'permissions', 'contests', 'classes', 'preorders', 'journeys', 'tags'];
const hq = { id: 1, username: 'admin', displayName: '王总', role: 'hq_admin', storeId: null, storeName: null, wecomUserId: 'wangzong', sections: sectionsAll };
const manager = {
  id: 2,
  username: 'li',
  displayName: '李店长',
  role: 'store_manager',
  storeId: 3,
  storeName: '阳光店',
  wecomUserId: 'lidz',
  sections: ['dashboard', 'members'],
};
const members = Array.from({ length: 45 }, (_, i) => ({
  id: i + 1,
  nickname: i === 0 ? '张阿姨' : `会员${i + 1}`,
  phoneMasked: `138****${String(1000 + i)}`,
  tier: i % 3 === 0 ? '金卡' : '新客',
  storeName: '阳光店',
  householdName: i === 0 ? '张家' : null,
  groupOwnerName: i === 0 ? '李店长' : null,
  // 16:30 UTC is 00:30 the next day in Shanghai: the page must show 2026-01-02 00:30.
  createdAt: '2026-01-01T16:30:00.000Z',
}));

const config = (over = {}) => ({
  env: 'development',
  privacyVersion: '2026-11-01',
  wecom: { corpId: 'ww_test_corp', agentId: '1000002' },
  simulator: { baseUrl: `${origin}/sim` },
  ...over,
});
const contactLinked = {
  externalUserId: 'wmABC',
  name: '张阿姨',
  avatarUrl: null,
  member: {
    id: 1,
    nickname: '张阿姨',
    tier: '金卡',
    storeName: '阳光店',
    householdName: '张家',
    tags: ['爱做饭', '年夜饭意向', '周末有空'],
    recentActivity: [
      { at: '2026-11-20T02:05:00.000Z', text: '报名「家常红烧肉」（11月22日 14:00）', kind: 'class_registered' },
      { at: '2026-11-18T11:40:00.000Z', text: '为「晒出你家的传家年夜菜」的作品投了 1 票', kind: 'contest_votes' },
    ],
    offers: [{ key: 'tier', text: '推荐预订年夜饭「团圆套餐」，可在小程序内选自提时段', reason: '按会员等级（金卡）推荐' }],
  },
};

const journeyNew = {
  id: 1,
  builtinKey: 'new_member',
  name: '新客旅程',
  description: '加好友后发欢迎语；第3天仍未互动发菜谱；第7天提醒员工问候。',
  active: true,
  trigger: { type: 'contact_added' },
  steps: [
    {
      name: '第3天·菜谱关怀',
      waitHours: 72,
      condition: 'no_interaction',
      action: { type: 'message', text: '{客户称呼}您好～分享一道家常菜', attachments: [] },
    },
    {
      name: '第7天·员工问候',
      waitHours: 96,
      condition: 'no_interaction',
      action: { type: 'staff_task', title: '一对一问候新客户', detail: '', assignee: 'owner', dueHours: 48 },
    },
  ],
  version: 1,
  stats: { active: 3, completed: 1, exited: 0, waitingByStep: [2, 1] },
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
};
const task = {
  id: 7,
  title: '一对一问候新客户',
  detail: '客户加好友一周还没有互动',
  externalUserId: 'wmABC',
  customerName: '张阿姨',
  memberId: 1,
  journeyName: '新客旅程',
  status: 'open',
  dueAt: '2099-01-01T00:00:00.000Z',
  createdAt: '2026-11-20T02:00:00.000Z',
  doneAt: null,
};
const enrolment = (externalUserId) => ({
  id: 3,
  journeyId: 1,
  journeyName: '新客旅程',
  externalUserId,
  customerName: '张阿姨',
  memberId: 1,
  staffUserId: 'lidz',
  status: 'active',
  nextStep: 1,
  nextStepName: '第7天·员工问候',
  // 16:30 UTC = 00:30 the next day in Shanghai
  nextDueAt: '2026-11-24T16:30:00.000Z',
  enrolledAt: '2026-11-18T02:00:00.000Z',
  exitReason: null,
  log: [{ stepIndex: null, stepName: null, outcome: 'enrolled', detail: null, at: '2026-11-18T02:00:00.000Z' }],
});

// ---------- mock API ----------
function mockApi(context, state) {
  const calls = [];
  const json = (route, status, body) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
  const unauth = (route) => json(route, 401, { code: 'UNAUTHENTICATED', message: '请先登录' });
  const authed = (req) => (req.headers()['authorization'] ?? '') === `Bearer ${state.token}` && state.token;
  context.route('**/sim/__sim/wecom/oauth-codes', async (route) => {
    const req = route.request();
    calls.push({ path: '/__sim/wecom/oauth-codes', method: req.method(), body: req.postDataJSON() });
    json(route, 200, { code: `simcode-${req.postDataJSON().userid}` });
  });
  context.route('**/api/**', async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    const body = req.postData() ? req.postDataJSON() : undefined;
    calls.push({ path: url.pathname, method: req.method(), query: Object.fromEntries(url.searchParams), body, auth: req.headers()['authorization'] });
    const p = url.pathname;
    if (p === '/api/config') return json(route, 200, state.config);
    if (p === '/api/auth/staff/login') {
      if (body.username === 'admin' && body.password === 'right') {
        state.token = 'tok-admin';
        state.me = hq;
        return json(route, 200, { token: state.token, staff: hq });
      }
      if (body.username === 'li' && body.password === 'right') {
        state.token = 'tok-li';
        state.me = manager;
        return json(route, 200, { token: state.token, staff: manager });
      }
      return json(route, 401, { code: 'INVALID_CREDENTIALS', message: '用户名或密码错误' });
    }
    if (p === '/api/auth/wecom/login') {
      if (body.code === 'bad') return json(route, 400, { code: 'WECOM_CODE_INVALID', message: '企业微信授权已失效，请从企业微信重新打开' });
      state.token = `tok-${body.code}`;
      state.me = { ...manager, displayName: '李店长' };
      return json(route, 200, { token: state.token, staff: state.me });
    }
    if (!authed(req) || state.expire) return unauth(route);
    if (p === '/api/auth/staff/logout') return json(route, 200, { ok: true });
    if (p === '/api/staff/me') return json(route, 200, state.me);
    if (p === '/api/admin/members') {
      const page = Number(url.searchParams.get('page') ?? 1);
      const pageSize = Number(url.searchParams.get('pageSize') ?? 20);
      const q = url.searchParams.get('q') ?? '';
      const hits = members.filter((m) => !q || m.nickname.includes(q) || m.phoneMasked.includes(q));
      return json(route, 200, { items: hits.slice((page - 1) * pageSize, page * pageSize), total: hits.length, page, pageSize });
    }
    const detail = p.match(/^\/api\/admin\/members\/(\d+)$/);
    if (detail) {
      const m = members.find((x) => x.id === Number(detail[1]));
      return m
        ? json(route, 200, { ...m, householdMembers: m.id === 1 ? [{ id: 7, nickname: '张叔叔' }] : [] })
        : json(route, 404, { code: 'NOT_FOUND', message: '内容不存在或已删除' });
    }
    if (p === '/api/admin/staff') {
      if (state.me.role !== 'hq_admin') return json(route, 403, { code: 'FORBIDDEN', message: '没有权限执行此操作' });
      return json(route, 200, { items: [hq, manager] });
    }
    if (p === '/api/wecom/jssdk/signature') {
      return json(route, 200, {
        corpId: 'ww_test_corp',
        agentId: '1000002',
        corp: { timestamp: 1700000000, nonceStr: 'n-corp', signature: 'sig-corp' },
        agent: { timestamp: 1700000001, nonceStr: 'n-agent', signature: 'sig-agent' },
      });
    }
    if (p === '/api/admin/journeys') return json(route, 200, { items: [journeyNew] });
    if (p === '/api/sidebar/tasks') return json(route, 200, { items: state.tasks ?? [task] });
    const done = p.match(/^\/api\/sidebar\/tasks\/(\d+)\/complete$/);
    if (done) {
      state.tasks = [];
      return json(route, 200, { ...task, status: 'done', doneAt: '2026-11-20T03:00:00.000Z' });
    }
    const journeysOf = p.match(/^\/api\/sidebar\/contacts\/(.+)\/journeys$/);
    if (journeysOf) return json(route, 200, { optedOut: false, items: [enrolment(decodeURIComponent(journeysOf[1]))] });
    const contact = p.match(/^\/api\/sidebar\/contacts\/(.+)$/);
    if (contact) {
      const id = decodeURIComponent(contact[1]);
      if (id === 'wmNEW') return json(route, 200, { externalUserId: id, name: '新客户', avatarUrl: null, member: null });
      return json(route, 200, { ...contactLinked, externalUserId: id });
    }
    return json(route, 404, { code: 'NOT_FOUND', message: '内容不存在或已删除' });
  });
  return calls;
}

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'web-smoke-chromium-'));
const args = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const browser = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args,
  viewport: { width: 1280, height: 800 },
  locale: 'zh-CN',
  timezoneId: 'America/New_York',
});
const pageErrors = [];

async function newPage(context) {
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return page;
}
const text = (page, id) => page.locator(`[data-testid="${id}"]`).first().innerText();
const visible = (page, id) => page.locator(`[data-testid="${id}"]`).first().isVisible();

try {
  // ================= ops page =================
  {
    const state = { config: config(), token: null, me: null };
    const calls = mockApi(browser, state);
    const page = await newPage(browser);
    await page.goto(`${origin}/admin`);
    check('admin: unauthenticated visit lands on the login screen', await waitFor(() => visible(page, 'login-username')));
    check('admin: hash routing (#/login)', page.url().includes('/admin/#/login'), page.url());
    await page.screenshot({ path: path.join(outDir, 'admin-login.png') });

    await page.fill('[data-testid="login-username"]', 'admin');
    await page.fill('[data-testid="login-password"]', 'wrong');
    await page.click('[data-testid="login-submit"]');
    check('admin: wrong password shows the server message', await waitFor(async () => (await text(page, 'login-error')).includes('用户名或密码错误')));

    await page.fill('[data-testid="login-password"]', 'right');
    await page.click('[data-testid="login-submit"]');
    check('admin: after login the current user is shown', await waitFor(async () => (await text(page, 'current-user')).includes('王总')));
    check('admin: token kept in sessionStorage', (await page.evaluate(() => sessionStorage.getItem('hub.admin.token'))) === 'tok-admin');
    check(
      'admin: staffMe called with the bearer token',
      calls.some((c) => c.path === '/api/staff/me' && c.auth === 'Bearer tok-admin'),
    );
    check('admin: lands on 概览', page.url().endsWith('#/dashboard'), page.url());
    const navIds = await page.locator('[data-testid^="nav-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    check(
      'admin: navigation built from sections (permissions merged into staff)',
      JSON.stringify(navIds) ===
        JSON.stringify(['nav-dashboard', 'nav-members', 'nav-staff', 'nav-contests', 'nav-classes', 'nav-preorders', 'nav-journeys', 'nav-tags']),
      JSON.stringify(navIds),
    );
    check('admin: nav labels in Chinese', (await text(page, 'nav-preorders')) === '年夜饭预订' && (await text(page, 'nav-journeys')) === '旅程SOP');
    await page.screenshot({ path: path.join(outDir, 'admin-dashboard.png') });

    await page.click('[data-testid="nav-members"]');
    await waitFor(async () => (await page.locator('[data-testid="members-table"] tbody tr.ant-table-row').count()) === 20);
    check('admin: members table shows the first page (20 rows)', (await page.locator('[data-testid="members-table"] tbody tr.ant-table-row').count()) === 20);
    const firstCall = calls.find((c) => c.path === '/api/admin/members');
    check(
      'admin: listMembers called with page=1&pageSize=20',
      firstCall?.query.page === '1' && firstCall?.query.pageSize === '20',
      JSON.stringify(firstCall?.query),
    );
    const firstRow = await page.locator('[data-testid="members-table"] tbody tr.ant-table-row').first().innerText();
    check(
      'admin: row shows masked phone, tier label, Shanghai time',
      firstRow.includes('138****1000') && firstRow.includes('金卡') && firstRow.includes('2026-01-02 00:30'),
      firstRow,
    );
    check('admin: total shown', (await page.locator('.ant-pagination-total-text').innerText()).includes('共 45 位会员'));
    check(
      'admin: antd speaks Chinese (zh_CN locale)',
      (await page.locator('.ant-pagination-options').innerText()).includes('条/页'),
      await page.locator('.ant-pagination-options').innerText(),
    );
    await page.screenshot({ path: path.join(outDir, 'admin-members.png') });

    await page.click('.ant-pagination-item-3');
    check('admin: page 3 requested from the server', await waitFor(() => calls.some((c) => c.path === '/api/admin/members' && c.query.page === '3')));
    check(
      'admin: page 3 shows the remaining 5',
      await waitFor(async () => (await page.locator('[data-testid="members-table"] tbody tr.ant-table-row').count()) === 5),
    );

    await page.fill('[data-testid="members-search"]', '张');
    await page.keyboard.press('Enter');
    check(
      'admin: search sends q and resets to page 1',
      await waitFor(() => calls.some((c) => c.path === '/api/admin/members' && c.query.q === '张' && c.query.page === '1')),
    );
    check(
      'admin: search result rendered',
      await waitFor(async () => (await page.locator('[data-testid="members-table"] tbody tr.ant-table-row').count()) === 1),
    );

    await page.locator('[data-testid="members-table"] tbody tr.ant-table-row').first().click();
    check('admin: row click opens the detail drawer', await waitFor(async () => (await text(page, 'member-detail')).includes('张叔叔')));
    check(
      'admin: getMemberDetail called for member 1',
      calls.some((c) => c.path === '/api/admin/members/1'),
    );
    await page.waitForTimeout(500); // let the drawer finish sliding in
    await page.screenshot({ path: path.join(outDir, 'admin-member-drawer.png') });
    await page.keyboard.press('Escape');

    await page.click('[data-testid="nav-staff"]');
    check('admin: staff table lists accounts', await waitFor(async () => (await text(page, 'staff-table')).includes('李店长')));
    check('admin: staff roles in Chinese', (await text(page, 'staff-table')).includes('总部管理员'));

    await page.click('[data-testid="nav-journeys"]');
    check('admin: 旅程SOP lists journeys with waiting counts', await waitFor(async () => (await text(page, 'journey-card-new_member')).includes('等待 2 人')));
    check(
      'admin: journey trigger and step summary in Chinese',
      (await text(page, 'journey-card-new_member')).includes('添加企业微信好友') && (await text(page, 'journey-card-new_member')).includes('一对一问候新客户'),
    );
    await page.screenshot({ path: path.join(outDir, 'admin-journeys.png'), fullPage: true });

    await page.click('[data-testid="nav-preorders"]');
    check(
      'admin: unbuilt section shows 即将上线',
      await waitFor(async () => (await page.locator('[data-testid="coming-soon-preorders"]').innerText()).includes('即将上线')),
    );
    await page.screenshot({ path: path.join(outDir, 'admin-coming-soon.png') });

    await page.goto(`${origin}/admin/#/members`);
    check(
      'admin: deep link survives a reload',
      await waitFor(async () => (await page.locator('[data-testid="members-table"] tbody tr.ant-table-row').count()) === 20),
    );

    state.expire = true;
    await page.click('[data-testid="nav-staff"]');
    check('admin: a 401 sends the user back to login', await waitFor(() => visible(page, 'login-username')));
    check('admin: expired session notice shown', (await page.locator('.ant-alert').first().innerText()).includes('请先登录'));
    check('admin: token dropped on 401', (await page.evaluate(() => sessionStorage.getItem('hub.admin.token'))) === null);
    state.expire = false;

    await page.fill('[data-testid="login-username"]', 'li');
    await page.fill('[data-testid="login-password"]', 'right');
    await page.click('[data-testid="login-submit"]');
    check('admin: login returns to the page that expired', await waitFor(() => page.url().endsWith('#/staff')), page.url());
    check(
      'admin: store manager is refused the staff page',
      await waitFor(async () => (await page.locator('.ant-result-title').innerText()).includes('没有权限')),
    );
    const mgrNav = await page.locator('[data-testid^="nav-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    check(
      'admin: store manager nav has only their sections',
      JSON.stringify(mgrNav) === JSON.stringify(['nav-dashboard', 'nav-members']),
      JSON.stringify(mgrNav),
    );

    await page.click('[data-testid="logout"]');
    check('admin: logout returns to login', await waitFor(() => visible(page, 'login-username')));
    check(
      'admin: logout called the server and cleared the token',
      calls.some((c) => c.path === '/api/auth/staff/logout') && (await page.evaluate(() => sessionStorage.getItem('hub.admin.token'))) === null,
    );
    await page.close();
    await browser.unrouteAll({ behavior: 'ignoreErrors' });
  }

  // ================= sidebar: dev (simulator) =================
  {
    const state = { config: config(), token: null, me: null };
    const calls = mockApi(browser, state);
    const page = await newPage(browser);
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${origin}/sidebar/?dev_userid=lidz&dev_external_userid=wmABC`);
    check('sidebar: contact name shown', await waitFor(async () => (await text(page, 'sidebar-contact-name')) === '张阿姨'));
    const mint = calls.find((c) => c.path === '/__sim/wecom/oauth-codes');
    check('sidebar: dev code minted at the simulator for dev_userid', mint?.method === 'POST' && mint?.body?.userid === 'lidz', JSON.stringify(mint));
    check(
      'sidebar: logged in through wecomLogin with the minted code',
      calls.some((c) => c.path === '/api/auth/wecom/login' && c.body?.code === 'simcode-lidz'),
    );
    check('sidebar: wecomLogin called exactly once', calls.filter((c) => c.path === '/api/auth/wecom/login').length === 1);
    check(
      'sidebar: contact fetched with the session',
      calls.some((c) => c.path === '/api/sidebar/contacts/wmABC' && c.auth === 'Bearer tok-simcode-lidz'),
    );
    check('sidebar: no jssdk signature requested in dev', !calls.some((c) => c.path === '/api/wecom/jssdk/signature'));
    check('sidebar: staff name', (await text(page, 'sidebar-staff-name')) === '李店长');
    check('sidebar: tier', (await text(page, 'sidebar-member-tier')) === '金卡');
    check('sidebar: tags', (await text(page, 'sidebar-tags')).includes('年夜饭意向'));
    check('sidebar: activity in Shanghai time', (await text(page, 'sidebar-activity')).includes('2026-11-20 10:05'), await text(page, 'sidebar-activity'));
    check('sidebar: next best offer', (await text(page, 'sidebar-offer')).includes('团圆套餐'));
    check('sidebar: send card disabled in dev', await page.locator('[data-testid="sidebar-send-card"]').isDisabled());
    check(
      'sidebar: dev label explains why',
      (await page.locator('.sb-card', { has: page.locator('[data-testid="sidebar-send-card"]') }).innerText()).includes('需在企业微信客户端内使用'),
    );
    check(
      'sidebar: journey state with the next step in Shanghai time',
      await waitFor(async () => (await text(page, 'sidebar-journey-standing-1')).includes('第7天·员工问候（2026-11-25 00:30）')),
      await text(page, 'sidebar-journeys').catch(() => ''),
    );
    check('sidebar: task for the contact in the chat flagged', (await text(page, 'sidebar-task-7')).includes('当前客户'));
    await page.click('[data-testid="sidebar-task-done-7"]');
    check(
      'sidebar: task marked done',
      (await waitFor(async () => (await text(page, 'sidebar-tasks-notice')).includes('已完成'))) &&
        calls.some((c) => c.path === '/api/sidebar/tasks/7/complete' && c.body?.outcome === 'done'),
    );
    check('sidebar: token in sessionStorage', (await page.evaluate(() => sessionStorage.getItem('hub.sidebar.token'))) === 'tok-simcode-lidz');
    await page.screenshot({ path: path.join(outDir, 'sidebar-linked.png'), fullPage: true });

    await page.reload();
    check(
      'sidebar: reload reuses the session (no second login)',
      (await waitFor(async () => (await text(page, 'sidebar-contact-name')) === '张阿姨')) &&
        calls.filter((c) => c.path === '/api/auth/wecom/login').length === 1,
    );

    await page.goto(`${origin}/sidebar/?dev_userid=lidz&dev_external_userid=wmNEW`);
    check('sidebar: unlinked contact says so', await waitFor(async () => (await text(page, 'sidebar-unlinked')) === '该客户尚未绑定会员'));
    check('sidebar: no tier for an unlinked contact', (await page.locator('[data-testid="sidebar-member-tier"]').count()) === 0);
    await page.screenshot({ path: path.join(outDir, 'sidebar-unlinked.png'), fullPage: true });
    await page.close();

    const page2 = await newPage(browser);
    await page2.setViewportSize({ width: 375, height: 812 });
    await page2.goto(`${origin}/sidebar/`);
    check('sidebar: no code in dev -> 请从企业微信侧边栏打开', await waitFor(async () => (await text(page2, 'sidebar-error')) === '请从企业微信侧边栏打开'));
    check(
      'sidebar: dev hint, no OAuth link',
      (await page2.locator('.sb').innerText()).includes('dev_userid') && (await page2.locator('a[href*="open.weixin.qq.com"]').count()) === 0,
    );
    await page2.screenshot({ path: path.join(outDir, 'sidebar-dev-nocode.png') });
    await page2.close();
    await browser.unrouteAll({ behavior: 'ignoreErrors' });
  }

  // ================= sidebar: production-like, normal browser =================
  {
    const state = { config: config({ env: 'production', simulator: null }), token: null, me: null };
    const calls = mockApi(browser, state);
    const page = await newPage(browser);
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${origin}/sidebar/?dev_userid=lidz`);
    check(
      'sidebar(prod): dev_userid ignored without a simulator',
      (await waitFor(async () => (await text(page, 'sidebar-error')) === '请从企业微信侧边栏打开')) && !calls.some((c) => c.path === '/api/auth/wecom/login'),
    );
    const href = await page.locator('a[href*="open.weixin.qq.com"]').getAttribute('href');
    const expectedRedirect = encodeURIComponent(`${origin}/sidebar/?dev_userid=lidz`);
    check(
      'sidebar(prod): OAuth link built from /api/config',
      href ===
        `https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww_test_corp&redirect_uri=${expectedRedirect}&response_type=code&scope=snsapi_base&state=sidebar&agentid=1000002#wechat_redirect`,
      href,
    );
    await page.screenshot({ path: path.join(outDir, 'sidebar-prod-nocode.png') });
    await page.goto(`${origin}/sidebar/?code=bad&state=sidebar`);
    check('sidebar(prod): spent code -> server message', await waitFor(async () => (await text(page, 'sidebar-error')).includes('企业微信授权已失效')));
    check('sidebar(prod): spent code offers 重新授权', (await page.locator('a', { hasText: '重新授权' }).count()) === 1);
    await page.close();
    await browser.unrouteAll({ behavior: 'ignoreErrors' });
  }

  // ================= sidebar: inside an emulated WeCom client (real @wecom/jssdk code path) =================
  {
    const state = { config: config({ env: 'production', simulator: null, miniprogram: { appId: 'wx_mini_app' } }), token: null, me: null };
    const calls = mockApi(browser, state);
    const page = await newPage(browser);
    // An old client (< 3.0.24) makes the jssdk run config AND agentConfig, i.e. ask for both signatures.
    const ua = 'Mozilla/5.0 (Linux; Android 12) AppleWebKit/537.36 Mobile Safari/537.36 wxwork/3.0.0 MicroMessenger/7.0.1';
    const cdp = await browser.newCDPSession(page);
    await cdp.send('Network.setUserAgentOverride', { userAgent: ua });
    await page.addInitScript(() => {
      window.__bridgeCalls = [];
      window.WeixinJSBridge = {
        on() {},
        invoke(name, params, cb) {
          window.__bridgeCalls.push({ name, params });
          const answers = {
            getContext: { err_msg: 'getContext:ok', entry: 'single_chat_tools' },
            getCurExternalContact: { err_msg: 'getCurExternalContact:ok', userId: 'wmFromClient' },
          };
          setTimeout(() => cb(answers[name] ?? { err_msg: `${name}:ok` }), 5);
        },
      };
    });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${origin}/sidebar/?code=realcode&state=sidebar`);
    check(
      'sidebar(wecom): contact resolved via ww.getCurExternalContact',
      await waitFor(() => calls.some((c) => c.path === '/api/sidebar/contacts/wmFromClient')),
    );
    check(
      'sidebar(wecom): OAuth code exchanged',
      calls.some((c) => c.path === '/api/auth/wecom/login' && c.body?.code === 'realcode'),
    );
    const sig = calls.filter((c) => c.path === '/api/wecom/jssdk/signature');
    check('sidebar(wecom): one signature call for both config and agentConfig', sig.length === 1, String(sig.length));
    check('sidebar(wecom): signature asked for this page URL', sig[0]?.body?.url === `${origin}/sidebar/?code=realcode&state=sidebar`, sig[0]?.body?.url);
    const bridge = await page.evaluate(() => window.__bridgeCalls);
    const agentCfg = bridge.find((b) => b.name === 'agentConfig');
    const corpCfg = bridge.find((b) => b.name === 'preVerifyJSAPI');
    check(
      'sidebar(wecom): agentConfig got the agent signature',
      agentCfg?.params.signature === 'sig-agent' && agentCfg?.params.corpid === 'ww_test_corp' && agentCfg?.params.agentid === '1000002',
      JSON.stringify(agentCfg),
    );
    check('sidebar(wecom): config got the corp signature', corpCfg?.params.verifySignature === 'sig-corp', JSON.stringify(corpCfg));
    check(
      'sidebar(wecom): jsApiList registered',
      JSON.stringify(agentCfg?.params.jsApiList) === JSON.stringify(['getCurExternalContact', 'getCurExternalChat', 'sendChatMessage', 'getContext']),
    );
    check('sidebar(wecom): contact rendered', await waitFor(async () => (await text(page, 'sidebar-contact-name')) === '张阿姨'));
    check('sidebar(wecom): send card enabled', await page.locator('[data-testid="sidebar-send-card"]').isEnabled());
    await page.click('[data-testid="sidebar-send-card"]');
    check('sidebar(wecom): 已发送 after sendChatMessage', await waitFor(async () => (await page.locator('.sb-ok').innerText()).includes('已发送')));
    const sent = (await page.evaluate(() => window.__bridgeCalls)).find((b) => b.name === 'sendChatMessage');
    check(
      'sidebar(wecom): miniprogram card params',
      sent?.params.msgtype === 'miniprogram' &&
        sent.params.miniprogram.appid === 'wx_mini_app' &&
        /^http:\/\/127\.0\.0\.1:\d+\/sidebar\/assets\/card-cover-.*\.png$/.test(sent.params.miniprogram.imgUrl) &&
        sent.params.miniprogram.page.startsWith('pages/home/index.html'),
      JSON.stringify(sent?.params),
    );
    const cover = await page.request.get(sent?.params.miniprogram.imgUrl ?? `${origin}/none`);
    check('sidebar(wecom): card cover is served', cover.ok());
    await page.screenshot({ path: path.join(outDir, 'sidebar-wecom.png'), fullPage: true });
    await page.close();
    await browser.unrouteAll({ behavior: 'ignoreErrors' });
  }

  check('no uncaught page errors', pageErrors.length === 0, pageErrors.join(' | '));
} finally {
  await browser.close();
  server.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}

console.log(`screenshots: ${outDir}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
