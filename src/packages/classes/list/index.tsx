/**
 * Sessions by date and store: a 14-day date strip (or all of them), store and type chips, and one
 * card per session with the seats left (adults / children), the waitlist and the member's own status.
 */
import { useEffect, useMemo, useState } from 'react';
import { Image, ScrollView, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { browseSessions, CLASS_TYPES, listClassStores, myStanding, type ClassType, type MemberStanding, type SessionCard } from '@contracts/classes';
import type { RouteResponse } from '@contracts/route';
import { api } from '../../../api/client';
import { ROUTES } from '../../../api/routes';
import { useRemote } from '../../../api/useRemote';
import { useSession } from '../../../api/useSession';
import RemoteFrame from '../../../components/RemoteFrame';
import { ChoiceChips } from '../../../components/ChoiceChips';
import LoginGate from '../components/LoginGate';
import { addDays, clock, dayChip, dayTitle, isFull, priceText, seatsText, statusLabel, typeLabel, ymdOf } from '../shared/format';
import '../classes.css';

type Store = RouteResponse<typeof listClassStores>['items'][number];

const DAYS = 14;

export default function ClassListPage() {
  const session = useSession({ autoLogin: true });
  const ready = session.status === 'ready';
  const today = useMemo(() => ymdOf(), []);
  const days = useMemo(() => Array.from({ length: DAYS }, (_, i) => addDays(today, i)), [today]);
  const [day, setDay] = useState<string | null>(null);
  const [storeId, setStoreId] = useState<number | null>(null);
  const [type, setType] = useState<ClassType | null>(null);
  const [stores, setStores] = useState<Store[]>([]);
  const [standing, setStanding] = useState<MemberStanding | null>(null);
  // Back from a registration (everyShow): seats and "my status" may have changed.
  const remote = useRemote(
    async (): Promise<SessionCard[]> => {
      const res = await api.call(browseSessions, {
        query: { from: day ?? today, days: day ? 1 : DAYS, storeId: storeId ?? undefined, type: type ?? undefined },
      });
      return res.items;
    },
    [day, storeId, type, today],
    { enabled: ready, everyShow: true },
  );
  const items = remote.data;

  useEffect(() => {
    if (!ready) return;
    // Filters and standing are extras: the list still works when they fail.
    api.call(listClassStores).then(
      (res) => setStores(res.items),
      () => undefined,
    );
    api.call(myStanding).then(setStanding, () => undefined);
  }, [ready]);

  const groups = useMemo(() => {
    const out: Array<{ day: string; items: SessionCard[] }> = [];
    for (const s of items ?? []) {
      const d = ymdOf(s.startsAt);
      const last = out[out.length - 1];
      if (last && last.day === d) last.items.push(s);
      else out.push({ day: d, items: [s] });
    }
    return out;
  }, [items]);

  if (!ready) {
    return (
      <View className="page" data-testid="page-class-list">
        <LoginGate session={session} />
      </View>
    );
  }

  return (
    <View className="page" data-testid="page-class-list">
      {standing?.blocked && (
        <View className="notice notice-warn" data-testid="classes-blocked">
          <Text className="notice-title">暂时不能报名</Text>
          <Text>{standing.reason ?? '近期多次报名未到场，暂时不能报名'}</Text>
        </View>
      )}

      <View className="toolbar">
        <Text className="muted">近两周的课程和活动</Text>
        <Text className="link" data-testid="classes-mine-link" onClick={() => void Taro.navigateTo({ url: ROUTES.classMine })}>
          我的活动 ›
        </Text>
      </View>

      {stores.length > 0 && (
        <ChoiceChips<number | null>
          scroll
          testId="store-chips"
          choices={[{ value: null, label: '全部门店' }, ...stores.map((s) => ({ value: s.id, label: s.name }))]}
          value={storeId}
          onChoose={setStoreId}
          chipTestId={(id) => `store-chip-${id ?? 'all'}`}
        />
      )}

      <ChoiceChips<ClassType | null>
        scroll
        testId="type-chips"
        choices={[{ value: null, label: '全部类型' }, ...CLASS_TYPES.map((t) => ({ value: t, label: typeLabel(t) }))]}
        value={type}
        onChoose={setType}
        chipTestId={(t) => `type-chip-${t ?? 'all'}`}
      />

      <ScrollView scrollX className="days" data-testid="day-strip">
        <View className={`day${day === null ? ' day-on' : ''}`} data-testid="day-all" onClick={() => setDay(null)}>
          <Text className="day-top">全部</Text>
          <Text className="day-bottom">两周内</Text>
        </View>
        {days.map((d) => {
          const chip = dayChip(d, today);
          return (
            <View key={d} className={`day${day === d ? ' day-on' : ''}`} data-testid={`day-${d}`} onClick={() => setDay(d)}>
              <Text className="day-top">{chip.top}</Text>
              <Text className="day-bottom">{chip.bottom}</Text>
            </View>
          );
        })}
      </ScrollView>

      <RemoteFrame
        remote={remote}
        errorTestId="classes-error"
        loadingClassName="muted center-text"
        isEmpty={(list) => list.length === 0}
        empty={
          <View className="card empty" data-testid="classes-empty">
            <Text>{day ? `${dayTitle(day)}没有安排活动` : '近两周还没有安排活动'}</Text>
            <Text className="muted">换个日期或门店看看吧</Text>
          </View>
        }
      >
        {() =>
          groups.map((g) => (
            <View key={g.day} data-testid={`day-group-${g.day}`}>
              <Text className="group-title">{dayTitle(g.day)}</Text>
              {g.items.map((s) => (
                <SessionItem key={s.id} s={s} />
              ))}
            </View>
          ))
        }
      </RemoteFrame>
    </View>
  );
}

function SessionItem({ s }: { s: SessionCard }) {
  const mine = s.myRegistration;
  const full = isFull(s);
  return (
    <View className="card session-card" data-testid={`session-card-${s.id}`} onClick={() => void Taro.navigateTo({ url: `${ROUTES.classDetail}?id=${s.id}` })}>
      {s.coverUrl && <Image className="session-cover" src={s.coverUrl} mode="aspectFill" />}
      <View className="session-head">
        <Text className="session-title">{s.title}</Text>
        <Text className={`type-tag type-${s.type}`}>{typeLabel(s.type)}</Text>
      </View>
      <Text className="session-line">
        {clock(s.startsAt)}–{clock(s.endsAt)} · {s.storeName ?? '门店'}
        {s.room ? ` ${s.room}` : ''}
      </Text>
      <Text className="session-line muted">
        {s.hostName} · {priceText(s.priceFen)}
        {s.isSeries ? ' · 系列活动' : ''}
      </Text>
      <View className="session-foot">
        <Text className={full ? 'seats seats-full' : 'seats'} data-testid={`session-seats-${s.id}`}>
          {seatsText(s)}
          {s.waitlistCount > 0 ? ` · ${s.waitlistCount}户候补中` : ''}
        </Text>
        {mine ? (
          <Text className={`status-tag status-${mine.status}`} data-testid={`session-mine-${s.id}`}>
            {mine.status === 'waitlisted' && mine.waitlistPosition ? `候补第${mine.waitlistPosition}位` : statusLabel(mine.status)}
          </Text>
        ) : !s.registrationOpen ? (
          <Text className="status-tag status-closed">报名已截止</Text>
        ) : full ? (
          <Text className="status-tag status-waitlisted">可候补</Text>
        ) : null}
      </View>
    </View>
  );
}
