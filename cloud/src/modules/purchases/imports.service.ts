/**
 * File imports (CSV / .xlsx exports of POS systems) as background jobs through the same ledger
 * path as the POS push. Upload streams the file to disk (never buffered) and answers the header and
 * first rows with the store's saved (or guessed) mapping; start saves the mapping and queues the
 * run; the runner streams the rows (csv-parse / exceljs' streaming reader), groups consecutive rows
 * by receipt number into receipts, writes batches of 500 receipts, records row errors and progress
 * (bytes read), and finishes with the counts. Re-running a file adds nothing (the ledger's natural
 * key); undo removes exactly the receipts this import added, gives back the coupons they redeemed
 * (journeys' CouponRedemption) and tells downstream (PurchasesVoided).
 * Runs are claimed as queue rows (core/queue claimable: queued -> running, `locked_until` renewed
 * with the progress as the runner's heartbeat). A run that died (lease older than 2 minutes) is
 * claimed again by the job and resumed from the start: safe, because every write is keyed; the
 * dead run's late writes are fenced off by the attempt number.
 */
import * as fs from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';
import type { IncomingMessage } from 'http';
import busboy from 'busboy';
import { Config, type ILogger, Inject, Logger, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { WorkRunner } from '../../core/queue/runner';
import { In } from 'typeorm';
import { claimRow, dueRows } from '../../core/queue/claimable';
import {
  IMPORT_MAX_BYTES,
  IMPORT_UPLOAD_FIELD,
  type ImportSettings,
  PRODUCT_FIELDS,
  RECEIPT_FIELDS,
  RECEIPT_REQUIRED_FIELDS,
} from '../../../../contracts/purchases';
import type { AppEnv } from '../../config/env';
import type { StaffPrincipal } from '../../core/auth/principal';
import { Db, iso } from '../../core/db';
import { AppError } from '../../core/errors';
import { EventBus } from '../../core/events/event-bus';
import { bulkInsert, type BulkValue } from '../../core/bulk-insert';
import { detectFormat, guessMapping, previewFile, readRows, headerIndex } from './import-format';
import { type ReceiptBatch, receiptBatches } from './import-reader';
import { IdentityReads } from '../identity';
import { LedgerService } from './ledger.service';
import { storeScope } from './purchases.service';
import { IMPORT_LEASE_MS, IMPORT_QUEUE, PurchaseImport, PurchaseImportError, PurchaseImportMapping, Receipt } from './entities/receipt.entity';
import { loadPurchasesConfig } from './settings';

/** The lease a run renews with its progress (its heartbeat). */
const leaseFromNow = () => new Date(Date.now() + IMPORT_LEASE_MS);

@Provide()
@Scope(ScopeEnum.Singleton)
export class ImportService {
  @Inject()
  db!: Db;

  @Inject()
  ledger!: LedgerService;

  @Inject()
  bus!: EventBus;

  @Inject()
  identity!: IdentityReads;

  @Config('hub')
  env!: AppEnv;

  @Logger()
  logger!: ILogger;

  /** Import runs of this process (core/queue), one at a time per import. */
  private readonly runner = new WorkRunner<'import'>({
    name: 'purchase imports',
    lanes: { import: { priority: 0, concurrency: 16 } },
    onError: (err, key) => (this.logger ?? console).error('[purchases.import] #%s failed: %s', key, (err as Error).stack ?? err),
  });

  dir(): string {
    return loadPurchasesConfig().PURCHASES_IMPORT_DIR || path.join(this.env.dataDir, 'imports');
  }

  // ------------------------------------------------------------ upload and preview

  async upload(staff: StaffPrincipal, req: IncomingMessage, q: { storeId: number; kind: 'receipts' | 'products' }) {
    const storeId = storeScope(staff, q.storeId)!;
    if (!(await this.identity.storeExists(storeId))) throw new AppError('NOT_FOUND', '门店不存在');
    fs.mkdirSync(this.dir(), { recursive: true });
    const { file, name, bytes } = await this.receiveFile(req);
    const head = Buffer.alloc(4096);
    const fd = fs.openSync(file, 'r');
    const n = fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
    const format = detectFormat(head.subarray(0, n));
    if (!format || (format === 'csv' && /\.xlsx?$/i.test(name)) || (format === 'xlsx' && !/\.xlsx$/i.test(name))) {
      fs.rmSync(file, { force: true });
      throw new AppError('IMPORT_FORMAT_UNSUPPORTED');
    }
    const storedName = `${path.basename(file)}.${format}`;
    fs.renameSync(file, path.join(this.dir(), storedName));
    let preview: { headers: string[]; rows: string[][] };
    try {
      preview = await previewFile(path.join(this.dir(), storedName), format);
    } catch {
      fs.rmSync(path.join(this.dir(), storedName), { force: true });
      throw new AppError('IMPORT_FORMAT_UNSUPPORTED', '文件无法读取，请确认是 CSV 或 Excel（.xlsx）文件');
    }
    if (!preview.headers.length) throw new AppError('VALIDATION_FAILED', '文件是空的');
    const saved = await this.savedSettings(storeId, q.kind);
    const fields = q.kind === 'receipts' ? RECEIPT_FIELDS : PRODUCT_FIELDS;
    const settings: ImportSettings =
      saved && Object.values(saved.mapping).every((h) => preview.headers.includes(h))
        ? saved
        : {
            mapping: guessMapping(preview.headers, fields),
            dateFormat: saved?.dateFormat ?? 'YYYY-MM-DD HH:mm:ss',
            timeZone: saved?.timeZone ?? 'Asia/Shanghai',
          };
    const id = await this.db.transaction(async (em) => {
      const r = await em.insert(PurchaseImport, {
        storeId,
        kind: q.kind,
        fileName: name.slice(0, 200),
        storedName,
        format,
        status: 'uploaded',
        preview,
        settings,
        totalBytes: bytes,
        processedBytes: 0,
        rows: 0,
        added: 0,
        duplicates: 0,
        conflicts: 0,
        errors: 0,
        message: null,
        createdBy: staff.staffId,
        createdAt: new Date(),
        nextAttemptAt: new Date(),
        finishedAt: null,
      });
      return Number(r.identifiers[0].id);
    });
    return this.view(await this.find(staff, id));
  }

  /** One file from multipart/form-data straight to a temp file (size-limited, never in memory). */
  private receiveFile(req: IncomingMessage): Promise<{ file: string; name: string; bytes: number }> {
    if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? ''))
      return Promise.reject(new AppError('VALIDATION_FAILED', '请以 multipart/form-data 上传文件'));
    const tmp = path.join(this.dir(), `up-${randomBytes(12).toString('hex')}`);
    return new Promise((resolve, reject) => {
      let settled = false;
      let got: { name: string; done: Promise<number> } | null = null;
      const fail = (err: AppError) => {
        if (settled) return;
        settled = true;
        req.unpipe(bb);
        req.resume();
        fs.rmSync(tmp, { force: true });
        reject(err);
      };
      const bb = busboy({ headers: req.headers, limits: { files: 1, fileSize: IMPORT_MAX_BYTES, fields: 5, parts: 6 }, defParamCharset: 'utf8' });
      bb.on('file', (field, stream, info) => {
        if (field !== IMPORT_UPLOAD_FIELD || got) {
          stream.resume();
          return;
        }
        const out = fs.createWriteStream(tmp);
        let bytes = 0;
        stream.on('data', (c: Buffer) => (bytes += c.length));
        stream.on('limit', () => fail(new AppError('PAYLOAD_TOO_LARGE', '文件不能超过 512MB')));
        got = {
          name: info.filename || 'import',
          done: new Promise<number>((res, rej) => {
            out.on('finish', () => res(bytes));
            out.on('error', rej);
            stream.on('error', rej);
          }),
        };
        stream.pipe(out);
      });
      bb.on('error', () => fail(new AppError('VALIDATION_FAILED', '上传内容不完整，请重试')));
      bb.on('close', () => {
        if (settled) return;
        if (!got) return fail(new AppError('VALIDATION_FAILED', '请选择要导入的文件'));
        const g = got;
        g.done.then(
          (bytes) => {
            if (settled) return;
            if (!bytes) return fail(new AppError('VALIDATION_FAILED', '文件是空的'));
            settled = true;
            resolve({ file: tmp, name: g.name, bytes });
          },
          () => fail(new AppError('VALIDATION_FAILED', '上传内容不完整，请重试')),
        );
      });
      req.on('aborted', () => fail(new AppError('VALIDATION_FAILED', '上传中断，请重试')));
      req.pipe(bb);
    });
  }

  private async savedSettings(storeId: number, kind: string): Promise<ImportSettings | null> {
    const row = await this.db.manager.findOne(PurchaseImportMapping, { where: { mappingKey: `${storeId}:${kind}` } });
    return row?.settings ?? null;
  }

  // ------------------------------------------------------------ start, progress, errors, undo

  async start(staff: StaffPrincipal, id: number, settings: ImportSettings) {
    const imp = await this.find(staff, id);
    const headers = imp.preview.headers;
    const required = imp.kind === 'receipts' ? RECEIPT_REQUIRED_FIELDS : (['sku', 'name'] as const);
    const fields: readonly string[] = imp.kind === 'receipts' ? RECEIPT_FIELDS : PRODUCT_FIELDS;
    const missing = required.filter((f) => !settings.mapping[f]);
    const unknown = Object.entries(settings.mapping).filter(([f, h]) => h && (!fields.includes(f) || !headers.includes(h)));
    if (missing.length || unknown.length) {
      throw new AppError('IMPORT_MAPPING_INVALID', undefined, [
        ...missing.map((f) => ({ path: `mapping.${f}`, message: '必填' })),
        ...unknown.map(([f]) => ({ path: `mapping.${f}`, message: '文件中没有这一列' })),
      ]);
    }
    const mapping = Object.fromEntries(Object.entries(settings.mapping).filter(([, h]) => !!h));
    const clean: ImportSettings = { ...settings, mapping };
    await this.db.transaction(async (em) => {
      const done = await em.update(
        PurchaseImport,
        { id, status: In(['uploaded', 'failed']) },
        { status: 'queued', nextAttemptAt: new Date(), settings: clean, message: null },
      );
      if (!done.affected) throw new AppError('IMPORT_NOT_STARTABLE');
      const key = `${imp.storeId}:${imp.kind}`;
      const hit = await em.update(PurchaseImportMapping, { mappingKey: key }, { settings: clean, updatedAt: new Date() });
      if (!hit.affected) await em.insert(PurchaseImportMapping, { mappingKey: key, settings: clean, updatedAt: new Date() });
    });
    this.kick(id);
    return this.view(await this.find(staff, id));
  }

  async get(staff: StaffPrincipal, id: number) {
    return this.view(await this.find(staff, id));
  }

  async list(staff: StaffPrincipal, q: { page: number; pageSize: number; storeId?: number }) {
    const storeId = storeScope(staff, q.storeId);
    const [rows, total] = await this.db.manager.findAndCount(PurchaseImport, {
      where: storeId ? { storeId } : {},
      order: { id: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items: rows.map((r) => this.view(r)), total, page: q.page, pageSize: q.pageSize };
  }

  async errors(staff: StaffPrincipal, id: number, q: { page: number; pageSize: number }) {
    await this.find(staff, id);
    const [rows, total] = await this.db.manager.findAndCount(PurchaseImportError, {
      where: { importId: id },
      order: { rowNo: 'ASC', id: 'ASC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items: rows.map((e) => ({ row: e.rowNo, message: e.message, raw: e.raw })), total, page: q.page, pageSize: q.pageSize };
  }

  async errorsCsv(staff: StaffPrincipal, id: number): Promise<string> {
    await this.find(staff, id);
    const rows = await this.db.manager.find(PurchaseImportError, { where: { importId: id }, order: { rowNo: 'ASC' }, take: 100_000 });
    const q = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    // a leading = + - @ would be a formula in Excel
    const safe = (s: string) => q(/^[=+\-@]/.test(s) ? `'${s}` : s);
    return '\ufeff' + ['行号,原因,原始内容', ...rows.map((e) => [String(e.rowNo), safe(e.message), safe(e.raw)].join(','))].join('\r\n') + '\r\n';
  }

  async undo(staff: StaffPrincipal, id: number) {
    const imp = await this.find(staff, id);
    if (imp.kind !== 'receipts') throw new AppError('IMPORT_NOT_UNDOABLE', '商品资料导入不能撤销');
    const claimed = await this.db.transaction((em) => em.update(PurchaseImport, { id, status: 'done' }, { status: 'undone', message: '撤销中' }));
    if (!claimed.affected) throw new AppError('IMPORT_NOT_UNDOABLE');
    for (;;) {
      const ids = (await this.db.manager.find(Receipt, { where: { importId: id }, select: { id: true }, take: 1000 })).map((r) => r.id);
      if (!ids.length) break;
      await this.db.transaction(async (em) => {
        await this.ledger.coupons.releaseForReceipts(em, ids);
        await em.query(`DELETE FROM receipt_line WHERE receipt_id IN (${ids.map(() => '?').join(',')})`, ids);
        await em.delete(Receipt, { id: In(ids) });
        await this.bus.emit(em, 'PurchasesVoided', { receiptIds: ids, storeId: imp.storeId, reason: 'import_undone' });
      });
    }
    await this.db.transaction((em) => em.update(PurchaseImport, { id }, { message: `已撤销，移除了 ${imp.added} 张小票`, finishedAt: new Date() }));
    return this.view(await this.find(staff, id));
  }

  private async find(staff: StaffPrincipal, id: number): Promise<PurchaseImport> {
    const imp = await this.db.manager.findOne(PurchaseImport, { where: { id } });
    if (!imp) throw new AppError('NOT_FOUND');
    storeScope(staff, imp.storeId);
    return imp;
  }

  view(r: PurchaseImport) {
    const preview = r.preview;
    return {
      id: r.id,
      storeId: r.storeId,
      kind: r.kind,
      fileName: r.fileName,
      format: r.format,
      status: r.status,
      headers: preview.headers,
      preview: preview.rows,
      settings: r.settings ?? null,
      totalBytes: r.totalBytes,
      processedBytes: r.processedBytes,
      rows: r.rows,
      added: r.added,
      duplicates: r.duplicates,
      conflicts: r.conflicts,
      errors: r.errors,
      message: r.message,
      createdAt: iso(r.createdAt),
      finishedAt: iso(r.finishedAt),
    };
  }

  // ------------------------------------------------------------ the runner

  /** Run (or resume) an import in this process, once at a time per import. */
  kick(id: number): Promise<void> {
    this.runner.submit('import', id, () => this.run(id));
    return this.runner.settled(id);
  }

  /** Wait for the runs of this process (tests, shutdown). */
  async idle(): Promise<void> {
    await this.runner.idle();
  }

  /** The job: resume queued runs and runs whose runner died (its lease ran out). */
  async resumeStale(now: Date): Promise<number> {
    const rows = await dueRows(this.db.manager, IMPORT_QUEUE, { now, limit: 100 });
    for (const r of rows) void this.kick(r.id);
    return rows.length;
  }

  private async run(id: number): Promise<void> {
    const now = new Date();
    // claim: queued, or running with a dead runner (its lease ran out); counts restart from zero
    const seen = await this.db.manager.findOne(PurchaseImport, { where: { id }, select: { id: true, status: true, attempts: true } });
    if (!seen) return;
    const claimed = await this.db.transaction((em) =>
      claimRow(em, IMPORT_QUEUE, seen, { now, set: { processedBytes: 0, rows: 0, added: 0, duplicates: 0, conflicts: 0 } }),
    );
    if (!claimed) return;
    const imp = await this.db.manager.findOneByOrFail(PurchaseImport, { id });
    // this run's writes: only while it still holds the row (attempt fence)
    const mine = { id, attempts: imp.attempts };
    try {
      const file = path.join(this.dir(), imp.storedName);
      if (!fs.existsSync(file)) throw new Error('导入文件已不存在，请重新上传');
      if (imp.kind === 'receipts') await this.runReceipts(imp, file);
      else await this.runProducts(imp, file);
      const added = imp.kind === 'receipts' ? await this.db.manager.count(Receipt, { where: { importId: id } }) : undefined;
      const errors = await this.db.manager.count(PurchaseImportError, { where: { importId: id } });
      await this.db.transaction((em) =>
        em.update(PurchaseImport, mine, {
          status: 'done',
          processedBytes: imp.totalBytes,
          errors,
          ...(added !== undefined ? { added } : {}),
          finishedAt: new Date(),
          lockedUntil: null,
        }),
      );
    } catch (err) {
      await this.db.transaction((em) =>
        em.update(PurchaseImport, mine, {
          status: 'failed',
          message: String((err as Error).message).slice(0, 300),
          lastError: String((err as Error).message).slice(0, 500),
          finishedAt: new Date(),
          lockedUntil: null,
        }),
      );
    }
  }

  private async runReceipts(imp: PurchaseImport, file: string): Promise<void> {
    const settings = imp.settings!;
    const counts = { added: 0, duplicates: 0, conflicts: 0 };
    // one batch is written while the next ones are read and parsed (in a worker thread on the
    // server); batches still commit in file order, so a refund finds an original from an earlier batch
    let writing: Promise<void> = Promise.resolve();
    let sinceProgress = 0;
    const write = async (batch: ReceiptBatch, last: boolean) => {
      const errors: BulkValue[][] = batch.errors.map(([rowNo, message, raw]) => [
        `${imp.id}:${rowNo}`,
        imp.id,
        rowNo,
        message.slice(0, 300),
        raw.slice(0, 2000),
      ]);
      if (batch.drafts.length) {
        const out = await this.ledger.ingest(
          batch.drafts.map((b) => b.draft),
          { importId: imp.id, hashes: batch.drafts.map((b) => b.hash) },
        );
        out.forEach((o, i) => {
          if (o.status === 'added') counts.added++;
          else if (o.status === 'duplicate') counts.duplicates++;
          else if (o.status === 'conflict') counts.conflicts++;
          else
            errors.push([
              `${imp.id}:${batch.drafts[i].firstRow}`,
              imp.id,
              batch.drafts[i].firstRow,
              `小票 ${o.receiptNo}：${o.error ?? '无法导入'}`.slice(0, 300),
              '',
            ]);
        });
      }
      if (errors.length)
        await this.db.transaction((em) =>
          bulkInsert(em, 'purchase_import_error', ['row_key', 'import_id', 'row_no', 'message', 'raw'], errors, { ignoreDuplicate: 'row_key' }),
        );
      // progress (and the heartbeat) about once a second's worth of rows, not per batch
      if (last || ++sinceProgress >= 4) {
        sinceProgress = 0;
        await this.db.transaction((em) =>
          em.update(
            PurchaseImport,
            { id: imp.id, attempts: imp.attempts },
            { processedBytes: Math.min(batch.bytes, imp.totalBytes), rows: batch.rows, ...counts, lockedUntil: leaseFromNow() },
          ),
        );
      }
    };
    const batches = receiptBatches({ file, format: imp.format, settings, storeId: imp.storeId });
    let pending: ReceiptBatch | null = null;
    for await (const batch of batches) {
      if (pending) {
        const b = pending;
        await writing;
        writing = write(b, false);
        // the loop keeps reading; a failed write surfaces at the next await
        writing.catch(() => undefined);
      }
      pending = batch;
    }
    await writing;
    if (pending) await write(pending, true);
  }

  private async runProducts(imp: PurchaseImport, file: string): Promise<void> {
    const settings = imp.settings!;
    let index: Map<string, number> | null = null;
    let bytes = 0;
    let rows = 0;
    let added = 0;
    let batch: BulkValue[][] = [];
    let errors: BulkValue[][] = [];
    const mysql = this.db.kind === 'mysql';
    const flush = async () => {
      const b = batch;
      const e = errors;
      batch = [];
      errors = [];
      await this.db.transaction(async (em) => {
        if (b.length) {
          const cols = ['sku', 'name', 'category_path', 'brand', 'flags', 'updated_at'];
          const upd = ['name', 'category_path', 'brand', 'flags', 'updated_at'];
          const tuple = `(${cols.map(() => '?').join(',')})`;
          const params = b.flat().map((v) => (v instanceof Date && !mysql ? v.toISOString().replace('T', ' ').replace('Z', '') : v));
          await em.query(
            `INSERT INTO product (${cols.join(',')}) VALUES ${b.map(() => tuple).join(',')} ` +
              (mysql
                ? `ON DUPLICATE KEY UPDATE ${upd.map((c) => `${c} = VALUES(${c})`).join(', ')}`
                : `ON CONFLICT(sku) DO UPDATE SET ${upd.map((c) => `${c} = excluded.${c}`).join(', ')}`),
            params,
          );
        }
        if (e.length) await bulkInsert(em, 'purchase_import_error', ['row_key', 'import_id', 'row_no', 'message', 'raw'], e, { ignoreDuplicate: 'row_key' });
        await em.update(
          PurchaseImport,
          { id: imp.id, attempts: imp.attempts },
          { processedBytes: Math.min(bytes, imp.totalBytes), rows, added, lockedUntil: leaseFromNow() },
        );
      });
    };
    const seen = new Set<string>();
    for await (const r of readRows(file, imp.format, (x) => (bytes = x))) {
      if (!index) {
        index = headerIndex(r.cells, settings.mapping);
        continue;
      }
      rows++;
      const get = (f: string) => {
        const i = index!.get(f);
        const v = i === undefined ? '' : (r.cells[i] ?? '');
        return (v instanceof Date ? v.toISOString() : v).trim();
      };
      const sku = get('sku');
      const name = get('name');
      if (!sku || !name || sku.length > 40) {
        errors.push([
          `${imp.id}:${r.rowNo}`,
          imp.id,
          r.rowNo,
          !sku ? '缺少商品编码' : !name ? '缺少商品名称' : '商品编码过长',
          r.cells.join(',').slice(0, 2000),
        ]);
        continue;
      }
      if (seen.has(sku)) batch = batch.filter((x) => x[0] !== sku); // the last row of a SKU wins
      seen.add(sku);
      batch.push([
        sku,
        name.slice(0, 80),
        get('category').slice(0, 120) || null,
        get('brand').slice(0, 40) || null,
        get('flags')
          .replace(/[，、;；|]/g, ',')
          .slice(0, 80) || null,
        new Date(),
      ]);
      added++;
      if (batch.length >= 1000) {
        await flush();
        seen.clear();
      }
    }
    await flush();
  }
}
