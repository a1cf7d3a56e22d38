import { useState } from 'react';
import { Alert, Button, Card, Form, Input } from 'antd';
import * as org from '../../../contracts/org';
import { useAuth } from '../auth';
import { errorMessage } from '../../shared/api';

/** Staff change their own password; `forced` after a generated or reset one (nothing else opens until then). */
export function ChangePasswordCard({ forced, onDone }: { forced?: boolean; onDone?: () => void }) {
  const { api, retry } = useAuth();
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<{ currentPassword: string; newPassword: string; confirm: string }>();

  const submit = async (v: { currentPassword: string; newPassword: string; confirm: string }) => {
    setSaving(true);
    setError(null);
    try {
      await api.call(org.changeOwnPassword, { body: { currentPassword: v.currentPassword, newPassword: v.newPassword } });
      form.resetFields();
      onDone?.();
      retry();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card title="修改密码" style={{ maxWidth: 480 }} data-testid="change-password">
      {forced ? <Alert type="warning" showIcon message="这是系统生成的初始密码，请先设置自己的新密码" style={{ marginBottom: 16 }} /> : null}
      {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="currentPassword" label="当前密码" rules={[{ required: true, message: '请输入当前密码' }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item name="newPassword" label="新密码" rules={[{ required: true, min: 10, message: '新密码至少10位，需同时包含字母和数字' }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label="再次输入新密码"
          dependencies={['newPassword']}
          rules={[
            { required: true, message: '请再次输入新密码' },
            ({ getFieldValue }) => ({
              validator: (_, v) => (v === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error('两次输入的新密码不一致'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={saving} data-testid="change-password-submit">
          保存新密码
        </Button>
      </Form>
    </Card>
  );
}
