/**
 * 标签: the WeCom corp tag mirror (企业客户标签). Groups and tags we created — our behaviour tags
 * from contests, classes and orders (社区私域) and the RFM tiers (RFM分层, recomputed nightly) —
 * are applied by the engine; tags created by others (the console, other apps) are shown read-only:
 * WeCom lets an app edit only its own tags. HQ can sync now and create tags in a group of ours.
 */
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Badge, Button, Card, Col, Descriptions, Empty, Form, Input, Modal, Row, Select, Skeleton, Space, Tag, Tooltip, Typography } from 'antd';
import { DataTable } from '../../common/DataTable';
import { LockOutlined, PlusOutlined, SyncOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import type { RouteResponse } from '../../../../contracts/route';
import { createCorpTags, listCorpTags, syncCorpTags } from '../../../../contracts/wecom';
import { useAuth, useStaff } from '../../auth';
import { ApiError, errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { splitList } from '../channels/util';

type CorpTagView = RouteResponse<typeof listCorpTags>['groups'][number];
type TagRow = CorpTagView['tags'][number];

/** Group names the server uses for our own tags (cloud/src/modules/tags/corp-tag.service.ts). */
const OUR_GROUP = '社区私域';
const RFM_GROUP = 'RFM分层';
// scored per store by quintiles of every purchase in the ledger; thresholds in 消费与导入 → RFM 分层
const RFM_RULES: Array<{ tier: string; rule: string; color: string }> = [
  { tier: '高价值忠诚', rule: '本店五分位：最近消费、消费次数、消费金额均在前列（默认各≥4分）', color: 'gold' },
  { tier: '潜力复购', rule: '有消费、近期活跃，尚未达到忠诚标准', color: 'green' },
  { tier: '流失预警', rule: '最近一次消费在本店顾客中最靠后（默认R=1分）', color: 'red' },
  { tier: '新客', rule: '只有1笔消费，且在30天内', color: 'blue' },
];

function GroupCard({ g }: { g: CorpTagView }) {
  const columns: ColumnsType<TagRow> = [
    {
      title: '标签',
      dataIndex: 'name',
      render: (n: string, t) => (
        <Space size={4}>
          <Tag color={g.groupName === RFM_GROUP ? RFM_RULES.find((r) => r.tier === n)?.color : t.createdByUs ? 'orange' : undefined}>{n}</Tag>
          {!t.createdByUs && (
            <Tooltip title="由企业微信后台或其他应用创建：只读，本系统不会修改">
              <LockOutlined style={{ color: '#999' }} />
            </Tooltip>
          )}
        </Space>
      ),
    },
    {
      title: '来源',
      dataIndex: 'createdByUs',
      render: (ours: boolean) => (ours ? <Badge status="success" text="本系统创建" /> : <Badge status="default" text="只读" />),
    },
    { title: '客户数', dataIndex: 'contacts', align: 'right', width: 100 },
  ];
  return (
    <Card
      size="small"
      style={{ marginBottom: 16 }}
      data-testid={`tag-group-${g.groupName}`}
      title={
        <Space>
          <span>{g.groupName}</span>
          {g.groupName === RFM_GROUP ? (
            <Tag color="purple">RFM 分层 · 每晚重算</Tag>
          ) : g.createdByUs ? (
            <Tag color="orange">本系统</Tag>
          ) : (
            <Tag icon={<LockOutlined />}>只读</Tag>
          )}
        </Space>
      }
      extra={<Typography.Text type="secondary">{g.tags.length} 个标签</Typography.Text>}
    >
      <DataTable<TagRow> rowKey="id" size="small" columns={columns} dataSource={g.tags} pagination={false} locale={{ emptyText: '该组暂无标签' }} />
    </Card>
  );
}

function CreateTagsButton({ groups, onDone }: { groups: CorpTagView[]; onDone: () => void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<{ groupName: string; names: string }>();
  const ourGroups = [...new Set([OUR_GROUP, ...groups.filter((g) => g.createdByUs && g.groupName !== RFM_GROUP).map((g) => g.groupName)])];

  async function submit(v: { groupName: string; names: string }) {
    const names = splitList(v.names);
    if (!names.length) {
      form.setFields([{ name: 'names', errors: ['请填写至少一个标签'] }]);
      return;
    }
    const tooLong = names.find((n) => n.length > 30);
    if (tooLong) {
      form.setFields([{ name: 'names', errors: [`标签「${tooLong}」超过30个字`] }]);
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const g = await api.call(createCorpTags, { body: { groupName: v.groupName.trim(), names } });
      message.success(`已在「${g.groupName}」创建标签`);
      setOpen(false);
      form.resetFields();
      onDone();
    } catch (err) {
      if (err instanceof ApiError && err.details?.length)
        form.setFields(err.details.map((d) => ({ name: d.path === 'groupName' ? 'groupName' : 'names', errors: [d.message] })));
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <>
      <Button icon={<PlusOutlined />} onClick={() => setOpen(true)} data-testid="tags-create">
        新建标签
      </Button>
      <Modal
        open={open}
        title="新建企业客户标签"
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText="创建"
        confirmLoading={saving}
        destroyOnHidden
      >
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ groupName: OUR_GROUP, names: '' }} name="tagsForm">
          <Form.Item
            label="标签组"
            name="groupName"
            rules={[{ required: true, whitespace: true, message: '请选择或填写标签组' }, { max: 30 }]}
            extra="只能在本系统创建的组里添加；不存在的组会被创建。RFM分层由系统维护。"
          >
            <Select showSearch options={ourGroups.map((g) => ({ value: g, label: g }))} />
          </Form.Item>
          <Form.Item
            label="标签名称"
            name="names"
            rules={[{ required: true, whitespace: true, message: '请填写标签' }]}
            extra="多个标签用逗号、空格或顿号分隔，每个不超过30字"
          >
            <Input.TextArea rows={3} placeholder="爱烘焙、周末有空" data-testid="tags-create-names" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

export function TagsPage() {
  const { api } = useAuth();
  const staff = useStaff();
  const { message } = App.useApp();
  const [data, setData] = useState<RouteResponse<typeof listCorpTags> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [syncing, setSyncing] = useState(false);
  const hq = staff.role === 'hq_admin';

  const load = useCallback(() => {
    api.call(listCorpTags).then(
      (r) => {
        setData(r);
        setError(null);
      },
      (err) => setError(errorMessage(err)),
    );
  }, [api]);
  useEffect(load, [load]);

  async function sync() {
    setSyncing(true);
    try {
      const r = await api.call(syncCorpTags);
      message.success(`已同步：${r.groups} 个标签组、${r.tags} 个标签${r.created ? `，新建 ${r.created} 个` : ''}`);
      load();
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setSyncing(false);
    }
  }

  const groups = data?.groups ?? [];
  const ours = groups.filter((g) => g.createdByUs || g.tags.some((t) => t.createdByUs));
  const foreign = groups.filter((g) => !ours.includes(g));
  // our groups first: RFM, then behaviour tags, then any other group of ours
  ours.sort(
    (a, b) => Number(b.groupName === RFM_GROUP) - Number(a.groupName === RFM_GROUP) || Number(b.groupName === OUR_GROUP) - Number(a.groupName === OUR_GROUP),
  );

  return (
    <div data-testid="tags-page">
      <Card style={{ marginBottom: 16 }}>
        <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
          <Space direction="vertical" size={0}>
            <Typography.Text>企业客户标签与企业微信双向同步：本系统创建的标签会自动打到客户身上；其他来源的标签只读。</Typography.Text>
            <Typography.Text type="secondary" data-testid="tags-synced-at">
              上次同步：{data?.syncedAt ? formatDateTime(data.syncedAt) : '尚未同步'}（每晚自动同步）
            </Typography.Text>
          </Space>
          {hq && (
            <Space>
              <CreateTagsButton groups={groups} onDone={load} />
              <Button type="primary" icon={<SyncOutlined spin={syncing} />} loading={syncing} onClick={sync} data-testid="tags-sync">
                立即同步
              </Button>
            </Space>
          )}
        </Space>
      </Card>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Row gutter={16}>
        <Col xs={24} lg={16}>
          {!data && !error ? <Skeleton active /> : null}
          {data && !groups.length ? <Empty description="还没有标签，点「立即同步」从企业微信拉取" /> : null}
          {ours.length > 0 && (
            <Typography.Title level={5} style={{ marginTop: 0 }}>
              本系统的标签
            </Typography.Title>
          )}
          {ours.map((g) => (
            <GroupCard key={g.groupId} g={g} />
          ))}
          {foreign.length > 0 && (
            <Typography.Title level={5}>
              <LockOutlined /> 其他来源（只读）
            </Typography.Title>
          )}
          {foreign.map((g) => (
            <GroupCard key={g.groupId} g={g} />
          ))}
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title="RFM 分层规则" style={{ marginBottom: 16 }}>
            <Descriptions column={1} size="small">
              {RFM_RULES.map((r) => (
                <Descriptions.Item key={r.tier} label={<Tag color={r.color}>{r.tier}</Tag>}>
                  {r.rule}
                </Descriptions.Item>
              ))}
            </Descriptions>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
              每晚按近一年订单重算，先匹配先得；结果以「{RFM_GROUP}」标签组推送到企业微信。
            </Typography.Paragraph>
          </Card>
          <Card size="small" title="行为标签">
            <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
              会员在菜谱大赛投稿/投票、参加课程活动、下单等行为会获得标签（如「UGC创作者」「投票参与」），统一放在「{OUR_GROUP}
              」标签组，分批、限速打到企业微信客户身上。渠道活码的自动标签也在这里。
            </Typography.Paragraph>
          </Card>
        </Col>
      </Row>
    </div>
  );
}
