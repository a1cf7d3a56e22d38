/**
 * The reading half of a receipt import: file rows → receipt drafts in batches, with row errors and
 * progress. Consecutive rows with one receipt number make one receipt; a receipt with an unreadable
 * row is left out whole (its rows listed as errors). Each draft carries its content hash, so the
 * ledger does not hash again.
 *
 * `receiptBatches` runs it in a worker thread when the compiled worker is there (the server): csv
 * parsing, row checks and hashing are about a third of an import's CPU and then overlap the
 * database writes on the main thread instead of taking turns with them (and with HTTP requests).
 * The worker stays at most two batches ahead. Elsewhere (ts-jest) it runs in-process, same code.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { ImportSettings } from '../../../../contracts/purchases';
import { readRows, type RowLine, rowToLine, headerIndex } from './import-format';
import { contentHash, type ReceiptDraft } from './rules';

export const BATCH_RECEIPTS = 500;

export interface ReaderInput {
  file: string;
  format: 'csv' | 'xlsx';
  settings: ImportSettings;
  storeId: number;
}

export interface ReceiptBatch {
  drafts: Array<{ draft: ReceiptDraft; firstRow: number; hash: string }>;
  /** [row number, message (Chinese), raw row] */
  errors: Array<[number, string, string]>;
  /** How far into the file (bytes) and how many data rows were read when the batch closed. */
  bytes: number;
  rows: number;
}

/** In-process reading (also what the worker runs). */
export async function* readReceiptBatches(input: ReaderInput): AsyncGenerator<ReceiptBatch> {
  const { settings } = input;
  let bytes = 0;
  let rows = 0;
  let index: Map<string, number> | null = null;
  let errors: ReceiptBatch['errors'] = [];
  let drafts: ReceiptBatch['drafts'] = [];
  let current: { draft: ReceiptDraft; firstRow: number; bad: boolean } | null = null;
  const close = () => {
    if (current && !current.bad) drafts.push({ draft: current.draft, firstRow: current.firstRow, hash: contentHash(current.draft) });
    current = null;
  };
  const take = (): ReceiptBatch => {
    const b = { drafts, errors, bytes, rows };
    drafts = [];
    errors = [];
    return b;
  };
  for await (const r of readRows(input.file, input.format, (b) => (bytes = b))) {
    if (!index) {
      index = headerIndex(r.cells, settings.mapping);
      continue;
    }
    rows++;
    const line = rowToLine(r.cells, index, settings);
    const receiptNo = 'error' in line ? String(r.cells[index.get('receiptNo') ?? -1] ?? '').trim() : line.receiptNo;
    if (!current || current.draft.receiptNo !== receiptNo) {
      close();
      if (drafts.length >= BATCH_RECEIPTS) yield take();
      current = { draft: emptyDraft(input.storeId, receiptNo, line), firstRow: r.rowNo, bad: false };
    }
    if ('error' in line) {
      const raw = r.cells.map((c) => (c instanceof Date ? c.toISOString() : c)).join(',');
      errors.push([r.rowNo, line.error, raw]);
      if (!current.bad && receiptNo) errors.push([current.firstRow, `小票 ${receiptNo} 含无法识别的行，整张未导入`, '']);
      current.bad = true;
      continue;
    }
    addLine(current.draft, line);
  }
  close();
  yield take();
}

function emptyDraft(storeId: number, receiptNo: string, first: RowLine | { error: string }): ReceiptDraft {
  const ok = 'error' in first ? null : first;
  return {
    channel: 'pos',
    storeId,
    receiptNo,
    till: ok?.till ?? null,
    occurredAt: ok?.occurredAt ?? new Date(NaN),
    memberId: null,
    memberCode: ok?.memberCode ?? null,
    phoneDigest: ok?.phoneDigest ?? null,
    totalFen: 0,
    discountFen: 0,
    refundOfNo: ok?.refundOf ?? null,
    couponCodes: [],
    lines: [],
  };
}

function addLine(d: ReceiptDraft, l: RowLine): void {
  d.lines.push(l.line);
  d.totalFen += l.line.amountFen;
  d.discountFen += l.discountFen;
  if (l.couponCode && !d.couponCodes.includes(l.couponCode)) d.couponCodes.push(l.couponCode);
  if (Number.isNaN(d.occurredAt.getTime())) d.occurredAt = l.occurredAt;
  d.till ??= l.till;
  d.memberCode ??= l.memberCode;
  d.phoneDigest ??= l.phoneDigest;
  d.refundOfNo ??= l.refundOf;
}

// ---------------------------------------------------------------- worker thread

const WORKER_FILE = path.join(__dirname, 'import-reader.worker.js');
/** Batches the worker may read ahead of the writer (memory stays bounded). */
export const AHEAD = 2;

type FromWorker = { batch: ReceiptBatch } | { done: true } | { error: string };

/** The batches of a file, read in a worker thread when the compiled worker exists. */
export async function* receiptBatches(input: ReaderInput): AsyncGenerator<ReceiptBatch> {
  if (!fs.existsSync(WORKER_FILE)) {
    yield* readReceiptBatches(input);
    return;
  }
  // it holds a parser buffer and a few batches: a small heap keeps the server within its memory budget
  const worker = new Worker(WORKER_FILE, {
    workerData: { purchasesImportReader: input },
    resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
  });
  const inbox: FromWorker[] = [];
  let wake: (() => void) | null = null;
  const push = (m: FromWorker) => {
    inbox.push(m);
    wake?.();
  };
  worker.on('message', push);
  worker.on('error', (err) => push({ error: err.message }));
  worker.on('exit', (code) => push(code === 0 ? { done: true } : { error: `读取线程异常退出（${code}）` }));
  try {
    for (;;) {
      if (!inbox.length) await new Promise<void>((r) => (wake = r));
      wake = null;
      const m = inbox.shift()!;
      if ('error' in m) throw new Error(m.error);
      if ('done' in m) return;
      worker.postMessage('more'); // room for one more batch ahead
      yield m.batch;
    }
  } finally {
    await worker.terminate();
  }
}
