/**
 * Small helpers of the contest ops pages: Beijing wall-clock <-> UTC for the datetime inputs
 * (whatever the browser's zone), the cover upload, and a hook for a reloadable request.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { MAX_UPLOAD_BYTES, UPLOAD_FIELD, uploadStaffImage, type UploadedImage } from '../../../../contracts/uploads';
import { ApiError, errorMessage, tokenStore } from '../../../shared/api';
import { TOKEN_KEY } from '../../auth';

/** Beijing wall clock <-> UTC for the datetime-local inputs (shared/time). */
export { toShanghaiInput as toLocalInput, fromShanghaiInput as fromLocalInput } from '../../../shared/time';

/** Upload one image as staff (contest cover): multipart POST, answer as in contracts/uploads.ts. */
export async function uploadCover(file: File): Promise<UploadedImage> {
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

/** Run `fn` now and whenever `deps` change; `reload()` runs it again. Stale answers are dropped. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(fn, deps);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const value = await run();
      if (mine === seq.current) {
        setData(value);
        setError(null);
      }
    } catch (err) {
      if (mine === seq.current) setError(errorMessage(err));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [run]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload, setData };
}

export const yuan = (fen: number | null | undefined) => (fen === null || fen === undefined ? '—' : `¥${(fen / 100).toFixed(2)}`);
