/** 客户群: the groups in scope with figures; one group's members, inactive members, welcome and SOP. */
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, App, Button, Card, Descriptions, Form, Input, InputNumber, Radio, Space, Statistic, Tag, Typography } from 'antd';
import { DataTable } from '../../common/DataTable';
import * as community from '../../../../contracts/community';
import { useAuth, useStaff } from '../../auth';
import { useLoaded } from '../../common/useLoaded';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { WEEKDAYS } from './util';

export function Figures({ f }: { f: community.GroupFigures }) {
  return (
    <Space size="large" wrap data-testid="group-figures">
      <Statistic title="群成员" value={f.members} />
      <Statistic title="客户" value={f.customers} />
      <Statistic title="已绑定会员" value={f.linkedMembers} />
      <Statistic title="30天活跃" value={f.active30d} />
      <Statistic title="30天入群" value={f.joined30d} />
      <Statistic title="30天退群" value={f.left30d} />
    </Space>
  );
}

export function GroupListPage() {
  const { api } = useAuth();
  const staff = useStaff();
  const { message } = App.useApp();
  const [tick, setTick] = useState(0);
  const [syncing, setSyncing] = useState(false);
  const list = useLoaded(() => api.call(community.listGroups), [api, tick]);
  const canSync = staff.role === 'hq_admin' || staff.role === 'store_manager';

  async function sync() {
    setSyncing(true);
    try {
      const r = await api.call(community.syncGroups);
      message.success(`已同步 ${r.groups} 个客户群（入群 ${r.joined}，退群 ${r.left}）`);
      setTick((x) => x + 1);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setSyncing(false);
    }
  }

  return (
    <Card
      title="客户群"
      extra={
        canSync && (
          <Button onClick={sync} loading={syncing} data-testid="groups-sync">
            从企业微信同步
          </Button>
        )
      }
    >
      {list.error && <Alert type="error" showIcon message={list.error} style={{ marginBottom: 12 }} />}
      <DataTable
        rowKey="chatId"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        data-testid="groups-table"
        locale={{ emptyText: '暂无客户群：群主在企业微信建群后会自动同步' }}
        columns={[
          {
            title: '群名',
            render: (_, g) => (
              <Link to={`/community/groups/${encodeURIComponent(g.chatId)}`} data-testid="group-link">
                {g.name ?? '未命名群'}
              </Link>
            ),
          },
          { title: '门店', render: (_, g) => g.storeName ?? <Typography.Text type="secondary">未归属</Typography.Text> },
          { title: '主题', render: (_, g) => (g.theme ? <Tag>{g.theme}</Tag> : '—') },
          { title: '群主', render: (_, g) => g.ownerName ?? g.ownerUserId ?? '—' },
          { title: '客户', render: (_, g) => g.figures.customers },
          { title: '30天活跃', render: (_, g) => `${g.figures.active30d} / ${g.figures.linkedMembers}` },
          { title: '30天入群/退群', render: (_, g) => `+${g.figures.joined30d} / -${g.figures.left30d}` },
          { title: '状态', render: (_, g) => (g.dismissed ? <Tag>已解散</Tag> : <Tag color="green">正常</Tag>) },
        ]}
      />
    </Card>
  );
}

const personColumns = [
  { title: '客户', render: (_: unknown, p: community.GroupPerson) => p.name ?? p.userId },
  { title: '会员', render: (_: unknown, p: community.GroupPerson) => p.memberNickname ?? <Typography.Text type="secondary">未绑定</Typography.Text> },
  { title: '家庭', render: (_: unknown, p: community.GroupPerson) => p.householdName ?? '—' },
  { title: '入群', render: (_: unknown, p: community.GroupPerson) => formatDateTime(p.joinedAt) },
  { title: '最近参与', render: (_: unknown, p: community.GroupPerson) => (p.lastActiveAt ? formatDateTime(p.lastActiveAt) : '—') },
  { title: '参加过的活动', render: (_: unknown, p: community.GroupPerson) => (p.events.length ? p.events.join('、') : '—') },
];

export function GroupDetailPage() {
  const { chatId = '' } = useParams();
  const { api } = useAuth();
  const staff = useStaff();
  const [tick, setTick] = useState(0);
  const detail = useLoaded(() => api.call(community.getGroup, { params: { chatId } }), [api, chatId, tick]);
  const sops = useLoaded(() => api.call(community.listGroupSops, { params: { chatId } }), [api, chatId, tick]);
  const ops = staff.role === 'hq_admin' || staff.role === 'store_manager';
  const g = detail.data;
  if (detail.error) return <Alert type="error" showIcon message={detail.error} />;
  if (!g) return <Card loading />;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Card title={<span data-testid="group-name">{g.name ?? '未命名群'}</span>} extra={<Link to="/community">返回列表</Link>}>
        <Descriptions size="small" column={3} style={{ marginBottom: 16 }}>
          <Descriptions.Item label="门店">{g.storeName ?? '未归属'}</Descriptions.Item>
          <Descriptions.Item label="群主">{g.ownerName ?? g.ownerUserId ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="主题">{g.theme ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="每周群发上限">{g.weeklyCap} 条</Descriptions.Item>
          <Descriptions.Item label="最近同步">{formatDateTime(g.syncedAt)}</Descriptions.Item>
        </Descriptions>
        <Figures f={g.figures} />
      </Card>
      {ops && <GroupSettings g={g} onSaved={() => setTick((x) => x + 1)} />}
      <Card title={`30天未参与的成员（${g.inactive.length}）`}>
        <DataTable
          rowKey="userId"
          size="small"
          dataSource={g.inactive}
          pagination={false}
          columns={personColumns}
          data-testid="group-inactive"
          locale={{ emptyText: '全部成员近期都参与过活动' }}
        />
      </Card>
      <Card title={`群成员（${g.people.length}）`}>
        <DataTable rowKey="userId" size="small" dataSource={g.people} pagination={{ pageSize: 20 }} columns={personColumns} data-testid="group-people" />
        {g.leftRecently.length > 0 && (
          <Typography.Paragraph type="secondary">近30天退群：{g.leftRecently.map((p) => p.name ?? p.userId).join('、')}</Typography.Paragraph>
        )}
      </Card>
      <Card title="近期可邀请的活动">
        {g.nextEvents.length ? (
          <ul data-testid="group-next-events">
            {g.nextEvents.map((e) => (
              <li key={e.classId}>
                {e.title} · {formatDateTime(e.nextSessionAt)}
              </li>
            ))}
          </ul>
        ) : (
          <Typography.Text type="secondary">本门店近期没有活动</Typography.Text>
        )}
      </Card>
      <Card title="群SOP（定时群发）">
        <DataTable
          rowKey="id"
          size="small"
          dataSource={sops.data?.items ?? []}
          pagination={false}
          data-testid="group-sops"
          columns={[
            { title: '名称', dataIndex: 'title' },
            { title: '时间', render: (_, s) => (s.cadence === 'weekly' ? `每周${WEEKDAYS[(s.weekday ?? 1) - 1]} ${s.time}` : `每月${s.monthDay}日 ${s.time}`) },
            { title: '内容', dataIndex: 'text', ellipsis: true },
            { title: '状态', render: (_, s) => (s.active ? <Tag color="green">启用</Tag> : <Tag>已暂停</Tag>) },
          ]}
        />
        {ops && <SopForm chatId={chatId} onSaved={() => setTick((x) => x + 1)} />}
      </Card>
    </Space>
  );
}

function GroupSettings({ g, onSaved }: { g: community.GroupDetail; onSaved: () => void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [welcome, setWelcome] = useState(g.welcome.text);
  const [theme, setTheme] = useState(g.theme ?? '');
  const [cap, setCap] = useState<number>(g.weeklyCap);
  const [busy, setBusy] = useState(false);
  async function save() {
    setBusy(true);
    try {
      await api.call(community.updateGroup, { params: { chatId: g.chatId }, body: { theme: theme.trim() || null, weeklyCap: cap } });
      if (welcome.trim() && welcome.trim() !== g.welcome.text)
        await api.call(community.setGroupWelcome, { params: { chatId: g.chatId }, body: { text: welcome.trim() } });
      message.success('已保存');
      onSaved();
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Card title="群设置与入群欢迎语">
      <Form layout="vertical" style={{ maxWidth: 640 }}>
        <Form.Item label="主题">
          <Radio.Group value={theme} onChange={(e) => setTheme(e.target.value)} data-testid="group-theme">
            {community.GROUP_THEMES.map((t) => (
              <Radio.Button key={t} value={t}>
                {t}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item label="每周群发上限（条）">
          <InputNumber min={0} max={21} value={cap} onChange={(v) => setCap(Number(v ?? 0))} data-testid="group-cap" />
        </Form.Item>
        <Form.Item
          label="入群欢迎语"
          extra={
            g.welcome.templateId
              ? `已同步到企业微信（素材 ${g.welcome.templateId.slice(0, 10)}…），更新于 ${formatDateTime(g.welcome.updatedAt)}`
              : '保存后通过「入群欢迎语素材」接口同步到企业微信'
          }
        >
          <Input.TextArea rows={3} maxLength={1000} value={welcome} onChange={(e) => setWelcome(e.target.value)} data-testid="group-welcome" />
        </Form.Item>
        <Button type="primary" onClick={save} loading={busy} data-testid="group-settings-save">
          保存
        </Button>
      </Form>
    </Card>
  );
}

function SopForm({ chatId, onSaved }: { chatId: string; onSaved: () => void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [cadence, setCadence] = useState<'weekly' | 'monthly'>('weekly');
  const [weekday, setWeekday] = useState(3);
  const [monthDay, setMonthDay] = useState(1);
  const [time, setTime] = useState('09:00');
  const [busy, setBusy] = useState(false);
  async function save() {
    setBusy(true);
    try {
      const when = cadence === 'weekly' ? { weekday, monthDay: null } : { weekday: null, monthDay };
      await api.call(community.createGroupSop, { params: { chatId }, body: { title, text, cadence, time, ...when } });
      message.success('已添加定时群发');
      setTitle('');
      setText('');
      onSaved();
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Form layout="vertical" style={{ maxWidth: 640, marginTop: 16 }}>
      <Typography.Title level={5}>新增定时群发</Typography.Title>
      <Form.Item label="名称">
        <Input value={title} maxLength={40} onChange={(e) => setTitle(e.target.value)} data-testid="sop-title" placeholder="如：早茶会提醒、每月旧物交换角" />
      </Form.Item>
      <Form.Item label="频率">
        <Radio.Group value={cadence} onChange={(e) => setCadence(e.target.value)} data-testid="sop-cadence">
          <Radio.Button value="weekly" data-testid="sop-cadence-weekly">
            每周
          </Radio.Button>
          <Radio.Button value="monthly" data-testid="sop-cadence-monthly">
            每月
          </Radio.Button>
        </Radio.Group>
      </Form.Item>
      {cadence === 'weekly' ? (
        <Form.Item label="每周">
          <Radio.Group value={weekday} onChange={(e) => setWeekday(e.target.value)} data-testid="sop-weekday">
            {WEEKDAYS.map((d, i) => (
              <Radio.Button key={d} value={i + 1} data-testid={`sop-weekday-${i + 1}`}>
                周{d}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
      ) : (
        <Form.Item label="每月几号（1–28，月末的日子不是每月都有）">
          <InputNumber min={1} max={28} value={monthDay} onChange={(v) => setMonthDay(Number(v ?? 1))} data-testid="sop-month-day" />
        </Form.Item>
      )}
      <Form.Item label="时间（北京时间 HH:MM）">
        <Input value={time} onChange={(e) => setTime(e.target.value)} style={{ width: 120 }} data-testid="sop-time" />
      </Form.Item>
      <Form.Item label="群发内容">
        <Input.TextArea rows={3} value={text} maxLength={1500} onChange={(e) => setText(e.target.value)} data-testid="sop-text" />
      </Form.Item>
      <Button onClick={save} loading={busy} disabled={!title.trim() || !text.trim()} data-testid="sop-save">
        添加
      </Button>
    </Form>
  );
}
