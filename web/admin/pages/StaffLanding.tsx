/**
 * Landing for accounts whose tool is the WeCom sidebar (门店员工): says so, shows their open tasks
 * (the same list the sidebar shows) and how to open the sidebar.
 */
import { Alert, Card, List, Steps, Tag, Typography } from 'antd';
import * as journeys from '../../../contracts/journeys';
import { useAuth, useStaff } from '../auth';
import { useLoaded } from '../common/useLoaded';
import { formatDateTime } from '../../shared/time';

export function StaffLanding() {
  const staff = useStaff();
  const { api } = useAuth();
  const tasks = useLoaded(() => api.call(journeys.listSidebarTasks, { query: { status: 'open' } }), [api]);
  const now = Date.now();
  return (
    <div data-testid="staff-landing">
      <Card style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          你好，{staff.displayName}
        </Typography.Title>
        <Typography.Paragraph>
          门店员工的工作都在<b>企业微信侧边栏</b>
          里完成：在和客户的聊天窗口打开侧边栏，就能看到客户的会员信息、标签和动态，发送话术与素材，记录跟进，处理下面这些任务。运营后台只供店长和总部使用。
        </Typography.Paragraph>
        <Steps
          direction="vertical"
          size="small"
          current={-1}
          items={[
            { title: '在企业微信里打开与客户的单聊' },
            { title: '点击聊天输入框上方的「社区私域中枢」侧边栏' },
            { title: '按提示处理任务、发送话术、记录跟进' },
          ]}
        />
        {!staff.wecomUserId && <Alert type="warning" showIcon message="你的账号还没有绑定企业微信，侧边栏无法识别你，请联系店长或总部管理员绑定。" />}
      </Card>
      <Card title="我的待办任务" data-testid="staff-landing-tasks">
        {tasks.error ? (
          <Alert type="error" showIcon message={tasks.error} />
        ) : (
          <List
            loading={tasks.loading && !tasks.data}
            locale={{ emptyText: '暂无待办任务' }}
            dataSource={tasks.data?.items ?? []}
            renderItem={(t) => (
              <List.Item>
                <List.Item.Meta
                  title={
                    <>
                      {t.title} {Date.parse(t.dueAt) < now ? <Tag color="red">已逾期</Tag> : null}
                    </>
                  }
                  description={`客户：${t.customerName ?? '未命名客户'} · ${t.journeyName ?? '手动任务'} · ${formatDateTime(t.dueAt)} 前`}
                />
              </List.Item>
            )}
          />
        )}
      </Card>
    </div>
  );
}
