/**
 * Ordering: quantities per dish (within stock and the per-member limit), the pickup store and a
 * slot with room, then 提交订单 (stock and the slot place are held for 15 minutes) and pay.
 */
import { useEffect, useMemo, useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { getMenu, listSlots, placeOrder } from '@contracts/preorder';
import { api } from '../../../api/client';
import { errorMessage } from '../../../api/errors';
import { useRemote } from '../../../api/useRemote';
import { useSession } from '../../../api/useSession';
import RemoteFrame from '../../../components/RemoteFrame';
import { formatShanghai } from '../../../utils/time';
import { pageParam, payFor, yuan } from '../shared/pay';
import '../nye.css';

const ORDERS_PAGE = '/packages/nye/orders/index';

function newRequestId(): string {
  return `r${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}

export default function NyeOrderPage() {
  const session = useSession({ autoLogin: true });
  const menuRemote = useRemote(() => api.call(getMenu, { query: {} }), [], { enabled: session.status === 'ready' });
  const menu = menuRemote.data;
  const [qty, setQty] = useState<Record<number, number>>({});
  const [storeId, setStoreId] = useState<number | null>(null);
  const [slotId, setSlotId] = useState<number | null>(null);
  // the submit's own error (the loads' errors are their frames')
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // one id per filled-in form: a retried tap answers the same order
  const [requestId, setRequestId] = useState(newRequestId);

  // the menu arrived: the dish the member came from starts at 1, a single store is chosen
  useEffect(() => {
    if (!menu) return;
    const first = Number(pageParam('itemId'));
    if (first) setQty({ [first]: 1 });
    if (menu.stores.length === 1) setStoreId(menu.stores[0].id);
  }, [menu]);

  const campaignId = menu?.campaign?.id ?? null;
  const slots = useRemote(
    () => api.call(listSlots, { params: { campaignId: campaignId! }, query: { storeId: storeId! } }).then((r) => r.items),
    [campaignId, storeId],
    {
      enabled: campaignId !== null && storeId !== null,
    },
  );
  const { setData: setSlots } = slots;
  useEffect(() => {
    setSlots(null); // another store: its own slots, none chosen
    setSlotId(null);
  }, [storeId, setSlots]);

  const items = useMemo(() => (menu?.sections ?? []).flatMap((s) => s.items), [menu]);
  const total = items.reduce((s, i) => s + (qty[i.id] ?? 0) * i.priceFen, 0);
  const lines = items.filter((i) => (qty[i.id] ?? 0) > 0).map((i) => ({ itemId: i.id, qty: qty[i.id] }));

  const change = (id: number, d: number, max: number) => {
    setQty((q) => ({ ...q, [id]: Math.max(0, Math.min(max, (q[id] ?? 0) + d)) }));
    setRequestId(newRequestId());
  };

  const submit = async () => {
    if (!menu?.campaign || !storeId || !slotId || !lines.length) return;
    setBusy(true);
    setError(null);
    try {
      const order = await api.call(placeOrder, { body: { campaignId: menu.campaign.id, storeId, slotId, lines, requestId } });
      try {
        await payFor(order.id);
      } catch {
        // not paid now: the order waits 15 minutes in 「我的订单」, where 去支付 tries again
      }
      await Taro.redirectTo({ url: `${ORDERS_PAGE}?orderId=${order.id}` });
    } catch (err) {
      setError(errorMessage(err));
      setRequestId(newRequestId());
    } finally {
      setBusy(false);
    }
  };

  if (!menu)
    return (
      <View className="page">
        <RemoteFrame remote={menuRemote} loadingText="加载中…">
          {() => null}
        </RemoteFrame>
      </View>
    );
  return (
    <View className="page" data-testid="page-nye-order">
      <View className="card">
        <Text className="card-title">选择菜品</Text>
        {items.map((i) => {
          const max = Math.min(i.stockLeft, i.perMemberLimit);
          return (
            <View key={i.id} className="nye-row" data-testid={`nye-line-${i.id}`}>
              <View>
                <Text>{i.name}</Text>
                {i.dish && <Text className="nye-credit"> · {i.dish.authorDisplayName}</Text>}
                <Text className="muted nye-small">
                  {' '}
                  {yuan(i.priceFen)}
                  {max <= 0 ? ' · 已售罄' : ''}
                </Text>
              </View>
              <View className="nye-stepper">
                <Text className="nye-step" data-testid={`nye-minus-${i.id}`} onClick={() => change(i.id, -1, max)}>
                  －
                </Text>
                <Text className="nye-qty" data-testid={`nye-qty-${i.id}`}>
                  {qty[i.id] ?? 0}
                </Text>
                <Text className="nye-step" data-testid={`nye-plus-${i.id}`} onClick={() => change(i.id, 1, max)}>
                  ＋
                </Text>
              </View>
            </View>
          );
        })}
      </View>
      <View className="card">
        <Text className="card-title">自提门店</Text>
        {menu.stores.map((s) => (
          <Text
            key={s.id}
            className={s.id === storeId ? 'nye-choice nye-choice-on' : 'nye-choice'}
            data-testid={`nye-store-${s.id}`}
            onClick={() => setStoreId(s.id)}
          >
            {s.name}
          </Text>
        ))}
      </View>
      {storeId && (
        <View className="card">
          <Text className="card-title">取货时段</Text>
          <RemoteFrame
            remote={slots}
            loadingText="加载中…"
            isEmpty={(items) => items.length === 0}
            empty={<Text className="muted">该门店的取货时段都已约满</Text>}
          >
            {(items) =>
              items.map((s) => (
                <Text
                  key={s.id}
                  className={s.id === slotId ? 'nye-choice nye-choice-on' : 'nye-choice'}
                  data-testid={`nye-slot-${s.id}`}
                  onClick={() => setSlotId(s.id)}
                >
                  {formatShanghai(s.startsAt)}–{formatShanghai(s.endsAt).slice(-5)} · 余{s.left}
                </Text>
              ))
            }
          </RemoteFrame>
        </View>
      )}
      {error && (
        <Text className="error-text" data-testid="nye-order-error">
          {error}
        </Text>
      )}
      <View className="card nye-row">
        <Text className="nye-total" data-testid="nye-total">
          合计 {yuan(total)}
        </Text>
        <Button className="btn-primary" data-testid="nye-submit" disabled={busy || !lines.length || !slotId} onClick={() => void submit()}>
          提交订单并支付
        </Button>
      </View>
      <Text className="muted nye-small">
        下单后请在 15 分钟内完成支付，超时订单自动取消并释放库存。{menu.campaign ? ` ${formatShanghai(menu.campaign.cancelCutoffAt)} 前可取消并全额退款。` : ''}
      </Text>
    </View>
  );
}
