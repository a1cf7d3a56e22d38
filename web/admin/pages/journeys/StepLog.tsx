/** A customer's path through one journey: where they stand now and every step's outcome. */
import { Card, Descriptions, Space, Tag, Timeline, Typography } from 'antd';
import type { EnrolmentView } from '../../../../contracts/journeys';
import { formatDateTime } from '../../../shared/time';
import { ENROLMENT_STATUS_COLORS, ENROLMENT_STATUS_LABELS, OUTCOME_COLORS, OUTCOME_LABELS } from './labels';

/** Times the engine writes into a step's detail (e.g. 顺延至 <ISO UTC>), shown in Beijing time. */
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z/g;
export function readableDetail(detail: string): string {
  return detail.replace(ISO_TIME, (iso) => formatDateTime(iso));
}

export function StepLog({ log, testId }: { log: EnrolmentView['log']; testId?: string }) {
  if (!log.length) return <Typography.Text type="secondary">暂无记录</Typography.Text>;
  return (
    <div data-testid={testId}>
      <Timeline
        items={log.map((l) => ({
          color:
            OUTCOME_COLORS[l.outcome] === 'orange'
              ? 'orange'
              : OUTCOME_COLORS[l.outcome] === 'default'
                ? 'gray'
                : OUTCOME_COLORS[l.outcome] === 'green'
                  ? 'green'
                  : 'blue',
          children: (
            <Space direction="vertical" size={0}>
              <Space size={6} wrap>
                <Typography.Text type="secondary">{formatDateTime(l.at)}</Typography.Text>
                {l.stepName ? <Typography.Text strong>{l.stepName}</Typography.Text> : null}
                <Tag color={OUTCOME_COLORS[l.outcome]} data-testid={testId ? `${testId}-outcome` : undefined}>
                  {OUTCOME_LABELS[l.outcome] ?? l.outcome}
                </Tag>
              </Space>
              {l.detail ? <Typography.Text type="secondary">{readableDetail(l.detail)}</Typography.Text> : null}
            </Space>
          ),
        }))}
      />
    </div>
  );
}

export function StatusTag({ status }: { status: EnrolmentView['status'] }) {
  return <Tag color={ENROLMENT_STATUS_COLORS[status]}>{ENROLMENT_STATUS_LABELS[status]}</Tag>;
}

/** "Where the customer stands" line: next step and when it is due, or why they left. */
export function Standing({ e }: { e: EnrolmentView }) {
  if (e.status === 'active') {
    return (
      <span>
        下一步：<Typography.Text strong>{e.nextStepName ?? `步骤 ${e.nextStep + 1}`}</Typography.Text>
        {e.nextDueAt ? <Typography.Text type="secondary">（{formatDateTime(e.nextDueAt)} 到期）</Typography.Text> : null}
      </span>
    );
  }
  if (e.status === 'completed') return <span>已走完全部步骤</span>;
  return <span>已退出{e.exitReason ? `：${e.exitReason}` : ''}</span>;
}

/** One enrolment as a card: journey, status, standing and the full step log. */
export function EnrolmentCard({ e, showJourney = true }: { e: EnrolmentView; showJourney?: boolean }) {
  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      data-testid={`enrolment-${e.id}`}
      data-journey-id={e.journeyId}
      title={
        <Space>
          {showJourney ? <span data-testid="enrolment-journey">{e.journeyName}</span> : <span>{e.customerName ?? '未命名客户'}</span>}
          <span data-testid="enrolment-status">
            <StatusTag status={e.status} />
          </span>
        </Space>
      }
    >
      <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 12 }}>
        <Descriptions.Item label="当前">
          <span data-testid="enrolment-standing">
            <Standing e={e} />
          </span>
        </Descriptions.Item>
        <Descriptions.Item label="进入时间">{formatDateTime(e.enrolledAt)}</Descriptions.Item>
        <Descriptions.Item label="跟进员工">{e.staffName ?? (e.staffUserId ? '未登记员工' : '—')}</Descriptions.Item>
      </Descriptions>
      <StepLog log={e.log} testId={`enrolment-log-${e.id}`} />
    </Card>
  );
}
