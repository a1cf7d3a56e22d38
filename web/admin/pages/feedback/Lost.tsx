/** 删好友提醒: customers who deleted a clerk (or were deleted) in WeCom, with their last activities. */
import { useState } from 'react';
import { Alert, Empty, List, Tag } from 'antd';
import { DataTable } from '../../common/DataTable';
import * as F from '../../../../contracts/feedback';
import { useAuth } from '../../auth';
import { useLoaded } from '../../common/useLoaded';
import { formatDateTime } from '../../../shared/time';

export function LostPage() {
  const { api } = useAuth();
  const [page, setPage] = useState(1);
  const d = useLoaded(() => api.call(F.listLostAlerts, { query: { page, pageSize: 20 } }), [api, page]);
  return (
    <>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 12 }}
        message="客户删除店员（或店员删除客户）时，店长会立刻收到企业微信应用消息和侧边栏任务；请了解原因后在「流失预警」记录流失原因。"
      />
      {d.error && <Alert type="error" showIcon message={d.error} />}
      <DataTable<F.LostAlert>
        rowKey="id"
        size="middle"
        loading={d.loading}
        dataSource={d.data?.items ?? []}
        onRow={(r) => ({ 'data-testid': `lost-row-${r.externalUserId}` }) as React.HTMLAttributes<HTMLElement>}
        pagination={{ current: page, pageSize: 20, total: d.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        locale={{ emptyText: <Empty description="暂无删好友记录" /> }}
        columns={[
          { title: '时间', dataIndex: 'at', width: 150, render: (v: string) => formatDateTime(v) },
          { title: '客户', dataIndex: 'customerName', render: (v: string | null, r) => v ?? r.externalUserId },
          { title: '店员', dataIndex: 'staffName' },
          { title: '门店', dataIndex: 'storeName', render: (v: string | null) => v ?? '—' },
          {
            title: '情况',
            dataIndex: 'reason',
            render: (v: F.LostAlert['reason']) => (v === 'customer_deleted' ? <Tag color="red">客户删除了店员</Tag> : <Tag>店员删除了客户</Tag>),
          },
          {
            title: '最近动态',
            dataIndex: 'lastActivities',
            render: (a: F.LostAlert['lastActivities']) =>
              a.length ? (
                <List
                  size="small"
                  dataSource={a}
                  renderItem={(x) => (
                    <List.Item style={{ padding: '2px 0' }}>
                      {formatDateTime(x.at)} {x.text}
                    </List.Item>
                  )}
                />
              ) : (
                '—'
              ),
          },
        ]}
      />
    </>
  );
}
