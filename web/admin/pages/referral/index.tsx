/**
 * 推荐裂变 (issue 15), HQ: new members by source per week with the K-factor, the funnel share →
 * opened → registered → converted → rewarded, top referrers, rewards issued and held, the held
 * cases with their evidence (release or reject), recent attributions, the rules (editable) and the
 * Excel export.
 */
import { useState } from 'react';
import { Alert, Button, Card, Col, Form, InputNumber, Checkbox, Input, Radio, Row, Space, Statistic, Tag, message } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import * as R from '../../../../contracts/referral';
import { useAuth } from '../../auth';
import { DataTable } from '../../common/DataTable';
import { useLoaded } from '../../common/useLoaded';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { downloadWithToken } from '../classes/util';

type Report = R.ReferralReport;

export function ReferralSection() {
  const { api } = useAuth();
  const [weeks, setWeeks] = useState(8);
  const [version, setVersion] = useState(0);
  const d = useLoaded(() => api.call(R.opsReferralReport, { query: { weeks } }), [api, weeks, version]);
  const r = d.data;

  async function decide(rewardId: number, decision: 'release' | 'reject') {
    try {
      await api.call(R.opsDecideReward, { params: { rewardId }, body: { decision } });
      void message.success(decision === 'release' ? '已发放' : '已驳回');
      setVersion((v) => v + 1);
    } catch (err) {
      void message.error(errorMessage(err));
    }
  }

  async function exportXlsx() {
    try {
      await downloadWithToken(R.referralExportUrl('', weeks), 'referral.xlsx');
    } catch (err) {
      void message.error(errorMessage(err));
    }
  }

  return (
    <div data-testid="referral-section">
      <Space style={{ marginBottom: 12 }} wrap>
        <span>最近</span>
        <InputNumber min={1} max={52} value={weeks} onChange={(v) => setWeeks(Number(v) || 8)} />
        <span>周</span>
        <Button icon={<DownloadOutlined />} data-testid="referral-export" onClick={() => void exportXlsx()}>
          导出 Excel
        </Button>
      </Space>
      {d.error && <Alert type="error" showIcon message={d.error} style={{ marginBottom: 12 }} />}
      {r && (
        <>
          <Row gutter={12} style={{ marginBottom: 12 }}>
            {(
              [
                ['分享', r.funnel.shares],
                ['打开', r.funnel.opened],
                ['注册', r.funnel.registered],
                ['转化', r.funnel.converted],
                ['已奖励', r.funnel.rewarded],
              ] as const
            ).map(([label, n]) => (
              <Col key={label} span={4}>
                <Card size="small">
                  <Statistic title={label} value={n} />
                </Card>
              </Col>
            ))}
            <Col span={4}>
              <Card size="small" data-testid="referral-held-count">
                <Statistic title="待审核奖励" value={r.rewards.held} />
              </Card>
            </Col>
          </Row>
          <Card size="small" title="每周新会员来源与 K 因子" style={{ marginBottom: 12 }}>
            <DataTable<Report['weeks'][number]>
              rowKey="week"
              size="small"
              pagination={false}
              dataSource={r.weeks}
              columns={[
                { title: '周（周一）', dataIndex: 'week' },
                ...R.SOURCES.map((s) => ({ title: R.SOURCE_LABELS[s], key: s, render: (_: unknown, w: Report['weeks'][number]) => w.bySource[s] })),
                { title: '新会员', dataIndex: 'newMembers' },
                { title: 'K 因子', dataIndex: 'kFactor', render: (v: number) => v.toFixed(3) },
              ]}
            />
            <div style={{ color: '#888', marginTop: 6 }}>K 因子 = 本周被推荐的新会员 ÷ 本周开始时的会员数</div>
          </Card>
          <Card size="small" title={`待审核（${r.held.length}）`} style={{ marginBottom: 12 }} data-testid="referral-held">
            <DataTable<R.HeldCase>
              rowKey="rewardId"
              size="small"
              pagination={false}
              dataSource={r.held}
              onRow={(h) => ({ 'data-testid': `referral-held-${h.rewardId}` }) as React.HTMLAttributes<HTMLElement>}
              columns={[
                { title: '推荐人', dataIndex: 'referrerName' },
                { title: '被邀请人', dataIndex: 'inviteeName' },
                { title: '转化', dataIndex: 'conversion', render: (v: R.ConversionKind) => R.CONVERSION_LABELS[v] },
                {
                  title: '疑点与证据',
                  key: 'reasons',
                  render: (_: unknown, h) =>
                    h.reasons.map((x) => (
                      <div key={x.code}>
                        <Tag color="orange">{x.label}</Tag>
                        {x.evidence}
                      </div>
                    )),
                },
                { title: '时间', dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
                {
                  title: '操作',
                  key: 'op',
                  render: (_: unknown, h) => (
                    <Space>
                      <Button size="small" type="primary" data-testid={`referral-release-${h.rewardId}`} onClick={() => void decide(h.rewardId, 'release')}>
                        核实发放
                      </Button>
                      <Button size="small" danger onClick={() => void decide(h.rewardId, 'reject')}>
                        驳回
                      </Button>
                    </Space>
                  ),
                },
              ]}
            />
          </Card>
          <Row gutter={12} style={{ marginBottom: 12 }}>
            <Col span={12}>
              <Card size="small" title="推荐达人">
                <DataTable<Report['topReferrers'][number]>
                  rowKey="memberId"
                  size="small"
                  pagination={false}
                  dataSource={r.topReferrers}
                  columns={[
                    { title: '会员', dataIndex: 'name' },
                    { title: '邀请', dataIndex: 'invited' },
                    { title: '转化', dataIndex: 'converted' },
                    { title: '已奖励', dataIndex: 'rewarded' },
                  ]}
                />
              </Card>
            </Col>
            <Col span={12}>
              <Card size="small" title="奖励">
                <Space size="large" wrap>
                  <Statistic title="已发放" value={r.rewards.issued} />
                  <Statistic title="审核中" value={r.rewards.held} />
                  <Statistic title="未通过" value={r.rewards.rejected} />
                  <Statistic title="不符合规则" value={r.rewards.excluded} />
                  <Statistic title="发放积分" value={r.rewards.pointsIssued} />
                  <Statistic title="发放券面额（元）" value={r.rewards.couponFenIssued / 100} />
                </Space>
              </Card>
            </Col>
          </Row>
          <Card size="small" title="最近归因" style={{ marginBottom: 12 }}>
            <DataTable<Report['attributions'][number]>
              rowKey="memberId"
              size="small"
              dataSource={r.attributions}
              pagination={{ pageSize: 10, showSizeChanger: false }}
              onRow={(a) => ({ 'data-testid': `referral-attr-${a.memberId}` }) as React.HTMLAttributes<HTMLElement>}
              columns={[
                { title: '新会员', dataIndex: 'memberName' },
                { title: '来源', dataIndex: 'source', render: (v: R.ReferralSource) => R.SOURCE_LABELS[v] },
                { title: '推荐人', dataIndex: 'referrerName', render: (v: string | null) => v ?? '—' },
                { title: '详情', dataIndex: 'detail', render: (v: string | null) => v ?? '—' },
                { title: '注册', dataIndex: 'registeredAt', render: (v: string) => formatDateTime(v) },
                { title: '转化', dataIndex: 'convertedAt', render: (v: string | null) => (v ? formatDateTime(v) : '—') },
                {
                  title: '奖励',
                  dataIndex: 'reward',
                  render: (v: R.RewardStatus | null, a) => (v ? `${R.REWARD_STATUS_LABELS[v]}${a.note ? `（${a.note}）` : ''}` : '—'),
                },
              ]}
            />
          </Card>
        </>
      )}
      <RulesCard />
    </div>
  );
}

function RulesCard() {
  const { api } = useAuth();
  const [form] = Form.useForm<R.ReferralRules>();
  const [version, setVersion] = useState(0);
  const d = useLoaded(() => api.call(R.opsGetRules), [api, version]);
  const [saving, setSaving] = useState(false);

  async function save(values: R.ReferralRules) {
    setSaving(true);
    try {
      await api.call(R.opsSetRules, { body: values });
      void message.success('规则已保存');
      setVersion((v) => v + 1);
    } catch (err) {
      void message.error(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  if (!d.data) return d.error ? <Alert type="error" message={d.error} /> : null;
  return (
    <Card size="small" title="推荐规则">
      <Form form={form} layout="inline" initialValues={d.data} key={JSON.stringify(d.data)} onFinish={(v) => void save({ ...d.data!, ...v })}>
        <Form.Item label="首次接触窗口（天）" name="windowDays">
          <InputNumber min={1} max={90} />
        </Form.Item>
        <Form.Item label="转化条件" name="conversions">
          <Checkbox.Group options={R.CONVERSION_KINDS.map((k) => ({ value: k, label: R.CONVERSION_LABELS[k] }))} />
        </Form.Item>
        <Form.Item label="奖励" name="rewardKind">
          <Radio.Group
            options={[
              { value: 'points', label: '积分' },
              { value: 'coupon', label: '优惠券' },
            ]}
          />
        </Form.Item>
        <Form.Item label="积分" name="rewardPoints">
          <InputNumber min={1} />
        </Form.Item>
        <Form.Item label="券名" name="couponTitle">
          <Input maxLength={40} />
        </Form.Item>
        <Form.Item label="券面额（分）" name="couponFen">
          <InputNumber min={1} />
        </Form.Item>
        <Form.Item label="同设备被邀请人达到即审核" name="holdSameDevice">
          <InputNumber min={2} />
        </Form.Item>
        <Form.Item label="同网络地址" name="holdSameIp">
          <InputNumber min={2} />
        </Form.Item>
        <Form.Item label="1小时内集中注册" name="holdBurstPerHour">
          <InputNumber min={2} />
        </Form.Item>
        <Form.Item label="注册后从未消费" name="holdIdleInvitees">
          <InputNumber min={2} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={saving}>
            保存规则
          </Button>
        </Form.Item>
      </Form>
    </Card>
  );
}
