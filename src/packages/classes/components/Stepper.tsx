import { Text, View } from '@tarojs/components';

interface Props {
  label: string;
  hint?: string;
  value: number;
  min: number;
  max: number;
  onChange(value: number): void;
  testId: string;
}

/** − n + counter for the household's adults / children. */
export default function Stepper({ label, hint, value, min, max, onChange, testId }: Props) {
  const canDown = value > min;
  const canUp = value < max;
  return (
    <View className="stepper-row">
      <View>
        <Text className="stepper-label">{label}</Text>
        {hint && <Text className="muted stepper-hint">{hint}</Text>}
      </View>
      <View className="stepper">
        <View className={`stepper-btn${canDown ? '' : ' stepper-btn-off'}`} data-testid={`${testId}-minus`} onClick={() => canDown && onChange(value - 1)}>
          <Text>−</Text>
        </View>
        <Text className="stepper-value" data-testid={`${testId}-value`}>
          {value}
        </Text>
        <View className={`stepper-btn${canUp ? '' : ' stepper-btn-off'}`} data-testid={`${testId}-plus`} onClick={() => canUp && onChange(value + 1)}>
          <Text>+</Text>
        </View>
      </View>
    </View>
  );
}
