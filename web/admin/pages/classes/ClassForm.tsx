/**
 * Create a class / event (one-off or a recurring series) and edit one. Times are typed as Beijing
 * time; seat, deadline and schedule edits apply to the series' future sessions (server rule).
 */
import { useEffect, useState } from 'react';
import { App, Button, Card, Checkbox, Col, Drawer, Form, Input, InputNumber, Radio, Row, Select, Space, Typography, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router-dom';
import * as identity from '../../../../contracts/identity';
import { CLASS_TYPES, opsCreateClass, opsListClasses, opsUpdateClass, type ClassDetail, type ClassType } from '../../../../contracts/classes';
import type { RouteInput } from '../../../../contracts/route';
import { useAuth, useStaff } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { fromShanghaiInput, toShanghaiInput, typeLabel } from './util';
import { uploadImage } from '../../common/upload';

interface CommonValues {
  title: string;
  hostName: string;
  room?: string;
  adultSeats: number;
  childSeats: number;
  priceYuan: number;
  registrationClosesHours: number;
  cancellationClosesHours: number;
  coverUrl?: string;
  description?: string;
  tags?: string[];
}
interface CreateValues extends CommonValues {
  type: ClassType;
  storeId: number;
  startsAt: string;
  durationMinutes: number;
  repeat: boolean;
  frequency: 'daily' | 'weekly' | 'monthly';
  count: number;
}
interface EditValues extends CommonValues {
  changeSchedule: boolean;
  startTime?: string;
  durationMinutes?: number;
}

const FREQUENCY_LABELS = { daily: '每天', weekly: '每周', monthly: '每月' } as const;

function common(v: CommonValues) {
  return {
    title: v.title.trim(),
    hostName: v.hostName.trim(),
    room: v.room?.trim() ? v.room.trim() : null,
    adultSeats: v.adultSeats,
    childSeats: v.childSeats ?? 0,
    priceFen: Math.round((v.priceYuan ?? 0) * 100),
    registrationClosesMinutesBefore: Math.round((v.registrationClosesHours ?? 0) * 60),
    cancellationClosesMinutesBefore: Math.round((v.cancellationClosesHours ?? 0) * 60),
    coverUrl: v.coverUrl?.trim() ? v.coverUrl.trim() : null,
    description: v.description ?? '',
    tags: (v.tags ?? []).map((t) => t.trim()).filter(Boolean),
  };
}

/** Stores the staff member can create for: their own, or (HQ) every store known from staff and classes. */
function useStoreOptions(): { options: Array<{ value: number; label: string }>; fixed: boolean } {
  const { api } = useAuth();
  const staff = useStaff();
  const [options, setOptions] = useState<Array<{ value: number; label: string }>>(
    staff.storeId ? [{ value: staff.storeId, label: staff.storeName ?? `门店 ${staff.storeId}` }] : [],
  );
  useEffect(() => {
    if (staff.storeId) return;
    // There is no ops store list yet: the stores are the ones staff work at, plus any with classes.
    let live = true;
    Promise.allSettled([api.call(identity.listStaff), api.call(opsListClasses, { query: { page: 1, pageSize: 100 } })]).then(([s, c]) => {
      if (!live) return;
      const found = new Map<number, string>();
      if (s.status === 'fulfilled') for (const x of s.value.items) if (x.storeId) found.set(x.storeId, x.storeName ?? `门店 ${x.storeId}`);
      if (c.status === 'fulfilled') for (const x of c.value.items) found.set(x.storeId, x.storeName ?? `门店 ${x.storeId}`);
      setOptions([...found].map(([value, label]) => ({ value, label })));
    });
    return () => {
      live = false;
    };
  }, [api, staff.storeId]);
  return { options, fixed: !!staff.storeId };
}

function CoverField() {
  const { message } = App.useApp();
  const form = Form.useFormInstance();
  const url = Form.useWatch('coverUrl', form) as string | undefined;
  const [busy, setBusy] = useState(false);
  return (
    <Form.Item label="封面" extra="JPG / PNG / WebP，8 MB 以内；也可直接填写图片地址">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space>
          <Upload
            accept="image/jpeg,image/png,image/webp"
            showUploadList={false}
            customRequest={async ({ file, onSuccess, onError }) => {
              setBusy(true);
              try {
                const u = (await uploadImage(file as File)).url;
                form.setFieldValue('coverUrl', u);
                onSuccess?.(u);
              } catch (err) {
                message.error(errorMessage(err));
                onError?.(err as Error);
              } finally {
                setBusy(false);
              }
            }}
          >
            <Button icon={<UploadOutlined />} loading={busy}>
              上传图片
            </Button>
          </Upload>
          {url ? <img src={url} alt="封面" style={{ height: 48, borderRadius: 4 }} /> : null}
        </Space>
        <Form.Item name="coverUrl" noStyle>
          <Input placeholder="图片地址（选填）" maxLength={512} allowClear />
        </Form.Item>
      </Space>
    </Form.Item>
  );
}

function CommonFields({ showChildHint }: { showChildHint: boolean }) {
  return (
    <>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="hostName" label="主讲 / 主持" rules={[{ required: true, whitespace: true, message: '请填写主讲或主持人' }]}>
            <Input maxLength={32} placeholder="如：李师傅" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="room" label="教室 / 场地">
            <Input maxLength={32} placeholder="如：二楼共享厨房" />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={12} md={6}>
          <Form.Item name="adultSeats" label="成人名额" rules={[{ required: true, message: '请填写成人名额' }]}>
            <InputNumber min={0} max={500} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="childSeats" label="儿童名额" extra={showChildHint ? '亲子活动成人、儿童分别计名额' : undefined}>
            <InputNumber min={0} max={500} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="priceYuan" label="价格（元）" extra="每人价格，0 为免费；付费活动会员报名后微信支付，取消截止前取消全额退款">
            <InputNumber min={0} max={10000} precision={2} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={12} md={6}>
          <Form.Item name="registrationClosesHours" label="报名截止（开始前）">
            <InputNumber min={0} max={720} step={0.5} addonAfter="小时" style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="cancellationClosesHours" label="取消截止（开始前）">
            <InputNumber min={0} max={720} step={0.5} addonAfter="小时" style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="tags" label="到场后获得的标签" extra="会员签到后写入标签库，如：烹饪爱好者、亲子家庭">
            <Select mode="tags" maxCount={10} tokenSeparators={[',', '，', ' ']} placeholder="输入后回车" />
          </Form.Item>
        </Col>
      </Row>
      <CoverField />
      <Form.Item name="description" label="活动介绍">
        <Input.TextArea rows={4} maxLength={5000} showCount />
      </Form.Item>
    </>
  );
}

export function ClassCreatePage() {
  const { api } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<CreateValues>();
  const { options, fixed } = useStoreOptions();
  const [saving, setSaving] = useState(false);
  const repeat = Form.useWatch('repeat', form);
  const type = Form.useWatch('type', form);

  useEffect(() => {
    if (options.length && !form.getFieldValue('storeId')) form.setFieldValue('storeId', options[0].value);
  }, [options, form]);

  async function submit(v: CreateValues) {
    const startsAt = fromShanghaiInput(v.startsAt);
    if (!startsAt) {
      form.setFields([{ name: 'startsAt', errors: ['请选择开始时间'] }]);
      return;
    }
    const endsAt = new Date(new Date(startsAt).getTime() + v.durationMinutes * 60_000).toISOString();
    const body: RouteInput<typeof opsCreateClass>['body'] = {
      ...common(v),
      type: v.type,
      storeId: v.storeId,
      startsAt,
      endsAt,
      recurrence: v.repeat ? { frequency: v.frequency, count: v.count } : null,
    };
    setSaving(true);
    try {
      const created = await api.call(opsCreateClass, { body });
      message.success(created.sessions.length > 1 ? `已创建系列活动，共 ${created.sessions.length} 场` : '已创建活动');
      navigate(`/classes/${created.id}`);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Card title="新建活动" data-testid="class-create">
      <Form<CreateValues>
        form={form}
        name="classForm"
        layout="vertical"
        style={{ maxWidth: 880 }}
        initialValues={{
          type: 'class',
          adultSeats: 10,
          childSeats: 0,
          priceYuan: 0,
          registrationClosesHours: 1,
          cancellationClosesHours: 24,
          durationMinutes: 90,
          repeat: false,
          frequency: 'weekly',
          count: 4,
          tags: [],
        }}
        onFinish={submit}
      >
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="title" label="标题" rules={[{ required: true, whitespace: true, message: '请填写标题' }]}>
              <Input maxLength={40} showCount placeholder="如：妈妈早茶会" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="type" label="类型">
              <Radio.Group optionType="button" options={CLASS_TYPES.map((t) => ({ value: t, label: typeLabel(t) }))} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="storeId" label="门店" rules={[{ required: true, message: '请选择门店' }]}>
              <Select options={options} disabled={fixed} placeholder="选择门店" notFoundContent="没有可选门店" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="startsAt" label="开始时间（北京时间）" rules={[{ required: true, message: '请选择开始时间' }]}>
              <Input type="datetime-local" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="durationMinutes" label="时长" rules={[{ required: true, message: '请填写时长' }]}>
              <InputNumber min={10} max={1440} step={15} precision={0} addonAfter="分钟" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Space align="start" size="large" wrap>
          <Form.Item name="repeat" valuePropName="checked">
            <Checkbox data-testid="class-repeat">重复（系列活动）</Checkbox>
          </Form.Item>
          {repeat && (
            <>
              <Form.Item name="frequency" label="频率">
                <Radio.Group options={(['daily', 'weekly', 'monthly'] as const).map((f) => ({ value: f, label: FREQUENCY_LABELS[f] }))} />
              </Form.Item>
              <Form.Item name="count" label="共几场（含第一场）" rules={[{ required: true, message: '请填写场次数' }]}>
                <InputNumber min={2} max={60} precision={0} />
              </Form.Item>
            </>
          )}
        </Space>
        <CommonFields showChildHint={type === 'family_event'} />
        <Space>
          <Button type="primary" htmlType="submit" loading={saving} data-testid="class-submit">
            创建
          </Button>
          <Button onClick={() => navigate('/classes')}>取消</Button>
        </Space>
      </Form>
    </Card>
  );
}

/** Edit drawer on the class page. */
export function ClassEditDrawer({ detail, open, onClose, onSaved }: { detail: ClassDetail; open: boolean; onClose(): void; onSaved(d: ClassDetail): void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm<EditValues>();
  const [saving, setSaving] = useState(false);
  const changeSchedule = Form.useWatch('changeSchedule', form);
  const first = detail.sessions.find((s) => s.status === 'scheduled') ?? detail.sessions[0];

  useEffect(() => {
    if (!open) return;
    form.setFieldsValue({
      title: detail.title,
      hostName: detail.hostName,
      room: detail.room ?? undefined,
      adultSeats: detail.adultSeats,
      childSeats: detail.childSeats,
      priceYuan: detail.priceFen / 100,
      registrationClosesHours: detail.registrationClosesMinutesBefore / 60,
      cancellationClosesHours: detail.cancellationClosesMinutesBefore / 60,
      coverUrl: detail.coverUrl ?? undefined,
      description: detail.description,
      tags: detail.tags,
      changeSchedule: false,
      startTime: first ? toShanghaiInput(first.startsAt).slice(11) : '10:00',
      durationMinutes: first ? Math.round((Date.parse(first.endsAt) - Date.parse(first.startsAt)) / 60_000) : 90,
    });
  }, [open, detail, first, form]);

  async function submit(v: EditValues) {
    const body: RouteInput<typeof opsUpdateClass>['body'] = { ...common(v) };
    if (v.changeSchedule && v.startTime && v.durationMinutes) body.schedule = { startTime: v.startTime, durationMinutes: v.durationMinutes };
    setSaving(true);
    try {
      const saved = await api.call(opsUpdateClass, { params: { classId: detail.id }, body });
      message.success('已保存');
      onSaved(saved);
      onClose();
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Drawer title="编辑活动" width={760} open={open} onClose={onClose} destroyOnHidden>
      <Typography.Paragraph type="secondary">
        名额、截止时间和上课时间的修改会应用到所有未开始的场次；名额不能少于已报名人数，新增的名额会自动分给候补。
      </Typography.Paragraph>
      <Form<EditValues> form={form} name="classEdit" layout="vertical" onFinish={submit}>
        <Form.Item name="title" label="标题" rules={[{ required: true, whitespace: true, message: '请填写标题' }]}>
          <Input maxLength={40} showCount />
        </Form.Item>
        <CommonFields showChildHint={detail.type === 'family_event'} />
        <Form.Item name="changeSchedule" valuePropName="checked">
          <Checkbox>修改上课时间（所有未开始的场次）</Checkbox>
        </Form.Item>
        {changeSchedule && (
          <Space>
            <Form.Item name="startTime" label="开始时间（北京时间）" rules={[{ required: true, message: '请填写时间' }]}>
              <Input type="time" />
            </Form.Item>
            <Form.Item name="durationMinutes" label="时长" rules={[{ required: true, message: '请填写时长' }]}>
              <InputNumber min={10} max={1440} step={15} precision={0} addonAfter="分钟" />
            </Form.Item>
          </Space>
        )}
        <Space>
          <Button type="primary" htmlType="submit" loading={saving} data-testid="class-edit-submit">
            保存
          </Button>
          <Button onClick={onClose}>取消</Button>
        </Space>
      </Form>
    </Drawer>
  );
}
