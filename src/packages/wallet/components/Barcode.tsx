/**
 * A Code 128 barcode for the till scanner. JsBarcode's Code 128 encoder (MIT, the most used barcode
 * library on npm) turns the digits into the bar pattern; we draw the bars as plain <View>s, so the
 * same markup works in weapp and h5 — JsBarcode's own renderers need a DOM canvas/SVG, which the
 * mini-program does not have, and a weapp canvas needs a node query after render.
 */
import { useMemo } from 'react';
import { View } from '@tarojs/components';
// the encoder only (no renderer, no DOM): ~6 KB
import CODE128AUTO from 'jsbarcode/bin/barcodes/CODE128/CODE128_AUTO';

/** Runs of equal modules: [isBar, width in modules][] for a "1101…" pattern. */
export function barRuns(text: string): Array<[boolean, number]> {
  const encoder = new CODE128AUTO(text, {});
  if (!encoder.valid()) return [];
  const bits = encoder.encode().data;
  const runs: Array<[boolean, number]> = [];
  for (const b of bits) {
    const bar = b === '1';
    const last = runs[runs.length - 1];
    if (last && last[0] === bar) last[1]++;
    else runs.push([bar, 1]);
  }
  return runs;
}

export default function Barcode({ text, testId }: { text: string; testId?: string }) {
  const runs = useMemo(() => barRuns(text), [text]);
  const modules = runs.reduce((s, r) => s + r[1], 0) || 1;
  return (
    <View className="barcode" data-testid={testId}>
      {runs.map(([bar, w], i) => (
        <View key={i} className={bar ? 'barcode-bar' : 'barcode-gap'} style={{ width: `${(w / modules) * 100}%` }} />
      ))}
    </View>
  );
}
