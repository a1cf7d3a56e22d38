/** One contest: its settings (edit, publish), and tabs for moderation, votes, ranking/winners, audit. */
import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Popconfirm, Result, Skeleton, Space, Tabs, Typography } from 'antd';
import { ArrowLeftOutlined, ReloadOutlined } from '@ant-design/icons';
import * as contest from '../../../../contracts/contest';
import { useAuth } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { ContestForm } from './ContestForm';
import { PhaseTag } from './labels';
import { ModerationTab } from './Moderation';
import { VotesTab } from './Votes';
import { RankingTab } from './Ranking';
import { AuditTab } from './Audit';
import { useLoad } from './util';

export function ContestDetail({ contestId, onBack }: { contestId: number; onBack(): void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [editing, setEditing] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [tab, setTab] = useState('moderation');
  // Children bump this after an action that changes the counts shown in the header.
  const [version, setVersion] = useState(0);
  const c = useLoad(() => api.call(contest.adminGetContest, { params: { contestId } }), [api, contestId, version]);
  const refresh = () => setVersion((v) => v + 1);

  if (c.error && !c.data) {
    return (
      <Result
        status="warning"
        title="活动加载失败"
        subTitle={c.error}
        extra={
          <Space>
            <Button onClick={onBack}>返回列表</Button>
            <Button type="primary" onClick={() => void c.reload()}>
              重试
            </Button>
          </Space>
        }
      />
    );
  }
  if (!c.data) return <Skeleton active />;
  const data = c.data;

  async function publish() {
    setPublishing(true);
    try {
      c.setData(await api.call(contest.adminPublishContest, { params: { contestId } }));
      message.success('已发布，会员现在可以看到这个活动');
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setPublishing(false);
    }
  }

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="contest-detail">
      <Card
        title={
          <Space>
            <Button type="text" icon={<ArrowLeftOutlined />} onClick={onBack} data-testid="contest-back" />
            <span data-testid="contest-detail-title">{data.title}</span>
            <PhaseTag contest={data} />
          </Space>
        }
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={refresh} data-testid="contest-refresh">
              刷新
            </Button>
            {data.status !== 'closed' && (
              <Button onClick={() => setEditing(true)} data-testid="contest-edit">
                编辑设置
              </Button>
            )}
            {data.status === 'draft' && (
              <Popconfirm title="发布后会员即可看到活动，确定发布？" okText="发布" cancelText="取消" onConfirm={publish}>
                <Button type="primary" loading={publishing} data-testid="contest-publish">
                  发布
                </Button>
              </Popconfirm>
            )}
          </Space>
        }
      >
        {data.status === 'draft' && <Alert type="info" showIcon message="草稿：会员还看不到这个活动，确认设置后点击「发布」。" style={{ marginBottom: 16 }} />}
        {data.phase === 'counting' && (
          <Alert type="warning" showIcon message="投票已结束，系统正在计票；结束任务完成后排名锁定，即可确认获奖作品。" style={{ marginBottom: 16 }} />
        )}
        <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }} bordered>
          <Descriptions.Item label="征集时间">
            {formatDateTime(data.submissionStartAt)} ~ {formatDateTime(data.submissionEndAt)}
          </Descriptions.Item>
          <Descriptions.Item label="投票时间">
            {formatDateTime(data.voteStartAt)} ~ {formatDateTime(data.voteEndAt)}
          </Descriptions.Item>
          <Descriptions.Item label="每人每天票数">{data.votesPerDay}</Descriptions.Item>
          <Descriptions.Item label="评审分权重">{data.juryWeight ? `${data.juryWeight}%` : '不设评审（只看票数）'}</Descriptions.Item>
          <Descriptions.Item label="自动通过">{data.autoApproveClean ? '无风险作品自动通过' : '全部人工审核'}</Descriptions.Item>
          <Descriptions.Item label="结束时间">{data.closedAt ? formatDateTime(data.closedAt) : '—'}</Descriptions.Item>
          <Descriptions.Item label="作品">
            <span data-testid="contest-counts">
              待审核 {data.counts.pending} · 已通过 {data.counts.approved} · 未通过 {data.counts.rejected}
            </span>
          </Descriptions.Item>
          <Descriptions.Item label="投票">
            共 {data.counts.votes} 票 · 可疑 {data.counts.flaggedVotes} 票 · 待处理异常 {data.counts.openFlags}
          </Descriptions.Item>
          <Descriptions.Item label="奖项">{data.prizeText || '—'}</Descriptions.Item>
        </Descriptions>
        <Typography.Paragraph style={{ marginTop: 16, whiteSpace: 'pre-wrap' }} ellipsis={{ rows: 3, expandable: true, symbol: '展开规则' }}>
          {data.rulesText}
        </Typography.Paragraph>
      </Card>

      <Card>
        <Tabs
          activeKey={tab}
          onChange={setTab}
          destroyOnHidden
          items={[
            {
              key: 'moderation',
              label: <span data-testid="tab-moderation">审核{data.counts.pending ? `（${data.counts.pending}）` : ''}</span>,
              children: <ModerationTab contest={data} version={version} onChanged={refresh} />,
            },
            {
              key: 'votes',
              label: <span data-testid="tab-votes">投票监控{data.counts.openFlags ? `（${data.counts.openFlags}）` : ''}</span>,
              children: <VotesTab contest={data} version={version} onChanged={refresh} />,
            },
            {
              key: 'ranking',
              label: <span data-testid="tab-ranking">排名与获奖</span>,
              children: <RankingTab contest={data} version={version} onChanged={refresh} />,
            },
            { key: 'audit', label: <span data-testid="tab-audit">操作记录</span>, children: <AuditTab contestId={data.id} version={version} /> },
          ]}
        />
      </Card>

      <ContestForm
        open={editing}
        editing={data}
        onClose={() => setEditing(false)}
        onSaved={(saved) => {
          setEditing(false);
          c.setData(saved);
          message.success('已保存');
        }}
      />
    </Space>
  );
}
