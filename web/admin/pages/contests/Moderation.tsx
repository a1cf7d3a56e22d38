/**
 * Moderation queue: entries with their photos, text and the content-check hits (matched terms);
 * approve, reject with a reason the member sees, take an approved entry down, set a jury score.
 */
import { Link } from 'react-router-dom';
import { useState, type ReactNode } from 'react';
import { Alert, App, Button, Card, Empty, Image, Input, InputNumber, List, Modal, Segmented, Space, Tag, Typography } from 'antd';
import * as contest from '../../../../contracts/contest';
import { useAuth } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { AwardTag, HitTag, StatusTag } from './labels';
import { useLoad } from './util';

/** Where in the entry a content-check hit was found, as moderators say it. */
const FIELD_LABELS: Record<string, string> = { title: '标题', story: '故事', ingredients: '食材', steps: '做法', displayName: '署名', tips: '小贴士' };

type AdminEntry = contest.AdminEntry;
type Filter = 'pending' | 'approved' | 'rejected' | 'all';

const REASON_PRESETS = ['含联系方式或引流信息', '含广告法禁用的绝对化用语', '照片与菜品不符或不清晰', '内容与活动主题无关'];

export function ModerationTab({ contest: c, version, onChanged }: { contest: contest.AdminContest; version: number; onChanged(): void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [filter, setFilter] = useState<Filter>('pending');
  const [page, setPage] = useState(1);
  const [busyId, setBusyId] = useState<number | null>(null);
  const [rejecting, setRejecting] = useState<AdminEntry | null>(null);
  const list = useLoad(
    () =>
      api.call(contest.adminListEntries, {
        params: { contestId: c.id },
        query: { page, pageSize: 10, status: filter === 'all' ? undefined : filter },
      }),
    [api, c.id, filter, page, version],
  );

  const replace = (e: AdminEntry) => {
    list.setData((d) => (d ? { ...d, items: d.items.map((x) => (x.id === e.id ? e : x)) } : d));
  };

  async function approve(e: AdminEntry) {
    setBusyId(e.id);
    try {
      replace(await api.call(contest.adminReviewEntry, { params: { entryId: e.id }, body: { decision: 'approve' } }));
      message.success(`已通过「${e.title}」`);
      onChanged();
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setBusyId(null);
    }
  }

  async function setJury(e: AdminEntry, score: number | null) {
    if (score === null) return;
    try {
      replace(await api.call(contest.adminSetJuryScore, { params: { entryId: e.id }, body: { score } }));
      message.success('评审分已保存');
    } catch (err) {
      message.error(errorMessage(err));
    }
  }

  const closed = c.status === 'closed';
  return (
    <div data-testid="moderation">
      <Space style={{ marginBottom: 16 }} wrap>
        <Segmented<Filter>
          value={filter}
          onChange={(v) => {
            setFilter(v);
            setPage(1);
          }}
          options={[
            { label: `待审核（${c.counts.pending}）`, value: 'pending' },
            { label: `已通过（${c.counts.approved}）`, value: 'approved' },
            { label: `未通过（${c.counts.rejected}）`, value: 'rejected' },
            { label: '全部', value: 'all' },
          ]}
          data-testid="moderation-filter"
        />
        <Button onClick={() => void list.reload()}>刷新</Button>
      </Space>
      {list.error && <Alert type="error" showIcon message={list.error} style={{ marginBottom: 16 }} />}
      <List<AdminEntry>
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: <Empty description={filter === 'pending' ? '没有待审核的作品' : '没有作品'} /> }}
        pagination={(list.data?.total ?? 0) > 10 ? { current: page, pageSize: 10, total: list.data?.total ?? 0, onChange: setPage, size: 'small' } : false}
        renderItem={(e) => (
          <List.Item key={e.id} style={{ display: 'block' }}>
            <EntryCard
              entry={e}
              juryEnabled={c.juryWeight > 0 && !closed}
              actions={
                <Space wrap>
                  {e.status === 'pending' && (
                    <>
                      <Button type="primary" loading={busyId === e.id} onClick={() => approve(e)} data-testid={`approve-${e.id}`}>
                        通过
                      </Button>
                      <Button danger onClick={() => setRejecting(e)} data-testid={`reject-${e.id}`}>
                        驳回
                      </Button>
                    </>
                  )}
                  {e.status === 'approved' && !closed && (
                    <Button danger onClick={() => setRejecting(e)} data-testid={`takedown-${e.id}`}>
                      撤下
                    </Button>
                  )}
                </Space>
              }
              onJury={(score) => setJury(e, score)}
            />
          </List.Item>
        )}
      />
      <RejectModal
        entry={rejecting}
        onClose={() => setRejecting(null)}
        onDone={(e) => {
          setRejecting(null);
          replace(e);
          onChanged();
        }}
      />
    </div>
  );
}

function EntryCard({
  entry: e,
  actions,
  juryEnabled,
  onJury,
}: {
  entry: AdminEntry;
  actions: ReactNode;
  juryEnabled: boolean;
  onJury(score: number | null): void;
}) {
  const [jury, setJury] = useState<number | null>(e.juryScore);
  return (
    <Card
      size="small"
      data-testid={`mod-entry-${e.id}`}
      title={
        <Space wrap>
          <span>
            #{e.id} {e.title}
          </span>
          <StatusTag status={e.status} />
          {e.autoApproved && <Tag color="cyan">自动通过</Tag>}
          <AwardTag award={e.award} />
        </Space>
      }
      extra={actions}
    >
      <Space direction="vertical" style={{ width: '100%' }} size={8}>
        <Typography.Text type="secondary">
          署名「{e.displayName}」· <Link to={`/members/${e.memberId}`}>会员资料</Link> · 提交 {formatDateTime(e.createdAt)} · 更新 {formatDateTime(e.updatedAt)}
          {e.status === 'approved' ? ` · ${e.voteCount} 票` : ''}
        </Typography.Text>
        <div data-testid={`hits-${e.id}`}>
          {e.checkHits.length === 0 ? (
            <Tag color="green">内容检查未发现问题</Tag>
          ) : (
            <>
              <Typography.Text strong type="danger">
                内容检查命中 {e.checkHits.length} 处：
              </Typography.Text>
              <div style={{ marginTop: 4 }}>
                {e.checkHits.map((h, i) => (
                  <HitTag key={i} hit={h} />
                ))}
              </div>
              <ul style={{ margin: '4px 0 0', paddingLeft: 20, fontSize: 12, color: '#8c8c8c' }}>
                {e.checkHits.map((h, i) => (
                  <li key={i}>
                    {FIELD_LABELS[h.field.replace(/\[\d+\]$/, '')] ?? '内容'}：…{h.excerpt}…
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
        {e.photos.length > 0 && (
          <Image.PreviewGroup>
            <Space wrap>
              {e.photos.map((p) => (
                <Image key={p.uploadId} src={p.thumbUrl} preview={{ src: p.url }} width={96} height={96} style={{ objectFit: 'cover', borderRadius: 6 }} />
              ))}
            </Space>
          </Image.PreviewGroup>
        )}
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} ellipsis={{ rows: 3, expandable: true, symbol: '展开' }}>
          {e.story}
        </Typography.Paragraph>
        <Typography.Text>
          <b>食材：</b>
          {e.ingredients.join('、')}
        </Typography.Text>
        <div>
          <b>做法：</b>
          <ol style={{ margin: 0, paddingLeft: 20 }}>
            {e.steps.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ol>
        </div>
        {e.status === 'rejected' && e.rejectReason && (
          <Alert type="error" showIcon message={`驳回原因（会员可见）：${e.rejectReason}`} data-testid={`reject-reason-${e.id}`} />
        )}
        {e.reviewedByName && (
          <Typography.Text type="secondary">
            {e.reviewedByName} 于 {formatDateTime(e.reviewedAt)} 审核
          </Typography.Text>
        )}
        {(e.flaggedVoteCount > 0 || e.voidedVoteCount > 0) && (
          <Typography.Text type="warning">
            可疑票 {e.flaggedVoteCount} · 已作废 {e.voidedVoteCount}
          </Typography.Text>
        )}
        {juryEnabled && e.status === 'approved' && (
          <Space>
            <span>评审分</span>
            <InputNumber min={0} max={100} precision={0} value={jury} onChange={(v) => setJury(v)} />
            <Button size="small" onClick={() => onJury(jury)}>
              保存评审分
            </Button>
          </Space>
        )}
      </Space>
    </Card>
  );
}

function RejectModal({ entry, onClose, onDone }: { entry: AdminEntry | null; onClose(): void; onDone(e: AdminEntry): void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const takedown = entry?.status === 'approved';

  async function submit() {
    if (!entry) return;
    if (reason.trim().length < 2) {
      setError('请填写原因（会展示给会员）');
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const e = await api.call(contest.adminReviewEntry, { params: { entryId: entry.id }, body: { decision: 'reject', reason: reason.trim() } });
      message.success(takedown ? '已撤下' : '已驳回');
      setReason('');
      onDone(e);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={!!entry}
      title={entry ? `${takedown ? '撤下' : '驳回'}「${entry.title}」` : ''}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      onOk={submit}
      okText={takedown ? '确认撤下' : '确认驳回'}
      okButtonProps={{ danger: true, loading: saving, 'data-testid': 'reject-confirm' } as never}
      cancelText="取消"
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">原因会展示在会员的「我的作品」里，请写清楚哪里需要修改。</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 8 }}>
        {REASON_PRESETS.map((r) => (
          <Tag key={r} style={{ cursor: 'pointer' }} onClick={() => setReason(r)}>
            {r}
          </Tag>
        ))}
      </Space>
      <Input.TextArea rows={3} maxLength={200} showCount value={reason} onChange={(ev) => setReason(ev.target.value)} data-testid="reject-reason" />
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 8 }} />}
    </Modal>
  );
}
