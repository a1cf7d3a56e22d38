/** 群发任务: the owners' group SOP tasks; the owner confirms with one tap (HQ can run the schedule "as of" a time outside production). */
import { useState } from 'react';
import { Alert, App, Button, Card, Input, Radio, Space, Tag, Typography } from 'antd';
import { DataTable } from '../../common/DataTable';
import * as community from '../../../../contracts/community';
import { useAuth, useStaff } from '../../auth';
import { useLoaded } from '../../common/useLoaded';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { beijingToIso } from './util';

const STATUS: Record<community.SopTaskView['status'], { label: string; color: string }> = {
  open: { label: '待确认', color: 'orange' },
  scheduled: { label: '已确认，免打扰后发出', color: 'blue' },
  sent: { label: '已提交企业微信', color: 'green' },
  skipped: { label: '已跳过', color: 'default' },
};

export function SopTasksPage() {
  const { api } = useAuth();
  const staff = useStaff();
  const { message } = App.useApp();
  const [status, setStatus] = useState<'' | community.SopTaskView['status']>('');
  const [tick, setTick] = useState(0);
  const [at, setAt] = useState('');
  const tasks = useLoaded(() => api.call(community.listSopTasks, { query: status ? { status } : {} }), [api, status, tick]);

  async function confirm(id: number) {
    try {
      const t = await api.call(community.confirmSopTask, { params: { taskId: id } });
      message.success(t.status === 'skipped' ? `未发送：${t.reason}` : '已确认，群发已提交到企业微信，请在企业微信中确认发送');
      setTick((x) => x + 1);
    } catch (err) {
      message.error(errorMessage(err));
    }
  }

  async function run() {
    try {
      const r = await api.call(community.runGroupSop, { body: at ? { at: beijingToIso(at) } : {} });
      message.success(`生成 ${r.created} 个任务，跳过 ${r.skipped} 个`);
      setTick((x) => x + 1);
    } catch (err) {
      message.error(errorMessage(err));
    }
  }

  return (
    <Card title="群发任务">
      <Space style={{ marginBottom: 12 }} wrap>
        <Radio.Group value={status} onChange={(e) => setStatus(e.target.value)}>
          <Radio.Button value="">全部</Radio.Button>
          <Radio.Button value="open">待确认</Radio.Button>
          <Radio.Button value="sent">已发送</Radio.Button>
          <Radio.Button value="skipped">已跳过</Radio.Button>
        </Radio.Group>
        {staff.role === 'hq_admin' && (
          <>
            <Input type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} style={{ width: 220 }} data-testid="sop-run-at" />
            <Button onClick={run} data-testid="sop-run">
              立即生成到期任务
            </Button>
          </>
        )}
      </Space>
      {tasks.error && <Alert type="error" showIcon message={tasks.error} />}
      <DataTable
        rowKey="id"
        loading={tasks.loading}
        dataSource={tasks.data?.items ?? []}
        pagination={false}
        data-testid="sop-tasks"
        columns={[
          { title: '客户群', render: (_, t) => t.groupName ?? t.chatId },
          { title: '任务', dataIndex: 'title' },
          { title: '计划时间', render: (_, t) => formatDateTime(t.slotAt) },
          { title: '内容', dataIndex: 'text', ellipsis: true },
          {
            title: '状态',
            render: (_, t) => (
              <Space direction="vertical" size={0}>
                <Tag color={STATUS[t.status].color} data-testid="sop-task-status">
                  {STATUS[t.status].label}
                </Tag>
                {t.reason && <Typography.Text type="secondary">{t.reason}</Typography.Text>}
                {t.sendAt && <Typography.Text type="secondary">发出：{formatDateTime(t.sendAt)}</Typography.Text>}
              </Space>
            ),
          },
          {
            title: '',
            render: (_, t) =>
              t.status === 'open' ? (
                <Button type="primary" size="small" onClick={() => confirm(t.id)} data-testid="sop-task-confirm">
                  确认发送
                </Button>
              ) : null,
          },
        ]}
      />
    </Card>
  );
}
