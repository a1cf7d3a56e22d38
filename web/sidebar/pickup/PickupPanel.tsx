/**
 * 「年夜饭核销」 in the sidebar: staff type the member's 6-digit pickup code (or a scanner types
 * the QR text), see the order, and confirm the handover once. Works without a chat contact.
 */
import { useState, type FormEvent } from 'react';
import * as preorder from '../../../contracts/preorder';
import { errorMessage, type ApiClient } from '../../shared/api';
import { formatDateTime } from '../../shared/time';
import '../checkin/checkin.css';

export function PickupPanel({ api }: { api: ApiClient }) {
  const [code, setCode] = useState('');
  const [order, setOrder] = useState<preorder.Order | null>(null);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);

  async function find(e: FormEvent) {
    e.preventDefault();
    if (!code.trim() || busy) return;
    setBusy(true);
    setMsg(null);
    try {
      setOrder(await api.call(preorder.staffFindPickup, { params: { code: code.trim() } }));
    } catch (err) {
      setOrder(null);
      setMsg({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  async function verify() {
    setBusy(true);
    try {
      const o = await api.call(preorder.staffVerifyPickup, { body: { code: code.trim() } });
      setOrder(o);
      setMsg({ ok: true, text: `核销成功 · ${formatDateTime(o.pickedUpAt)}` });
      setCode('');
    } catch (err) {
      setMsg({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="sb-card" data-testid="sidebar-pickup">
      <h3>年夜饭核销</h3>
      <form onSubmit={find}>
        <div className="ci-row">
          <input
            className="ci-input"
            data-testid="sidebar-pickup-code"
            placeholder="取货码（6位）"
            value={code}
            maxLength={40}
            autoComplete="off"
            inputMode="numeric"
            onChange={(e) => setCode(e.target.value)}
          />
          <button className="sb-btn ci-btn" type="submit" data-testid="sidebar-pickup-find" disabled={busy || !code.trim()}>
            查询
          </button>
        </div>
      </form>
      {order && (
        <div className="sb-small" data-testid="sidebar-pickup-order">
          <p>
            {order.orderNo} · <strong data-testid="sidebar-pickup-status">{order.statusLabel}</strong>
          </p>
          <p>{order.lines.map((l) => `${l.name}×${l.qty}`).join('、')}</p>
          <p className="sb-muted">
            {order.storeName} · {formatDateTime(order.slot.startsAt)}
          </p>
          {order.status === 'paid' && (
            <button className="sb-btn" data-testid="sidebar-pickup-confirm" disabled={busy} onClick={() => void verify()}>
              确认核销
            </button>
          )}
        </div>
      )}
      {msg && (
        <p className={msg.ok ? 'sb-ok sb-small' : 'sb-error sb-small'} data-testid="sidebar-pickup-msg">
          {msg.text}
        </p>
      )}
    </section>
  );
}
