/**
 * 「邀请邻居」: the rules first (rewards follow a neighbour's real first action, never the share),
 * the member's invite card (a signed share token) and poster code, their invite code, invitees'
 * progress with names masked, and — for a new member — a place to type a neighbour's code.
 */
import { useState } from 'react';
import { Button, Image, Input, Text, View } from '@tarojs/components';
import Taro, { useShareAppMessage } from '@tarojs/taro';
import { createShare, enterInviteCode, myReferral } from '@contracts/referral';
import type { RouteResponse } from '@contracts/route';
import { api } from '../../../api/client';
import { showError } from '../../../api/errors';
import { deviceId } from '../../../api/referral-touch';
import { ROUTES } from '../../../api/routes';
import { ensureLogin, openConsent } from '../../../api/session';
import { useRemote } from '../../../api/useRemote';
import { useSession } from '../../../api/useSession';
import RemoteFrame from '../../../components/RemoteFrame';
import { formatShanghai } from '../../../utils/time';
import { CONVERSION_SHORT, REWARD_LABELS, STAGE_LABELS } from '../lib';
import '../referral.css';

type Mine = RouteResponse<typeof myReferral>;
type Share = RouteResponse<typeof createShare>;

export default function InvitePage() {
  const session = useSession({ autoLogin: true });
  const ready = session.status === 'ready';
  const remote = useRemote((): Promise<Mine> => api.call(myReferral), [], { enabled: ready });
  const [share, setShare] = useState<Share | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);

  useShareAppMessage(() => ({ title: share?.title ?? '邻居邀请你加入社区会员中心', path: share?.path ?? ROUTES.referralJoin }));

  async function makeCard() {
    setBusy(true);
    try {
      const device = deviceId();
      setShare(await api.call(createShare, { body: { kind: 'invite', ...(device ? { deviceId: device } : {}) } }));
      if (process.env.TARO_ENV === 'weapp') void Taro.showShareMenu({ withShareTicket: false });
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  }

  async function submitCode() {
    try {
      const device = deviceId();
      const r = await api.call(enterInviteCode, { body: { code, ...(device ? { deviceId: device } : {}) } });
      void Taro.showToast({ title: `已填写${r.referredBy}的邀请码`, icon: 'none' });
      setCode('');
      await remote.reload();
    } catch (err) {
      showError(err);
    }
  }

  if (!ready) {
    const needsConsent = session.status === 'needs-consent' || session.status === 'declined';
    return (
      <View className="ref-page">
        <View className="ref-card">
          <Text className="ref-title">登录后邀请邻居</Text>
          <Button className="ref-btn" onClick={() => (needsConsent ? openConsent() : ensureLogin().catch(() => undefined))}>
            {needsConsent ? '阅读隐私保护指引' : '登录'}
          </Button>
        </View>
      </View>
    );
  }

  return (
    <View className="ref-page" data-testid="referral-invite">
      <RemoteFrame remote={remote}>
        {(mine) => (
          <>
            <View className="ref-card" data-testid="referral-rules">
              <Text className="ref-title">邀请规则</Text>
              {mine.rulesText.map((line, i) => (
                <Text key={i} className="ref-text">
                  {i + 1}. {line}
                </Text>
              ))}
            </View>
            <View className="ref-card">
              <Text className="ref-title">我的邀请码</Text>
              <Text className="ref-code" data-testid="referral-code">
                {mine.inviteCode}
              </Text>
              <Text className="ref-muted">邻居注册后在「邀请邻居」页填写，或当面告诉他</Text>
              {!share ? (
                <Button className="ref-btn" loading={busy} data-testid="referral-make-card" onClick={makeCard}>
                  生成邀请卡片和海报
                </Button>
              ) : (
                <View data-testid="referral-card">
                  <Text className="ref-text">{share.title}</Text>
                  {share.wxacodeUrl && <Image className="ref-poster" src={share.wxacodeUrl} mode="aspectFit" />}
                  <Text className="ref-muted">{process.env.TARO_ENV === 'weapp' ? '点右上角「…」发送给邻居，或保存海报' : '邀请链接：'}</Text>
                  <Text className="ref-link" data-testid="referral-link">
                    {share.path}
                  </Text>
                </View>
              )}
            </View>
            {mine.canEnterCode && (
              <View className="ref-card" data-testid="referral-enter-code">
                <Text className="ref-title">填写邻居的邀请码</Text>
                <Input className="ref-input" value={code} maxlength={16} placeholder="例如 3K7QX9" onInput={(e) => setCode(e.detail.value)} />
                <Button className="ref-btn ghost" disabled={code.trim().length < 4} onClick={submitCode}>
                  确定
                </Button>
              </View>
            )}
            {mine.referredBy && <Text className="ref-muted">你是{mine.referredBy}邀请来的</Text>}
            <View className="ref-card" data-testid="referral-invitees">
              <Text className="ref-title">我邀请的邻居（{mine.invitees.length}）</Text>
              {mine.invitees.length === 0 && <Text className="ref-muted">还没有邻居通过你的邀请加入</Text>}
              {mine.invitees.map((v, i) => (
                <View key={i} className="ref-row" data-testid="referral-invitee">
                  <View>
                    <Text className="ref-text">{v.name}</Text>
                    <Text className="ref-muted"> {formatShanghai(v.joinedAt)} 加入</Text>
                  </View>
                  <Text className="ref-stage">
                    {STAGE_LABELS[v.stage]}
                    {v.conversion ? ` · ${CONVERSION_SHORT[v.conversion]}` : ''}
                    {v.reward && v.stage !== 'rewarded' ? ` · ${REWARD_LABELS[v.reward]}` : ''}
                    {v.note ? `（${v.note}）` : ''}
                  </Text>
                </View>
              ))}
            </View>
            <Button className="ref-btn ghost" data-testid="referral-rewards-link" onClick={() => void Taro.navigateTo({ url: ROUTES.referralRewards })}>
              我的奖励
            </Button>
          </>
        )}
      </RemoteFrame>
    </View>
  );
}
