/** Image upload routes (multipart, see contracts/uploads.ts) and the public file route. */
import { Controller, Get, Inject } from '@midwayjs/core';
import type { Context } from '@midwayjs/koa';
import { FILES_PATH, MAX_UPLOAD_BYTES, UPLOAD_FIELD } from '../../../../contracts/uploads';
import * as api from '../../../../contracts/uploads';
import type { RouteParsed } from '../../../../contracts/route';
import type { AuthContext } from '../../core/auth/principal';
import { AppError } from '../../core/errors';
import { Route } from '../../core/route';
import { readSingleFile } from './multipart';
import { FILE_STORAGE, type FileStorage, SAFE_FILE_NAME } from './storage';
import { UploadService } from './upload.service';

const CONTENT_TYPES: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

@Controller('/')
export class UploadsController {
  @Inject()
  uploads!: UploadService;

  @Inject(FILE_STORAGE)
  storage!: FileStorage;

  @Route(api.uploadMemberImage)
  async uploadMemberImage(_: RouteParsed<typeof api.uploadMemberImage>, auth: AuthContext, ctx: Context) {
    const memberId = auth.member().memberId;
    await this.uploads.assertQuota({ type: 'member', id: memberId });
    const file = await readSingleFile(ctx.req, { field: UPLOAD_FIELD, maxBytes: MAX_UPLOAD_BYTES });
    return this.uploads.saveImage({ type: 'member', id: memberId }, file);
  }

  @Route(api.uploadStaffImage)
  async uploadStaffImage(_: RouteParsed<typeof api.uploadStaffImage>, auth: AuthContext, ctx: Context) {
    const staffId = auth.staff().staffId;
    await this.uploads.assertQuota({ type: 'staff', id: staffId });
    const file = await readSingleFile(ctx.req, { field: UPLOAD_FIELD, maxBytes: MAX_UPLOAD_BYTES });
    return this.uploads.saveImage({ type: 'staff', id: staffId }, file);
  }

  /**
   * Public: names are random and never reused. Cached for a day, not forever: a deleted account's
   * photos must stop being served by caches soon after the files are erased.
   */
  @Get(`${FILES_PATH}/:name`)
  async file(ctx: Context): Promise<void> {
    const name = String(ctx.params.name ?? '');
    if (!SAFE_FILE_NAME.test(name)) throw new AppError('NOT_FOUND');
    const stored = await this.storage.get(name);
    if (!stored) throw new AppError('NOT_FOUND');
    ctx.status = 200;
    ctx.set('content-type', CONTENT_TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream');
    ctx.set('content-length', String(stored.size));
    ctx.set('cache-control', 'public, max-age=86400, immutable');
    ctx.set('x-content-type-options', 'nosniff');
    ctx.body = stored.stream;
  }
}
