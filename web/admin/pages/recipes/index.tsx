/**
 * 菜谱与首页: the recipe library (publish, edit, link a 料理包 pre-order item and a class), themed
 * collections, the 首页 banners and this week's highlights per store (schedule, audience), and the
 * rule behind 「为你推荐」 exactly as the server applies it.
 */
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Switch, Tabs, Tag, Typography } from 'antd';
import { DataTable } from '../../common/DataTable';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import * as identity from '../../../../contracts/identity';
import { opsListClasses } from '../../../../contracts/classes';
import { opsCampaignDetail, opsListCampaigns } from '../../../../contracts/preorder';
import {
  BANNER_AUDIENCE_LABELS,
  BANNER_AUDIENCES,
  DIFFICULTIES,
  DIFFICULTY_LABELS,
  opsCreateRecipe,
  opsDeleteBanner,
  opsListBanners,
  opsListCollections,
  opsListRecipes,
  opsRecommendationRules,
  opsSaveBanner,
  opsSaveCollection,
  opsUpdateRecipe,
  RECIPE_TAGS,
  type OpsBanner,
  type OpsRecipe,
} from '../../../../contracts/recipes';
import type { RouteResponse } from '../../../../contracts/route';
import { useAuth, useStaff } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';

type Opt = { value: number; label: string };
type OpsCollectionT = RouteResponse<typeof opsListCollections>['items'][number];

function useClassOptions(): Opt[] {
  const { api } = useAuth();
  const [options, setOptions] = useState<Opt[]>([]);
  useEffect(() => {
    api.call(opsListClasses, { query: { page: 1, pageSize: 100 } }).then(
      (r) => setOptions(r.items.map((c) => ({ value: c.id, label: `${c.title}（${c.storeName ?? ''}）` }))),
      () => setOptions([]),
    );
  }, [api]);
  return options;
}

/** Stores: the staff member's own, or (HQ) every store known from staff and classes (no ops store list yet). */
function useStoreOptions(): Opt[] {
  const { api } = useAuth();
  const staff = useStaff();
  const [options, setOptions] = useState<Opt[]>(staff.storeId ? [{ value: staff.storeId, label: staff.storeName ?? '本店' }] : []);
  useEffect(() => {
    if (staff.storeId) return;
    Promise.allSettled([api.call(identity.listStaff), api.call(opsListClasses, { query: { page: 1, pageSize: 100 } })]).then(([s, c]) => {
      const found = new Map<number, string>();
      if (s.status === 'fulfilled') for (const x of s.value.items) if (x.storeId) found.set(x.storeId, x.storeName ?? '门店');
      if (c.status === 'fulfilled') for (const x of c.value.items) found.set(x.storeId, x.storeName ?? '门店');
      setOptions([...found].map(([value, label]) => ({ value, label })));
    });
  }, [api, staff.storeId]);
  return options;
}

// ---------------------------------------------------------------------------------------------- recipes

interface RecipeFormValues {
  title: string;
  intro: string;
  minutes: number;
  difficulty: (typeof DIFFICULTIES)[number];
  servings: number;
  tags: string[];
  ingredients: string;
  steps: string;
  authorDisplayName?: string;
  kitItemRef?: string;
  kitLabel?: string;
  classId?: number | null;
  published: boolean;
}

/** 「名称 | 用量 | 店里买的商品」 one per line (the last two optional). */
function parseIngredients(text: string) {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [name, amount = '', product = ''] = l.split(/[|｜]/).map((x) => x.trim());
      return { name, amount, product: product || null };
    });
}

function RecipeModal({ recipe, open, onClose, onSaved }: { recipe: OpsRecipe | null; open: boolean; onClose(): void; onSaved(): void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm<RecipeFormValues>();
  const classes = useClassOptions();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    setError(null);
    form.setFieldsValue(
      recipe
        ? {
            title: recipe.title,
            intro: recipe.intro,
            minutes: recipe.minutes,
            difficulty: recipe.difficulty,
            servings: recipe.servings,
            tags: recipe.tags,
            ingredients: recipe.ingredients.map((i) => [i.name, i.amount, i.product ?? ''].filter((x, n) => n === 0 || x).join(' | ')).join('\n'),
            steps: recipe.steps.join('\n'),
            authorDisplayName: recipe.authorDisplayName ?? '',
            kitItemRef: recipe.kitItemRef ?? '',
            kitLabel: recipe.kitLabel ?? '',
            classId: recipe.classId,
            published: recipe.published,
          }
        : { title: '', intro: '', minutes: 15, difficulty: 'easy', servings: 2, tags: [], ingredients: '', steps: '', published: true, classId: null },
    );
  }, [open, recipe, form]);

  async function submit(v: RecipeFormValues) {
    setSaving(true);
    setError(null);
    const body = {
      title: v.title,
      intro: v.intro ?? '',
      minutes: v.minutes,
      difficulty: v.difficulty,
      servings: v.servings,
      tags: v.tags ?? [],
      ingredients: parseIngredients(v.ingredients ?? ''),
      steps: (v.steps ?? '')
        .split(/\r?\n/)
        .map((s) => s.trim())
        .filter(Boolean),
      authorDisplayName: v.authorDisplayName?.trim() || null,
      kitItemRef: v.kitItemRef?.trim() || null,
      kitLabel: v.kitLabel?.trim() || null,
      classId: v.classId ?? null,
      published: v.published,
    };
    try {
      if (recipe) await api.call(opsUpdateRecipe, { params: { recipeId: recipe.id }, body });
      else await api.call(opsCreateRecipe, { body });
      message.success(recipe ? '已保存' : '已发布');
      onSaved();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={open}
      title={recipe ? '编辑菜谱' : '发布菜谱'}
      width={720}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText="保存"
      confirmLoading={saving}
      destroyOnClose
      okButtonProps={{ 'data-testid': 'recipe-form-submit' } as never}
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="recipe-form-error" />}
      <Form form={form} layout="vertical" name="recipeForm" onFinish={submit}>
        <Form.Item name="title" label="菜名" rules={[{ required: true, message: '请填写菜名' }]}>
          <Input maxLength={40} data-testid="recipe-form-title" />
        </Form.Item>
        <Form.Item name="intro" label="简介">
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Space size="large" wrap>
          <Form.Item name="minutes" label="用时（分钟）" rules={[{ required: true }]}>
            <InputNumber min={1} max={600} />
          </Form.Item>
          <Form.Item name="difficulty" label="难度">
            <Select style={{ width: 120 }} options={DIFFICULTIES.map((d) => ({ value: d, label: DIFFICULTY_LABELS[d] }))} />
          </Form.Item>
          <Form.Item name="servings" label="份量（人）">
            <InputNumber min={1} max={30} />
          </Form.Item>
        </Space>
        <Form.Item name="tags" label="标签（场景）">
          <Select mode="tags" options={RECIPE_TAGS.map((t) => ({ value: t, label: t }))} data-testid="recipe-form-tags" />
        </Form.Item>
        <Form.Item name="ingredients" label="食材（每行一种：名称 | 用量 | 店里买的商品）" rules={[{ required: true, message: '至少填写一种食材' }]}>
          <Input.TextArea rows={4} placeholder={'鸡蛋 | 3个 | 散养土鸡蛋\n番茄 | 2个'} data-testid="recipe-form-ingredients" />
        </Form.Item>
        <Form.Item name="steps" label="做法（每行一步）" rules={[{ required: true, message: '至少填写一个步骤' }]}>
          <Input.TextArea rows={4} data-testid="recipe-form-steps" />
        </Form.Item>
        <Form.Item name="authorDisplayName" label="署名（可选）">
          <Input maxLength={32} />
        </Form.Item>
        <Space size="large" wrap>
          <Form.Item name="kitItemRef" label="料理包（预订商品，可选）" extra="选了才显示「买料理包」按钮，打开预订页并放入该商品">
            <KitItemSelect />
          </Form.Item>
          <Form.Item name="kitLabel" label="按钮文字">
            <Input maxLength={32} placeholder="买料理包" style={{ width: 200 }} />
          </Form.Item>
        </Space>
        <Form.Item name="classId" label="相关课程（显示下一场可报名的场次）">
          <Select allowClear options={classes} placeholder="不关联课程" data-testid="recipe-form-class" />
        </Form.Item>
        <Form.Item name="published" label="上架" valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function RecipesTab() {
  const { api } = useAuth();
  const [rows, setRows] = useState<OpsRecipe[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<OpsRecipe | null>(null);
  const [open, setOpen] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setRows((await api.call(opsListRecipes, { query: { page: 1, pageSize: 100 } })).items);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoading(false);
    }
  }, [api]);
  useEffect(() => {
    void load();
  }, [load]);

  const columns: ColumnsType<OpsRecipe> = [
    { title: '菜名', dataIndex: 'title', render: (t: string, r) => <span data-testid={`ops-recipe-${r.id}`}>{t}</span> },
    { title: '标签', dataIndex: 'tags', render: (tags: string[]) => tags.map((t) => <Tag key={t}>{t}</Tag>) },
    { title: '署名', dataIndex: 'authorDisplayName', render: (a: string | null, r) => (a ? `${a}${r.fromContest ? '（大赛获奖）' : ''}` : '—') },
    { title: '料理包', dataIndex: 'kitItemRef', render: (k: string | null) => k ?? '—' },
    { title: '收藏', dataIndex: 'favouriteCount', align: 'right' },
    { title: '状态', dataIndex: 'published', render: (p: boolean) => (p ? <Tag color="green">已上架</Tag> : <Tag>草稿</Tag>) },
    {
      title: '',
      render: (_: unknown, r) => (
        <Button
          size="small"
          onClick={() => {
            setEditing(r);
            setOpen(true);
          }}
        >
          编辑
        </Button>
      ),
    },
  ];

  return (
    <Card
      title="菜谱库"
      extra={
        <Button
          type="primary"
          data-testid="recipe-new"
          onClick={() => {
            setEditing(null);
            setOpen(true);
          }}
        >
          发布菜谱
        </Button>
      }
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <DataTable<OpsRecipe>
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: '还没有菜谱' }}
      />
      <RecipeModal
        recipe={editing}
        open={open}
        onClose={() => setOpen(false)}
        onSaved={() => {
          setOpen(false);
          void load();
        }}
      />
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------- collections

function CollectionsTab() {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [cols, setCols] = useState<OpsCollectionT[]>([]);
  const [recipes, setRecipes] = useState<OpsRecipe[]>([]);
  const [editing, setEditing] = useState<OpsCollectionT | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<{ title: string; subtitle: string; recipeIds: number[]; sort: number; published: boolean }>();

  const load = useCallback(async () => {
    try {
      const [c, r] = await Promise.all([api.call(opsListCollections), api.call(opsListRecipes, { query: { page: 1, pageSize: 100 } })]);
      setCols(c.items);
      setRecipes(r.items);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [api]);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (editing === 'new') form.setFieldsValue({ title: '', subtitle: '', recipeIds: [], sort: 0, published: true });
    else if (editing) form.setFieldsValue(editing);
  }, [editing, form]);

  const title = new Map(recipes.map((r) => [r.id, r.title]));
  return (
    <Card title="专题（场景合集）" extra={<Button onClick={() => setEditing('new')}>新建专题</Button>}>
      {error && <Alert type="error" showIcon message={error} />}
      <DataTable<OpsCollectionT>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={cols}
        locale={{ emptyText: '还没有专题' }}
        columns={[
          { title: '专题', dataIndex: 'title' },
          { title: '副标题', dataIndex: 'subtitle' },
          { title: '菜谱', dataIndex: 'recipeIds', render: (ids: number[]) => ids.map((id) => <Tag key={id}>{title.get(id) ?? '已删除'}</Tag>) },
          { title: '排序', dataIndex: 'sort' },
          { title: '状态', dataIndex: 'published', render: (p: boolean) => (p ? <Tag color="green">展示中</Tag> : <Tag>未展示</Tag>) },
          {
            title: '',
            render: (_: unknown, c) => (
              <Button size="small" onClick={() => setEditing(c)}>
                编辑
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? '新建专题' : '编辑专题'}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText="保存"
        destroyOnClose
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={async (v) => {
            try {
              await api.call(opsSaveCollection, { body: { ...v, id: editing && editing !== 'new' ? editing.id : undefined } });
              message.success('已保存');
              setEditing(null);
              void load();
            } catch (err) {
              message.error(errorMessage(err));
            }
          }}
        >
          <Form.Item name="title" label="标题" rules={[{ required: true, message: '请填写标题' }]}>
            <Input maxLength={30} placeholder="15 分钟快手菜" />
          </Form.Item>
          <Form.Item name="subtitle" label="副标题">
            <Input maxLength={60} />
          </Form.Item>
          <Form.Item name="recipeIds" label="菜谱（按顺序）">
            <Select mode="multiple" options={recipes.map((r) => ({ value: r.id, label: r.title }))} />
          </Form.Item>
          <Form.Item name="sort" label="排序（小的在前）">
            <InputNumber min={0} max={999} />
          </Form.Item>
          <Form.Item name="published" label="展示" valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------- banners

const LINK_LABELS = { none: '不跳转', recipe: '菜谱', collection: '专题', class_session: '课程场次', contest: '菜谱大赛' } as const;

function BannersTab() {
  const { api } = useAuth();
  const staff = useStaff();
  const { message } = App.useApp();
  const stores = useStoreOptions();
  const [rows, setRows] = useState<OpsBanner[]>([]);
  const [editing, setEditing] = useState<OpsBanner | 'new' | null>(null);
  const [form] = Form.useForm();

  const load = useCallback(async () => {
    try {
      setRows((await api.call(opsListBanners)).items);
    } catch (err) {
      message.error(errorMessage(err));
    }
  }, [api, message]);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (editing === 'new') {
      form.setFieldsValue({
        kind: 'highlight',
        storeId: staff.storeId ?? 0,
        title: '',
        subtitle: '',
        linkType: 'none',
        linkId: null,
        audience: 'all',
        window: [dayjs(), dayjs().add(7, 'day')],
        sort: 0,
      });
    } else if (editing) {
      form.setFieldsValue({ ...editing, storeId: editing.storeId ?? 0, window: [dayjs(editing.startsAt), dayjs(editing.endsAt)] });
    }
  }, [editing, form, staff.storeId]);

  const storeChoices = [...(staff.role === 'hq_admin' ? [{ value: 0, label: '所有门店' }] : []), ...stores];
  return (
    <Card
      title="首页内容（横幅与本周推荐）"
      extra={
        <Button data-testid="banner-new" onClick={() => setEditing('new')}>
          新建
        </Button>
      }
    >
      <DataTable<OpsBanner>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={rows}
        locale={{ emptyText: '首页还没有运营内容' }}
        columns={[
          { title: '位置', dataIndex: 'kind', render: (k: string) => (k === 'banner' ? '横幅' : '本周推荐') },
          { title: '标题', dataIndex: 'title', render: (t: string, b) => <span data-testid={`banner-row-${b.id}`}>{t}</span> },
          { title: '门店', dataIndex: 'storeName', render: (s: string | null, b) => (b.storeId ? (s ?? '门店') : '所有门店') },
          { title: '人群', dataIndex: 'audience', render: (a: keyof typeof BANNER_AUDIENCE_LABELS) => BANNER_AUDIENCE_LABELS[a] },
          { title: '展示时间', render: (_: unknown, b) => `${formatDateTime(b.startsAt)} 至 ${formatDateTime(b.endsAt)}` },
          { title: '跳转', dataIndex: 'linkType', render: (l: keyof typeof LINK_LABELS) => LINK_LABELS[l] },
          {
            title: '',
            render: (_: unknown, b) => (
              <Space>
                <Button size="small" onClick={() => setEditing(b)}>
                  编辑
                </Button>
                <Popconfirm
                  title="删除这条首页内容？"
                  onConfirm={async () => {
                    try {
                      await api.call(opsDeleteBanner, { params: { bannerId: b.id } });
                      void load();
                    } catch (err) {
                      message.error(errorMessage(err));
                    }
                  }}
                >
                  <Button size="small" danger>
                    删除
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? '新建首页内容' : '编辑首页内容'}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText="保存"
        destroyOnClose
        okButtonProps={{ 'data-testid': 'banner-submit' } as never}
      >
        <Form
          form={form}
          name="bannerForm"
          layout="vertical"
          onFinish={async (v: {
            kind: 'banner' | 'highlight';
            storeId: number | null;
            title: string;
            subtitle: string;
            linkType: keyof typeof LINK_LABELS;
            linkId: number | null;
            audience: (typeof BANNER_AUDIENCES)[number];
            window: [Dayjs, Dayjs];
            sort: number;
          }) => {
            try {
              await api.call(opsSaveBanner, {
                body: {
                  id: editing && editing !== 'new' ? editing.id : undefined,
                  kind: v.kind,
                  storeId: v.storeId ? v.storeId : null,
                  title: v.title,
                  subtitle: v.subtitle ?? '',
                  linkType: v.linkType,
                  linkId: v.linkType === 'none' ? null : v.linkId,
                  audience: v.audience,
                  startsAt: v.window[0].toISOString(),
                  endsAt: v.window[1].toISOString(),
                  sort: v.sort ?? 0,
                },
              });
              message.success('已保存');
              setEditing(null);
              void load();
            } catch (err) {
              message.error(errorMessage(err));
            }
          }}
        >
          <Form.Item name="kind" label="位置">
            <Select
              options={[
                { value: 'banner', label: '首页横幅' },
                { value: 'highlight', label: '本周推荐' },
              ]}
            />
          </Form.Item>
          <Form.Item name="storeId" label="门店">
            <Select options={storeChoices} />
          </Form.Item>
          <Form.Item name="title" label="标题" rules={[{ required: true, message: '请填写标题' }]}>
            <Input maxLength={30} />
          </Form.Item>
          <Form.Item name="subtitle" label="副标题">
            <Input maxLength={60} />
          </Form.Item>
          <Space wrap>
            <Form.Item name="linkType" label="点击后打开">
              <Select style={{ width: 140 }} options={Object.entries(LINK_LABELS).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
            <Form.Item name="linkId" label="编号（菜谱/专题/场次/大赛）">
              <InputNumber min={1} />
            </Form.Item>
          </Space>
          <Form.Item name="audience" label="给谁看">
            <Select options={BANNER_AUDIENCES.map((a) => ({ value: a, label: BANNER_AUDIENCE_LABELS[a] }))} />
          </Form.Item>
          <Form.Item name="window" label="展示时间（北京时间）" rules={[{ required: true, message: '请选择展示时间' }]}>
            <DatePicker.RangePicker showTime format="YYYY-MM-DD HH:mm" />
          </Form.Item>
          <Form.Item name="sort" label="排序（小的在前）">
            <InputNumber min={0} max={999} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------- rules

function RulesTab() {
  const { api } = useAuth();
  const [rules, setRules] = useState<RouteResponse<typeof opsRecommendationRules>['rules']>([]);
  useEffect(() => {
    api.call(opsRecommendationRules).then(
      (r) => setRules(r.rules),
      () => setRules([]),
    );
  }, [api]);
  return (
    <Card title="「为你推荐」的规则（按顺序执行）" data-testid="recommendation-rules">
      <Typography.Paragraph type="secondary">会员在首页和菜谱页看到的每条推荐都附带理由；规则由服务器按下面的顺序执行。</Typography.Paragraph>
      <DataTable
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={rules}
        columns={[
          { title: '顺序', render: (_: unknown, __: unknown, i: number) => i + 1, width: 60 },
          { title: '条件', dataIndex: 'when' },
          { title: '推荐', dataIndex: 'then' },
        ]}
      />
    </Card>
  );
}

export default function RecipesSection() {
  return (
    <Tabs
      items={[
        { key: 'recipes', label: '菜谱', children: <RecipesTab /> },
        { key: 'collections', label: '专题', children: <CollectionsTab /> },
        { key: 'home', label: '首页内容', children: <BannersTab /> },
        { key: 'rules', label: '推荐规则', children: <RulesTab /> },
      ]}
    />
  );
}

/** The 料理包 is a pre-order item, chosen by name from the campaigns (the recipe keeps its id as text). */
function KitItemSelect({ value, onChange }: { value?: string; onChange?: (v: string) => void }) {
  const { api } = useAuth();
  const [options, setOptions] = useState<Array<{ value: string; label: string }>>([]);
  useEffect(() => {
    let live = true;
    (async () => {
      const campaigns = (await api.call(opsListCampaigns)).items;
      const details = await Promise.all(campaigns.map((c) => api.call(opsCampaignDetail, { params: { campaignId: c.id } })));
      if (live) setOptions(details.flatMap((d) => d.items.map((i) => ({ value: String(i.id), label: `${d.campaign.name} · ${i.name}` }))));
    })().catch(() => undefined); // without the list the field still shows the stored id
    return () => {
      live = false;
    };
  }, [api]);
  const known = !value || options.some((o) => o.value === value);
  return (
    <Select
      showSearch
      allowClear
      optionFilterProp="label"
      style={{ width: 320 }}
      placeholder="选择预订商品"
      value={value || undefined}
      onChange={(v) => onChange?.(typeof v === 'string' ? v : '')}
      options={known ? options : [...options, { value: value!, label: `商品 #${value}` }]}
      data-testid="recipe-form-kit"
    />
  );
}
