/**
 * File imports through the HTTP API: a CSV and an .xlsx with a few bad rows are mapped and run as
 * background jobs; row errors are listed and downloadable; a second run of the same file adds
 * nothing; undo removes exactly what the import added (and the RFM projection hears it); products.
 */
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';
import * as ExcelJS from 'exceljs';
import { purchases as api } from '../../../contracts';
import type { ImportSettings } from '../../../contracts/purchases';
import { Db } from '../../src/core/db';
import { ImportService } from '../../src/modules/purchases/imports.service';
import { Product, PurchaseImport, Receipt } from '../../src/modules/purchases/entities/receipt.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { makeMember, makeStore } from '../helpers/fixtures';
import { JourneyCoupon } from '../../src/modules/journeys/entities/coupon.entity';
import { settle, staffToken } from '../wecom/engine-helpers';

let t: TestApp;
let d: Db;
let storeId: number;
let admin: string;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-import-'));

beforeAll(async () => {
  t = await startTestApp();
  d = await t.container.getAsync(Db);
  storeId = (await makeStore(t, '滨江店')).id;
  admin = (await staffToken(t, 'hq_admin')).token;
}, 60_000);
afterAll(async () => {
  await t?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const HEADER = ['单号', '交易时间', '收银台', '商品编码', '商品名称', '品类', '数量', '单价', '金额', '优惠'];

async function upload(file: string, kind: 'receipts' | 'products' = 'receipts') {
  const res = await t.http().post(`/api/admin/purchases/imports?storeId=${storeId}&kind=${kind}`).set('authorization', `Bearer ${admin}`).attach('file', file);
  return res;
}

async function runToEnd(id: number, settings: ImportSettings) {
  const started = await t.client(admin).call(api.startImport, { params: { id }, body: settings });
  expect(['queued', 'running', 'done']).toContain(started.status);
  await (await t.container.getAsync(ImportService)).idle();
  return t.client(admin).call(api.getImport, { params: { id } });
}

it('imports a CSV with bad rows, lists the errors, adds nothing on a re-run and can be undone', async () => {
  const file = path.join(tmp, 'pos-export.csv');
  const rows = [
    HEADER,
    ['A001', '2026-11-02 09:15:00', 'T1', '690001', '有机菠菜', '蔬菜', '1', '8.90', '8.90', ''],
    ['A001', '2026-11-02 09:15:00', 'T1', '690002', '鲜牛奶', '乳品', '2', '6.25', '12.50', '1.00'],
    ['A002', '2026-11-02 10:01:00', 'T2', '690003', '和牛肥牛卷', '肉禽/牛肉', '1', '59.90', '59.90', ''],
    ['A003', '2026-13-02 10:05:00', 'T2', '690004', '鸡蛋', '蛋品', '1', '12', '12', ''], // bad date
    ['A004', '2026-11-03 11:00:00', 'T1', '690005', '苹果', '水果', '1', '5', 'abc', ''], // bad amount
    ['A004', '2026-11-03 11:00:00', 'T1', '690006', '香蕉', '水果', '1', '3', '3', ''], // same receipt: not imported
    ['A005', '2026-11-03 12:00:00', 'T1', '690007', '', '水果', '1', '3', '3', ''], // no name
    ['A006', '2026-11-04 08:30:00', 'T1', '690008', '"豆浆, 原味"', '饮品', '1', '4.5', '4.5', ''],
  ];
  fs.writeFileSync(file, '\ufeff' + rows.map((r) => r.join(',')).join('\n'));
  const up = await upload(file);
  expect(up.status).toBe(200);
  expect(up.body).toMatchObject({ status: 'uploaded', format: 'csv', headers: HEADER });
  expect(up.body.preview[0][4]).toBe('有机菠菜');
  // common header names are mapped already
  expect(up.body.settings.mapping).toMatchObject({ receiptNo: '单号', occurredAt: '交易时间', name: '商品名称', amount: '金额', qty: '数量' });
  const settings = { mapping: up.body.settings.mapping, dateFormat: 'YYYY-MM-DD HH:mm:ss' as const, timeZone: 'Asia/Shanghai' as const };

  // a mapping without a required field is refused
  const bad = await t
    .http()
    .post(`/api/admin/purchases/imports/${up.body.id}/start`)
    .set('authorization', `Bearer ${admin}`)
    .send({ ...settings, mapping: { receiptNo: '单号' } });
  expect(bad.status).toBe(400);
  expect(bad.body.code).toBe('IMPORT_MAPPING_INVALID');

  const done = await runToEnd(up.body.id, settings);
  expect(done).toMatchObject({ status: 'done', rows: 8, added: 3, duplicates: 0, conflicts: 0 });
  expect(done.processedBytes).toBe(done.totalBytes);
  const a001 = await d.manager.findOneByOrFail(Receipt, { receiptNo: 'A001', storeId });
  expect(a001).toMatchObject({ totalFen: 2140, discountFen: 100, till: 'T1', importId: up.body.id });
  // Beijing 09:15 is 01:15 UTC
  expect(a001.occurredAt.toISOString()).toBe('2026-11-02T01:15:00.000Z');
  const errors = await t.client(admin).call(api.importErrors, { params: { id: up.body.id }, query: {} });
  expect(errors.items.map((e) => e.row)).toEqual(expect.arrayContaining([5, 6, 8]));
  expect(errors.items.find((e) => e.row === 5)!.message).toContain('交易时间');
  expect(errors.items.find((e) => e.row === 6)!.message).toContain('金额');
  expect(errors.items.find((e) => e.row === 8)!.message).toContain('商品名称');
  const csv = await t.http().get(`/api/admin/purchases/imports/${up.body.id}/errors.csv`).set('authorization', `Bearer ${admin}`);
  expect(csv.status).toBe(200);
  expect(csv.headers['content-type']).toContain('text/csv');
  expect(csv.text.startsWith('\ufeff行号,原因,原始内容')).toBe(true);

  // the same file again: nothing added, every receipt a duplicate
  const again = await upload(file);
  const second = await runToEnd(again.body.id, settings);
  expect(second).toMatchObject({ status: 'done', added: 0, duplicates: 3 });
  expect(await d.manager.countBy(Receipt, { storeId })).toBe(3);

  // a coupon redeemed by a receipt of this import is given back by the undo
  const member = await makeMember(t, { storeId });
  const couponId = Number(
    (
      await d.manager.insert(JourneyCoupon, {
        idemKey: `undo-${Date.now()}`,
        memberId: member.id,
        externalUserId: 'wm_u',
        enrolmentId: null,
        title: '回归券',
        amountFen: 500,
        minSpendFen: 0,
        validUntil: new Date(Date.now() + 86_400_000),
        status: 'used',
        issuedAt: new Date(),
        redeemedAt: new Date(),
        redeemedReceiptId: null,
      })
    ).identifiers[0].id,
  );
  const imported = await d.manager.findOneByOrFail(Receipt, { storeId, receiptNo: 'A002' });
  await d.manager.update(JourneyCoupon, { id: couponId }, { redeemedReceiptId: imported.id });

  // undo the first import: its receipts leave the ledger
  const undone = await t.client(admin).call(api.undoImport, { params: { id: up.body.id } });
  expect(undone.status).toBe('undone');
  expect(await d.manager.countBy(Receipt, { storeId })).toBe(0);
  await settle(t);
  const twice = await t.http().post(`/api/admin/purchases/imports/${up.body.id}/undo`).set('authorization', `Bearer ${admin}`);
  expect(twice.body.code).toBe('IMPORT_NOT_UNDOABLE');
  expect(await d.manager.findOneByOrFail(JourneyCoupon, { id: couponId })).toMatchObject({ status: 'issued', redeemedReceiptId: null, redeemedAt: null });
});

it('imports an .xlsx (date cells, numbers) with its own date format, through the same ledger path', async () => {
  const file = path.join(tmp, 'pos-export.xlsx');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('销售明细');
  ws.addRow(['小票号', '销售时间', '商品名称', '品类', '数量', '金额']);
  // Excel date cells hold the Beijing wall-clock time
  ws.addRow(['X100', new Date(Date.UTC(2026, 10, 20, 18, 30)), '清酒', '酒水/清酒', 1, 128]);
  ws.addRow(['X100', new Date(Date.UTC(2026, 10, 20, 18, 30)), '毛豆', '蔬菜', 2, 6.5]);
  ws.addRow(['X101', '21/11/2026 08:00:00', '面包', '烘焙', 1, 9.9]);
  ws.addRow(['X102', 'not a date', '面包', '烘焙', 1, 9.9]);
  await wb.xlsx.writeFile(file);
  const up = await upload(file);
  expect(up.status).toBe(200);
  expect(up.body.format).toBe('xlsx');
  const done = await runToEnd(up.body.id, { mapping: up.body.settings.mapping, dateFormat: 'DD/MM/YYYY HH:mm:ss', timeZone: 'Asia/Shanghai' });
  expect(done).toMatchObject({ status: 'done', added: 2, errors: 1 });
  const x100 = await d.manager.findOneByOrFail(Receipt, { receiptNo: 'X100', storeId });
  expect(x100.totalFen).toBe(13450);
  expect(x100.occurredAt.toISOString()).toBe('2026-11-20T10:30:00.000Z');
  expect((await d.manager.findOneByOrFail(Receipt, { receiptNo: 'X101', storeId })).occurredAt.toISOString()).toBe('2026-11-21T00:00:00.000Z');
});

it('refuses a file that is neither CSV nor xlsx', async () => {
  const file = path.join(tmp, 'photo.xlsx');
  fs.writeFileSync(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
  const up = await upload(file);
  expect(up.status).toBe(415);
  expect(up.body.code).toBe('IMPORT_FORMAT_UNSUPPORTED');
});

it('imports the product catalogue (re-import updates, never duplicates)', async () => {
  const file = path.join(tmp, 'products.csv');
  fs.writeFileSync(
    file,
    ['商品编码,商品名称,品类,品牌,标记', '690001,有机菠菜,蔬菜/叶菜,本味,有机', '690009,獭祭清酒,酒水/清酒,獭祭,进口', ',无编码,蔬菜,,'].join('\n'),
  );
  for (let i = 0; i < 2; i++) {
    const up = await upload(file, 'products');
    const done = await runToEnd(up.body.id, { mapping: up.body.settings.mapping, dateFormat: 'YYYY-MM-DD HH:mm:ss', timeZone: 'Asia/Shanghai' });
    expect(done).toMatchObject({ status: 'done', added: 2, errors: 1 });
  }
  expect(await d.manager.count(Product)).toBe(2);
  const list = await t.client(admin).call(api.listProducts, { query: { q: '清酒' } });
  expect(list.items).toEqual([{ sku: '690009', name: '獭祭清酒', categoryPath: '酒水/清酒', brand: '獭祭', flags: ['进口'] }]);
});

it('a run whose runner died is claimed again by the job once its lease ran out, not before, and finishes', async () => {
  const file = path.join(tmp, 'lease.csv');
  const rows = [HEADER, ['L001', '2026-11-05 09:00:00', 'T1', '690101', '青菜', '蔬菜', '1', '3', '3', '']];
  fs.writeFileSync(file, rows.map((r) => r.join(',')).join('\n'));
  const up = await upload(file);
  const settings = { mapping: up.body.settings.mapping, dateFormat: 'YYYY-MM-DD HH:mm:ss' as const, timeZone: 'Asia/Shanghai' as const };
  expect(await runToEnd(up.body.id, settings)).toMatchObject({ status: 'done', added: 1 });
  const imports = await t.container.getAsync(ImportService);
  const id = up.body.id as number;
  const { attempts } = await d.manager.findOneByOrFail(PurchaseImport, { id });

  // a runner that is still renewing its lease keeps the run
  await d.manager.update(PurchaseImport, { id }, { status: 'running', processedBytes: 0, lockedUntil: new Date(Date.now() + 60_000) });
  expect(await imports.resumeStale(new Date())).toBe(0);
  await imports.idle();
  expect(await d.manager.findOneByOrFail(PurchaseImport, { id })).toMatchObject({ status: 'running', attempts });

  // its lease ran out (the runner died): the job claims it as the next attempt and runs it from the start
  await d.manager.update(PurchaseImport, { id }, { lockedUntil: new Date(Date.now() - 1_000) });
  expect(await imports.resumeStale(new Date())).toBe(1);
  await imports.idle();
  const row = await d.manager.findOneByOrFail(PurchaseImport, { id });
  expect(row).toMatchObject({ status: 'done', attempts: attempts + 1, added: 1, rows: 1, lockedUntil: null });
  expect(row.processedBytes).toBe(row.totalBytes);
});
