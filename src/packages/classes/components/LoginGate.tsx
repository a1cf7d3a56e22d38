import { Button, Text, View } from '@tarojs/components';
import { ensureLogin, openConsent, type SessionState } from '../../../api/session';

/**
 * What a classes page shows while nobody is signed in: a sign-in in progress, or the way back
 * (the privacy guide for new members, 登录 after 退出登录), or the error.
 */
export default function LoginGate({ session }: { session: SessionState }) {
  if (session.status === 'idle' || session.status === 'loading') {
    return <Text className="muted center-text">正在登录…</Text>;
  }
  const needsConsent = session.status === 'needs-consent' || session.status === 'declined';
  return (
    <View className="card" data-testid="classes-login">
      <Text className="card-title">登录后即可报名课程和活动</Text>
      {session.status === 'error' && session.error && <Text className="error-text">{session.error}</Text>}
      <Button className="btn-primary" onClick={() => (needsConsent ? openConsent() : ensureLogin().catch(() => undefined))}>
        {needsConsent ? '阅读隐私保护指引' : '登录'}
      </Button>
    </View>
  );
}
