/**
 * 话术 / 素材: the ops page's quick replies and materials, searchable, by group; one tap sends into
 * the current chat with sendChatMessage. Images and files go as real image/file messages: the
 * server uploads the file to WeCom's temporary media once and hands out the cached media_id.
 */
import { useCallback, useEffect, useState } from 'react';
import * as clerk from '../../../contracts/clerk';
import { errorMessage, type ApiClient } from '../../shared/api';
import { type ChatMessage, wecomErrorMessage } from '../wecom';
import './clerk.css';

type Library = { replies: clerk.QuickReplyView[]; materials: clerk.MaterialView[] };

export async function materialMessage(api: ApiClient, m: clerk.MaterialView): Promise<ChatMessage> {
  if (m.kind === 'image' || m.kind === 'file') {
    const media = await api.call(clerk.materialMedia, { params: { id: m.id } });
    return media.msgtype === 'image' ? { msgtype: 'image', image: { mediaId: media.mediaId } } : { msgtype: 'file', file: { mediaId: media.mediaId } };
  }
  if (m.kind === 'miniprogram') {
    return { msgtype: 'miniprogram', miniprogram: { appid: m.appid ?? '', title: m.title, imgUrl: m.picUrl ?? '', page: m.page ?? '' } };
  }
  return { msgtype: 'news', news: { link: m.url ?? '', title: m.title, desc: m.description || clerk.MATERIAL_KIND_LABELS[m.kind], imgUrl: m.picUrl ?? '' } };
}

function byGroup<T extends { groupName: string }>(items: T[]): Array<[string, T[]]> {
  const m = new Map<string, T[]>();
  for (const i of items) m.set(i.groupName, [...(m.get(i.groupName) ?? []), i]);
  return [...m];
}

export function LibraryPanel({ api, send }: { api: ApiClient; send: (m: ChatMessage) => Promise<void> }) {
  const [tab, setTab] = useState<'replies' | 'materials'>('replies');
  const [q, setQ] = useState('');
  const [data, setData] = useState<Library | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);

  const load = useCallback(
    async (query: string) => {
      setError(null);
      try {
        setData(await api.call(clerk.sidebarLibrary, { query: { q: query.trim() || undefined } }));
      } catch (err) {
        setError(errorMessage(err));
      }
    },
    [api],
  );

  useEffect(() => {
    void load('');
  }, [load]);

  async function go(key: string, label: string, message: ChatMessage | (() => Promise<ChatMessage>)) {
    setSending(key);
    setNotice(null);
    try {
      let m: ChatMessage;
      try {
        m = typeof message === 'function' ? await message() : message;
      } catch (err) {
        setNotice({ ok: false, text: errorMessage(err) });
        return;
      }
      await send(m);
      setNotice({ ok: true, text: `已发送「${label}」` });
    } catch (err) {
      setNotice({ ok: false, text: wecomErrorMessage(err) });
    } finally {
      setSending(null);
    }
  }

  const list = tab === 'replies' ? data?.replies : data?.materials;
  return (
    <section className="sb-card" data-testid="sidebar-library">
      <div className="ck-tabs" role="tablist">
        <button role="tab" aria-selected={tab === 'replies'} data-testid="sidebar-library-tab-replies" onClick={() => setTab('replies')}>
          话术库
        </button>
        <button role="tab" aria-selected={tab === 'materials'} data-testid="sidebar-library-tab-materials" onClick={() => setTab('materials')}>
          素材库
        </button>
      </div>
      <form
        className="ck-row"
        onSubmit={(e) => {
          e.preventDefault();
          void load(q);
        }}
      >
        <input
          className="ck-input"
          type="search"
          data-testid="sidebar-library-search"
          placeholder="搜索标题或内容"
          maxLength={40}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <button className="ck-send" type="submit">
          搜索
        </button>
      </form>
      {error ? (
        <p className="sb-error sb-small">{error}</p>
      ) : !list ? (
        <p className="sb-muted sb-small">正在加载…</p>
      ) : list.length === 0 ? (
        <p className="sb-muted sb-small">
          {q ? '没有找到相关内容' : tab === 'replies' ? '话术库还是空的，可在运营后台「话术素材」中添加' : '素材库还是空的，可在运营后台「话术素材」中添加'}
        </p>
      ) : tab === 'replies' ? (
        byGroup(data!.replies).map(([group, items]) => (
          <div key={group}>
            <div className="ck-group">{group}</div>
            <ul className="ck-list">
              {items.map((r) => (
                <li key={r.id} className="ck-item" data-testid={`sidebar-reply-${r.id}`}>
                  <div>
                    <b>{r.title}</b>
                    <p>{r.content}</p>
                  </div>
                  <button
                    className="ck-send"
                    data-testid={`sidebar-reply-send-${r.id}`}
                    disabled={sending !== null}
                    onClick={() => go(`r${r.id}`, r.title, { msgtype: 'text', text: { content: r.content } })}
                  >
                    {sending === `r${r.id}` ? '…' : '发送'}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ))
      ) : (
        byGroup(data!.materials).map(([group, items]) => (
          <div key={group}>
            <div className="ck-group">{group}</div>
            <ul className="ck-list">
              {items.map((m) => (
                <li key={m.id} className="ck-item" data-testid={`sidebar-material-${m.id}`}>
                  <div>
                    <span className="ck-kind">{clerk.MATERIAL_KIND_LABELS[m.kind]}</span>
                    <b>{m.title}</b>
                    {m.description ? <p>{m.description}</p> : null}
                  </div>
                  <button
                    className="ck-send"
                    data-testid={`sidebar-material-send-${m.id}`}
                    disabled={sending !== null}
                    onClick={() => go(`m${m.id}`, m.title, () => materialMessage(api, m))}
                  >
                    {sending === `m${m.id}` ? '…' : '发送'}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ))
      )}
      {notice && (
        <p className={notice.ok ? 'sb-ok sb-small' : 'sb-error sb-small'} data-testid="sidebar-library-notice">
          {notice.text}
        </p>
      )}
    </section>
  );
}
