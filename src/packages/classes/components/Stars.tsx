import { Text, View } from '@tarojs/components';

interface Props {
  value: number;
  /** Omit for a read-only display. */
  onChange?(value: number): void;
  testId?: string;
}

const WORDS = ['', '不太满意', '一般', '还不错', '很满意', '非常棒'];

/** 1–5 stars; tappable when onChange is given. */
export default function Stars({ value, onChange, testId }: Props) {
  return (
    <View className="stars" data-testid={testId}>
      {[1, 2, 3, 4, 5].map((n) => (
        <Text
          key={n}
          className={`star${n <= value ? ' star-on' : ''}${onChange ? ' star-tap' : ''}`}
          data-testid={testId ? `${testId}-${n}` : undefined}
          onClick={onChange ? () => onChange(n) : undefined}
        >
          {n <= value ? '★' : '☆'}
        </Text>
      ))}
      {onChange && value > 0 && <Text className="muted star-word">{WORDS[value]}</Text>}
    </View>
  );
}
