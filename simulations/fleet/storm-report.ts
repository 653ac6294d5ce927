/**
 * Tables and the chart of the reconnect storm (bench/storm.ts prints and writes them).
 */
import type { BackoffPolicyName } from '../../machines/backoff/policy.js';
import type { StormResult } from './storm-result.js';
import { lineChartSvg } from './svg-chart.js';

export const STORM_COLORS: Record<BackoffPolicyName, string> = { netdata: '#d62728', full: '#1f77b4', equal: '#2ca02c', decorrelated: '#9467bd', none: '#ff7f0e' };

/** The targets of the best case: recovery within 1.2 x N / C, retries within 1.5 x C per second. */
export const RECOVERY_TARGET = 1.2;
export const PEAK_TARGET = 1.5;

const n = (v: number) => Math.round(v).toLocaleString('en-US');
const s1 = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const xC = (v: number, c: number) => `${n(v)} (${(v / c).toFixed(1)} x C)`;

export function cloudLabel(r: StormResult): string {
  return r.cloud === 'spreading' ? 'spreading (429 + errorRetryDelaySeconds)' : 'plain (CONNACK refused)';
}

export function recoveryText(r: StormResult): string {
  if (r.recovered) return `${s1(r.recoveryMs)} (${r.recoveryVsFloor.toFixed(2)} x N/C)`;
  return `not recovered: ${r.stoppedBy} at ${s1(r.recoveryMs)}, ${n(r.connected)} connected`;
}

/** Whether a run meets the best-case targets: recovery, and the retries' peak (the first wave is the policy's). */
export function meetsTargets(r: StormResult): string {
  const time = r.recovered && r.recoveryVsFloor <= RECOVERY_TARGET;
  const retries = r.peakRetriesPerSecond <= PEAK_TARGET * r.capacityPerSecond;
  const all = r.peakAttemptsPerSecond <= PEAK_TARGET * r.capacityPerSecond;
  return `${time ? 'yes' : 'no'} / ${retries ? 'yes' : 'no'} / ${all ? 'yes' : 'no'}`;
}

export const STORM_HEADER = [
  '| policy | cloud | N | C | all connected again after | attempts | per agent | peak attempts/s | peak retries/s | peak admitted/s | <= 1.2 N/C / retries <= 1.5 C / all <= 1.5 C | RSS | wall (CPU) |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
];

export function stormRow(r: StormResult): string {
  const c = r.capacityPerSecond;
  return `| ${r.policy} | ${r.cloud} | ${n(r.agents)} | ${n(c)} | ${recoveryText(r)} | ${n(r.attempts)} | ${r.attemptsPerAgent.toFixed(1)} | ${xC(r.peakAttemptsPerSecond, c)} | ${xC(r.peakRetriesPerSecond, c)} | ${n(r.peakAdmittedPerSecond)} | ${meetsTargets(r)} | ${n(r.peakRssMiB)} MiB | ${r.wallSeconds.toFixed(1)} s (${r.cpuSeconds.toFixed(1)} s) |`;
}

/** One line for `npm run bench`'s table. */
export function stormBenchRow(r: StormResult): string {
  const c = r.capacityPerSecond;
  const target = r.cloud === 'spreading' ? `<= ${RECOVERY_TARGET} x N/C, retries <= ${PEAK_TARGET} x C` : '-';
  return `| reconnect storm, ${n(r.agents)} agents, C = ${n(c)}/s, ${r.policy}, ${cloudLabel(r)} | ${recoveryText(r)}, ${n(r.attempts)} attempts, peak ${xC(r.peakAttemptsPerSecond, c)}/s, retries ${xC(r.peakRetriesPerSecond, c)}/s (${r.wallSeconds.toFixed(1)} s wall, ${r.cpuSeconds.toFixed(1)} s CPU, ${n(r.peakRssMiB)} MiB RSS) | ${target} |`;
}

/** Attempts per second after the drop: every policy against the plain cloud, and the spreading cloud's runs dashed. */
export function stormChart(plain: readonly StormResult[], spreading: readonly StormResult[]): string {
  const all = [...plain, ...spreading];
  const first = all[0];
  const c = first?.capacityPerSecond ?? 0;
  return lineChartSvg({
    title: `Reconnect storm: ${n(first?.agents ?? 0)} agents dropped at t = 0, cloud admits ${n(c)} connections/s`,
    xLabel: 'seconds after the drop',
    yLabel: 'connection attempts per second (log scale)',
    series: [
      ...plain.map((r) => ({ name: r.recovered ? r.policy : `${r.policy} (capped)`, color: STORM_COLORS[r.policy], values: r.attemptsPerSecond })),
      ...spreading.map((r) => ({ name: `${r.policy}, spreading`, color: STORM_COLORS[r.policy], values: r.attemptsPerSecond, dash: '2 3' })),
    ],
    reference: { value: c, label: `C = ${n(c)}/s` },
    xMax: Math.max(...all.map((r) => r.attemptsPerSecond.length - 1)),
  });
}
