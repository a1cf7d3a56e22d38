import { useEffect, useState, type HTMLAttributes } from 'react';
import { Alert, Button, Card, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { ColumnsType, TablePaginationConfig } from 'antd/es/table';
import { useNavigate } from 'react-router-dom';
import { CLASS_TYPES, opsListClasses, type ClassSummary, type ClassType } from '../../../../contracts/classes';
import { useAuth } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { stars, typeLabel } from './util';

const columns: ColumnsType<ClassSummary> = [
  {
    title: '活动',
    dataIndex: 'title',
    render: (v: string, r) => (
      <Space direction="vertical" size={0}>
        <Typography.Text strong>{v}</Typography.Text>
        <Typography.Text type="secondary">
          {r.hostName}
          {r.room ? ` · ${r.room}` : ''}
        </Typography.Text>
      </Space>
    ),
  },
  { title: '类型', dataIndex: 'type', render: (t: ClassType) => <Tag color={t === 'family_event' ? 'blue' : t === 'community_ritual' ? 'purple' : 'gold'}>{typeLabel(t)}</Tag> },
  { title: '门店', dataIndex: 'storeName', render: (v: string | null) => v ?? '—' },
  { title: '场次', dataIndex: 'sessionCount', render: (n: number, r) => (r.isSeries ? <Tag color="geekblue">系列 × {n}</Tag> : n) },
  { title: '下一场', dataIndex: 'nextSessionAt', render: (v: string | null) => (v ? formatDateTime(v) : <Typography.Text type="secondary">无</Typography.Text>) },
  { title: '平均评分', dataIndex: 'averageRating', render: (v: number | null) => (v === null ? '—' : `★ ${stars(v)}`) },
  { title: '标签', dataIndex: 'tags', render: (tags: string[]) => tags.map((t) => <Tag key={t}>{t}</Tag>) },
];

export function ClassListPage() {
  const { api } = useAuth();
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [q, setQ] = useState('');
  const [type, setType] = useState<ClassType | undefined>();
  const [data, setData] = useState<{ items: ClassSummary[]; total: number } | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    api.call(opsListClasses, { query: { page, pageSize, q: q || undefined, type } }).then(
      (res) => {
        if (!live) return;
        setData({ items: res.items, total: res.total });
        setLoading(false);
      },
      (err) => {
        if (!live) return;
        setError(errorMessage(err));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [api, page, pageSize, q, type]);

  function onTableChange(p: TablePaginationConfig) {
    if (p.pageSize && p.pageSize !== pageSize) {
      setPageSize(p.pageSize);
      setPage(1);
    } else if (p.current) setPage(p.current);
  }

  return (
    <Card>
      <Space wrap style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }}>
        <Space wrap>
          <Input.Search
            placeholder="搜索活动标题"
            allowClear
            enterButton="搜索"
            maxLength={40}
            style={{ width: 280 }}
            onSearch={(v) => {
              setQ(v.trim());
              setPage(1);
            }}
          />
          <Select<ClassType>
            allowClear
            placeholder="全部类型"
            style={{ width: 140 }}
            value={type}
            onChange={(v) => {
              setType(v);
              setPage(1);
            }}
            options={CLASS_TYPES.map((t) => ({ value: t, label: typeLabel(t) }))}
          />
        </Space>
        <Button type="primary" icon={<PlusOutlined />} data-testid="class-new" onClick={() => navigate('/classes/new')}>
          新建活动
        </Button>
      </Space>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <div data-testid="class-table">
        <Table<ClassSummary>
          className="clickable-rows"
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={data?.items ?? []}
          loading={loading}
          scroll={{ x: 900 }}
          locale={{ emptyText: q || type ? '没有符合条件的活动' : '还没有活动，点「新建活动」开始' }}
          pagination={{ current: page, pageSize, total: data?.total ?? 0, showTotal: (t) => `共 ${t} 个活动` }}
          onChange={onTableChange}
          onRow={(r) => ({ onClick: () => navigate(`/classes/${r.id}`), 'data-testid': `class-row-${r.id}` }) as HTMLAttributes<HTMLElement>}
        />
      </div>
    </Card>
  );
}
