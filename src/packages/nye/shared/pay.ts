/**
 * Paying an order: wx.requestPayment with the server's signed parameters in the mini-program; in
 * the H5 dev build (no WeChat cashier) the simulator's cashier is called instead, which pays and
 * sends WeChat Pay's signed notification to our server, like the real cashier would.
 */
import Taro from '@tarojs/taro';
import { payOrder } from '@contracts/preorder';
import { api } from '../../../api/client';

export function isWeapp(): boolean {
  return process.env.TARO_ENV === 'weapp';
}

export function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(fen % 100 === 0 ? 0 : 2)}`;
}

/** Resolves once the member confirmed payment (the order turns paid when the notification lands). */
export async function payFor(orderId: number): Promise<void> {
  const p = await api.call(payOrder, { params: { orderId } });
  if (isWeapp()) {
    const r = p.requestPayment;
    await Taro.requestPayment({ timeStamp: r.timeStamp, nonceStr: r.nonceStr, package: r.package, signType: r.signType, paySign: r.paySign } as Parameters<typeof Taro.requestPayment>[0]);
    return;
  }
  if (!p.simulatorCashierUrl) throw new Error('请在微信小程序内完成支付');
  const res = await fetch(p.simulatorCashierUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prepay_id: p.requestPayment.package.replace(/^prepay_id=/, '') }),
  });
  if (!res.ok) throw new Error('模拟支付失败，请重试');
}

/** Whole minutes and seconds left until `iso`. */
export function countdown(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.floor((new Date(iso).getTime() - now) / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export function pageParam(name: string): string | undefined {
  const params = (Taro.getCurrentInstance()?.router?.params ?? {}) as Record<string, string | undefined>;
  const v = params[name];
  return typeof v === 'string' && v ? v : undefined;
}
