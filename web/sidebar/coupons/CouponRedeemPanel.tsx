/**
 * 「优惠券核销」 in the sidebar: when the till did not scan the member's coupon, the clerk types
 * (or a scanner types) the coupon code and the receipt number printed on the receipt, and
 * redeems it once against that receipt (minimum spend checked on the server). Works without a
 * chat contact, like the pickup panel.
 */
import { useState, type FormEvent } from 'react';
import * as purchases from '../../../contracts/purchases';
import { errorMessage, type ApiClient } from '../../shared/api';
import '../checkin/checkin.css';

const yuan = (fen: number) => (fen / 100).toFixed(2).replace(/\.00$/, '');

export function CouponRedeemPanel({ api }: { api: ApiClient }) {
  const [code, setCode] = useState('');
  const [receiptNo, setReceiptNo] = useState('');
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);

  async function redeem(e: FormEvent) {
    e.preventDefault();
    if (!code.trim() || !receiptNo.trim() || busy) return;
    setBusy(true);
    setMsg(null);
    try {
      const r = await api.call(purchases.verifyCoupon, { body: { code: code.trim(), receiptNo: receiptNo.trim() } });
      setMsg({ ok: true, text: `核销成功：${r.title}（¥${yuan(r.amountFen)}），小票 ${r.receiptNo}` });
      setCode('');
      setReceiptNo('');
    } catch (err) {
      setMsg({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="sb-card" data-testid="sidebar-coupon">
      <h3>优惠券核销</h3>
      <form onSubmit={redeem}>
        <div className="ci-row">
          <input
            className="ci-input"
            data-testid="sidebar-coupon-code"
            placeholder="券码（Q 开头）"
            value={code}
            maxLength={32}
            autoComplete="off"
            onChange={(e) => setCode(e.target.value)}
          />
        </div>
        <div className="ci-row">
          <input
            className="ci-input"
            data-testid="sidebar-coupon-receipt"
            placeholder="小票号"
            value={receiptNo}
            maxLength={64}
            autoComplete="off"
            onChange={(e) => setReceiptNo(e.target.value)}
          />
          <button className="sb-btn ci-btn" type="submit" data-testid="sidebar-coupon-redeem" disabled={busy || !code.trim() || !receiptNo.trim()}>
            {busy ? '核销中…' : '核销'}
          </button>
        </div>
      </form>
      {msg && (
        <p className={msg.ok ? 'sb-ok sb-small' : 'sb-error sb-small'} data-testid="sidebar-coupon-msg">
          {msg.text}
        </p>
      )}
    </section>
  );
}
