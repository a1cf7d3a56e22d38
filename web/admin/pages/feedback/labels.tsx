import { Tag } from 'antd';
import { SENTIMENT_LABELS, TOPIC_LABELS, type Sentiment, type Topic } from '../../../../contracts/feedback';

const TOPIC_COLORS: Record<Topic, string> = { product: 'green', service: 'blue', price: 'gold', environment: 'cyan', praise: 'magenta' };
const SENTIMENT_COLORS: Record<Sentiment, string> = { positive: 'success', neutral: 'default', negative: 'error' };

export function TopicTags({ topics, testId }: { topics: Topic[]; testId?: string }) {
  return (
    <span data-testid={testId}>
      {topics.length ? (
        topics.map((t) => (
          <Tag key={t} color={TOPIC_COLORS[t]}>
            {TOPIC_LABELS[t]}
          </Tag>
        ))
      ) : (
        <Tag>未分类</Tag>
      )}
    </span>
  );
}

export function SentimentTag({ s }: { s: Sentiment }) {
  return <Tag color={SENTIMENT_COLORS[s]}>{SENTIMENT_LABELS[s]}</Tag>;
}

export const stars = (n: number | null) => (n ? '★'.repeat(n) + '☆'.repeat(5 - n) : '—');
