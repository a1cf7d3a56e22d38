/** 分类规则: the keyword rules (HQ edits; store managers read and try), with a try-it box. */
import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Input, InputNumber, Select, Space, Switch, Tag, Typography } from 'antd';
import { DataTable } from '../../common/DataTable';
import * as F from '../../../../contracts/feedback';
import { useAuth, useStaff } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { SentimentTag, TopicTags } from './labels';

export function ClassifierPage() {
  const { api } = useAuth();
  const staff = useStaff();
  const { message } = App.useApp();
  const hq = staff.role === 'hq_admin';
  const [rules, setRules] = useState<F.ClassifierRule[]>([]);
  const [isDefault, setIsDefault] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [sample, setSample] = useState('');
  const [rating, setRating] = useState<number | null>(null);
  const [tried, setTried] = useState<Awaited<ReturnType<typeof tryIt>> | null>(null);
  const [reclassify, setReclassify] = useState(false);

  useEffect(() => {
    api.call(F.getClassifier).then(
      (r) => {
        setRules(r.rules);
        setIsDefault(r.isDefault);
      },
      (err) => setError(errorMessage(err)),
    );
  }, [api]);

  function tryIt() {
    return api.call(F.tryClassifier, { body: { text: sample, rating: rating ?? undefined } });
  }

  async function save(list: F.ClassifierRule[]) {
    try {
      const r = await api.call(F.updateClassifier, { body: { rules: list, reclassify } });
      setRules(r.rules);
      setIsDefault(r.isDefault);
      message.success(`规则已保存${reclassify ? `，已重新分类 ${r.reclassified} 条` : ''}`);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const shown = rules.map((r, i) => ({ ...r, i })).filter((r) => !filter || r.keyword.includes(filter));
  return (
    <>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Card size="small" title="试一试" style={{ marginBottom: 16 }}>
        <Space wrap>
          <Input style={{ width: 360 }} value={sample} onChange={(e) => setSample(e.target.value)} placeholder="输入一条会员评价" data-testid="clf-sample" />
          <InputNumber min={1} max={5} value={rating} onChange={setRating} placeholder="星级" />
          <Button onClick={async () => setTried(await tryIt())} data-testid="clf-try">
            分类
          </Button>
          {tried && (
            <span data-testid="clf-result">
              <TopicTags topics={tried.topics} /> <SentimentTag s={tried.sentiment} />{' '}
              <Typography.Text type="secondary">{tried.matched.join('、')}</Typography.Text>
            </span>
          )}
        </Space>
      </Card>
      <Card
        size="small"
        title={<Space>关键词规则 {isDefault ? <Tag>默认规则</Tag> : <Tag color="orange">已修改</Tag>}</Space>}
        extra={
          hq && (
            <Space>
              <span>
                保存时重新分类已有反馈 <Switch size="small" checked={reclassify} onChange={setReclassify} />
              </span>
              <Button onClick={() => setRules([{ keyword: '', topic: null, polarity: 0 }, ...rules])}>新增规则</Button>
              <Button onClick={() => save([])}>恢复默认</Button>
              <Button type="primary" onClick={() => save(rules.filter((r) => r.keyword.trim()))}>
                保存
              </Button>
            </Space>
          )
        }
      >
        <Input.Search placeholder="按关键词筛选" allowClear onChange={(e) => setFilter(e.target.value)} style={{ width: 240, marginBottom: 8 }} />
        <DataTable
          size="small"
          rowKey="i"
          dataSource={shown}
          pagination={{ pageSize: 20, showSizeChanger: false }}
          columns={[
            {
              title: '关键词',
              render: (_, r) =>
                hq ? (
                  <Input
                    value={r.keyword}
                    maxLength={20}
                    onChange={(e) => setRules(rules.map((x, j) => (j === r.i ? { ...x, keyword: e.target.value } : x)))}
                  />
                ) : (
                  r.keyword
                ),
            },
            {
              title: '话题',
              render: (_, r) => (
                <Select
                  disabled={!hq}
                  style={{ width: 120 }}
                  value={r.topic ?? 'none'}
                  options={[{ value: 'none', label: '（只算情绪）' }, ...F.TOPICS.map((t) => ({ value: t, label: F.TOPIC_LABELS[t] }))]}
                  onChange={(v: string) => setRules(rules.map((x, j) => (j === r.i ? { ...x, topic: v === 'none' ? null : (v as F.Topic) } : x)))}
                />
              ),
            },
            {
              title: '情绪',
              render: (_, r) => (
                <Select
                  disabled={!hq}
                  style={{ width: 100 }}
                  value={r.polarity}
                  options={[
                    { value: -1, label: '负面' },
                    { value: 0, label: '中性' },
                    { value: 1, label: '正面' },
                  ]}
                  onChange={(v: -1 | 0 | 1) => setRules(rules.map((x, j) => (j === r.i ? { ...x, polarity: v } : x)))}
                />
              ),
            },
            ...(hq
              ? [
                  {
                    title: '',
                    width: 60,
                    render: (_: unknown, r: (typeof shown)[number]) => (
                      <Button size="small" danger type="link" onClick={() => setRules(rules.filter((_, j) => j !== r.i))}>
                        删除
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
    </>
  );
}
