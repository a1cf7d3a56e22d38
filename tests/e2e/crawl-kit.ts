/**
 * The crawl's tools (crawl.e2e.ts and crawl-roles.e2e.ts, split so the two halves run in parallel
 * workers): the showcase server, and walking the ops page as one role. Issues on a page (uncaught
 * errors, console errors, failed requests) accumulate, so a short settle still catches a late one
 * at the next step or the final check. settle() waits for the page's own requests, not a fixed time.
 */
import type { Page, Request } from 'playwright-core';
import { createApiClient, fetchTransport, type ApiClient } from '../../contracts/client';
import * as identity from '../../contracts/identity';
import * as wecomApi from '../../contracts/wecom';
import { expectNoPageIssues, pageIssues, startServer, type BrowserHandle, type TestServer } from './harness';
import { byTestId, opsLogin, until } from './helpers';

export const ROLES = [
  { username: 'admin', password: 'admin123' },
  { username: 'manager', password: 'manager123' },
  { username: 'owner1', password: 'owner123' },
  { username: 'staff1', password: 'staff123' },
] as const;

/** A server with the showcase of `npm start`, and HQ's API client once the showcase is in. */
export async function showcaseServer(): Promise<{ server: TestServer; admin: ApiClient }> {
  const server = await startServer({ env: { SEED_SHOWCASE: '1', SEED_DEMO_RECEIPTS: '1' }, startTimeoutMs: 180_000 });
  return { server, admin: await showcaseReady(server) };
}

/** Waits until a SEED_SHOWCASE server's showcase is in (it is seeded after the server answers); HQ's API client. */
export async function showcaseReady(server: TestServer): Promise<ApiClient> {
  const anon = createApiClient({ baseUrl: server.baseUrl, transport: fetchTransport });
  const { token } = await anon.call(identity.staffLogin, { body: { username: 'admin', password: 'admin123' } });
  const admin = createApiClient({ baseUrl: server.baseUrl, transport: fetchTransport, getToken: () => token });
  // wait for its last part (the channel's customers)
  await until(
    'the showcase channel customers',
    async () => {
      const list = await admin.call(wecomApi.listChannels, { query: { q: '门店收银台' } });
      return list.items.some((c) => c.stats.adds >= 5);
    },
    120_000,
    1000,
  );
  return admin;
}

/** The page's requests still in flight (documents, scripts, fetch/XHR; not images or fonts). */
const inFlight = new WeakMap<Page, Map<Request, number>>();
const WAITED_FOR = new Set(['document', 'script', 'stylesheet', 'fetch', 'xhr']);

/** Start counting a page's requests (settle() does it too; call it before the first action). */
export function trackRequests(page: Page): Map<Request, number> {
  let open = inFlight.get(page);
  if (!open) {
    const set = new Map<Request, number>();
    page.on('request', (r) => {
      if (WAITED_FOR.has(r.resourceType())) set.set(r, Date.now());
    });
    page.on('requestfinished', (r) => set.delete(r));
    page.on('requestfailed', (r) => set.delete(r));
    inFlight.set(page, set);
    open = set;
  }
  return open;
}

const BUSY = '.ant-spin-spinning, .ant-skeleton, .ant-table-placeholder .ant-spin';
/** How long the page must stay quiet: no request in flight, no spinner or skeleton. */
const QUIET_MS = 100;
/** A request open longer than this (a poll, a download) no longer holds the crawl up; spinners still do. */
const STUCK_MS = 2000;

/**
 * Wait until the page is quiet for QUIET_MS — no request in flight (a lazy screen's chunk, then the
 * data it asks for) and no spinner or skeleton — or give up after a few seconds and check anyway.
 * This replaced fixed sleeps (120 ms + 60 ms around every step, hundreds of steps per crawl).
 */
export async function settle(page: Page): Promise<void> {
  const open = trackRequests(page);
  const deadline = Date.now() + 8000;
  let quietSince = 0;
  while (Date.now() < deadline) {
    const now = Date.now();
    const busy = [...open.values()].some((since) => now - since < STUCK_MS) || (await page.locator(BUSY).count()) > 0;
    if (busy) quietSince = 0;
    else if (!quietSince) quietSince = Date.now();
    else if (Date.now() - quietSince >= QUIET_MS) return;
    await page.waitForTimeout(busy ? 50 : 25);
  }
}

/** The page must not show an error boundary, the router's crash page, or have thrown. */
export async function assertHealthy(page: Page, where: string): Promise<void> {
  const text =
    (await page
      .locator('body')
      .innerText()
      .catch(() => '')) ?? '';
  const problems: string[] = [];
  if (await page.locator('[data-testid="error-boundary"]').count()) problems.push('error boundary shown');
  if (/Unexpected Application Error|is not a function|Cannot read properties/.test(text)) problems.push(`crash text: ${text.slice(0, 200)}`);
  const issues = pageIssues(page);
  if (issues.pageErrors.length) problems.push(`uncaught: ${issues.pageErrors.join(' | ').slice(0, 500)}`);
  if (problems.length) throw new Error(`${where}: ${problems.join('; ')}`);
}

/** /classes/sessions/12 and /classes/sessions/31 are the same kind of page: visit one of each. */
const shape = (route: string) => route.replace(/\/\d+(?=\/|$)/g, '/:id').replace(/\?.*$/, '');

export async function crawlOps(browser: BrowserHandle, baseUrl: string, username: string, password: string): Promise<string[]> {
  const page = await opsLogin(browser, baseUrl, username, password);
  trackRequests(page);
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
    await page.goto(`${baseUrl}/admin/#${route}`);
    await settle(page);
    await assertHealthy(page, `${username} ${route}`);

    // tabs: route tabs change the hash (queued); in-page tabs are clicked here
    const tabs = page.locator('.admin-content .ant-tabs-tab:not(.ant-tabs-tab-disabled)');
    const nTabs = await tabs.count();
    for (let i = 0; i < nTabs; i++) {
      // a route tab may lead to a page with fewer tabs: come back to this one first
      if (i > 0 && (await hash()) !== route) {
        await page.goto(`${baseUrl}/admin/#${route}`);
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
      await page.goto(`${baseUrl}/admin/#${route}`);
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
        await page.goto(`${baseUrl}/admin/#${route}`);
        await settle(page);
      }
    }
  }
  expectNoPageIssues(page);
  await page.context().close();
  return visited;
}
