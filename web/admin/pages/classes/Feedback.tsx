/** Every rating and comment (newest first), with the overall average. */
import { useEffect, useState } from 'react';
import { Alert, Card, Rate, Typography } from 'antd';
import { DataTable } from '../../common/DataTable';
import type { ColumnsType } from 'antd/es/table';
import { Link } from 'react-router-dom';
import { opsFeedback, type FeedbackItem } from '../../../../contracts/classes';
import { useAuth } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { stars } from './util';

const columns: ColumnsType<FeedbackItem> = [
  { title: '活动', dataIndex: 'classTitle', render: (v: string, r) => <Link to={`/classes/${r.classId}`}>{v}</Link> },
  { title: '场次', dataIndex: 'startsAt', render: (v: string, r) => <Link to={`/classes/sessions/${r.sessionId}`}>{formatDateTime(v)}</Link> },
  { title: '门店', dataIndex: 'storeName', render: (v: string | null) => v ?? '—' },
  { title: '会员', dataIndex: 'memberNickname', render: (v: string | null) => v ?? '会员' },
  { title: '评分', dataIndex: 'stars', render: (v: number) => <Rate disabled value={v} style={{ fontSize: 14 }} /> },
  { title: '留言', dataIndex: 'comment', render: (v: string | null) => v ?? <Typography.Text type="secondary">（没有留言）</Typography.Text> },
  { title: '时间', dataIndex: 'ratedAt', render: (v: string) => formatDateTime(v) },
];

export function FeedbackPage() {
  const { api } = useAuth();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: FeedbackItem[]; total: number; averageRating: number | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.call(opsFeedback, { query: { page, pageSize: 20 } }).then(
      (r) => live && setData({ items: r.items, total: r.total, averageRating: r.averageRating }),
      (err) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [api, page]);
  return (
    <Card title={`评价与留言${data?.averageRating != null ? `（平均 ★ ${stars(data.averageRating)}）` : ''}`}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <div data-testid="feedback-table">
        <DataTable<FeedbackItem>
          rowKey="registrationId"
          size="middle"
          columns={columns}
          dataSource={data?.items ?? []}
          loading={!data && !error}
          locale={{ emptyText: '还没有评价' }}
          scroll={{ x: 900 }}
          pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage, showTotal: (t) => `共 ${t} 条` }}
        />
      </div>
    </Card>
  );
}
