/**
 * The sidebar opened in a customer group chat (entry group_chat_tools, ww.getCurExternalChat): the
 * group's figures, members who have not taken part in 30 days, the next events to invite them to
 * (one tap sends the event's mini-program card into the group), and the owner's group SOP tasks.
 */
import { useCallback, useEffect, useState } from 'react';
import * as ww from '@wecom/jssdk';
import * as community from '../../../contracts/community';
import { errorMessage, type ApiClient } from '../../shared/api';
import { formatDateTime } from '../../shared/time';
import { sendMiniprogramCard, wecomErrorMessage } from '../wecom';
import './group.css';

/**
 * The chat the sidebar is open in, when it is a customer group: in dev the `dev_chat_id` query
 * stands in for the WeCom client; in WeCom only the group_chat_tools entry has one.
 */
export async function currentGroupChat(mode: 'dev' | 'wecom'): Promise<string | null> {
  if (mode === 'dev') return new URL(location.href).searchParams.get('dev_chat_id');
  const context = await ww.getContext();
  if (context.entry !== 'group_chat_tools') return null;
  const res = await ww.getCurExternalChat();
  return res.chatId;
}

export function GroupChatPanel({
  api,
  chatId,
  mode,
  appId,
  coverUrl,
}: {
  api: ApiClient;
  chatId: string;
  mode: 'dev' | 'wecom';
  appId: string | null;
  coverUrl: string;
}) {
  const [view, setView] = useState<community.SidebarGroupView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      setView(await api.call(community.sidebarGroup, { params: { chatId } }));
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [api, chatId]);

  useEffect(() => {
    void load();
  }, [load]);

  const cardBlocked = mode === 'dev' ? '需在企业微信客户端内使用，开发模式下不可发送' : !appId ? '未配置小程序 AppID，请联系管理员' : null;

  async function sendCard(e: community.SidebarGroupView['nextEvents'][number]) {
    if (!appId) return;
    setBusy(`card-${e.classId}`);
    setNotice(null);
    try {
      await sendMiniprogramCard({
        appid: appId,
        title: `${e.title}｜${formatDateTime(e.nextSessionAt)}`,
        imgUrl: new URL(coverUrl, location.href).toString(),
        page: `packages/classes/list/index.html?from=wecom_group`,
      });
      setNotice({ ok: true, text: '已发送到群聊' });
    } catch (err) {
      setNotice({ ok: false, text: wecomErrorMessage(err) });
    } finally {
      setBusy(null);
    }
  }

  async function confirm(task: community.SopTaskView) {
    setBusy(`task-${task.id}`);
    setNotice(null);
    try {
      const t = await api.call(community.confirmSopTask, { params: { taskId: task.id } });
      setNotice({
        ok: t.status !== 'skipped',
        text:
          t.status === 'skipped'
            ? `未发送：${t.reason}`
            : t.status === 'scheduled'
              ? `已确认，免打扰结束后（${formatDateTime(t.sendAt)}）提交群发`
              : '已确认，请在企业微信「群发助手」中确认发送',
      });
      await load();
    } catch (err) {
      setNotice({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(null);
    }
  }

  if (error)
    return (
      <section className="sb-card">
        <p className="sb-error" data-testid="sidebar-group-error">
          {error}
        </p>
      </section>
    );
  if (!view) return <p className="sb-muted sb-center">正在加载客户群…</p>;
  const f = view.figures;
  return (
    <div data-testid="sidebar-group">
      <section className="sb-card">
        <div className="sb-name" data-testid="sidebar-group-name">
          {view.name ?? '客户群'}
        </div>
        <div className="sb-meta sb-muted">
          {view.storeName ?? '未归属门店'}
          {view.theme ? ` · ${view.theme}` : ''}
        </div>
        <dl className="sbg-figures" data-testid="sidebar-group-figures">
          <div>
            <dt>客户</dt>
            <dd>{f.customers}</dd>
          </div>
          <div>
            <dt>已绑会员</dt>
            <dd>{f.linkedMembers}</dd>
          </div>
          <div>
            <dt>30天活跃</dt>
            <dd>{f.active30d}</dd>
          </div>
          <div>
            <dt>30天入/退</dt>
            <dd>
              +{f.joined30d}/-{f.left30d}
            </dd>
          </div>
        </dl>
      </section>
      {view.tasks.length > 0 && (
        <section className="sb-card">
          <h3>待确认的群发</h3>
          <ul className="sbg-list">
            {view.tasks.map((t) => (
              <li key={t.id} data-testid="sidebar-group-task">
                <b>{t.title}</b>
                <small className="sb-muted">计划 {formatDateTime(t.slotAt)}</small>
                <p>{t.text}</p>
                <button className="sb-btn" disabled={busy !== null} onClick={() => confirm(t)} data-testid="sidebar-group-task-confirm">
                  确认发送
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section className="sb-card">
        <h3>30天未参与的成员（{view.inactive.length}）</h3>
        <ul className="sbg-list" data-testid="sidebar-group-inactive">
          {view.inactive.length ? (
            view.inactive.map((p) => (
              <li key={p.userId}>
                {p.memberNickname ?? p.name ?? '群成员'}
                <small className="sb-muted">{p.memberId ? (p.events.length ? `参加过：${p.events.join('、')}` : '还没参加过活动') : '未绑定会员'}</small>
              </li>
            ))
          ) : (
            <li className="sb-muted">成员近期都参与过活动</li>
          )}
        </ul>
      </section>
      <section className="sb-card">
        <h3>可以邀请参加</h3>
        <ul className="sbg-list" data-testid="sidebar-group-events">
          {view.nextEvents.length ? (
            view.nextEvents.map((e) => (
              <li key={e.classId}>
                {e.title}
                <small className="sb-muted">{formatDateTime(e.nextSessionAt)}</small>
                <button className="sb-link" disabled={!!cardBlocked || busy !== null} onClick={() => sendCard(e)}>
                  发送小程序卡片
                </button>
              </li>
            ))
          ) : (
            <li className="sb-muted">本门店近期没有活动</li>
          )}
        </ul>
        {cardBlocked && <p className="sb-muted sb-small">{cardBlocked}</p>}
      </section>
      {notice && (
        <p className={notice.ok ? 'sb-ok sb-small' : 'sb-error sb-small'} data-testid="sidebar-group-notice">
          {notice.text}
        </p>
      )}
    </div>
  );
}
