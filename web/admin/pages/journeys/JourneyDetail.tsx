/**
 * One journey: where every customer in it stands (status, next step and when it is due, the step
 * log on expand), filterable by status and step; and the editor.
 */
import { useCallback, useEffect, useState } from 'react';
import { Alert, Card, Result, Select, Skeleton, Space, Tabs, Tag, Typography } from 'antd';
import { DataTable } from '../../common/DataTable';
import type { ColumnsType } from 'antd/es/table';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ENROLMENT_STATUSES, getJourney, listEnrolments, type EnrolmentView, type JourneyView } from '../../../../contracts/journeys';
import { useAuth } from '../../auth';
import { useLoaded } from '../../common/useLoaded';
import { ApiError, errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { JourneyEditor } from './JourneyEditor';
import { BUILTIN_LABELS, ENROLMENT_STATUS_LABELS, triggerSummary } from './labels';
import { Standing, StatusTag, StepLog } from './StepLog';

type Status = (typeof ENROLMENT_STATUSES)[number];

const columns: ColumnsType<EnrolmentView> = [
  {
    title: '客户',
    dataIndex: 'externalUserId',
    render: (id: string, r) => (
      <Space direction="vertical" size={0}>
        <Link to={`/journeys/customers/${encodeURIComponent(id)}`} data-testid={`enrolment-customer-${id}`}>
          {r.customerName ?? '未知客户'}
        </Link>
        {r.memberId ? (
          <Link to={`/members/${r.memberId}`} style={{ fontSize: 12 }}>
            会员 {r.memberName ?? '（未设置昵称）'}
          </Link>
        ) : (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            未绑定会员
          </Typography.Text>
        )}
      </Space>
    ),
  },
  { title: '跟进员工', dataIndex: 'staffUserId', render: (v: string | null, r) => r.staffName ?? (v ? '未登记员工' : '—') },
  { title: '状态', dataIndex: 'status', render: (s: Status) => <StatusTag status={s} /> },
  { title: '所处位置', key: 'standing', render: (_: unknown, r) => <Standing e={r} /> },
  { title: '进入时间', dataIndex: 'enrolledAt', render: (v: string) => formatDateTime(v) },
];

function Enrolments({ journey }: { journey: JourneyView }) {
  const { api } = useAuth();
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<Status | undefined>();
  const [step, setStep] = useState<number | undefined>();
  const { data, loading, error } = useLoaded(
    () => api.call(listEnrolments, { params: { journeyId: journey.id }, query: { page, pageSize: 20, status, step } }),
    [api, journey.id, page, status, step],
  );

  return (
    <div data-testid="journey-enrolments">
      <Space wrap style={{ marginBottom: 12 }}>
        <Select<Status>
          allowClear
          placeholder="全部状态"
          style={{ width: 140 }}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={ENROLMENT_STATUSES.map((s) => ({ value: s, label: ENROLMENT_STATUS_LABELS[s] }))}
        />
        <Select<number>
          allowClear
          placeholder="全部步骤"
          style={{ width: 220 }}
          value={step}
          onChange={(v) => {
            setStep(v);
            setPage(1);
          }}
          options={journey.steps.map((s, i) => ({ value: i, label: `等待：${i + 1}. ${s.name}（${journey.stats.waitingByStep[i] ?? 0}人）` }))}
        />
      </Space>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <DataTable<EnrolmentView>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={data?.items ?? []}
        loading={loading}
        scroll={{ x: 800 }}
        expandable={{ expandedRowRender: (r) => <StepLog log={r.log} testId={`enrolment-log-${r.id}`} /> }}
        locale={{ emptyText: status || step !== undefined ? '没有符合条件的客户' : '还没有客户进入这个旅程' }}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, showSizeChanger: false, onChange: setPage, showTotal: (t) => `共 ${t} 位客户` }}
      />
    </div>
  );
}

export function JourneyDetailPage() {
  const { api } = useAuth();
  const navigate = useNavigate();
  const journeyId = Number(useParams().journeyId);
  const [journey, setJourney] = useState<JourneyView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tab, setTab] = useState('enrolments');

  const load = useCallback(() => {
    if (!Number.isInteger(journeyId) || journeyId <= 0) {
      setError(new ApiError(404, 'NOT_FOUND', '旅程不存在'));
      return;
    }
    api.call(getJourney, { params: { journeyId } }).then(setJourney, setError);
  }, [api, journeyId]);
  useEffect(load, [load]);

  if (error) {
    return error instanceof ApiError && error.status === 404 ? (
      <Result status="404" title="旅程不存在" extra={<Link to="/journeys">返回旅程列表</Link>} />
    ) : (
      <Alert type="error" showIcon message={errorMessage(error)} />
    );
  }
  if (!journey) return <Skeleton active />;

  return (
    <Card
      data-testid="journey-detail"
      title={
        <Space>
          <Link to="/journeys">旅程</Link>
          <span>/</span>
          <span data-testid="journey-title">{journey.name}</span>
          {journey.builtinKey ? <Tag color="orange">{BUILTIN_LABELS[journey.builtinKey] ?? '内置'}</Tag> : null}
          {!journey.active && <Tag>已暂停</Tag>}
        </Space>
      }
      extra={<Typography.Text type="secondary">触发：{triggerSummary(journey.trigger)}</Typography.Text>}
    >
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'enrolments',
            label: <span data-testid="journey-tab-enrolments">客户进度（进行中 {journey.stats.active}）</span>,
            children: <Enrolments journey={journey} />,
          },
          {
            key: 'edit',
            label: <span data-testid="journey-tab-edit">规则设置</span>,
            children: (
              <JourneyEditor
                journey={journey}
                onSaved={(j) => {
                  setJourney(j);
                  setTab('enrolments');
                }}
              />
            ),
          },
        ]}
      />
      <Typography.Link onClick={() => navigate('/journeys')}>← 返回旅程列表</Typography.Link>
    </Card>
  );
}

export function JourneyCreatePage() {
  const navigate = useNavigate();
  return (
    <Card title="新建旅程" data-testid="journey-create">
      <JourneyEditor journey={null} onSaved={(j) => navigate(`/journeys/${j.id}`, { replace: true })} />
    </Card>
  );
}
