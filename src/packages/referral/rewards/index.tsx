/** 「我的奖励」: rewards for neighbours who really took part (issued, under review, or not counted). */
import { Button, Text, View } from '@tarojs/components';
import { myRewards } from '@contracts/referral';
import type { RouteResponse } from '@contracts/route';
import { api } from '../../../api/client';
import { ensureLogin, openConsent } from '../../../api/session';
import { useRemote } from '../../../api/useRemote';
import { useSession } from '../../../api/useSession';
import RemoteFrame from '../../../components/RemoteFrame';
import { formatShanghai } from '../../../utils/time';
import { CONVERSION_SHORT, REWARD_LABELS } from '../lib';
import '../referral.css';

type Rewards = RouteResponse<typeof myRewards>;

export default function RewardsPage() {
  const session = useSession({ autoLogin: true });
  const ready = session.status === 'ready';
  const remote = useRemote((): Promise<Rewards> => api.call(myRewards), [], { enabled: ready, everyShow: true });

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
      <RemoteFrame remote={remote}>
        {(data) => (
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
      </RemoteFrame>
    </View>
  );
}
