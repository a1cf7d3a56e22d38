/** Small views shared by the contest pages. */
import { Button, Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { FAIR_PLAY_TEXT, type EntryCard } from '@contracts/contest';
import { fileUrl, pageUrl } from './lib';

export function EntryCardView({ entry }: { entry: EntryCard }) {
  return (
    <View
      className="entry-card"
      data-testid={`entry-card-${entry.id}`}
      onClick={() => void Taro.navigateTo({ url: pageUrl('entry', { id: entry.id }) })}
    >
      {entry.coverThumbUrl ? (
        <Image className="entry-card-img" src={fileUrl(entry.coverThumbUrl)} mode="aspectFill" lazyLoad />
      ) : (
        <View className="entry-card-img" />
      )}
      <View className="entry-card-body">
        <Text className="entry-card-title">{entry.title}</Text>
        <View className="entry-card-meta">
          <Text>{entry.displayName}</Text>
          <Text className="votes" data-testid={`entry-card-votes-${entry.id}`}>
            {entry.voteCount} 票
          </Text>
        </View>
        {entry.finalRank !== null && <Text className="muted">第 {entry.finalRank} 名</Text>}
        {entry.awardLabel && <Text className="award-tag">{entry.awardLabel}</Text>}
      </View>
    </View>
  );
}

/** The fair-play note every rules view ends with (no reward for sharing or votes, no 拉票). */
export function FairPlay({ text }: { text?: string }) {
  return (
    <Text className="fair-play" data-testid="fair-play">
      {text || FAIR_PLAY_TEXT}
    </Text>
  );
}

export function Loading() {
  return <Text className="empty">正在加载…</Text>;
}

export function LoadError({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <View className="card">
      <Text className="error-text" data-testid="contest-load-error">
        {message}
      </Text>
      <Button className="btn-plain" onClick={onRetry}>
        重试
      </Button>
    </View>
  );
}
