/** 「我的奖励」: rewards for neighbours who really took part (issued, under review, or not counted). */
import { useCallback, useEffect, useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import { useDidShow } from '@tarojs/taro';
import { myRewards } from '@contracts/referral';
import type { RouteResponse } from '@contracts/route';
import { api } from '../../../api/client';
import { errorMessage } from '../../../api/errors';
import { ensureLogin, openConsent } from '../../../api/session';
import { useSession } from '../../../api/useSession';
import { formatShanghai } from '../../../utils/time';
import { CONVERSION_SHORT, REWARD_LABELS } from '../lib';
import '../referral.css';

type Rewards = RouteResponse<typeof myRewards>;

export default function RewardsPage() {
  const session = useSession({ autoLogin: true });
  const ready = session.status === 'ready';
  const [data, setData] = useState<Rewards | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      setData(await api.call(myRewards));
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);
  useEffect(() => {
    if (ready) void load();
  }, [ready, load]);
  useDidShow(() => {
    if (ready) void load();
  });

  if (!ready) {
    const needsConsent = session.status === 'needs-consent' || session.status === 'declined';
    return (
      <View className="ref-page">
        <View className="ref-card">
          <Text className="ref-title">登录后查看我的奖励</Text>
          <Button className="ref-btn" onClick={() => (needsConsent ? openConsent() : ensureLogin().catch(() => undefined))}>
            {needsConsent ? '阅读隐私保护指引' : '登录'}
          </Button>
        </View>
      </View>
    );
  }

  return (
    <View className="ref-page" data-testid="referral-rewards">
      {error && <Text className="ref-error">{error}</Text>}
      {data && (
        <>
          <View className="ref-card">
            <Text className="ref-title">已获得积分</Text>
            <Text className="ref-code" data-testid="referral-points">
              {data.pointsTotal}
            </Text>
          </View>
          <View className="ref-card">
            {data.items.length === 0 && <Text className="ref-muted">邻居第一次到店消费、提货或参加课程后，奖励会出现在这里</Text>}
            {data.items.map((r) => (
              <View key={r.id} className="ref-row" data-testid="referral-reward">
                <View>
                  <Text className="ref-text">{r.title}</Text>
                  <Text className="ref-muted">
                    {' '}
                    {r.inviteeName} · {CONVERSION_SHORT[r.conversion]} · {formatShanghai(r.createdAt)}
                  </Text>
                </View>
                <Text className="ref-stage" data-testid="referral-reward-status">
                  {REWARD_LABELS[r.status]}
                </Text>
              </View>
            ))}
          </View>
        </>
      )}
    </View>
  );
}
