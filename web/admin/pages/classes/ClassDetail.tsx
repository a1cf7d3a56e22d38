/** One class: its facts, attendance and no-show figures, every session with counts, and ratings. */
import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Popconfirm,
  Rate,
  Result,
  Row,
  Skeleton,
  Space,
  Statistic,
  Tag,
  Typography,
} from 'antd';
import { DataTable } from '../../common/DataTable';
import type { ColumnsType } from 'antd/es/table';
import { Link, useNavigate, useParams } from 'react-router-dom';
import {
  opsAddSession,
  opsCancelSession,
  opsClassStats,
  opsFeedback,
  opsGetClass,
  type ClassDetail,
  type ClassStats,
  type FeedbackItem,
  type OpsSession,
} from '../../../../contracts/classes';
import { useAuth } from '../../auth';
import { ApiError, errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { ClassEditDrawer } from './ClassForm';
import { fromShanghaiInput, percent, SESSION_STATUS_LABELS, stars, typeLabel } from './util';

type SessionRow = OpsSession & { attendedPeople: number | null; averageRating: number | null };

function hours(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} 小时` : `${(minutes / 60).toFixed(1)} 小时`;
}

export function ClassDetailPage() {
  const { api } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const classId = Number(useParams().classId);
  const [detail, setDetail] = useState<ClassDetail | null>(null);
  const [stats, setStats] = useState<ClassStats | null>(null);
  const [feedback, setFeedback] = useState<{ items: FeedbackItem[]; averageRating: number | null } | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [editing, setEditing] = useState(false);
  const [adding, setAdding] = useState(false);

  const load = useCallback(() => {
    if (!Number.isInteger(classId) || classId <= 0) {
      setError(new Error('活动不存在'));
      return;
    }
    api.call(opsGetClass, { params: { classId } }).then(setDetail, setError);
    api.call(opsClassStats, { params: { classId } }).then(setStats, () => setStats(null));
    api.call(opsFeedback, { query: { classId, page: 1, pageSize: 50 } }).then(
      (r) => setFeedback({ items: r.items, averageRating: r.averageRating }),
      () => setFeedback(null),
    );
  }, [api, classId]);

  useEffect(load, [load]);

  if (error) {
    return error instanceof ApiError && error.status === 404 ? (
      <Result status="404" title="活动不存在或不在你的门店" extra={<Link to="/classes">返回活动列表</Link>} />
    ) : (
      <Alert type="error" showIcon message={errorMessage(error)} />
    );
  }
  if (!detail) return <Skeleton active />;

  const perSession = new Map((stats?.sessions ?? []).map((s) => [s.sessionId, s]));
  const rows: SessionRow[] = detail.sessions.map((s) => ({
    ...s,
    attendedPeople: perSession.get(s.id)?.attendedPeople ?? null,
    averageRating: perSession.get(s.id)?.averageRating ?? null,
  }));

  async function cancelSession(id: number) {
    try {
      await api.call(opsCancelSession, { params: { sessionId: id } });
      message.success('已取消该场次，已报名的会员会看到取消状态');
      load();
    } catch (err) {
      message.error(errorMessage(err));
    }
  }

  const columns: ColumnsType<SessionRow> = [
    { title: '时间', dataIndex: 'startsAt', render: (v: string, r) => `${formatDateTime(v)} – ${formatDateTime(r.endsAt).slice(11)}` },
    {
      title: '状态',
      dataIndex: 'status',
      render: (v: string) => <Tag color={v === 'cancelled' ? 'default' : v === 'finished' ? 'blue' : 'green'}>{SESSION_STATUS_LABELS[v] ?? v}</Tag>,
    },
    {
      title: '名额（已用/总数）',
      key: 'seats',
      render: (_, r) => (
        <span data-testid={`session-seats-${r.id}`}>
          成人 {r.adultSeats - r.adultSeatsLeft}/{r.adultSeats}
          {r.childSeats > 0 ? ` · 儿童 ${r.childSeats - r.childSeatsLeft}/${r.childSeats}` : ''}
        </span>
      ),
    },
    { title: '已报名', dataIndex: 'confirmed' },
    { title: '候补', dataIndex: 'waitlisted', render: (n: number) => (n ? <Tag color="orange">{n}</Tag> : 0) },
    { title: '已签到', dataIndex: 'attended' },
    { title: '未到场', dataIndex: 'noShow', render: (n: number) => (n ? <Tag color="red">{n}</Tag> : 0) },
    { title: '已取消', dataIndex: 'cancelled' },
    { title: '评分', dataIndex: 'averageRating', render: (v: number | null) => (v === null ? '—' : `★ ${stars(v)}`) },
    {
      title: '操作',
      key: 'actions',
      render: (_, r) => (
        <Space>
          <Link to={`/classes/sessions/${r.id}`} data-testid={`session-roster-${r.id}`}>
            名单与签到
          </Link>
          {r.status === 'scheduled' && (
            <Popconfirm
              title="取消这一场？"
              description="所有报名和候补都会被取消。"
              okText="确定取消"
              cancelText="再想想"
              onConfirm={() => cancelSession(r.id)}
            >
              <Button type="link" danger size="small">
                取消场次
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  const t = stats?.totals;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="class-detail">
      <Card
        title={
          <Space>
            <span data-testid="class-title">{detail.title}</span>
            <Tag color="gold">{typeLabel(detail.type)}</Tag>
            {detail.isSeries && detail.recurrence && (
              <Tag color="geekblue">
                {{ daily: '每天', weekly: '每周', monthly: '每月' }[detail.recurrence.frequency]} · 共 {detail.recurrence.count} 场
              </Tag>
            )}
          </Space>
        }
        extra={
          <Space>
            <Button onClick={() => setAdding(true)}>添加场次</Button>
            <Button type="primary" data-testid="class-edit" onClick={() => setEditing(true)}>
              编辑
            </Button>
          </Space>
        }
      >
        <Descriptions column={{ xs: 1, md: 3 }} size="small">
          <Descriptions.Item label="门店">
            {detail.storeName ?? '—'}
            {detail.room ? ` · ${detail.room}` : ''}
          </Descriptions.Item>
          <Descriptions.Item label="主讲/主持">{detail.hostName}</Descriptions.Item>
          <Descriptions.Item label="价格">{detail.priceFen > 0 ? `¥${(detail.priceFen / 100).toFixed(2)}/人` : '免费'}</Descriptions.Item>
          <Descriptions.Item label="每场名额">
            成人 {detail.adultSeats}
            {detail.childSeats > 0 ? ` · 儿童 ${detail.childSeats}` : ''}
          </Descriptions.Item>
          <Descriptions.Item label="报名截止">开始前 {hours(detail.registrationClosesMinutesBefore)}</Descriptions.Item>
          <Descriptions.Item label="取消截止">开始前 {hours(detail.cancellationClosesMinutesBefore)}</Descriptions.Item>
          <Descriptions.Item label="到场标签">{detail.tags.length ? detail.tags.map((x) => <Tag key={x}>{x}</Tag>) : '—'}</Descriptions.Item>
          <Descriptions.Item label="创建时间">{formatDateTime(detail.createdAt)}</Descriptions.Item>
        </Descriptions>
        {detail.description && <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginTop: 12 }}>{detail.description}</Typography.Paragraph>}
      </Card>

      <Card title="出勤与未到场" data-testid="class-stats">
        {t ? (
          <Row gutter={[16, 16]}>
            <Col xs={12} md={4}>
              <Statistic title="场次（已结束）" value={`${t.sessions}（${t.finishedSessions}）`} />
            </Col>
            <Col xs={12} md={4}>
              <Statistic title="应到户数" value={t.expected} />
            </Col>
            <Col xs={12} md={4}>
              <Statistic title="到场户数 / 人数" value={`${t.attended} / ${t.attendedPeople}`} />
            </Col>
            <Col xs={12} md={4}>
              <Statistic title="未到场户数" value={t.noShow} />
            </Col>
            <Col xs={12} md={4}>
              <Statistic title="到场率 / 未到场率" value={`${percent(t.attendanceRate)} / ${percent(t.noShowRate)}`} />
            </Col>
            <Col xs={12} md={4}>
              <Statistic title={`平均评分（${t.ratings} 条）`} value={t.averageRating === null ? '—' : stars(t.averageRating)} />
            </Col>
          </Row>
        ) : (
          <Typography.Text type="secondary">暂无数据</Typography.Text>
        )}
      </Card>

      <Card title="场次">
        <div data-testid="session-table">
          <DataTable<SessionRow> rowKey="id" size="middle" columns={columns} dataSource={rows} pagination={false} scroll={{ x: 1000 }} />
        </div>
      </Card>

      <Card title={`评价${feedback?.averageRating != null ? `（平均 ★ ${stars(feedback.averageRating)}）` : ''}`} data-testid="class-feedback">
        <List
          dataSource={feedback?.items ?? []}
          locale={{ emptyText: '还没有评价' }}
          renderItem={(f) => (
            <List.Item key={f.registrationId} data-testid={`feedback-${f.registrationId}`}>
              <List.Item.Meta
                title={
                  <Space>
                    <Rate disabled value={f.stars} style={{ fontSize: 14 }} />
                    <span>{f.memberNickname ?? '会员'}</span>
                    <Typography.Text type="secondary">场次 {formatDateTime(f.startsAt)}</Typography.Text>
                  </Space>
                }
                description={f.comment ?? '（没有留言）'}
              />
              <Typography.Text type="secondary">{formatDateTime(f.ratedAt)}</Typography.Text>
            </List.Item>
          )}
        />
      </Card>

      <ClassEditDrawer detail={detail} open={editing} onClose={() => setEditing(false)} onSaved={(d) => (setDetail(d), load())} />
      <AddSessionModal
        classId={detail.id}
        open={adding}
        onClose={() => setAdding(false)}
        onAdded={(d) => {
          setDetail(d);
          load();
        }}
      />
      <Button type="link" onClick={() => navigate('/classes')} style={{ paddingLeft: 0 }}>
        ← 返回活动列表
      </Button>
    </Space>
  );
}

function AddSessionModal({ classId, open, onClose, onAdded }: { classId: number; open: boolean; onClose(): void; onAdded(d: ClassDetail): void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ startsAt: string; durationMinutes: number }>();
  const [saving, setSaving] = useState(false);
  async function submit() {
    const v = await form.validateFields();
    const startsAt = fromShanghaiInput(v.startsAt);
    if (!startsAt) {
      form.setFields([{ name: 'startsAt', errors: ['请选择开始时间'] }]);
      return;
    }
    setSaving(true);
    try {
      const d = await api.call(opsAddSession, {
        params: { classId },
        body: { startsAt, endsAt: new Date(Date.parse(startsAt) + v.durationMinutes * 60_000).toISOString() },
      });
      message.success('已添加场次');
      onAdded(d);
      onClose();
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }
  return (
    <Modal title="添加场次" open={open} onCancel={onClose} onOk={submit} confirmLoading={saving} okText="添加" destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ durationMinutes: 90 }}>
        <Form.Item name="startsAt" label="开始时间（北京时间）" rules={[{ required: true, message: '请选择开始时间' }]}>
          <Input type="datetime-local" />
        </Form.Item>
        <Form.Item name="durationMinutes" label="时长" rules={[{ required: true, message: '请填写时长' }]}>
          <InputNumber min={10} max={1440} step={15} precision={0} addonAfter="分钟" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
