/**
 * Where a neighbour lands from a card (`rt`) or a poster (scene `t=…`): the share is recorded as
 * opened (a forged token is refused by the server), the token is kept for the registration, and
 * the rules are stated — joining itself earns nobody anything.
 */
import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { openShare } from '@contracts/referral';
import { api } from '../../../api/client';
import { deviceId, rememberShareToken, tokenFromParams } from '../../../api/referral-touch';
import { ROUTES } from '../../../api/routes';
import { ensureLogin, openConsent } from '../../../api/session';
import { useRemote } from '../../../api/useRemote';
import { useSession } from '../../../api/useSession';
import RemoteFrame from '../../../components/RemoteFrame';
import { pageParams } from '../lib';
import '../referral.css';

export default function JoinPage() {
  const session = useSession({ autoLogin: false });
  const token = tokenFromParams(pageParams());
  // the share is recorded as opened once per token; a forged token is refused (the error, with 重试)
  const share = useRemote(
    async () => {
      const device = deviceId();
      const r = await api.call(openShare, { body: { token: token!, ...(device ? { deviceId: device } : {}) } });
      rememberShareToken(token!);
      return r.sharerName;
    },
    [token],
    { enabled: !!token },
  );

  async function join() {
    const m = await ensureLogin().catch(() => null);
    if (m) void Taro.switchTab({ url: ROUTES.home });
    else openConsent();
  }

  return (
    <View className="ref-page" data-testid="referral-join">
      <View className="ref-card">
        <RemoteFrame remote={share} missing={!token && '邀请链接不完整'}>
          {(sharer) => (
            <Text className="ref-title" data-testid="referral-sharer">
              你的邻居{sharer}邀请你加入社区会员中心
            </Text>
          )}
        </RemoteFrame>
        <Text className="ref-text">会员可以预订年夜饭、报名亲子课程、参加菜谱大赛，到店出示会员码享会员价。</Text>
        <Text className="ref-muted">邀请奖励只在你第一次到店消费、提货或参加课程后发给邀请人，你加入本身不产生任何奖励。</Text>
        {session.status === 'ready' ? (
          <Text className="ref-ok" data-testid="referral-joined">
            你已是会员
          </Text>
        ) : (
          <Button className="ref-btn" data-testid="referral-join-btn" onClick={join}>
            加入会员
          </Button>
        )}
      </View>
    </View>
  );
}
