import { useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { CURRENT_PRIVACY_VERSION } from '@contracts/identity';
import { ROUTES } from '../../../api/routes';
import { agreeAndLogin, declineConsent } from '../../../api/session';
import { useSession } from '../../../api/useSession';
import { AGREE_BUTTON_ID, settlePrivacy } from '../../../api/privacy';
import { showError } from '../../../api/errors';
import { POLICY_INTRO, POLICY_SECTIONS, POLICY_TITLE } from '../policy';
import './index.css';

export default function ConsentPage() {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const member = session.member;
  const alreadyAgreed = !!member && member.consentVersion === CURRENT_PRIVACY_VERSION;

  const onAgree = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await agreeAndLogin();
      void Taro.showToast({ title: '欢迎加入', icon: 'success' });
      void Taro.switchTab({ url: ROUTES.home });
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };

  const onDecline = () => {
    settlePrivacy(false);
    declineConsent();
  };

  return (
    <View className="page" data-testid="page-consent">
      <View className="card">
        <Text className="card-title" data-testid="consent-title">
          {POLICY_TITLE}
        </Text>
        <Text className="muted">版本 {CURRENT_PRIVACY_VERSION}</Text>
        <Text className="policy-paragraph">{POLICY_INTRO}</Text>
        {POLICY_SECTIONS.map((section) => (
          <View key={section.title} className="policy-section">
            <Text className="policy-title">{section.title}</Text>
            {section.paragraphs.map((p) => (
              <Text key={p} className="policy-paragraph">
                {p}
              </Text>
            ))}
          </View>
        ))}
      </View>

      {session.status === 'declined' ? (
        <View className="card" data-testid="consent-declined">
          <Text className="card-title">您没有同意本指引</Text>
          <Text>我们没有收集您的任何信息。您可以随时回来重新阅读并同意。</Text>
          {process.env.TARO_ENV === 'weapp' && (
            <Button className="btn-plain" onClick={() => void Taro.exitMiniProgram()}>
              退出小程序
            </Button>
          )}
        </View>
      ) : alreadyAgreed ? (
        <View className="card" data-testid="consent-agreed">
          <Text>您已同意本版本的隐私保护指引。如需撤回同意，请前往「我的数据」。</Text>
          <Button className="btn-plain" onClick={() => void Taro.navigateTo({ url: ROUTES.myData })}>
            前往「我的数据」
          </Button>
        </View>
      ) : null}

      {!alreadyAgreed && (
        <View className="consent-actions">
          {session.error && session.status === 'needs-consent' && <Text className="error-text">{session.error}</Text>}
          {/* disabled/loading only when true: Taro h5 styles any [disabled] attribute, even "false". */}
          <Button
            id={AGREE_BUTTON_ID}
            className="btn-primary"
            data-testid="consent-agree"
            openType="agreePrivacyAuthorization"
            onAgreePrivacyAuthorization={() => settlePrivacy(true)}
            loading={busy || undefined}
            disabled={busy || undefined}
            onClick={onAgree}
          >
            同意并继续
          </Button>
          {session.status !== 'declined' && (
            <Button className="btn-plain" data-testid="consent-decline" disabled={busy || undefined} onClick={onDecline}>
              不同意
            </Button>
          )}
        </View>
      )}
    </View>
  );
}
