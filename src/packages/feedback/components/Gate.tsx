import { Button, Text, View } from '@tarojs/components';
import { ensureLogin, openConsent, type SessionState } from '../../../api/session';

/** While nobody is signed in: the sign-in in progress, or the way back (privacy guide / 登录). */
export default function Gate({ session }: { session: SessionState }) {
  if (session.status === 'idle' || session.status === 'loading') return <Text className="muted">正在登录…</Text>;
  const needsConsent = session.status === 'needs-consent' || session.status === 'declined';
  return (
    <View className="card" data-testid="feedback-login">
      <Text className="card-title">登录后即可提交意见</Text>
      {session.status === 'error' && session.error && <Text className="error-text">{session.error}</Text>}
      <Button className="btn-primary" onClick={() => (needsConsent ? openConsent() : ensureLogin().catch(() => undefined))}>
        {needsConsent ? '阅读隐私保护指引' : '登录'}
      </Button>
    </View>
  );
}
