/**
 * 会员码: a barcode + QR shown at the till. The code changes every minute (a fresh one from the
 * server; each is valid for 90 s there), so a photo of it is useless a minute later. The digits
 * are shown too, for a clerk to type when the scanner fails.
 */
import { useEffect, useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidHide, useDidShow } from '@tarojs/taro';
import { memberCode, MEMBER_CODE_ROTATE_SECONDS } from '@contracts/purchases';
import { api } from '../../../api/client';
import { ensureLogin, openConsent } from '../../../api/session';
import { useRemote } from '../../../api/useRemote';
import { useSession } from '../../../api/useSession';
import RemoteFrame from '../../../components/RemoteFrame';
import Barcode from '../components/Barcode';
import PhoneBind from '../components/PhoneBind';
import QrCode from '../components/QrCode';
import '../wallet.css';

export default function MemberCodePage() {
  const session = useSession({ autoLogin: true });
  const ready = session.status === 'ready';
  const [visible, setVisible] = useState(true);
  const [left, setLeft] = useState(MEMBER_CODE_ROTATE_SECONDS);
  // loaded when shown (and signed in), then rotated every minute while the page stays visible
  const code = useRemote(() => api.call(memberCode), [], { enabled: ready && visible });
  const { reload } = code;

  useEffect(() => {
    if (code.data) setLeft(code.data.rotateSeconds);
  }, [code.data]);

  useDidShow(() => setVisible(true));
  useDidHide(() => setVisible(false));

  useEffect(() => {
    if (!ready || !visible) return;
    const rotate = setInterval(() => void reload(), MEMBER_CODE_ROTATE_SECONDS * 1000);
    const tick = setInterval(() => setLeft((s) => Math.max(0, s - 1)), 1000);
    // brighter screens scan better; only where the API exists
    if (process.env.TARO_ENV === 'weapp') Taro.setScreenBrightness({ value: 1 }).catch(() => undefined);
    return () => {
      clearInterval(rotate);
      clearInterval(tick);
    };
  }, [ready, visible, reload]);

  if (!ready) {
    const needsConsent = session.status === 'needs-consent' || session.status === 'declined';
    return (
      <View className="wallet-page">
        <View className="wallet-card">
          <Text className="wallet-title">登录后出示会员码</Text>
          {session.status !== 'loading' && session.status !== 'idle' && (
            <Button className="btn-primary" onClick={() => (needsConsent ? openConsent() : ensureLogin().catch(() => undefined))}>
              {needsConsent ? '阅读隐私保护指引' : '登录'}
            </Button>
          )}
        </View>
      </View>
    );
  }

  return (
    <View className="wallet-page" data-testid="member-code-page">
      <View className="wallet-card">
        <Text className="wallet-title">结账时出示，消费自动记入「我的消费」</Text>
        <RemoteFrame remote={code} loadingText="正在生成会员码…" loadingClassName="wallet-muted">
          {({ code: digits }) => (
            <>
              <Barcode text={digits} testId="member-barcode" />
              <Text className="wallet-digits" data-testid="member-code-digits">
                {digits.replace(/(\d{4})(?=\d)/g, '$1 ')}
              </Text>
              <QrCode text={digits} testId="member-qr" />
              <Text className="wallet-muted">每分钟自动更新（{left} 秒后刷新），截图无效</Text>
            </>
          )}
        </RemoteFrame>
        <Button className="btn-plain wallet-btn" onClick={() => void reload()}>
          刷新
        </Button>
      </View>
      <View className="wallet-card">
        <PhoneBind />
      </View>
    </View>
  );
}
