/**
 * 活动包与日历: HQ publishes kits; a store's champion adopts one into their store's classes (or a
 * group SOP) with local changes; the calendar shows festivals and theme days ahead with their kits
 * and what the weather suggests; HQ sees which stores ran which kit and how it did.
 */
import { useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Form, Input, InputNumber, List, Radio, Select, Space, Tag, Tooltip, Typography } from 'antd';
import { DataTable } from '../../common/DataTable';
import { StoreSelect } from '../../common/StoreSelect';
import * as community from '../../../../contracts/community';
import * as journeysApi from '../../../../contracts/journeys';
import { useAuth, useStaff } from '../../auth';
import { useLoaded } from '../../common/useLoaded';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { beijingToIso, WEEKDAYS } from './util';

const yuan = (fen: number) => `${fen < 0 ? '-' : '+'}¥${(Math.abs(fen) / 100).toFixed(2)}`;

/** 消费提升: per attendee per 30 days against comparable members (insight's matched DiD), or why there is none. */
function Uplift({ a }: { a: community.AdoptionView }) {
  const u = a.spendUplift;
  switch (u.status) {
    case 'ok':
      return (
        <Tooltip
          title={`到场会员 ${u.matched} 人，对照会员 ${u.controls} 人（同门店、同家庭类型、同消费档，期间未参加活动）；活动前后各 ${u.days} 天；95% 区间 ${yuan(u.lowFen ?? 0)} ~ ${yuan(u.highFen ?? 0)}`}
        >
          <span data-testid="adoption-uplift">{yuan(a.spendUpliftFen ?? 0)}/人·月</span>
        </Tooltip>
      );
    case 'too_early':
      return (
        <Typography.Text type="secondary" data-testid="adoption-uplift">
          活动后满 7 天计算
        </Typography.Text>
      );
    case 'no_attendees':
      return (
        <Typography.Text type="secondary" data-testid="adoption-uplift">
          暂无到场会员
        </Typography.Text>
      );
    case 'no_comparison':
      return (
        <Typography.Text type="secondary" data-testid="adoption-uplift">
          暂无可比会员
        </Typography.Text>
      );
    default:
      return <Typography.Text type="secondary">—</Typography.Text>;
  }
}

export function KitsPage() {
  const { api } = useAuth();
  const staff = useStaff();
  const [tick, setTick] = useState(0);
  const kits = useLoaded(() => api.call(community.listKits), [api, tick]);
  const adoptions = useLoaded(() => api.call(community.listAdoptions, { query: {} }), [api, tick]);
  const calendar = useLoaded(() => api.call(community.getCalendar, { query: { days: 120 } }), [api, tick]);
  const [adopting, setAdopting] = useState<community.KitView | null>(null);
  const hq = staff.role === 'hq_admin';
  const refresh = () => setTick((x) => x + 1);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card title="社区日历（节日与主题日）">
        {calendar.error && <Alert type="error" showIcon message={calendar.error} />}
        {calendar.data && (
          <>
            {calendar.data.suggestions.map((s) => (
              <Alert
                key={s.date + s.title}
                type="info"
                showIcon
                style={{ marginBottom: 8 }}
                message={`${s.reason} → 建议办「${s.title}」`}
                data-testid="weather-suggestion"
              />
            ))}
            {!calendar.data.weather.available && <Typography.Text type="secondary">天气数据暂不可用</Typography.Text>}
            <List
              size="small"
              dataSource={calendar.data.days}
              data-testid="calendar-days"
              renderItem={(d) => (
                <List.Item>
                  <Space wrap>
                    <b>{d.date}</b>
                    <Tag color={d.kind === 'festival' ? 'red' : d.kind === 'solar_term' ? 'green' : 'blue'}>{d.name}</Tag>
                    <span>{d.note}</span>
                    {d.kits.map((k) => (
                      <Tag key={k.id}>
                        {k.title}（{community.BUDGET_TIER_LABELS[k.budgetTier]}）
                      </Tag>
                    ))}
                  </Space>
                </List.Item>
              )}
            />
          </>
        )}
      </Card>
      {hq && <KitForm onSaved={refresh} />}
      <Card title="活动包">
        {kits.error && <Alert type="error" showIcon message={kits.error} />}
        <DataTable
          rowKey="id"
          size="small"
          dataSource={kits.data?.items ?? []}
          pagination={false}
          data-testid="kits-table"
          columns={[
            { title: '活动包', render: (_, k) => <span data-testid="kit-title">{k.title}</span> },
            { title: '预算', render: (_, k) => community.BUDGET_TIER_LABELS[k.budgetTier] },
            { title: '建议人群', render: (_, k) => `${community.RING_LABELS[k.ring]}${k.audience ? ` · ${k.audience}` : ''}` },
            { title: '物料', render: (_, k) => k.materials.join('、') || '—' },
            { title: '跟进旅程', render: (_, k) => <span data-testid="kit-journey">{k.followUpJourneyName ?? (k.followUp || '—')}</span> },
            { title: '状态', render: (_, k) => (k.status === 'published' ? <Tag color="green">已发布</Tag> : <Tag>草稿</Tag>) },
            { title: '门店采用', dataIndex: 'adoptions' },
            {
              title: '',
              render: (_, k) => (
                <Space>
                  {hq && k.status === 'draft' && <PublishButton kit={k} onDone={refresh} />}
                  {k.status === 'published' && (
                    <Button size="small" onClick={() => setAdopting(k)} data-testid={`kit-adopt-${k.id}`}>
                      用到门店
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
        {adopting && (
          <AdoptForm
            kit={adopting}
            onDone={() => {
              setAdopting(null);
              refresh();
            }}
          />
        )}
      </Card>
      <Card title={hq ? '各门店执行情况' : '本店执行情况'}>
        <DataTable
          rowKey="id"
          size="small"
          dataSource={adoptions.data?.items ?? []}
          pagination={false}
          data-testid="adoptions-table"
          columns={[
            { title: '活动包', dataIndex: 'kitTitle' },
            { title: '门店', render: (_, a) => <span data-testid="adoption-store">{a.storeName}</span> },
            { title: '本店名称', dataIndex: 'title' },
            { title: '方式', render: (_, a) => (a.target === 'class' ? '课程活动' : '群SOP') },
            { title: '采用人', render: (_, a) => a.adoptedBy ?? '—' },
            { title: '时间', render: (_, a) => formatDateTime(a.adoptedAt) },
            { title: '报名', render: (_, a) => <span data-testid="adoption-registrations">{a.registrations}</span> },
            { title: '到场', dataIndex: 'attended' },
            { title: '评分', render: (_, a) => a.averageRating ?? '—' },
            { title: '群发', dataIndex: 'messagesSent' },
            { title: '消费提升', render: (_, a) => <Uplift a={a} /> },
          ]}
        />
      </Card>
    </Space>
  );
}

function PublishButton({ kit, onDone }: { kit: community.KitView; onDone: () => void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  return (
    <Button
      size="small"
      type="primary"
      data-testid={`kit-publish-${kit.id}`}
      onClick={async () => {
        try {
          await api.call(community.publishKit, { params: { kitId: kit.id } });
          message.success('已发布到各门店');
          onDone();
        } catch (err) {
          message.error(errorMessage(err));
        }
      }}
    >
      发布
    </Button>
  );
}

function KitForm({ onSaved }: { onSaved: () => void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [v, setV] = useState({
    title: '',
    copy: '',
    materials: '',
    budgetTier: 'zero' as (typeof community.BUDGET_TIERS)[number],
    ring: 'members' as (typeof community.RINGS)[number],
    audience: '',
    adultSeats: 20,
    publish: true,
    followUpJourneyId: null as number | null,
    followUp: '',
  });
  const journeys = useLoaded(() => api.call(journeysApi.listJourneys), [api]);
  const [busy, setBusy] = useState(false);
  async function save() {
    setBusy(true);
    try {
      await api.call(community.createKit, {
        body: {
          title: v.title,
          copy: v.copy,
          materials: v.materials
            .split(/[,，、\s]+/)
            .map((s) => s.trim())
            .filter(Boolean),
          budgetTier: v.budgetTier,
          ring: v.ring,
          audience: v.audience,
          adultSeats: v.adultSeats,
          publish: v.publish,
          followUpJourneyId: v.followUpJourneyId,
          followUp: v.followUp,
        },
      });
      message.success(v.publish ? '活动包已发布' : '活动包已保存为草稿');
      setV({ ...v, title: '', copy: '', materials: '', audience: '', followUpJourneyId: null, followUp: '' });
      onSaved();
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Card title="新建活动包（总部）">
      <Form layout="vertical" style={{ maxWidth: 720 }}>
        <Form.Item label="标题">
          <Input value={v.title} maxLength={60} onChange={(e) => setV({ ...v, title: e.target.value })} data-testid="kit-form-title" />
        </Form.Item>
        <Form.Item label="文案">
          <Input.TextArea rows={3} value={v.copy} onChange={(e) => setV({ ...v, copy: e.target.value })} data-testid="kit-form-copy" />
        </Form.Item>
        <Form.Item label="物料清单（用顿号或逗号分隔）">
          <Input value={v.materials} onChange={(e) => setV({ ...v, materials: e.target.value })} data-testid="kit-form-materials" />
        </Form.Item>
        <Form.Item label="预算档位">
          <Radio.Group value={v.budgetTier} onChange={(e) => setV({ ...v, budgetTier: e.target.value })}>
            {community.BUDGET_TIERS.map((b) => (
              <Radio.Button key={b} value={b} data-testid={`kit-form-budget-${b}`}>
                {community.BUDGET_TIER_LABELS[b]}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item label="建议圈层">
          <Radio.Group value={v.ring} onChange={(e) => setV({ ...v, ring: e.target.value })}>
            {community.RINGS.map((r) => (
              <Radio.Button key={r} value={r}>
                {community.RING_LABELS[r]}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Space>
          <Form.Item label="建议人群">
            <Input value={v.audience} onChange={(e) => setV({ ...v, audience: e.target.value })} />
          </Form.Item>
          <Form.Item label="建议名额（成人）">
            <InputNumber min={0} max={500} value={v.adultSeats} onChange={(n) => setV({ ...v, adultSeats: Number(n ?? 0) })} />
          </Form.Item>
        </Space>
        <Form.Item label="跟进旅程（到场会员签到后自动进入）" extra="从客户旅程中选择；不选则不自动跟进">
          <Select
            allowClear
            style={{ maxWidth: 360 }}
            placeholder="选择客户旅程"
            loading={journeys.loading}
            value={v.followUpJourneyId ?? undefined}
            onChange={(id) => setV({ ...v, followUpJourneyId: typeof id === 'number' ? id : null })}
            options={(journeys.data?.items ?? []).map((j) => ({ value: j.id, label: j.active ? j.name : `${j.name}（已停用）` }))}
            data-testid="kit-form-journey"
          />
        </Form.Item>
        <Form.Item label="跟进备注">
          <Input value={v.followUp} maxLength={100} onChange={(e) => setV({ ...v, followUp: e.target.value })} placeholder="如：活动后三天内在群里发活动照片" />
        </Form.Item>
        <Form.Item>
          <Checkbox checked={v.publish} onChange={(e) => setV({ ...v, publish: e.target.checked })}>
            立即发布到各门店
          </Checkbox>
        </Form.Item>
        <Button type="primary" onClick={save} loading={busy} disabled={!v.title.trim() || !v.copy.trim()} data-testid="kit-form-save">
          保存
        </Button>
      </Form>
    </Card>
  );
}

function AdoptForm({ kit, onDone }: { kit: community.KitView; onDone: () => void }) {
  const { api } = useAuth();
  const staff = useStaff();
  const { message } = App.useApp();
  const [target, setTarget] = useState<'class' | 'group_sop'>('class');
  const [title, setTitle] = useState(kit.title);
  const [startsAt, setStartsAt] = useState('');
  const [hostName, setHostName] = useState('');
  const [storeId, setStoreId] = useState<number | null>(staff.storeId ?? null);
  const [seats, setSeats] = useState(kit.adultSeats);
  // as a group SOP: which group, when, and the local text
  const groups = useLoaded(() => (target === 'group_sop' ? api.call(community.listGroups) : Promise.resolve(null)), [api, target]);
  const [chatId, setChatId] = useState<string | null>(null);
  const [cadence, setCadence] = useState<'weekly' | 'monthly'>('monthly');
  const [weekday, setWeekday] = useState(6);
  const [monthDay, setMonthDay] = useState(1);
  const [time, setTime] = useState('10:00');
  const [text, setText] = useState(kit.copy);
  const [busy, setBusy] = useState(false);
  async function save() {
    setBusy(true);
    try {
      if (target === 'class') {
        if (!storeId) return void message.error('请选择门店');
        await api.call(community.adoptKit, {
          params: { kitId: kit.id },
          body: { target: 'class', storeId, startsAt: beijingToIso(startsAt), hostName, title, adultSeats: seats },
        });
        message.success('已加入本店课程活动，会员可以报名了');
      } else {
        if (!chatId) return void message.error('请选择客户群');
        const when = cadence === 'weekly' ? { weekday, monthDay: null } : { weekday: null, monthDay };
        await api.call(community.adoptKit, { params: { kitId: kit.id }, body: { target: 'group_sop', chatId, cadence, time, text, ...when } });
        message.success('已加入客户群的定时群发');
      }
      onDone();
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  const ready = target === 'class' ? !!startsAt && !!hostName.trim() : !!chatId && !!text.trim();
  return (
    <Card type="inner" title={`把「${kit.title}」用到门店`} style={{ marginTop: 16 }} data-testid="adopt-form">
      <Form layout="vertical" style={{ maxWidth: 640 }}>
        <Form.Item label="用作">
          <Radio.Group value={target} onChange={(e) => setTarget(e.target.value)}>
            <Radio.Button value="class" data-testid="adopt-target-class">
              本店课程活动
            </Radio.Button>
            <Radio.Button value="group_sop" data-testid="adopt-target-sop">
              客户群定时群发
            </Radio.Button>
          </Radio.Group>
        </Form.Item>
        {target === 'class' ? (
          <>
            {staff.role === 'hq_admin' && (
              <Form.Item label="门店">
                <StoreSelect value={storeId} onChange={setStoreId} testId="adopt-store" />
              </Form.Item>
            )}
            <Form.Item label="本店活动名称">
              <Input value={title} maxLength={64} onChange={(e) => setTitle(e.target.value)} data-testid="adopt-title" />
            </Form.Item>
            <Form.Item label="开始时间（北京时间）">
              <Input type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} data-testid="adopt-starts-at" />
            </Form.Item>
            <Form.Item label="主持人">
              <Input value={hostName} maxLength={64} onChange={(e) => setHostName(e.target.value)} data-testid="adopt-host" />
            </Form.Item>
            <Form.Item label="成人名额">
              <InputNumber min={0} max={500} value={seats} onChange={(n) => setSeats(Number(n ?? 0))} />
            </Form.Item>
          </>
        ) : (
          <>
            <Form.Item label="客户群">
              <Select
                style={{ maxWidth: 360 }}
                placeholder="选择本店的客户群"
                loading={groups.loading}
                value={chatId ?? undefined}
                onChange={(v) => setChatId(v)}
                options={(groups.data?.items ?? [])
                  .filter((g) => !g.dismissed)
                  .map((g) => ({ value: g.chatId, label: `${g.name ?? '未命名群'}${g.storeName ? `（${g.storeName}）` : ''}` }))}
                data-testid="adopt-group"
              />
            </Form.Item>
            <Form.Item label="频率">
              <Radio.Group value={cadence} onChange={(e) => setCadence(e.target.value)}>
                <Radio.Button value="weekly">每周</Radio.Button>
                <Radio.Button value="monthly">每月</Radio.Button>
              </Radio.Group>
            </Form.Item>
            {cadence === 'weekly' ? (
              <Form.Item label="每周">
                <Radio.Group value={weekday} onChange={(e) => setWeekday(e.target.value)}>
                  {WEEKDAYS.map((d, i) => (
                    <Radio.Button key={d} value={i + 1}>
                      周{d}
                    </Radio.Button>
                  ))}
                </Radio.Group>
              </Form.Item>
            ) : (
              <Form.Item label="每月几号（1–28）">
                <InputNumber min={1} max={28} value={monthDay} onChange={(v) => setMonthDay(Number(v ?? 1))} />
              </Form.Item>
            )}
            <Form.Item label="时间（北京时间 HH:MM）">
              <Input value={time} onChange={(e) => setTime(e.target.value)} style={{ width: 120 }} />
            </Form.Item>
            <Form.Item label="群发内容（可按本店修改）">
              <Input.TextArea rows={3} maxLength={1500} value={text} onChange={(e) => setText(e.target.value)} />
            </Form.Item>
          </>
        )}
        <Space>
          <Button type="primary" onClick={save} loading={busy} disabled={!ready} data-testid="adopt-save">
            {target === 'class' ? '加入本店课程活动' : '加入客户群定时群发'}
          </Button>
          <Button onClick={onDone}>取消</Button>
        </Space>
      </Form>
    </Card>
  );
}
