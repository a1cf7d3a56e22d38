/**
 * 消费与导入: the purchases ledger for ops — file imports (upload → map columns → background run
 * with progress → row errors, download, undo), receipts and conflicts, POS keys for tills that push,
 * 「新品到店」 (feeds the sidebar's tasting suggestions) and the RFM thresholds.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Form, Input, InputNumber, Popconfirm, Progress, Select, Space, Tabs, Tag, Typography, Upload } from 'antd';
import { Link } from 'react-router-dom';
import { DataTable } from '../../common/DataTable';
import { UploadOutlined } from '@ant-design/icons';
import type { RouteResponse } from '../../../../contracts/route';
import * as api from '../../../../contracts/purchases';
import { TOKEN_KEY, useAuth, useStaff } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';

type ImportView = RouteResponse<typeof api.getImport>;
type Store = { id: number; name: string };
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
const STATUS: Record<string, { text: string; color: string }> = {
  uploaded: { text: '待映射', color: 'default' },
  queued: { text: '排队中', color: 'blue' },
  running: { text: '导入中', color: 'processing' },
  done: { text: '已完成', color: 'green' },
  failed: { text: '失败', color: 'red' },
  undone: { text: '已撤销', color: 'default' },
};

function useStores(): Store[] {
  const { api: client } = useAuth();
  const [stores, setStores] = useState<Store[]>([]);
  useEffect(() => {
    client.call(api.purchaseStores).then(
      (r) => setStores(r.items),
      () => setStores([]),
    );
  }, [client]);
  return stores;
}

function ImportPanel({ stores }: { stores: Store[] }) {
  const { api: client } = useAuth();
  const { message } = App.useApp();
  const [storeId, setStoreId] = useState<number | null>(null);
  const [kind, setKind] = useState<'receipts' | 'products'>('receipts');
  const [imp, setImp] = useState<ImportView | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [dateFormat, setDateFormat] = useState<(typeof api.DATE_FORMATS)[number]>('YYYY-MM-DD HH:mm:ss');
  const [timeZone, setTimeZone] = useState<(typeof api.TIME_ZONES)[number]>('Asia/Shanghai');
  const [errors, setErrors] = useState<RouteResponse<typeof api.importErrors> | null>(null);
  const [history, setHistory] = useState<ImportView[]>([]);
  const [busy, setBusy] = useState(false);
  const timer = useRef<number | null>(null);

  useEffect(() => {
    if (storeId === null && stores.length) setStoreId(stores[0].id);
  }, [stores, storeId]);

  const loadHistory = useCallback(() => {
    client.call(api.listImports, { query: { pageSize: 10 } }).then(
      (r) => setHistory(r.items),
      () => undefined,
    );
  }, [client]);
  useEffect(loadHistory, [loadHistory]);

  const show = useCallback(
    (v: ImportView) => {
      setImp(v);
      if (v.status === 'done' || v.status === 'failed' || v.status === 'undone') {
        client.call(api.importErrors, { params: { id: v.id }, query: { pageSize: 100 } }).then(setErrors, () => setErrors(null));
        loadHistory();
      }
    },
    [client, loadHistory],
  );

  // poll while the background job runs
  useEffect(() => {
    if (!imp || (imp.status !== 'queued' && imp.status !== 'running')) return;
    timer.current = window.setTimeout(() => {
      client.call(api.getImport, { params: { id: imp.id } }).then(show, () => undefined);
    }, 700);
    return () => {
      if (timer.current) window.clearTimeout(timer.current);
    };
  }, [imp, client, show]);

  const upload = async (file: File) => {
    if (!storeId) return;
    setBusy(true);
    setErrors(null);
    try {
      const fd = new FormData();
      fd.append(api.IMPORT_UPLOAD_FIELD, file);
      const stored = sessionStorage.getItem(TOKEN_KEY); // where auth.tsx keeps the staff token
      const res = await fetch(`/api/admin/purchases/imports?storeId=${storeId}&kind=${kind}`, {
        method: 'POST',
        body: fd,
        headers: stored ? { authorization: `Bearer ${stored}` } : {},
      });
      const body = await res.json();
      if (!res.ok) throw new Error(body.message ?? '上传失败');
      setImp(body);
      setMapping(body.settings?.mapping ?? {});
      if (body.settings) {
        setDateFormat(body.settings.dateFormat);
        setTimeZone(body.settings.timeZone);
      }
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const start = async () => {
    if (!imp) return;
    try {
      show(await client.call(api.startImport, { params: { id: imp.id }, body: { mapping, dateFormat, timeZone } }));
    } catch (e) {
      message.error(errorMessage(e));
    }
  };

  const undo = async (id: number) => {
    try {
      show(await client.call(api.undoImport, { params: { id } }));
      message.success('已撤销本次导入');
    } catch (e) {
      message.error(errorMessage(e));
    }
  };

  const fields: readonly string[] = kind === 'receipts' ? api.RECEIPT_FIELDS : api.PRODUCT_FIELDS;
  const required: readonly string[] = kind === 'receipts' ? api.RECEIPT_REQUIRED_FIELDS : ['sku', 'name'];
  const percent = imp && imp.totalBytes ? Math.min(100, Math.round((imp.processedBytes / imp.totalBytes) * 100)) : 0;

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Card size="small" title="上传收银系统导出的文件（CSV 或 Excel .xlsx）">
        <Space wrap>
          <Select
            style={{ width: 160 }}
            value={storeId ?? undefined}
            onChange={setStoreId}
            options={stores.map((s) => ({ value: s.id, label: s.name }))}
            placeholder="门店"
            data-testid="import-store"
          />
          <Select
            style={{ width: 140 }}
            value={kind}
            onChange={(k) => {
              setKind(k);
              setImp(null);
            }}
            options={[
              { value: 'receipts', label: '小票明细' },
              { value: 'products', label: '商品资料' },
            ]}
          />
          {/* a file needs its store: the picker waits until the stores are known */}
          <Upload accept=".csv,.xlsx" showUploadList={false} disabled={!storeId} beforeUpload={(f) => (void upload(f), false)}>
            <Button icon={<UploadOutlined />} loading={busy} disabled={!storeId} data-testid="import-upload">
              选择文件
            </Button>
          </Upload>
        </Space>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          一行一个商品明细，同一张小票的行连续排列；金额单位为元。同一文件重复导入不会重复记账，整批导入可撤销。
        </Typography.Paragraph>
      </Card>

      {imp && (
        <Card
          size="small"
          title={`${imp.fileName}（${imp.format.toUpperCase()}）`}
          extra={
            <Tag color={STATUS[imp.status].color} data-testid="import-status">
              {STATUS[imp.status].text}
            </Tag>
          }
          data-testid="import-card"
        >
          {imp.status === 'uploaded' && (
            <Space direction="vertical" style={{ width: '100%' }}>
              <DataTable
                size="small"
                pagination={false}
                scroll={{ x: true }}
                rowKey={(_, i) => String(i)}
                columns={imp.headers.map((h, i) => ({ title: h, dataIndex: i, key: h }))}
                dataSource={imp.preview.map((r) => Object.fromEntries(r.map((c, i) => [i, c])))}
                data-testid="import-preview"
              />
              <Descriptions size="small" column={2} bordered>
                {fields.map((f) => (
                  <Descriptions.Item key={f} label={`${api.FIELD_LABELS[f] ?? f}${required.includes(f) ? ' *' : ''}`}>
                    <Select
                      allowClear
                      style={{ width: '100%' }}
                      value={mapping[f] || undefined}
                      placeholder="不导入"
                      onChange={(h) => setMapping((m) => ({ ...m, [f]: h ?? '' }))}
                      options={imp.headers.map((h) => ({ value: h, label: h }))}
                      data-testid={`map-${f}`}
                    />
                  </Descriptions.Item>
                ))}
              </Descriptions>
              {kind === 'receipts' && (
                <Space wrap>
                  <span>日期格式</span>
                  <Select
                    style={{ width: 220 }}
                    value={dateFormat}
                    onChange={setDateFormat}
                    options={api.DATE_FORMATS.map((f) => ({ value: f, label: f }))}
                    data-testid="import-date-format"
                  />
                  <span>时区</span>
                  <Select
                    style={{ width: 160 }}
                    value={timeZone}
                    onChange={setTimeZone}
                    options={api.TIME_ZONES.map((z) => ({ value: z, label: z === 'UTC' ? 'UTC' : '北京时间' }))}
                  />
                </Space>
              )}
              <Button type="primary" onClick={start} disabled={required.some((f) => !mapping[f])} data-testid="import-start">
                开始导入
              </Button>
            </Space>
          )}
          {imp.status !== 'uploaded' && (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Progress
                percent={imp.status === 'done' || imp.status === 'undone' ? 100 : percent}
                status={imp.status === 'failed' ? 'exception' : imp.status === 'running' || imp.status === 'queued' ? 'active' : 'success'}
                data-testid="import-progress"
              />
              <Descriptions size="small" column={5} data-testid="import-result">
                <Descriptions.Item label="已读行数">{imp.rows}</Descriptions.Item>
                <Descriptions.Item label="新增">{imp.added}</Descriptions.Item>
                <Descriptions.Item label="重复（已有）">{imp.duplicates}</Descriptions.Item>
                <Descriptions.Item label="冲突">{imp.conflicts}</Descriptions.Item>
                <Descriptions.Item label="错误行">{imp.errors}</Descriptions.Item>
              </Descriptions>
              {imp.message && <Alert type={imp.status === 'failed' ? 'error' : 'info'} message={imp.message} />}
              <Space>
                {imp.errors > 0 && (
                  <Button
                    onClick={async () => {
                      const stored = sessionStorage.getItem(TOKEN_KEY); // where auth.tsx keeps the staff token
                      const res = await fetch(`/api/admin/purchases/imports/${imp.id}/errors.csv`, {
                        headers: stored ? { authorization: `Bearer ${stored}` } : {},
                      });
                      const url = URL.createObjectURL(await res.blob());
                      const a = document.createElement('a');
                      a.href = url;
                      a.download = `import-${imp.id}-errors.csv`;
                      a.click();
                      URL.revokeObjectURL(url);
                    }}
                    data-testid="import-errors-download"
                  >
                    下载错误行
                  </Button>
                )}
                {imp.status === 'done' && imp.kind === 'receipts' && (
                  <Popconfirm title="撤销后，本次导入新增的小票将全部移出账本" onConfirm={() => undo(imp.id)}>
                    <Button danger data-testid="import-undo">
                      撤销本次导入
                    </Button>
                  </Popconfirm>
                )}
              </Space>
              {errors && errors.items.length > 0 && (
                <DataTable
                  size="small"
                  rowKey={(e) => `${e.row}-${e.message}`}
                  pagination={false}
                  dataSource={errors.items}
                  columns={[
                    { title: '行号', dataIndex: 'row', width: 80 },
                    { title: '原因', dataIndex: 'message' },
                    { title: '原始内容', dataIndex: 'raw', ellipsis: true },
                  ]}
                  data-testid="import-errors"
                />
              )}
            </Space>
          )}
        </Card>
      )}

      <Card size="small" title="导入记录">
        <DataTable
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={history}
          columns={[
            { title: '文件', dataIndex: 'fileName' },
            { title: '类型', dataIndex: 'kind', render: (k: string) => (k === 'receipts' ? '小票明细' : '商品资料') },
            { title: '状态', dataIndex: 'status', render: (s: string) => <Tag color={STATUS[s].color}>{STATUS[s].text}</Tag> },
            { title: '新增', dataIndex: 'added' },
            { title: '重复', dataIndex: 'duplicates' },
            { title: '错误行', dataIndex: 'errors' },
            { title: '时间', dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
            {
              title: '',
              key: 'open',
              render: (_: unknown, r: ImportView) => (
                <Button size="small" onClick={() => show(r)} data-testid={`import-open-${r.id}`}>
                  查看
                </Button>
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

function ReceiptsPanel() {
  const { api: client } = useAuth();
  const [data, setData] = useState<RouteResponse<typeof api.listReceipts> | null>(null);
  const [page, setPage] = useState(1);
  const [unmatched, setUnmatched] = useState(false);
  const [conflicts, setConflicts] = useState<RouteResponse<typeof api.listConflicts> | null>(null);
  useEffect(() => {
    client.call(api.listReceipts, { query: { page, pageSize: 20, unmatched: unmatched ? '1' : undefined } }).then(setData, () => setData(null));
    client.call(api.listConflicts, { query: {} }).then(setConflicts, () => setConflicts(null));
  }, [client, page, unmatched]);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        <Button type={unmatched ? 'primary' : 'default'} onClick={() => setUnmatched((u) => !u)}>
          只看未关联会员的小票
        </Button>
      </Space>
      <DataTable
        size="small"
        rowKey="id"
        dataSource={data?.items ?? []}
        pagination={{ current: page, total: data?.total ?? 0, pageSize: 20, onChange: setPage }}
        expandable={{ expandedRowRender: (r) => r.lines.map((l) => `${l.name} ×${l.qty} ${yuan(l.amountFen)}`).join('；') }}
        columns={[
          { title: '时间', dataIndex: 'occurredAt', render: (v: string) => formatDateTime(v) },
          { title: '门店', dataIndex: 'storeName' },
          { title: '渠道', dataIndex: 'channel', render: (c: keyof typeof api.CHANNEL_LABELS) => api.CHANNEL_LABELS[c] },
          { title: '小票号', dataIndex: 'receiptNo' },
          {
            title: '会员',
            dataIndex: 'memberId',
            render: (m: number | null) => (m ? <Link to={`/members/${m}`}>会员资料</Link> : <Typography.Text type="secondary">未关联</Typography.Text>),
          },
          { title: '金额', dataIndex: 'totalFen', align: 'right', render: (f: number) => yuan(f) },
          { title: '优惠券', dataIndex: 'couponCodes', render: (c: string[]) => c.join('、') },
        ]}
        data-testid="receipts-table"
      />
      {conflicts && conflicts.total > 0 && (
        <Card size="small" title={`内容不一致的重复小票（${conflicts.total}）`}>
          <Typography.Paragraph type="secondary">同一小票号再次到达但内容不同：账本保留先到的版本，请与收银系统核对。</Typography.Paragraph>
          <DataTable
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={conflicts.items}
            columns={[
              { title: '小票号', dataIndex: 'receiptNo' },
              { title: '到达时间', dataIndex: 'seenAt', render: (v: string) => formatDateTime(v) },
              { title: '收到的内容', dataIndex: 'incoming', ellipsis: true },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}

function PosKeysPanel({ stores }: { stores: Store[] }) {
  const { api: client } = useAuth();
  const { message } = App.useApp();
  const [keys, setKeys] = useState<RouteResponse<typeof api.listPosKeys>['items']>([]);
  const [created, setCreated] = useState<RouteResponse<typeof api.createPosKey> | null>(null);
  const load = useCallback(
    () =>
      client.call(api.listPosKeys).then(
        (r) => setKeys(r.items),
        () => undefined,
      ),
    [client],
  );
  useEffect(() => void load(), [load]);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Form
        layout="inline"
        onFinish={async (v: { storeId: number; name: string }) => {
          try {
            setCreated(await client.call(api.createPosKey, { body: v }));
            void load();
          } catch (e) {
            message.error(errorMessage(e));
          }
        }}
      >
        <Form.Item name="storeId" rules={[{ required: true, message: '请选择门店' }]}>
          <Select style={{ width: 160 }} placeholder="门店" options={stores.map((s) => ({ value: s.id, label: s.name }))} />
        </Form.Item>
        <Form.Item name="name" rules={[{ required: true, message: '请填写名称' }]}>
          <Input placeholder="如：1号收银台" maxLength={40} />
        </Form.Item>
        <Button htmlType="submit" type="primary">
          新建接口密钥
        </Button>
      </Form>
      {created && (
        <Alert
          type="warning"
          showIcon
          message="密钥只显示这一次，请立即配置到收银系统"
          description={
            <div>
              <div>
                Key ID：<Typography.Text copyable>{created.keyId}</Typography.Text>
              </div>
              <div>
                Secret：<Typography.Text copyable>{created.secret}</Typography.Text>
              </div>
              <div>
                签名：hex(HMAC-SHA256(secret, 时间戳 + "\n" + nonce + "\n" + 请求体))，请求头 X-Pos-Key / X-Pos-Timestamp / X-Pos-Nonce / X-Pos-Signature，详见
                /api/openapi.json
              </div>
            </div>
          }
        />
      )}
      <DataTable
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={keys}
        columns={[
          { title: '门店', dataIndex: 'storeId', render: (id: number) => stores.find((s) => s.id === id)?.name ?? id },
          { title: '名称', dataIndex: 'name' },
          { title: 'Key ID', dataIndex: 'keyId' },
          { title: '创建', dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
          {
            title: '状态',
            key: 's',
            render: (_: unknown, k) =>
              k.revokedAt ? (
                <Tag>已停用</Tag>
              ) : (
                <Popconfirm
                  title="停用后该收银台的推送将被拒绝"
                  onConfirm={async () => (await client.call(api.revokePosKey, { params: { id: k.id } }), load())}
                >
                  <Button size="small" danger>
                    停用
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
    </Space>
  );
}

function ArrivalsPanel({ stores }: { stores: Store[] }) {
  const { api: client } = useAuth();
  const staff = useStaff();
  const { message } = App.useApp();
  const [items, setItems] = useState<RouteResponse<typeof api.listNewArrivals>['items']>([]);
  const load = useCallback(
    () =>
      client.call(api.listNewArrivals).then(
        (r) => setItems(r.items),
        () => undefined,
      ),
    [client],
  );
  useEffect(() => void load(), [load]);
  const [form] = Form.useForm();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">
        标记新到的商品和适合它的品类：最近 14
        天买过这些品类的客户，店员在侧边栏会看到「邀请试吃」的建议和理由。品类可写到大类（如「肉禽」）或细类（如「肉禽/牛肉」）。
      </Typography.Paragraph>
      <Form
        form={form}
        layout="inline"
        onFinish={async (v: { storeId?: number; title: string; category: string; related?: string; note?: string }) => {
          try {
            await client.call(api.createNewArrival, {
              body: {
                storeId: v.storeId ?? (staff.role === 'hq_admin' ? null : staff.storeId),
                title: v.title,
                category: v.category,
                relatedCategories: (v.related ?? '').split(/[,，、\s]+/).filter(Boolean),
                note: v.note ?? '',
              },
            });
            form.resetFields();
            void load();
          } catch (e) {
            message.error(errorMessage(e));
          }
        }}
      >
        {staff.role === 'hq_admin' && (
          <Form.Item name="storeId">
            <Select allowClear style={{ width: 140 }} placeholder="全部门店" options={stores.map((s) => ({ value: s.id, label: s.name }))} />
          </Form.Item>
        )}
        <Form.Item name="title" rules={[{ required: true, message: '新品名称' }]}>
          <Input placeholder="新品名称，如 獭祭清酒" maxLength={40} data-testid="arrival-title" />
        </Form.Item>
        <Form.Item name="category" rules={[{ required: true, message: '新品品类' }]}>
          <Input placeholder="新品品类，如 酒水/清酒" maxLength={40} data-testid="arrival-category" />
        </Form.Item>
        <Form.Item name="related">
          <Input placeholder="搭配品类，逗号分隔，如 肉禽/牛肉" style={{ width: 240 }} data-testid="arrival-related" />
        </Form.Item>
        <Button htmlType="submit" type="primary" data-testid="arrival-add">
          加入新品到店
        </Button>
      </Form>
      <DataTable
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={items}
        columns={[
          { title: '新品', dataIndex: 'title' },
          { title: '品类', dataIndex: 'category' },
          { title: '搭配品类', dataIndex: 'relatedCategories', render: (c: string[]) => c.map((x) => <Tag key={x}>{x}</Tag>) },
          { title: '门店', dataIndex: 'storeId', render: (id: number | null) => (id ? (stores.find((s) => s.id === id)?.name ?? id) : '全部门店') },
          {
            title: '',
            key: 'd',
            render: (_: unknown, a) => (
              <Button size="small" onClick={async () => (await client.call(api.deleteNewArrival, { params: { id: a.id } }), load())}>
                移除
              </Button>
            ),
          },
        ]}
        data-testid="arrivals-table"
      />
    </Space>
  );
}

function RfmPanel({ stores }: { stores: Store[] }) {
  const { api: client } = useAuth();
  const staff = useStaff();
  const { message } = App.useApp();
  const [data, setData] = useState<RouteResponse<typeof api.getRfmSettings> | null>(null);
  const [form] = Form.useForm();
  useEffect(() => {
    client.call(api.getRfmSettings).then(
      (d) => {
        setData(d);
        form.setFieldsValue(d.thresholds);
      },
      () => undefined,
    );
  }, [client, form]);
  const hq = staff.role === 'hq_admin';
  const num = (name: string, label: string, min: number, max: number) => (
    <Form.Item name={name} label={label} rules={[{ required: true }]}>
      <InputNumber min={min} max={max} disabled={!hq} />
    </Form.Item>
  );
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">
        每家门店按自己顾客的五分位给最近消费（R）、消费次数（F）、消费金额（M）各打 1–5 分；会员的分层取其消费最多的门店。新客：只有 1
        笔消费且在设定天数内；高价值忠诚：R、F、M 均达到下限；流失预警：R 分不高于上限；其余为潜力复购。每晚重算。
      </Typography.Paragraph>
      <Form
        form={form}
        layout="inline"
        onFinish={async (v) => {
          try {
            const d = await client.call(api.updateRfmSettings, { body: { ...v, recompute: true } });
            setData(d);
            message.success('已保存并重算');
          } catch (e) {
            message.error(errorMessage(e));
          }
        }}
      >
        {num('windowDays', '统计天数', 30, 730)}
        {num('loyalMinR', '忠诚 R≥', 1, 5)}
        {num('loyalMinF', 'F≥', 1, 5)}
        {num('loyalMinM', 'M≥', 1, 5)}
        {num('churnMaxR', '流失预警 R≤', 1, 5)}
        {num('newWithinDays', '新客天数', 1, 365)}
        {hq && (
          <Button htmlType="submit" type="primary">
            保存并重算
          </Button>
        )}
      </Form>
      <DataTable
        size="small"
        rowKey="storeId"
        pagination={false}
        dataSource={data?.stores ?? []}
        columns={[
          { title: '门店', dataIndex: 'storeId', render: (id: number) => stores.find((s) => s.id === id)?.name ?? id },
          { title: '会员数', dataIndex: 'members' },
          { title: '最近消费天数分界', dataIndex: 'recencyDays', render: (c: number[]) => c.join(' / ') },
          { title: '次数分界', dataIndex: 'frequency', render: (c: number[]) => c.join(' / ') },
          { title: '金额分界', dataIndex: 'monetaryFen', render: (c: number[]) => c.map((f) => yuan(f)).join(' / ') },
          {
            title: '分层人数',
            dataIndex: 'tiers',
            render: (t: Record<string, number>) =>
              Object.entries(t)
                .map(([k, n]) => `${k} ${n}`)
                .join('，'),
          },
          { title: '计算时间', dataIndex: 'computedAt', render: (v: string) => formatDateTime(v) },
        ]}
      />
    </Space>
  );
}

export function PurchasesPage() {
  const stores = useStores();
  return (
    <Card title="消费与导入" data-testid="purchases-page">
      <Tabs
        items={[
          { key: 'import', label: '文件导入', children: <ImportPanel stores={stores} /> },
          { key: 'receipts', label: '小票', children: <ReceiptsPanel /> },
          { key: 'pos', label: '收银接口', children: <PosKeysPanel stores={stores} /> },
          { key: 'arrivals', label: '新品到店', children: <ArrivalsPanel stores={stores} /> },
          { key: 'rfm', label: 'RFM 分层', children: <RfmPanel stores={stores} /> },
        ]}
      />
    </Card>
  );
}
