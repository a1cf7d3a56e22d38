/**
 * 企业标签: every corp tag WeCom holds on the contact (the channel's, the corp's, other apps'),
 * grouped; our own tags can be removed and added here (WeCom lets the app edit only its own).
 */
import { useCallback, useEffect, useState } from 'react';
import * as clerk from '../../../contracts/clerk';
import { errorMessage, type ApiClient } from '../../shared/api';
import './clerk.css';

type Tags = { tags: clerk.ContactCorpTag[]; addable: clerk.ContactCorpTag[] };

export function CorpTagsPanel({ api, externalUserId }: { api: ApiClient; externalUserId: string }) {
  const [data, setData] = useState<Tags | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setError(null);
    try {
      setData(await api.call(clerk.sidebarContactTags, { params: { externalUserId } }));
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [api, externalUserId]);

  useEffect(() => {
    void load();
  }, [load]);

  async function change(add: string[], remove: string[]) {
    setBusy(true);
    setNotice(null);
    try {
      await api.call(clerk.editContactTags, { params: { externalUserId }, body: { add, remove } });
      // WeCom applies the change from the outbound queue in a moment; show the intent at once
      setData(
        (d) =>
          d && {
            tags: [...d.tags.filter((t) => !remove.includes(t.name)), ...d.addable.filter((t) => add.includes(t.name))],
            addable: [...d.addable.filter((t) => !add.includes(t.name)), ...d.tags.filter((t) => remove.includes(t.name))],
          },
      );
      setNotice(add.length ? `已添加「${add.join('、')}」，正在同步到企业微信` : `已移除「${remove.join('、')}」，正在同步到企业微信`);
    } catch (err) {
      setNotice(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const groups = new Map<string, clerk.ContactCorpTag[]>();
  for (const t of data?.tags ?? []) groups.set(t.groupName, [...(groups.get(t.groupName) ?? []), t]);

  return (
    <section className="sb-card" data-testid="sidebar-corp-tags">
      <h3>企业标签</h3>
      {error ? (
        <p className="sb-error sb-small">{error}</p>
      ) : !data ? (
        <p className="sb-muted sb-small">正在加载标签…</p>
      ) : (
        <>
          {data.tags.length === 0 && <p className="sb-muted sb-small">该客户还没有企业标签</p>}
          {[...groups].map(([group, tags]) => (
            <div key={group}>
              <div className="ck-group">{group}</div>
              {tags.map((t) => (
                <span key={t.id} className={t.editable ? 'ck-tag ck-tag-ours' : 'ck-tag'} data-testid="sidebar-corp-tag">
                  {t.name}
                  {t.editable && (
                    <button aria-label={`移除${t.name}`} disabled={busy} onClick={() => change([], [t.name])}>
                      ×
                    </button>
                  )}
                </span>
              ))}
            </div>
          ))}
          {data.addable.length > 0 && (
            <div className="ck-row">
              <select
                className="ck-select"
                data-testid="sidebar-corp-tag-add"
                value=""
                disabled={busy}
                onChange={(e) => e.target.value && change([e.target.value], [])}
              >
                <option value="">＋ 添加标签</option>
                {data.addable.map((t) => (
                  <option key={t.id} value={t.name}>
                    {t.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          {notice && <p className="sb-muted sb-small">{notice}</p>}
        </>
      )}
    </section>
  );
}
