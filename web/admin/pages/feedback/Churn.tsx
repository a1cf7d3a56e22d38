/**
 * 流失预警: members at risk against their own rhythm (score and reasons), recording why a member
 * left (which starts the win-back journey chosen for that cause), the recovered rate per cause,
 * and (HQ) the win-back journey per cause. A member who got several messages without answering
 * shows 「疑似：消息太多」, and that cause is pre-selected when recording.
 */
import { useState } from 'react';
import { Alert, App, Button, Card, Col, Empty, Form, Input, Modal, Progress, Row, Select, Space, Statistic, Tag } from 'antd';
import { DataTable } from '../../common/DataTable';
import * as F from '../../../../contracts/feedback';
import type { RouteResponse } from '../../../../contracts/route';
import { useAuth, useStaff } from '../../auth';
import { useLoaded } from '../../common/useLoaded';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';

const LEVEL: Record<F.ChurnRisk['level'], { text: string; color: string }> = {
  high: { text: '高', color: 'red' },
  medium: { text: '中', color: 'orange' },
  low: { text: '低', color: 'blue' },
};

export function ChurnPage() {
  const { api } = useAuth();
  const staff = useStaff();
  const [version, setVersion] = useState(0);
  const [recording, setRecording] = useState<F.ChurnRisk | null>(null);
  const risks = useLoaded(() => api.call(F.listChurnRisks, { query: { minScore: 30, limit: 200 } }), [api, version]);
  const cases = useLoaded(() => api.call(F.listChurnCases, { query: { page: 1, pageSize: 50 } }), [api, version]);
  const winback = useLoaded(() => api.call(F.getWinback), [api, version]);
  return (
    <>
      <Card size="small" title="各原因挽回率" style={{ marginBottom: 16 }} data-testid="churn-by-cause">
        <Row gutter={16}>
          {(cases.data?.byCause ?? []).map((b) => (
            <Col key={b.cause} span={4} style={{ minWidth: 170 }}>
              <Statistic title={F.CHURN_CAUSE_LABELS[b.cause]} value={Math.round(b.rate * 100)} suffix={`%（${b.recovered}/${b.cases}）`} />
            </Col>
          ))}
        </Row>
      </Card>
      <Card size="small" title="流失风险名单（按各自的消费节奏计算）" style={{ marginBottom: 16 }}>
        {risks.error && <Alert type="error" showIcon message={risks.error} />}
        <DataTable<F.ChurnRisk>
          rowKey="memberId"
          size="small"
          loading={risks.loading}
          dataSource={risks.data?.items ?? []}
          locale={{ emptyText: <Empty description="暂无流失风险会员" /> }}
          onRow={(r) => ({ 'data-testid': `risk-row-${r.memberId}` }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: '会员', render: (_, r) => `${r.memberName ?? `会员${r.memberId}`}（${r.tier ?? ''}）` },
            { title: '门店', dataIndex: 'storeName', render: (v: string | null) => v ?? '—' },
            {
              title: '风险',
              width: 160,
              render: (_, r) => (
                <Space>
                  <Tag color={LEVEL[r.level].color}>{LEVEL[r.level].text}</Tag>
                  <Progress percent={r.score} size="small" style={{ width: 80 }} showInfo={false} status={r.level === 'high' ? 'exception' : 'normal'} />
                  {r.score}
                </Space>
              ),
            },
            { title: '原因', dataIndex: 'reasons', render: (v: string[]) => v.join('；') },
            { title: '最后活跃', dataIndex: 'lastActiveAt', render: (v: string | null) => formatDateTime(v) },
            {
              title: '流失原因',
              render: (_, r) =>
                r.cause ? (
                  <Tag>{F.CHURN_CAUSE_LABELS[r.cause]}</Tag>
                ) : r.suggestedCause ? (
                  <Tag color="orange" data-testid={`risk-suggested-${r.memberId}`}>
                    疑似：{F.CHURN_CAUSE_LABELS[r.suggestedCause]}
                  </Tag>
                ) : (
                  '—'
                ),
            },
            {
              title: '',
              render: (_, r) => (
                <Button size="small" onClick={() => setRecording(r)} data-testid={`risk-record-${r.memberId}`}>
                  记录原因
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Card size="small" title="已记录的流失原因" style={{ marginBottom: 16 }}>
        <DataTable<F.ChurnCase>
          rowKey="id"
          size="small"
          dataSource={cases.data?.items ?? []}
          pagination={false}
          locale={{ emptyText: '暂无记录' }}
          columns={[
            { title: '会员', dataIndex: 'memberName' },
            { title: '原因', render: (_, r) => `${F.CHURN_CAUSE_LABELS[r.cause]}${r.note ? `：${r.note}` : ''}` },
            {
              title: '挽回',
              render: (_, r) =>
                [r.quieted ? '已停发自动消息，店员一对一问候' : '', r.journeyName ? `${r.journeyName}${r.enrolled ? '' : '（客户无企微好友，未加入）'}` : '']
                  .filter(Boolean)
                  .join('；') || '—',
            },
            { title: '记录', render: (_, r) => `${r.recordedBy ?? ''} ${formatDateTime(r.recordedAt)}` },
            { title: '已挽回', dataIndex: 'recoveredAt', render: (v: string | null) => (v ? <Tag color="green">{formatDateTime(v)}</Tag> : '—') },
          ]}
        />
      </Card>
      {winback.data && <WinbackCard data={winback.data} editable={staff.role === 'hq_admin'} onSaved={() => setVersion((v) => v + 1)} />}
      {recording && (
        <RecordModal
          risk={recording}
          journeys={winback.data?.journeys ?? []}
          onClose={() => setRecording(null)}
          onSaved={() => {
            setRecording(null);
            setVersion((v) => v + 1);
          }}
        />
      )}
    </>
  );
}

function RecordModal({
  risk,
  journeys,
  onClose,
  onSaved,
}: {
  risk: F.ChurnRisk;
  journeys: Array<{ id: number; name: string }>;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ cause: F.ChurnCause; note?: string; journeyId?: number | 'default' | 'none' }>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(v: { cause: F.ChurnCause; note?: string; journeyId?: number | 'default' | 'none' }) {
    setBusy(true);
    setError(null);
    try {
      const journeyId = v.journeyId === 'default' || v.journeyId === undefined ? undefined : v.journeyId === 'none' ? null : v.journeyId;
      const r = await api.call(F.recordChurnCause, { body: { memberId: risk.memberId, cause: v.cause, note: v.note || undefined, journeyId } });
      message.success(r.journeyName ? (r.enrolled ? `已记录，并加入「${r.journeyName}」` : '已记录（客户没有企微好友，未加入旅程）') : '已记录');
      onSaved();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      open
      title={`记录流失原因：${risk.memberName ?? risk.memberId}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText="记录"
      confirmLoading={busy}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ journeyId: 'default', cause: risk.suggestedCause ?? undefined }}>
        <Form.Item name="cause" label="原因" rules={[{ required: true, message: '请选择原因' }]}>
          <Select options={F.CHURN_CAUSES.map((c) => ({ value: c, label: F.CHURN_CAUSE_LABELS[c] }))} data-testid="churn-cause" />
        </Form.Item>
        <Form.Item noStyle shouldUpdate={(a, b) => a.cause !== b.cause}>
          {() =>
            form.getFieldValue('cause') === 'too_many_messages' ? (
              <Alert type="info" showIcon style={{ marginBottom: 12 }} message="少打扰：记录后停发该客户的自动旅程消息，并提醒店员只发一条一对一问候。" />
            ) : null
          }
        </Form.Item>
        <Form.Item name="note" label="说明">
          <Input maxLength={200} placeholder="例如：孩子上大学了，不再需要儿童课程" />
        </Form.Item>
        <Form.Item name="journeyId" label="挽回旅程">
          <Select
            options={[
              { value: 'default', label: '按原因的默认旅程' },
              { value: 'none', label: '不加入旅程' },
              ...journeys.map((j) => ({ value: j.id, label: j.name })),
            ]}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function WinbackCard({ data, editable, onSaved }: { data: RouteResponse<typeof F.getWinback>; editable: boolean; onSaved: () => void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [map, setMap] = useState(() => Object.fromEntries(data.byCause.map((b) => [b.cause, b.journeyId])) as Record<F.ChurnCause, number | null>);
  return (
    <Card
      size="small"
      title="每种原因的挽回旅程"
      extra={
        editable && (
          <Button
            type="primary"
            size="small"
            onClick={async () => {
              try {
                await api.call(F.setWinback, { body: { byCause: F.CHURN_CAUSES.map((cause) => ({ cause, journeyId: map[cause] ?? null })) } });
                message.success('已保存');
                onSaved();
              } catch (err) {
                message.error(errorMessage(err));
              }
            }}
          >
            保存
          </Button>
        )
      }
    >
      <Space wrap>
        {F.CHURN_CAUSES.map((cause) => (
          <Space key={cause}>
            <span>{F.CHURN_CAUSE_LABELS[cause]}</span>
            <Select
              disabled={!editable}
              style={{ width: 180 }}
              value={map[cause] ?? 0}
              options={[
                { value: 0, label: '（不自动加入）' },
                ...data.journeys.map((j) => ({ value: j.id, label: `${j.name}${j.active ? '' : '（已停用）'}` })),
              ]}
              onChange={(v: number) => setMap({ ...map, [cause]: v || null })}
            />
          </Space>
        ))}
      </Space>
    </Card>
  );
}
