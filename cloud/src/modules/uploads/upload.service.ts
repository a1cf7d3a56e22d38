/**
 * Image uploads: check (magic bytes, size, decodable), re-encode, thumbnail, store, record.
 * Exported to other domains: imagesOf() to validate ids a member references, fileUrl() to build
 * the stable public URL of a stored name, storeGenerated() for images we make (wxacodes).
 */
import { createHash, randomBytes } from 'crypto';
import { Config, Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { EntityManager } from 'typeorm';
import { In, MoreThan } from 'typeorm';
import { FILES_PATH, type UploadedImage } from '../../../../contracts/uploads';
import type { AppEnv } from '../../config/env';
import { Db, iso } from '../../core/db';
import { AppError } from '../../core/errors';
import { OnEvent } from '../../core/events/event-bus';
import type { DeliveredEvent } from '../../core/events/types';
import { WorkGate } from '../../core/work-gate';
import { EXT, ImageDecodeError, imageSize, processImage, sniffImage } from './image';
import { FILE_STORAGE, type FileStorage } from './storage';
import { Upload, type UploadOwner } from './entities/upload.entity';

/** Per uploader, counted in the database (every instance): a burst per hour and a daily total. */
export const UPLOAD_QUOTA = {
  member: { perHour: 30, perDay: 100 },
  staff: { perHour: 120, perDay: 500 },
} as const;
/** Image decodes running at once (sharp: CPU and memory heavy); a few more may wait, the rest are refused. */
export const CONCURRENT_DECODES = 2;
export const MAX_WAITING_DECODES = 16;

@Provide()
@Scope(ScopeEnum.Singleton)
export class UploadService {
  private readonly decodes = new WorkGate(CONCURRENT_DECODES, MAX_WAITING_DECODES);

  @Inject()
  db!: Db;

  @Inject(FILE_STORAGE)
  storage!: FileStorage;

  @Config('hub')
  env!: AppEnv;

  /** `${PUBLIC_BASE_URL}/api/files/<name>`, or the bare path when no public base is configured. */
  fileUrl(name: string): string {
    const base = (this.env.PUBLIC_BASE_URL ?? '').replace(/\/+$/, '');
    return `${base}${FILES_PATH}/${name}`;
  }

  /** Refuse before the bytes are read when the uploader is over quota (RATE_LIMITED). */
  async assertQuota(owner: { type: 'member' | 'staff'; id: number }, now = new Date()): Promise<void> {
    const q = UPLOAD_QUOTA[owner.type];
    const count = (since: number) =>
      this.db.manager.count(Upload, {
        where: { ownerType: owner.type, ownerId: owner.id, kind: 'image', createdAt: MoreThan(new Date(now.getTime() - since)) },
      });
    if ((await count(3_600_000)) >= q.perHour || (await count(86_400_000)) >= q.perDay) throw new AppError('RATE_LIMITED', '上传太频繁，请稍后再试');
  }

  async saveImage(owner: { type: UploadOwner; id: number | null }, input: Buffer): Promise<UploadedImage> {
    const mime = sniffImage(input);
    if (!mime) throw new AppError('UPLOAD_TYPE_NOT_ALLOWED');
    let processed;
    try {
      processed = await this.decodes.run(() => processImage(input, mime));
    } catch (err) {
      if (err instanceof ImageDecodeError) throw new AppError('UPLOAD_INVALID');
      throw err;
    }
    const stem = randomBytes(12).toString('hex');
    const name = `${stem}.${EXT[mime]}`;
    const thumbName = `${stem}_t.jpg`;
    await this.storage.put(name, processed.full);
    await this.storage.put(thumbName, processed.thumb);
    const now = new Date();
    const row = {
      name,
      thumbName,
      mime,
      bytes: processed.full.length,
      width: processed.width,
      height: processed.height,
      kind: 'image' as const,
      ownerType: owner.type,
      ownerId: owner.id,
      createdAt: now,
    };
    const id = Number((await this.db.manager.insert(Upload, row)).identifiers[0].id);
    return this.view({ id, ...row });
  }

  view(u: Pick<Upload, 'id' | 'name' | 'thumbName' | 'mime' | 'bytes' | 'width' | 'height' | 'createdAt'>): UploadedImage {
    return {
      id: u.id,
      url: this.fileUrl(u.name),
      thumbUrl: this.fileUrl(u.thumbName ?? u.name),
      mime: u.mime as UploadedImage['mime'],
      bytes: u.bytes,
      width: u.width,
      height: u.height,
      createdAt: iso(u.createdAt),
    };
  }

  /**
   * Account deletion: every image the member uploaded goes, full size and thumbnail, file and row
   * (their URLs answer 404 from then on; browsers and proxies keep a copy at most a day, see the
   * file route). Idempotent: a redelivered event finds nothing left.
   */
  @OnEvent('MemberDeleted')
  async onMemberDeleted(event: DeliveredEvent<'MemberDeleted'>, em: EntityManager): Promise<void> {
    await this.eraseOwner(em, 'member', event.payload.memberId);
  }

  async eraseOwner(em: EntityManager, type: UploadOwner, id: number): Promise<number> {
    const rows = await em.find(Upload, { where: { ownerType: type, ownerId: id } });
    for (const r of rows) {
      await this.storage.delete(r.name);
      if (r.thumbName) await this.storage.delete(r.thumbName);
    }
    if (rows.length) await em.delete(Upload, { id: In(rows.map((r) => r.id)) });
    return rows.length;
  }

  /** The images with these ids that `owner` uploaded (others are simply absent from the map). */
  async imagesOf(owner: { type: UploadOwner; id: number }, ids: number[]): Promise<Map<number, Upload>> {
    const out = new Map<number, Upload>();
    if (!ids.length) return out;
    const rows = await this.db.manager.find(Upload, { where: { id: In([...new Set(ids)]), ownerType: owner.type, ownerId: owner.id, kind: 'image' } });
    for (const r of rows) out.set(r.id, r);
    return out;
  }

  /**
   * Store an image we generated (e.g. a wxacode) under a name derived from `key`, so the same key
   * is made once: returns the existing file's URL when it is there already. JPEG or PNG bytes.
   */
  async storeGenerated(key: string, make: () => Promise<Buffer>): Promise<string> {
    const stem = createHash('sha256').update(key).digest('hex').slice(0, 24);
    for (const ext of ['png', 'jpg']) {
      if (await this.storage.exists(`${stem}.${ext}`)) return this.fileUrl(`${stem}.${ext}`);
    }
    const bytes = await make();
    const mime = sniffImage(bytes);
    if (mime !== 'image/png' && mime !== 'image/jpeg') throw new Error('generated image is neither PNG nor JPEG');
    const name = `${stem}.${EXT[mime]}`;
    const { width, height } = await imageSize(bytes);
    await this.storage.put(name, bytes);
    try {
      await this.db.manager.insert(Upload, {
        name,
        thumbName: null,
        mime,
        bytes: bytes.length,
        width,
        height,
        kind: 'wxacode',
        ownerType: 'system',
        ownerId: null,
        createdAt: new Date(),
      });
    } catch {
      // made twice concurrently: the file is the same, one row is enough
    }
    return this.fileUrl(name);
  }
}
