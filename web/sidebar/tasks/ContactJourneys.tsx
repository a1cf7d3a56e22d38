/**
 * 「客户旅程」 card under the contact in the sidebar: which journeys the customer is in, the next
 * step and when it is due, the latest step log; plus what staff tell the engine from the chat —
 * the customer replied / was called / came to the store (journeys treat it as interaction), and
 * opting the customer out of journey messages.
 */
import { useCallback, useEffect, useState } from 'react';
import * as journeys from '../../../contracts/journeys';
import type { RouteResponse } from '../../../contracts/route';
import { errorMessage, type ApiClient } from '../../shared/api';
import { formatDateTime } from '../../shared/time';
import { ENROLMENT_STATUS_LABELS, OUTCOME_LABELS } from '../../admin/pages/journeys/labels';
import './tasks.css';

type Data = RouteResponse<typeof journeys.sidebarJourneys>;
type Kind = 'replied' | 'called' | 'visited';

const INTERACTIONS: Array<{ kind: Kind; label: string; done: string }> = [
  { kind: 'replied', label: '客户回复了', done: '已记录：客户回复' },
  { kind: 'called', label: '已电话联系', done: '已记录：电话联系' },
  { kind: 'visited', label: '客户到店了', done: '已记录：到店' },
];

export function ContactJourneys({ api, externalUserId }: { api: ApiClient; externalUserId: string }) {
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);

  const load = useCallback(async () => {
    try {
      setData(await api.call(journeys.sidebarJourneys, { params: { externalUserId } }));
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [api, externalUserId]);

  useEffect(() => {
    void load();
  }, [load]);

  async function act(run: () => Promise<unknown>, done: string) {
    setBusy(true);
    setNotice(null);
    try {
      await run();
      setNotice({ ok: true, text: done });
      await load();
    } catch (err) {
      setNotice({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  const items = [...(data?.items ?? [])].sort((a, b) => Number(b.status === 'active') - Number(a.status === 'active'));
  return (
    <section className="sb-card" data-testid="sidebar-journeys">
      <h3>客户旅程</h3>
      {error ? (
        <p className="sb-error sb-small">{error}</p>
      ) : !data ? (
        <p className="sb-muted sb-small">正在加载…</p>
      ) : (
        <>
          {items.length === 0 ? <p className="sb-muted sb-small">尚未进入任何旅程</p> : null}
          {items.map((e) => (
            <div key={e.id} className="tk-journey" data-testid={`sidebar-journey-${e.journeyId}`}>
              <div className="tk-head">
                <span className="tk-title">{e.journeyName}</span>
                <span className={`tk-status tk-status-${e.status}`}>{ENROLMENT_STATUS_LABELS[e.status]}</span>
              </div>
              <div className="tk-meta" data-testid={`sidebar-journey-standing-${e.journeyId}`}>
                {e.status === 'active'
                  ? `下一步：${e.nextStepName ?? `步骤${e.nextStep + 1}`}${e.nextDueAt ? `（${formatDateTime(e.nextDueAt)}）` : ''}`
                  : e.status === 'completed'
                    ? '已走完全部步骤'
                    : `已退出${e.exitReason ? `：${e.exitReason}` : ''}`}
              </div>
              <ul className="tk-log">
                {e.log.slice(-3).map((l, i) => (
                  <li key={`${l.at}-${i}`}>
                    <time>{formatDateTime(l.at).slice(5)}</time>
                    {l.stepName ? `${l.stepName} · ` : ''}
                    {OUTCOME_LABELS[l.outcome] ?? l.outcome}
                  </li>
                ))}
              </ul>
            </div>
          ))}
          <div className="tk-actions" style={{ flexWrap: 'wrap' }}>
            {INTERACTIONS.map((x) => (
              <button
                key={x.kind}
                className="tk-btn tk-btn-plain"
                disabled={busy}
                data-testid={`sidebar-interaction-${x.kind}`}
                onClick={() => act(() => api.call(journeys.recordInteraction, { params: { externalUserId }, body: { kind: x.kind } }), x.done)}
              >
                {x.label}
              </button>
            ))}
          </div>
          <label className="tk-optout">
            <input
              type="checkbox"
              checked={data.optedOut}
              disabled={busy}
              data-testid="sidebar-optout"
              onChange={(ev) => {
                const optedOut = ev.target.checked;
                void act(
                  () => api.call(journeys.setOptOut, { params: { externalUserId }, body: { optedOut } }),
                  optedOut ? '已退订：不再给该客户发送旅程消息' : '已恢复旅程消息',
                );
              }}
            />
            客户不希望收到旅程消息（退订）
          </label>
        </>
      )}
      {notice && <p className={notice.ok ? 'sb-ok sb-small' : 'sb-error sb-small'}>{notice.text}</p>}
    </section>
  );
}
