/**
 * 会员码: a barcode + QR shown at the till. The code changes every minute (a fresh one from the
 * server; each is valid for 90 s there), so a photo of it is useless a minute later. The digits
 * are shown too, for a clerk to type when the scanner fails.
 */
import { useCallback, useEffect, useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidHide, useDidShow } from '@tarojs/taro';
import { memberCode, MEMBER_CODE_ROTATE_SECONDS } from '@contracts/purchases';
import { api } from '../../../api/client';
import { errorMessage } from '../../../api/errors';
import { ensureLogin, openConsent } from '../../../api/session';
import { useSession } from '../../../api/useSession';
import Barcode from '../components/Barcode';
import PhoneBind from '../components/PhoneBind';
import QrCode from '../components/QrCode';
import '../wallet.css';

export default function MemberCodePage() {
  const session = useSession({ autoLogin: true });
  const ready = session.status === 'ready';
  const [code, setCode] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [visible, setVisible] = useState(true);
  const [left, setLeft] = useState(MEMBER_CODE_ROTATE_SECONDS);

  const refresh = useCallback(async () => {
    try {
      const r = await api.call(memberCode);
      setCode(r.code);
      setLeft(r.rotateSeconds);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  useDidShow(() => setVisible(true));
  useDidHide(() => setVisible(false));

  useEffect(() => {
    if (!ready || !visible) return;
    void refresh();
    const rotate = setInterval(() => void refresh(), MEMBER_CODE_ROTATE_SECONDS * 1000);
    const tick = setInterval(() => setLeft((s) => Math.max(0, s - 1)), 1000);
    // brighter screens scan better; only where the API exists
    if (process.env.TARO_ENV === 'weapp') Taro.setScreenBrightness({ value: 1 }).catch(() => undefined);
    return () => {
      clearInterval(rotate);
      clearInterval(tick);
    };
  }, [ready, visible, refresh]);

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
        {code ? (
          <>
            <Barcode text={code} testId="member-barcode" />
            <Text className="wallet-digits" data-testid="member-code-digits">
              {code.replace(/(\d{4})(?=\d)/g, '$1 ')}
            </Text>
            <QrCode text={code} testId="member-qr" />
            <Text className="wallet-muted">每分钟自动更新（{left} 秒后刷新），截图无效</Text>
          </>
        ) : (
          <Text className="wallet-muted">{error ?? '正在生成会员码…'}</Text>
        )}
        <Button className="btn-plain wallet-btn" onClick={() => void refresh()}>
          刷新
        </Button>
      </View>
      <View className="wallet-card">
        <PhoneBind />
      </View>
    </View>
  );
}
