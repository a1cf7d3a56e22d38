/**
 * 旅程 list: built-in journeys first, each with its trigger, steps and how many customers wait at
 * each step; HQ admins pause/resume, create, and run an evaluation now (the scheduler runs one
 * every minute anyway). Outside production the run can be evaluated "as of" a chosen time, for
 * demos and tests of day-3 / day-7 steps.
 */
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Badge, Button, Card, Col, Empty, Form, Input, Modal, Row, Skeleton, Space, Statistic, Steps, Switch, Tag, Typography } from 'antd';
import { PlayCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate } from 'react-router-dom';
import type { RouteResponse } from '../../../../contracts/route';
import { listJourneys, runJourneys, setJourneyActive, type JourneyView } from '../../../../contracts/journeys';
import { useAuth, useStaff } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { formatDateTime, fromShanghaiInput } from '../../../shared/time';
import { usePublicConfig } from '../channels/options';
import { BUILTIN_LABELS, CONDITION_LABELS, actionSummary, triggerSummary, waitLabel } from './labels';

type RunResult = RouteResponse<typeof runJourneys>;

/** "YYYY-MM-DDTHH:mm" typed as Beijing time -> ISO UTC (null when incomplete). */
export const fromBeijingInput: (value: string | undefined) => string | null = fromShanghaiInput;

function JourneyCard({ j, canEdit, onToggle }: { j: JourneyView; canEdit: boolean; onToggle: (active: boolean) => void }) {
  const navigate = useNavigate();
  return (
    <Card
      data-testid={`journey-card-${j.builtinKey ?? j.id}`}
      style={{ marginBottom: 16 }}
      title={
        <Space>
          <Link to={`/journeys/${j.id}`} data-testid={`journey-open-${j.builtinKey ?? j.id}`}>
            {j.name}
          </Link>
          {j.builtinKey ? <Tag color="orange">{BUILTIN_LABELS[j.builtinKey] ?? '内置'}</Tag> : null}
          {j.active ? <Badge status="processing" text="运行中" /> : <Badge status="default" text="已暂停" />}
        </Space>
      }
      extra={
        <Space>
          {canEdit && (
            <Switch
              checked={j.active}
              checkedChildren="启用"
              unCheckedChildren="暂停"
              onChange={onToggle}
              data-testid={`journey-active-${j.builtinKey ?? j.id}`}
            />
          )}
          <Button onClick={() => navigate(`/journeys/${j.id}`)}>客户进度与编辑</Button>
        </Space>
      }
    >
      {j.description ? <Typography.Paragraph type="secondary">{j.description}</Typography.Paragraph> : null}
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col xs={8} md={4}>
          <Statistic title="进行中" value={j.stats.active} />
        </Col>
        <Col xs={8} md={4}>
          <Statistic title="已完成" value={j.stats.completed} />
        </Col>
        <Col xs={8} md={4}>
          <Statistic title="已退出" value={j.stats.exited} />
        </Col>
        <Col xs={24} md={12}>
          <Typography.Text type="secondary">触发：</Typography.Text>
          <Typography.Text strong>{triggerSummary(j.trigger)}</Typography.Text>
          <br />
          <Typography.Text type="secondary">
            更新于 {formatDateTime(j.updatedAt)} · 第 {j.version} 版
          </Typography.Text>
        </Col>
      </Row>
      <Steps
        size="small"
        current={-1}
        items={j.steps.map((s, i) => ({
          title: s.name,
          subTitle: <Tag color={j.stats.waitingByStep[i] ? 'blue' : 'default'}>等待 {j.stats.waitingByStep[i] ?? 0} 人</Tag>,
          description: (
            <span>
              {i === 0 ? '进入后' : '上一步后'}
              {waitLabel(s.waitHours)}
              {s.condition !== 'always' ? `，若${CONDITION_LABELS[s.condition]}` : ''}
              <br />
              {actionSummary(s.action)}
            </span>
          ),
        }))}
      />
    </Card>
  );
}

function RunNowButton({ onDone }: { onDone: () => void }) {
  const { api } = useAuth();
  const config = usePublicConfig();
  const [open, setOpen] = useState(false);
  const [at, setAt] = useState('');
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<RunResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canTimeTravel = config !== null && config.env !== 'production';

  async function run() {
    setError(null);
    setResult(null);
    const now = at ? fromBeijingInput(at) : undefined;
    if (now === null) {
      setError('请填写完整的评估时间');
      return;
    }
    setRunning(true);
    try {
      const r = await api.call(runJourneys, { body: now ? { now } : {} });
      setResult(r);
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setRunning(false);
    }
  }

  return (
    <>
      <Button icon={<PlayCircleOutlined />} onClick={() => setOpen(true)} data-testid="journey-run">
        立即评估
      </Button>
      <Modal
        open={open}
        title="立即评估旅程"
        onCancel={() => setOpen(false)}
        footer={
          <Space>
            <Button onClick={() => setOpen(false)}>关闭</Button>
            <Button type="primary" loading={running} onClick={run} data-testid="journey-run-go">
              运行
            </Button>
          </Space>
        }
      >
        <Typography.Paragraph type="secondary">调度器每分钟自动评估一次：让到期的客户进入旅程并执行到期的步骤。这里可以立即运行一次。</Typography.Paragraph>
        {canTimeTravel && (
          <Form layout="vertical">
            <Form.Item label="按此时间评估（北京时间，仅测试/演示环境）" extra="留空 = 现在。用于演示第3天、第7天的步骤。">
              <Input type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} data-testid="journey-run-at" />
            </Form.Item>
          </Form>
        )}
        {error && <Alert type="error" showIcon message={error} data-testid="journey-run-error" />}
        {result && (
          <Alert
            type={result.ran ? 'success' : 'warning'}
            showIcon
            data-testid="journey-run-result"
            message={
              result.ran
                ? `已完成：新进入 ${result.enrolled} 人，执行 ${result.stepsRun} 个步骤，顺延 ${result.deferred} 个（${result.ms} 毫秒）`
                : '另一个实例正在评估，本次未运行，请稍后再试'
            }
          />
        )}
      </Modal>
    </>
  );
}

export function JourneyListPage() {
  const { api } = useAuth();
  const staff = useStaff();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [items, setItems] = useState<JourneyView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canEdit = staff.role === 'hq_admin';

  const load = useCallback(() => {
    api.call(listJourneys).then(
      (r) => {
        setItems(r.items);
        setError(null);
      },
      (err) => setError(errorMessage(err)),
    );
  }, [api]);
  useEffect(load, [load]);

  async function toggle(j: JourneyView, active: boolean) {
    try {
      const saved = await api.call(setJourneyActive, { params: { journeyId: j.id }, body: { active } });
      setItems((list) => list?.map((x) => (x.id === saved.id ? saved : x)) ?? null);
      message.success(active ? `「${j.name}」已启用` : `「${j.name}」已暂停：不再有新客户进入，已在旅程中的客户原地等待`);
    } catch (err) {
      message.error(errorMessage(err));
    }
  }

  return (
    <div data-testid="journey-list">
      <Space style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Text type="secondary">旅程按规则自动运行：免打扰时段、每周上限、企业微信每月群发上限和客户退订都会被遵守。</Typography.Text>
        {canEdit && (
          <Space>
            <RunNowButton onDone={load} />
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/journeys/new')} data-testid="journey-new">
              新建旅程
            </Button>
          </Space>
        )}
      </Space>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      {!items && !error ? <Skeleton active /> : null}
      {items && !items.length ? <Empty description="还没有旅程" /> : null}
      {items?.map((j) => (
        <JourneyCard key={j.id} j={j} canEdit={canEdit} onToggle={(a) => toggle(j, a)} />
      ))}
    </div>
  );
}
