/** 「我的消费」: the member's receipts from the stores, the mini-program and pre-orders, with items. */
import { useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { CHANNEL_LABELS, myPurchases } from '@contracts/purchases';
import type { RouteResponse } from '@contracts/route';
import { api } from '../../../api/client';
import { errorMessage } from '../../../api/errors';
import { ROUTES } from '../../../api/routes';
import { useRemote } from '../../../api/useRemote';
import { useSession } from '../../../api/useSession';
import RemoteFrame from '../../../components/RemoteFrame';
import { formatShanghai } from '../../../utils/time';
import '../wallet.css';

type Receipt = RouteResponse<typeof myPurchases>['items'][number];
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

export default function MyPurchasesPage() {
  const session = useSession({ autoLogin: true });
  const ready = session.status === 'ready';
  const fetchPage = async (page: number) => ({ ...(await api.call(myPurchases, { query: { page, pageSize: 20 } })), page });
  // page 1 on every show; 加载更多 appends the next page
  const remote = useRemote(() => fetchPage(1), [], { enabled: ready, everyShow: true });
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

  return (
    <View className="wallet-page" data-testid="my-purchases-page">
      <RemoteFrame
        remote={remote}
        isEmpty={(d) => d.items.length === 0}
        empty={
          <View className="wallet-card">
            <Text className="wallet-title">还没有消费记录</Text>
            <Text className="wallet-muted">在门店结账时出示会员码，消费会记在这里</Text>
            <Button className="btn-primary wallet-btn" onClick={() => void Taro.navigateTo({ url: ROUTES.memberCode })}>
              出示会员码
            </Button>
          </View>
        }
      >
        {({ items, total, page }) => (
          <>
            {items.map((r: Receipt) => (
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
