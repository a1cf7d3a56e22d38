/**
 * File downloads from the ops API (Excel / CSV exports): a GET with the staff bearer token, the
 * answer handed to the browser as a download under the server's file name.
 */
import { ApiError } from '../../shared/api';
import { TOKEN_KEY } from '../auth';

/** The staff token (web/admin/auth.tsx) for the non-JSON calls. */
function bearer(): Record<string, string> {
  let token: string | null = null;
  try {
    token = window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    token = null;
  }
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function failure(res: Response): Promise<ApiError> {
  let body: { code?: string; message?: string } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, (body.code ?? 'INTERNAL') as never, body.message ?? `请求失败（${res.status}）`);
}

/** GET a file with the bearer token and hand it to the browser as a download. */
export async function downloadWithToken(url: string, fallbackName: string): Promise<string> {
  const res = await fetch(url, { headers: bearer() });
  if (!res.ok) throw await failure(res);
  const blob = await res.blob();
  const disposition = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  const name = star ? decodeURIComponent(star[1]) : plain ? plain[1] : fallbackName;
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
  return name;
}
