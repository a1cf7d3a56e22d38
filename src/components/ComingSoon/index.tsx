import { Text, View } from '@tarojs/components';

interface Props {
  title: string;
  intro: string;
  /** What the section will offer once it launches. */
  points: string[];
  testId?: string;
}

/** An honest placeholder for a feature that is announced but not live yet. */
export default function ComingSoon({ title, intro, points, testId }: Props) {
  return (
    <View className="card" data-testid={testId}>
      <View>
        <Text className="card-title">
          {title}
          <Text className="badge">即将上线</Text>
        </Text>
      </View>
      <Text>{intro}</Text>
      {points.map((p) => (
        <Text key={p} className="bullet">
          · {p}
        </Text>
      ))}
      <Text className="muted bullet">上线后会在这里第一时间开放，敬请期待。</Text>
    </View>
  );
}
