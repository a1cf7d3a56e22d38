/** 订单: filters, the list, and the same selection as an Excel workbook. */
import { useEffect, useState } from 'react';
import { Alert, Button, Input, InputNumber, Select, Space, Tag } from 'antd';
import { DataTable } from '../../common/DataTable';
import { ORDER_STATUS_LABELS, type OrderStatus, opsListOrders } from '../../../../contracts/preorder';
import type { RouteResponse } from '../../../../contracts/route';
import { useAuth } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { downloadOrdersXlsx, hm, yuan } from './util';

export function OrdersPage() {
  const { api } = useAuth();
  const [filter, setFilter] = useState<{ campaignId?: number; storeId?: number; status?: OrderStatus; day?: string; q?: string }>({});
  const [page, setPage] = useState(1);
  const [data, setData] = useState<RouteResponse<typeof opsListOrders> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setError(null);
    api
      .call(opsListOrders, { query: { ...filter, day: filter.day || undefined, q: filter.q || undefined, page, pageSize: 20 } })
      .then(setData, (e) => setError(errorMessage(e)));
  }, [api, filter, page]);

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="preorder-orders">
      <Space wrap>
        <InputNumber placeholder="活动ID" value={filter.campaignId} onChange={(v) => setFilter({ ...filter, campaignId: v ? Number(v) : undefined })} />
        <InputNumber placeholder="门店ID" value={filter.storeId} onChange={(v) => setFilter({ ...filter, storeId: v ? Number(v) : undefined })} />
        <Select
          allowClear
          placeholder="状态"
          style={{ width: 120 }}
          value={filter.status}
          onChange={(v) => setFilter({ ...filter, status: v })}
          options={Object.entries(ORDER_STATUS_LABELS).map(([value, label]) => ({ value, label }))}
          data-testid="orders-status"
        />
        <Input type="date" value={filter.day ?? ''} onChange={(e) => setFilter({ ...filter, day: e.target.value })} style={{ width: 160 }} />
        <Input.Search
          placeholder="订单号或取货码"
          allowClear
          onSearch={(q) => setFilter({ ...filter, q })}
          style={{ width: 220 }}
          data-testid="orders-search"
        />
        <Button onClick={() => void downloadOrdersXlsx({ ...filter }).catch((e) => setError(errorMessage(e)))} data-testid="orders-export">
          导出 Excel
        </Button>
      </Space>
      {error && <Alert type="error" showIcon message={error} />}
      <DataTable
        rowKey="id"
        size="small"
        loading={!data && !error}
        dataSource={data?.items ?? []}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage }}
        columns={[
          { title: '订单号', dataIndex: 'orderNo', render: (v: string, r) => <span data-testid={`order-row-${r.id}`}>{v}</span> },
          { title: '状态', render: (_, r) => <Tag data-testid={`order-status-${r.id}`}>{r.statusLabel}</Tag> },
          { title: '门店', render: (_, r) => r.storeName ?? r.storeId },
          { title: '取货', render: (_, r) => `${r.slot.day} ${hm(r.slot.startsAt)}–${hm(r.slot.endsAt)}` },
          { title: '菜品', render: (_, r) => r.lines.map((l) => `${l.name}×${l.qty}`).join('、') },
          { title: '金额', render: (_, r) => yuan(r.totalFen) },
          { title: '下单', render: (_, r) => formatDateTime(r.createdAt) },
          { title: '核销', render: (_, r) => (r.pickedUpAt ? `${formatDateTime(r.pickedUpAt)} ${r.pickedUpByName ?? ''}` : '') },
        ]}
      />
    </Space>
  );
}
