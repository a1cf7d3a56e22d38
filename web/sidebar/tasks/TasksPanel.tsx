/**
 * 「我的任务」 in the sidebar: journey tasks for the signed-in staff member (store managers also see
 * their store's manager tasks), the chat's customer first. Marking a greeting/call task done also
 * records an interaction with the customer on the server, so the journey stops nudging them.
 */
import { useCallback, useEffect, useState } from 'react';
import * as journeys from '../../../contracts/journeys';
import { errorMessage, type ApiClient } from '../../shared/api';
import { formatDateTime } from '../../shared/time';
import './tasks.css';

type Task = journeys.StaffTaskView;

export function TasksPanel({ api, externalUserId }: { api: ApiClient; externalUserId: string | null }) {
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const r = await api.call(journeys.listSidebarTasks, { query: { status: 'open' } });
      setTasks(r.items);
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  async function finish(task: Task, outcome: 'done' | 'dismissed') {
    setBusy(task.id);
    setNotice(null);
    try {
      await api.call(journeys.completeSidebarTask, { params: { taskId: task.id }, body: { outcome } });
      setTasks((list) => list?.filter((t) => t.id !== task.id) ?? null);
      setNotice({ ok: true, text: outcome === 'done' ? `已完成「${task.title}」` : `已忽略「${task.title}」` });
    } catch (err) {
      setNotice({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(null);
    }
  }

  // The customer in the chat first, then by due time.
  const sorted = [...(tasks ?? [])].sort(
    (a, b) => Number(b.externalUserId === externalUserId) - Number(a.externalUserId === externalUserId) || Date.parse(a.dueAt) - Date.parse(b.dueAt),
  );
  const now = Date.now();

  return (
    <section className="sb-card" data-testid="sidebar-tasks">
      <header className="tk-head">
        <h3>我的任务{tasks?.length ? `（${tasks.length}）` : ''}</h3>
        <button className="sb-link" onClick={() => void load()}>
          刷新
        </button>
      </header>
      {loadError ? (
        <p className="sb-error sb-small">{loadError}</p>
      ) : tasks === null ? (
        <p className="sb-muted sb-small">正在加载任务…</p>
      ) : tasks.length === 0 ? (
        <p className="sb-muted sb-small" data-testid="sidebar-tasks-empty">
          暂无待办任务
        </p>
      ) : (
        <ul className="tk-list">
          {sorted.map((t) => {
            const late = Date.parse(t.dueAt) < now;
            return (
              <li key={t.id} className="tk-item" data-testid={`sidebar-task-${t.id}`}>
                <div className="tk-head">
                  <span className="tk-title">
                    {t.title}
                    {t.externalUserId === externalUserId ? <span className="tk-here">当前客户</span> : null}
                  </span>
                  <span className={late ? 'tk-meta tk-due-late' : 'tk-meta'}>{late ? '已逾期' : `${formatDateTime(t.dueAt).slice(5)} 前`}</span>
                </div>
                <div className="tk-meta">
                  客户：{t.customerName ?? '未命名客户'}
                  {t.journeyName ? ` · ${t.journeyName}` : ' · 手动任务'}
                </div>
                {t.detail ? <p className="tk-detail">{t.detail}</p> : null}
                <div className="tk-actions">
                  <button
                    className="tk-btn tk-btn-primary"
                    disabled={busy !== null}
                    onClick={() => finish(t, 'done')}
                    data-testid={`sidebar-task-done-${t.id}`}
                  >
                    {busy === t.id ? '提交中…' : '完成'}
                  </button>
                  <button className="tk-btn tk-btn-plain" disabled={busy !== null} onClick={() => finish(t, 'dismissed')}>
                    忽略
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {notice && (
        <p className={notice.ok ? 'sb-ok sb-small' : 'sb-error sb-small'} data-testid="sidebar-tasks-notice">
          {notice.text}
        </p>
      )}
    </section>
  );
}
