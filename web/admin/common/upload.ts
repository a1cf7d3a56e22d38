/** The ops page's one image upload (multipart, bearer token): covers of contests, classes… */
import { MAX_UPLOAD_BYTES, UPLOAD_FIELD, uploadStaffImage, type UploadedImage } from '../../../contracts/uploads';
import { ApiError, tokenStore } from '../../shared/api';
import { TOKEN_KEY } from '../auth';

/** Upload one image as staff (contest and class covers): multipart POST, answer as in contracts/uploads.ts. */
export async function uploadImage(file: File): Promise<UploadedImage> {
  if (file.size > MAX_UPLOAD_BYTES) throw new ApiError(413, 'PAYLOAD_TOO_LARGE', '图片不能超过 8 MB');
  const token = tokenStore(window.sessionStorage, TOKEN_KEY).get();
  const form = new FormData();
  form.append(UPLOAD_FIELD, file, file.name);
  let res: Response;
  try {
    res = await fetch(uploadStaffImage.path, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, body: form });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', '上传失败，请检查网络');
  }
  const body = (await res.json().catch(() => ({}))) as Partial<UploadedImage> & { code?: string; message?: string };
  if (res.ok && typeof body.id === 'number') return body as UploadedImage;
  throw new ApiError(res.status, (body.code ?? 'INTERNAL') as never, body.message ?? '上传失败');
}
