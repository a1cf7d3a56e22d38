/** 内圈与顾问团: the inner ring rule and who qualifies, invitations, panel rounds, attendance and the review report. */
import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Form, Input, InputNumber, List, Space, Tag, Typography } from 'antd';
import { DataTable } from '../../common/DataTable';
import * as community from '../../../../contracts/community';
import { useAuth, useStaff } from '../../auth';
import { useLoaded } from '../../common/useLoaded';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { beijingToIso } from './util';

export function PanelPage() {
  const { api } = useAuth();
  const staff = useStaff();
  const { message } = App.useApp();
  const [tick, setTick] = useState(0);
  const ring = useLoaded(() => api.call(community.innerRing), [api, tick]);
  const rounds = useLoaded(() => api.call(community.listPanelRounds), [api, tick]);
  const [open, setOpen] = useState<number | null>(null);
  const refresh = () => setTick((x) => x + 1);

  async function invite(memberId: number, moderator: boolean) {
    try {
      await api.call(community.invitePanelMember, { body: { memberId, moderator } });
      message.success(moderator ? '已邀请加入顾问团并设为群管理员' : '已邀请加入顾客顾问团');
      refresh();
    } catch (err) {
      message.error(errorMessage(err));
    }
  }

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card title="内圈规则">
        {ring.data && (
          <ul data-testid="inner-ring-rule">
            {ring.data.rule.text.map((t) => (
              <li key={t}>{t}</li>
            ))}
          </ul>
        )}
        {ring.error && <Alert type="error" showIcon message={ring.error} />}
        <DataTable
          rowKey="memberId"
          size="small"
          dataSource={ring.data?.candidates ?? []}
          pagination={{ pageSize: 20 }}
          data-testid="inner-ring-candidates"
          locale={{ emptyText: '暂时没有会员满足内圈条件' }}
          columns={[
            { title: '会员', render: (_, c) => c.nickname ?? '未设置昵称' },
            { title: '门店', render: (_, c) => c.storeName ?? '—' },
            { title: '符合条件', render: (_, c) => c.reasons.join('；') },
            { title: '顾问团', render: (_, c) => (c.panelMember ? <Tag color="gold">{c.moderator ? '顾问团 · 群管理员' : '顾问团成员'}</Tag> : '—') },
            {
              title: '',
              render: (_, c) =>
                c.panelMember ? null : (
                  <Space>
                    <Button size="small" onClick={() => invite(c.memberId, false)} data-testid={`panel-invite-${c.memberId}`}>
                      邀请加入顾问团
                    </Button>
                    <Button size="small" onClick={() => invite(c.memberId, true)}>
                      邀请并设为群管理员
                    </Button>
                  </Space>
                ),
            },
          ]}
        />
      </Card>
      {staff.role === 'hq_admin' && <RoundForm onSaved={refresh} />}
      <Card title="顾问团活动（新品试吃会等）">
        <DataTable
          rowKey="id"
          size="small"
          dataSource={rounds.data?.items ?? []}
          pagination={false}
          data-testid="panel-rounds"
          columns={[
            { title: '活动', render: (_, r) => <span data-testid="panel-round-title">{r.title}</span> },
            { title: '新品', dataIndex: 'product' },
            { title: '时间', render: (_, r) => formatDateTime(r.startsAt) },
            { title: '报名', render: (_, r) => `${r.signedUp} / ${r.capacity}` },
            { title: '到场', dataIndex: 'attended' },
            { title: '评价', dataIndex: 'reviews' },
            {
              title: '',
              render: (_, r) => (
                <Button size="small" onClick={() => setOpen(open === r.id ? null : r.id)} data-testid={`panel-round-open-${r.id}`}>
                  {open === r.id ? '收起' : '报名与报告'}
                </Button>
              ),
            },
          ]}
        />
        {open && <RoundDetail roundId={open} onChanged={refresh} />}
      </Card>
    </Space>
  );
}

function RoundForm({ onSaved }: { onSaved: () => void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [v, setV] = useState({ title: '', product: '', description: '', startsAt: '', place: '', capacity: 12 });
  async function save() {
    try {
      await api.call(community.createPanelRound, { body: { ...v, startsAt: beijingToIso(v.startsAt) } });
      message.success('已创建，顾问团成员可在小程序报名');
      setV({ ...v, title: '', product: '', description: '' });
      onSaved();
    } catch (err) {
      message.error(errorMessage(err));
    }
  }
  return (
    <Card title="新建顾问团活动（总部）">
      <Form layout="vertical" style={{ maxWidth: 640 }}>
        <Form.Item label="活动名称">
          <Input value={v.title} onChange={(e) => setV({ ...v, title: e.target.value })} data-testid="round-title" placeholder="如：新品试吃会" />
        </Form.Item>
        <Form.Item label="试吃/测试的新品">
          <Input value={v.product} onChange={(e) => setV({ ...v, product: e.target.value })} data-testid="round-product" />
        </Form.Item>
        <Form.Item label="说明">
          <Input.TextArea rows={2} value={v.description} onChange={(e) => setV({ ...v, description: e.target.value })} />
        </Form.Item>
        <Space wrap>
          <Form.Item label="时间（北京时间）">
            <Input type="datetime-local" value={v.startsAt} onChange={(e) => setV({ ...v, startsAt: e.target.value })} data-testid="round-starts-at" />
          </Form.Item>
          <Form.Item label="地点">
            <Input value={v.place} onChange={(e) => setV({ ...v, place: e.target.value })} />
          </Form.Item>
          <Form.Item label="名额">
            <InputNumber min={1} max={200} value={v.capacity} onChange={(n) => setV({ ...v, capacity: Number(n ?? 1) })} />
          </Form.Item>
        </Space>
        <Button type="primary" onClick={save} disabled={!v.title.trim() || !v.product.trim() || !v.startsAt} data-testid="round-save">
          创建
        </Button>
      </Form>
    </Card>
  );
}

function RoundDetail({ roundId, onChanged }: { roundId: number; onChanged: () => void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [tick, setTick] = useState(0);
  const signups = useLoaded(() => api.call(community.panelRoundSignups, { params: { roundId } }), [api, roundId, tick]);
  const report = useLoaded(() => api.call(community.panelReport, { params: { roundId } }), [api, roundId, tick]);
  async function mark(memberId: number, attended: boolean) {
    try {
      await api.call(community.markPanelAttendance, { params: { roundId }, body: { memberId, attended } });
      setTick((x) => x + 1);
      onChanged();
    } catch (err) {
      message.error(errorMessage(err));
    }
  }
  const r = report.data;
  return (
    <Space direction="vertical" style={{ width: '100%', marginTop: 16 }}>
      <Card type="inner" title="报名名单">
        <DataTable
          rowKey="memberId"
          size="small"
          dataSource={signups.data?.items ?? []}
          pagination={false}
          data-testid="panel-signups"
          columns={[
            { title: '会员', render: (_, s) => s.nickname ?? '未设置昵称' },
            { title: '状态', render: (_, s) => ({ signed: '已报名', attended: '已到场', absent: '未到场' })[s.status] },
            { title: '评价', render: (_, s) => (s.reviewedAt ? formatDateTime(s.reviewedAt) : '未提交') },
            {
              title: '',
              render: (_, s) => (
                <Space>
                  <Button size="small" onClick={() => mark(s.memberId, true)} data-testid={`panel-attended-${s.memberId}`}>
                    到场
                  </Button>
                  <Button size="small" onClick={() => mark(s.memberId, false)}>
                    未到
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Card type="inner" title="评价报告（供总部商品部）" data-testid="panel-report">
        {r && (
          <>
            <Descriptions size="small" column={3}>
              <Descriptions.Item label="口味均分">{r.averageTaste ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="性价比均分">{r.averageValue ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="购买意愿">{`会买 ${r.wouldBuy.yes} · 看情况 ${r.wouldBuy.maybe} · 不会买 ${r.wouldBuy.no}`}</Descriptions.Item>
            </Descriptions>
            <List
              size="small"
              dataSource={r.comments}
              locale={{ emptyText: '还没有评价' }}
              renderItem={(c) => (
                <List.Item data-testid="panel-report-comment">
                  <Typography.Text>
                    {c.nickname ?? '会员'}：口味 {c.taste} 分，性价比 {c.value} 分，{community.WOULD_BUY_LABELS[c.wouldBuy]}。{c.comment}
                  </Typography.Text>
                </List.Item>
              )}
            />
          </>
        )}
      </Card>
    </Space>
  );
}
