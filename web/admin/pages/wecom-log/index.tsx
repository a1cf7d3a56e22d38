/**
 * 企微日志 (HQ only), for troubleshooting the WeCom engine: the durable callback inbox, the outbound
 * effects with their exactly-once state, and this instance's last 200 WeCom API calls (no secrets).
 */
import { useCallback, useEffect, useState, type DependencyList } from 'react';
import { Alert, Button, Card, Select, Space, Tabs, Tag, Typography } from 'antd';
import { DataTable } from '../../common/DataTable';
import { ReloadOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import type { RouteResponse } from '../../../../contracts/route';
import { OUTBOUND_STATUSES, listCallbacks, listOutbound, listPlatformCalls } from '../../../../contracts/wecom';
import { useAuth } from '../../auth';
import { useListQuery, type ListQuery } from '../../common/ListQuery';
import { useLoaded, type Loaded } from '../../common/useLoaded';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';

type CallbackItem = RouteResponse<typeof listCallbacks>['items'][number];
type OutboundItem = RouteResponse<typeof listOutbound>['items'][number];
type CallItem = RouteResponse<typeof listPlatformCalls>['items'][number];
type InboxStatus = CallbackItem['status'];
type OutStatus = (typeof OUTBOUND_STATUSES)[number];

const INBOX_LABELS: Record<InboxStatus, string> = { pending: '待处理', processing: '处理中', done: '已处理', failed: '失败' };
const INBOX_COLORS: Record<InboxStatus, string> = { pending: 'blue', processing: 'processing', done: 'green', failed: 'red' };
const OUT_LABELS: Record<OutStatus, string> = { pending: '待发送', sending: '发送中', sent: '已发送', failed: '失败', cancelled: '已取消' };
const OUT_COLORS: Record<OutStatus, string> = { pending: 'blue', sending: 'processing', sent: 'green', failed: 'red', cancelled: 'default' };
const CHANGE_LABELS: Record<string, string> = {
  add_external_contact: '添加客户',
  edit_external_contact: '编辑客户',
  del_external_contact: '员工删除客户',
  del_follow_user: '客户删除员工',
  add_half_external_contact: '客户添加（待通过）',
  transfer_fail: '接替失败',
  create: '创建',
  update: '变更',
  delete: '删除',
  shuffle: '重排',
  dismiss: '解散',
};
const PAGE_SIZE = 20;
const OUTCOME_COLORS: Record<CallItem['outcome'], string> = {
  ok: 'green',
  error: 'red',
  timeout: 'orange',
  network: 'orange',
  http: 'red',
  bad_response: 'red',
};

/**
 * One page-of-20 log list with a status filter and a refresh button: picking a status goes back
 * to page 1; refresh reloads the current page.
 */
function usePagedLog<S, R extends { items: unknown[]; total: number }>(load: (page: number, status: S | undefined) => Promise<R>, deps: DependencyList) {
  const query = useListQuery<S>(PAGE_SIZE);
  const [tick, setTick] = useState(0);
  const loaded = useLoaded(() => load(query.page, query.filter), [query.page, query.filter, tick, ...deps]);
  return { query, loaded, reload: () => setTick((t) => t + 1) };
}

function StatusSelect<S extends string>({ query, options }: { query: ListQuery<S>; options: Array<{ value: S; label: string }> }) {
  return <Select<S> allowClear placeholder="全部状态" style={{ width: 140 }} value={query.filter} onChange={query.setFilter} options={options} />;
}

function LogTable<T extends { id: number }>({
  query,
  loaded,
  columns,
}: {
  query: ListQuery<unknown>;
  loaded: Loaded<{ items: T[]; total: number }>;
  columns: ColumnsType<T>;
}) {
  return (
    <>
      {loaded.error && <Alert type="error" showIcon message={loaded.error} style={{ marginBottom: 12 }} />}
      <DataTable<T>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={loaded.data?.items ?? []}
        loading={loaded.loading}
        scroll={{ x: 900 }}
        pagination={{ current: query.page, pageSize: PAGE_SIZE, total: loaded.data?.total ?? 0, showSizeChanger: false, showTotal: (t) => `共 ${t} 条` }}
        onChange={query.onTableChange}
      />
    </>
  );
}

function Callbacks() {
  const { api } = useAuth();
  const { query, loaded, reload } = usePagedLog<InboxStatus, RouteResponse<typeof listCallbacks>>(
    (page, status) => api.call(listCallbacks, { query: { page, pageSize: PAGE_SIZE, status } }),
    [api],
  );
  const columns: ColumnsType<CallbackItem> = [
    {
      title: '事件',
      dataIndex: 'event',
      render: (e: string, r) => (
        <span>
          {r.changeType ? (CHANGE_LABELS[r.changeType] ?? r.changeType) : (EVENT_LABELS[e] ?? e)}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {' '}
            {EVENT_LABELS[e] ?? e}
          </Typography.Text>
        </span>
      ),
    },
    { title: '客户', dataIndex: 'externalUserId', render: (v: string | null, r) => (v ? (r.customerName ?? '未命名客户') : '—') },
    { title: '员工', dataIndex: 'staffUserId', render: (v: string | null, r) => r.staffName ?? v ?? '—' },
    { title: '事件时间', dataIndex: 'eventAt', render: (v: string) => formatDateTime(v) },
    { title: '收到时间', dataIndex: 'receivedAt', render: (v: string) => formatDateTime(v) },
    {
      title: '状态',
      dataIndex: 'status',
      render: (s: InboxStatus, r) => (
        <Space size={4}>
          <Tag color={INBOX_COLORS[s]}>{INBOX_LABELS[s]}</Tag>
          {r.attempts > 1 ? <Typography.Text type="secondary">第{r.attempts}次</Typography.Text> : null}
        </Space>
      ),
    },
    { title: '错误', dataIndex: 'lastError', render: (v: string | null) => (v ? <Typography.Text type="danger">{v}</Typography.Text> : null) },
  ];
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <StatusSelect<InboxStatus> query={query} options={Object.entries(INBOX_LABELS).map(([value, label]) => ({ value: value as InboxStatus, label }))} />
        <Button icon={<ReloadOutlined />} onClick={reload}>
          刷新
        </Button>
      </Space>
      <LogTable<CallbackItem> query={query} loaded={loaded} columns={columns} />
    </>
  );
}

function Outbound() {
  const { api } = useAuth();
  const { query, loaded, reload } = usePagedLog<OutStatus, RouteResponse<typeof listOutbound>>(
    (page, status) => api.call(listOutbound, { query: { page, pageSize: PAGE_SIZE, status } }),
    [api],
  );
  // the per-status counts come with each page; the last answer's stay shown while the next loads
  const counts: Record<string, number> = loaded.data?.counts ?? {};
  const columns: ColumnsType<OutboundItem> = [
    { title: '类型', dataIndex: 'kind' },
    {
      title: '幂等键',
      dataIndex: 'idemKey',
      render: (v: string) => (
        <Typography.Text code style={{ fontSize: 12 }}>
          {v}
        </Typography.Text>
      ),
    },
    {
      title: '状态',
      dataIndex: 'status',
      render: (s: OutStatus, r) => (
        <Space size={4}>
          <Tag color={OUT_COLORS[s]}>{OUT_LABELS[s]}</Tag>
          {r.attempts > 1 ? <Typography.Text type="secondary">尝试{r.attempts}次</Typography.Text> : null}
        </Space>
      ),
    },
    { title: '创建', dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
    { title: '发送', dataIndex: 'sentAt', render: (v: string | null) => formatDateTime(v) },
    { title: '错误', dataIndex: 'lastError', render: (v: string | null) => (v ? <Typography.Text type="danger">{v}</Typography.Text> : null) },
  ];
  return (
    <>
      <Space style={{ marginBottom: 12 }} wrap>
        <StatusSelect<OutStatus> query={query} options={OUTBOUND_STATUSES.map((s) => ({ value: s, label: OUT_LABELS[s] }))} />
        <Button icon={<ReloadOutlined />} onClick={reload}>
          刷新
        </Button>
        {OUTBOUND_STATUSES.map((s) => (
          <Tag key={s} color={OUT_COLORS[s]}>
            {OUT_LABELS[s]} {counts[s] ?? 0}
          </Tag>
        ))}
      </Space>
      <LogTable<OutboundItem> query={query} loaded={loaded} columns={columns} />
    </>
  );
}

function Calls() {
  const { api } = useAuth();
  const [items, setItems] = useState<Array<CallItem & { key: number }> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    api.call(listPlatformCalls).then(
      (r) => {
        setItems(r.items.map((x, i) => ({ ...x, key: i })).reverse()); // newest first
        setError(null);
      },
      (err) => setError(errorMessage(err)),
    );
  }, [api]);
  useEffect(load, [load]);
  const columns: ColumnsType<CallItem & { key: number }> = [
    { title: '时间', dataIndex: 'at', render: (v: string) => formatDateTime(v) },
    { title: '接口', dataIndex: 'api', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    {
      title: '结果',
      dataIndex: 'outcome',
      render: (o: CallItem['outcome'], r) => (
        <Space size={4}>
          <Tag color={OUTCOME_COLORS[o]}>{o}</Tag>
          {r.errcode ? <Typography.Text type="secondary">errcode {r.errcode}</Typography.Text> : null}
        </Space>
      ),
    },
    { title: '耗时', dataIndex: 'ms', align: 'right', render: (v: number) => `${Math.round(v)} ms` },
  ];
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button icon={<ReloadOutlined />} onClick={load}>
          刷新
        </Button>
        <Typography.Text type="secondary">本实例最近 200 次调用；不记录 access_token 和密钥</Typography.Text>
      </Space>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <DataTable<CallItem & { key: number }>
        rowKey="key"
        size="small"
        columns={columns}
        dataSource={items ?? []}
        loading={!items && !error}
        pagination={{ pageSize: 50, showSizeChanger: false }}
      />
    </>
  );
}

/** WeCom callback event names as ops read them. */
const EVENT_LABELS: Record<string, string> = { change_external_contact: '客户变更', change_external_chat: '客户群变更', change_external_tag: '企业标签变更' };

export function WecomLogPage() {
  return (
    <Card data-testid="wecom-log">
      <Tabs
        items={[
          { key: 'callbacks', label: '回调收件箱', children: <Callbacks /> },
          { key: 'outbound', label: '外发队列', children: <Outbound /> },
          { key: 'calls', label: '接口调用', children: <Calls /> },
        ]}
      />
    </Card>
  );
}
