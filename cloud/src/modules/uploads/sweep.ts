/**
 * Orphaned uploads: images nobody's record points at any more (a photo uploaded but never
 * submitted, an avatar replaced, an entry or a cover removed), and stored files without an upload
 * row (a crash between writing the file and recording it). After a grace period both are deleted,
 * file and thumbnail and row.
 *
 * "Nobody points at it" is asked of every domain through the upload reference registry
 * (core/upload-refs.ts) — never by reading their tables. A record made between that answer and the
 * deletion could point at an upload older than the grace period; the period (48 h by default) is
 * chosen so that does not happen in practice (uploads are referenced within minutes).
 * Generated images (wxacodes) are a cache named by their key and are left alone.
 */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { In, LessThan, MoreThan } from 'typeorm';
import { Db } from '../../core/db';
import { Job, type JobContext } from '../../core/jobs';
import { UploadReferenceRegistry } from '../../core/upload-refs';
import { FILE_STORAGE, type FileStorage } from './storage';
import { Upload } from './entities/upload.entity';

/** How old an unreferenced upload must be before it goes (UPLOAD_ORPHAN_GRACE_HOURS, default 48). */
export function orphanGraceMs(source: NodeJS.ProcessEnv = process.env): number {
  const hours = Number(source.UPLOAD_ORPHAN_GRACE_HOURS ?? 48);
  if (!Number.isFinite(hours) || hours < 1) throw new Error('UPLOAD_ORPHAN_GRACE_HOURS must be a number of hours ≥ 1');
  return hours * 3_600_000;
}

const BATCH = 500;

export interface SweepResult {
  /** Upload rows (with their files) deleted because nothing points at them. */
  unreferenced: number;
  /** Stored files deleted because no upload row names them. */
  strays: number;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class UploadSweep {
  @Inject()
  db!: Db;

  @Inject(FILE_STORAGE)
  storage!: FileStorage;

  @Inject()
  references!: UploadReferenceRegistry;

  private readonly graceMs = orphanGraceMs();

  @Job({ name: 'uploads.orphan-sweep', cron: '15 4 * * *', leaseSeconds: 900 })
  async run(ctx: JobContext): Promise<SweepResult> {
    return this.sweep(ctx.now(), () => ctx.renew());
  }

  async sweep(now = new Date(), renew: () => Promise<boolean> = async () => true): Promise<SweepResult> {
    const before = new Date(now.getTime() - this.graceMs);
    const inUse = await this.references.collect();
    const used = (u: Upload) => inUse.ids.has(u.id) || inUse.names.has(u.name) || (u.thumbName !== null && inUse.names.has(u.thumbName));
    let unreferenced = 0;
    for (let after = 0; ;) {
      const rows = await this.db.manager.find(Upload, {
        where: { id: MoreThan(after), kind: 'image', createdAt: LessThan(before) },
        order: { id: 'ASC' },
        take: BATCH,
      });
      if (!rows.length) break;
      after = rows[rows.length - 1].id;
      const gone = rows.filter((u) => !used(u));
      for (const u of gone) {
        await this.storage.delete(u.name);
        if (u.thumbName) await this.storage.delete(u.thumbName);
      }
      if (gone.length) await this.db.manager.delete(Upload, { id: In(gone.map((u) => u.id)) });
      unreferenced += gone.length;
      if (!(await renew())) return { unreferenced, strays: 0 };
    }
    return { unreferenced, strays: await this.sweepStrays(before) };
  }

  /** Files older than the grace period that no upload row names (as image or thumbnail). */
  private async sweepStrays(before: Date): Promise<number> {
    let strays = 0;
    let batch: string[] = [];
    const flush = async () => {
      const names = batch;
      batch = [];
      if (!names.length) return;
      const known = new Set<string>();
      const rows = await this.db.manager.find(Upload, { select: { name: true, thumbName: true }, where: [{ name: In(names) }, { thumbName: In(names) }] });
      for (const r of rows) {
        known.add(r.name);
        if (r.thumbName) known.add(r.thumbName);
      }
      for (const n of names) {
        if (known.has(n)) continue;
        await this.storage.delete(n);
        strays++;
      }
    };
    for await (const f of this.storage.list()) {
      if (f.modifiedAt >= before) continue;
      batch.push(f.name);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    return strays;
  }
}
