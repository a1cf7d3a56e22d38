/**
 * 「签到」 in the sidebar: staff pick one of today's sessions at their store and type the member's
 * 6-character code (or let a scanner type the member's QR text). Works without a chat contact.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import * as classes from '../../../contracts/classes';
import type { RouteResponse } from '../../../contracts/route';
import { errorMessage, type ApiClient } from '../../shared/api';
import { formatDate, formatDateTime } from '../../shared/time';
import './checkin.css';

type DeskSession = RouteResponse<typeof classes.opsCheckInSessions>['items'][number];
type Outcome = { ok: true; r: classes.CheckInResult } | { ok: false; text: string };

const HOUR = 3600_000;
const hhmm = (iso: string) => formatDateTime(iso).slice(11);

export function CheckInPanel({ api }: { api: ApiClient }) {
  const [sessions, setSessions] = useState<DeskSession[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [sessionId, setSessionId] = useState<number | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      // Sessions around now: today's and tomorrow's (Beijing days), so one just after midnight
      // shows late in the evening too; check-in itself is only open near the start (server rule).
      const now = Date.now();
      const days = [formatDate(new Date(now).toISOString()), formatDate(new Date(now + 24 * HOUR).toISOString())];
      const lists = await Promise.all(days.map((date) => api.call(classes.opsCheckInSessions, { query: { date } })));
      const open = lists
        .flatMap((l) => l.items)
        .filter((s) => s.status === 'scheduled' && Date.parse(s.endsAt) > now - 2 * HOUR && Date.parse(s.startsAt) < now + 12 * HOUR);
      setSessions(open);
      setSessionId((id) => (id && open.some((s) => s.id === id) ? id : (open[0]?.id ?? null)));
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const text = code.trim();
    if (!text || busy) return;
    if (!sessionId && !/^hubclass:/i.test(text)) {
      setOutcome({ ok: false, text: '请先选择场次' });
      return;
    }
    setBusy(true);
    try {
      const r = await api.call(classes.opsCheckIn, {
        body: { code: /^hubclass:/i.test(text) ? text : text.toUpperCase(), sessionId: sessionId ?? undefined },
      });
      setOutcome({ ok: true, r });
      setCode('');
      void load();
    } catch (err) {
      setOutcome({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="sb-card" data-testid="sidebar-checkin">
      <h3>活动签到</h3>
      {loadError ? (
        <p className="sb-error sb-small">{loadError}</p>
      ) : sessions === null ? (
        <p className="sb-muted sb-small">正在加载场次…</p>
      ) : sessions.length === 0 ? (
        <p className="sb-muted sb-small" data-testid="sidebar-checkin-none">
          本店近12小时内没有待签到的活动场次。
        </p>
      ) : (
        <form onSubmit={submit}>
          <select
            className="ci-select"
            data-testid="sidebar-checkin-session"
            value={sessionId ?? ''}
            onChange={(e) => setSessionId(Number(e.target.value) || null)}
          >
            {sessions.map((s) => (
              <option key={s.id} value={s.id}>
                {hhmm(s.startsAt)} {s.title}（已签到 {s.attended}/{s.confirmed + s.attended}）
              </option>
            ))}
          </select>
          <div className="ci-row">
            <input
              className="ci-input"
              data-testid="sidebar-checkin-code"
              placeholder="会员签到码（6位）"
              value={code}
              maxLength={128}
              autoComplete="off"
              autoCapitalize="characters"
              onChange={(e) => setCode(e.target.value)}
            />
            <button className="sb-btn ci-btn" type="submit" data-testid="sidebar-checkin-submit" disabled={busy || !code.trim()}>
              {busy ? '签到中…' : '签到'}
            </button>
          </div>
        </form>
      )}
      {outcome &&
        (outcome.ok ? (
          <p className="sb-ok sb-small" data-testid="sidebar-checkin-result">
            {outcome.r.result === 'checked_in' ? '签到成功' : '此前已签到'}：{outcome.r.memberNickname ?? '会员'} · {outcome.r.adults}位成人
            {outcome.r.children ? ` ${outcome.r.children}位儿童` : ''} · {outcome.r.title} {hhmm(outcome.r.checkedInAt)}
          </p>
        ) : (
          <p className="sb-error sb-small" data-testid="sidebar-checkin-error">
            {outcome.text}
          </p>
        ))}
    </section>
  );
}
