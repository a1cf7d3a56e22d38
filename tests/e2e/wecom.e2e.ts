/**
 * Issue 6 end to end, in Chromium against the built server and the WeCom simulator:
 *  1. an ops user creates a 渠道活码 in the ops page (旅程SOP → 渠道活码) with a welcome (text +
 *     mini-program card) and two tags, routed to store clerk 赵敏 (zhaoliu), then edits its cap;
 *  2. the simulator fires a signed, encrypted add_external_contact callback carrying that State:
 *     the welcome goes out inside WeCom's 20 s window with the channel's content, the channel's
 *     tags are marked on the customer, and the ops page shows the add on the channel, the welcome
 *     delay, and the customer enrolled in the built-in 新客旅程;
 *  3. the journey job runs "as of" later times (the ops page's 立即评估 with an evaluation time, a
 *     non-production hook): nothing before day 3; at night on day 3 the message waits for the quiet
 *     hours to end; in daytime the silent customer gets the recipe nudge (a mass-message draft for
 *     the staff member to confirm), and on day 7 a staff task;
 *  4. the task shows in zhaoliu's sidebar for the customer in the chat, with the journey state, and
 *     is marked done there;
 *  5. the tags page mirrors WeCom's corp tags (ours with counts, the console's read-only, RFM tiers);
 *  6. a built-in journey is edited in the ops page and restored to its defaults.
 *
 * Direct simulator calls (not UI): firing the callback — that is WeCom's side, which only the
 * simulator's control API can play — and reading the simulator's record of what we sent
 * (welcomes, tag marks, mass messages), which no page of ours shows.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';
import { WECOM_CALLBACK_PATH } from '../../contracts/wecom';
import { expectNoPageIssues, launchBrowser, startServer, type BrowserHandle, type TestServer } from './harness';

const SHOTS = path.join(os.tmpdir(), 'wecom-e2e-shots');
const STAFF = 'zhaoliu';
const CUSTOMER = '刘阿姨';
const CHANNEL = '滨江店收银台活码';
const TAGS = ['收银台新客', '滨江店到店'];
const WELCOME = '您好，欢迎来到滨江店！每天早上8点有新鲜到货，有需要随时问我～';
const CARD_TITLE = '新人专享·本周菜谱';
/** WeCom's WelcomeCode is valid this long after the add event. */
const WELCOME_WINDOW_MS = 20_000;

let server: TestServer;
let browser: BrowserHandle;
let ops: Page;
let channelId = 0;
let state = '';
let externalUserId = '';

const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

async function shot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.waitForTimeout(500); // antd animations settle
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function expectText(locator: Locator, expected: string | RegExp, timeout = 15_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let last = '';
  for (;;) {
    try {
      last = (await locator.first().textContent({ timeout: 1000 })) ?? '';
      if (typeof expected === 'string' ? last.includes(expected) : expected.test(last)) return last;
    } catch {
      /* not there yet */
    }
    if (Date.now() > deadline) throw new Error(`expected ${locator} to show ${expected}, last saw "${last}"`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeout = 15_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function sim<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.simulatorUrl}/__sim${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (res.status !== 200) throw new Error(`simulator ${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * `beijing` ("YYYY-MM-DD HH:mm", as the ops page shows due times) plus one minute, moved on to
 * 10:00 when that falls outside daytime (10:00–20:00, clear of the default quiet hours 21:00–09:00);
 * as "YYYY-MM-DDTHH:mm" for the evaluation-time input.
 */
function daytimeAfter(beijing: string): string {
  // Beijing wall clock carried in a UTC Date, so getUTC* read Beijing fields.
  const t = new Date(new Date(`${beijing.replace(' ', 'T')}:00+08:00`).getTime() + 60_000 + 8 * 3600_000);
  const h = t.getUTCHours();
  if (h >= 10 && h < 20) return t.toISOString().slice(0, 16);
  const day = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() + (h >= 20 ? 1 : 0)));
  return `${day.toISOString().slice(0, 10)}T10:00`;
}

/** A Beijing minute after `beijing` (+1 min) that lies in the default quiet hours: that minute if it does, else 22:00 that day. */
function quietAfter(beijing: string): string {
  const t = new Date(new Date(`${beijing.replace(' ', 'T')}:00+08:00`).getTime() + 60_000 + 8 * 3600_000);
  const h = t.getUTCHours();
  if (h < 9 || h >= 21) return t.toISOString().slice(0, 16);
  return `${t.toISOString().slice(0, 10)}T22:00`;
}

async function openCustomer() {
  await ops.goto(`${server.baseUrl}/admin/#/journeys/customers/${encodeURIComponent(externalUserId)}`);
  await byTestId(ops, 'customer-journeys').waitFor();
}

/** 旅程 tab → 立即评估 → evaluate as of `at` (Beijing) → the run's summary. */
async function runJourneysAt(at: string): Promise<string> {
  await ops.goto(`${server.baseUrl}/admin/#/journeys`);
  await byTestId(ops, 'journey-run').click();
  await byTestId(ops, 'journey-run-at').fill(at);
  await byTestId(ops, 'journey-run-go').click();
  const text = await expectText(byTestId(ops, 'journey-run-result'), /已完成/);
  await ops.keyboard.press('Escape');
  return text;
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('ops create a channel code with a welcome and tags', async () => {
  ops = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await ops.goto(`${server.baseUrl}/admin/`);
  await byTestId(ops, 'login-username').fill('admin');
  await byTestId(ops, 'login-password').fill('admin123');
  await byTestId(ops, 'login-submit').click();
  await byTestId(ops, 'nav-journeys').click();
  await byTestId(ops, 'journey-card-new_member').waitFor();
  await shot(ops, '01-journeys');

  await byTestId(ops, 'journeys-tab-channels').click();
  await byTestId(ops, 'channel-new').click();
  await byTestId(ops, 'channel-form').waitFor();
  await ops.locator('#channelForm_name').fill(CHANNEL);
  // The form starts with the signed-in admin as receiving staff: replace them with the store clerk.
  const staffSelect = ops.locator('#channelForm_staffUserIds');
  await staffSelect.click();
  await staffSelect.press('Backspace');
  await staffSelect.fill(STAFF);
  await staffSelect.press('Enter');
  await ops.keyboard.press('Escape');
  for (const t of TAGS) {
    await ops.locator('#channelForm_tagNames').fill(t);
    await ops.locator('#channelForm_tagNames').press('Enter');
  }
  await ops.keyboard.press('Escape');
  await ops.locator('#channelForm_welcomeText').fill(`{客户称呼}${WELCOME}`);
  await byTestId(ops, 'channel-attachments-add-miniprogram').click();
  await byTestId(ops, 'channel-attachments-0-title').fill(CARD_TITLE);
  await byTestId(ops, 'channel-attachments-0-appid').fill('wx_dev_appid');
  await byTestId(ops, 'channel-attachments-0-page').fill('pages/home/index?from=channel');
  await shot(ops, '02-channel-form');
  await byTestId(ops, 'channel-submit').click();

  await byTestId(ops, 'channel-detail').waitFor();
  channelId = Number(/#\/journeys\/channels\/(\d+)/.exec(ops.url())![1]);
  await expectText(byTestId(ops, 'channel-title'), CHANNEL);
  state = ((await byTestId(ops, 'channel-state').textContent()) ?? '').trim();
  expect(state).toMatch(/^[A-Za-z0-9_-]{1,30}$/);
  for (const t of TAGS) await expectText(byTestId(ops, 'channel-tag-list'), t);
  await expectText(byTestId(ops, 'channel-welcome'), WELCOME);
  await expectText(byTestId(ops, 'channel-stat-adds'), '0');

  // WeCom now holds a contact way with that state, routed to the clerk.
  const ways = await sim<{ ways: Array<{ state?: string; user: string[]; deleted: boolean }> }>('GET', '/wecom/contact-ways');
  expect(ways.ways.find((w) => w.state === state)).toMatchObject({ user: [STAFF], deleted: false });
  await shot(ops, '03-channel-created');

  // Edit: a daily cap per staff member and a backup colleague (pushed to WeCom when routing changes).
  await byTestId(ops, 'channel-edit').click();
  await ops.locator('#channelForm_dailyCapPerStaff').fill('50');
  await ops.locator('#channelForm_backupUserIds').fill('zhangsan');
  await ops.locator('#channelForm_backupUserIds').press('Enter');
  await ops.keyboard.press('Escape');
  await byTestId(ops, 'channel-submit').click();
  await expectText(byTestId(ops, 'channel-detail'), '50 人');
  await expectText(byTestId(ops, 'channel-detail'), 'zhangsan');
  expect(((await byTestId(ops, 'channel-state').textContent()) ?? '').trim()).toBe(state); // the state never changes
  expectNoPageIssues(ops);
});

test('a customer adds the clerk through the code: welcome in the window, tags, attribution, journey', async () => {
  // WeCom's side: a signed, encrypted add_external_contact callback with the channel's State.
  const fired = await sim<{ ok: number; results: Array<{ status: number; body: string; externalUserId: string; firedAt: number }> }>(
    'POST',
    '/wecom/fire-callback',
    { url: `${server.baseUrl}${WECOM_CALLBACK_PATH}`, event: { ChangeType: 'add_external_contact', UserID: STAFF, State: state, customer: { name: CUSTOMER } } },
  );
  expect(fired.ok).toBe(1);
  expect(fired.results[0]).toMatchObject({ status: 200, body: 'success' });
  externalUserId = fired.results[0].externalUserId;

  // The welcome: sent within WeCom's window, with this channel's text and mini-program card.
  type Welcome = { externalUserId: string; userid: string; text: string | null; attachments: Array<{ msgtype: string; miniprogram?: { title: string; appid: string; page: string } }>; delayMs: number };
  const welcome = await until('the welcome', async () => (await sim<{ welcomes: Welcome[] }>('GET', '/wecom/welcomes')).welcomes.find((w) => w.externalUserId === externalUserId));
  expect(welcome.userid).toBe(STAFF);
  expect(welcome.text).toContain(WELCOME);
  expect(welcome.text).not.toContain('{客户称呼}');
  expect(welcome.attachments).toEqual([expect.objectContaining({ msgtype: 'miniprogram', miniprogram: expect.objectContaining({ title: CARD_TITLE, appid: 'wx_dev_appid' }) })]);
  expect(welcome.delayMs).toBeLessThan(WELCOME_WINDOW_MS);

  // The channel's tags, marked on the customer in WeCom (batched through the outbox).
  type Group = { group_name: string; tag: Array<{ id: string; name: string }> };
  const tagNames = async (ids: string[]) => {
    const { groups } = await sim<{ groups: Group[] }>('GET', '/wecom/corp-tags');
    const byId = new Map(groups.flatMap((g) => g.tag.map((t) => [t.id, t.name] as const)));
    return ids.map((id) => byId.get(id));
  };
  const marked = await until('the tag marks', async () => {
    const { marks } = await sim<{ marks: Array<{ userid: string; externalUserId: string; add: string[] }> }>('GET', '/wecom/tag-marks');
    const names = await tagNames(marks.filter((m) => m.externalUserId === externalUserId && m.userid === STAFF).flatMap((m) => m.add));
    return TAGS.every((t) => names.includes(t)) ? names : null;
  });
  expect(marked).toEqual(expect.arrayContaining(TAGS));

  // Attribution, as ops see it: the channel's add count and the customer in its list.
  await ops.goto(`${server.baseUrl}/admin/#/journeys/channels`);
  await expectText(byTestId(ops, `channel-adds-${channelId}`), '1');
  await shot(ops, '04-channel-list');
  await byTestId(ops, `channel-row-${channelId}`).click();
  await expectText(byTestId(ops, 'channel-stat-adds'), '1');
  await expectText(byTestId(ops, `channel-contact-${externalUserId}`), CUSTOMER);
  await expectText(byTestId(ops, 'channel-contacts'), /\d\.\d\d 秒/); // the welcome's delay
  await byTestId(ops, 'channel-tab-welcomes').click();
  await expectText(byTestId(ops, 'welcome-log'), '已发送');
  await shot(ops, '05-channel-after-add');

  // The customer's journey state: enrolled in the built-in new-member journey, day 3 next.
  await ops.getByRole('tab', { name: '添加的客户' }).click();
  await byTestId(ops, `channel-contact-${externalUserId}`).click();
  await byTestId(ops, 'customer-journeys').waitFor();
  await expectText(byTestId(ops, 'enrolment-journey'), '新客旅程');
  await expectText(byTestId(ops, 'enrolment-status'), '进行中');
  await expectText(byTestId(ops, 'enrolment-standing'), '第3天·菜谱关怀');
  await expectText(byTestId(ops, 'customer-journeys'), '进入旅程');
  await shot(ops, '06-customer-enrolled');
  expectNoPageIssues(ops);
});

test('the silent customer moves through the new-member journey on schedule', async () => {
  // Day 3: due time as the page shows it; evaluated just after it, in daytime (no quiet hours).
  await openCustomer();
  const due3 = /（(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) 到期）/.exec(await expectText(byTestId(ops, 'enrolment-standing'), '到期'))![1];
  // One minute before it is due, nothing happens.
  const before = new Date(new Date(`${due3.replace(' ', 'T')}:00+08:00`).getTime() - 60_000 + 8 * 3600_000).toISOString().slice(0, 16);
  await runJourneysAt(before);
  await openCustomer();
  await expectText(byTestId(ops, 'enrolment-standing'), '第3天·菜谱关怀');

  // Due, but inside the quiet hours (21:00–09:00 Beijing): the message waits until they end.
  const deferred = await runJourneysAt(quietAfter(due3));
  expect(deferred).toMatch(/顺延 1 个/);
  await openCustomer();
  await expectText(byTestId(ops, 'customer-journeys'), '免打扰时段，顺延');
  const dueAfterQuiet = /（(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) 到期）/.exec(await expectText(byTestId(ops, 'enrolment-standing'), '第3天·菜谱关怀'))![1];
  expect(dueAfterQuiet.slice(11)).toBe('09:00');

  const summary = await runJourneysAt(daytimeAfter(dueAfterQuiet));
  expect(summary).toMatch(/执行 [1-9]\d* 个步骤/);
  await openCustomer();
  await expectText(byTestId(ops, 'enrolment-standing'), '第7天·员工问候');
  await expectText(byTestId(ops, 'customer-journeys'), '已执行');
  // The recipe nudge went to WeCom as a private mass message for the owning clerk to confirm.
  type Msg = { creator: string; chatType: string; text: string | null; targets: Array<{ externalUserId: string }> };
  const nudge = await until('the day-3 message', async () =>
    (await sim<{ msgs: Msg[] }>('GET', '/wecom/group-msgs')).msgs.find((m) => m.targets.some((t) => t.externalUserId === externalUserId)),
  );
  expect(nudge).toMatchObject({ creator: STAFF, chatType: 'single' });
  expect(nudge.text).toContain('番茄炒蛋');
  expect(nudge.text).toContain(CUSTOMER);

  // Day 7: still silent -> a staff task for the clerk.
  const due7 = /（(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) 到期）/.exec(await expectText(byTestId(ops, 'enrolment-standing'), '到期'))![1];
  await runJourneysAt(daytimeAfter(due7));
  await openCustomer();
  await expectText(byTestId(ops, 'enrolment-status'), '已完成');
  await expectText(byTestId(ops, 'customer-journeys'), '第7天·员工问候');
  await shot(ops, '07-customer-day7');

  // The journey list counts the customer as completed.
  await ops.goto(`${server.baseUrl}/admin/#/journeys`);
  await expectText(byTestId(ops, 'journey-card-new_member'), /已完成\s*1/);
  expectNoPageIssues(ops);
});

test('the staff task appears in the clerk\'s sidebar with the journey state, and is marked done', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 900 } });
  await page.goto(`${server.baseUrl}/sidebar/?dev_userid=${STAFF}&dev_external_userid=${encodeURIComponent(externalUserId)}`);
  await expectText(byTestId(page, 'sidebar-contact-name'), CUSTOMER);
  await expectText(byTestId(page, 'sidebar-journeys'), '新客旅程');
  await expectText(byTestId(page, 'sidebar-journeys'), '已完成');
  const task = page.locator('li[data-testid^="sidebar-task-"]').filter({ hasText: '一对一问候新客户' }).first();
  await task.waitFor();
  await expectText(task, '当前客户');
  await expectText(task, CUSTOMER);
  await shot(page, '08-sidebar-task');
  const taskId = ((await task.getAttribute('data-testid')) ?? '').replace('sidebar-task-', '');
  await byTestId(page, `sidebar-task-done-${taskId}`).click();
  await expectText(byTestId(page, 'sidebar-tasks-notice'), '已完成');
  await expect(byTestId(page, `sidebar-task-${taskId}`).count()).resolves.toBe(0);
  // Done for good: a fresh sidebar no longer lists it.
  await page.reload();
  await expectText(byTestId(page, 'sidebar-contact-name'), CUSTOMER);
  await byTestId(page, 'sidebar-tasks').waitFor();
  await expectText(byTestId(page, 'sidebar-tasks'), '暂无待办任务');
  await shot(page, '09-sidebar-done');
  // The contact's avatar is the URL WeCom's API gave (the simulator's stand-in on WeCom's CDN host), unreachable offline.
  expectNoPageIssues(page, { allow: [/wework\.qpic\.cn/] });
});

test('the tags page mirrors WeCom: our tags with their customers, others read-only, RFM tiers', async () => {
  // Someone creates a tag group in the WeCom console (not through our app).
  await sim('POST', '/wecom/corp-tags', { group_name: '客户等级', names: ['VIP客户', '普通客户'] });
  await byTestId(ops, 'nav-tags').click();
  await byTestId(ops, 'tags-page').waitFor();
  await byTestId(ops, 'tags-sync').click();
  const foreign = byTestId(ops, 'tag-group-客户等级');
  await expectText(foreign, 'VIP客户');
  await expectText(foreign, '只读');
  const ours = ops.locator('[data-testid="tag-group-社区私域"] tr', { hasText: TAGS[0] });
  await expectText(ours, /本系统创建\s*1/); // the customer from the channel carries it
  await expectText(byTestId(ops, 'tag-group-RFM分层'), '高价值忠诚');
  await expectText(byTestId(ops, 'tags-synced-at'), /上次同步：\d{4}-/);
  await shot(ops, '10-tags');
  // Read-only really means untouched: no tag change of ours names a tag of that group.
  const { groups } = await sim<{ groups: Array<{ group_name: string; tag: Array<{ id: string }> }> }>('GET', '/wecom/corp-tags');
  const foreignIds = new Set(groups.filter((g) => g.group_name === '客户等级').flatMap((g) => g.tag.map((t) => t.id)));
  const { marks } = await sim<{ marks: Array<{ add: string[]; remove: string[] }> }>('GET', '/wecom/tag-marks');
  expect(marks.flatMap((m) => [...m.add, ...m.remove]).filter((id) => foreignIds.has(id))).toEqual([]);
  expectNoPageIssues(ops);
});

test('a built-in journey is editable in the ops page and can be restored to its defaults', async () => {
  await byTestId(ops, 'nav-journeys').click();
  await byTestId(ops, 'journey-open-wake_up').click();
  await byTestId(ops, 'journey-detail').waitFor();
  await expectText(byTestId(ops, 'journey-detail'), '连续 30 天无互动');
  await byTestId(ops, 'journey-tab-edit').click();
  await ops.locator('#journeyForm_triggerDays').fill('45');
  await byTestId(ops, 'journey-save').click();
  await expectText(byTestId(ops, 'journey-detail'), '连续 45 天无互动');
  await ops.goto(`${server.baseUrl}/admin/#/journeys`);
  await expectText(byTestId(ops, 'journey-card-wake_up'), '连续 45 天无互动');
  await expectText(byTestId(ops, 'journey-card-wake_up'), '第 2 版');

  await byTestId(ops, 'journey-open-wake_up').click();
  await byTestId(ops, 'journey-tab-edit').click();
  await byTestId(ops, 'journey-restore').click();
  await ops.locator('.ant-popconfirm .ant-btn-primary').click();
  await expectText(byTestId(ops, 'journey-detail'), '连续 30 天无互动');
  await shot(ops, '11-journey-restored');
  expectNoPageIssues(ops);
});
