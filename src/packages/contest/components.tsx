/** Small views shared by the contest pages. */
import { type DependencyList, type ReactNode, useCallback, useEffect, useState } from 'react';
import { Button, Image, Input, Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { FAIR_PLAY_TEXT, type EntryCard } from '@contracts/contest';
import { errorMessage } from '../../api/errors';
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

export interface Remote<T> {
  data: T | null;
  error: string | null;
  reload: () => Promise<void>;
}

/**
 * One thing a page loads: its value, the load error in Chinese, and a reload. Nothing is fetched
 * while `enabled` is false (no id in the page URL, not signed in yet).
 */
export function useRemote<T>(fetcher: () => Promise<T>, deps: DependencyList, enabled = true): Remote<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    setError(null);
    try {
      setData(await fetcher());
    } catch (err) {
      setError(errorMessage(err));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller names what the fetch depends on
  }, deps);
  useEffect(() => {
    if (enabled) void reload();
  }, [enabled, reload]);
  return { data, error, reload };
}

/**
 * A page whose data is not there yet: "not found" when the URL names nothing (`missing` is the
 * text), the load error with a retry, else a loading line.
 */
export function PendingPage({ testId, missing, error, onRetry }: { testId: string; missing?: string | false; error: string | null; onRetry: () => void }) {
  return (
    <View className="page" data-testid={testId}>
      {missing ? <Text className="empty">{missing}</Text> : error ? <LoadError message={error} onRetry={onRetry} /> : <Loading />}
    </View>
  );
}

/** PendingPage until the remote value is there, then the page itself (a failed reload keeps what was shown). */
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
  const { data, error, reload } = remote;
  if (missing || data === null) return <PendingPage testId={testId} missing={missing} error={error} onRetry={() => void reload()} />;
  return (
    <View className="page" data-testid={testId}>
      {children(data)}
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
