import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, InputNumber, Modal, Result, Select, Space, Tabs, Tag, Typography } from 'antd';
import { DataTable } from '../common/DataTable';
import type { ColumnsType } from 'antd/es/table';
import * as identity from '../../../contracts/identity';
import * as org from '../../../contracts/org';
import { STAFF_ROLES, type StaffRole } from '../../../contracts/route';
import { useAuth } from '../auth';
import { ApiError, errorMessage } from '../../shared/api';
import { ROLE_LABELS } from '../../shared/labels';
import { formatDateTime } from '../../shared/time';
import { useLoaded } from '../common/useLoaded';
import { sectionLabel } from '../sections';

type StaffRow = identity.StaffProfile;
type StoreRow = org.StoreView;

const roleOptions = STAFF_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));

/** 员工与权限: accounts (create / edit / disable / reset password), stores, directory sync and the audit trail. HQ only. */
export function StaffPage() {
  const [reload, setReload] = useState(0);
  const bump = () => setReload((n) => n + 1);
  return (
    <Card>
      <Tabs
        items={[
          { key: 'staff', label: '员工账号', children: <StaffTab reload={reload} onChanged={bump} /> },
          { key: 'stores', label: '门店', children: <StoresTab reload={reload} onChanged={bump} /> },
          { key: 'handovers', label: '离职继承', children: <HandoversTab reload={reload} /> },
          { key: 'audit', label: '操作记录', children: <AuditTab reload={reload} /> },
        ]}
      />
    </Card>
  );
}

function useStores(reload: number) {
  const { api } = useAuth();
  return useLoaded(() => api.call(org.listStores), [api, reload]);
}

function StaffTab({ reload, onChanged }: { reload: number; onChanged: () => void }) {
  const { api } = useAuth();
  const { message, modal } = App.useApp();
  const list = useLoaded(() => api.call(identity.listStaff), [api, reload]);
  const stores = useStores(reload);
  const [editing, setEditing] = useState<StaffRow | 'new' | null>(null);
  const [syncing, setSyncing] = useState(false);
  const storeOptions = (stores.data?.items ?? []).map((s) => ({ value: s.id, label: s.region ? `${s.region} / ${s.name}` : s.name }));

  if (list.cause instanceof ApiError && list.cause.status === 403) return <Result status="403" title="仅总部管理员可查看员工与权限" subTitle={list.error} />;

  const showPassword = (title: string, username: string, password: string) =>
    modal.info({
      title,
      content: (
        <div data-testid="one-time-password">
          <p>请把初始密码当面或通过企业微信告诉 {username}，只显示这一次；首次登录须修改。</p>
          <Typography.Text code copyable>
            {password}
          </Typography.Text>
        </div>
      ),
    });

  const act = async (work: () => Promise<unknown>, done: string) => {
    try {
      await work();
      message.success(done);
      onChanged();
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  const columns: ColumnsType<StaffRow> = [
    { title: '姓名', dataIndex: 'displayName' },
    { title: '用户名', dataIndex: 'username' },
    { title: '角色', dataIndex: 'role', render: (r: StaffRole) => <Tag color={r === 'hq_admin' ? 'red' : 'blue'}>{ROLE_LABELS[r] ?? r}</Tag> },
    { title: '门店', dataIndex: 'storeName', render: (v: string | null) => v ?? '—' },
    { title: '企业微信账号', dataIndex: 'wecomUserId', render: (v: string | null) => v ?? '未绑定' },
    {
      title: '状态',
      render: (_, s) => (!s.active ? <Tag>已停用</Tag> : s.mustChangePassword ? <Tag color="orange">待改初始密码</Tag> : <Tag color="green">正常</Tag>),
    },
    { title: '可用模块', dataIndex: 'sections', render: (x: string[]) => (x.length ? x.map((k) => <Tag key={k}>{sectionLabel(k)}</Tag>) : '—') },
    {
      title: '操作',
      render: (_, s) => (
        <Space size="small">
          <Button size="small" onClick={() => setEditing(s)} data-testid={`staff-edit-${s.username}`}>
            编辑
          </Button>
          <Button
            size="small"
            onClick={() =>
              modal.confirm({
                title: `重置 ${s.displayName} 的密码？`,
                content: '将生成新的初始密码，该账号已登录的设备会退出。',
                onOk: () =>
                  api.call(org.resetStaffPassword, { params: { staffId: s.id } }).then(
                    (r) => {
                      onChanged();
                      showPassword('密码已重置', r.staff.username, r.initialPassword);
                    },
                    (err) => message.error(errorMessage(err)),
                  ),
              })
            }
          >
            重置密码
          </Button>
          <Button
            size="small"
            danger={s.active}
            onClick={() => act(() => api.call(org.updateStaff, { params: { staffId: s.id }, body: { active: !s.active } }), s.active ? '已停用' : '已启用')}
            data-testid={`staff-toggle-${s.username}`}
          >
            {s.active ? '停用' : '启用'}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <>
      {list.error ? <Alert type="error" showIcon message={list.error} style={{ marginBottom: 16 }} /> : null}
      <Space style={{ marginBottom: 16 }}>
        <Button type="primary" onClick={() => setEditing('new')} data-testid="staff-create">
          新增员工
        </Button>
        <Button
          loading={syncing}
          data-testid="directory-sync"
          onClick={async () => {
            setSyncing(true);
            try {
              const r = await api.call(org.syncDirectory);
              message.success(
                `通讯录已同步：新增 ${r.created.length} 人，更新 ${r.updated.length} 人，离职 ${r.departed.length} 人，转接客户 ${r.handovers.requested} 位`,
              );
              if (r.unmapped.length) message.warning(`${r.unmapped.length} 人所在部门未对应门店：${r.unmapped.slice(0, 5).join('、')}`);
              onChanged();
            } catch (err) {
              message.error(errorMessage(err));
            } finally {
              setSyncing(false);
            }
          }}
        >
          同步企业微信通讯录
        </Button>
      </Space>
      <div data-testid="staff-table">
        <DataTable<StaffRow>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.loading}
          pagination={false}
          scroll={{ x: 1000 }}
          locale={{ emptyText: '暂无员工账号' }}
        />
      </div>
      {editing ? (
        <StaffForm
          row={editing === 'new' ? null : editing}
          storeOptions={storeOptions}
          onClose={() => setEditing(null)}
          onSaved={(password, username) => {
            setEditing(null);
            onChanged();
            if (password) showPassword('员工账号已创建', username, password);
            else message.success('已保存');
          }}
        />
      ) : null}
    </>
  );
}

function StaffForm({
  row,
  storeOptions,
  onClose,
  onSaved,
}: {
  row: StaffRow | null;
  storeOptions: Array<{ value: number; label: string }>;
  onClose: () => void;
  onSaved: (password: string | null, username: string) => void;
}) {
  const { api } = useAuth();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const role = Form.useWatch('role', form) as StaffRole | undefined;
  const save = async () => {
    const v = await form.validateFields();
    setError(null);
    const storeId = v.role === 'hq_admin' ? null : (v.storeId ?? null);
    try {
      if (row) {
        await api.call(org.updateStaff, {
          params: { staffId: row.id },
          body: { displayName: v.displayName, role: v.role, storeId, wecomUserId: v.wecomUserId || null },
        });
        onSaved(null, row.username);
      } else {
        const r = await api.call(org.createStaff, {
          body: { username: v.username, displayName: v.displayName, role: v.role, storeId, wecomUserId: v.wecomUserId || null },
        });
        onSaved(r.initialPassword, r.staff.username);
      }
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Modal open title={row ? `编辑 ${row.displayName}` : '新增员工'} onCancel={onClose} onOk={save} okText="保存" destroyOnClose>
      {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" initialValues={row ? { ...row } : { role: 'staff' }} data-testid="staff-form">
        {row ? null : (
          <Form.Item name="username" label="用户名" rules={[{ required: true, pattern: /^[a-zA-Z0-9_.-]{3,64}$/, message: '3–64位字母、数字或 _ . -' }]}>
            <Input />
          </Form.Item>
        )}
        <Form.Item name="displayName" label="姓名" rules={[{ required: true, message: '请填写姓名' }]}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="role" label="角色" rules={[{ required: true }]}>
          <Select options={roleOptions} />
        </Form.Item>
        {role === 'hq_admin' ? null : (
          <Form.Item name="storeId" label="门店">
            <Select allowClear options={storeOptions} placeholder="选择门店" />
          </Form.Item>
        )}
        <Form.Item name="wecomUserId" label="企业微信账号（userid）">
          <Input placeholder="通讯录同步会自动填写" maxLength={64} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function StoresTab({ reload, onChanged }: { reload: number; onChanged: () => void }) {
  const stores = useStores(reload);
  const [editing, setEditing] = useState<StoreRow | 'new' | null>(null);
  const columns: ColumnsType<StoreRow> = [
    { title: '片区', dataIndex: 'region', render: (v: string | null) => v ?? '总部直营' },
    { title: '门店', dataIndex: 'name' },
    { title: '地址', dataIndex: 'address', render: (v: string | null) => v ?? '—' },
    { title: '营业时间', dataIndex: 'openingHours', render: (v: string | null) => v ?? '—' },
    { title: '1公里目标户数', dataIndex: 'targetHouseholds', render: (v: number | null) => v ?? '—' },
    { title: '自提点', dataIndex: 'pickupCounters', render: (v: string[]) => (v.length ? v.join('、') : '—') },
    { title: '企微部门ID', dataIndex: 'wecomDepartmentId', render: (v: number | null) => v ?? '未对应' },
    { title: '在岗员工', dataIndex: 'staffCount' },
    { title: '状态', dataIndex: 'active', render: (v: boolean) => (v ? <Tag color="green">营业</Tag> : <Tag>停业</Tag>) },
    {
      title: '操作',
      render: (_, s) => (
        <Button size="small" onClick={() => setEditing(s)} data-testid={`store-edit-${s.id}`}>
          编辑
        </Button>
      ),
    },
  ];
  return (
    <>
      {stores.error ? <Alert type="error" showIcon message={stores.error} style={{ marginBottom: 16 }} /> : null}
      <Button type="primary" style={{ marginBottom: 16 }} onClick={() => setEditing('new')} data-testid="store-create">
        新增门店
      </Button>
      <div data-testid="stores-table">
        <DataTable<StoreRow>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={stores.data?.items ?? []}
          loading={stores.loading}
          pagination={false}
          scroll={{ x: 1100 }}
        />
      </div>
      {editing ? <StoreForm row={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={() => (setEditing(null), onChanged())} /> : null}
    </>
  );
}

function StoreForm({ row, onClose, onSaved }: { row: StoreRow | null; onClose: () => void; onSaved: () => void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    const v = await form.validateFields();
    const body = {
      name: v.name,
      region: v.region || null,
      address: v.address || null,
      latitude: v.latitude ?? null,
      longitude: v.longitude ?? null,
      openingHours: v.openingHours || null,
      targetHouseholds: v.targetHouseholds ?? null,
      pickupCounters: String(v.pickupCounters ?? '')
        .split(/[,，、\s]+/)
        .filter(Boolean),
      wecomDepartmentId: v.wecomDepartmentId ?? null,
      active: v.active !== false,
    };
    try {
      if (row) await api.call(org.updateStore, { params: { storeId: row.id }, body });
      else await api.call(org.createStore, { body });
      message.success('门店已保存');
      onSaved();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Modal open title={row ? `编辑 ${row.name}` : '新增门店'} onCancel={onClose} onOk={save} okText="保存" destroyOnClose width={560}>
      {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} /> : null}
      <Form
        form={form}
        layout="vertical"
        initialValues={row ? { ...row, pickupCounters: row.pickupCounters.join('、') } : { active: true }}
        data-testid="store-form"
      >
        <Form.Item name="name" label="门店名称" rules={[{ required: true, message: '请填写门店名称' }]}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="region" label="片区">
          <Input maxLength={32} placeholder="如：城东片区" />
        </Form.Item>
        <Form.Item name="address" label="地址">
          <Input maxLength={255} />
        </Form.Item>
        <Space>
          <Form.Item name="latitude" label="纬度">
            <InputNumber min={-90} max={90} step={0.000001} />
          </Form.Item>
          <Form.Item name="longitude" label="经度">
            <InputNumber min={-180} max={180} step={0.000001} />
          </Form.Item>
          <Form.Item name="targetHouseholds" label="1公里目标户数">
            <InputNumber min={0} />
          </Form.Item>
        </Space>
        <Form.Item
          name="openingHours"
          label="营业时间"
          rules={[{ pattern: /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, message: '格式如 07:00-22:00' }]}
        >
          <Input placeholder="07:00-22:00" />
        </Form.Item>
        <Form.Item name="pickupCounters" label="自提点（用顿号分隔）">
          <Input placeholder="1号自提柜台、2号自提柜台" />
        </Form.Item>
        <Form.Item name="wecomDepartmentId" label="企业微信部门ID（通讯录同步据此分配门店）">
          <InputNumber min={1} />
        </Form.Item>
        <Form.Item name="active" label="状态">
          <Select
            options={[
              { value: true, label: '营业' },
              { value: false, label: '停业' },
            ]}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

const HANDOVER_LABELS: Record<string, string> = {
  requested: '已提交',
  waiting: '等待接替',
  done: '已接替',
  refused: '客户拒绝',
  limit: '接替人客户已满',
  failed: '失败',
};

function HandoversTab({ reload }: { reload: number }) {
  const { api } = useAuth();
  const list = useLoaded(() => api.call(org.listHandovers, { query: { pageSize: 100 } }), [api, reload]);
  return (
    <DataTable
      rowKey="id"
      size="middle"
      dataSource={list.data?.items ?? []}
      loading={list.loading}
      pagination={false}
      locale={{ emptyText: '暂无离职继承记录' }}
      columns={[
        { title: '离职员工', dataIndex: 'handoverUserid' },
        { title: '接替员工', dataIndex: 'takeoverUserid' },
        { title: '客户', dataIndex: 'externalUserid' },
        { title: '状态', dataIndex: 'status', render: (v: string, r) => `${HANDOVER_LABELS[v] ?? v}${r.errcode ? `（${r.errcode}）` : ''}` },
        { title: '更新时间', dataIndex: 'updatedAt', render: (v: string) => formatDateTime(v) },
      ]}
    />
  );
}

const ACTION_LABELS: Record<string, string> = {
  'staff.create': '新建账号',
  'staff.update': '修改账号',
  'staff.disable': '停用账号',
  'staff.enable': '启用账号',
  'staff.reset_password': '重置密码',
  'staff.change_password': '修改本人密码',
  'store.create': '新建门店',
  'store.update': '修改门店',
  'directory.sync': '同步通讯录',
};

function AuditTab({ reload }: { reload: number }) {
  const { api } = useAuth();
  const [page, setPage] = useState(1);
  const list = useLoaded(() => api.call(org.listAudit, { query: { page, pageSize: 20 } }), [api, reload, page]);
  return (
    <div data-testid="audit-table">
      <DataTable
        rowKey="id"
        size="middle"
        dataSource={list.data?.items ?? []}
        loading={list.loading}
        pagination={{ current: page, total: list.data?.total ?? 0, pageSize: 20, onChange: setPage }}
        columns={[
          { title: '时间', dataIndex: 'at', render: (v: string) => formatDateTime(v) },
          { title: '操作人', dataIndex: 'actor' },
          { title: '操作', dataIndex: 'action', render: (v: string) => ACTION_LABELS[v] ?? v },
          {
            title: '对象',
            render: (_, r) =>
              `${r.targetKind === 'store' ? '门店' : r.targetKind === 'staff' ? '员工' : '通讯录'}${r.targetId ? `「${r.targetName ?? '已删除'}」` : ''}`,
          },
          {
            title: '内容',
            dataIndex: 'detail',
            render: (v: Record<string, unknown> | null) => (v ? <Typography.Text code>{JSON.stringify(v)}</Typography.Text> : '—'),
          },
        ]}
      />
    </div>
  );
}
