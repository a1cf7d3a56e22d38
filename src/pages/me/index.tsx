import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { ROUTES } from '../../api/routes';
import { ensureLogin, logout, openConsent } from '../../api/session';
import { useSession } from '../../api/useSession';
import { showError } from '../../api/errors';

export default function MePage() {
  const session = useSession({ autoLogin: true });
  const member = session.member;

  const onLogout = async () => {
    await logout();
    void Taro.showToast({ title: '已退出登录', icon: 'none' });
  };

  return (
    <View className="page" data-testid="page-me">
      <View className="card">
        {member ? (
          <>
            <Text className="card-title" data-testid="me-nickname">
              {member.nickname || '未设置昵称'}
            </Text>
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
