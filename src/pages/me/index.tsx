import { useCallback, useEffect, useState } from 'react';
import { Button, Image, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { myPanel } from '@contracts/community';
import { api } from '../../api/client';
import { ROUTES } from '../../api/routes';
import { ensureLogin, logout, openConsent } from '../../api/session';
import { useSession } from '../../api/useSession';
import { showError } from '../../api/errors';
import { apiBase } from '../../api/client';

const abs = (url: string) => (/^https?:\/\//.test(url) ? url : `${apiBase}${url}`);

/** 我的 entries of the member hub (each opens its own subpackage). */
const HUB_ENTRIES = [
  { key: 'household', title: '我的家庭', text: '创建家庭、邀请家人，按家庭报名课程', url: ROUTES.household },
  { key: 'store', title: '常去门店', text: '按距离选择或手动选择', url: ROUTES.homeStore },
  { key: 'coupons', title: '我的优惠券', text: '门店发给你的优惠券', url: ROUTES.coupons },
  { key: 'favourites', title: '我的收藏', text: '收藏的菜谱', url: ROUTES.favourites },
  { key: 'classes', title: '我的活动', text: '报名的课程和活动', url: ROUTES.classMine },
  { key: 'orders', title: '我的订单', text: '年夜饭预订、自提码', url: ROUTES.nyeOrders },
  { key: 'panel', title: '顾客顾问团', text: '新品试吃、评测与徽章', url: ROUTES.panel },
  { key: 'invite', title: '邀请邻居', text: '邀请卡片、海报和邀请码；邻居真正参与后才有奖励', url: ROUTES.referralInvite },
  { key: 'rewards', title: '我的奖励', text: '邀请邻居获得的积分和优惠券', url: ROUTES.referralRewards },
];

type PanelBadge = { badge: string; moderator: boolean } | null;

export default function MePage() {
  const session = useSession({ autoLogin: true });
  const member = session.member;
  const ready = session.status === 'ready';
  // the advisory panel's badge (顾客顾问团), shown by the nickname and on its entry
  const [panel, setPanel] = useState<PanelBadge>(null);
  const loadPanel = useCallback(async () => {
    try {
      const p = await api.call(myPanel);
      setPanel(p.member && p.badge ? { badge: p.badge, moderator: p.moderator } : null);
    } catch {
      setPanel(null); // the badge is decoration: the entry stays
    }
  }, []);
  useEffect(() => {
    if (ready) void loadPanel();
    else setPanel(null);
  }, [ready, loadPanel]);
  useDidShow(() => {
    if (ready) void loadPanel();
  });

  const onLogout = async () => {
    await logout();
    void Taro.showToast({ title: '已退出登录', icon: 'none' });
  };

  return (
    <View className="page" data-testid="page-me">
      <View className="card">
        {member ? (
          <>
            <View className="link-row" data-testid="me-profile-link" onClick={() => void Taro.navigateTo({ url: ROUTES.profileEdit })}>
              <View style={{ display: 'flex', alignItems: 'center', gap: '16px' }}>
                {member.avatarUrl ? (
                  <Image
                    data-testid="me-avatar"
                    src={abs(member.avatarUrl)}
                    mode="aspectFill"
                    style={{ width: '96px', height: '96px', borderRadius: '48px' }}
                  />
                ) : (
                  <View style={{ width: '96px', height: '96px', borderRadius: '48px', background: '#efe9df' }} />
                )}
                <View>
                  <Text className="card-title" data-testid="me-nickname">
                    {member.nickname || '未设置昵称'}
                  </Text>
                  {panel && (
                    <View>
                      <Text className="badge" data-testid="me-panel-badge">
                        🏅 {panel.badge}
                        {panel.moderator ? ' · 群管理员' : ''}
                      </Text>
                    </View>
                  )}
                </View>
              </View>
              <Text className="chevron">{member.nickname ? '编辑资料 ›' : '设置头像和昵称 ›'}</Text>
            </View>
            <View className="row">
              <Text className="row-label">会员等级</Text>
              <Text className="row-value" data-testid="me-tier">
                {member.tier}
              </Text>
            </View>
            <View className="row">
              <Text className="row-label">常去门店</Text>
              <Text className="row-value" data-testid="me-store">
                {member.storeName ?? '未选择'}
              </Text>
            </View>
          </>
        ) : (
          <>
            <Text className="card-title">{session.status === 'loading' || session.status === 'idle' ? '正在登录…' : '还没有登录'}</Text>
            {session.error && <Text className="error-text">{session.error}</Text>}
            {session.status !== 'loading' && session.status !== 'idle' && (
              <Button
                className="btn-primary"
                data-testid="me-login"
                onClick={() => {
                  if (session.status === 'needs-consent' || session.status === 'declined') openConsent();
                  else ensureLogin().catch(showError);
                }}
              >
                登录
              </Button>
            )}
          </>
        )}
      </View>

      {/* 意见箱 and 你说我改 (feedback subpackage) */}
      <View className="card">
        <View className="link-row" data-testid="me-feedback-link" onClick={() => void Taro.navigateTo({ url: ROUTES.feedbackBox })}>
          <Text>意见箱</Text>
          <Text className="chevron">评价 / 建议 / 你说我改 ›</Text>
        </View>
      </View>
      {member && (
        <View className="card" data-testid="me-hub">
          {HUB_ENTRIES.map((e) => (
            <View key={e.key} className="link-row" data-testid={`me-${e.key}-link`} onClick={() => void Taro.navigateTo({ url: e.url })}>
              <View>
                <Text>{e.title}</Text>
                {e.key === 'panel' && panel && <Text className="badge">🏅 已加入</Text>}
                <View>
                  <Text className="muted">{e.key === 'panel' && panel ? `你的徽章：${panel.badge}；新品试吃和评测` : e.text}</Text>
                </View>
              </View>
              <Text className="chevron">›</Text>
            </View>
          ))}
        </View>
      )}

      <View className="card">
        {member && (
          <View className="link-row" data-testid="me-member-code-link" onClick={() => void Taro.navigateTo({ url: ROUTES.memberCode })}>
            <Text>会员码</Text>
            <Text className="chevron">结账时出示 ›</Text>
          </View>
        )}
        {member && (
          <View className="link-row" data-testid="me-purchases-link" onClick={() => void Taro.navigateTo({ url: ROUTES.myPurchases })}>
            <Text>我的消费</Text>
            <Text className="chevron">›</Text>
          </View>
        )}
        {member && (
          <View className="link-row" data-testid="me-mydata-link" onClick={() => void Taro.navigateTo({ url: ROUTES.myData })}>
            <Text>我的数据</Text>
            <Text className="chevron">查看 / 导出 / 注销 ›</Text>
          </View>
        )}
        <View className="link-row" data-testid="me-privacy-link" onClick={() => void Taro.navigateTo({ url: ROUTES.consent })}>
          <Text>隐私保护指引</Text>
          <Text className="chevron">›</Text>
        </View>
      </View>

      {member && (
        <Button className="btn-plain" data-testid="me-logout" onClick={onLogout}>
          退出登录
        </Button>
      )}
    </View>
  );
}
