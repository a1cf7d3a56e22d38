/**
 * 绑定手机号 for members who signed in with wx.login only: WeChat's phone-number button gives a
 * one-time code, the server exchanges it (getuserphonenumber) and till receipts where the member
 * gave that number — past ones too — count in 「我的消费」. Optional: nothing else waits for it.
 * In the h5 preview the local simulator stands in for the WeChat dialog.
 */
import { useEffect, useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { bindMyPhone, getMyPhone, type MyPhone } from '@contracts/identity';
import { publicConfig } from '@contracts/system';
import { api, taroTransport } from '../../../api/client';
import { errorMessage } from '../../../api/errors';
import { getDevOpenid } from '../../../api/session';

async function simulatorPhoneCode(): Promise<string | null> {
  const config = await api.call(publicConfig);
  if (!config.simulator) return null;
  const res = await taroTransport({
    method: 'POST',
    url: `${config.simulator.baseUrl}/__sim/wechat/phone-codes`,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ openid: getDevOpenid() }),
  });
  const code = (res.data as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : null;
}

export default function PhoneBind() {
  const [phone, setPhone] = useState<MyPhone | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.call(getMyPhone).then(setPhone, () => setPhone(null));
  }, []);

  const bind = async (code: string | null | undefined) => {
    if (!code) return; // the member closed the dialog: nothing to do
    setBusy(true);
    try {
      setPhone(await api.call(bindMyPhone, { body: { code } }));
      void Taro.showToast({ title: '已绑定，门店小票会记入我的消费', icon: 'none' });
    } catch (err) {
      void Taro.showToast({ title: errorMessage(err), icon: 'none' });
    } finally {
      setBusy(false);
    }
  };

  if (!phone) return null;
  if (phone.bound) {
    return (
      <Text className="wallet-muted" data-testid="phone-bound">
        已绑定手机 {phone.phoneMasked}，报手机号结账也会记入「我的消费」
      </Text>
    );
  }
  return (
    <View className="wallet-phone" data-testid="phone-bind">
      <Text className="wallet-muted">没带会员码也能记账：绑定手机号后，结账时报手机号的小票（包括以前的）都会记入「我的消费」</Text>
      {process.env.TARO_ENV === 'weapp' ? (
        <Button
          className="btn-plain wallet-btn"
          openType="getPhoneNumber"
          disabled={busy}
          onGetPhoneNumber={(e) => void bind((e.detail as { code?: string }).code)}
        >
          绑定手机号
        </Button>
      ) : (
        <Button className="btn-plain wallet-btn" data-testid="phone-bind-button" disabled={busy} onClick={() => void simulatorPhoneCode().then(bind)}>
          绑定手机号
        </Button>
      )}
    </View>
  );
}
