/**
 * 话术素材: the 话术库 (quick replies) and 素材库 (images, mini-program cards, links, files) clerks
 * send from the sidebar in one tap. Managed here by group, searchable. Mounted at /library/*.
 */
import { useState, type ReactNode } from 'react';
import { Alert, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Tag, Typography, App as AntApp } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { ButtonProps, FormInstance } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { Route, Routes } from 'react-router-dom';
import * as clerk from '../../../../contracts/clerk';
import { useAuth } from '../../auth';
import { DataTable } from '../../common/DataTable';
import { useListQuery } from '../../common/ListQuery';
import { useLoaded } from '../../common/useLoaded';
import { SectionTabs } from '../../common/Section';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';

export function LibrarySection() {
  return (
    <div data-testid="library-section">
      <SectionTabs
        base="library"
        tabs={[
          { key: '', label: '话术库' },
          { key: 'materials', label: '素材库' },
        ]}
      />
      <Routes>
        <Route index element={<RepliesPage />} />
        <Route path="materials" element={<MaterialsPage />} />
      </Routes>
    </div>
  );
}

function Toolbar({
  groups,
  onSearch,
  onGroup,
  group,
  onNew,
  newLabel,
  testId,
}: {
  groups: string[];
  onSearch(q: string): void;
  onGroup(g: string | undefined): void;
  group: string | undefined;
  onNew(): void;
  newLabel: string;
  testId: string;
}) {
  return (
    <Space wrap style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }}>
      <Space wrap>
        <Input.Search
          data-testid={`${testId}-search`}
          placeholder="搜索标题或内容"
          allowClear
          enterButton="搜索"
          maxLength={40}
          style={{ width: 280 }}
          onSearch={onSearch}
        />
        <Select
          allowClear
          placeholder="全部分组"
          style={{ width: 160 }}
          value={group}
          onChange={onGroup}
          options={groups.map((g) => ({ value: g, label: g }))}
        />
      </Space>
      <Button type="primary" icon={<PlusOutlined />} data-testid={`${testId}-new`} onClick={onNew}>
        {newLabel}
      </Button>
    </Space>
  );
}

type Api = ReturnType<typeof useAuth>['api'];
type LibraryQueryArgs = { page: number; pageSize: number; q?: string; groupName?: string };
interface ModalProps<T> {
  initial: T | null;
  groups: string[];
  onClose(saved: boolean): void;
}

/** What differs between the 话术库 and 素材库 tabs; the list screen around it is one. */
interface LibraryKind<T extends { id: number }> {
  noun: string;
  unit: string;
  testId: 'replies' | 'materials';
  deleteTitle: string;
  columns: ColumnsType<T>;
  list(api: Api, query: LibraryQueryArgs): Promise<{ items: T[]; total: number; groups: string[] }>;
  remove(api: Api, id: number): Promise<unknown>;
  Editor(props: ModalProps<T>): ReactNode;
}

function LibraryList<T extends { id: number }>({ kind }: { kind: LibraryKind<T> }) {
  const { api } = useAuth();
  const { message } = AntApp.useApp();
  const query = useListQuery<string>();
  const [reload, setReload] = useState(0);
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const loaded = useLoaded(
    () => kind.list(api, { page: query.page, pageSize: query.pageSize, q: query.q || undefined, groupName: query.filter }),
    [api, kind, query.page, query.pageSize, query.q, query.filter, reload],
  );
  const columns: ColumnsType<T> = [
    ...kind.columns,
    {
      title: '操作',
      key: 'actions',
      width: 140,
      render: (_, r) => (
        <Space>
          <Button size="small" onClick={() => setEditing(r)}>
            编辑
          </Button>
          <Popconfirm
            title={kind.deleteTitle}
            onConfirm={async () => {
              try {
                await kind.remove(api, r.id);
                message.success('已删除');
                setReload((n) => n + 1);
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
  ];
  const Editor = kind.Editor;
  return (
    <Card>
      <Toolbar
        groups={loaded.data?.groups ?? []}
        onSearch={query.search}
        onGroup={query.setFilter}
        group={query.filter}
        onNew={() => setEditing('new')}
        newLabel={`新建${kind.noun}`}
        testId={kind.testId}
      />
      {loaded.error && <Alert type="error" showIcon message={loaded.error} style={{ marginBottom: 16 }} />}
      <div data-testid={`${kind.testId}-table`}>
        <DataTable<T>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={loaded.data?.items ?? []}
          loading={loaded.loading}
          locale={{ emptyText: query.q ? `没有找到相关${kind.noun}` : `还没有${kind.noun}，点右上角「新建${kind.noun}」添加` }}
          pagination={{ current: query.page, pageSize: query.pageSize, total: loaded.data?.total ?? 0, showTotal: (t) => `共 ${t} ${kind.unit}` }}
          onChange={query.onTableChange}
        />
      </div>
      {editing && (
        <Editor
          initial={editing === 'new' ? null : editing}
          groups={loaded.data?.groups ?? []}
          onClose={(saved) => {
            setEditing(null);
            if (saved) setReload((n) => n + 1);
          }}
        />
      )}
    </Card>
  );
}

const updatedAtColumn = { title: '更新时间', dataIndex: 'updatedAt', width: 170, render: (v: string) => formatDateTime(v) };

const REPLIES: LibraryKind<clerk.QuickReplyView> = {
  noun: '话术',
  unit: '条',
  testId: 'replies',
  deleteTitle: '删除这条话术？',
  columns: [
    { title: '分组', dataIndex: 'groupName', width: 120, render: (g: string) => <Tag>{g}</Tag> },
    { title: '标题', dataIndex: 'title', width: 180 },
    {
      title: '话术内容',
      dataIndex: 'content',
      render: (c: string) => (
        <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: 0 }}>
          {c}
        </Typography.Paragraph>
      ),
    },
    updatedAtColumn,
  ],
  list: (api, query) => api.call(clerk.listQuickReplies, { query }),
  remove: (api, id) => api.call(clerk.deleteQuickReply, { params: { id } }),
  Editor: (props) => <ReplyModal {...props} />,
};

const MATERIALS: LibraryKind<clerk.MaterialView> = {
  noun: '素材',
  unit: '个',
  testId: 'materials',
  deleteTitle: '删除这个素材？',
  columns: [
    { title: '分组', dataIndex: 'groupName', width: 120, render: (g: string) => <Tag>{g}</Tag> },
    { title: '类型', dataIndex: 'kind', width: 90, render: (k: clerk.MaterialView['kind']) => <Tag color="blue">{clerk.MATERIAL_KIND_LABELS[k]}</Tag> },
    { title: '标题', dataIndex: 'title' },
    { title: '说明', dataIndex: 'description', render: (d: string) => d || '—' },
    updatedAtColumn,
  ],
  list: (api, query) => api.call(clerk.listMaterials, { query }),
  remove: (api, id) => api.call(clerk.deleteMaterial, { params: { id } }),
  Editor: (props) => <MaterialModal {...props} />,
};

const RepliesPage = () => <LibraryList kind={REPLIES} />;
const MaterialsPage = () => <LibraryList kind={MATERIALS} />;

function GroupField({ groups }: { groups: string[] }) {
  return (
    <Form.Item name="groupName" label="分组" rules={[{ required: true, message: '请填写分组' }]}>
      <Select
        data-testid="library-group"
        mode="tags"
        maxCount={1}
        placeholder="选择或输入新分组，如「节日问候」"
        options={groups.map((g) => ({ value: g, label: g }))}
      />
    </Form.Item>
  );
}

/** antd's tags-mode select gives an array; the API takes one group name. */
const groupOf = (v: unknown) => (Array.isArray(v) ? String(v[0] ?? '') : String(v ?? ''));

/** The one edit dialog: the kind's fields inside, its save call on OK, the group picker on top. */
function EditModal({
  title,
  initialValues,
  groups,
  save,
  onClose,
  children,
}: {
  title: string;
  initialValues: Record<string, unknown>;
  groups: string[];
  save(values: Record<string, unknown> & { groupName: string }): Promise<unknown>;
  onClose(saved: boolean): void;
  children: (form: FormInstance) => ReactNode;
}) {
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit() {
    const v = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      await save({ ...v, groupName: groupOf(v.groupName) });
      onClose(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      open
      title={title}
      okText="保存"
      cancelText="取消"
      onOk={submit}
      confirmLoading={busy}
      onCancel={() => onClose(false)}
      okButtonProps={{ 'data-testid': 'library-save' } as ButtonProps}
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={initialValues}>
        <GroupField groups={groups} />
        {children(form)}
      </Form>
    </Modal>
  );
}

function ReplyModal({ initial, groups, onClose }: ModalProps<clerk.QuickReplyView>) {
  const { api } = useAuth();
  return (
    <EditModal
      title={initial ? '编辑话术' : '新建话术'}
      initialValues={initial ? { ...initial, groupName: [initial.groupName] } : { groupName: [] }}
      groups={groups}
      onClose={onClose}
      save={async (v) => {
        const body = { groupName: v.groupName, title: v.title as string, content: v.content as string };
        if (initial) await api.call(clerk.updateQuickReply, { params: { id: initial.id }, body });
        else await api.call(clerk.createQuickReply, { body });
      }}
    >
      {() => (
        <>
          <Form.Item name="title" label="标题" rules={[{ required: true, message: '请填写标题' }]}>
            <Input data-testid="reply-title" maxLength={40} placeholder="如：年夜饭预订开放提醒" />
          </Form.Item>
          <Form.Item name="content" label="话术内容" rules={[{ required: true, message: '请填写话术内容' }]}>
            <Input.TextArea data-testid="reply-content" maxLength={1000} showCount rows={5} />
          </Form.Item>
        </>
      )}
    </EditModal>
  );
}

function MaterialModal({ initial, groups, onClose }: ModalProps<clerk.MaterialView>) {
  const { api } = useAuth();
  const blank = (s: unknown) => (typeof s === 'string' && s.trim() ? s.trim() : null);
  return (
    <EditModal
      title={initial ? '编辑素材' : '新建素材'}
      initialValues={initial ? { ...initial, groupName: [initial.groupName] } : { groupName: [], kind: 'link' }}
      groups={groups}
      onClose={onClose}
      save={async (v) => {
        const body = {
          groupName: v.groupName,
          kind: v.kind as clerk.MaterialView['kind'],
          title: v.title as string,
          url: blank(v.url),
          picUrl: blank(v.picUrl),
          description: (v.description as string | undefined) ?? '',
          appid: blank(v.appid),
          page: blank(v.page),
        };
        if (initial) await api.call(clerk.updateMaterial, { params: { id: initial.id }, body });
        else await api.call(clerk.createMaterial, { body });
      }}
    >
      {(form) => <MaterialFields form={form} />}
    </EditModal>
  );
}

function MaterialFields({ form }: { form: FormInstance }) {
  const kind = Form.useWatch('kind', form) as clerk.MaterialView['kind'] | undefined;
  return (
    <>
      <Form.Item name="kind" label="类型" rules={[{ required: true }]}>
        <Select data-testid="material-kind" options={clerk.MATERIAL_KINDS.map((k) => ({ value: k, label: clerk.MATERIAL_KIND_LABELS[k] }))} />
      </Form.Item>
      <Form.Item name="title" label="标题" rules={[{ required: true, message: '请填写标题' }]}>
        <Input data-testid="material-title" maxLength={64} />
      </Form.Item>
      {kind === 'miniprogram' ? (
        <>
          <Form.Item name="appid" label="小程序 AppID" rules={[{ required: true, message: '请填写 AppID' }]}>
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item name="page" label="页面路径" rules={[{ required: true, message: '请填写页面路径' }]} extra="如 pages/home/index.html?from=material">
            <Input maxLength={256} />
          </Form.Item>
        </>
      ) : (
        <Form.Item
          name="url"
          label={kind === 'image' ? '图片网址' : kind === 'file' ? '文件网址' : '链接网址'}
          rules={[
            { required: true, message: '请填写网址' },
            { type: 'url', message: '请填写正确的网址' },
          ]}
        >
          <Input data-testid="material-url" maxLength={1024} placeholder="https://" />
        </Form.Item>
      )}
      {(kind === 'link' || kind === 'miniprogram') && (
        <Form.Item name="picUrl" label="封面图网址" rules={[{ type: 'url', message: '请填写正确的图片网址' }]}>
          <Input maxLength={512} placeholder="https://（可不填）" />
        </Form.Item>
      )}
      <Form.Item name="description" label="说明">
        <Input.TextArea maxLength={200} rows={2} placeholder="给店员看的一句话说明（可不填）" />
      </Form.Item>
    </>
  );
}
