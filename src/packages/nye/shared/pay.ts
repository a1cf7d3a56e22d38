/** Paying an order through the shared cashier (api/cashier.ts), and small helpers of the nye pages. */
import Taro from '@tarojs/taro';
import { payOrder } from '@contracts/preorder';
import { api } from '../../../api/client';
import { openCashier } from '../../../api/cashier';

export { countdown, yuan } from '../../../api/cashier';

/** Resolves once the member confirmed payment (the order turns paid when the notification lands). */
export async function payFor(orderId: number): Promise<void> {
  await openCashier(await api.call(payOrder, { params: { orderId } }));
}

export function pageParam(name: string): string | undefined {
  const params = (Taro.getCurrentInstance()?.router?.params ?? {}) as Record<string, string | undefined>;
  const v = params[name];
  return typeof v === 'string' && v ? v : undefined;
}
