/** Members blocked for no-shows, with an early lift (e.g. the member explained the absence). */
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Popconfirm, Typography } from 'antd';
import { DataTable } from '../../common/DataTable';
import type { ColumnsType } from 'antd/es/table';
import { opsLiftBlock, opsListBlocks, type BlockItem } from '../../../../contracts/classes';
import { useAuth } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';

export function BlocksPage() {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: BlockItem[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    api.call(opsListBlocks, { query: { page, pageSize: 20 } }).then(
      (r) => setData({ items: r.items, total: r.total }),
      (err) => setError(errorMessage(err)),
    );
  }, [api, page]);
  useEffect(load, [load]);

  async function lift(id: number) {
    try {
      await api.call(opsLiftBlock, { params: { blockId: id } });
      message.success('已解除限制');
      load();
    } catch (err) {
      message.error(errorMessage(err));
    }
  }

  const columns: ColumnsType<BlockItem> = [
    { title: '会员', dataIndex: 'nickname', render: (v: string | null, r) => v ?? `会员 ${r.memberId}` },
    { title: '原因', dataIndex: 'reason' },
    { title: '开始', dataIndex: 'blockedFrom', render: (v: string) => formatDateTime(v) },
    { title: '到期', dataIndex: 'blockedUntil', render: (v: string) => formatDateTime(v) },
    {
      title: '操作',
      key: 'lift',
      render: (_, r) =>
        r.liftedAt ? (
          <Typography.Text type="secondary">
            已由 {r.liftedBy ?? '—'} 于 {formatDateTime(r.liftedAt)} 解除
          </Typography.Text>
        ) : (
          <Popconfirm title="提前解除该会员的报名限制？" okText="解除" cancelText="取消" onConfirm={() => lift(r.id)}>
            <Button size="small">提前解除</Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <Card title="因未到场暂停报名的会员">
      <Typography.Paragraph type="secondary">
        规则：一定天数内多次报名未到场的会员，会暂停报名一段时间（天数和次数由系统配置）。会员在小程序里能看到原因和截止日期。
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <DataTable<BlockItem>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={data?.items ?? []}
        loading={!data && !error}
        locale={{ emptyText: '没有被暂停报名的会员' }}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage }}
      />
    </Card>
  );
}
