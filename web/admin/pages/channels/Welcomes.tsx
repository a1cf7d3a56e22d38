/**
 * 欢迎语 log: every welcome with its delay (WeCom event -> send_welcome_msg answered) and outcome,
 * plus p50 / p99 of the sent ones. Used as its own tab and inside a channel's page (channelId).
 */
import { useState } from 'react';
import { Alert, Card, Col, Row, Select, Space, Statistic, Tag, Tooltip, Typography } from 'antd';
import { DataTable } from '../../common/DataTable';
import type { ColumnsType } from 'antd/es/table';
import { Link } from 'react-router-dom';
import type { RouteResponse } from '../../../../contracts/route';
import { WELCOME_STATUSES, listWelcomes } from '../../../../contracts/wecom';
import { useAuth } from '../../auth';
import { useLoaded } from '../../common/useLoaded';
import { formatDateTime } from '../../../shared/time';
import { WELCOME_STATUS_COLORS, WELCOME_STATUS_LABELS, seconds } from './util';

type Page = RouteResponse<typeof listWelcomes>;
type Item = Page['items'][number];
type Status = (typeof WELCOME_STATUSES)[number];

/** WeCom's WelcomeCode is valid for 20 s; anything near it is at risk. */
const WINDOW_MS = 20_000;

const columns: ColumnsType<Item> = [
  {
    title: '客户',
    dataIndex: 'externalUserId',
    render: (id: string, r) => (
      <Link to={`/journeys/customers/${encodeURIComponent(id)}`} onClick={(e) => e.stopPropagation()}>
        {r.customerName ?? '未命名客户'}
      </Link>
    ),
  },
  { title: '接待员工', dataIndex: 'staffUserId', render: (v: string, r) => r.staffName ?? v },
  { title: '渠道', dataIndex: 'channelName', render: (v: string | null) => v ?? <Typography.Text type="secondary">无渠道</Typography.Text> },
  { title: '添加时间', dataIndex: 'eventAt', render: (v: string) => formatDateTime(v) },
  {
    title: '延迟',
    dataIndex: 'delayMs',
    align: 'right',
    render: (ms: number | null, r) => (
      <Tooltip title={r.processingMs !== null ? `收到回调到发送完成：${seconds(r.processingMs)}（回调时间只精确到秒）` : undefined}>
        <Typography.Text type={ms !== null && ms > WINDOW_MS / 2 ? 'danger' : undefined}>{seconds(ms)}</Typography.Text>
      </Tooltip>
    ),
  },
  {
    title: '结果',
    dataIndex: 'status',
    render: (s: Status, r) => (
      <Space size={4}>
        <Tag color={WELCOME_STATUS_COLORS[s]}>{WELCOME_STATUS_LABELS[s] ?? s}</Tag>
        {r.errcode ? <Typography.Text type="secondary">errcode {r.errcode}</Typography.Text> : null}
      </Space>
    ),
  },
];

export function WelcomesTable({ channelId }: { channelId?: number }) {
  const { api } = useAuth();
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<Status | undefined>();
  const { data, loading, error } = useLoaded(
    () => api.call(listWelcomes, { query: { page, pageSize: 20, status, channelId } }),
    [api, page, status, channelId],
  );

  return (
    <div data-testid="welcome-log">
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}>
          <Statistic title="已发送" value={data?.sent ?? '—'} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title="未发送" value={data?.notSent ?? '—'} valueStyle={data?.notSent ? { color: '#cf1322' } : undefined} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title="延迟 P50" value={seconds(data?.p50Ms)} />
        </Col>
        <Col xs={12} md={6}>
          <span data-testid="welcome-p99">
            <Statistic title="延迟 P99（窗口 20 秒）" value={seconds(data?.p99Ms)} />
          </span>
        </Col>
      </Row>
      <Space style={{ marginBottom: 12 }}>
        <Select<Status>
          allowClear
          placeholder="全部结果"
          style={{ width: 180 }}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={WELCOME_STATUSES.map((s) => ({ value: s, label: WELCOME_STATUS_LABELS[s] }))}
        />
      </Space>
      <DataTable<Item>
        rowKey="id"
        size="small"
        columns={channelId ? columns.filter((c) => c.title !== '渠道') : columns}
        dataSource={data?.items ?? []}
        loading={loading}
        scroll={{ x: 800 }}
        locale={{ emptyText: '还没有欢迎语记录' }}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, showSizeChanger: false, onChange: setPage, showTotal: (t) => `共 ${t} 条` }}
      />
    </div>
  );
}

export function WelcomesPage() {
  return (
    <Card title="欢迎语发送记录" extra={<Typography.Text type="secondary">延迟 = 客户添加（企业微信事件时间）到欢迎语发送成功</Typography.Text>}>
      <WelcomesTable />
    </Card>
  );
}
