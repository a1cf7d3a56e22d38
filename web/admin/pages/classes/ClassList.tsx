import { Card, Space, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useNavigate } from 'react-router-dom';
import { CLASS_TYPES, opsListClasses, type ClassSummary, type ClassType } from '../../../../contracts/classes';
import { useAuth } from '../../auth';
import { ListTable, ListToolbar, useListQuery } from '../../common/ListQuery';
import { useLoaded } from '../../common/useLoaded';
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
  {
    title: '类型',
    dataIndex: 'type',
    render: (t: ClassType) => <Tag color={t === 'family_event' ? 'blue' : t === 'community_ritual' ? 'purple' : 'gold'}>{typeLabel(t)}</Tag>,
  },
  { title: '门店', dataIndex: 'storeName', render: (v: string | null) => v ?? '—' },
  { title: '场次', dataIndex: 'sessionCount', render: (n: number, r) => (r.isSeries ? <Tag color="geekblue">系列 × {n}</Tag> : n) },
  {
    title: '下一场',
    dataIndex: 'nextSessionAt',
    render: (v: string | null) => (v ? formatDateTime(v) : <Typography.Text type="secondary">无</Typography.Text>),
  },
  { title: '平均评分', dataIndex: 'averageRating', render: (v: number | null) => (v === null ? '—' : `★ ${stars(v)}`) },
  { title: '标签', dataIndex: 'tags', render: (tags: string[]) => tags.map((t) => <Tag key={t}>{t}</Tag>) },
];

export function ClassListPage() {
  const { api } = useAuth();
  const navigate = useNavigate();
  const query = useListQuery<ClassType>();
  const { page, pageSize, q, filter: type } = query;
  const loaded = useLoaded(() => api.call(opsListClasses, { query: { page, pageSize, q: q || undefined, type } }), [api, page, pageSize, q, type]);

  return (
    <Card>
      <ListToolbar
        query={query}
        searchPlaceholder="搜索活动标题"
        filterPlaceholder="全部类型"
        filterOptions={CLASS_TYPES.map((t) => ({ value: t, label: typeLabel(t) }))}
        newLabel="新建活动"
        newTestId="class-new"
        onNew={() => navigate('/classes/new')}
      />
      <ListTable<ClassSummary>
        query={query}
        loaded={loaded}
        columns={columns}
        testId="class-table"
        scrollX={900}
        emptyText={q || type ? '没有符合条件的活动' : '还没有活动，点「新建活动」开始'}
        showTotal={(t) => `共 ${t} 个活动`}
        onRowClick={(r) => navigate(`/classes/${r.id}`)}
        rowTestId={(r) => `class-row-${r.id}`}
      />
    </Card>
  );
}
