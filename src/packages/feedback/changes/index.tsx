/** 「你说我改」: what stores changed because members said so (anonymised; written by the store). */
import { useCallback, useEffect, useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import { usePullDownRefresh } from '@tarojs/taro';
import Taro from '@tarojs/taro';
import { listChanges, TOPIC_LABELS, type PublishedChange } from '@contracts/feedback';
import { api } from '../../../api/client';
import { errorMessage } from '../../../api/errors';
import { formatShanghai } from '../../../utils/time';
import '../feedback.css';

const PAGE_SIZE = 20;

export default function ChangesPage() {
  const [items, setItems] = useState<PublishedChange[] | null>(null);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(1);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (next = 1) => {
    setError(null);
    try {
      const r = await api.call(listChanges, { query: { page: next, pageSize: PAGE_SIZE } });
      setItems((prev) => (next === 1 || !prev ? r.items : [...prev, ...r.items]));
      setTotal(r.total);
      setPage(next);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void load(1);
  }, [load]);
  usePullDownRefresh(() => {
    void load(1).finally(() => Taro.stopPullDownRefresh());
  });

  return (
    <View className="page" data-testid="page-feedback-changes">
      <View className="card">
        <Text className="card-title">你说我改</Text>
        <Text className="muted">每一条意见我们都会看。下面是大家提过、门店已经改进的地方。</Text>
      </View>
      {error && (
        <View className="card">
          <Text className="error-text">{error}</Text>
          <Button className="btn-plain" onClick={() => void load(1)}>
            重试
          </Button>
        </View>
      )}
      {items === null && !error && <Text className="muted">正在加载…</Text>}
      {items !== null && items.length === 0 && (
        <View className="card">
          <Text className="muted">暂时还没有公示的改进</Text>
        </View>
      )}
      {(items ?? []).map((c) => (
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
      {items !== null && items.length < total && (
        <Button className="btn-plain" onClick={() => void load(page + 1)}>
          加载更多
        </Button>
      )}
    </View>
  );
}
