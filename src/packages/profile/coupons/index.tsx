/** 「我的优惠券」: the coupons journeys issued to the member (read-only here), usable first. */
import { useState } from 'react';
import QrCode from '../../../components/QrCode';
import { Button, Text, View } from '@tarojs/components';
import { myCoupons } from '@contracts/journeys';
import type { RouteResponse } from '@contracts/route';
import { api } from '../../../api/client';
import { useRemote } from '../../../api/useRemote';
import RemoteFrame from '../../../components/RemoteFrame';
import { formatShanghai } from '../../../utils/time';
import { yuan } from '../lib';
import '../profile.css';

type Coupon = RouteResponse<typeof myCoupons>['items'][number];
const STATUS: Record<Coupon['status'], string> = { issued: '可使用', used: '已使用', expired: '已过期' };

export default function CouponsPage() {
  // one coupon's code open at a time, large enough for the till's scanner
  const [shown, setShown] = useState<number | null>(null);

  const remote = useRemote(
    async (): Promise<Coupon[]> => {
      const res = await api.call(myCoupons, { query: { page: 1, pageSize: 50 } });
      // usable ones first, each group newest first (the server's order)
      return [...res.items.filter((c) => c.status === 'issued'), ...res.items.filter((c) => c.status !== 'issued')];
    },
    [],
    { everyShow: true },
  );

  return (
    <View className="page" data-testid="page-coupons">
      <RemoteFrame
        remote={remote}
        isEmpty={(items) => items.length === 0}
        empty={
          <View className="card" data-testid="coupons-empty">
            <Text className="card-title">暂时没有优惠券</Text>
            <Text className="muted">门店发给你的优惠券会出现在这里。</Text>
          </View>
        }
      >
        {(items) =>
          items.map((c) => (
            <View key={c.id} className={c.status === 'issued' ? 'card coupon' : 'card coupon coupon-off'} data-testid={`coupon-${c.id}`}>
              <Text className="coupon-amount">{yuan(c.amountFen)}</Text>
              <Text className="card-title">{c.title}</Text>
              <View>
                <Text className="muted">{c.minSpendFen > 0 ? `满 ${yuan(c.minSpendFen)} 可用` : '无门槛'}</Text>
              </View>
              <View>
                <Text className="muted">
                  有效期至 {formatShanghai(c.validUntil)} · {STATUS[c.status]}
                </Text>
              </View>
              <View>
                <Text className="muted" data-testid={`coupon-code-${c.id}`}>
                  券码 {c.code} · 到店结账时出示使用
                </Text>
              </View>
              {c.status === 'issued' && (
                <Button className="btn-plain" data-testid={`coupon-show-${c.id}`} onClick={() => setShown(shown === c.id ? null : c.id)}>
                  {shown === c.id ? '收起券码' : '出示券码'}
                </Button>
              )}
              {c.status === 'issued' && shown === c.id && <QrCode text={c.code} testId={`coupon-qr-${c.id}`} />}
            </View>
          ))
        }
      </RemoteFrame>
    </View>
  );
}
