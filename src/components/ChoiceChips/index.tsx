/**
 * One choice out of a few, as a row of tappable chips (how many children, a relation, a store, a
 * class type). The row and its chips use the `chips` / `chip` / `chip-on` classes; each package
 * styles them in its own stylesheet. `scroll`: a row that scrolls sideways (long lists of stores).
 */
import { ScrollView, Text, View } from '@tarojs/components';

export interface Choice<T> {
  value: T;
  label: string;
}

export interface ChoiceChipsProps<T> {
  choices: Array<Choice<T>>;
  value: T | undefined;
  onChoose: (value: T) => void;
  /** The test id of a chip (tests tap chips by value). */
  chipTestId?: (value: T) => string;
  /** The test id of the row. */
  testId?: string;
  scroll?: boolean;
}

export function ChoiceChips<T extends string | number | null>({ choices, value, onChoose, chipTestId, testId, scroll }: ChoiceChipsProps<T>) {
  const chips = choices.map((c) => (
    <Text key={String(c.value)} className={c.value === value ? 'chip chip-on' : 'chip'} data-testid={chipTestId?.(c.value)} onClick={() => onChoose(c.value)}>
      {c.label}
    </Text>
  ));
  return scroll ? (
    <ScrollView scrollX className="chips" data-testid={testId}>
      {chips}
    </ScrollView>
  ) : (
    <View className="chips" data-testid={testId}>
      {chips}
    </View>
  );
}
