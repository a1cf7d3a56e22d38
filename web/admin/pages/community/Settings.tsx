/** 群发规则: quiet hours and the default weekly cap per group (HQ edits). */
import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, InputNumber, Typography } from 'antd';
import * as community from '../../../../contracts/community';
import { useAuth, useStaff } from '../../auth';
import { errorMessage } from '../../../shared/api';

export function CommunitySettingsPage() {
  const { api } = useAuth();
  const staff = useStaff();
  const { message } = App.useApp();
  const [s, setS] = useState<community.CommunitySettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const readOnly = staff.role !== 'hq_admin';
  useEffect(() => {
    api.call(community.getCommunitySettings).then(setS, (err) => setError(errorMessage(err)));
  }, [api]);
  async function save() {
    if (!s) return;
    try {
      setS(await api.call(community.updateCommunitySettings, { body: s }));
      message.success('群发规则已保存');
    } catch (err) {
      message.error(errorMessage(err));
    }
  }
  return (
    <Card title="群发规则" style={{ maxWidth: 640 }} data-testid="community-settings">
      <Typography.Paragraph type="secondary">
        客户群的定时群发在免打扰时段内确认的，顺延到免打扰结束再提交企业微信；每个群每周（北京时间周一至周日）最多的群发条数可在群设置中单独调整。
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} />}
      {s && (
        <Form layout="vertical" disabled={readOnly}>
          <Form.Item label="免打扰开始（HH:MM）">
            <Input
              value={s.quietStart}
              onChange={(e) => setS({ ...s, quietStart: e.target.value })}
              style={{ width: 120 }}
              data-testid="community-quiet-start"
            />
          </Form.Item>
          <Form.Item label="免打扰结束（HH:MM，开始与结束相同表示不设免打扰）">
            <Input value={s.quietEnd} onChange={(e) => setS({ ...s, quietEnd: e.target.value })} style={{ width: 120 }} data-testid="community-quiet-end" />
          </Form.Item>
          <Form.Item label="每群每周默认上限（条）">
            <InputNumber min={0} max={21} value={s.defaultWeeklyCap} onChange={(v) => setS({ ...s, defaultWeeklyCap: Number(v ?? 0) })} />
          </Form.Item>
          {!readOnly && (
            <Button type="primary" onClick={save} data-testid="community-settings-save">
              保存
            </Button>
          )}
        </Form>
      )}
    </Card>
  );
}
