/**
 * 反馈收件箱: every rating and 意见箱 note, sorted by the classifier (topics, sentiment, the matched
 * words), filtered by status / topic / sentiment. The drawer shows the member's history beside the
 * note and the actions: assign, answer (through the member's clerk in WeCom, or in the
 * mini-program only), resolve, publish as 「你说我改」.
 */
import { useState } from 'react';
import { Alert, App, Button, Descriptions, Divider, Drawer, Empty, Form, Image, Input, List, Radio, Select, Space, Tag, Typography } from 'antd';
import { DataTable } from '../../common/DataTable';
import type { ColumnsType } from 'antd/es/table';
import * as F from '../../../../contracts/feedback';
import { useAuth } from '../../auth';
import { useLoaded } from '../../common/useLoaded';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { SentimentTag, stars, TopicTags } from './labels';

type Row = F.FeedbackView;

export function InboxPage() {
  const { api } = useAuth();
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<string | undefined>();
  const [topic, setTopic] = useState<F.Topic | undefined>();
  const [sentiment, setSentiment] = useState<F.Sentiment | undefined>();
  const [openId, setOpenId] = useState<number | null>(null);
  const [reload, setReload] = useState(0);
  const list = useLoaded(
    () => api.call(F.listFeedback, { query: { page, pageSize: 20, status: status as Row['status'] | undefined, topic, sentiment } }),
    [api, page, status, topic, sentiment, reload],
  );
  const columns: ColumnsType<Row> = [
    { title: '时间', dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
    { title: '来源', dataIndex: 'source', width: 90, render: (v: Row['source']) => F.SOURCE_LABELS[v] },
    { title: '会员', render: (_, r) => (r.memberName ? `${r.memberName}${r.memberTier ? `（${r.memberTier}）` : ''}` : '—'), width: 140 },
    { title: '门店', dataIndex: 'storeName', width: 90, render: (v: string | null) => v ?? '—' },
    { title: '评分', dataIndex: 'rating', width: 100, render: (v: number | null) => stars(v) },
    {
      title: '内容',
      render: (_, r) => (
        <Space direction="vertical" size={2}>
          {r.title && <Typography.Text type="secondary">{r.title}</Typography.Text>}
          <span data-testid={`fb-comment-${r.id}`}>{r.comment ?? '（无文字）'}</span>
          {r.photos.length > 0 && (
            <Tag color="blue" data-testid={`fb-photo-count-${r.id}`}>
              {r.photos.length}张照片
            </Tag>
          )}
        </Space>
      ),
    },
    { title: '分类', width: 170, render: (_, r) => <TopicTags topics={r.topics} testId={`fb-topics-${r.id}`} /> },
    { title: '情绪', width: 70, render: (_, r) => <SentimentTag s={r.sentiment} /> },
    {
      title: '状态',
      width: 90,
      render: (_, r) => (
        <Tag data-testid={`fb-status-${r.id}`}>
          {F.STATUS_LABELS[r.status]}
          {r.published ? '·已公示' : ''}
        </Tag>
      ),
    },
    {
      title: '',
      width: 70,
      render: (_, r) => (
        <Button size="small" onClick={() => setOpenId(r.id)} data-testid={`fb-open-${r.id}`}>
          处理
        </Button>
      ),
    },
  ];
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          placeholder="状态"
          style={{ width: 120 }}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={F.FEEDBACK_STATUSES.map((s) => ({ value: s, label: F.STATUS_LABELS[s] }))}
        />
        <Select
          allowClear
          placeholder="分类"
          style={{ width: 120 }}
          value={topic}
          onChange={(v) => {
            setTopic(v);
            setPage(1);
          }}
          options={F.TOPICS.map((t) => ({ value: t, label: F.TOPIC_LABELS[t] }))}
        />
        <Select
          allowClear
          placeholder="情绪"
          style={{ width: 120 }}
          value={sentiment}
          onChange={(v) => {
            setSentiment(v);
            setPage(1);
          }}
          options={F.SENTIMENTS.map((s) => ({ value: s, label: F.SENTIMENT_LABELS[s] }))}
        />
      </Space>
      {list.error && <Alert type="error" showIcon message={list.error} style={{ marginBottom: 12 }} />}
      <DataTable<Row>
        rowKey="id"
        size="middle"
        loading={list.loading}
        columns={columns}
        dataSource={list.data?.items ?? []}
        onRow={(r) => ({ 'data-testid': `fb-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        locale={{ emptyText: <Empty description="暂无反馈" /> }}
      />
      {openId !== null && <FeedbackDrawer id={openId} onClose={() => setOpenId(null)} onChanged={() => setReload((n) => n + 1)} />}
    </>
  );
}

function FeedbackDrawer({ id, onClose, onChanged }: { id: number; onClose: () => void; onChanged: () => void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [version, setVersion] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const d = useLoaded(() => api.call(F.getFeedback, { params: { feedbackId: id } }), [api, id, version]);
  const [answerForm] = Form.useForm<{ text: string; via: 'clerk' | 'miniprogram' }>();
  const [publishForm] = Form.useForm<{ said: string; changed: string }>();

  async function act(what: string, run: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await run();
      message.success(what);
      setVersion((v) => v + 1);
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const f = d.data;
  return (
    <Drawer open width={640} title="处理反馈" onClose={onClose} destroyOnHidden>
      {d.error && <Alert type="error" showIcon message={d.error} />}
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="fb-error" />}
      {f && (
        <div data-testid="fb-detail">
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label="会员">{f.memberName ? `${f.memberName}（${f.memberTier}）` : '—'}</Descriptions.Item>
            <Descriptions.Item label="来源">
              {F.SOURCE_LABELS[f.source]}
              {f.title ? ` · ${f.title}` : ''}
            </Descriptions.Item>
            <Descriptions.Item label="评分">
              {stars(f.rating)}
              {f.recommend !== null ? `\u3000推荐意愿 ${f.recommend}/10` : ''}
            </Descriptions.Item>
            <Descriptions.Item label="内容">{f.comment ?? '（无文字）'}</Descriptions.Item>
            {f.photos.length > 0 && (
              <Descriptions.Item label="照片">
                <Image.PreviewGroup>
                  <Space data-testid="fb-detail-photos">
                    {f.photos.map((p) => (
                      <Image key={p.url} width={88} height={88} style={{ objectFit: 'cover' }} src={p.thumbUrl} preview={{ src: p.url }} alt="会员上传的照片" />
                    ))}
                  </Space>
                </Image.PreviewGroup>
              </Descriptions.Item>
            )}
            <Descriptions.Item label="分类">
              <TopicTags topics={f.topics} testId="fb-detail-topics" /> <SentimentTag s={f.sentiment} />
              {f.matched.length > 0 && <Typography.Text type="secondary">命中：{f.matched.join('、')}</Typography.Text>}
            </Descriptions.Item>
            <Descriptions.Item label="状态">
              <span data-testid="fb-detail-status">{F.STATUS_LABELS[f.status]}</span>
              {f.assigneeName ? ` · 负责人 ${f.assigneeName}` : ''}
              {f.published ? ' · 已公示' : ''}
            </Descriptions.Item>
            {f.answer && (
              <Descriptions.Item label="回复">
                <span data-testid="fb-detail-answer">{f.answer}</span>（{f.answeredVia === 'clerk' ? '由店员企微转达' : '小程序内回复'} ·{' '}
                {formatDateTime(f.answeredAt)}）
              </Descriptions.Item>
            )}
          </Descriptions>

          <Divider orientation="left">分派</Divider>
          <Space>
            <Select
              style={{ width: 220 }}
              placeholder="选择本店员工"
              value={f.assigneeId ?? undefined}
              options={f.assignable.map((s) => ({ value: s.id, label: s.name }))}
              onChange={(staffId: number) => act('已分派', () => api.call(F.assignFeedback, { params: { feedbackId: id }, body: { staffId } }))}
              data-testid="fb-assign"
              disabled={busy}
            />
          </Space>

          <Divider orientation="left">回复会员</Divider>
          <Form
            form={answerForm}
            layout="vertical"
            initialValues={{ via: f.clerk ? 'clerk' : 'miniprogram', text: '' }}
            onFinish={(v) => act('已回复', () => api.call(F.answerFeedback, { params: { feedbackId: id }, body: v }))}
          >
            <Form.Item name="via" label="回复方式">
              <Radio.Group>
                <Radio value="clerk" disabled={!f.clerk} data-testid="fb-via-clerk">
                  由店员{f.clerk ? `「${f.clerk.name}」` : ''}在企微私聊转达
                </Radio>
                <Radio value="miniprogram" data-testid="fb-via-mp">
                  只在小程序「我的反馈」回复
                </Radio>
              </Radio.Group>
            </Form.Item>
            <Form.Item name="text" rules={[{ required: true, whitespace: true, message: '请填写回复内容' }]}>
              <Input.TextArea rows={3} maxLength={500} placeholder="会员会在小程序「我的反馈」看到这条回复" data-testid="fb-answer-text" />
            </Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" loading={busy} data-testid="fb-answer-submit">
                发送回复
              </Button>
              <Button
                onClick={() => act('已标记解决', () => api.call(F.resolveFeedback, { params: { feedbackId: id } }))}
                disabled={busy || f.status === 'resolved'}
                data-testid="fb-resolve"
              >
                标记已解决
              </Button>
            </Space>
          </Form>

          <Divider orientation="left">公示到「你说我改」</Divider>
          <Form
            form={publishForm}
            layout="vertical"
            onFinish={(v) => act('已公示', () => api.call(F.publishFeedback, { params: { feedbackId: id }, body: v }))}
          >
            <Form.Item name="said" label="你说（匿名概括，不写会员姓名）" rules={[{ required: true, whitespace: true, message: '请填写「你说」' }]}>
              <Input maxLength={200} data-testid="fb-publish-said" />
            </Form.Item>
            <Form.Item name="changed" label="我改（门店做了什么）" rules={[{ required: true, whitespace: true, message: '请填写「我改」' }]}>
              <Input maxLength={300} data-testid="fb-publish-changed" />
            </Form.Item>
            <Button htmlType="submit" loading={busy} data-testid="fb-publish-submit">
              {f.published ? '更新公示' : '公示'}
            </Button>
          </Form>

          <Divider orientation="left">会员历史</Divider>
          <List
            size="small"
            header={<b>以往反馈</b>}
            dataSource={f.history}
            locale={{ emptyText: '没有以往反馈' }}
            renderItem={(h) => (
              <List.Item>
                {formatDateTime(h.createdAt)} · {stars(h.rating)} {h.comment ?? ''} <SentimentTag s={h.sentiment} />
              </List.Item>
            )}
          />
          <List
            size="small"
            header={<b>最近动态</b>}
            dataSource={f.activity}
            locale={{ emptyText: '暂无动态' }}
            renderItem={(a) => (
              <List.Item>
                {formatDateTime(a.at)} · {a.text}
              </List.Item>
            )}
          />
        </div>
      )}
    </Drawer>
  );
}
