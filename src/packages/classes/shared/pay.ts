/**
 * Paying a paid class: wx.requestPayment with the server's signed parameters in the mini-program;
 * in the H5 dev build (no WeChat cashier) the simulator's cashier is called instead, which pays
 * and sends WeChat Pay's signed notification to our server, like the real cashier would. The
 * registration turns confirmed when that notification lands, so callers poll afterwards.
 */
import Taro from '@tarojs/taro';
import { getMyRegistration, payRegistration, type MyRegistration } from '@contracts/classes';
import { api } from '../../../api/client';
import { isWeapp } from './platform';

/** Resolves once the member confirmed payment in the cashier. */
export async function payForRegistration(registrationId: number): Promise<void> {
  const p = await api.call(payRegistration, { params: { registrationId } });
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

/** After the cashier: read the registration until the payment notification confirmed it (a few seconds at most). */
export async function awaitConfirmed(registrationId: number, tries = 10): Promise<MyRegistration> {
  let reg = await api.call(getMyRegistration, { params: { registrationId } });
  for (let i = 0; i < tries && reg.status === 'unpaid'; i++) {
    await new Promise((r) => setTimeout(r, 600));
    reg = await api.call(getMyRegistration, { params: { registrationId } });
  }
  return reg;
}

export function yuanText(fen: number): string {
  return `¥${(fen / 100).toFixed(fen % 100 === 0 ? 0 : 2)}`;
}

/** Whole minutes and seconds left until `iso`. */
export function countdown(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.floor((new Date(iso).getTime() - now) / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
