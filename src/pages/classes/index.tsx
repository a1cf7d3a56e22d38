import { useCallback, useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { browseSessions, type SessionCard } from '@contracts/classes';
import { api } from '../../api/client';
import { ROUTES } from '../../api/routes';
import { useSession } from '../../api/useSession';
import { formatShanghai } from '../../utils/time';

/**
 * The 课程 tab: the way into the classes subpackage. It stays a few lines of navigation so the
 * main package carries none of the classes code (contracts, QR encoder, forms).
 */
const ENTRIES = [
  { key: 'list', title: '近期课程与活动', text: '共享厨房课、亲子活动、社区小仪式，按日期和门店查看余位', url: ROUTES.classList },
  { key: 'mine', title: '我的活动', text: '签到码、候补进度、取消报名和课后评价', url: ROUTES.classMine },
];

/** The tab opens on the coming sessions (the full list with filters is one tap further). */
function ComingSessions({ ready }: { ready: boolean }) {
  const [items, setItems] = useState<SessionCard[] | null>(null);
  const load = useCallback(async () => {
    try {
      setItems((await api.call(browseSessions, { query: { days: 14 } })).items.filter((s) => s.status === 'scheduled').slice(0, 8));
    } catch {
      setItems(null); // the entries below still lead to the full list
    }
  }, []);
  useEffect(() => {
    if (ready) void load();
  }, [ready, load]);
  useDidShow(() => {
    if (ready) void load();
  });
  if (!items) return null;
  return (
    <View className="card" data-testid="classes-coming">
      <Text className="card-title">近期课程</Text>
      {items.length === 0 && <Text className="muted">近两周还没有排课，新课程排好后会出现在这里。</Text>}
      {items.map((c) => (
        <View
          key={c.id}
          className="link-row"
          data-testid={`classes-coming-${c.id}`}
          onClick={() => void Taro.navigateTo({ url: `${ROUTES.classDetail}?id=${c.id}` })}
        >
          <View>
            <Text>{c.title}</Text>
            {c.myRegistration && <Text className="badge">{c.myRegistration.status === 'waitlisted' ? '候补中' : '已报名'}</Text>}
            <View>
              <Text className="muted">
                {formatShanghai(c.startsAt)} · {c.storeName ?? ''} · {c.registrationOpen ? `余 ${c.adultSeatsLeft} 位` : '报名已截止'}
              </Text>
            </View>
          </View>
          <Text className="chevron">›</Text>
        </View>
      ))}
    </View>
  );
}

export default function ClassesPage() {
  const session = useSession({ autoLogin: true });
  return (
    <View className="page" data-testid="page-classes">
      <View className="hero">
        <Text className="hero-title">社区课程</Text>
        <Text className="hero-sub">在家门口的门店里，学一手好菜</Text>
      </View>
      <ComingSessions ready={session.status === 'ready'} />
      <View className="card">
        {ENTRIES.map((e) => (
          <View key={e.key} className="link-row" data-testid={`classes-entry-${e.key}`} onClick={() => void Taro.navigateTo({ url: e.url })}>
            <View>
              <Text>{e.title}</Text>
              <View>
                <Text className="muted">{e.text}</Text>
              </View>
            </View>
            <Text className="chevron">›</Text>
          </View>
        ))}
      </View>
      <View className="card">
        <Text className="card-title">报名须知</Text>
        <Text className="bullet">· 以家庭为单位报名，亲子活动请填写孩子年龄</Text>
        <Text className="bullet">· 满员后可排队候补，有名额空出会按顺序自动补上</Text>
        <Text className="bullet">· 到店出示签到码，或扫描现场的签到二维码</Text>
        <Text className="bullet">· 不能参加请提前取消，多次报名未到场会暂停报名一段时间</Text>
      </View>
    </View>
  );
}
