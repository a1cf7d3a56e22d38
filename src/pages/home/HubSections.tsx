/**
 * 首页 sections of the member hub: banners and this week's highlights ops manage per store, the
 * member's next class and next pickup, and a personalised recipe strip (each with its reason).
 */
import { useCallback, useEffect, useState } from 'react';
import { Image, Swiper, SwiperItem, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { myRegistrations } from '@contracts/classes';
import { myNextPickup } from '@contracts/preorder';
import { homeFeed, myRecommendations, type HomeCard } from '@contracts/recipes';
import type { RouteResponse } from '@contracts/route';
import { api, apiBase } from '../../api/client';
import { ROUTES } from '../../api/routes';
import { formatShanghai } from '../../utils/time';

type Feed = RouteResponse<typeof homeFeed>;
type NextClass = RouteResponse<typeof myRegistrations>['items'][number];
type Rec = RouteResponse<typeof myRecommendations>['items'][number];
type Order = NonNullable<RouteResponse<typeof myNextPickup>['order']>;

const abs = (url: string) => (/^https?:\/\//.test(url) ? url : `${apiBase}${url}`);

/** Where a banner leads (ops choose the kind and the id). */
function open(card: HomeCard) {
  const id = card.linkId;
  switch (card.linkType) {
    case 'recipe':
      if (id) void Taro.navigateTo({ url: `${ROUTES.recipeDetail}?id=${id}` });
      return;
    case 'collection':
      if (id) void Taro.navigateTo({ url: `${ROUTES.recipeList}?collection=${id}` });
      return;
    case 'class_session':
      if (id) void Taro.navigateTo({ url: `${ROUTES.classDetail}?id=${id}` });
      return;
    case 'contest':
      if (id) void Taro.navigateTo({ url: `${ROUTES.contestHome}?id=${id}` });
      return;
    default:
  }
}

export default function HubSections({ ready }: { ready: boolean }) {
  const [feed, setFeed] = useState<Feed | null>(null);
  const [next, setNext] = useState<NextClass | null | undefined>(undefined);
  const [recs, setRecs] = useState<Rec[]>([]);
  const [order, setOrder] = useState<Order | null>(null);

  const load = useCallback(async () => {
    // each section stands alone: one failing leaves the others on the page
    const [f, n, r, o] = await Promise.allSettled([
      api.call(homeFeed),
      api.call(myRegistrations, { query: { scope: 'upcoming', page: 1, pageSize: 1 } }),
      api.call(myRecommendations, { query: { limit: 6 } }),
      // the pre-order module's member read: the paid order whose pickup window comes next
      api.call(myNextPickup),
    ]);
    if (f.status === 'fulfilled') setFeed(f.value);
    if (n.status === 'fulfilled') setNext(n.value.items[0] ?? null);
    if (r.status === 'fulfilled') setRecs(r.value.items);
    if (o.status === 'fulfilled') setOrder(o.value.order);
  }, []);

  useEffect(() => {
    if (ready) void load();
  }, [ready, load]);
  useDidShow(() => {
    if (ready) void load();
  });

  if (!ready) return null;
  return (
    <>
      {feed && feed.banners.length > 0 && (
        <Swiper
          className="card"
          style={{ height: '300px', padding: 0, overflow: 'hidden' }}
          indicatorDots={feed.banners.length > 1}
          autoplay
          circular
          data-testid="home-banners"
        >
          {feed.banners.map((b) => (
            <SwiperItem key={b.id} onClick={() => open(b)}>
              <View data-testid={`home-banner-${b.id}`} style={{ position: 'relative', height: '300px', background: '#f3e3d3' }}>
                {b.imageUrl && <Image src={abs(b.imageUrl)} mode="aspectFill" style={{ width: '100%', height: '300px' }} />}
                <View style={{ position: 'absolute', left: '24px', bottom: '24px' }}>
                  <Text className="card-title">{b.title}</Text>
                  {b.subtitle && <Text className="muted">{b.subtitle}</Text>}
                </View>
              </View>
            </SwiperItem>
          ))}
        </Swiper>
      )}

      {feed && feed.highlights.length > 0 && (
        <View className="card" data-testid="home-highlights">
          <Text className="card-title">本周推荐</Text>
          {feed.highlights.map((h) => (
            <View key={h.id} className="link-row" data-testid={`home-highlight-${h.id}`} onClick={() => open(h)}>
              <View>
                <Text>{h.title}</Text>
                {h.subtitle && (
                  <View>
                    <Text className="muted">{h.subtitle}</Text>
                  </View>
                )}
              </View>
              {h.linkType !== 'none' && <Text className="chevron">›</Text>}
            </View>
          ))}
        </View>
      )}

      <View className="card" data-testid="home-next-class">
        <Text className="card-title">我的下一节课</Text>
        {next ? (
          <View className="link-row" onClick={() => void Taro.navigateTo({ url: ROUTES.classMine })}>
            <View>
              <Text>{next.session.title}</Text>
              <View>
                <Text className="muted">
                  {formatShanghai(next.session.startsAt)} · {next.status === 'waitlisted' ? `候补第 ${next.waitlistPosition ?? '-'} 位` : '已报名'}
                </Text>
              </View>
            </View>
            <Text className="chevron">›</Text>
          </View>
        ) : (
          <View className="link-row" onClick={() => void Taro.switchTab({ url: ROUTES.classes })}>
            <Text className="muted">{next === null ? '还没有报名课程，去看看近期的课' : '正在加载…'}</Text>
            <Text className="chevron">›</Text>
          </View>
        )}
      </View>

      {order && (
        <View className="card" data-testid="home-next-order">
          <Text className="card-title">待自提订单</Text>
          <View className="link-row" onClick={() => void Taro.navigateTo({ url: ROUTES.nyeOrders })}>
            <View>
              <Text>{order.lines.map((l) => `${l.name}×${l.qty}`).join('、')}</Text>
              <View>
                <Text className="muted">
                  {order.storeName ?? ''} · {formatShanghai(order.slot.startsAt)} 起 · 取货码 {order.pickupCode ?? '—'}
                </Text>
              </View>
            </View>
            <Text className="chevron">›</Text>
          </View>
        </View>
      )}

      {recs.length > 0 && (
        <View className="card" data-testid="home-recommendations">
          <Text className="card-title">为你推荐</Text>
          {recs.map((r) => (
            <View
              key={r.id}
              className="link-row"
              data-testid={`home-rec-${r.id}`}
              onClick={() => void Taro.navigateTo({ url: `${ROUTES.recipeDetail}?id=${r.id}` })}
            >
              <View>
                <Text>{r.title}</Text>
                <View>
                  <Text className="muted">
                    {r.minutes} 分钟 · {r.reason}
                  </Text>
                </View>
              </View>
              <Text className="chevron">›</Text>
            </View>
          ))}
        </View>
      )}
    </>
  );
}
