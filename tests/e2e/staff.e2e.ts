/**
 * 员工与权限 in Chromium: HQ creates a staff account (the one-time password is shown once), the new
 * person must set their own password before anything else opens, the demo chain's three stores
 * are listed, and the audit trail names who did it.
 */
import { launchBrowser, startServer, type BrowserHandle, type TestServer } from './harness';
import { byTestId, expectText, opsLogin } from './helpers';

let server: TestServer;
let browser: BrowserHandle;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('HQ adds a clerk; the clerk replaces the one-time password at first sign-in', async () => {
  const ops = await opsLogin(browser, server.baseUrl);
  await byTestId(ops, 'nav-staff').click();
  await expectText(byTestId(ops, 'staff-table'), '总部管理员');

  await byTestId(ops, 'staff-create').click();
  const form = byTestId(ops, 'staff-form');
  await form.locator('#username').fill('xiaowang');
  await form.locator('#displayName').fill('小王');
  await ops.getByRole('button', { name: /保\s*存/ }).click();
  const password = (await expectText(byTestId(ops, 'one-time-password'), /[A-Za-z2-9]{16}/)).match(/[A-Za-z2-9]{16}/)![0];
  await ops.getByRole('button', { name: /OK|知道了|确\s*定/ }).click();
  await expectText(byTestId(ops, 'staff-table'), '待改初始密码');

  await ops.getByRole('tab', { name: '门店' }).click();
  for (const name of ['滨江店', '城南店', '湖畔店']) await expectText(byTestId(ops, 'stores-table'), name);
  await ops.getByRole('tab', { name: '操作记录' }).click();
  await expectText(byTestId(ops, 'audit-table'), '新建账号');

  const clerk = await opsLogin(browser, server.baseUrl, 'xiaowang', password);
  await expectText(byTestId(clerk, 'change-password'), '初始密码');
  await clerk.locator('#currentPassword').fill(password);
  await clerk.locator('#newPassword').fill('Shop-clerk-2026');
  await clerk.locator('#confirm').fill('Shop-clerk-2026');
  await byTestId(clerk, 'change-password-submit').click();
  await expectText(byTestId(clerk, 'current-user'), '小王');
  await clerk.waitForSelector('[data-testid="change-password"]', { state: 'detached', timeout: 15_000 });
});
