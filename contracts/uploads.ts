/**
 * Image uploads (entry photos, contest covers, generated wxacodes). The upload routes take
 * `multipart/form-data` with ONE file in the field `file` — the mini-program sends it with
 * `Taro.uploadFile({ url, filePath, name: 'file', header: { authorization } })`, the ops page with
 * a FormData POST — so the typed JSON client cannot call them; the answer is JSON as usual.
 *
 * The server checks the real type from the file's first bytes (JPEG, PNG or WebP; the name and
 * the declared content type are ignored), the size (≤ MAX_UPLOAD_BYTES, else PAYLOAD_TOO_LARGE) and
 * the pixel count, re-encodes the image without its metadata (no GPS position leaks), makes a
 * thumbnail, and serves both at stable URLs under FILES_PATH (public, cacheable forever).
 */
import { z } from 'zod';
import { defineRoute, IsoDateTime } from './route';

export const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;
export const ALLOWED_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
/** Multipart field that carries the file. */
export const UPLOAD_FIELD = 'file';
/** Files are served at `${FILES_PATH}/<name>` (GET, public, immutable). */
export const FILES_PATH = '/api/files';

export const UploadedImage = z.object({
  /** Reference this id in other requests (e.g. EntryInput.photoIds). */
  id: z.number().int(),
  url: z.string(),
  thumbUrl: z.string(),
  mime: z.enum(ALLOWED_IMAGE_TYPES),
  bytes: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  createdAt: IsoDateTime,
});
export type UploadedImage = z.infer<typeof UploadedImage>;

export const uploadMemberImage = defineRoute({
  method: 'POST',
  path: '/api/uploads/images',
  auth: 'member',
  summary:
    'Member photo upload: multipart/form-data, one file in field "file"; JPEG/PNG/WebP by content, ≤ 8 MB ' +
    '(UPLOAD_TYPE_NOT_ALLOWED / PAYLOAD_TOO_LARGE / UPLOAD_INVALID). Returns the id, image and thumbnail URLs.',
  response: UploadedImage,
});

export const uploadStaffImage = defineRoute({
  method: 'POST',
  path: '/api/admin/uploads/images',
  auth: 'staff',
  roles: ['hq_admin', 'store_manager'],
  summary: 'Ops image upload (contest covers): same rules and answer as the member upload.',
  response: UploadedImage,
});
