/**
 * Create / edit a 渠道活码: who receives the adds (staff, backup staff, daily cap per staff), the
 * tags applied on add and the welcome (text + mini-program card / image / link). The state is set
 * once at creation (WeCom echoes it in every add callback; it is how adds are attributed).
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Col, Form, Input, InputNumber, Radio, Row, Select, Space, Switch, Tag, Typography } from 'antd';
import { useNavigate } from 'react-router-dom';
import { CHANNEL_KINDS, WELCOME_PLACEHOLDERS, createChannel, updateChannel, type ChannelView } from '../../../../contracts/wecom';
import { useAuth, useStaff } from '../../auth';
import { ApiError, errorMessage } from '../../../shared/api';
import { AttachmentsField, fromAttachments, toAttachments, type AttachmentValue } from './AttachmentsField';
import { useOurTagNames, useStaffOptions } from './options';
import { CHANNEL_KIND_LABELS } from './util';

interface FormValues {
  name: string;
  kind: ChannelView['kind'];
  state?: string;
  type: 'single' | 'multi';
  skipVerify: boolean;
  staffUserIds: string[];
  backupUserIds: string[];
  dailyCapPerStaff: number;
  tagNames: string[];
  storeId?: number | null;
  welcomeText: string;
  attachments: AttachmentValue[];
}

function initial(c: ChannelView | null, defaultStaff: string | null, defaultStore: number | null): FormValues {
  if (!c) {
    return {
      name: '',
      kind: 'store',
      type: 'multi',
      skipVerify: true,
      staffUserIds: defaultStaff ? [defaultStaff] : [],
      backupUserIds: [],
      dailyCapPerStaff: 0,
      tagNames: [],
      storeId: defaultStore,
      welcomeText: '{客户称呼}您好，我是{门店}的{员工姓名}，欢迎加入！有新鲜菜、课程活动都会第一时间告诉您～',
      attachments: [],
    };
  }
  return {
    name: c.name,
    kind: c.kind,
    state: c.state,
    type: c.type,
    skipVerify: c.skipVerify,
    staffUserIds: c.staffUserIds,
    backupUserIds: c.backupUserIds,
    dailyCapPerStaff: c.dailyCapPerStaff,
    tagNames: c.tagNames,
    storeId: c.storeId,
    welcomeText: c.welcome.text,
    attachments: fromAttachments(c.welcome.attachments),
  };
}

/** Server field paths (e.g. "welcome.attachments.0.url") -> form field names. */
function fieldOf(path: string): (string | number)[] {
  const parts = path.split('.');
  if (parts[0] === 'welcome' && parts[1] === 'text') return ['welcomeText'];
  if (parts[0] === 'welcome' && parts[1] === 'attachments') return parts.length > 3 ? ['attachments', Number(parts[2]), parts[3]] : ['welcomeText'];
  return [parts[0]];
}

export function ChannelForm({ channel, onSaved, onCancel }: { channel: ChannelView | null; onSaved: (c: ChannelView) => void; onCancel?: () => void }) {
  const { api } = useAuth();
  const me = useStaff();
  const [form] = Form.useForm<FormValues>();
  const { staff, stores } = useStaffOptions();
  const tagNames = useOurTagNames();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const editing = channel !== null;

  useEffect(() => {
    form.resetFields();
    form.setFieldsValue(initial(channel, me.wecomUserId, me.storeId));
  }, [channel, form, me.wecomUserId, me.storeId]);

  async function onFinish(v: FormValues) {
    setError(null);
    const body = {
      name: v.name.trim(),
      kind: v.kind,
      skipVerify: !!v.skipVerify,
      staffUserIds: v.staffUserIds.map((s) => s.trim()).filter(Boolean),
      backupUserIds: (v.backupUserIds ?? []).map((s) => s.trim()).filter(Boolean),
      dailyCapPerStaff: v.dailyCapPerStaff ?? 0,
      tagNames: (v.tagNames ?? []).map((s) => s.trim()).filter(Boolean),
      welcome: { text: v.welcomeText ?? '', attachments: toAttachments(v.attachments) },
      ...(me.role === 'hq_admin' ? { storeId: v.storeId ?? null } : {}),
    };
    setSaving(true);
    try {
      const saved = editing
        ? await api.call(updateChannel, { params: { channelId: channel.id }, body })
        : await api.call(createChannel, { body: { ...body, type: v.type, state: v.state?.trim() || undefined } });
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'VALIDATION_FAILED' && err.details?.length) {
        form.setFields(err.details.map((d) => ({ name: fieldOf(d.path) as never, errors: [d.message] })));
      }
      if (err instanceof ApiError && err.code === 'CHANNEL_STATE_TAKEN') form.setFields([{ name: 'state', errors: [err.message] }]);
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  function insertPlaceholder(p: string) {
    const cur = (form.getFieldValue('welcomeText') as string | undefined) ?? '';
    form.setFieldValue('welcomeText', cur + p);
  }

  return (
    <div data-testid="channel-form">
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="channel-form-error" />}
      <Form<FormValues> form={form} layout="vertical" onFinish={onFinish} requiredMark="optional" name="channelForm">
        <Row gutter={24}>
          <Col xs={24} lg={12}>
            <Card size="small" title="渠道" style={{ marginBottom: 16 }}>
              <Form.Item label="渠道名称" name="name" rules={[{ required: true, whitespace: true, message: '请填写渠道名称' }, { max: 40 }]}>
                <Input maxLength={40} placeholder="如：滨江店收银台" data-testid="channel-name" />
              </Form.Item>
              <Form.Item label="渠道类型" name="kind" rules={[{ required: true }]}>
                <Select data-testid="channel-kind" options={CHANNEL_KINDS.map((k) => ({ value: k, label: CHANNEL_KIND_LABELS[k] }))} />
              </Form.Item>
              <Form.Item
                label="渠道标识 state"
                name="state"
                rules={[{ pattern: /^[A-Za-z0-9_-]{1,30}$/, message: 'state 仅限30位以内字母、数字、_、-' }]}
                extra={
                  editing ? '创建后不能修改：企业微信在每次添加回调里带回它，用来把客户归到这个渠道。' : '可留空，系统自动生成；30位以内字母、数字、_、-。'
                }
              >
                <Input maxLength={30} disabled={editing} placeholder="自动生成" data-testid="channel-state-input" />
              </Form.Item>
              {me.role === 'hq_admin' ? (
                <Form.Item label="所属门店" name="storeId" extra="门店店长只能看到本店的渠道">
                  <Select allowClear placeholder="总部渠道（不属于门店）" options={stores} data-testid="channel-store" />
                </Form.Item>
              ) : null}
            </Card>
            <Card size="small" title="接待员工" style={{ marginBottom: 16 }}>
              <Form.Item label="活码类型" name="type" extra={editing ? '创建后不能修改' : '单人活码只能选一名员工；多人活码轮流分配'}>
                <Radio.Group disabled={editing}>
                  <Radio value="multi">多人活码</Radio>
                  <Radio value="single">单人活码</Radio>
                </Radio.Group>
              </Form.Item>
              <Form.Item
                label="接待员工（企业微信账号）"
                name="staffUserIds"
                rules={[{ required: true, type: 'array', min: 1, message: '至少选择一名接待员工' }]}
              >
                <Select mode="tags" options={staff} placeholder="选择或输入企业微信 userid" tokenSeparators={[',', '，', ' ']} data-testid="channel-staff" />
              </Form.Item>
              <Form.Item label="备用员工" name="backupUserIds" extra="接待员工当天添加数达到上限后，新客户转给备用员工">
                <Select mode="tags" options={staff} placeholder="可选" tokenSeparators={[',', '，', ' ']} data-testid="channel-backup" />
              </Form.Item>
              <Form.Item label="每人每日添加上限" name="dailyCapPerStaff" extra="按北京时间自然日计算；0 表示不限">
                <InputNumber min={0} max={10000} precision={0} addonAfter="人/天" data-testid="channel-cap" />
              </Form.Item>
              <Form.Item label="添加时无需验证" name="skipVerify" valuePropName="checked">
                <Switch />
              </Form.Item>
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card size="small" title="自动打标签" style={{ marginBottom: 16 }}>
              <Form.Item name="tagNames" extra="客户通过此活码添加后自动打上这些企业标签（不存在的会在「社区私域」标签组中创建）">
                <Select
                  mode="tags"
                  options={tagNames.map((t) => ({ value: t, label: t }))}
                  placeholder="输入标签后回车"
                  tokenSeparators={[',', '，']}
                  data-testid="channel-tags"
                />
              </Form.Item>
            </Card>
            <Card size="small" title="欢迎语" style={{ marginBottom: 16 }}>
              <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                客户添加后立即发送（企业微信只给 20 秒窗口）。可插入：
                {WELCOME_PLACEHOLDERS.map((p) => (
                  <Tag key={p} style={{ cursor: 'pointer', marginInline: 4 }} onClick={() => insertPlaceholder(p)}>
                    {p}
                  </Tag>
                ))}
              </Typography.Paragraph>
              <Form.Item name="welcomeText" rules={[{ max: 4000 }]}>
                <Input.TextArea rows={4} maxLength={4000} showCount data-testid="channel-welcome-text" />
              </Form.Item>
              <Form.Item noStyle shouldUpdate={(a, b) => a.welcomeText !== b.welcomeText || a.attachments?.length !== b.attachments?.length}>
                {({ getFieldValue }) =>
                  !(getFieldValue('welcomeText') as string | undefined)?.trim() && !(getFieldValue('attachments') as unknown[] | undefined)?.length ? (
                    <Alert type="warning" showIcon message="欢迎语为空：客户添加后不会收到任何消息" style={{ marginBottom: 12 }} />
                  ) : null
                }
              </Form.Item>
              <AttachmentsField name="attachments" testId="channel-attachments" />
            </Card>
          </Col>
        </Row>
        <Space>
          <Button type="primary" htmlType="submit" loading={saving} data-testid="channel-submit">
            {editing ? '保存修改' : '创建活码'}
          </Button>
          {onCancel && <Button onClick={onCancel}>取消</Button>}
        </Space>
      </Form>
    </div>
  );
}

export function ChannelCreatePage() {
  const navigate = useNavigate();
  return (
    <Card title="新建渠道活码" data-testid="channel-create">
      <ChannelForm channel={null} onSaved={(c) => navigate(`/journeys/channels/${c.id}`, { replace: true })} onCancel={() => navigate('/journeys/channels')} />
    </Card>
  );
}
