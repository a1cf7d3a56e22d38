/**
 * Issue 5 end to end, in Chromium against the built server (H5 build, ops page, sidebar):
 *  1. ops create a weekly series (3 sessions, 2 adult seats each) in the ops page;
 *  2. four members (own browser contexts, own dev openids) register in the H5 build: two fill the
 *     first session, the next two join the waitlist and see their positions (1, 2);
 *  3. the first member cancels -> the first waiting household is promoted automatically and sees
 *     it, the second moves up to position 1; the promotion notice goes out once;
 *  4. the 2 h reminder (the real once-a-minute job: the session starts 90 min from now, so it is
 *     due) goes out exactly once per confirmed registration, also after the job ran again;
 *  5. staff check members in: one by short code in the sidebar's 「签到」 panel, one in the ops
 *     roster by the QR text read off the member's screen (as a scanner gun types it); CSV export;
 *  6. a member rates the session in the H5 build and ops see the rating and comment.
 *
 * Direct API/simulator calls (not UI): accepting subscribe templates — wx.requestSubscribeMessage
 * exists only in the real mini-program, so the test does what a tap there does (grant the
 * simulator's one-message quota + tell our server which templates were accepted); and reading the
 * simulator's call record to count the messages sent.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { CLASS_NOTICE_PAGE } from '../../contracts/classes';
import { expectNoPageIssues, JOB_TICK_SECONDS, launchBrowser, startServer, type BrowserHandle, type TestServer } from './harness';
import { agreeToPrivacy, beijingInput, byTestId, expectText, field, memberTokenOf, opsLogin, screenshots, until } from './helpers';

const SHOTS = path.join(os.tmpdir(), 'classes-e2e-shots');
const MOBILE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 };
const SEND_PATH = '/wechat/cgi-bin/message/subscribe/send';
// 401/403 before a member agreed to the privacy guide (the login flow asks, then consents).
const MEMBER_ALLOWED = [/\b40[13] .*\/api\/(me|auth\/member\/login)\b/];

let server: TestServer;
let browser: BrowserHandle;
let ops: Page;
let sessionId = 0;
let classId = 0;
const TITLE = '共享厨房·周末饺子课';

interface Member {
  key: 'a' | 'b' | 'c' | 'd';
  openid: string;
  page: Page;
  regId: number;
}
const m: Record<Member['key'], Member> = {} as never;

const shot = screenshots(SHOTS, 700); // Taro's h5 page transition and antd's animations settle

interface SimCall {
  body?: { touser?: string; template_id?: string; page?: string };
  errcode: number | null;
}
async function subscribeSends(): Promise<SimCall[]> {
  const res = await fetch(`${server.simulatorUrl}/__sim/calls?path=${encodeURIComponent(SEND_PATH)}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { calls: SimCall[] }).calls;
}
const sendsTo = (calls: SimCall[], openid: string, templateId: string) => calls.filter((c) => c.body?.touser === openid && c.body?.template_id === templateId);

async function memberApi<T>(page: Page, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.baseUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${await memberTokenOf(page)}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (res.status !== 200) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

let templates: { reminder24h: string; reminder2h: string; promoted: string };

/**
 * What a tap on 「报名」 with the subscribe dialog does in the real mini-program: WeChat grants
 * one message per accepted template (the simulator's quota) and the page tells our server.
 */
async function acceptTemplates(member: Member, kinds: Array<keyof typeof templates>) {
  templates ??= await memberApi(member.page, 'GET', '/api/classes/subscribe-templates');
  for (const k of kinds) {
    const res = await fetch(`${server.simulatorUrl}/__sim/wechat/subscribe-accepts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ openid: member.openid, templateId: templates[k] }),
    });
    expect(res.status).toBe(200);
  }
  const accepts = { reminder24h: kinds.includes('reminder24h'), reminder2h: kinds.includes('reminder2h'), promoted: kinds.includes('promoted') };
  const reg = await memberApi<{ subscriptions: typeof accepts }>(member.page, 'POST', `/api/classes/registrations/${member.regId}/subscriptions`, accepts);
  expect(reg.subscriptions).toMatchObject(Object.fromEntries(Object.entries(accepts).filter(([, v]) => v)));
}

/** A member in their own browser context who has agreed to the privacy guide. */
async function memberJoin(key: Member['key']): Promise<Member> {
  const openid = `e2e_cls_${key}_${Date.now().toString(36)}`;
  const page = await browser.newPage(MOBILE);
  await page.addInitScript((id) => window.localStorage.setItem('sim_dev_openid', id), openid);
  await page.goto(`${server.baseUrl}/h5/`);
  await agreeToPrivacy(page);
  const member = { key, openid, page, regId: 0 };
  m[key] = member;
  return member;
}

/** Open a page of the H5 build in a fresh document (Taro's router would reuse a page still in its stack). */
async function openH5(page: Page, route: string, testId: string) {
  await page.goto(`${server.baseUrl}/h5/#${route}`);
  await page.reload();
  await byTestId(page, testId).waitFor();
}

async function openSession(page: Page) {
  await openH5(page, `/packages/classes/detail/index?id=${sessionId}`, 'page-class-detail');
  await expectText(byTestId(page, 'detail-title'), TITLE);
}

/** Register with the default household (one adult); answers the registration id from 我的活动. */
async function register(member: Member, expected: RegExp): Promise<void> {
  await byTestId(member.page, 'register-submit').click();
  await expectText(byTestId(member.page, 'register-result'), expected);
  await byTestId(member.page, 'register-go-mine').click();
  await byTestId(member.page, 'page-class-mine').waitFor();
  const card = member.page.locator('[data-testid^="reg-status-"]').first();
  await card.waitFor();
  member.regId = Number((await card.getAttribute('data-testid'))!.replace('reg-status-', ''));
}

async function openMine(page: Page) {
  await openH5(page, '/packages/classes/mine/index', 'page-class-mine');
}

/** Read the member's check-in QR off the screen, as a scanner at the counter would. */
async function readQr(page: Page, regId: number): Promise<string> {
  const sharp = require('sharp') as typeof import('sharp');
  const jsQR = require('jsqr') as typeof import('jsqr').default;
  const img = byTestId(page, `reg-qr-${regId}`).locator('img');
  await img.waitFor();
  await page.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await img.elementHandle());
  const png = await img.screenshot();
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const found = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height);
  if (!found) throw new Error('the check-in QR on the member screen did not decode');
  return found.data;
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

test('ops create a weekly series in the ops page', async () => {
  ops = await opsLogin(browser, server.baseUrl);
  await byTestId(ops, 'nav-classes').click();
  await byTestId(ops, 'class-new').click();
  await byTestId(ops, 'class-create').waitFor();

  // Starts in 90 min: registration open (closes 30 min before), the 2 h reminder due, check-in open.
  const start = new Date(Math.ceil((Date.now() + 90 * 60_000) / 60_000) * 60_000);
  await ops.locator('#classForm_title').fill(TITLE);
  await ops.getByText('共享厨房课', { exact: true }).click();
  await ops.locator('#classForm_startsAt').fill(beijingInput(start));
  await byTestId(ops, 'class-repeat').check();
  await ops.getByText('每周', { exact: true }).click();
  await ops.locator('#classForm_count').fill('3');
  await ops.locator('#classForm_hostName').fill('李师傅');
  await ops.locator('#classForm_room').fill('二楼共享厨房');
  await ops.locator('#classForm_adultSeats').fill('2');
  await ops.locator('#classForm_registrationClosesHours').fill('0.5');
  await ops.locator('#classForm_cancellationClosesHours').fill('0.5');
  await ops.locator('#classForm_tags').fill('烹饪爱好者');
  await ops.locator('#classForm_tags').press('Enter');
  await ops.locator('#classForm_description').fill('和李师傅一起和面、擀皮、包饺子，做好的饺子带回家。');
  // The store select filled itself with the first store (the demo chain has one).
  await expectText(ops.locator('.ant-select-selection-item').first(), '滨江店');
  await shot(ops, '01-ops-create');
  await byTestId(ops, 'class-submit').click();

  await byTestId(ops, 'class-detail').waitFor();
  classId = Number(/#\/classes\/(\d+)/.exec(ops.url())![1]);
  await expectText(byTestId(ops, 'class-title'), TITLE);
  const rosterLinks = ops.locator('[data-testid^="session-roster-"]');
  await until('three sessions', async () => (await rosterLinks.count()) === 3, 15_000, 1000);
  sessionId = Number((await rosterLinks.first().getAttribute('data-testid'))!.replace('session-roster-', ''));
  await expectText(byTestId(ops, `session-seats-${sessionId}`), '成人 0/2');
  await expectText(ops.locator('.ant-card-head-title').first(), '每周 · 共 3 场');
  await shot(ops, '02-ops-class');
  expectNoPageIssues(ops);
});

test('members register in the H5 build, fill the session, the next ones join the waitlist', async () => {
  // Member A finds the session from the 课程 tab.
  const a = await memberJoin('a');
  await a.page.getByText('课程', { exact: true }).last().click();
  await byTestId(a.page, 'classes-entry-list').click();
  await byTestId(a.page, 'page-class-list').waitFor();
  await expectText(byTestId(a.page, `session-seats-${sessionId}`), '成人余2位');
  await shot(a.page, '03-member-list');
  await byTestId(a.page, `session-card-${sessionId}`).click();
  await expectText(byTestId(a.page, 'detail-title'), TITLE);
  await expectText(byTestId(a.page, 'detail-seats'), '成人余2位');
  await byTestId(a.page, 'detail-other-sessions').waitFor(); // the series' other two dates
  await shot(a.page, '04-member-detail');
  await register(a, /报名成功/);

  const b = await memberJoin('b');
  await openSession(b.page);
  await register(b, /报名成功/);

  // Full now: C and D are told so before they tap, then see their place in line.
  const c = await memberJoin('c');
  await openSession(c.page);
  await expectText(byTestId(c.page, 'detail-seats'), '成人已满');
  await expectText(byTestId(c.page, 'register-submit'), '加入候补');
  await byTestId(c.page, 'register-submit').click();
  await expectText(byTestId(c.page, 'register-position'), '候补第1位');
  await shot(c.page, '05-member-waitlisted');
  await byTestId(c.page, 'register-go-mine').click();
  await byTestId(c.page, 'page-class-mine').waitFor();
  c.regId = Number((await c.page.locator('[data-testid^="reg-status-"]').first().getAttribute('data-testid'))!.replace('reg-status-', ''));
  await expectText(byTestId(c.page, `reg-status-${c.regId}`), '候补第1位');

  const d = await memberJoin('d');
  await openSession(d.page);
  await byTestId(d.page, 'register-submit').click();
  await expectText(byTestId(d.page, 'register-position'), '候补第2位');
  await byTestId(d.page, 'register-go-mine').click();
  await byTestId(d.page, 'page-class-mine').waitFor();
  d.regId = Number((await d.page.locator('[data-testid^="reg-status-"]').first().getAttribute('data-testid'))!.replace('reg-status-', ''));

  // Opening the session again shows B's registration instead of a second form.
  await openSession(b.page);
  await expectText(byTestId(b.page, 'detail-mine'), '你已报名');

  // Confirmed members see their check-in code.
  await expectText(byTestId(a.page, `reg-code-${a.regId}`), /^[A-Z0-9]{6}$/);
  await shot(a.page, '06-member-mine-code');

  // Subscribe templates (what the weapp dialog would record): B the reminder; C and D, waiting,
  // the promotion notice and the reminder. A accepted nothing.
  await acceptTemplates(b, ['reminder2h']);
  await acceptTemplates(c, ['promoted', 'reminder2h']);
  await acceptTemplates(d, ['promoted', 'reminder2h']);

  for (const x of [a, b, c, d]) expectNoPageIssues(x.page, { allow: MEMBER_ALLOWED });
}, 240_000);

test('a cancellation promotes the first waiting household automatically, and tells it once', async () => {
  const { a, c, d } = m;
  await openMine(a.page);
  await byTestId(a.page, `reg-cancel-${a.regId}`).click();
  await a.page.getByText('确定取消', { exact: true }).click();
  await expectText(byTestId(a.page, `reg-status-${a.regId}`), '已取消');

  await openMine(c.page);
  await expectText(byTestId(c.page, `reg-promoted-${c.regId}`), '候补成功');
  await expectText(byTestId(c.page, `reg-status-${c.regId}`), '已报名');
  await expectText(byTestId(c.page, `reg-code-${c.regId}`), /^[A-Z0-9]{6}$/);
  await shot(c.page, '07-member-promoted');

  await openMine(d.page);
  await expectText(byTestId(d.page, `reg-status-${d.regId}`), '候补第1位');

  const promoted = await until(
    'the promotion notice',
    async () => {
      const list = sendsTo(await subscribeSends(), c.openid, templates.promoted);
      return list.length ? list : null;
    },
    20_000,
    1000,
  );
  expect(promoted).toHaveLength(1);
  expect(promoted[0].errcode).toBe(0);
  expect(promoted[0].body?.page).toBe(`${CLASS_NOTICE_PAGE}?registrationId=${c.regId}`);
  for (const x of [a, c, d]) expectNoPageIssues(x.page, { allow: MEMBER_ALLOWED });
});

test('the 2 h reminder goes out once per confirmed registration, also after the job ran again', async () => {
  const { a, b, c, d } = m;
  // The real scheduler runs the job every minute (every JOB_TICK_SECONDS here); wait for it to send both.
  const first = await until(
    'the reminders',
    async () => {
      const calls = await subscribeSends();
      return sendsTo(calls, b.openid, templates.reminder2h).length && sendsTo(calls, c.openid, templates.reminder2h).length ? calls : null;
    },
    60_000,
    500,
  );
  expect(sendsTo(first, b.openid, templates.reminder2h)[0].errcode).toBe(0);
  // Let the job run at least twice more (plus time to finish).
  await new Promise((r) => setTimeout(r, 3 * JOB_TICK_SECONDS * 1000));

  const calls = await subscribeSends();
  const reminders = calls.filter((x) => x.body?.template_id === templates.reminder2h);
  expect(sendsTo(calls, b.openid, templates.reminder2h)).toHaveLength(1);
  expect(sendsTo(calls, c.openid, templates.reminder2h)).toHaveLength(1);
  expect(reminders).toHaveLength(2); // not A (cancelled, accepted nothing), not D (still waiting)
  expect(reminders.every((x) => x.errcode === 0)).toBe(true);
  expect(calls.filter((x) => x.body?.template_id === templates.promoted)).toHaveLength(1);
  expect(calls.filter((x) => x.body?.template_id === templates.reminder24h)).toHaveLength(0);
  expect(sendsTo(calls, a.openid, templates.reminder2h).length + sendsTo(calls, d.openid, templates.reminder2h).length).toBe(0);
}, 240_000);

test('staff check members in: short code in the sidebar, the member QR in the ops roster', async () => {
  const { b, c } = m;
  // B shows the short code; the store clerk types it in the sidebar's 签到 panel.
  await openMine(b.page);
  const code = (await expectText(byTestId(b.page, `reg-code-${b.regId}`), /^[A-Z0-9]{6}$/)).trim();
  const sidebar = await browser.newPage(MOBILE);
  await sidebar.goto(`${server.baseUrl}/sidebar/?dev_userid=zhaoliu`);
  await expectText(byTestId(sidebar, 'sidebar-staff-name'), '店员');
  await expectText(byTestId(sidebar, 'sidebar-checkin-session'), TITLE);
  await byTestId(sidebar, 'sidebar-checkin-code').fill(code.toLowerCase());
  await byTestId(sidebar, 'sidebar-checkin-submit').click();
  await expectText(byTestId(sidebar, 'sidebar-checkin-result'), `签到成功`);
  await expectText(byTestId(sidebar, 'sidebar-checkin-result'), TITLE);
  await shot(sidebar, '08-sidebar-checkin');
  // Typing it again changes nothing: recorded once.
  await byTestId(sidebar, 'sidebar-checkin-code').fill(code);
  await byTestId(sidebar, 'sidebar-checkin-submit').click();
  await expectText(byTestId(sidebar, 'sidebar-checkin-result'), '此前已签到');
  expectNoPageIssues(sidebar);

  // C's QR, read off the phone screen, typed by the scanner into the ops roster's check-in field.
  await openMine(c.page);
  const payload = await readQr(c.page, c.regId);
  expect(payload).toMatch(/^hubclass:r:/);
  await ops.goto(`${server.baseUrl}/admin/#/classes/sessions/${sessionId}`);
  await expectText(byTestId(ops, 'roster-title'), TITLE);
  await byTestId(ops, 'checkin-code').fill(payload);
  await byTestId(ops, 'checkin-code').press('Enter');
  await expectText(byTestId(ops, 'checkin-result'), '签到成功');
  await expectText(byTestId(ops, `roster-status-${c.regId}`), '已签到');
  await expectText(byTestId(ops, `roster-checked-${c.regId}`), '店员扫码');
  await expectText(byTestId(ops, `roster-checked-${b.regId}`), '店员·赵敏');
  await expectText(byTestId(ops, `roster-status-${m.d.regId}`), '候补第1位');
  await expectText(byTestId(ops, `roster-status-${m.a.regId}`), '已取消');
  await expectText(byTestId(ops, 'roster-counts'), '已签到 2');
  // How each subscribe message went, per registration.
  await expectText(byTestId(ops, `roster-row-${b.regId}`), '2小时提醒·已发送');
  await expectText(byTestId(ops, `roster-row-${c.regId}`), '候补成功通知·已发送');

  // The door QR for members to scan, and the CSV export.
  await byTestId(ops, 'roster-session-code').click();
  await byTestId(ops, 'session-qr').waitFor();
  await shot(ops, '09-ops-roster-qr');
  await ops.locator('.ant-modal-close').click();
  const [download] = await Promise.all([ops.waitForEvent('download'), byTestId(ops, 'roster-export').click()]);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  expect(csv.charCodeAt(0)).toBe(0xfeff); // BOM: Excel shows the Chinese
  const lines = csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/);
  expect(lines).toHaveLength(1 + 4); // header + four households
  expect(csv).toContain(code);
  expectNoPageIssues(ops);
});

test('the member rates the session and ops see the rating and comment', async () => {
  const { b } = m;
  await openMine(b.page);
  await byTestId(b.page, 'mine-tab-past').click();
  await byTestId(b.page, `reg-rate-${b.regId}`).waitFor();
  await expectText(byTestId(b.page, `reg-checked-${b.regId}`), '已于');
  await byTestId(b.page, `reg-stars-${b.regId}-5`).click();
  await field(b.page, `reg-comment-${b.regId}`).fill('李师傅教得很细，孩子爸爸也学会了擀皮');
  await byTestId(b.page, `reg-rate-submit-${b.regId}`).click();
  await expectText(byTestId(b.page, `reg-rating-${b.regId}`), '李师傅教得很细');
  await expectText(byTestId(b.page, `reg-rating-${b.regId}`), '★★★★★');
  await shot(b.page, '10-member-rated');
  expectNoPageIssues(b.page, { allow: MEMBER_ALLOWED });

  await ops.goto(`${server.baseUrl}/admin/#/classes/${classId}`);
  await expectText(byTestId(ops, `feedback-${b.regId}`), '李师傅教得很细，孩子爸爸也学会了擀皮');
  await expectText(byTestId(ops, 'class-stats'), '平均评分（1 条）');
  await shot(ops, '11-ops-feedback');
  await ops.goto(`${server.baseUrl}/admin/#/classes/sessions/${sessionId}`);
  await expectText(byTestId(ops, `roster-rating-${b.regId}`), '李师傅教得很细');
  await byTestId(ops, 'classes-tab-feedback').click();
  await expectText(byTestId(ops, 'feedback-table'), '李师傅教得很细');
  expectNoPageIssues(ops);
});
