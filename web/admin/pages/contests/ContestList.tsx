/** All contests (drafts included) with their moderation and vote counts, plus the block list. */
import { useState, type HTMLAttributes } from 'react';
import { Alert, Badge, Button, Card, Input, Space, Tag, Typography, App } from 'antd';
import { DataTable } from '../../common/DataTable';
import { PlusOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import * as contest from '../../../../contracts/contest';
import { useAuth } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { ContestForm } from './ContestForm';
import { PhaseTag } from './labels';
import { useLoad } from './util';

type Row = contest.AdminContest;

export function ContestList({ onOpen }: { onOpen(id: number): void }) {
  const { api } = useAuth();
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const list = useLoad(() => api.call(contest.adminListContests, { query: { page, pageSize: 20 } }), [api, page]);

  const columns: ColumnsType<Row> = [
    { title: '主题', dataIndex: 'title', render: (v: string, r) => <Typography.Link onClick={() => onOpen(r.id)}>{v}</Typography.Link> },
    { title: '状态', dataIndex: 'phase', render: (_: unknown, r) => <PhaseTag contest={r} /> },
    {
      title: '征集 / 投票',
      render: (_: unknown, r) => (
        <div style={{ fontSize: 12 }}>
          <div>
            征集 {formatDateTime(r.submissionStartAt)} ~ {formatDateTime(r.submissionEndAt)}
          </div>
          <div>
            投票 {formatDateTime(r.voteStartAt)} ~ {formatDateTime(r.voteEndAt)}
          </div>
        </div>
      ),
    },
    {
      title: '待审核',
      render: (_: unknown, r) => <Badge count={r.counts.pending} showZero color={r.counts.pending ? '#d9480f' : '#bfbfbf'} />,
    },
    { title: '已展示', render: (_: unknown, r) => r.counts.approved },
    { title: '票数', render: (_: unknown, r) => r.counts.votes },
    {
      title: '异常',
      render: (_: unknown, r) =>
        r.counts.openFlags ? <Tag color="red">{r.counts.openFlags} 个待处理</Tag> : <Typography.Text type="secondary">无</Typography.Text>,
    },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title="菜谱大赛"
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="contest-create">
            新建活动
          </Button>
        }
      >
        {list.error && <Alert type="error" showIcon message={list.error} style={{ marginBottom: 16 }} />}
        <div data-testid="contest-table">
          <DataTable<Row>
            className="clickable-rows"
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={list.data?.items ?? []}
            loading={list.loading}
            scroll={{ x: 900 }}
            locale={{ emptyText: '还没有活动，点击「新建活动」开始' }}
            pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showTotal: (t) => `共 ${t} 个活动` }}
            onRow={(r) => ({ onClick: () => onOpen(r.id), 'data-testid': `contest-row-${r.id}` }) as HTMLAttributes<HTMLElement>}
          />
        </div>
      </Card>
      <BlockedWordsCard />
      <ContestForm
        open={creating}
        editing={null}
        onClose={() => setCreating(false)}
        onSaved={(c) => {
          setCreating(false);
          onOpen(c.id);
        }}
      />
    </Space>
  );
}

/** The editable block list the content check uses on top of the built-in rules. */
function BlockedWordsCard() {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [text, setText] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const words = useLoad(async () => {
    const res = await api.call(contest.adminGetBlockedWords);
    setText(res.words.join('\n'));
    return res;
  }, [api]);

  async function save() {
    setSaving(true);
    try {
      const list = (text ?? '')
        .split(/[\n,，]/)
        .map((w) => w.trim())
        .filter(Boolean);
      const res = await api.call(contest.adminSetBlockedWords, { body: { words: list } });
      words.setData(res);
      setText(res.words.join('\n'));
      message.success(`已保存 ${res.words.length} 个屏蔽词`);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Card
      title="屏蔽词"
      extra={
        <Button onClick={save} loading={saving} type="primary" ghost data-testid="blocked-save">
          保存屏蔽词
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">
        每行一个词（不区分大小写）。投稿和修改时，除内置的广告法极限词、联系方式、引流用语检查外，还会检查这些词；命中的词会在审核时标出。修改只影响之后的投稿。
      </Typography.Paragraph>
      {words.error && <Alert type="error" showIcon message={words.error} style={{ marginBottom: 16 }} />}
      <Input.TextArea
        rows={6}
        value={text ?? ''}
        disabled={text === null}
        onChange={(e) => setText(e.target.value)}
        placeholder={'例如：\n代购\n私聊'}
        data-testid="blocked-words"
      />
      <Typography.Text type="secondary">
        共 {words.data?.words.length ?? 0} 个{words.data?.updatedAt ? `，最近更新 ${formatDateTime(words.data.updatedAt)}` : ''}
      </Typography.Text>
    </Card>
  );
}
