/** Helpers of the pre-order screens: Beijing wall clock ↔ UTC, money, the xlsx download. */
import { ApiError } from '../../../shared/api';
import { TOKEN_KEY } from '../../auth';

const OFFSET_MS = 8 * 3600_000;
const pad = (n: number) => String(n).padStart(2, '0');

export function toShanghaiInput(iso: string): string {
  const d = new Date(new Date(iso).getTime() + OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

export function fromShanghaiInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  return new Date(`${value}:00+08:00`).toISOString();
}

export function shanghaiToday(now = new Date()): string {
  return toShanghaiInput(now.toISOString()).slice(0, 10);
}

export function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

/** "10:00" of an ISO instant in Beijing time. */
export function hm(iso: string): string {
  return toShanghaiInput(iso).slice(11);
}

/** The order list as an Excel file (bearer token; not JSON). */
export async function downloadOrdersXlsx(query: Record<string, string | number | undefined>): Promise<void> {
  const qs = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  const res = await fetch(`/api/ops/preorder/orders.xlsx${qs ? `?${qs}` : ''}`, { headers: { authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ''}` } });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
    throw new ApiError(res.status, (body.code ?? 'INTERNAL') as never, body.message ?? '导出失败');
  }
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = '预订订单.xlsx';
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
