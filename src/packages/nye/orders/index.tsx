/**
 * 「我的订单」: status, the pickup code (QR + 6 digits) once paid, a countdown while unpaid
 * (去支付 / 取消订单), and 取消并退款 before the cutoff. Polls while a payment or refund settles.
 */
import { useEffect, useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { cancelOrder, myOrders, type Order } from '@contracts/preorder';
import { api } from '../../../api/client';
import { errorMessage } from '../../../api/errors';
import { useRemote } from '../../../api/useRemote';
import RemoteFrame from '../../../components/RemoteFrame';
import { useSession } from '../../../api/useSession';
import { formatShanghai } from '../../../utils/time';
import QrCode from '../shared/QrCode';
import { countdown, payFor, yuan } from '../shared/pay';
import '../nye.css';

const SETTLING = new Set(['pending_payment', 'refunding']);

export default function NyeOrdersPage() {
  const session = useSession({ autoLogin: true });
  const remote = useRemote(async (): Promise<Order[]> => (await api.call(myOrders, { query: { page: 1, pageSize: 50 } })).items, [], {
    enabled: session.status === 'ready',
    everyShow: true,
  });
  const orders = remote.data;
  const load = remote.reload;
  // a failed 支付 / 取消 (the list's own load errors are the frame's)
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());

  // the countdown ticks each second; orders are re-read every 2 s while one is settling
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, []);
  const settling = !!orders?.some((o) => SETTLING.has(o.status));
  useEffect(() => {
    if (!settling) return undefined;
    const poll = setInterval(() => void load(), 2000);
    return () => clearInterval(poll);
  }, [settling, load]);

  const pay = async (o: Order) => {
    try {
      await payFor(o.id);
      setError(null);
      await load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const cancel = async (o: Order) => {
    const ask = await Taro.showModal({
      title: o.status === 'paid' ? '取消并退款' : '取消订单',
      content: o.status === 'paid' ? `将全额退款 ${yuan(o.totalFen)}，确定取消吗？` : '确定取消这个订单吗？',
    });
    if (!ask.confirm) return;
    try {
      await api.call(cancelOrder, { params: { orderId: o.id } });
      setError(null);
      await load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <View className="page" data-testid="page-nye-orders">
      {error && <Text className="error-text">{error}</Text>}
      <RemoteFrame remote={remote} isEmpty={(list) => list.length === 0} empty={<Text className="muted">还没有订单</Text>}>
        {(list) =>
          list.map((o) => (
            <View key={o.id} className="card" data-testid={`nye-order-${o.id}`}>
              <View className="nye-row">
                <Text className="card-title">{o.campaignName}</Text>
                <Text className="nye-status" data-testid={`nye-order-status-${o.id}`}>
                  {o.statusLabel}
                </Text>
              </View>
              <Text className="muted nye-small">订单号 {o.orderNo}</Text>
              {o.lines.map((l) => (
                <View key={l.itemId} className="nye-row">
                  <Text>
                    {l.name} × {l.qty}
                  </Text>
                  <Text>{yuan(l.amountFen)}</Text>
                </View>
              ))}
              <View className="nye-row">
                <Text className="muted">
                  {o.storeName} · {formatShanghai(o.slot.startsAt)}–{formatShanghai(o.slot.endsAt).slice(-5)}
                </Text>
                <Text className="nye-total">{yuan(o.totalFen)}</Text>
              </View>
              {o.status === 'pending_payment' && (
                <View>
                  <Text className="muted">
                    请在{' '}
                    <Text className="nye-countdown" data-testid={`nye-countdown-${o.id}`}>
                      {countdown(o.expiresAt, now)}
                    </Text>{' '}
                    内完成支付
                  </Text>
                  <Button className="btn-primary" data-testid={`nye-pay-${o.id}`} onClick={() => void pay(o)}>
                    去支付
                  </Button>
                </View>
              )}
              {o.pickupCode && o.status === 'paid' && (
                <View data-testid={`nye-pickup-${o.id}`}>
                  <QrCode text={o.pickupQr!} testId={`nye-qr-${o.id}`} />
                  <Text className="nye-code" data-testid={`nye-code-${o.id}`}>
                    {o.pickupCode}
                  </Text>
                  <Text className="muted nye-small">到店出示取货码，店员核销后取货</Text>
                </View>
              )}
              {o.status === 'picked_up' && <Text className="muted">已于 {formatShanghai(o.pickedUpAt)} 取货</Text>}
              {(o.status === 'refunding' || o.status === 'refunded') && (
                <Text className="muted">
                  退款 {yuan(o.refundFen)}
                  {o.refundedAt ? `，${formatShanghai(o.refundedAt)} 已原路退回` : '，处理中'}
                </Text>
              )}
              {o.canCancel && (
                <Button className="btn-plain" data-testid={`nye-cancel-${o.id}`} onClick={() => void cancel(o)}>
                  {o.status === 'paid' ? '取消并退款' : '取消订单'}
                </Button>
              )}
            </View>
          ))
        }
      </RemoteFrame>
    </View>
  );
}
