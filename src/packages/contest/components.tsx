/** Small views shared by the contest pages. */
import type { ReactNode } from 'react';
import { Image, Input, Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { FAIR_PLAY_TEXT, type EntryCard } from '@contracts/contest';
import type { Remote } from '../../api/useRemote';
import RemoteFrame from '../../components/RemoteFrame';
import { fileUrl, pageUrl } from './lib';

export function EntryCardView({ entry }: { entry: EntryCard }) {
  return (
    <View className="entry-card" data-testid={`entry-card-${entry.id}`} onClick={() => void Taro.navigateTo({ url: pageUrl('entry', { id: entry.id }) })}>
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

/** A contest page whose data is not there yet (see RemotePage). */
export function PendingPage<T>({ testId, missing, remote }: { testId: string; missing?: string | false; remote: Remote<T> }) {
  return (
    <RemotePage testId={testId} remote={remote} missing={missing}>
      {() => null}
    </RemotePage>
  );
}

/**
 * A contest page's frame: the one remote-page frame (components/RemoteFrame) inside the page
 * view; "not found" when the URL names nothing (`missing` is the text).
 */
export function RemotePage<T>({
  testId,
  remote,
  missing,
  children,
}: {
  testId: string;
  remote: Remote<T>;
  missing?: string | false;
  children: (data: T) => ReactNode;
}) {
  return (
    <View className="page" data-testid={testId}>
      <RemoteFrame remote={remote} missing={missing} loadingClassName="empty" errorTestId="contest-load-error">
        {children}
      </RemoteFrame>
    </View>
  );
}

/** A labelled text field of a member form (one line, or several), with an optional hint below. */
export function FormField(props: {
  label: string;
  testId: string;
  value: string;
  maxlength: number;
  placeholder: string;
  onInput: (e: { detail: { value: string } }) => void;
  multiline?: boolean;
  hint?: string;
}) {
  const { label, testId, value, maxlength, placeholder, onInput, multiline, hint } = props;
  return (
    <View className="field">
      <Text className="field-label">{label}</Text>
      {multiline ? (
        // autoHeight: grows with the text in weapp; the h5 inner <textarea> is styled in contest.css
        <Textarea className="field-textarea" data-testid={testId} value={value} maxlength={maxlength} placeholder={placeholder} onInput={onInput} autoHeight />
      ) : (
        <Input className="field-input" data-testid={testId} value={value} maxlength={maxlength} placeholder={placeholder} onInput={onInput} />
      )}
      {hint ? <Text className="field-hint">{hint}</Text> : null}
    </View>
  );
}
