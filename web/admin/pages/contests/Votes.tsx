/**
 * Vote monitoring: burst flags (many votes from new accounts on one entry), the votes themselves
 * with their flags (new account / burst), and voiding — the tally drops and the void is audited.
 */
import { useState } from 'react';
import { Alert, App, Button, Card, Input, Modal, Segmented, Space, Tag, Typography } from 'antd';
import { DataTable } from '../../common/DataTable';
import type { ColumnsType } from 'antd/es/table';
import * as contest from '../../../../contracts/contest';
import { useAuth } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { useLoad } from './util';

type Vote = contest.AdminVote;
type Flag = contest.VoteFlag;
type VoteFilter = 'all' | 'flagged' | 'voided';

const REASON_LABELS: Record<(typeof contest.VOTE_FLAG_REASONS)[number], string> = { new_account: '投票期内新注册', burst: '集中投票' };

type VoidTarget = { kind: 'ids'; ids: number[] } | { kind: 'entry'; entryId: number; title: string };

export function VotesTab({ contest: c, version: outer, onChanged }: { contest: contest.AdminContest; version: number; onChanged(): void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [filter, setFilter] = useState<VoteFilter>('flagged');
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<number[]>([]);
  const [voiding, setVoiding] = useState<VoidTarget | null>(null);
  const [version, setVersion] = useState(0);
  const flags = useLoad(() => api.call(contest.adminListFlags, { params: { contestId: c.id } }), [api, c.id, version, outer]);
  const votes = useLoad(
    () =>
      api.call(contest.adminListVotes, {
        params: { contestId: c.id },
        query: {
          page,
          pageSize: 20,
          flagged: filter === 'flagged' ? 'true' : undefined,
          voided: filter === 'voided' ? 'true' : undefined,
        },
      }),
    [api, c.id, filter, page, version, outer],
  );
  const closed = c.status === 'closed';

  async function resolve(flag: Flag) {
    try {
      await api.call(contest.adminResolveFlag, { params: { flagId: flag.id }, body: { note: '已核查' } });
      message.success('已标记为已处理');
      setVersion((v) => v + 1);
      onChanged();
    } catch (err) {
      message.error(errorMessage(err));
    }
  }

  const flagColumns: ColumnsType<Flag> = [
    { title: '作品', dataIndex: 'entryTitle', render: (v: string) => v },
    { title: '异常', dataIndex: 'label', render: (v: string) => <Tag color="red">{v}</Tag> },
    { title: '票数', dataIndex: 'voteCount' },
    { title: '窗口开始', dataIndex: 'windowStart', render: formatDateTime },
    { title: '发现时间', dataIndex: 'raisedAt', render: formatDateTime },
    {
      title: '状态',
      dataIndex: 'status',
      render: (s: Flag['status'], f) => (s === 'open' ? <Tag color="orange">待处理</Tag> : <Tag>已处理{f.resolvedNote ? `：${f.resolvedNote}` : ''}</Tag>),
    },
    {
      title: '操作',
      render: (_: unknown, f) =>
        f.status === 'open' ? (
          <Space>
            {!closed && (
              <Button
                size="small"
                danger
                onClick={() => setVoiding({ kind: 'entry', entryId: f.entryId, title: f.entryTitle })}
                data-testid={`flag-void-${f.id}`}
              >
                作废该作品的可疑票
              </Button>
            )}
            <Button size="small" onClick={() => resolve(f)} data-testid={`flag-resolve-${f.id}`}>
              标记已处理
            </Button>
          </Space>
        ) : null,
    },
  ];

  const voteColumns: ColumnsType<Vote> = [
    { title: '票', dataIndex: 'id', render: (v: number) => `#${v}` },
    { title: '作品', dataIndex: 'entryTitle', render: (v: string | undefined, r) => v ?? `作品 ${r.entryId}` },
    { title: '投票会员', dataIndex: 'memberName', render: (v: string | undefined) => v ?? '会员' },
    { title: '日期', dataIndex: 'day' },
    { title: '时间', dataIndex: 'createdAt', render: formatDateTime },
    {
      title: '标记',
      dataIndex: 'flagReasons',
      render: (r: Vote['flagReasons']) =>
        r.length
          ? r.map((x) => (
              <Tag key={x} color="orange">
                {REASON_LABELS[x]}
              </Tag>
            ))
          : '—',
    },
    { title: 'IP', dataIndex: 'ipMasked', render: (v: string | null) => v ?? '—' },
    {
      title: '状态',
      dataIndex: 'voided',
      render: (v: boolean, row) =>
        v ? (
          <Tag color="default" title={row.voidReason ?? ''}>
            已作废 {formatDateTime(row.voidedAt)}
          </Tag>
        ) : (
          <Tag color="green">有效</Tag>
        ),
    },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="votes-tab">
      <Card size="small" title="异常提醒">
        <Typography.Paragraph type="secondary">
          同一作品在 10 分钟内收到大量「投票期内新注册账号」的票时会在这里提醒。新账号的票照常计入，核实为异常后可作废；作废会从票数中扣除并记入操作记录。
        </Typography.Paragraph>
        {flags.error && <Alert type="error" showIcon message={flags.error} />}
        <DataTable<Flag>
          rowKey="id"
          size="small"
          columns={flagColumns}
          dataSource={flags.data?.items ?? []}
          loading={flags.loading}
          pagination={false}
          locale={{ emptyText: '暂无异常' }}
          data-testid="flags-table"
        />
      </Card>
      <Card
        size="small"
        title="投票记录"
        extra={
          !closed && (
            <Button danger disabled={selected.length === 0} onClick={() => setVoiding({ kind: 'ids', ids: selected })} data-testid="votes-void-selected">
              作废所选（{selected.length}）
            </Button>
          )
        }
      >
        <Segmented<VoteFilter>
          value={filter}
          onChange={(v) => {
            setFilter(v);
            setPage(1);
            setSelected([]);
          }}
          options={[
            { label: '可疑的票', value: 'flagged' },
            { label: '已作废', value: 'voided' },
            { label: '全部', value: 'all' },
          ]}
          style={{ marginBottom: 12 }}
          data-testid="votes-filter"
        />
        {votes.error && <Alert type="error" showIcon message={votes.error} />}
        <DataTable<Vote>
          rowKey="id"
          size="small"
          columns={voteColumns}
          dataSource={votes.data?.items ?? []}
          loading={votes.loading}
          rowSelection={
            closed
              ? undefined
              : {
                  selectedRowKeys: selected,
                  onChange: (keys) => setSelected(keys.map(Number)),
                  getCheckboxProps: (v) => ({ disabled: v.voided }),
                }
          }
          pagination={{ current: page, pageSize: 20, total: votes.data?.total ?? 0, onChange: setPage, size: 'small', showTotal: (t) => `共 ${t} 票` }}
          locale={{ emptyText: filter === 'flagged' ? '没有可疑的票' : '暂无投票' }}
          data-testid="votes-table"
        />
      </Card>
      <VoidModal
        contestId={c.id}
        target={voiding}
        onClose={() => setVoiding(null)}
        onDone={(n) => {
          setVoiding(null);
          setSelected([]);
          message.success(n ? `已作废 ${n} 票，票数已更新` : '这些票已作废过，无变化');
          setVersion((v) => v + 1);
          onChanged();
        }}
      />
    </Space>
  );
}

function VoidModal({ contestId, target, onClose, onDone }: { contestId: number; target: VoidTarget | null; onClose(): void; onDone(voided: number): void }) {
  const { api } = useAuth();
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit() {
    if (!target) return;
    if (reason.trim().length < 2) {
      setError('请填写作废原因');
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const body =
        target.kind === 'ids' ? { voteIds: target.ids, reason: reason.trim() } : { entryId: target.entryId, allFlagged: true as const, reason: reason.trim() };
      const res = await api.call(contest.adminVoidVotes, { params: { contestId }, body });
      setReason('');
      onDone(res.voided);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={!!target}
      title={target?.kind === 'entry' ? `作废「${target.title}」的全部可疑票` : `作废所选 ${target?.kind === 'ids' ? target.ids.length : 0} 票`}
      onCancel={onClose}
      onOk={submit}
      okText="确认作废"
      okButtonProps={{ danger: true, loading: saving, 'data-testid': 'void-confirm' } as never}
      cancelText="取消"
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">作废后票数立即扣除，操作会记录在案。</Typography.Paragraph>
      <Input.TextArea
        rows={2}
        maxLength={200}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        placeholder="例如：同一时段大量新账号集中投票"
        data-testid="void-reason"
      />
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 8 }} />}
    </Modal>
  );
}
