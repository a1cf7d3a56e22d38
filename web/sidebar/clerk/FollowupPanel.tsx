/**
 * 跟进记录: write what happened (call / visit / chat) and see the notes so far. A note also shows
 * in the member timeline and counts as an interaction for the journeys.
 */
import { useCallback, useEffect, useState } from 'react';
import * as clerk from '../../../contracts/clerk';
import { errorMessage, type ApiClient } from '../../shared/api';
import { formatDateTime } from '../../shared/time';
import './clerk.css';

type Kind = (typeof clerk.FOLLOWUP_KINDS)[number];

export function FollowupPanel({ api, externalUserId, onSaved }: { api: ApiClient; externalUserId: string; onSaved?: () => void }) {
  const [notes, setNotes] = useState<clerk.FollowupNoteView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [kind, setKind] = useState<Kind>('chat');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);

  const load = useCallback(async () => {
    try {
      setNotes((await api.call(clerk.listFollowups, { params: { externalUserId } })).items);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [api, externalUserId]);

  useEffect(() => {
    void load();
  }, [load]);

  async function save() {
    setBusy(true);
    setNotice(null);
    try {
      const note = await api.call(clerk.createFollowup, { params: { externalUserId }, body: { kind, text } });
      setNotes((list) => [note, ...(list ?? [])]);
      setText('');
      setNotice({ ok: true, text: '已保存跟进记录' });
      onSaved?.();
    } catch (err) {
      setNotice({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="sb-card" data-testid="sidebar-followups">
      <h3>跟进记录</h3>
      <div className="ck-row ck-kinds" role="group" aria-label="跟进方式">
        {clerk.FOLLOWUP_KINDS.map((k) => (
          <button key={k} type="button" aria-pressed={kind === k} data-testid={`sidebar-followup-kind-${k}`} onClick={() => setKind(k)}>
            {clerk.FOLLOWUP_KIND_LABELS[k]}
          </button>
        ))}
      </div>
      <textarea
        className="ck-textarea"
        data-testid="sidebar-followup-text"
        placeholder="记录这次沟通：客户说了什么、约好了什么…"
        maxLength={500}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <div className="ck-row">
        <button className="sb-btn" data-testid="sidebar-followup-save" disabled={busy || !text.trim()} onClick={save}>
          {busy ? '保存中…' : '保存跟进'}
        </button>
      </div>
      {notice && (
        <p className={notice.ok ? 'sb-ok sb-small' : 'sb-error sb-small'} data-testid="sidebar-followup-notice">
          {notice.text}
        </p>
      )}
      {error ? (
        <p className="sb-error sb-small">{error}</p>
      ) : notes && notes.length > 0 ? (
        <ul className="ck-list" data-testid="sidebar-followup-list">
          {notes.map((n) => (
            <li key={n.id}>
              <span className="ck-kind">{clerk.FOLLOWUP_KIND_LABELS[n.kind]}</span>
              {n.text}
              <div className="ck-meta">
                {n.staffName} · {formatDateTime(n.createdAt)}
              </div>
            </li>
          ))}
        </ul>
      ) : notes ? (
        <p className="sb-muted sb-small">还没有跟进记录</p>
      ) : null}
    </section>
  );
}
