/** 「你说我改」: what stores changed because members said so (anonymised; written by the store). */
import { useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import { usePullDownRefresh } from '@tarojs/taro';
import Taro from '@tarojs/taro';
import { listChanges, TOPIC_LABELS, type PublishedChange } from '@contracts/feedback';
import { api } from '../../../api/client';
import { errorMessage } from '../../../api/errors';
import { useRemote } from '../../../api/useRemote';
import RemoteFrame from '../../../components/RemoteFrame';
import { formatShanghai } from '../../../utils/time';
import '../feedback.css';

const PAGE_SIZE = 20;

export default function ChangesPage() {
  const fetchPage = async (page: number) => ({ ...(await api.call(listChanges, { query: { page, pageSize: PAGE_SIZE } })), page });
  const remote = useRemote(() => fetchPage(1), []);
  const [moreError, setMoreError] = useState<string | null>(null);
  const more = async (page: number) => {
    setMoreError(null);
    try {
      const r = await fetchPage(page);
      remote.setData((prev) => (prev ? { ...r, items: [...prev.items, ...r.items] } : r));
    } catch (err) {
      setMoreError(errorMessage(err));
    }
  };
  usePullDownRefresh(() => {
    void remote.reload().finally(() => Taro.stopPullDownRefresh());
  });

  return (
    <View className="page" data-testid="page-feedback-changes">
      <View className="card">
        <Text className="card-title">你说我改</Text>
        <Text className="muted">每一条意见我们都会看。下面是大家提过、门店已经改进的地方。</Text>
      </View>
      <RemoteFrame
        remote={remote}
        isEmpty={(d) => d.items.length === 0}
        empty={
          <View className="card">
            <Text className="muted">暂时还没有公示的改进</Text>
          </View>
        }
      >
        {({ items, total, page }) => (
          <>
            {items.map((c: PublishedChange) => (
              <View key={c.id} className="card" data-testid={`fb-change-${c.id}`}>
                <View>
                  {c.storeName && <Text className="fb-tag">{c.storeName}</Text>}
                  {c.topic && <Text className="fb-tag">{TOPIC_LABELS[c.topic]}</Text>}
                  <Text className="muted">{formatShanghai(c.publishedAt)}</Text>
                </View>
                <Text className="fb-change-said">你说：{c.said}</Text>
                <Text className="fb-change-changed">我改：{c.changed}</Text>
              </View>
            ))}
            {moreError && <Text className="error-text">{moreError}</Text>}
            {items.length < total && (
              <Button className="btn-plain" onClick={() => void more(page + 1)}>
                加载更多
              </Button>
            )}
          </>
        )}
      </RemoteFrame>
    </View>
  );
}
