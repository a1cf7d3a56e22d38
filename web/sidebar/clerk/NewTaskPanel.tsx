/** 新建任务: a reminder the clerk sets for this customer with a due time (shows in 我的任务). */
import { useState } from 'react';
import * as clerk from '../../../contracts/clerk';
import { addDaysToKey, atLocalTime, dayKey } from '../../../contracts/calendar';
import { errorMessage, type ApiClient } from '../../shared/api';
import { fromShanghaiInput, toShanghaiInput } from '../../shared/time';
import './clerk.css';

/** "YYYY-MM-DDTHH:mm" of tomorrow 10:00 Beijing time (entered as Beijing wall time, like the ops page). */
function tomorrowAtTen(): string {
  return toShanghaiInput(atLocalTime(addDaysToKey(dayKey(new Date()), 1), '10:00').toISOString());
}

export function NewTaskPanel({ api, externalUserId, onCreated }: { api: ApiClient; externalUserId: string; onCreated: () => void }) {
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const [due, setDue] = useState(tomorrowAtTen);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);

  async function create() {
    const dueAt = fromShanghaiInput(due);
    if (!dueAt) return setNotice({ ok: false, text: '请选择截止时间' });
    setBusy(true);
    setNotice(null);
    try {
      const t = await api.call(clerk.createManualTask, { params: { externalUserId }, body: { title, dueAt } });
      setNotice({ ok: true, text: `已创建任务「${t.title}」` });
      setTitle('');
      setOpen(false);
      onCreated();
    } catch (err) {
      setNotice({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="sb-card" data-testid="sidebar-new-task">
      <div className="ck-head">
        <h3>新建任务</h3>
        {!open && (
          <button className="sb-link" data-testid="sidebar-new-task-open" onClick={() => setOpen(true)}>
            ＋ 提醒我跟进
          </button>
        )}
      </div>
      {open && (
        <>
          <input
            className="ck-input"
            data-testid="sidebar-new-task-title"
            placeholder="例如：周六前电话确认年夜饭提货"
            maxLength={60}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
          <div className="ck-row">
            <input className="ck-input" type="datetime-local" data-testid="sidebar-new-task-due" value={due} onChange={(e) => setDue(e.target.value)} />
          </div>
          <div className="ck-row">
            <button className="sb-btn" data-testid="sidebar-new-task-save" disabled={busy || !title.trim()} onClick={create}>
              {busy ? '创建中…' : '创建任务'}
            </button>
            <button className="sb-link" onClick={() => setOpen(false)}>
              取消
            </button>
          </div>
        </>
      )}
      {notice && (
        <p className={notice.ok ? 'sb-ok sb-small' : 'sb-error sb-small'} data-testid="sidebar-new-task-notice">
          {notice.text}
        </p>
      )}
    </section>
  );
}
