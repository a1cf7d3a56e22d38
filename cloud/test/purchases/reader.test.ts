/** The import's reading half (file → receipt batches) and the ledger's INSERT text, without a database. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { format } from 'mysql2';
import { BATCH_RECEIPTS, readReceiptBatches, type ReceiptBatch } from '../../src/modules/purchases/import-reader';
import { contentHash } from '../../src/modules/purchases/rules';
import { sqlTuple } from '../../src/modules/purchases/sql-text';

const settings = {
  mapping: { receiptNo: '单号', occurredAt: '时间', name: '商品', amount: '金额', qty: '数量', phone: '手机号' },
  dateFormat: 'YYYY-MM-DD HH:mm:ss' as const,
  timeZone: 'Asia/Shanghai' as const,
};

async function batchesOf(csv: string): Promise<ReceiptBatch[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reader-'));
  const file = path.join(dir, 'f.csv');
  fs.writeFileSync(file, csv);
  try {
    const out: ReceiptBatch[] = [];
    for await (const b of readReceiptBatches({ file, format: 'csv', settings, storeId: 7 })) out.push(b);
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('consecutive rows make one receipt; batches of 500 receipts in file order, each draft with its content hash', async () => {
  const rows = ['单号,时间,商品,金额,数量,手机号'];
  for (let r = 0; r < 1201; r++) {
    rows.push(`R${r},2026-11-02 09:00:00,米,1.50,1,13900000001`);
    rows.push(`R${r},2026-11-02 09:00:00,面,2,2,13900000001`);
  }
  const batches = await batchesOf(rows.join('\n') + '\n');
  expect(batches.map((b) => b.drafts.length)).toEqual([BATCH_RECEIPTS, BATCH_RECEIPTS, 201]);
  const all = batches.flatMap((b) => b.drafts);
  expect(all.map((d) => d.draft.receiptNo)).toEqual(Array.from({ length: 1201 }, (_, r) => `R${r}`));
  const first = all[0];
  expect(first.firstRow).toBe(2);
  expect(first.draft).toMatchObject({ storeId: 7, channel: 'pos', totalFen: 350, occurredAt: new Date('2026-11-02T01:00:00Z') });
  expect(first.draft.lines.map((l) => [l.name, l.qty, l.amountFen])).toEqual([
    ['米', 1, 150],
    ['面', 2, 200],
  ]);
  expect(first.draft.phoneDigest).toMatch(/^[0-9a-f]{16,}$/);
  for (const d of all) expect(d.hash).toBe(contentHash(d.draft));
  expect(batches[batches.length - 1].rows).toBe(2402);
  expect(batches.every((b) => b.errors.length === 0)).toBe(true);
});

test('a receipt with an unreadable row is left out whole, its rows listed', async () => {
  const csv = [
    '单号,时间,商品,金额,数量,手机号',
    'A,2026-11-02 09:00:00,米,1,1,',
    'B,2026-11-02 09:00:00,米,1,1,',
    'B,2026-13-02 09:00:00,面,1,1,',
    'C,2026-11-02 10:00:00,面,x,1,',
  ].join('\n');
  const [b] = await batchesOf(csv);
  expect(b.drafts.map((d) => d.draft.receiptNo)).toEqual(['A']);
  expect(b.errors.map(([row]) => row)).toEqual([4, 3, 5, 5]);
  expect(b.errors[0][1]).toMatch(/^交易时间「2026-13-02 09:00:00」不符合格式/);
  expect(b.errors[1][1]).toBe('小票 B 含无法识别的行，整张未导入');
  expect(b.errors[2][1]).toMatch(/^金额「x」/);
  expect(b.errors[3][1]).toBe('小票 C 含无法识别的行，整张未导入');
  expect(b.errors[0][2]).toBe('B,2026-13-02 09:00:00,面,1,1,');
});

test('INSERT text matches what mysql2 would send for the same values (quotes, backslashes, nulls, UTC dates)', () => {
  const row = [1, 'plain', 'O\'Brien \\ "x"\n', null, -2.5, new Date('2026-11-02T01:02:03.045Z'), '中文'];
  expect(sqlTuple(row)).toBe(format(`(${row.map(() => '?').join(',')})`, row, false, 'Z'));
  expect(sqlTuple([true, false])).toBe('(1,0)'); // as core/bulk-insert stores booleans
});
