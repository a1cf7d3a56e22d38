/**
 * 年夜饭 tab: the current pre-order menu grouped by theme with the 「为你推荐」 strip; ordering and
 * 「我的订单」 live in the nye subpackage (packages/nye) so this tab page stays small.
 */
import { useEffect } from 'react';
import { Button, Image, Text, View } from '@tarojs/components';
import Taro, { useShareAppMessage } from '@tarojs/taro';
import { getMenu, ITEM_KIND_LABELS, type Menu, type MenuItem } from '@contracts/preorder';
import { api } from '../../api/client';
import { ROUTES } from '../../api/routes';
import { rememberSharer, shareCard } from '../../api/share-card';
import { useRemote } from '../../api/useRemote';
import { useSession } from '../../api/useSession';
import RemoteFrame from '../../components/RemoteFrame';
import './index.css';
import { yuan } from '../../api/cashier';

const ORDER_PAGE = '/packages/nye/order/index';
const ORDERS_PAGE = '/packages/nye/orders/index';

export { yuan };

function ItemCard({ item, onPick }: { item: MenuItem; onPick: (id: number) => void }) {
  const soldOut = item.stockLeft <= 0 || !item.onSale;
  return (
    <View className="nye-item" data-testid={`nye-item-${item.id}`} onClick={() => !soldOut && onPick(item.id)}>
      {item.photoUrl ? (
        <Image className="nye-photo" src={item.photoUrl} mode="aspectFill" />
      ) : (
        <View className="nye-photo nye-photo-empty">{item.name.slice(0, 1)}</View>
      )}
      <View className="nye-item-body">
        <Text className="nye-item-name">{item.name}</Text>
        {item.dish && (
          <Text className="nye-credit" data-testid={`nye-credit-${item.id}`}>
            {item.dish.authorDisplayName}的拿手菜 · 来自晒菜大赛
          </Text>
        )}
        <Text className="muted nye-small">
          {ITEM_KIND_LABELS[item.kind]}
          {item.servings ? ` · ${item.servings}人份` : ''}
          {item.allergens.length ? ` · 含${item.allergens.join('、')}` : ''}
        </Text>
        <View className="nye-item-foot">
          <Text className="nye-price">{yuan(item.priceFen)}</Text>
          <Text className={soldOut ? 'nye-left nye-soldout' : 'nye-left'}>
            {soldOut ? '已售罄' : `余 ${item.stockLeft} 份 · 每人限 ${item.perMemberLimit} 份`}
          </Text>
        </View>
      </View>
    </View>
  );
}

export default function NyePage() {
  const session = useSession({ autoLogin: true });
  const remote = useRemote((): Promise<Menu> => api.call(getMenu, { query: {} }), [], { enabled: session.status === 'ready', everyShow: true });
  const menu = remote.data;

  // a neighbour's menu card brought this member here: recorded for referral (never a reward by itself)
  useEffect(() => {
    rememberSharer((Taro.getCurrentInstance?.()?.router?.params ?? {}) as Record<string, string | undefined>);
  }, []);
  // the menu card names the sharer through a signed token, asked for only when the member shares
  useShareAppMessage(() =>
    shareCard({
      kind: 'dish',
      title: menu?.campaign?.name ? `${menu.campaign.name}，一起来订` : '年夜饭预订',
      path: ROUTES.nye,
      signedIn: session.status === 'ready',
    }),
  );

  const pick = (itemId?: number) => Taro.navigateTo({ url: itemId ? `${ORDER_PAGE}?itemId=${itemId}` : ORDER_PAGE });
  const byId = new Map((menu?.sections ?? []).flatMap((s) => s.items).map((i) => [i.id, i]));
  const recommended = (menu?.recommended.itemIds ?? []).map((id) => byId.get(id)).filter((i): i is MenuItem => !!i);

  return (
    <View className="page" data-testid="page-nye">
      <View className="hero">
        <Text className="hero-title">{menu?.campaign?.name ?? '年夜饭预订'}</Text>
        <Text className="hero-sub">团圆饭交给门店，团圆的时间留给家人</Text>
      </View>
      {session.status !== 'ready' ? (
        <Text className="muted">登录后即可查看菜单和预订</Text>
      ) : (
        <RemoteFrame
          remote={remote}
          isEmpty={(m) => !m.campaign}
          empty={
            <View className="card" data-testid="nye-none">
              <Text className="card-title">年夜饭预订即将开放</Text>
              <Text className="muted">门店的年夜饭菜品和套餐将在这里开放预订，敬请期待。</Text>
            </View>
          }
        >
          {(menu) => (
            <>
              {menu.campaign && (
                <View>
                  <View className="nye-actions">
                    <Button className="btn-primary" data-testid="nye-start" disabled={!menu.onSale} onClick={() => pick()}>
                      {menu.onSale ? '开始预订' : '未在预订时间内'}
                    </Button>
                    <Button className="btn-plain" data-testid="nye-my-orders" onClick={() => Taro.navigateTo({ url: ORDERS_PAGE })}>
                      我的订单
                    </Button>
                  </View>
                  {recommended.length > 0 && (
                    <View className="card" data-testid="nye-recommended">
                      <Text className="card-title">为你推荐 · {menu.recommended.reason}</Text>
                      <View className="nye-strip">
                        {recommended.map((i) => (
                          <View key={i.id} className="nye-chip" data-testid={`nye-rec-${i.id}`} onClick={() => pick(i.id)}>
                            <Text>{i.name}</Text>
                            <Text className="nye-price"> {yuan(i.priceFen)}</Text>
                          </View>
                        ))}
                      </View>
                    </View>
                  )}
                  {menu.sections.map((s) => (
                    <View key={s.theme} className="nye-section" data-testid="nye-section">
                      <Text className="nye-section-title">{s.theme}</Text>
                      {s.items.map((i) => (
                        <ItemCard key={i.id} item={i} onPick={pick} />
                      ))}
                    </View>
                  ))}
                </View>
              )}
            </>
          )}
        </RemoteFrame>
      )}
    </View>
  );
}
