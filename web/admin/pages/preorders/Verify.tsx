/** 核销: type the 6 digits or let a scanner gun type the QR text; look the order up, then hand it over once. */
import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Input, Space } from 'antd';
import { type Order, staffFindPickup, staffVerifyPickup } from '../../../../contracts/preorder';
import { useAuth } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { hm, yuan } from './util';

export function VerifyPage() {
  const { api } = useAuth();
  const [code, setCode] = useState('');
  const [order, setOrder] = useState<Order | null>(null);
  const [msg, setMsg] = useState<{ type: 'success' | 'error'; text: string } | null>(null);

  const find = async () => {
    setMsg(null);
    try {
      setOrder(await api.call(staffFindPickup, { params: { code: code.trim() } }));
    } catch (e) {
      setOrder(null);
      setMsg({ type: 'error', text: errorMessage(e) });
    }
  };
  const verify = async () => {
    try {
      const o = await api.call(staffVerifyPickup, { body: { code: code.trim() } });
      setOrder(o);
      setMsg({ type: 'success', text: `已核销：${o.orderNo}` });
    } catch (e) {
      setMsg({ type: 'error', text: errorMessage(e) });
    }
  };

  return (
    <Card data-testid="preorder-verify">
      <Space>
        <Input
          autoFocus
          placeholder="取货码（6位）或扫码"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          onPressEnter={() => void find()}
          style={{ width: 260 }}
          data-testid="verify-code"
        />
        <Button onClick={() => void find()} data-testid="verify-find">
          查询
        </Button>
      </Space>
      {msg && <Alert style={{ marginTop: 12 }} type={msg.type} showIcon message={msg.text} data-testid="verify-msg" />}
      {order && (
        <Descriptions style={{ marginTop: 12 }} size="small" bordered column={1}>
          <Descriptions.Item label="订单">
            {order.orderNo}（{order.statusLabel}）
          </Descriptions.Item>
          <Descriptions.Item label="取货">
            {order.storeName} {order.slot.day} {hm(order.slot.startsAt)}–{hm(order.slot.endsAt)}
          </Descriptions.Item>
          <Descriptions.Item label="菜品">
            {order.lines.map((l) => `${l.name}×${l.qty}`).join('、')}（{yuan(order.totalFen)}）
          </Descriptions.Item>
          {order.pickedUpAt && (
            <Descriptions.Item label="核销">
              {formatDateTime(order.pickedUpAt)} {order.pickedUpByName}
            </Descriptions.Item>
          )}
        </Descriptions>
      )}
      {order?.status === 'paid' && (
        <Button type="primary" style={{ marginTop: 12 }} onClick={() => void verify()} data-testid="verify-confirm">
          确认核销
        </Button>
      )}
    </Card>
  );
}
