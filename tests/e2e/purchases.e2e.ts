/**
 * Issue 11 end to end, in Chromium against the built server (demo chain seeded):
 *  1. ops upload a POS export CSV with a few bad rows in 消费与导入, check the guessed column
 *     mapping, start it, watch it finish and see the row errors; the same for an .xlsx;
 *  2. the same CSV again adds nothing; the first import is undone as a whole;
 *  3. ops mark a 「新品到店」 (清酒, suits beef buyers) in the ops page;
 *  4. a demo member (a WeCom contact of the demo store) opens 会员码 in the H5 build; a signed POS
 *     push carrying the code read off the screen records a receipt for that member;
 *  5. the member sees it in 「我的消费」; the clerk's sidebar shows it in the timeline with the
 *     purchase-based tasting suggestion and its reason.
 * Direct API calls (not UI): creating the POS key (its secret would be typed into the till) and the
 * till's signed push itself.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { demoPopulation } from '../../cloud/src/seed/demo-data';
import { posSignature } from '../../cloud/src/modules/purchases/pos-auth';
import { launchBrowser, startServer, type BrowserHandle, type TestServer } from './harness';
import { byTestId, expectText, opsLogin } from './helpers';

const MOBILE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 };
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'purchases-e2e-'));

let server: TestServer;
let browser: BrowserHandle;
let ops: Page;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  ops = await opsLogin(browser, server.baseUrl);
  await byTestId(ops, 'login-submit')
    .waitFor({ state: 'detached' })
    .catch(() => undefined);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  fs.rmSync(TMP, { recursive: true, force: true });
});

const adminToken = async () => (await ops.evaluate(() => window.sessionStorage.getItem('hub.admin.token'))) as string;

async function adminApi<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.baseUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${await adminToken()}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (res.status !== 200) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function importFile(file: string, expectStatus: string | RegExp) {
  await ops.goto(`${server.baseUrl}/admin/#/purchases`);
  await ops.reload();
  await byTestId(ops, 'purchases-page').waitFor();
  // the picker is enabled once the stores are loaded (a file needs its store)
  await ops.locator('[data-testid="import-upload"]:not([disabled])').waitFor();
  await ops.locator('input[type=file]').setInputFiles(file);
  await byTestId(ops, 'import-preview').waitFor();
  // the common header names were mapped already
  await expectText(byTestId(ops, 'map-receiptNo'), '单号');
  await expectText(byTestId(ops, 'map-amount'), '金额');
  await byTestId(ops, 'import-start').click();
  await expectText(byTestId(ops, 'import-status'), expectStatus, 60_000);
  await byTestId(ops, 'import-progress').waitFor();
}

test('ops import a CSV and an .xlsx with bad rows, re-run adds nothing, undo', async () => {
  const csv = path.join(TMP, 'pos-export.csv');
  fs.writeFileSync(
    csv,
    [
      '单号,交易时间,收银台,商品名称,品类,数量,金额',
      'E2E-001,2026-11-02 09:15:00,T1,有机菠菜,蔬菜,1,8.90',
      'E2E-001,2026-11-02 09:15:00,T1,鲜牛奶,乳品,2,12.50',
      'E2E-002,2026-11-02 10:00:00,T1,鸡蛋,蛋品,1,12',
      'E2E-003,2026-13-40 10:00:00,T1,苹果,水果,1,5',
      'E2E-004,2026-11-02 11:00:00,T1,香蕉,水果,1,abc',
    ].join('\n'),
  );
  await importFile(csv, '已完成');
  const result = byTestId(ops, 'import-result');
  await expectText(result, /新增\s*2/);
  await expectText(byTestId(ops, 'import-errors'), '交易时间');
  await expectText(byTestId(ops, 'import-errors'), '金额');
  await byTestId(ops, 'import-errors-download').waitFor();
  const firstId = (await adminApi<{ items: Array<{ id: number }> }>('GET', '/api/admin/purchases/imports')).items[0].id;

  const xlsx = path.join(TMP, 'pos-export.xlsx');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('明细');
  ws.addRow(['单号', '交易时间', '收银台', '商品名称', '品类', '数量', '金额']);
  ws.addRow(['E2E-X1', new Date(Date.UTC(2026, 10, 20, 18, 30)), 'T2', '清酒', '酒水/清酒', 1, 128]);
  ws.addRow(['E2E-X2', 'bad', 'T2', '毛豆', '蔬菜', 1, 6.5]);
  await wb.xlsx.writeFile(xlsx);
  await importFile(xlsx, '已完成');
  await expectText(byTestId(ops, 'import-result'), /新增\s*1/);
  await expectText(byTestId(ops, 'import-errors'), '交易时间');

  // the same CSV again: nothing added
  await importFile(csv, '已完成');
  await expectText(byTestId(ops, 'import-result'), /新增\s*0/);
  await expectText(byTestId(ops, 'import-result'), /重复（已有）\s*2/);

  // undo the first import as a whole
  await byTestId(ops, `import-open-${firstId}`).click();
  await expectText(byTestId(ops, 'import-status'), '已完成');
  await byTestId(ops, 'import-undo').click();
  await ops.locator('.ant-popconfirm-buttons .ant-btn-primary').click();
  await expectText(byTestId(ops, 'import-status'), '已撤销');
  const receipts = await adminApi<{ items: Array<{ receiptNo: string }> }>('GET', `/api/admin/purchases/receipts?pageSize=100`);
  expect(receipts.items.map((r) => r.receiptNo)).not.toContain('E2E-001');
  expect((await adminApi<{ status: string }>('GET', `/api/admin/purchases/imports/${firstId}`)).status).toBe('undone');
}, 240_000);

test("member code at the till → 我的消费 and the clerk's sidebar with a purchase-based suggestion", async () => {
  // 新品到店 in the ops page
  await ops.goto(`${server.baseUrl}/admin/#/purchases`);
  await ops.reload();
  await ops.locator('.ant-tabs-tab', { hasText: '新品到店' }).click();
  await byTestId(ops, 'arrival-title').fill('獭祭清酒');
  await byTestId(ops, 'arrival-category').fill('酒水/清酒');
  await byTestId(ops, 'arrival-related').fill('肉禽/牛肉');
  await byTestId(ops, 'arrival-add').click();
  await expectText(byTestId(ops, 'arrivals-table'), '獭祭清酒');

  // the demo member behind wm_demo_0001 opens 会员码
  const member = demoPopulation().members.filter((m) => m.unionid)[0];
  const page = await browser.newPage(MOBILE);
  await page.addInitScript((id) => window.localStorage.setItem('sim_dev_openid', id), member.openid);
  await page.goto(`${server.baseUrl}/h5/`);
  await byTestId(page, 'page-home').waitFor();
  await byTestId(page, 'home-member-code').click();
  const digits = (await expectText(byTestId(page, 'member-code-digits'), /^66[\d ]+$/)).replace(/\s/g, '');
  await byTestId(page, 'member-barcode').waitFor();
  await byTestId(page, 'member-qr').waitFor();

  // the till pushes a signed receipt carrying the scanned code
  const stores = await adminApi<{ items: Array<{ id: number; name: string }> }>('GET', '/api/admin/purchases/stores');
  const key = await adminApi<{ keyId: string; secret: string }>('POST', '/api/admin/purchases/pos-keys', { storeId: stores.items[0].id, name: 'e2e 收银台' });
  const body = JSON.stringify({
    receipts: [
      {
        receiptNo: `E2E-POS-${Date.now()}`,
        till: 'T1',
        occurredAt: new Date().toISOString(),
        memberCode: digits,
        totalFen: 16800,
        discountFen: 0,
        couponCodes: [],
        lines: [{ name: '澳洲和牛M5', category: '肉禽/牛肉', qty: 1, unitPriceFen: 16800, amountFen: 16800 }],
      },
    ],
  });
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = `e2e-${Date.now()}-nonce`;
  const res = await fetch(`${server.baseUrl}/api/pos/receipts`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-pos-key': key.keyId,
      'x-pos-timestamp': ts,
      'x-pos-nonce': nonce,
      'x-pos-signature': posSignature(key.secret, ts, nonce, body),
    },
    body,
  });
  const pushed = (await res.json()) as { results: Array<{ status: string; memberCode: string }> };
  expect(res.status).toBe(200);
  expect(pushed.results[0]).toMatchObject({ status: 'added', memberCode: 'matched' });

  // 我的消费
  await page.goto(`${server.baseUrl}/h5/#/packages/wallet/purchases/index`);
  await page.reload();
  await expectText(byTestId(page, 'my-purchases-page'), '澳洲和牛M5');

  // the clerk's sidebar: timeline entry and the tasting suggestion with its reason
  const side = await browser.newPage({ viewport: { width: 420, height: 900 } });
  await side.goto(`${server.baseUrl}/sidebar/?dev_userid=chenjing&dev_external_userid=wm_demo_0001`);
  await expectText(byTestId(side, 'sidebar-activity'), '澳洲和牛M5', 30_000);
  await expectText(byTestId(side, 'sidebar-offer-new_arrival_taste'), '獭祭清酒');
  await expectText(byTestId(side, 'sidebar-offer-new_arrival_taste'), '澳洲和牛M5');
}, 240_000);
