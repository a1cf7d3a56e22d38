/**
 * The crawl, first half (the second is crawl-roles.e2e.ts): with the showcase data of `npm start`,
 * as HQ, visit every section, every tab, and the detail pages its lists link to. Any uncaught error,
 * console error, failed request, error boundary or router crash fails the run. The roster of
 * 亲子包汤圆 (rows with a `children` count) is visited explicitly: a table that reads that field as
 * tree rows crashes it.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as classesApi from '../../contracts/classes';
import type { ApiClient } from '../../contracts/client';
import { assertHealthy, crawlOps, settle, showcaseServer } from './crawl-kit';
import { expectNoPageIssues, launchBrowser, ROOT, type BrowserHandle, type TestServer } from './harness';
import { byTestId, expectText, opsLogin } from './helpers';

jest.setTimeout(15 * 60_000);

let server: TestServer;
let browser: BrowserHandle;
let admin: ApiClient;

beforeAll(async () => {
  ({ server, admin } = await showcaseServer());
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test("no ops page draws antd's Table directly (every table goes through DataTable)", () => {
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

test('ops page as admin: every section, tab and linked detail page', async () => {
  const visited = await crawlOps(browser, server.baseUrl, 'admin', 'admin123');
  // the crawl really went somewhere: more than the sections themselves
  expect(visited.some((r) => /^\/classes\/\d+/.test(r))).toBe(true);
  expect(visited.some((r) => /^\/members\/\d+/.test(r))).toBe(true);
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
