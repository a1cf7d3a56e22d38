/**
 * 「刚到店」 in the sidebar: members who just arrived at the staff member's store (member code at the
 * till, class check-in, pickup) with their profile and the top suggestion and why — the same
 * notice the clerk on shift gets as a WeCom app message. Refreshes every minute; works without a
 * chat contact. Members who opted out of personalisation never appear.
 */
import { useCallback, useEffect, useState } from 'react';
import * as feedback from '../../../contracts/feedback';
import { errorMessage, type ApiClient } from '../../shared/api';
import { formatDateTime } from '../../shared/time';
import './arrivals.css';

const VIA: Record<feedback.ArrivalView['via'], string> = { member_code: '出示会员码', checkin: '课程签到', pickup: '到店提货' };
const REFRESH_MS = 60_000;

export function ArrivalsPanel({ api }: { api: ApiClient }) {
  const [data, setData] = useState<{ items: feedback.ArrivalView[]; onShift: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setData(await api.call(feedback.sidebarArrivals));
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [api]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  return (
    <section className="sb-card" data-testid="sidebar-arrivals">
      <header className="ar-head">
        <h3>刚到店{data?.items.length ? `（${data.items.length}）` : ''}</h3>
        <button className="sb-link" onClick={() => void load()} data-testid="sidebar-arrivals-refresh">
          刷新
        </button>
      </header>
      {error ? (
        <p className="sb-error sb-small">{error}</p>
      ) : !data ? (
        <p className="sb-muted sb-small">正在加载…</p>
      ) : data.items.length === 0 ? (
        <p className="sb-muted sb-small" data-testid="sidebar-arrivals-none">
          近3小时没有会员到店{data.onShift ? '' : '（你当前不在班，到店通知发给当班同事）'}。
        </p>
      ) : (
        <ul className="ar-list">
          {data.items.map((a) => (
            <li key={a.id} className="ar-item" data-testid={`sidebar-arrival-${a.memberId}`}>
              <div className="ar-who">
                <b>{a.memberName ?? `会员${a.memberId}`}</b>
                <span className="ar-via">{VIA[a.via]}</span>
                <time className="sb-muted">{formatDateTime(a.at).slice(11)}</time>
              </div>
              <div className="sb-muted sb-small">{a.profile}</div>
              {a.suggestion ? (
                <div className="ar-suggest" data-testid={`sidebar-arrival-suggestion-${a.memberId}`}>
                  <span>建议：{a.suggestion}</span>
                  <small className="sb-reason">为什么推荐：{a.reason}</small>
                </div>
              ) : (
                <div className="sb-muted sb-small">暂无推荐</div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
