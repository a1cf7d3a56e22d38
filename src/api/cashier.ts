/**
 * The WeChat Pay cashier, shared by every subpackage that takes money (年夜饭 orders, paid classes):
 * wx.requestPayment with the server's signed parameters in the mini-program; in the H5 dev build
 * (no WeChat cashier) the simulator's cashier is called instead, which pays and sends WeChat Pay's
 * signed notification to our server like the real cashier would. What was paid turns paid when
 * that notification lands, so callers read their order or registration again afterwards.
 */
import Taro from '@tarojs/taro';

export interface PrepayAnswer {
  requestPayment: { timeStamp: string; nonceStr: string; package: string; signType: string; paySign: string };
  simulatorCashierUrl: string | null;
}

/** Resolves once the member confirmed payment in the cashier. */
export async function openCashier(p: PrepayAnswer): Promise<void> {
  if (process.env.TARO_ENV === 'weapp') {
    const r = p.requestPayment;
    await Taro.requestPayment({ timeStamp: r.timeStamp, nonceStr: r.nonceStr, package: r.package, signType: r.signType, paySign: r.paySign } as Parameters<
      typeof Taro.requestPayment
    >[0]);
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

/** Fen as members read it: 「¥88」, 「¥12.50」. */
export function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(fen % 100 === 0 ? 0 : 2)}`;
}

/** Whole minutes and seconds left until `iso` (the payment window's countdown). */
export function countdown(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.floor((new Date(iso).getTime() - now) / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
