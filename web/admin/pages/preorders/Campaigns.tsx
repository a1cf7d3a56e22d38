/** 活动与菜品: campaigns (HQ creates), then a campaign's items (credited contest dishes) and pickup slots. */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Descriptions, Input, InputNumber, Select, Space, Tag, Typography } from 'antd';
import { DataTable } from '../../common/DataTable';
import { Link, useParams } from 'react-router-dom';
import { listDishes } from '../../../../contracts/contest';
import {
  ITEM_KIND_LABELS,
  type ItemKind,
  opsAddItem,
  opsAddSlots,
  opsCampaignDetail,
  opsCreateCampaign,
  opsListCampaigns,
  opsUpdateItem,
} from '../../../../contracts/preorder';
import type { RouteResponse } from '../../../../contracts/route';
import { useAuth, useStaff } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { fromShanghaiInput, hm, shanghaiToday, toShanghaiInput, yuan } from './util';

type Detail = RouteResponse<typeof opsCampaignDetail>;

export function CampaignListPage() {
  const { api } = useAuth();
  const staff = useStaff();
  const [data, setData] = useState<RouteResponse<typeof opsListCampaigns> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const now = Date.now();
  const [form, setForm] = useState({
    name: '2027 年夜饭',
    starts: toShanghaiInput(new Date(now).toISOString()),
    ends: toShanghaiInput(new Date(now + 20 * 86400_000).toISOString()),
    cutoff: toShanghaiInput(new Date(now + 18 * 86400_000).toISOString()),
    stores: '',
  });

  useEffect(() => {
    api.call(opsListCampaigns).then(setData, (e) => setError(errorMessage(e)));
  }, [api, tick]);

  const create = async () => {
    setError(null);
    try {
      await api.call(opsCreateCampaign, {
        body: {
          name: form.name,
          saleStartsAt: fromShanghaiInput(form.starts) ?? '',
          saleEndsAt: fromShanghaiInput(form.ends) ?? '',
          cancelCutoffAt: fromShanghaiInput(form.cutoff) ?? '',
          storeIds: form.stores
            .split(/[,，\s]+/)
            .filter(Boolean)
            .map(Number),
          status: 'published',
        },
      });
      setTick((t) => t + 1);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="preorder-campaigns">
      {error && <Alert type="error" showIcon message={error} />}
      {staff.role === 'hq_admin' && (
        <Card size="small" title="新建预订活动">
          <Space wrap>
            <Input
              addonBefore="名称"
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
              data-testid="campaign-name"
              style={{ width: 260 }}
            />
            <Input
              addonBefore="开售"
              type="datetime-local"
              value={form.starts}
              onChange={(e) => setForm({ ...form, starts: e.target.value })}
              data-testid="campaign-starts"
            />
            <Input
              addonBefore="截止"
              type="datetime-local"
              value={form.ends}
              onChange={(e) => setForm({ ...form, ends: e.target.value })}
              data-testid="campaign-ends"
            />
            <Input
              addonBefore="取消截止"
              type="datetime-local"
              value={form.cutoff}
              onChange={(e) => setForm({ ...form, cutoff: e.target.value })}
              data-testid="campaign-cutoff"
            />
            <Input
              addonBefore="门店ID"
              placeholder="如 1,2"
              value={form.stores}
              onChange={(e) => setForm({ ...form, stores: e.target.value })}
              data-testid="campaign-stores"
              style={{ width: 200 }}
            />
            <Button type="primary" onClick={() => void create()} data-testid="campaign-create">
              创建
            </Button>
          </Space>
        </Card>
      )}
      <DataTable
        rowKey="id"
        size="small"
        dataSource={data?.items ?? []}
        loading={!data && !error}
        pagination={false}
        columns={[
          {
            title: '活动',
            dataIndex: 'name',
            render: (v: string, r) => (
              <Link to={`/preorders/campaigns/${r.id}`} data-testid={`campaign-link-${r.id}`}>
                {v}
              </Link>
            ),
          },
          { title: '预订时间', render: (_, r) => `${formatDateTime(r.saleStartsAt)} – ${formatDateTime(r.saleEndsAt)}` },
          { title: '取消截止', render: (_, r) => formatDateTime(r.cancelCutoffAt) },
          { title: '门店', render: (_, r) => r.storeIds.join('、') },
        ]}
      />
      {data && <Typography.Paragraph type="secondary">「为你推荐」规则：{data.recommendationRule}</Typography.Paragraph>}
    </Space>
  );
}

export function CampaignDetailPage() {
  const { api } = useAuth();
  const staff = useStaff();
  const campaignId = Number(useParams().campaignId);
  const [detail, setDetail] = useState<Detail | null>(null);
  const [dishes, setDishes] = useState<RouteResponse<typeof listDishes>['items']>([]);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [item, setItem] = useState({
    kind: 'chef_dish' as ItemKind,
    theme: '经典传承',
    name: '',
    priceYuan: 88,
    stockTotal: 100,
    perMemberLimit: 5,
    dailyCap: null as number | null,
    servings: null as number | null,
    allergens: '',
    dishId: null as number | null,
  });
  const [slot, setSlot] = useState({ storeId: staff.storeId ?? 0, days: shanghaiToday(), windows: '10:00-12:00', capacity: 60 });

  useEffect(() => {
    api.call(opsCampaignDetail, { params: { campaignId } }).then(
      (d) => {
        setDetail(d);
        setSlot((s) => (s.storeId ? s : { ...s, storeId: d.campaign.storeIds[0] ?? 0 }));
      },
      (e) => setError(errorMessage(e)),
    );
  }, [api, campaignId, tick]);
  useEffect(() => {
    api.call(listDishes, { query: { page: 1, pageSize: 100 } }).then(
      (r) => setDishes(r.items),
      () => undefined,
    );
  }, [api]);

  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      setTick((t) => t + 1);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const addItem = () =>
    run(async () => {
      await api.call(opsAddItem, {
        params: { campaignId },
        body: {
          kind: item.kind,
          theme: item.theme,
          name: item.name || dishes.find((d) => d.id === item.dishId)?.name || '',
          priceFen: Math.round(item.priceYuan * 100),
          stockTotal: item.stockTotal,
          perMemberLimit: item.perMemberLimit,
          dailyCap: item.kind === 'chef_dish' ? item.dailyCap : null,
          servings: item.servings,
          allergens: item.allergens.split(/[,，、\s]+/).filter(Boolean),
          dishId: item.dishId,
        },
      });
      // the next item starts blank (no dish credit carried over)
      setItem((i) => ({ ...i, name: '', dishId: null }));
    });
  const addSlots = () =>
    run(() =>
      api.call(opsAddSlots, {
        params: { campaignId },
        body: {
          storeId: slot.storeId,
          days: slot.days.split(/[,，\s]+/).filter(Boolean),
          windows: slot.windows
            .split(/[,，\s]+/)
            .filter(Boolean)
            .map((w) => {
              const [start, end] = w.split('-');
              return { start, end };
            }),
          capacity: slot.capacity,
        },
      }),
    );

  if (!detail) return error ? <Alert type="error" showIcon message={error} /> : <Card loading />;
  const hq = staff.role === 'hq_admin';
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="preorder-campaign-detail">
      {error && <Alert type="error" showIcon message={error} data-testid="preorder-error" />}
      <Descriptions size="small" bordered column={2} title={detail.campaign.name}>
        <Descriptions.Item label="预订时间">
          {formatDateTime(detail.campaign.saleStartsAt)} – {formatDateTime(detail.campaign.saleEndsAt)}
        </Descriptions.Item>
        <Descriptions.Item label="取消截止">{formatDateTime(detail.campaign.cancelCutoffAt)}</Descriptions.Item>
      </Descriptions>
      <Card size="small" title="菜品">
        <DataTable
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={detail.items}
          columns={[
            {
              title: '菜品',
              render: (_, r) => (
                <span data-testid={`item-row-${r.id}`}>
                  {r.name}
                  {r.dish && (
                    <Tag color="red" style={{ marginLeft: 8 }}>
                      {r.dish.authorDisplayName} · 大赛作品 #{r.dish.entryId}
                    </Tag>
                  )}
                </span>
              ),
            },
            { title: '类型', render: (_, r) => ITEM_KIND_LABELS[r.kind] },
            { title: '主题', dataIndex: 'theme' },
            { title: '价格', render: (_, r) => yuan(r.priceFen) },
            { title: '库存', render: (_, r) => `${r.stockTotal - r.stockLeft}/${r.stockTotal}` },
            { title: '每人限购', dataIndex: 'perMemberLimit' },
            { title: '日产能', render: (_, r) => r.dailyCap ?? '—' },
            hq
              ? {
                  title: '',
                  render: (_, r) => (
                    <Button size="small" onClick={() => void run(() => api.call(opsUpdateItem, { params: { itemId: r.id }, body: { onSale: !r.onSale } }))}>
                      {r.onSale ? '下架' : '上架'}
                    </Button>
                  ),
                }
              : { title: '', render: () => null },
          ]}
        />
        {hq && (
          <Space wrap style={{ marginTop: 12 }}>
            <Select
              value={item.kind}
              onChange={(v) => setItem({ ...item, kind: v })}
              style={{ width: 130 }}
              options={Object.entries(ITEM_KIND_LABELS).map(([value, label]) => ({ value, label }))}
              data-testid="item-kind"
            />
            <Select
              allowClear
              placeholder="关联大赛菜品"
              value={item.dishId ?? undefined}
              onChange={(v) => setItem({ ...item, dishId: v ?? null })}
              style={{ width: 220 }}
              options={dishes.map((d) => ({ value: d.id, label: `${d.name}（${d.authorDisplayName}）` }))}
              data-testid="item-dish"
            />
            <Input
              addonBefore="名称"
              value={item.name}
              onChange={(e) => setItem({ ...item, name: e.target.value })}
              style={{ width: 220 }}
              data-testid="item-name"
            />
            <Input
              addonBefore="主题"
              value={item.theme}
              onChange={(e) => setItem({ ...item, theme: e.target.value })}
              style={{ width: 160 }}
              data-testid="item-theme"
            />
            <InputNumber
              addonBefore="价格(元)"
              min={0.01}
              value={item.priceYuan}
              onChange={(v) => setItem({ ...item, priceYuan: Number(v ?? 0) })}
              data-testid="item-price"
            />
            <InputNumber
              addonBefore="库存"
              min={0}
              value={item.stockTotal}
              onChange={(v) => setItem({ ...item, stockTotal: Number(v ?? 0) })}
              data-testid="item-stock"
            />
            <InputNumber
              addonBefore="限购"
              min={1}
              value={item.perMemberLimit}
              onChange={(v) => setItem({ ...item, perMemberLimit: Number(v ?? 1) })}
              data-testid="item-limit"
            />
            {item.kind === 'chef_dish' && (
              <InputNumber
                addonBefore="日产能"
                min={1}
                value={item.dailyCap ?? undefined}
                onChange={(v) => setItem({ ...item, dailyCap: v ? Number(v) : null })}
              />
            )}
            {item.kind === 'package' && (
              <InputNumber
                addonBefore="份量(人)"
                min={1}
                value={item.servings ?? undefined}
                onChange={(v) => setItem({ ...item, servings: v ? Number(v) : null })}
              />
            )}
            <Input
              addonBefore="过敏原"
              placeholder="如 虾,花生"
              value={item.allergens}
              onChange={(e) => setItem({ ...item, allergens: e.target.value })}
              style={{ width: 200 }}
            />
            <Button type="primary" onClick={() => void addItem()} data-testid="item-add">
              添加菜品
            </Button>
          </Space>
        )}
      </Card>
      <Card size="small" title="取货时段">
        <DataTable
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={detail.slots}
          columns={[
            { title: '门店', dataIndex: 'storeId' },
            { title: '日期', dataIndex: 'day' },
            {
              title: '时段',
              render: (_, r) => (
                <span data-testid={`slot-row-${r.id}`}>
                  {hm(r.startsAt)}–{hm(r.endsAt)}
                </span>
              ),
            },
            { title: '已约/容量', render: (_, r) => `${r.booked}/${r.capacity}` },
          ]}
        />
        <Space wrap style={{ marginTop: 12 }}>
          <Select
            value={slot.storeId || undefined}
            onChange={(v) => setSlot({ ...slot, storeId: v })}
            style={{ width: 120 }}
            options={detail.campaign.storeIds.map((id) => ({ value: id, label: `门店 ${id}` }))}
            data-testid="slot-store"
          />
          <Input
            addonBefore="日期"
            placeholder="YYYY-MM-DD, 多个用逗号"
            value={slot.days}
            onChange={(e) => setSlot({ ...slot, days: e.target.value })}
            style={{ width: 300 }}
            data-testid="slot-days"
          />
          <Input
            addonBefore="时段"
            placeholder="10:00-12:00,14:00-16:00"
            value={slot.windows}
            onChange={(e) => setSlot({ ...slot, windows: e.target.value })}
            style={{ width: 300 }}
            data-testid="slot-windows"
          />
          <InputNumber
            addonBefore="容量"
            min={1}
            value={slot.capacity}
            onChange={(v) => setSlot({ ...slot, capacity: Number(v ?? 1) })}
            data-testid="slot-capacity"
          />
          <Button type="primary" onClick={() => void addSlots()} data-testid="slot-add">
            添加时段
          </Button>
        </Space>
      </Card>
    </Space>
  );
}
