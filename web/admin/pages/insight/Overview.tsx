/**
 * 概览: the dashboard of the signed-in role (HQ: the chain or a store; store manager: their store;
 * group owner: their members). Figures with the change against the previous period, charts
 * (ECharts, lazily loaded), the concentric circles, the community ROI board, drill-down to the
 * members behind a figure with an Excel export, A/B tests on journey steps, and HQ's settings.
 * Definitions: docs/metrics.md. This whole module is loaded lazily from the landing page.
 */
import { Suspense, useEffect, useMemo, useState } from 'react';
import type { RingChart, ShareChart, TrendChart } from './Charts';
import { Alert, App, Button, Card, Col, Empty, Row, Space, Spin, Statistic, Tabs, Tag, Tooltip, Typography } from 'antd';
// the figures are the first screen: everything else loads once they show (issue 21's budget)
import { DataTable, DatePicker, Drawer, Form, Input, InputNumber, Progress, Radio, Select, afterContent } from '../../common/deferred';
import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useSearchParams } from 'react-router-dom';
import * as I from '../../../../contracts/insight';
import type * as J from '../../../../contracts/journeys';
import { useAuth, useStaff } from '../../auth';
import { useLoaded } from '../../common/useLoaded';
import { errorMessage } from '../../../shared/api';
import { downloadWithToken } from '../../common/download';
import { shanghaiToday as shanghaiDay } from '../../../shared/time';

const charts = afterContent(() => import('./Charts'));
// only the other tabs list journeys: that contract (and the WeCom one it imports) stays off the first screen
const journeysContract = () => import('../../../../contracts/journeys');
const Charts = {
  TrendChart: charts.component((m) => m.TrendChart) as unknown as typeof TrendChart,
  RingChart: charts.component((m) => m.RingChart) as unknown as typeof RingChart,
  ShareChart: charts.component((m) => m.ShareChart) as unknown as typeof ShareChart,
};

type Figures = I.Figures;
type Drill = (typeof I.DRILL_FIGURES)[number];
type Format = 'count' | 'rate' | 'fen' | 'ratio';

interface FigureDef {
  key: string;
  label: string;
  pick: (f: Figures) => number | null;
  format: Format;
  drill?: Drill;
  /** Lower is better (silent members, lost contacts). */
  lowerIsBetter?: boolean;
  hint: string;
}

const FAMILIES: Array<{ title: string; figures: FigureDef[] }> = [
  {
    title: '规模',
    figures: [
      { key: 'members', label: '会员数', pick: (f) => f.scale.members, format: 'count', drill: 'members', hint: '期末已注册会员' },
      { key: 'households', label: '家庭数', pick: (f) => f.scale.households, format: 'count', hint: '会员所属的不同家庭' },
      { key: 'newMembers', label: '新增会员', pick: (f) => f.scale.newMembers, format: 'count', drill: 'new_members', hint: '本期注册' },
      { key: 'growthRate', label: '增长率', pick: (f) => f.scale.growthRate, format: 'rate', hint: '新增 / 期初会员' },
      { key: 'penetration', label: '家庭渗透率', pick: (f) => f.scale.penetration, format: 'rate', hint: '家庭数 / 门店1公里内目标家庭数' },
    ],
  },
  {
    title: '质量',
    figures: [
      { key: 'active', label: '活跃会员', pick: (f) => f.quality.activeMembers, format: 'count', drill: 'active', hint: '本期有任何互动、到店或消费' },
      { key: 'dau', label: 'DAU', pick: (f) => f.quality.dau, format: 'ratio', hint: '每日活跃会员的平均数' },
      { key: 'wau', label: 'WAU', pick: (f) => f.quality.wau, format: 'count', hint: '期末7天活跃会员' },
      { key: 'mau', label: 'MAU', pick: (f) => f.quality.mau, format: 'count', hint: '期末30天活跃会员' },
      { key: 'interactionRate', label: '互动率', pick: (f) => f.quality.interactionRate, format: 'ratio', hint: '互动次数 / 活跃会员' },
      {
        key: 'participationRate',
        label: '社群参与率',
        pick: (f) => f.quality.participationRate,
        format: 'rate',
        drill: 'participants',
        hint: '参与投票、作品、课程的会员 / 会员数',
      },
    ],
  },
  {
    title: '价值',
    figures: [
      { key: 'netSpend', label: '净消费', pick: (f) => f.value.netSpendFen, format: 'fen', drill: 'buyers', hint: '本期小票合计（含退款）' },
      { key: 'repeatRate', label: '复购率', pick: (f) => f.value.repeatRate, format: 'rate', drill: 'repeaters', hint: '购买≥2次的会员 / 购买会员' },
      { key: 'basket', label: '客单价', pick: (f) => f.value.avgBasketFen, format: 'fen', hint: '净消费 / 购买次数' },
      { key: 'frequency', label: '购买频次', pick: (f) => f.value.frequency, format: 'ratio', hint: '购买次数 / 购买会员' },
      { key: 'ltv', label: 'LTV（12个月）', pick: (f) => f.value.ltv12Fen, format: 'fen', hint: '近365天消费 / 会员数' },
      { key: 'ltvCac', label: 'LTV/CAC', pick: (f) => f.value.ltvCac, format: 'ratio', hint: 'CAC 按渠道获客成本（设置中填写）' },
      { key: 'wallet', label: '钱包份额', pick: (f) => f.value.shareOfWallet, format: 'rate', hint: '家庭消费 / 估算家庭食品支出' },
      { key: 'highMargin', label: '高毛利品类占比', pick: (f) => f.value.highMarginShare, format: 'rate', hint: '高毛利品类金额 / 全部商品金额' },
    ],
  },
  {
    title: '流转',
    figures: [
      { key: 'added', label: '渠道新增', pick: (f) => f.flow.contactsAdded, format: 'count', hint: '本期新增企业微信客户' },
      { key: 'lost', label: '客户流失', pick: (f) => f.flow.contactsLost, format: 'count', lowerIsBetter: true, hint: '本期删除/被删的企业微信客户' },
      { key: 'conversion', label: '首购转化率', pick: (f) => f.flow.firstPurchaseConversion, format: 'rate', hint: '本期新会员中已购买的比例' },
      { key: 'silent30', label: '沉默30天', pick: (f) => f.flow.silent30, format: 'count', drill: 'silent30', lowerIsBetter: true, hint: '30天无互动无消费' },
      { key: 'silent60', label: '沉默60天', pick: (f) => f.flow.silent60, format: 'count', drill: 'silent60', lowerIsBetter: true, hint: '60天无互动无消费' },
      { key: 'silent90', label: '沉默90天', pick: (f) => f.flow.silent90, format: 'count', drill: 'silent90', lowerIsBetter: true, hint: '90天无互动无消费' },
      { key: 'wakeUp', label: '唤醒率', pick: (f) => f.flow.wakeUpRate, format: 'rate', hint: '期初沉默30天的会员本期回来的比例' },
      { key: 'kFactor', label: '推荐K因子', pick: (f) => f.flow.kFactor, format: 'ratio', hint: '会员推荐新增 / 期初会员' },
    ],
  },
];

function show(v: number | null, format: Format): string {
  if (v === null) return '—';
  switch (format) {
    case 'count':
      return v.toLocaleString('zh-CN');
    case 'rate':
      return `${(v * 100).toFixed(1)}%`;
    case 'fen':
      return `¥${(v / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    default:
      return v.toFixed(2);
  }
}

function Delta({ now, before, lowerIsBetter }: { now: number | null; before: number | null; lowerIsBetter?: boolean }) {
  if (now === null || before === null) return <Typography.Text type="secondary">上期 —</Typography.Text>;
  if (before === 0) return <Typography.Text type="secondary">上期 0</Typography.Text>;
  const change = (now - before) / Math.abs(before);
  const good = lowerIsBetter ? change < 0 : change > 0;
  const color = change === 0 ? undefined : good ? '#2b8a3e' : '#c92a2a';
  return (
    <span style={{ color, fontSize: 12 }}>
      {change > 0 ? '▲' : change < 0 ? '▼' : '＝'} {Math.abs(change * 100).toFixed(1)}% 较上期
    </span>
  );
}

const shanghaiToday = () => dayjs(shanghaiDay());

export default function InsightOverview() {
  const staff = useStaff();
  // a period in the address (#/dashboard?from=2026-09-01&to=2026-09-30) opens that period: links can be shared
  const [params] = useSearchParams();
  const fromParam = params.get('from');
  const toParam = params.get('to');
  const ok = (d: string | null): d is string => !!d && /^\d{4}-\d{2}-\d{2}$/.test(d) && dayjs(d).isValid();
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() =>
    ok(fromParam) && ok(toParam) ? [dayjs(fromParam), dayjs(toParam)] : [shanghaiToday().subtract(29, 'day'), shanghaiToday()],
  );
  useEffect(() => {
    if (ok(fromParam) && ok(toParam)) setRange([dayjs(fromParam), dayjs(toParam)]);
  }, [fromParam, toParam]);
  const [storeId, setStoreId] = useState<number | undefined>(undefined);
  const [tab, setTab] = useState('overview');
  const tabs = [
    { key: 'overview', label: '数据概览', children: <OverviewTab range={range} setRange={setRange} storeId={storeId} setStoreId={setStoreId} /> },
    ...(staff.role !== 'group_owner' ? [{ key: 'segments', label: '已存人群', children: <SegmentsTab /> }] : []),
    ...(staff.role !== 'group_owner' ? [{ key: 'roi', label: 'ROI 月度', children: <RoiHistoryTab storeId={storeId} /> }] : []),
    ...(staff.role !== 'group_owner' ? [{ key: 'ab', label: 'A/B 测试', children: <AbTab /> }] : []),
    ...(staff.role === 'hq_admin' ? [{ key: 'settings', label: '指标设置', children: <SettingsTab /> }] : []),
  ];
  return <Tabs activeKey={tab} onChange={setTab} items={tabs} destroyInactiveTabPane />;
}

function OverviewTab(props: { range: [Dayjs, Dayjs]; setRange: (r: [Dayjs, Dayjs]) => void; storeId?: number; setStoreId: (s?: number) => void }) {
  const { api } = useAuth();
  const staff = useStaff();
  const { message } = App.useApp();
  const [nonce, setNonce] = useState(0);
  const [refreshing, setRefreshing] = useState(false);
  const [drill, setDrill] = useState<Drill | null>(null);
  const query: I.PeriodQuery = {
    from: props.range[0].format('YYYY-MM-DD'),
    to: props.range[1].format('YYYY-MM-DD'),
    ...(props.storeId ? { storeId: props.storeId } : {}),
  };
  const loaded = useLoaded(
    () => (nonce ? api.call(I.refreshOverview, { body: query }) : api.call(I.getOverview, { query })),
    [api, query.from, query.to, query.storeId, nonce],
  );
  const o = loaded.data;
  const [storeOptions, setStoreOptions] = useState<Array<{ value: number; label: string }>>([]);
  if (o && staff.role === 'hq_admin' && !props.storeId && storeOptions.length === 0 && o.stores.length)
    setStoreOptions(o.stores.map((s) => ({ value: s.id, label: s.name })));

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <DatePicker.RangePicker
          allowClear={false}
          value={props.range}
          onChange={(v) => v?.[0] && v[1] && props.setRange([v[0], v[1]])}
          presets={[
            { label: '近7天', value: [shanghaiToday().subtract(6, 'day'), shanghaiToday()] },
            { label: '近30天', value: [shanghaiToday().subtract(29, 'day'), shanghaiToday()] },
            { label: '本月', value: [shanghaiToday().startOf('month'), shanghaiToday()] },
            { label: '上月', value: [shanghaiToday().subtract(1, 'month').startOf('month'), shanghaiToday().subtract(1, 'month').endOf('month')] },
          ]}
          data-testid="insight-range"
        />
        {staff.role === 'hq_admin' && (
          <Select
            style={{ width: 180 }}
            allowClear
            placeholder="全部门店"
            value={props.storeId}
            options={storeOptions}
            onChange={(v) => props.setStoreId(v ?? undefined)}
            data-testid="insight-store"
          />
        )}
        <Button
          icon={<ReloadOutlined />}
          loading={refreshing || loaded.loading}
          onClick={() => {
            setRefreshing(true);
            setNonce((n) => n + 1);
            setTimeout(() => setRefreshing(false), 300);
          }}
          data-testid="insight-refresh"
        >
          刷新
        </Button>
        {o && (
          <Typography.Text type="secondary" data-testid="insight-scope">
            {o.scopeLabel} · {o.from} 至 {o.to}（对比 {o.previousFrom} 至 {o.previousTo}） · 计算于 {dayjs(o.computedAt).format('MM-DD HH:mm')}
          </Typography.Text>
        )}
      </Space>
      {loaded.error && <Alert type="error" showIcon message={loaded.error} style={{ marginBottom: 12 }} />}
      {!o ? (
        <Spin style={{ display: 'block', margin: 48 }} />
      ) : (
        <>
          {FAMILIES.map((fam) => (
            <Card key={fam.title} size="small" title={fam.title} style={{ marginBottom: 12 }}>
              <Row gutter={[12, 12]}>
                {fam.figures.map((def) => {
                  const now = def.pick(o.figures);
                  return (
                    <Col key={def.key} xs={12} sm={8} md={6} xl={4}>
                      <Tooltip title={def.hint}>
                        <div
                          data-testid={`fig-${def.key}`}
                          className={def.drill ? 'insight-fig insight-fig-drill' : 'insight-fig'}
                          style={{ cursor: def.drill ? 'pointer' : 'default' }}
                          onClick={() => def.drill && setDrill(def.drill)}
                        >
                          <Statistic title={def.label} value={show(now, def.format)} valueStyle={{ fontSize: 20 }} />
                          <Delta now={now} before={def.pick(o.previous)} lowerIsBetter={def.lowerIsBetter} />
                        </div>
                      </Tooltip>
                    </Col>
                  );
                })}
              </Row>
            </Card>
          ))}
          <Row gutter={12}>
            <Col xs={24} xl={16}>
              <Card size="small" title="每日趋势" style={{ marginBottom: 12 }}>
                <Suspense fallback={<Spin />}>
                  <Charts.TrendChart series={o.series} />
                </Suspense>
              </Card>
            </Col>
            <Col xs={24} xl={8}>
              <Card size="small" title="同心圆（辐射层 / 互动层 / 共创层）" style={{ marginBottom: 12 }}>
                <Suspense fallback={<Spin />}>
                  <Charts.RingChart now={o.figures.rings.counts} before={o.previous.rings.counts} />
                </Suspense>
                <Space wrap>
                  {(['radiate', 'interact', 'create'] as const).map((r) => (
                    <Button key={r} size="small" onClick={() => setDrill(`ring_${r}`)} data-testid={`ring-${r}`}>
                      {I.DRILL_LABELS[`ring_${r}`]} {o.figures.rings.counts[r]}
                    </Button>
                  ))}
                </Space>
                <RingMoves moves={o.figures.rings.moves} />
              </Card>
            </Col>
          </Row>
          <RoiCard roi={o.roi} />
        </>
      )}
      <SegmentDrawer figure={drill} query={query} onClose={() => setDrill(null)} onError={(e) => message.error(e)} />
    </>
  );
}

const RING_NAMES = { radiate: '辐射层', interact: '互动层', create: '共创层' } as const;

function RingMoves({ moves }: { moves: I.Figures['rings']['moves'] }) {
  const keys = ['radiate', 'interact', 'create'] as const;
  const data = keys.map((from) => ({ key: from, from: RING_NAMES[from], ...moves[from] }));
  return (
    <DataTable
      size="small"
      pagination={false}
      style={{ marginTop: 8 }}
      dataSource={data}
      columns={[{ title: '上期 → 本期', dataIndex: 'from' }, ...keys.map((k) => ({ title: RING_NAMES[k], dataIndex: k }))]}
    />
  );
}

function RoiCard({ roi }: { roi: I.Overview['roi'] }) {
  const rows = [
    { key: 'classes', name: '课程/活动参与者', r: roi.classes },
    { key: 'contests', name: '大赛参与者', r: roi.contests },
  ];
  const est = (e: I.RoiView['visits'], fen = false) =>
    e ? (
      <span>
        <b>{fen ? `¥${(e.did / 100).toFixed(2)}` : e.did.toFixed(2)}</b>{' '}
        <Typography.Text type="secondary">
          [{fen ? (e.low / 100).toFixed(2) : e.low.toFixed(2)}, {fen ? (e.high / 100).toFixed(2) : e.high.toFixed(2)}]
        </Typography.Text>{' '}
        {e.low > 0 ? <Tag color="green">显著提升</Tag> : e.high < 0 ? <Tag color="red">显著下降</Tag> : <Tag>不显著</Tag>}
      </span>
    ) : (
      '—'
    );
  return (
    <Card size="small" title="社群ROI（参与者 vs 相似对照组，前后3个月，双重差分，95%区间）" data-testid="roi-board">
      <DataTable
        size="small"
        pagination={false}
        dataSource={rows}
        columns={[
          { title: '人群', dataIndex: 'name' },
          { title: '参与者（匹配）', render: (_, x) => `${x.r.treated}（${x.r.matchedTreated}）` },
          { title: '对照组', render: (_, x) => x.r.controls },
          { title: '月到店次数变化', render: (_, x) => est(x.r.visits) },
          { title: '月消费变化', render: (_, x) => est(x.r.spendFen, true) },
        ]}
      />
    </Card>
  );
}

function SegmentDrawer({ figure, query, onClose, onError }: { figure: Drill | null; query: I.PeriodQuery; onClose: () => void; onError: (e: string) => void }) {
  const { api } = useAuth();
  const staff = useStaff();
  const [exporting, setExporting] = useState(false);
  const seg = useLoaded(
    () => (figure ? api.call(I.getSegment, { query: { ...query, figure } }) : Promise.resolve(null)),
    [api, figure, query.from, query.to, query.storeId],
  );
  const qs = figure
    ? new URLSearchParams({ ...query, figure, ...(query.storeId ? { storeId: String(query.storeId) } : {}) } as Record<string, string>).toString()
    : '';
  return (
    <Drawer open={!!figure} onClose={onClose} width={560} title={figure ? `${I.DRILL_LABELS[figure]}（${query.from} 至 ${query.to}）` : ''} destroyOnClose>
      {seg.data && (
        <div data-testid="segment">
          <Space style={{ marginBottom: 12 }}>
            <Typography.Text data-testid="segment-total">共 {seg.data.total} 人</Typography.Text>
            <Button
              icon={<DownloadOutlined />}
              loading={exporting}
              disabled={!seg.data.total}
              data-testid="segment-export"
              onClick={async () => {
                setExporting(true);
                try {
                  await downloadWithToken(`/api/admin/insight/segment/export?${qs}`, 'segment.xlsx');
                } catch (e) {
                  onError(errorMessage(e));
                } finally {
                  setExporting(false);
                }
              }}
            >
              导出 Excel
            </Button>
            {staff.role !== 'group_owner' && figure && <SaveSegment query={query} figure={figure} disabled={!seg.data.total} onError={onError} />}
          </Space>
          <DataTable
            size="small"
            rowKey="id"
            dataSource={seg.data.items}
            pagination={{ pageSize: 20 }}
            columns={[
              { title: '编号', dataIndex: 'id', width: 80 },
              { title: '昵称', dataIndex: 'nickname', render: (v: string | null) => v ?? '未设置昵称' },
              { title: '等级', dataIndex: 'tier' },
              { title: '门店', dataIndex: 'storeName' },
              { title: '家庭', dataIndex: 'householdName' },
            ]}
          />
          {seg.data.total > seg.data.items.length && (
            <Typography.Text type="secondary">仅显示前 {seg.data.items.length} 人，导出包含全部（最多1万）。</Typography.Text>
          )}
        </div>
      )}
      {seg.error && <Alert type="error" message={seg.error} />}
    </Drawer>
  );
}

/** 存为人群: the drill-down's members frozen under a name (then listed under 已存人群). */
function SaveSegment({ query, figure, disabled, onError }: { query: I.PeriodQuery; figure: Drill; disabled: boolean; onError: (e: string) => void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [name, setName] = useState(`${I.DRILL_LABELS[figure]} ${query.from}至${query.to}`);
  const [saving, setSaving] = useState(false);
  return (
    <Space.Compact>
      <Input value={name} onChange={(e) => setName(e.target.value)} maxLength={40} style={{ width: 220 }} data-testid="segment-name" />
      <Button
        loading={saving}
        disabled={disabled || !name.trim()}
        data-testid="segment-save"
        onClick={async () => {
          setSaving(true);
          try {
            const saved = await api.call(I.saveSegment, { body: { ...query, figure, name: name.trim() } });
            message.success(`已存为人群「${saved.name}」（${saved.members} 人）`);
          } catch (e) {
            onError(errorMessage(e));
          } finally {
            setSaving(false);
          }
        }}
      >
        存为人群
      </Button>
    </Space.Compact>
  );
}

// ---------------------------------------------------------------- saved segments

/** 已存人群: export, use as a journey's audience, give a tag (synced to WeCom). */
function SegmentsTab() {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [nonce, setNonce] = useState(0);
  const segments = useLoaded(() => api.call(I.listSegments, {}), [api, nonce]);
  const journeys = useLoaded(() => journeysContract().then((j) => api.call(j.listJourneys)), [api]);
  const [journeyOf, setJourneyOf] = useState<Record<number, number>>({});
  const [tagOf, setTagOf] = useState<Record<number, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const run = async (key: string, work: () => Promise<string>) => {
    setBusy(key);
    try {
      message.success(await work());
      setNonce((n) => n + 1);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };
  const journeyOptions = (journeys.data?.items ?? []).filter((j) => j.active).map((j) => ({ value: j.id, label: j.name }));
  return (
    <Card size="small" title="已存人群（在概览里点指标 → 存为人群）">
      {segments.error && <Alert type="error" showIcon message={segments.error} />}
      <DataTable
        size="small"
        rowKey="id"
        loading={segments.loading}
        dataSource={segments.data?.items ?? []}
        locale={{ emptyText: <Empty description="还没有存过人群" /> }}
        data-testid="segments"
        columns={[
          { title: '人群', dataIndex: 'name' },
          { title: '指标', render: (_, s) => I.DRILL_LABELS[s.figure] },
          { title: '时间段', render: (_, s) => `${s.from} 至 ${s.to}` },
          { title: '人数', dataIndex: 'members' },
          { title: '标签', render: (_, s) => (s.tagName ? <Tag color="blue">{s.tagName}</Tag> : '—') },
          {
            title: '使用',
            render: (_, s) => (
              <Space wrap>
                <Button
                  size="small"
                  icon={<DownloadOutlined />}
                  loading={busy === `x${s.id}`}
                  data-testid={`segment-export-${s.id}`}
                  onClick={() =>
                    run(`x${s.id}`, async () => {
                      await downloadWithToken(`/api/admin/insight/segments/${s.id}/export`, `${s.name}.xlsx`);
                      return '已导出';
                    })
                  }
                >
                  导出
                </Button>
                <Space.Compact>
                  <Select
                    size="small"
                    style={{ width: 150 }}
                    placeholder="选择旅程"
                    options={journeyOptions}
                    value={journeyOf[s.id]}
                    onChange={(v) => setJourneyOf((m) => ({ ...m, [s.id]: v }))}
                    data-testid={`segment-journey-${s.id}`}
                  />
                  <Button
                    size="small"
                    disabled={!journeyOf[s.id]}
                    loading={busy === `j${s.id}`}
                    data-testid={`segment-enrol-${s.id}`}
                    onClick={() =>
                      run(`j${s.id}`, async () => {
                        const r = await api.call(I.enrolSegment, { params: { segmentId: s.id }, body: { journeyId: journeyOf[s.id] } });
                        return `已加入旅程 ${r.enrolled} 人（跳过 ${r.skipped} 人：无企微好友或已在旅程中）`;
                      })
                    }
                  >
                    加入旅程
                  </Button>
                </Space.Compact>
                <Space.Compact>
                  <Input
                    size="small"
                    style={{ width: 110 }}
                    placeholder="标签名"
                    maxLength={20}
                    value={tagOf[s.id] ?? ''}
                    onChange={(e) => setTagOf((m) => ({ ...m, [s.id]: e.target.value }))}
                    data-testid={`segment-tag-name-${s.id}`}
                  />
                  <Button
                    size="small"
                    disabled={!tagOf[s.id]?.trim()}
                    loading={busy === `t${s.id}`}
                    data-testid={`segment-tag-${s.id}`}
                    onClick={() =>
                      run(`t${s.id}`, async () => {
                        const r = await api.call(I.tagSegment, { params: { segmentId: s.id }, body: { tag: tagOf[s.id].trim() } });
                        return `已给 ${r.members} 人打上标签「${r.tagName}」（同步到企业微信）`;
                      })
                    }
                  >
                    打标签
                  </Button>
                </Space.Compact>
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}

// ---------------------------------------------------------------- the ROI board's monthly history

function RoiHistoryTab({ storeId }: { storeId?: number }) {
  const { api } = useAuth();
  const months = useLoaded(() => api.call(I.listRoiMonths, { query: storeId ? { storeId } : {} }), [api, storeId]);
  const est = (e: I.RoiView['visits'], fen = false) => {
    if (!e) return '—';
    const f = (v: number) => (fen ? `¥${(v / 100).toFixed(2)}` : v.toFixed(2));
    return (
      <span>
        <b>{f(e.did)}</b>{' '}
        <Typography.Text type="secondary">
          [{f(e.low)}, {f(e.high)}]
        </Typography.Text>
      </span>
    );
  };
  const view = (r: I.RoiView) => (
    <span>
      {r.treated}人 vs {r.controls}人 · 到店 {est(r.visits)} · 消费 {est(r.spendFen, true)}
    </span>
  );
  return (
    <Card size="small" title="社群ROI 月度历史（每晚计算；参与月后满3个月为最终值）">
      {months.error && <Alert type="error" showIcon message={months.error} />}
      <DataTable
        size="small"
        rowKey="month"
        pagination={false}
        loading={months.loading}
        dataSource={months.data?.items ?? []}
        locale={{ emptyText: <Empty description="夜间任务还没有算出月度数据" /> }}
        data-testid="roi-months"
        columns={[
          { title: '月份', dataIndex: 'month' },
          { title: '课程/活动参与者（双重差分，95%区间）', render: (_, m) => view(m.classes) },
          { title: '大赛参与者', render: (_, m) => view(m.contests) },
          { title: '状态', render: (_, m) => (m.final ? <Tag color="green">最终</Tag> : <Tag>观察中</Tag>) },
        ]}
      />
    </Card>
  );
}

// ---------------------------------------------------------------- A/B tests

function AbTab() {
  const { api } = useAuth();
  const staff = useStaff();
  const { message } = App.useApp();
  const [nonce, setNonce] = useState(0);
  const tests = useLoaded(() => api.call(I.listAbTests), [api, nonce]);
  const journeys = useLoaded(
    () => (staff.role === 'hq_admin' ? journeysContract().then((j) => api.call(j.listJourneys)) : Promise.resolve({ items: [] as J.JourneyView[] })),
    [api],
  );
  const [form] = Form.useForm();
  const kind: I.AbKind = Form.useWatch('kind', form) ?? 'message';
  // the steps a test can sit on: message steps (copy) or coupon steps (the coupon's terms)
  const steps = useMemo(
    () =>
      (journeys.data?.items ?? []).flatMap((j) =>
        j.steps.flatMap((s, i): Array<{ value: string; label: string; text: string; amount?: number; minSpend?: number }> => {
          const base = { value: `${j.id}:${i}`, label: `${j.name} · ${s.name}` };
          if (kind === 'message' && s.action.type === 'message') return [{ ...base, text: s.action.text }];
          if (kind === 'coupon' && s.action.type === 'coupon')
            return [{ ...base, text: s.action.title, amount: s.action.amountFen / 100, minSpend: s.action.minSpendFen / 100 }];
          return [];
        }),
      ),
    [journeys.data, kind],
  );
  const [saving, setSaving] = useState(false);

  async function create(values: {
    name: string;
    kind: I.AbKind;
    step: string;
    goal: I.AbGoal;
    windowDays: number;
    floor: number;
    variants: Array<{ label: string; text: string; amount?: number; minSpend?: number }>;
  }) {
    const [journeyId, stepIndex] = values.step.split(':').map(Number);
    setSaving(true);
    try {
      await api.call(I.createAbTest, {
        body: {
          name: values.name,
          kind: values.kind,
          journeyId,
          stepIndex,
          goal: values.goal,
          windowDays: values.windowDays,
          floor: values.floor / 100,
          variants: values.variants.map((v) =>
            values.kind === 'coupon'
              ? { label: v.label, text: v.text, amountFen: Math.round((v.amount ?? 0) * 100), minSpendFen: Math.round((v.minSpend ?? 0) * 100) }
              : { label: v.label, text: v.text },
          ),
        },
      });
      message.success('A/B 测试已开始');
      form.resetFields();
      setNonce((n) => n + 1);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setSaving(false);
    }
  }

  async function stop(testId: number, keep: number) {
    try {
      await api.call(I.stopAbTest, { params: { testId }, body: { keep } });
      message.success('已结束测试并保留该版本');
      setNonce((n) => n + 1);
    } catch (e) {
      message.error(errorMessage(e));
    }
  }

  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button icon={<ReloadOutlined />} onClick={() => setNonce((n) => n + 1)} loading={tests.loading} data-testid="ab-reload">
          刷新
        </Button>
        <Typography.Text type="secondary">分配从均分开始，按汤普森采样自动向更好的版本倾斜，每个版本保留最低探索比例。</Typography.Text>
      </Space>
      {tests.error && <Alert type="error" message={tests.error} />}
      {tests.data && tests.data.items.length === 0 && <Empty description="还没有 A/B 测试" />}
      {tests.data?.items.map((t) => (
        <Card
          key={t.id}
          size="small"
          style={{ marginBottom: 12 }}
          data-testid={`ab-test-${t.id}`}
          title={
            <Space>
              {t.name}
              <Typography.Text type="secondary">
                {t.kind === 'coupon' ? '优惠券' : '文案'} · {t.journeyName ?? `旅程 ${t.journeyId}`} · 第{t.stepIndex + 1}步 · 目标：{t.windowDays}天内
                {I.AB_GOAL_LABELS[t.goal]} · 探索下限 {(t.floor * 100).toFixed(0)}%
              </Typography.Text>
              {t.status === 'running' ? <Tag color="processing">进行中</Tag> : <Tag>已结束</Tag>}
            </Space>
          }
        >
          <DataTable
            size="small"
            pagination={false}
            rowKey="label"
            dataSource={t.variants.map((v, i) => ({ ...v, i }))}
            columns={[
              {
                title: '版本',
                dataIndex: 'label',
                render: (v: string, x) =>
                  t.winner === x.i ? (
                    <Space>
                      {v}
                      <Tag color="green">保留</Tag>
                    </Space>
                  ) : (
                    v
                  ),
              },
              ...(t.kind === 'coupon'
                ? [
                    { title: '券名', dataIndex: 'text', ellipsis: true },
                    {
                      title: '面额 / 门槛',
                      render: (_: unknown, v: { amountFen: number | null; minSpendFen: number | null }) =>
                        `${((v.amountFen ?? 0) / 100).toFixed(2)}元 / ${v.minSpendFen ? `满${(v.minSpendFen / 100).toFixed(2)}元` : '无门槛'}`,
                    },
                  ]
                : [{ title: '文案', dataIndex: 'text', ellipsis: true }]),
              { title: t.kind === 'coupon' ? '发券' : '发送', dataIndex: 'sends' },
              { title: '转化', dataIndex: 'conversions' },
              { title: '转化率（后验，95%）', render: (_, v) => `${(v.mean * 100).toFixed(1)}% [${(v.low * 100).toFixed(1)}, ${(v.high * 100).toFixed(1)}]` },
              {
                title: '当前分配',
                render: (_, v) => <Progress percent={Math.round(v.share * 1000) / 10} size="small" data-testid={`ab-share-${t.id}-${v.i}`} />,
              },
              ...(staff.role === 'hq_admin' && t.status === 'running'
                ? [
                    {
                      title: '',
                      render: (_: unknown, v: { i: number }) => (
                        <Button size="small" onClick={() => stop(t.id, v.i)} data-testid={`ab-keep-${t.id}-${v.i}`}>
                          结束并保留
                        </Button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
          <Suspense fallback={null}>
            <Charts.ShareChart variants={t.variants} />
          </Suspense>
        </Card>
      ))}
      {staff.role === 'hq_admin' && (
        <Card size="small" title="新建 A/B 测试（旅程的发消息或发优惠券步骤）">
          <Form
            form={form}
            layout="vertical"
            onFinish={create}
            initialValues={{
              kind: 'message',
              goal: 'purchase',
              windowDays: 7,
              floor: 5,
              variants: [
                { label: 'A', text: '' },
                { label: 'B', text: '' },
              ],
            }}
            data-testid="ab-form"
          >
            <Row gutter={12}>
              <Col span={8}>
                <Form.Item name="name" label="名称" rules={[{ required: true, message: '请填写名称' }]}>
                  <Input maxLength={40} data-testid="ab-name" />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item name="kind" label="测试内容">
                  <Radio.Group
                    optionType="button"
                    data-testid="ab-kind"
                    options={[
                      { value: 'message', label: '消息文案' },
                      { value: 'coupon', label: '优惠券' },
                    ]}
                    onChange={(e) => {
                      const k = e.target.value as I.AbKind;
                      form.setFieldsValue({
                        step: undefined,
                        goal: k === 'coupon' ? 'redeem' : 'purchase',
                        variants: [
                          { label: 'A', text: '' },
                          { label: 'B', text: '' },
                        ],
                      });
                    }}
                  />
                </Form.Item>
              </Col>
              <Col span={10}>
                <Form.Item name="step" label="旅程步骤" rules={[{ required: true, message: '请选择步骤' }]}>
                  <Select
                    options={steps}
                    data-testid="ab-step"
                    onChange={(v) => {
                      const s = steps.find((x) => x.value === v);
                      if (s && !form.getFieldValue(['variants', 0, 'text']))
                        form.setFieldValue(['variants', 0], { ...form.getFieldValue(['variants', 0]), text: s.text, amount: s.amount, minSpend: s.minSpend });
                    }}
                  />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="goal" label="目标">
                  <Select options={I.AB_KIND_GOALS[kind].map((g) => ({ value: g, label: I.AB_GOAL_LABELS[g] }))} data-testid="ab-goal" />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="windowDays" label="观察天数">
                  <InputNumber min={1} max={30} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="floor" label="每个版本最低探索比例（%）">
                  <InputNumber min={0} max={25} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            </Row>
            {kind === 'message' && <VariantGenerator onVariants={(v) => form.setFieldValue('variants', v)} />}
            <Form.List name="variants">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((f, i) => (
                    <Row key={f.key} gutter={8} align="top">
                      <Col span={4}>
                        <Form.Item name={[f.name, 'label']} rules={[{ required: true, message: '版本名' }]}>
                          <Input maxLength={20} placeholder="版本名" />
                        </Form.Item>
                      </Col>
                      {kind === 'coupon' ? (
                        <>
                          <Col span={8}>
                            <Form.Item name={[f.name, 'text']} rules={[{ required: true, message: '请填写券名' }]}>
                              <Input maxLength={40} placeholder="券名（顾客看到的文字）" data-testid={`ab-variant-${i}`} />
                            </Form.Item>
                          </Col>
                          <Col span={5}>
                            <Form.Item name={[f.name, 'amount']} rules={[{ required: true, message: '请填写面额' }]}>
                              <InputNumber
                                min={0.01}
                                max={10000}
                                precision={2}
                                addonAfter="元"
                                placeholder="面额"
                                style={{ width: '100%' }}
                                data-testid={`ab-amount-${i}`}
                              />
                            </Form.Item>
                          </Col>
                          <Col span={5}>
                            <Form.Item name={[f.name, 'minSpend']}>
                              <InputNumber
                                min={0}
                                max={100000}
                                precision={2}
                                addonBefore="满"
                                addonAfter="元"
                                placeholder="门槛"
                                style={{ width: '100%' }}
                                data-testid={`ab-min-${i}`}
                              />
                            </Form.Item>
                          </Col>
                        </>
                      ) : (
                        <Col span={18}>
                          <Form.Item name={[f.name, 'text']} rules={[{ required: true, message: '请填写文案' }]}>
                            <Input.TextArea rows={2} maxLength={1000} placeholder="文案，可用 {客户称呼}" data-testid={`ab-variant-${i}`} />
                          </Form.Item>
                        </Col>
                      )}
                      <Col span={2}>{fields.length > 2 && <Button onClick={() => remove(f.name)}>删除</Button>}</Col>
                    </Row>
                  ))}
                  {fields.length < 4 && (
                    <Button onClick={() => add({ label: String.fromCharCode(65 + fields.length), text: '' })} style={{ marginBottom: 12 }}>
                      添加版本
                    </Button>
                  )}
                </>
              )}
            </Form.List>
            <Button type="primary" htmlType="submit" loading={saving} data-testid="ab-create">
              开始测试
            </Button>
          </Form>
        </Card>
      )}
    </>
  );
}

/** 按模板生成: copies from templates and audience tags, filled into the variants for ops to edit. */
function VariantGenerator({ onVariants }: { onVariants: (v: Array<{ label: string; text: string }>) => void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [topic, setTopic] = useState('晚餐');
  const [tags, setTags] = useState<I.VariantTag[]>(['with_children']);
  const [count, setCount] = useState(2);
  const [busy, setBusy] = useState(false);
  return (
    <Space wrap style={{ marginBottom: 12 }} data-testid="ab-generator">
      <Typography.Text type="secondary">按模板生成：</Typography.Text>
      <Input style={{ width: 100 }} maxLength={12} value={topic} onChange={(e) => setTopic(e.target.value)} placeholder="主题" />
      <Select
        mode="multiple"
        style={{ minWidth: 220 }}
        value={tags}
        onChange={setTags}
        options={I.VARIANT_TAGS.map((t) => ({ value: t, label: I.VARIANT_TAG_LABELS[t] }))}
        placeholder="人群标签"
      />
      <InputNumber min={2} max={4} value={count} onChange={(v) => setCount(v ?? 2)} addonAfter="个版本" style={{ width: 130 }} />
      <Button
        loading={busy}
        disabled={!topic.trim() || !tags.length}
        data-testid="ab-generate"
        onClick={async () => {
          setBusy(true);
          try {
            onVariants((await api.call(I.generateAbVariants, { body: { topic: topic.trim(), tags, count } })).variants);
          } catch (e) {
            message.error(errorMessage(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        生成文案
      </Button>
    </Space>
  );
}

// ---------------------------------------------------------------- settings

function SettingsTab() {
  const { api } = useAuth();
  const { message } = App.useApp();
  const settings = useLoaded(() => api.call(I.getInsightSettings), [api]);
  const [saving, setSaving] = useState(false);
  if (!settings.data) return settings.error ? <Alert type="error" message={settings.error} /> : <Spin />;
  const s = settings.data;
  return (
    <Card size="small" title="指标设置（定义见 docs/metrics.md）">
      <Form
        layout="vertical"
        style={{ maxWidth: 640 }}
        initialValues={{
          withChildren: s.householdFoodSpendFen.with_children / 100,
          adults: s.householdFoodSpendFen.adults / 100,
          highMarginCategories: s.highMarginCategories,
          costs: Object.entries(s.acquisitionCostFen).map(([channel, fen]) => ({ channel, yuan: fen / 100 })),
        }}
        onFinish={async (v: { withChildren: number; adults: number; highMarginCategories: string[]; costs?: Array<{ channel: string; yuan: number }> }) => {
          setSaving(true);
          try {
            await api.call(I.putInsightSettings, {
              body: {
                householdFoodSpendFen: { with_children: Math.round(v.withChildren * 100), adults: Math.round(v.adults * 100) },
                highMarginCategories: v.highMarginCategories,
                acquisitionCostFen: Object.fromEntries((v.costs ?? []).filter((c) => c?.channel).map((c) => [c.channel, Math.round(c.yuan * 100)])),
              },
            });
            message.success('已保存，刷新概览后生效');
          } catch (e) {
            message.error(errorMessage(e));
          } finally {
            setSaving(false);
          }
        }}
      >
        <Space>
          <Form.Item name="withChildren" label="有孩家庭月食品支出估算（元）">
            <InputNumber min={0} />
          </Form.Item>
          <Form.Item name="adults" label="其他家庭月食品支出估算（元）">
            <InputNumber min={0} />
          </Form.Item>
        </Space>
        <Form.Item name="highMarginCategories" label="高毛利品类">
          <Select mode="tags" />
        </Form.Item>
        <Typography.Text>各渠道每位新增客户的获客成本（元）</Typography.Text>
        <Form.List name="costs">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} style={{ display: 'flex', marginTop: 8 }}>
                  <Form.Item name={[f.name, 'channel']} noStyle>
                    <Input placeholder="渠道类型，如 store_qr" style={{ width: 200 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'yuan']} noStyle>
                    <InputNumber min={0} placeholder="元" />
                  </Form.Item>
                  <Button onClick={() => remove(f.name)}>删除</Button>
                </Space>
              ))}
              <Button onClick={() => add()} style={{ marginTop: 8, display: 'block' }}>
                添加渠道
              </Button>
            </>
          )}
        </Form.List>
        <Button type="primary" htmlType="submit" loading={saving} style={{ marginTop: 16 }}>
          保存
        </Button>
      </Form>
    </Card>
  );
}
