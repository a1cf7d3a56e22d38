/** Helpers of the pre-order screens: Beijing wall clock ↔ UTC, money, the xlsx download. */
import { ApiError } from '../../../shared/api';
import { TOKEN_KEY } from '../../auth';

export { fromShanghaiInput, shanghaiToday, toShanghaiInput, shanghaiClock as hm } from '../../../shared/time';

export function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

/** The order list as an Excel file (bearer token; not JSON). */
export async function downloadOrdersXlsx(query: Record<string, string | number | undefined>): Promise<void> {
  const qs = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  const res = await fetch(`/api/admin/preorder/orders.xlsx${qs ? `?${qs}` : ''}`, {
    headers: { authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ''}` },
  });
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
