/**
 * Reading POS export files, as pure as possible: rows from CSV (csv-parse, streaming) or .xlsx
 * (exceljs' streaming WorkbookReader, first sheet), the date formats and time zones ops choose,
 * mapping guesses from common header names, and one row → one receipt line.
 */
import * as fs from 'fs';
import { parse } from 'csv-parse';
import type * as ExcelJS from 'exceljs';
import type { ImportSettings } from '../../../../contracts/purchases';
import { SHANGHAI_OFFSET_MS } from '../../../../contracts/calendar';
import { phoneDigest } from '../../core/pii';
import { yuanToFen } from './rules';

export type Cell = string | Date;
export interface FileRow {
  /** 1-based row number in the file (the header is row 1). */
  rowNo: number;
  cells: Cell[];
}

/** `PK\x03\x04` is a zip (xlsx); text that is not is taken for CSV. */
export function detectFormat(head: Buffer): 'csv' | 'xlsx' | null {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx';
  const sample = head.subarray(0, 4096);
  if (sample.includes(0)) return null; // binary, not a CSV
  return 'csv';
}

function cellOf(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as { text?: unknown; result?: unknown; richText?: Array<{ text: string }> };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
    if (o.result !== undefined) return cellOf(o.result as ExcelJS.CellValue);
    if (o.text !== undefined) return String(o.text);
    return '';
  }
  return String(v);
}

/**
 * Rows of the file, streamed; `onBytes` reports how far into the file the reader is (progress).
 * Never holds more than the parser's buffer and one row.
 */
export async function* readRows(file: string, format: 'csv' | 'xlsx', onBytes?: (bytes: number) => void): AsyncGenerator<FileRow> {
  const input = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  input.on('data', () => onBytes?.(input.bytesRead));
  try {
    if (format === 'csv') {
      const parser = input.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, relax_quotes: true, trim: true }));
      let rowNo = 0;
      for await (const record of parser as AsyncIterable<string[]>) yield { rowNo: ++rowNo, cells: record };
      return;
    }
    // exceljs is loaded by the first xlsx import, not at every start (~0.8 s of CPU per start)
    const { stream } = await import('exceljs');
    const reader = new stream.xlsx.WorkbookReader(input, {
      worksheets: 'emit',
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'cache',
      entries: 'emit',
    });
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const values = (row.values as ExcelJS.CellValue[]) ?? [];
        const cells: Cell[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellOf(values[i]));
        if (cells.every((c) => c === '')) continue;
        yield { rowNo: row.number, cells };
      }
      break; // the first sheet only
    }
  } finally {
    input.destroy();
  }
}

/** The header and the first `n` data rows (for the mapping screen). */
export async function previewFile(file: string, format: 'csv' | 'xlsx', n = 5): Promise<{ headers: string[]; rows: string[][] }> {
  let headers: string[] = [];
  const rows: string[][] = [];
  for await (const r of readRows(file, format)) {
    const cells = r.cells.map((c) => (c instanceof Date ? wallClock(c) : c));
    if (!headers.length) headers = cells.map((c, i) => c.trim() || `第${i + 1}列`);
    else rows.push(cells);
    if (rows.length >= n) break;
  }
  return { headers, rows };
}

// ---------------------------------------------------------------- dates

const OFFSETS_MS: Record<ImportSettings['timeZone'], number> = { 'Asia/Shanghai': SHANGHAI_OFFSET_MS, UTC: 0 };
const PATTERNS: Record<ImportSettings['dateFormat'], { re: RegExp; order: Array<'Y' | 'M' | 'D'> }> = {
  'YYYY-MM-DD HH:mm:ss': { re: /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/, order: ['Y', 'M', 'D'] },
  'YYYY/MM/DD HH:mm:ss': { re: /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/, order: ['Y', 'M', 'D'] },
  'DD/MM/YYYY HH:mm:ss': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/, order: ['D', 'M', 'Y'] },
  'MM/DD/YYYY HH:mm:ss': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/, order: ['M', 'D', 'Y'] },
  YYYYMMDDHHmmss: { re: /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/, order: ['Y', 'M', 'D'] },
};

/** A Date cell from Excel holds the wall-clock time as if it were UTC. */
function wallClock(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** A local wall-clock text in the chosen format and zone → the UTC instant; null when it does not fit. */
export function parseLocalTime(raw: Cell, format: ImportSettings['dateFormat'], timeZone: ImportSettings['timeZone']): Date | null {
  let text: string;
  let pattern = PATTERNS[format];
  if (raw instanceof Date) {
    text = wallClock(raw);
    pattern = PATTERNS['YYYY-MM-DD HH:mm:ss'];
  } else if (/^\d{5}(\.\d+)?$/.test(raw.trim())) {
    // an Excel serial day number (a date cell without its style): days since 1899-12-30
    const ms = Math.round((Number(raw) - 25569) * 86_400_000);
    text = wallClock(new Date(ms));
    pattern = PATTERNS['YYYY-MM-DD HH:mm:ss'];
  } else text = raw.trim();
  const m = pattern.re.exec(text);
  if (!m) return null;
  const parts: Record<'Y' | 'M' | 'D', number> = { Y: 0, M: 0, D: 0 };
  pattern.order.forEach((k, i) => (parts[k] = Number(m[i + 1])));
  const [h, mi, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (parts.M < 1 || parts.M > 12 || parts.D < 1 || parts.D > 31 || h > 23 || mi > 59 || s > 59) return null;
  const utc = Date.UTC(parts.Y, parts.M - 1, parts.D, h, mi, s);
  if (new Date(utc).getUTCDate() !== parts.D) return null; // 2月30日
  return new Date(utc - OFFSETS_MS[timeZone]);
}

// ---------------------------------------------------------------- mapping

const GUESSES: Record<string, RegExp> = {
  receiptNo: /^(小票号|小票编号|单号|流水号|订单号|销售单号|receipt.?no|receipt|ticket)$/i,
  occurredAt: /^(交易时间|销售时间|时间|日期时间|下单时间|date|time|datetime|occurred.?at)$/i,
  till: /^(收银台|收银机|款台|pos|till)$/i,
  memberCode: /^(会员码|会员卡号|member.?code)$/i,
  phone: /^(手机号|手机|电话|phone|mobile)$/i,
  sku: /^(商品编码|商品条码|条码|sku|货号|barcode)$/i,
  name: /^(商品名称|商品名|品名|名称|商品|name|item)$/i,
  category: /^(品类|类别|分类|category)$/i,
  qty: /^(数量|qty|quantity)$/i,
  unitPrice: /^(单价|售价|price|unit.?price)$/i,
  amount: /^(金额|实收金额|小计|amount|total)$/i,
  discount: /^(优惠|折扣|优惠金额|discount)$/i,
  couponCode: /^(券码|优惠券|coupon)$/i,
  refundOf: /^(原小票号|原单号|refund.?of)$/i,
  brand: /^(品牌|brand)$/i,
  flags: /^(标记|标签|flags)$/i,
};

export function guessMapping(headers: string[], fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const h = headers.find((x) => GUESSES[f]?.test(x.trim()));
    if (h) out[f] = h;
  }
  return out;
}

export interface RowLine {
  receiptNo: string;
  occurredAt: Date;
  till: string | null;
  memberCode: string | null;
  phoneDigest: string | null;
  couponCode: string | null;
  refundOf: string | null;
  discountFen: number;
  line: { sku: string | null; name: string; category: string | null; qty: number; unitPriceFen: number | null; amountFen: number };
}

/**
 * The rows of one receipt repeat its phone number: its HMAC is computed once per number (the
 * busiest step of reading a row otherwise). Bounded: the memo starts over past 2,000 numbers.
 */
const digestMemo = new Map<string, string | null>();
function memoDigest(phone: string): string | null {
  let d = digestMemo.get(phone);
  if (d === undefined) {
    if (digestMemo.size >= 2000) digestMemo.clear();
    d = phoneDigest(phone);
    digestMemo.set(phone, d);
  }
  return d;
}

/** The rows of one receipt repeat its time: parsed once per run of equal texts (the Date is never mutated). */
let lastTime: { raw: string; format: string; zone: string; at: Date | null } | null = null;
function memoTime(raw: Cell, s: ImportSettings): Date | null {
  if (raw instanceof Date) return parseLocalTime(raw, s.dateFormat, s.timeZone);
  if (lastTime && lastTime.raw === raw && lastTime.format === s.dateFormat && lastTime.zone === s.timeZone) return lastTime.at;
  const at = parseLocalTime(raw, s.dateFormat, s.timeZone);
  lastTime = { raw, format: s.dateFormat, zone: s.timeZone, at };
  return at;
}

/** One file row → one receipt line, or the reason it cannot be read (Chinese, for the error list). */
/** The header row → column index of each mapped field (fields whose header is missing are left out). */
export function headerIndex(cells: Cell[], mapping: Record<string, string>): Map<string, number> {
  const headers = cells.map((c) => String(c).trim());
  return new Map(
    Object.entries(mapping)
      .map(([f, h]) => [f, headers.indexOf(h)] as const)
      .filter(([, i]) => i >= 0),
  );
}

export function rowToLine(cells: Cell[], index: Map<string, number>, s: ImportSettings): RowLine | { error: string } {
  const get = (f: string): Cell => {
    const i = index.get(f);
    return i === undefined ? '' : (cells[i] ?? '');
  };
  const text = (f: string) => {
    const v = get(f);
    return v instanceof Date ? wallClock(v) : v.trim();
  };
  const receiptNo = text('receiptNo');
  if (!receiptNo) return { error: '缺少小票号' };
  if (receiptNo.length > 64) return { error: '小票号过长' };
  const occurredAt = memoTime(get('occurredAt'), s);
  if (!occurredAt) return { error: `交易时间「${text('occurredAt')}」不符合格式 ${s.dateFormat}` };
  const name = text('name');
  if (!name) return { error: '缺少商品名称' };
  const amountFen = yuanToFen(text('amount'));
  if (amountFen === null) return { error: `金额「${text('amount')}」不是有效的金额` };
  const qtyText = text('qty');
  const qty = qtyText === '' ? 1 : Number(qtyText);
  if (!Number.isFinite(qty)) return { error: `数量「${qtyText}」不是数字` };
  const unitText = text('unitPrice');
  const unitPriceFen = unitText === '' ? null : yuanToFen(unitText);
  if (unitText !== '' && unitPriceFen === null) return { error: `单价「${unitText}」不是有效的金额` };
  const discText = text('discount');
  const discountFen = discText === '' ? 0 : yuanToFen(discText);
  if (discountFen === null || discountFen < 0) return { error: `优惠「${discText}」不是有效的金额` };
  const phone = text('phone');
  return {
    receiptNo,
    occurredAt,
    till: text('till').slice(0, 32) || null,
    memberCode: text('memberCode') || null,
    phoneDigest: phone ? memoDigest(phone) : null,
    couponCode: text('couponCode') || null,
    refundOf: text('refundOf') || null,
    discountFen,
    line: { sku: text('sku').slice(0, 40) || null, name: name.slice(0, 80), category: text('category').slice(0, 80) || null, qty, unitPriceFen, amountFen },
  };
}
