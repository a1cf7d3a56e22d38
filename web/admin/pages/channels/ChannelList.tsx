/** 渠道活码 list: every channel with its adds, deletes, today's adds and 7-day retention. */
import { Card, Space, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useNavigate } from 'react-router-dom';
import { CHANNEL_KINDS, listChannels, type ChannelView } from '../../../../contracts/wecom';
import { useAuth } from '../../auth';
import { ListTable, ListToolbar, useListQuery } from '../../common/ListQuery';
import { useLoaded } from '../../common/useLoaded';
import { CHANNEL_KIND_COLORS, CHANNEL_KIND_LABELS, percent } from './util';

type Kind = ChannelView['kind'];

const columns: ColumnsType<ChannelView> = [
  {
    title: '渠道',
    dataIndex: 'name',
    render: (v: string, r) => (
      <Space direction="vertical" size={0}>
        <Space size={4}>
          <Typography.Text strong>{v}</Typography.Text>
          {!r.active && <Tag>已停用</Tag>}
        </Space>
      </Space>
    ),
  },
  { title: '类型', dataIndex: 'kind', render: (k: Kind) => <Tag color={CHANNEL_KIND_COLORS[k]}>{CHANNEL_KIND_LABELS[k] ?? k}</Tag> },
  {
    title: '接待员工',
    dataIndex: 'routedUserIds',
    render: (routed: string[], r) => (
      <Tooltip title={r.backupUserIds.length ? `备用：${r.backupUserIds.join('、')}` : undefined}>
        <span>{routed.join('、') || '—'}</span>
        {r.dailyCapPerStaff ? <Typography.Text type="secondary">（每人每日≤{r.dailyCapPerStaff}）</Typography.Text> : null}
      </Tooltip>
    ),
  },
  { title: '标签', dataIndex: 'tagNames', render: (tags: string[]) => tags.map((t) => <Tag key={t}>{t}</Tag>) },
  { title: '累计添加', dataIndex: ['stats', 'adds'], align: 'right', render: (n: number, r) => <span data-testid={`channel-adds-${r.id}`}>{n}</span> },
  { title: '今日', dataIndex: ['stats', 'addsToday'], align: 'right' },
  { title: '删除', dataIndex: ['stats', 'deletes'], align: 'right' },
  {
    title: '7日留存',
    dataIndex: ['stats', 'retention7d'],
    align: 'right',
    render: (r: ChannelView['stats']['retention7d']) => (
      <Tooltip title={`满7天的添加 ${r.eligible} 人，其中 ${r.retained} 人7天后仍是好友`}>{percent(r.rate)}</Tooltip>
    ),
  },
];

export function ChannelListPage() {
  const { api } = useAuth();
  const navigate = useNavigate();
  const query = useListQuery<Kind>();
  const { page, pageSize, q, filter: kind } = query;
  const loaded = useLoaded(() => api.call(listChannels, { query: { page, pageSize, q: q || undefined, kind } }), [api, page, pageSize, q, kind]);

  return (
    <Card>
      <ListToolbar
        query={query}
        searchPlaceholder="搜索渠道名称或 state"
        filterPlaceholder="全部类型"
        filterOptions={CHANNEL_KINDS.map((k) => ({ value: k, label: CHANNEL_KIND_LABELS[k] }))}
        newLabel="新建渠道活码"
        newTestId="channel-new"
        onNew={() => navigate('/journeys/channels/new')}
      />
      {kind !== 'referral' && (
        <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
          会员的个人推荐码数量多，默认不列出；选择「会员推荐」类型查看。
        </Typography.Paragraph>
      )}
      <ListTable<ChannelView>
        query={query}
        loaded={loaded}
        columns={columns}
        testId="channel-table"
        scrollX={1000}
        emptyText={q || kind ? '没有符合条件的渠道' : '还没有渠道活码，点「新建渠道活码」开始'}
        showTotal={(t) => `共 ${t} 个渠道`}
        onRowClick={(r) => navigate(`/journeys/channels/${r.id}`)}
        rowTestId={(r) => `channel-row-${r.id}`}
      />
    </Card>
  );
}
