/**
 * Journey editor: one trigger, then ordered steps (wait → condition → action). Built-in journeys
 * are edited the same way and can be put back to their defaults. Only HQ admins may save; store
 * managers see the same form read-only.
 */
import { useEffect, useState } from 'react';
import { Alert, App, AutoComplete, Button, Card, Col, Form, Input, InputNumber, Popconfirm, Row, Select, Space, Switch, Tag, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined, RollbackOutlined } from '@ant-design/icons';
import {
  MESSAGE_PLACEHOLDERS,
  STEP_CONDITIONS,
  TRIGGER_TYPES,
  createJourney,
  restoreJourney,
  updateJourney,
  type JourneyAction,
  type JourneyStep,
  type JourneyTrigger,
  type JourneyView,
} from '../../../../contracts/journeys';
import { CHANNEL_KINDS } from '../../../../contracts/wecom';
import { useAuth, useStaff } from '../../auth';
import { ApiError, errorMessage } from '../../../shared/api';
import { AttachmentsField, fromAttachments, toAttachments, type AttachmentValue } from '../channels/AttachmentsField';
import { useOurTagNames } from '../channels/options';
import { CHANNEL_KIND_LABELS } from '../channels/util';
import { ACTION_LABELS, CONDITION_LABELS, TRIGGER_LABELS, waitLabel } from './labels';

interface StepValues {
  name: string;
  waitDays: number;
  waitHours: number;
  condition: JourneyStep['condition'];
  actionType: JourneyAction['type'];
  text?: string;
  attachments?: AttachmentValue[];
  title?: string;
  detail?: string;
  assignee?: 'owner' | 'store_manager';
  dueHours?: number;
  tagName?: string;
  amountYuan?: number;
  minSpendYuan?: number;
  validDays?: number;
}

interface FormValues {
  name: string;
  description: string;
  active: boolean;
  triggerType: JourneyTrigger['type'];
  triggerTagName?: string;
  triggerDays?: number;
  triggerChannelKinds?: string[];
  steps: StepValues[];
}

const NEW_STEP: StepValues = { name: '', waitDays: 1, waitHours: 0, condition: 'no_interaction', actionType: 'message', text: '', attachments: [] };

function stepValues(s: JourneyStep): StepValues {
  const base = { name: s.name, waitDays: Math.floor(s.waitHours / 24), waitHours: s.waitHours % 24, condition: s.condition, actionType: s.action.type };
  const a = s.action;
  switch (a.type) {
    case 'message':
      return { ...base, text: a.text, attachments: fromAttachments(a.attachments) };
    case 'staff_task':
      return { ...base, title: a.title, detail: a.detail, assignee: a.assignee, dueHours: a.dueHours };
    case 'add_tag':
    case 'remove_tag':
      return { ...base, tagName: a.tagName };
    case 'coupon':
      return { ...base, title: a.title, amountYuan: a.amountFen / 100, minSpendYuan: a.minSpendFen / 100, validDays: a.validDays };
  }
}

function initial(j: JourneyView | null): FormValues {
  if (!j) {
    return { name: '', description: '', active: true, triggerType: 'contact_added', triggerDays: 30, steps: [{ ...NEW_STEP }] };
  }
  const t = j.trigger;
  return {
    name: j.name,
    description: j.description,
    active: j.active,
    triggerType: t.type,
    triggerTagName: t.type === 'tag_added' ? t.tagName : undefined,
    triggerDays: t.type === 'inactive' ? t.days : 30,
    triggerChannelKinds: t.type === 'contact_added' ? (t.channelKinds ?? []) : [],
    steps: j.steps.map(stepValues),
  };
}

const fen = (yuan: number | undefined) => Math.round((yuan ?? 0) * 100);

function toTrigger(v: FormValues): JourneyTrigger {
  switch (v.triggerType) {
    case 'contact_added':
      return v.triggerChannelKinds?.length
        ? { type: 'contact_added', channelKinds: v.triggerChannelKinds as (typeof CHANNEL_KINDS)[number][] }
        : { type: 'contact_added' };
    case 'tag_added':
      return { type: 'tag_added', tagName: (v.triggerTagName ?? '').trim() };
    case 'inactive':
      return { type: 'inactive', days: v.triggerDays ?? 30 };
    default:
      return { type: v.triggerType };
  }
}

function toAction(s: StepValues): JourneyAction {
  switch (s.actionType) {
    case 'message':
      return { type: 'message', text: (s.text ?? '').trim(), attachments: toAttachments(s.attachments) };
    case 'staff_task':
      return { type: 'staff_task', title: (s.title ?? '').trim(), detail: s.detail ?? '', assignee: s.assignee ?? 'owner', dueHours: s.dueHours ?? 48 };
    case 'add_tag':
    case 'remove_tag':
      return { type: s.actionType, tagName: (s.tagName ?? '').trim() };
    case 'coupon':
      return { type: 'coupon', title: (s.title ?? '').trim(), amountFen: fen(s.amountYuan), minSpendFen: fen(s.minSpendYuan), validDays: s.validDays ?? 7 };
  }
}

function toSteps(v: FormValues): JourneyStep[] {
  return (v.steps ?? []).map((s) => ({
    name: s.name.trim(),
    waitHours: (s.waitDays ?? 0) * 24 + (s.waitHours ?? 0),
    condition: s.condition,
    action: toAction(s),
  }));
}

/** Server paths ("steps.1.action.text", "trigger.days") -> form fields. */
function fieldOf(path: string): (string | number)[] {
  const p = path.split('.');
  if (p[0] === 'trigger') return [p[1] === 'tagName' ? 'triggerTagName' : p[1] === 'days' ? 'triggerDays' : 'triggerType'];
  if (p[0] === 'steps' && p.length > 1) {
    const i = Number(p[1]);
    if (p[2] === 'waitHours') return ['steps', i, 'waitDays'];
    if (p[2] === 'action') {
      const f = p[3];
      if (f === 'amountFen') return ['steps', i, 'amountYuan'];
      if (f === 'minSpendFen') return ['steps', i, 'minSpendYuan'];
      if (f === 'attachments') return p.length > 5 ? ['steps', i, 'attachments', Number(p[4]), p[5]] : ['steps', i, 'text'];
      return ['steps', i, f ?? 'actionType'];
    }
    return ['steps', i, p[2] ?? 'name'];
  }
  return [p[0]];
}

function ActionFields({ index, tagOptions }: { index: number; tagOptions: { value: string }[] }) {
  return (
    <Form.Item noStyle shouldUpdate={(a, b) => a.steps?.[index]?.actionType !== b.steps?.[index]?.actionType}>
      {({ getFieldValue }) => {
        const type = getFieldValue(['steps', index, 'actionType']) as JourneyAction['type'];
        if (type === 'message') {
          return (
            <>
              <Form.Item
                label="消息内容"
                name={[index, 'text']}
                rules={[{ required: true, whitespace: true, message: '请填写消息内容' }, { max: 2000 }]}
                extra={`通过企业微信「群发助手」推给跟进员工，员工确认后发出。可用：${MESSAGE_PLACEHOLDERS.join(' ')}`}
              >
                <Input.TextArea rows={3} maxLength={2000} showCount data-testid={`step-${index}-text`} />
              </Form.Item>
              <AttachmentsField name={[index, 'attachments']} fullName={['steps', index, 'attachments']} testId={`step-${index}-attachments`} />
            </>
          );
        }
        if (type === 'staff_task') {
          return (
            <Row gutter={12}>
              <Col xs={24} md={12}>
                <Form.Item label="任务标题" name={[index, 'title']} rules={[{ required: true, whitespace: true, message: '请填写任务标题' }, { max: 60 }]}>
                  <Input maxLength={60} data-testid={`step-${index}-title`} />
                </Form.Item>
              </Col>
              <Col xs={12} md={6}>
                <Form.Item label="执行人" name={[index, 'assignee']}>
                  <Select
                    options={[
                      { value: 'owner', label: '跟进员工' },
                      { value: 'store_manager', label: '门店店长' },
                    ]}
                  />
                </Form.Item>
              </Col>
              <Col xs={12} md={6}>
                <Form.Item label="完成期限" name={[index, 'dueHours']}>
                  <InputNumber min={1} max={720} precision={0} addonAfter="小时" style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col span={24}>
                <Form.Item label="任务说明" name={[index, 'detail']} rules={[{ max: 500 }]}>
                  <Input.TextArea rows={2} maxLength={500} />
                </Form.Item>
              </Col>
            </Row>
          );
        }
        if (type === 'add_tag' || type === 'remove_tag') {
          return (
            <Form.Item label="标签" name={[index, 'tagName']} rules={[{ required: true, whitespace: true, message: '请填写标签' }, { max: 30 }]}>
              <AutoComplete options={tagOptions} placeholder="标签名称" filterOption />
            </Form.Item>
          );
        }
        return (
          <Row gutter={12}>
            <Col xs={24} md={9}>
              <Form.Item label="券名称" name={[index, 'title']} rules={[{ required: true, whitespace: true, message: '请填写券名称' }, { max: 40 }]}>
                <Input maxLength={40} />
              </Form.Item>
            </Col>
            <Col xs={8} md={5}>
              <Form.Item label="面额" name={[index, 'amountYuan']} rules={[{ required: true, message: '请填写面额' }]}>
                <InputNumber min={0.01} max={10000} precision={2} addonAfter="元" style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={8} md={5}>
              <Form.Item label="满多少可用" name={[index, 'minSpendYuan']}>
                <InputNumber min={0} max={100000} precision={2} addonAfter="元" style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={8} md={5}>
              <Form.Item label="有效期" name={[index, 'validDays']}>
                <InputNumber min={1} max={365} precision={0} addonAfter="天" style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          </Row>
        );
      }}
    </Form.Item>
  );
}

export function JourneyEditor({ journey, onSaved }: { journey: JourneyView | null; onSaved: (j: JourneyView) => void }) {
  const { api } = useAuth();
  const staff = useStaff();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const tagNames = useOurTagNames();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const readOnly = staff.role !== 'hq_admin';
  const tagOptions = tagNames.map((value) => ({ value }));

  useEffect(() => {
    form.resetFields();
    form.setFieldsValue(initial(journey));
    setError(null);
  }, [journey, form]);

  async function onFinish(v: FormValues) {
    setError(null);
    const body = { name: v.name.trim(), description: v.description ?? '', active: !!v.active, trigger: toTrigger(v), steps: toSteps(v) };
    if (!body.steps.length) {
      setError('至少一个步骤');
      return;
    }
    setSaving(true);
    try {
      const saved = journey ? await api.call(updateJourney, { params: { journeyId: journey.id }, body }) : await api.call(createJourney, { body });
      message.success(journey ? '已保存，已在旅程中的客户保持当前步骤' : '旅程已创建');
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'VALIDATION_FAILED' && err.details?.length) {
        form.setFields(err.details.map((d) => ({ name: fieldOf(d.path) as never, errors: [d.message] })));
      }
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  async function restore() {
    if (!journey) return;
    try {
      const saved = await api.call(restoreJourney, { params: { journeyId: journey.id } });
      message.success('已恢复默认设置');
      onSaved(saved);
    } catch (err) {
      message.error(errorMessage(err));
    }
  }

  return (
    <div data-testid="journey-editor">
      {readOnly && <Alert type="info" showIcon message="只有总部管理员可以修改旅程；这里是只读视图。" style={{ marginBottom: 16 }} />}
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="journey-editor-error" />}
      <Form<FormValues> form={form} layout="vertical" onFinish={onFinish} disabled={readOnly} requiredMark="optional" name="journeyForm">
        <Card size="small" title="基本信息" style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={24} md={10}>
              <Form.Item label="旅程名称" name="name" rules={[{ required: true, whitespace: true, message: '请填写旅程名称' }, { max: 40 }]}>
                <Input maxLength={40} data-testid="journey-name" />
              </Form.Item>
            </Col>
            <Col xs={24} md={10}>
              <Form.Item label="说明" name="description" rules={[{ max: 500 }]}>
                <Input maxLength={500} />
              </Form.Item>
            </Col>
            <Col xs={24} md={4}>
              <Form.Item label="启用" name="active" valuePropName="checked">
                <Switch />
              </Form.Item>
            </Col>
          </Row>
        </Card>
        <Card size="small" title="触发条件" style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item label="当客户…" name="triggerType" rules={[{ required: true }]}>
                <Select options={TRIGGER_TYPES.map((t) => ({ value: t, label: TRIGGER_LABELS[t] }))} data-testid="journey-trigger" />
              </Form.Item>
            </Col>
            <Col xs={24} md={16}>
              <Form.Item noStyle shouldUpdate={(a, b) => a.triggerType !== b.triggerType}>
                {({ getFieldValue }) => {
                  const t = getFieldValue('triggerType') as JourneyTrigger['type'];
                  if (t === 'tag_added')
                    return (
                      <Form.Item label="标签" name="triggerTagName" rules={[{ required: true, whitespace: true, message: '请填写标签' }, { max: 30 }]}>
                        <AutoComplete options={tagOptions} filterOption placeholder="获得这个标签时进入旅程" />
                      </Form.Item>
                    );
                  if (t === 'inactive')
                    return (
                      <Form.Item
                        label="连续无互动天数"
                        name="triggerDays"
                        rules={[{ required: true, message: '请填写天数' }]}
                        extra="互动包括：访问小程序、下单、参加活动、回复员工、到店"
                      >
                        <InputNumber min={1} max={365} precision={0} addonAfter="天" />
                      </Form.Item>
                    );
                  if (t === 'contact_added')
                    return (
                      <Form.Item label="仅限这些渠道类型（可选）" name="triggerChannelKinds" extra="留空 = 任何方式添加的客户">
                        <Select mode="multiple" allowClear options={CHANNEL_KINDS.map((k) => ({ value: k, label: CHANNEL_KIND_LABELS[k] }))} />
                      </Form.Item>
                    );
                  return (
                    <Typography.Paragraph type="secondary" style={{ marginTop: 30 }}>
                      会员每次{TRIGGER_LABELS[t]}时进入旅程。
                    </Typography.Paragraph>
                  );
                }}
              </Form.Item>
            </Col>
          </Row>
        </Card>
        <Form.List name="steps">
          {(fields, { add, remove, move }) => (
            <div data-testid="journey-steps">
              {fields.map((f, i) => (
                <Card
                  key={f.key}
                  size="small"
                  style={{ marginBottom: 12 }}
                  title={
                    <Space>
                      <Tag color="orange">步骤 {i + 1}</Tag>
                      <Form.Item noStyle shouldUpdate>
                        {({ getFieldValue }) => {
                          const d = (getFieldValue(['steps', f.name, 'waitDays']) as number | null) ?? 0;
                          const h = (getFieldValue(['steps', f.name, 'waitHours']) as number | null) ?? 0;
                          return (
                            <Typography.Text type="secondary">
                              {i === 0 ? '进入旅程后' : '上一步后'}等待 {waitLabel(d * 24 + h)}
                            </Typography.Text>
                          );
                        }}
                      </Form.Item>
                    </Space>
                  }
                  extra={
                    readOnly ? null : (
                      <Space size={0}>
                        <Button type="text" size="small" icon={<ArrowUpOutlined />} disabled={i === 0} onClick={() => move(i, i - 1)} aria-label="上移" />
                        <Button
                          type="text"
                          size="small"
                          icon={<ArrowDownOutlined />}
                          disabled={i === fields.length - 1}
                          onClick={() => move(i, i + 1)}
                          aria-label="下移"
                        />
                        <Button
                          type="text"
                          size="small"
                          danger
                          icon={<DeleteOutlined />}
                          disabled={fields.length === 1}
                          onClick={() => remove(f.name)}
                          aria-label="删除步骤"
                        />
                      </Space>
                    )
                  }
                >
                  <Row gutter={12}>
                    <Col xs={24} md={8}>
                      <Form.Item
                        label="步骤名称"
                        name={[f.name, 'name']}
                        rules={[{ required: true, whitespace: true, message: '请填写步骤名称' }, { max: 40 }]}
                      >
                        <Input maxLength={40} data-testid={`step-${i}-name`} />
                      </Form.Item>
                    </Col>
                    <Col xs={12} md={4}>
                      <Form.Item label="等待" name={[f.name, 'waitDays']} rules={[{ required: true, message: '请填写' }]}>
                        <InputNumber min={0} max={180} precision={0} addonAfter="天" style={{ width: '100%' }} data-testid={`step-${i}-days`} />
                      </Form.Item>
                    </Col>
                    <Col xs={12} md={4}>
                      <Form.Item label="又" name={[f.name, 'waitHours']}>
                        <InputNumber min={0} max={23} precision={0} addonAfter="小时" style={{ width: '100%' }} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={8}>
                      <Form.Item label="执行条件" name={[f.name, 'condition']} extra="条件不满足（客户已有互动）时客户退出旅程：目标达成">
                        <Select options={STEP_CONDITIONS.map((c) => ({ value: c, label: CONDITION_LABELS[c] }))} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={8}>
                      <Form.Item label="动作" name={[f.name, 'actionType']}>
                        <Select options={Object.entries(ACTION_LABELS).map(([value, label]) => ({ value, label }))} data-testid={`step-${i}-action`} />
                      </Form.Item>
                    </Col>
                    <Col span={24}>
                      <ActionFields index={f.name} tagOptions={tagOptions} />
                    </Col>
                  </Row>
                </Card>
              ))}
              {!readOnly && (
                <Button
                  type="dashed"
                  block
                  icon={<PlusOutlined />}
                  disabled={fields.length >= 20}
                  onClick={() => add({ ...NEW_STEP })}
                  style={{ marginBottom: 16 }}
                  data-testid="journey-add-step"
                >
                  添加步骤
                </Button>
              )}
            </div>
          )}
        </Form.List>
        {!readOnly && (
          <Space>
            <Button type="primary" htmlType="submit" loading={saving} data-testid="journey-save">
              {journey ? '保存旅程' : '创建旅程'}
            </Button>
            {journey?.builtinKey ? (
              <Popconfirm
                title="恢复为系统默认的触发条件和步骤？"
                description="当前的修改会被覆盖；已在旅程中的客户保持当前步骤。"
                okText="恢复"
                onConfirm={restore}
              >
                <Button icon={<RollbackOutlined />} data-testid="journey-restore">
                  恢复默认
                </Button>
              </Popconfirm>
            ) : null}
          </Space>
        )}
      </Form>
    </div>
  );
}
