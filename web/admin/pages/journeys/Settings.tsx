/** 发送规则: quiet hours and the weekly cap per customer (HQ edits; store managers read). */
import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, InputNumber, Select, Skeleton, Space, Typography } from 'antd';
import { getJourneySettings, updateJourneySettings, type JourneySettings } from '../../../../contracts/journeys';
import { useAuth, useStaff } from '../../auth';
import { ApiError, errorMessage } from '../../../shared/api';

const pad = (n: number) => String(n).padStart(2, '0');
const HALF_HOURS = Array.from({ length: 48 }, (_, i) => `${pad(Math.floor(i / 2))}:${i % 2 ? '30' : '00'}`);

export function JourneySettingsPage() {
  const { api } = useAuth();
  const staff = useStaff();
  const { message } = App.useApp();
  const [form] = Form.useForm<JourneySettings>();
  const [loaded, setLoaded] = useState<JourneySettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const readOnly = staff.role !== 'hq_admin';

  useEffect(() => {
    api.call(getJourneySettings).then(
      (s) => setLoaded(s),
      (err) => setError(errorMessage(err)),
    );
  }, [api]);

  async function onFinish(v: JourneySettings) {
    setSaving(true);
    setError(null);
    try {
      const s = await api.call(updateJourneySettings, { body: v });
      setLoaded(s);
      form.setFieldsValue(s);
      message.success('发送规则已保存，下一次评估起生效');
    } catch (err) {
      if (err instanceof ApiError && err.details?.length)
        form.setFields(err.details.map((d) => ({ name: d.path as keyof JourneySettings, errors: [d.message] })));
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  const options = [...new Set([...HALF_HOURS, loaded?.quietStart, loaded?.quietEnd].filter((x): x is string => !!x))]
    .sort()
    .map((t) => ({ value: t, label: t }));

  return (
    <Card title="发送规则" data-testid="journey-settings" style={{ maxWidth: 720 }}>
      <Typography.Paragraph type="secondary">
        旅程的私聊消息都遵守以下规则；超出的会顺延到允许的时间，并记在客户的步骤记录里。企业微信自身的限制（每位客户每月收到的群发消息不超过当月天数）始终生效；客户在侧边栏被标记为「退订」后不再收到旅程消息。
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      {!loaded && !error ? (
        <Skeleton active />
      ) : (
        <Form<JourneySettings> form={form} layout="vertical" initialValues={loaded ?? undefined} onFinish={onFinish} disabled={readOnly} name="journeySettings">
          <Space align="start" wrap>
            <Form.Item label="免打扰开始（北京时间）" name="quietStart" rules={[{ required: true }]}>
              <Select showSearch options={options} style={{ width: 160 }} data-testid="settings-quiet-start" />
            </Form.Item>
            <Form.Item label="免打扰结束" name="quietEnd" rules={[{ required: true }]} extra="跨越午夜，如 21:00 – 09:00">
              <Select showSearch options={options} style={{ width: 160 }} data-testid="settings-quiet-end" />
            </Form.Item>
          </Space>
          <Form.Item label="每位客户每周最多收到" name="weeklyCapPerCustomer" rules={[{ required: true }]} extra="按北京时间周一至周日计算">
            <InputNumber min={1} max={20} precision={0} addonAfter="条旅程消息" data-testid="settings-weekly-cap" />
          </Form.Item>
          {!readOnly && (
            <Button type="primary" htmlType="submit" loading={saving} data-testid="settings-save">
              保存
            </Button>
          )}
          {readOnly && <Typography.Text type="secondary">只有总部管理员可以修改发送规则。</Typography.Text>}
        </Form>
      )}
    </Card>
  );
}
