/** 未取货: paid orders whose pickup slot has ended; one tap asks the member's clerk to remind them (once). */
import { useEffect, useState } from 'react';
import { Alert, Button, Space, Tag } from 'antd';
import { DataTable } from '../../common/DataTable';
import { opsNoShows, opsRemindNoShow } from '../../../../contracts/preorder';
import type { RouteResponse } from '../../../../contracts/route';
import { useAuth } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { hm } from './util';

const REASON: Record<string, string> = { queued: '已交给专属店员发送', already_reminded: '已提醒过', no_clerk: '该会员还没有添加店员企业微信' };

export function NoShowsPage() {
  const { api } = useAuth();
  const [data, setData] = useState<RouteResponse<typeof opsNoShows> | null>(null);
  const [msg, setMsg] = useState<{ type: 'success' | 'error' | 'info'; text: string } | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    api.call(opsNoShows, { query: {} }).then(setData, (e) => setMsg({ type: 'error', text: errorMessage(e) }));
  }, [api, tick]);
  const remind = async (orderId: number) => {
    try {
      const r = await api.call(opsRemindNoShow, { params: { orderId } });
      setMsg({ type: r.queued ? 'success' : 'info', text: REASON[r.reason] });
      setTick((t) => t + 1);
    } catch (e) {
      setMsg({ type: 'error', text: errorMessage(e) });
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="preorder-noshows">
      {msg && <Alert type={msg.type} showIcon message={msg.text} />}
      <DataTable
        rowKey="id"
        size="small"
        loading={!data}
        dataSource={data?.items ?? []}
        pagination={false}
        columns={[
          { title: '订单号', dataIndex: 'orderNo' },
          { title: '门店', render: (_, r) => r.storeName ?? r.storeId },
          { title: '取货时段', render: (_, r) => `${r.slot.day} ${hm(r.slot.startsAt)}–${hm(r.slot.endsAt)}` },
          { title: '菜品', render: (_, r) => r.lines.map((l) => `${l.name}×${l.qty}`).join('、') },
          {
            title: '',
            render: (_, r) =>
              r.reminded ? (
                <Tag>已提醒</Tag>
              ) : (
                <Button size="small" onClick={() => void remind(r.id)} data-testid={`noshow-remind-${r.id}`}>
                  一键提醒
                </Button>
              ),
          },
        ]}
      />
    </Space>
  );
}
