import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { ensureLogin, openConsent } from '../../api/session';
import { useSession } from '../../api/useSession';
import { ROUTES } from '../../api/routes';
import HubSections from './HubSections';
import { shanghaiParts } from '@contracts/calendar';

function greetingWord(now = new Date()): string {
  // Hour in Asia/Shanghai regardless of the device's zone.
  const { hour } = shanghaiParts(now);
  if (hour < 5) return '夜深了';
  if (hour < 11) return '早上好';
  if (hour < 13) return '中午好';
  if (hour < 18) return '下午好';
  return '晚上好';
}

const FEATURES = [
  { title: '菜谱与传家菜大赛', text: '今晚吃什么、宝宝营养餐、获奖的拿手菜', url: ROUTES.recipes, live: true },
  { title: '社区课程', text: '门店里的烹饪和生活课', url: ROUTES.classes, live: true },
  { title: '年夜饭预订', text: '预订年夜饭，到店自提', url: ROUTES.nye, live: true },
];

export default function HomePage() {
  const session = useSession({ autoLogin: true });
  const member = session.member;

  return (
    <View className="page" data-testid="page-home">
      <View className="hero" data-testid="home-greeting">
        <Text className="hero-title">
          {greetingWord()}，{member ? member.nickname || '邻居' : '邻居'}
        </Text>
        <Text className="hero-sub">
          {member
            ? member.storeName
              ? `常去门店：${member.storeName}`
              : '还没有选择常去门店'
            : session.status === 'loading' || session.status === 'idle'
              ? '正在登录…'
              : '登录后可查看会员信息'}
        </Text>
      </View>

      {(session.status === 'needs-consent' || session.status === 'declined' || session.status === 'signed-out') && (
        <View className="card">
          <Text className="card-title">还没有登录</Text>
          <Text className="muted">阅读并同意《隐私保护指引》后即可成为会员。</Text>
          <Button
            className="btn-primary"
            data-testid="home-login"
            onClick={() => (session.status === 'signed-out' ? ensureLogin().catch(() => undefined) : openConsent())}
          >
            {session.status === 'signed-out' ? '登录' : '阅读隐私保护指引'}
          </Button>
        </View>
      )}

      {session.status === 'error' && (
        <View className="card">
          <Text className="error-text">{session.error}</Text>
          <Button className="btn-plain" onClick={() => ensureLogin().catch(() => undefined)}>
            重试
          </Button>
        </View>
      )}

      {member && (
        <View className="card" data-testid="home-member">
          <Text className="card-title">会员信息</Text>
          <View className="row">
            <Text className="row-label">会员等级</Text>
            <Text className="row-value">{member.tier}</Text>
          </View>
          <View className="row">
            <Text className="row-label">常去门店</Text>
            <Text className="row-value">{member.storeName ?? '未选择'}</Text>
          </View>
          <Button className="btn-primary" data-testid="home-member-code" onClick={() => void Taro.navigateTo({ url: ROUTES.memberCode })}>
            出示会员码
          </Button>
        </View>
      )}

      <HubSections ready={session.status === 'ready'} />

      <View className="card">
        <Text className="card-title">门店活动</Text>
        {FEATURES.map((f) => (
          <View key={f.title} className="link-row" onClick={() => void Taro.switchTab({ url: f.url })}>
            <View>
              <Text>{f.title}</Text>
              {!f.live && <Text className="badge">即将上线</Text>}
              <View>
                <Text className="muted">{f.text}</Text>
              </View>
            </View>
            <Text className="chevron">›</Text>
          </View>
        ))}
      </View>
    </View>
  );
}
