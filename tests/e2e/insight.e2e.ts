/**
 * Issue 16 end to end in Chromium: the known data set (cloud/test/insight/known-data.ts, placed in
 * June 2025, before any demo data) is loaded as identity members and insight read-model rows (the
 * event path is the cloud test's job); HQ opens 概览 for the period and sees the expected figures
 * and the charts, drills into 沉默90天, exports it to Excel and saves it as a segment (listed and
 * exported again under 已存人群; the ROI 月度 tab opens); the store manager of 滨江店 sees
 * their store's figures; HQ creates an A/B test on the new-member journey's message step and,
 * after simulated sends and conversions, sees the allocation move to the better copy.
 */
import * as fs from 'fs';
import { expected, generate } from '../../cloud/test/insight/known-data';
import { expectNoPageIssues, launchBrowser, startServer, type BrowserHandle, type TestServer } from './harness';
import { byTestId, expectText, opsLogin } from './helpers';

const PERIOD = { from: '2025-06-01', to: '2025-06-30' };
const data = generate(16, PERIOD);
const BASE_ID = 90_000;

let server: TestServer;
let browser: BrowserHandle;

interface Sql {
  rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  run(sql: string, rows: unknown[][]): Promise<void>;
  close(): Promise<void>;
}

/** The server's own database (fixtures no UI can make), SQLite or MariaDB. */
async function openDb(): Promise<Sql> {
  if (server.databaseUrl) {
    const mysql = require('mysql2/promise') as typeof import('mysql2/promise');
    const conn = await mysql.createConnection({ uri: server.databaseUrl, timezone: 'Z' });
    return {
      rows: async (sql, params = []) => (await conn.query(sql, params))[0] as never,
      run: async (sql, rows) => {
        for (const r of rows) await conn.query(sql, r);
      },
      close: () => conn.end(),
    };
  }
  const Database = require('better-sqlite3');
  const db = new Database(server.sqliteFile);
  const v = (x: unknown) => (x instanceof Date ? x.toISOString().replace('T', ' ').replace('Z', '') : typeof x === 'boolean' ? Number(x) : x);
  return {
    rows: async (sql, params = []) => db.prepare(sql).all(...params.map(v)),
    run: async (sql, rows) => {
      const st = db.prepare(sql);
      db.transaction(() => rows.forEach((r) => st.run(...r.map(v))))();
    },
    close: async () => db.close(),
  };
}

const ins = (table: string, cols: string[]) => `INSERT INTO ${table} (${cols.join(',')}) VALUES (${cols.map(() => '?').join(',')})`;

async function loadKnownData(): Promise<{ storeA: number }> {
  const db = await openDb();
  try {
    const stores = await db.rows<{ id: number; name: string }>("SELECT id, name FROM store WHERE name IN ('滨江店', '城南店')");
    const sid = (k: 'A' | 'B') => Number(stores.find((s) => s.name === (k === 'A' ? '滨江店' : '城南店'))!.id);
    const owner = Number((await db.rows<{ id: number }>("SELECT id FROM staff_user WHERE username = 'owner1'"))[0].id);
    const now = new Date();
    await db.run(
      ins('household', ['id', 'name', 'store_id', 'children_count', 'created_at']),
      data.households.map((h) => [BASE_ID + h.key, `知数家庭${h.key}`, sid(h.store), h.children, now]),
    );
    await db.run(
      ins('member', ['id', 'openid', 'nickname', 'tier', 'store_id', 'household_id', 'group_owner_staff_id', 'status', 'created_at']),
      data.members.map((m) => [
        BASE_ID + m.key,
        `o_known_${m.key}`,
        m.nickname,
        '普通',
        sid(m.store),
        BASE_ID + m.household,
        m.owned ? owner : null,
        'active',
        m.registeredAt,
      ]),
    );
    const kind = (h: number) => (data.households[h].children > 0 ? 'with_children' : 'adults');
    await db.run(
      ins('insight_member', ['member_id', 'store_id', 'household_id', 'household_kind', 'owner_staff_id', 'registered_at']),
      data.members.map((m) => [BASE_ID + m.key, sid(m.store), BASE_ID + m.household, kind(m.household), m.owned ? owner : null, m.registeredAt]),
    );
    await db.run(
      ins('insight_purchase', ['receipt_id', 'member_id', 'store_id', 'total_fen', 'categories', 'lines_fen', 'occurred_at']),
      data.purchases.map((p) => {
        const cats: Record<string, number> = {};
        if (p.totalFen > 0) for (const i of p.items) cats[i.category] = (cats[i.category] ?? 0) + i.amountFen;
        return [900_000 + p.key, BASE_ID + p.member, sid(p.store), p.totalFen, JSON.stringify(cats), Object.values(cats).reduce((s, f) => s + f, 0), p.at];
      }),
    );
    await db.run(
      ins('insight_activity', ['source_key', 'member_id', 'kind', 'at']),
      data.activities.map((a) => [`known:${a.ref}`, BASE_ID + a.member, a.kind, a.at]),
    );
    await db.run(
      ins('insight_contact', ['source_key', 'kind', 'member_id', 'channel_kind', 'referral', 'at']),
      data.contacts.map((c, i) => [`known:${i}`, c.kind, c.member === null ? null : BASE_ID + c.member, c.channelKind, c.referral, c.at]),
    );
    const settings = {
      householdFoodSpendFen: { with_children: 300_000, adults: 200_000 },
      highMarginCategories: ['熟食', '烘焙'],
      acquisitionCostFen: { store_qr: 2_000, poster: 5_000 },
    };
    await db.run(ins('insight_settings', ['id', 'body', 'updated_at']), [[1, JSON.stringify(settings), now]]);
    return { storeA: sid('A') };
  } finally {
    await db.close();
  }
}

/** The statistic shows exactly this text (not merely containing it). */
const exact = (s: string) => new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
const count = (n: number) => exact(n.toLocaleString('zh-CN'));
const rate = (v: number | null) => exact(v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const fen = (v: number | null) => exact(v === null ? '—' : `¥${(v / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
const statValue = (page: import('playwright-core').Page, key: string) => byTestId(page, `fig-${key}`).locator('.ant-statistic-content');

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await loadKnownData();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('HQ and a store manager see the known figures and charts; drill-down exports; an A/B test steers itself', async () => {
  const chain = expected(data, {}, 'current');
  const ops = await opsLogin(browser, server.baseUrl);
  await byTestId(ops, 'insight-scope').waitFor({ timeout: 30_000 }); // the landing page is 概览
  await ops.goto(`${server.baseUrl}/admin/#/dashboard?from=${PERIOD.from}&to=${PERIOD.to}`);
  await expectText(byTestId(ops, 'insight-scope'), /全部门店 · 2025-06-01 至 2025-06-30（对比 2025-05-02 至 2025-05-31）/);
  await expectText(statValue(ops, 'members'), count(chain.scale.members));
  await expectText(statValue(ops, 'newMembers'), count(chain.scale.newMembers));
  await expectText(statValue(ops, 'active'), count(chain.quality.activeMembers));
  await expectText(statValue(ops, 'repeatRate'), rate(chain.value.repeatRate));
  await expectText(statValue(ops, 'netSpend'), fen(chain.value.netSpendFen));
  await expectText(statValue(ops, 'basket'), fen(chain.value.avgBasketFen));
  await expectText(statValue(ops, 'silent90'), count(chain.flow.silent90));
  await expectText(statValue(ops, 'added'), count(chain.flow.contactsAdded));
  // the charts render (ECharts draws on a canvas) and the ROI board shows the class uplift
  await byTestId(ops, 'chart-trend').locator('canvas').first().waitFor();
  await byTestId(ops, 'chart-rings').locator('canvas').first().waitFor();
  await expectText(byTestId(ops, 'roi-board'), /显著提升/);

  // drill-down → segment → Excel
  await byTestId(ops, 'fig-silent90').click();
  await expectText(byTestId(ops, 'segment-total'), `共 ${chain.flow.silent90} 人`);
  const [download] = await Promise.all([ops.waitForEvent('download'), byTestId(ops, 'segment-export').click()]);
  expect(download.suggestedFilename()).toMatch(/^沉默90天-2025-06-01至2025-06-30\.xlsx$/);
  const file = await download.path();
  expect(fs.readFileSync(file!).subarray(0, 2).toString()).toBe('PK'); // an xlsx is a zip
  // … saved as a segment, then listed under 已存人群 with its own export
  await byTestId(ops, 'segment-name').fill('六月沉默90天');
  await byTestId(ops, 'segment-save').click();
  await ops.getByText('已存为人群「六月沉默90天」').waitFor();
  await ops.keyboard.press('Escape');
  await ops.getByRole('tab', { name: '已存人群' }).click();
  const segRow = byTestId(ops, 'segments').locator('tr', { hasText: '六月沉默90天' });
  await expectText(segRow, new RegExp(`沉默90天.*2025-06-01 至 2025-06-30.*${chain.flow.silent90}`));
  const [saved] = await Promise.all([ops.waitForEvent('download'), segRow.getByRole('button', { name: /导出/ }).click()]);
  expect(saved.suggestedFilename()).toBe('六月沉默90天.xlsx');
  expect(
    fs
      .readFileSync((await saved.path())!)
      .subarray(0, 2)
      .toString(),
  ).toBe('PK');
  await ops.getByRole('tab', { name: 'ROI 月度' }).click();
  await byTestId(ops, 'roi-months').waitFor();

  // the store manager of 滨江店: their store's figures
  const storeA = expected(data, { store: 'A' }, 'current');
  const mgr = await opsLogin(browser, server.baseUrl, 'manager', 'manager123');
  await byTestId(mgr, 'insight-scope').waitFor({ timeout: 30_000 });
  await mgr.goto(`${server.baseUrl}/admin/#/dashboard?from=${PERIOD.from}&to=${PERIOD.to}`);
  await expectText(byTestId(mgr, 'insight-scope'), /滨江店 · 2025-06-01 至 2025-06-30/);
  await expectText(statValue(mgr, 'members'), count(storeA.scale.members));
  await expectText(statValue(mgr, 'netSpend'), fen(storeA.value.netSpendFen));
  await expectText(statValue(mgr, 'repeatRate'), rate(storeA.value.repeatRate));

  // A/B test on the new-member journey's day-3 message
  await ops.getByRole('tab', { name: 'A/B 测试' }).click();
  await byTestId(ops, 'ab-name').fill('新客第3天文案');
  await byTestId(ops, 'ab-step').click();
  await ops.locator('.ant-select-item-option', { hasText: '新客旅程' }).first().click();
  await byTestId(ops, 'ab-variant-1').fill('{客户称呼}，三道菜搞定宝宝一周营养晚餐，点开看看～');
  await byTestId(ops, 'ab-create').click();
  const card = ops.locator('[data-testid^="ab-test-"]').first();
  await card.waitFor();
  const testId = Number((await card.getAttribute('data-testid'))!.replace('ab-test-', ''));
  await expectText(byTestId(ops, `ab-share-${testId}-1`), /^(4\d|5\d)(\.\d)?%$/); // starts about even
  // simulated sends and conversions: copy B converts 20 %, copy A 2 %
  const db = await openDb();
  try {
    const rows: unknown[][] = [];
    const at = new Date();
    for (let i = 0; i < 200; i++) rows.push([testId, 500_000 + i, i % 2, at, (i % 2 === 1 && i % 10 === 1) || (i % 2 === 0 && i % 100 === 0) ? at : null]);
    await db.run(ins('insight_ab_assignment', ['test_id', 'member_id', 'variant', 'assigned_at', 'converted_at']), rows);
  } finally {
    await db.close();
  }
  await byTestId(ops, 'ab-reload').click();
  await expectText(byTestId(ops, `ab-share-${testId}-1`), /^9\d(\.\d)?%$/);

  // a coupon A/B test on the wake-up journey's coupon step: variant A comes from the step, B is typed
  await byTestId(ops, 'ab-kind').getByText('优惠券').click();
  await byTestId(ops, 'ab-name').fill('回归券面额');
  await byTestId(ops, 'ab-step').click();
  await ops.locator('.ant-select-item-option', { hasText: '唤醒旅程' }).first().click();
  await byTestId(ops, 'ab-variant-1').fill('无门槛5元券');
  await byTestId(ops, 'ab-amount-1').locator('xpath=descendant-or-self::input').first().fill('5');
  await byTestId(ops, 'ab-create').click();
  const couponCard = ops.locator('[data-testid^="ab-test-"]', { hasText: '回归券面额' });
  await expectText(couponCard.locator('tbody tr').nth(0), /老朋友回归券.*10\.00元 \/ 满50\.00元/);
  await expectText(couponCard.locator('tbody tr').nth(1), /无门槛5元券.*5\.00元 \/ 无门槛/);
  expectNoPageIssues(ops);
  expectNoPageIssues(mgr);
}, 120_000);
