import { Text, View } from '@tarojs/components';

const WORDS = ['', '很不满意', '不太满意', '一般', '满意', '非常满意'];

/** One tap: 1–5 stars. */
export default function StarPicker({ value, onChange, testId }: { value: number; onChange(v: number): void; testId: string }) {
  return (
    <View className="fb-stars" data-testid={testId}>
      {[1, 2, 3, 4, 5].map((n) => (
        <Text key={n} className={`fb-star${n <= value ? ' fb-star-on' : ''}`} data-testid={`${testId}-${n}`} onClick={() => onChange(n)}>
          {n <= value ? '★' : '☆'}
        </Text>
      ))}
      {value > 0 && <Text className="muted">{WORDS[value]}</Text>}
    </View>
  );
}

/** 「你会向亲友推荐我们吗？」 0–10 (NPS). */
export function RecommendScale({ value, onChange }: { value: number | null; onChange(v: number): void }) {
  return (
    <View className="fb-scale" data-testid="fb-recommend">
      {Array.from({ length: 11 }, (_, n) => (
        <Text key={n} className={`fb-scale-n${value === n ? ' fb-scale-on' : ''}`} data-testid={`fb-recommend-${n}`} onClick={() => onChange(n)}>
          {n}
        </Text>
      ))}
    </View>
  );
}
