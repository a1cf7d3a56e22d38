/**
 * 常去门店: the stores, nearest first when the member lets us use the location (wx.getLocation,
 * asked only on the tap and used only for this sort — it is not stored), or chosen from the list.
 */
import { useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { listStores, setHomeStore, type StoreOption } from '@contracts/household';
import { api } from '../../../api/client';
import { showError } from '../../../api/errors';
import { updateMember } from '../../../api/session';
import { useRemote } from '../../../api/useRemote';
import { useSession } from '../../../api/useSession';
import RemoteFrame from '../../../components/RemoteFrame';
import '../profile.css';

function distanceText(m: number | null): string {
  if (m === null) return '';
  return m < 1000 ? `${m} 米` : `${(m / 1000).toFixed(1)} 公里`;
}

export default function HomeStorePage() {
  const session = useSession({ autoLogin: true });
  // where the member is, once they asked to sort by distance (used for that one list only)
  const [at, setAt] = useState<{ lat: number; lng: number } | null>(null);
  const remote = useRemote(async (): Promise<StoreOption[]> => (await api.call(listStores, { query: at ?? {} })).items, [at], {
    enabled: session.status === 'ready',
  });
  const [locating, setLocating] = useState(false);
  const [sorted, setSorted] = useState(false);

  const nearest = async () => {
    setLocating(true);
    try {
      const loc = await Taro.getLocation({ type: 'gcj02' });
      setAt({ lat: loc.latitude, lng: loc.longitude });
      setSorted(true);
    } catch {
      void Taro.showToast({ title: '没有获取到位置，请在列表中选择', icon: 'none' });
    } finally {
      setLocating(false);
    }
  };

  const choose = async (s: StoreOption) => {
    try {
      updateMember(await api.call(setHomeStore, { body: { storeId: s.id } }));
      void Taro.showToast({ title: `常去门店：${s.name}`, icon: 'none' });
      setTimeout(() => void Taro.navigateBack().catch(() => undefined), 600);
    } catch (err) {
      showError(err);
    }
  };

  const current = session.member?.storeId ?? null;
  return (
    <View className="page" data-testid="page-home-store">
      <View className="card">
        <Text className="muted">选择你最常去的门店，首页会显示这家店的活动和课程。</Text>
        <Button className="btn-plain" data-testid="store-nearest" loading={locating || undefined} onClick={() => void nearest()}>
          按距离排序（使用我的位置）
        </Button>
        <Text className="muted">位置只用于这次排序，不会保存。</Text>
      </View>
      <RemoteFrame remote={remote}>
        {(stores) => (
          <View className="card">
            {stores.map((s, i) => (
              <View key={s.id} className="link-row" data-testid={`store-option-${s.id}`} onClick={() => void choose(s)}>
                <View>
                  <Text>{s.name}</Text>
                  {current === s.id && <Text className="badge">当前</Text>}
                  {sorted && i === 0 && s.distanceM !== null && <Text className="badge">离你最近</Text>}
                  <View>
                    <Text className="muted">{[s.address, distanceText(s.distanceM)].filter(Boolean).join(' · ')}</Text>
                  </View>
                </View>
                <Text className="chevron">选择 ›</Text>
              </View>
            ))}
          </View>
        )}
      </RemoteFrame>
    </View>
  );
}
