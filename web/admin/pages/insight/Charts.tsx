/**
 * The 概览 charts on Apache ECharts through echarts-for-react's core entry: only the chart types
 * and components used here are registered (tree-shaken), and this module is loaded lazily, so
 * neither the ops page's first screen nor the figures wait for it.
 */
// the ESM build: lib/ is CommonJS, whose default export the bundler may not unwrap
import ReactEChartsCore from 'echarts-for-react/esm/core';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { Overview } from '../../../../contracts/insight';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const yuan = (fen: number) => Math.round(fen) / 100;

/** Daily active members and new members (lines) with net spend in 元 (bars). */
export function TrendChart({ series }: { series: Overview['series'] }) {
  const option = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: ['活跃会员', '新增会员', '净消费（元）'] },
    grid: { left: 48, right: 56, top: 48, bottom: 28 },
    xAxis: { type: 'category', data: series.map((p) => p.day.slice(5)) },
    yAxis: [
      { type: 'value', name: '人', minInterval: 1 },
      { type: 'value', name: '元', splitLine: { show: false } },
    ],
    series: [
      { name: '净消费（元）', type: 'bar', yAxisIndex: 1, data: series.map((p) => yuan(p.spendFen)), itemStyle: { color: '#ffd8a8' } },
      { name: '活跃会员', type: 'line', smooth: true, data: series.map((p) => p.active), itemStyle: { color: '#d9480f' } },
      { name: '新增会员', type: 'line', smooth: true, data: series.map((p) => p.newMembers), itemStyle: { color: '#1971c2' } },
    ],
  };
  return (
    <div data-testid="chart-trend">
      <ReactEChartsCore echarts={echarts} option={option} style={{ height: 300 }} notMerge lazyUpdate />
    </div>
  );
}

const RING_LABELS = { radiate: '辐射层', interact: '互动层', create: '共创层' } as const;

/** Members per ring, this period against the previous one. */
export function RingChart({ now, before }: { now: Overview['figures']['rings']['counts']; before: Overview['figures']['rings']['counts'] }) {
  const keys = ['radiate', 'interact', 'create'] as const;
  const option = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: ['上期', '本期'] },
    grid: { left: 48, right: 16, top: 40, bottom: 28 },
    xAxis: { type: 'category', data: keys.map((k) => RING_LABELS[k]) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: '上期', type: 'bar', data: keys.map((k) => before[k]), itemStyle: { color: '#ced4da' } },
      { name: '本期', type: 'bar', data: keys.map((k) => now[k]), itemStyle: { color: '#d9480f' } },
    ],
  };
  return (
    <div data-testid="chart-rings">
      <ReactEChartsCore echarts={echarts} option={option} style={{ height: 260 }} notMerge lazyUpdate />
    </div>
  );
}

/** Current share of each A/B variant. */
export function ShareChart({ variants }: { variants: Array<{ label: string; share: number }> }) {
  const option = {
    tooltip: { trigger: 'axis' },
    grid: { left: 80, right: 24, top: 8, bottom: 24 },
    xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: variants.map((v) => v.label) },
    series: [{ type: 'bar', data: variants.map((v) => Math.round(v.share * 1000) / 10), itemStyle: { color: '#d9480f' } }],
  };
  return <ReactEChartsCore echarts={echarts} option={option} style={{ height: 40 + variants.length * 36 }} notMerge lazyUpdate />;
}

export default { TrendChart, RingChart, ShareChart };
