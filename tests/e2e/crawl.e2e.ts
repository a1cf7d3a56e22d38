/**
 * The crawl: with the showcase data of `npm start`, as each ops role, visit every section, every
 * tab, and the detail pages its lists link to; as clerks, every sidebar panel for the showcase
 * customers; as a member, every mini-program H5 page. Any uncaught error, console error, failed
 * request, error boundary or router crash fails the run. The roster of 亲子包汤圆 (rows with a
 * `children` count) is visited explicitly: a table that reads that field as tree rows crashes it.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import * as classesApi from '../../contracts/classes';
import { createApiClient, fetchTransport, type ApiClient } from '../../contracts/client';
import * as contestApi from '../../contracts/contest';
import * as identity from '../../contracts/identity';
import * as wecomApi from '../../contracts/wecom';
import { expectNoPageIssues, launchBrowser, pageIssues, ROOT, startServer, type BrowserHandle, type TestServer } from './harness';
import { byTestId, expectText, opsLogin, until } from './helpers';

jest.setTimeout(15 * 60_000);

let server: TestServer;
let browser: BrowserHandle;
let admin: ApiClient;

const ROLES = [
  { username: 'admin', password: 'admin123' },
  { username: 'manager', password: 'manager123' },
  { username: 'owner1', password: 'owner123' },
  { username: 'staff1', password: 'staff123' },
] as const;

beforeAll(async () => {
  server = await startServer({ env: { SEED_SHOWCASE: '1' }, startTimeoutMs: 180_000 });
  browser = await launchBrowser();
  const anon = createApiClient({ baseUrl: server.baseUrl, transport: fetchTransport });
  const { token } = await anon.call(identity.staffLogin, { body: { username: 'admin', password: 'admin123' } });
  admin = createApiClient({ baseUrl: server.baseUrl, transport: fetchTransport, getToken: () => token });
  // the showcase is seeded after the server answers: wait for its last part (the channel's customers)
  await until(
    'the showcase channel customers',
    async () => {
      const list = await admin.call(wecomApi.listChannels, { query: { q: '门店收银台' } });
      return list.items.some((c) => c.stats.adds >= 5);
    },
    120_000,
    1000,
  );
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('no ops page draws antd\'s Table directly (every table goes through DataTable)', () => {
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name) && !p.endsWith(path.join('common', 'DataTable.tsx'))) {
        const src = fs.readFileSync(p, 'utf8');
        const antd = /import\s*\{([^}]*)\}\s*from\s*'antd'/g;
        for (let m = antd.exec(src); m; m = antd.exec(src)) if (/(^|[\s,])Table([\s,]|$)/.test(m[1])) offenders.push(path.relative(ROOT, p));
        if (/from\s*'antd\/(es|lib)\/table'/.test(src.replace(/import type[^;]*;/g, ''))) offenders.push(path.relative(ROOT, p));
      }
    }
  };
  walk(path.join(ROOT, 'web', 'admin'));
  expect(offenders).toEqual([]);
});

/** Wait until spinners and skeletons are gone (or give up after a few seconds and check anyway). */
async function settle(page: Page): Promise<void> {
  await page.waitForTimeout(250);
  const deadline = Date.now() + 8000;
  while (Date.now() < deadline) {
    const busy = await page.locator('.ant-spin-spinning, .ant-skeleton, .ant-table-placeholder .ant-spin').count();
    if (busy === 0) break;
    await page.waitForTimeout(150);
  }
  await page.waitForTimeout(150);
}

/** The page must not show an error boundary, the router's crash page, or have thrown. */
async function assertHealthy(page: Page, where: string): Promise<void> {
  const text = (await page.locator('body').innerText().catch(() => '')) ?? '';
  const problems: string[] = [];
  if (await page.locator('[data-testid="error-boundary"]').count()) problems.push('error boundary shown');
  if (/Unexpected Application Error|is not a function|Cannot read properties/.test(text)) problems.push(`crash text: ${text.slice(0, 200)}`);
  const issues = pageIssues(page);
  if (issues.pageErrors.length) problems.push(`uncaught: ${issues.pageErrors.join(' | ').slice(0, 500)}`);
  if (problems.length) throw new Error(`${where}: ${problems.join('; ')}`);
}

/** /classes/sessions/12 and /classes/sessions/31 are the same kind of page: visit one of each. */
const shape = (route: string) => route.replace(/\/\d+(?=\/|$)/g, '/:id').replace(/\?.*$/, '');

async function crawlOps(username: string, password: string): Promise<string[]> {
  const page = await opsLogin(browser, server.baseUrl, username, password);
  await byTestId(page, 'current-user').waitFor({ timeout: 30_000 });
  await settle(page);
  await assertHealthy(page, `${username} landing`);
  const sections = await page.locator('[data-testid^="nav-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice(4)));
  expect(sections.length).toBeGreaterThan(0);
  const queue = sections.map((s) => `/${s}`);
  const seen = new Set<string>();
  const visited: string[] = [];
  const hash = async () => decodeURI(new URL(page.url()).hash.replace(/^#/, '') || '/');
  const enqueue = (r: string) => {
    if (!seen.has(shape(r)) && !queue.some((q) => shape(q) === shape(r))) queue.push(r);
  };

  while (queue.length && visited.length < 80) {
    const route = queue.shift()!;
    if (seen.has(shape(route))) continue;
    seen.add(shape(route));
    visited.push(route);
    await page.goto(`${server.baseUrl}/admin/#${route}`);
    await settle(page);
    await assertHealthy(page, `${username} ${route}`);

    // tabs: route tabs change the hash (queued); in-page tabs are clicked here
    const tabs = page.locator('.admin-content .ant-tabs-tab:not(.ant-tabs-tab-disabled)');
    const nTabs = await tabs.count();
    for (let i = 0; i < nTabs; i++) {
      // a route tab may lead to a page with fewer tabs: come back to this one first
      if (i > 0 && (await hash()) !== route) {
        await page.goto(`${server.baseUrl}/admin/#${route}`);
        await settle(page);
      }
      if (i >= (await tabs.count())) break;
      // a DOM click: tabs that overflow into antd's "more" menu are not visible, but still routes
      await tabs.nth(i).evaluate((el) => (el as HTMLElement).click());
      await settle(page);
      await assertHealthy(page, `${username} ${route} tab ${i + 1}`);
      const now = await hash();
      if (now !== route) enqueue(now);
    }
    if (nTabs) {
      await page.goto(`${server.baseUrl}/admin/#${route}`);
      await settle(page);
    }

    // links inside the page to other routes of the ops page
    const hrefs = await page.locator('.admin-content a[href^="#/"]').evaluateAll((els) => els.map((e) => e.getAttribute('href')!.slice(1)));
    for (const h of hrefs) enqueue(decodeURI(h));

    // the first row of every clickable list opens its detail page
    const tables = await page.locator('.admin-content .clickable-rows').count();
    for (let i = 0; i < tables; i++) {
      const row = page.locator('.admin-content .clickable-rows').nth(i).locator('tr.ant-table-row').first();
      if (!(await row.count())) continue;
      await row.click({ position: { x: 5, y: 5 } });
      await settle(page);
      const now = await hash();
      if (now !== route) {
        await assertHealthy(page, `${username} ${route} → ${now}`);
        enqueue(now);
        await page.goto(`${server.baseUrl}/admin/#${route}`);
        await settle(page);
      }
    }
  }
  expectNoPageIssues(page);
  await page.context().close();
  return visited;
}

test.each(ROLES.map((r) => [r.username, r.password]))('ops page as %s: every section, tab and linked detail page', async (username, password) => {
  const visited = await crawlOps(username, password);
  // the crawl really went somewhere: more than the sections themselves for the managing roles
  if (username === 'admin' || username === 'manager') {
    expect(visited.some((r) => /^\/classes\/\d+/.test(r))).toBe(true);
    expect(visited.some((r) => /^\/members\/\d+/.test(r))).toBe(true);
  }
});

test('the roster of 亲子包汤圆 (households with children) renders with its child counts', async () => {
  const list = await admin.call(classesApi.opsListClasses, { query: { q: '亲子包汤圆' } });
  const cls = await admin.call(classesApi.opsGetClass, { params: { classId: list.items[0].id } });
  const page = await opsLogin(browser, server.baseUrl);
  await byTestId(page, 'current-user').waitFor();
  let checked = 0;
  for (const s of cls.sessions) {
    const roster = await admin.call(classesApi.opsRoster, { params: { sessionId: s.id } });
    if (!roster.items.some((r) => r.children > 0)) continue;
    await page.goto(`${server.baseUrl}/admin/#/classes/sessions/${s.id}`);
    await settle(page);
    await assertHealthy(page, `roster of session ${s.id}`);
    await expectText(page.locator('.admin-content'), /儿童/);
    checked++;
  }
  expect(checked).toBeGreaterThan(0);
  expectNoPageIssues(page);
});

async function showcaseContacts(): Promise<Array<{ externalUserId: string; staffUserId: string; name: string | null }>> {
  const ch = (await admin.call(wecomApi.listChannels, { query: { q: '门店收银台' } })).items[0];
  return (await admin.call(wecomApi.listChannelContacts, { params: { channelId: ch.id }, query: { page: 1, pageSize: 50 } })).items;
}

test('sidebar: every panel for every showcase customer, as HQ and as the clerk who added them', async () => {
  const contacts = await showcaseContacts();
  expect(contacts.length).toBeGreaterThanOrEqual(5);
  for (const c of contacts) {
    for (const userid of ['chenjing', c.staffUserId]) {
      const page = await browser.newPage({ viewport: { width: 400, height: 900 } });
      await page.goto(`${server.baseUrl}/sidebar/?dev_userid=${userid}&dev_external_userid=${encodeURIComponent(c.externalUserId)}`);
      await byTestId(page, 'sidebar-contact-name').waitFor({ timeout: 30_000 });
      for (const panel of ['sidebar-corp-tags', 'sidebar-library', 'sidebar-followups', 'sidebar-tasks', 'sidebar-new-task']) await byTestId(page, panel).waitFor();
      await until('panels loaded', async () => (await page.locator('text=/正在加载/').count()) === 0, 15_000);
      // the channel's tags are WeCom tags on every customer who came through the till
      await expectText(byTestId(page, 'sidebar-corp-tags'), '到店顾客');
      await byTestId(page, 'sidebar-library-tab-materials').click();
      await byTestId(page, 'sidebar-new-task-open').click();
      if (await byTestId(page, 'sidebar-activity-toggle').count()) await byTestId(page, 'sidebar-activity-toggle').click();
      await page.waitForTimeout(300);
      await assertHealthy(page, `sidebar ${userid} / ${c.name}`);
      expectNoPageIssues(page);
      await page.context().close();
    }
  }
});

/** Mini-program pages from app.config.ts (tab pages and every subpackage), parsed so new pages join the crawl. */
function miniProgramPages(): string[] {
  const src = fs.readFileSync(path.join(ROOT, 'src', 'app.config.ts'), 'utf8');
  const pages = [...(/pages:\s*\[([^\]]*)\]/.exec(src)?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]);
  const subs = [...src.matchAll(/root:\s*'([^']+)',\s*pages:\s*\[([^\]]*)\]/g)];
  for (const s of subs) for (const p of s[2].matchAll(/'([^']+)'/g)) pages.push(`${s[1]}/${p[1]}`);
  return pages;
}

test('mini-program H5: every page opens for a member without errors', async () => {
  const contests = await admin.call(contestApi.adminListContests, { query: { page: 1, pageSize: 20 } });
  const live = contests.items.find((c) => c.title === '晒出你家的传家年夜菜')!;
  const entries = await admin.call(contestApi.adminListEntries, { params: { contestId: live.id }, query: { status: 'approved', page: 1, pageSize: 1 } });
  const classes = await admin.call(classesApi.opsListClasses, { query: { q: '手工水饺' } });
  const session = (await admin.call(classesApi.opsGetClass, { params: { classId: classes.items[0].id } })).sessions[0];
  const query: Record<string, string> = {
    'packages/contest/home/index': `id=${live.id}`,
    'packages/contest/leaderboard/index': `id=${live.id}`,
    'packages/contest/rules/index': `id=${live.id}`,
    'packages/contest/mine/index': `id=${live.id}`,
    'packages/contest/submit/index': `contestId=${live.id}`,
    'packages/contest/entry/index': `id=${entries.items[0].id}`,
    'packages/classes/detail/index': `id=${session.id}`,
  };
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await page.addInitScript((id) => window.localStorage.setItem('sim_dev_openid', id), `e2e_crawl_${Date.now().toString(36)}`);
  await page.goto(`${server.baseUrl}/h5/`);
  await byTestId(page, 'consent-agree').click();
  await byTestId(page, 'page-home').waitFor();
  // a new member's first login is refused until they agree (CONSENT_REQUIRED, by design): forget it
  for (const list of Object.values(pageIssues(page))) list.length = 0;
  const pages = miniProgramPages();
  expect(pages.length).toBeGreaterThan(10);
  for (const p of pages) {
    await page.goto(`${server.baseUrl}/h5/#/${p}${query[p] ? `?${query[p]}` : ''}`);
    await page.reload();
    await page.waitForTimeout(1200);
    await assertHealthy(page, `h5 ${p}`);
    expectNoPageIssues(page);
  }
});
