/** 「我的消费」: the member's receipts from the stores, the mini-program and pre-orders, with items. */
import { useCallback, useEffect, useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { CHANNEL_LABELS, myPurchases } from '@contracts/purchases';
import type { RouteResponse } from '@contracts/route';
import { api } from '../../../api/client';
import { errorMessage } from '../../../api/errors';
import { ROUTES } from '../../../api/routes';
import { useSession } from '../../../api/useSession';
import { formatShanghai } from '../../../utils/time';
import '../wallet.css';

type Receipt = RouteResponse<typeof myPurchases>['items'][number];
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

export default function MyPurchasesPage() {
  const session = useSession({ autoLogin: true });
  const ready = session.status === 'ready';
  const [items, setItems] = useState<Receipt[] | null>(null);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(1);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (next = 1) => {
    try {
      const r = await api.call(myPurchases, { query: { page: next, pageSize: 20 } });
      setItems((prev) => (next === 1 || !prev ? r.items : [...prev, ...r.items]));
      setTotal(r.total);
      setPage(next);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    if (ready) void load(1);
  }, [ready, load]);
  useDidShow(() => {
    if (ready) void load(1);
  });

  return (
    <View className="wallet-page" data-testid="my-purchases-page">
      {error && <Text className="error-text">{error}</Text>}
      {items && items.length === 0 && (
        <View className="wallet-card">
          <Text className="wallet-title">还没有消费记录</Text>
          <Text className="wallet-muted">在门店结账时出示会员码，消费会记在这里</Text>
          <Button className="btn-primary wallet-btn" onClick={() => void Taro.navigateTo({ url: ROUTES.memberCode })}>
            出示会员码
          </Button>
        </View>
      )}
      {(items ?? []).map((r) => (
        <View className="receipt" key={r.id} data-testid="purchase-item">
          <View className="receipt-head">
            <Text>
              {r.storeName ?? ''} · {CHANNEL_LABELS[r.channel]}
            </Text>
            <Text className="receipt-total">{r.totalFen < 0 ? `退款 ${yuan(-r.totalFen)}` : yuan(r.totalFen)}</Text>
          </View>
          <Text className="wallet-muted">{formatShanghai(r.occurredAt)}</Text>
          {r.lines.map((l, i) => (
            <View className="receipt-line" key={i}>
              <Text>
                {l.name} ×{l.qty}
              </Text>
              <Text>{yuan(l.amountFen)}</Text>
            </View>
          ))}
          {r.discountFen > 0 && <Text className="wallet-muted">优惠 {yuan(r.discountFen)}</Text>}
        </View>
      ))}
      {items && items.length < total && (
        <Button className="btn-plain" onClick={() => void load(page + 1)}>
          加载更多
        </Button>
      )}
    </View>
  );
}
