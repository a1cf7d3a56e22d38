/**
 * The one frame for what a page loads (with `useRemote`, api/useRemote.ts): a loading line, the
 * error in Chinese with 重试, an empty state, else the content. It lives in the main package
 * (tab pages use it too), so every subpackage shares one copy; it draws with app.css classes only.
 */
import type { ReactNode } from 'react';
import { Button, Text, View } from '@tarojs/components';
import type { Remote } from '../../api/useRemote';

export interface RemoteFrameProps<T> {
  remote: Remote<T>;
  /** The page URL names nothing (no id): this text instead of loading anything. */
  missing?: string | false;
  /** Whether the loaded value has nothing to show; `empty` is drawn instead of the content. */
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  loadingText?: string;
  loadingClassName?: string;
  errorTestId?: string;
  children: (data: T) => ReactNode;
}

export function RemoteError({ message, onRetry, testId }: { message: string; onRetry: () => void; testId?: string }) {
  return (
    <View className="card" data-testid="remote-error">
      <Text className="error-text" data-testid={testId}>
        {message}
      </Text>
      <Button className="btn-plain" onClick={onRetry}>
        重试
      </Button>
    </View>
  );
}

export default function RemoteFrame<T>(props: RemoteFrameProps<T>) {
  const { remote, missing, isEmpty, empty, loadingText = '正在加载…', loadingClassName = 'muted', errorTestId, children } = props;
  if (missing) return <Text className="muted">{missing}</Text>;
  const { data, error, reload } = remote;
  // A failed refresh keeps what was shown, under the error.
  const errorView = error ? <RemoteError message={error} onRetry={() => void reload()} testId={errorTestId} /> : null;
  if (data === null) {
    return (
      errorView ?? (
        <Text className={loadingClassName} data-testid="remote-loading">
          {loadingText}
        </Text>
      )
    );
  }
  return (
    <>
      {errorView}
      {isEmpty?.(data) ? (empty ?? null) : children(data)}
    </>
  );
}
