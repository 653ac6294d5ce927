/**
 * The reconnect storm benchmark: `node dist/bench/storm.js` runs N = 10,000 agents against a cloud
 * admitting C = 200 new connections a second for every backoff policy, then a sweep over N; writes
 * bench/results/storm.json and bench/results/storm.svg and prints markdown tables.
 * `benchRows(file)` is the part `npm run bench` runs (N = 10,000 only).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { BackoffPolicyName } from '../machines/backoff/policy.js';
import { runStorm, type StormResult } from '../simulations/fleet/storm.js';
import { lineChartSvg } from '../simulations/fleet/svg-chart.js';

export const STORM_POLICIES: readonly BackoffPolicyName[] = ['netdata', 'full', 'equal', 'decorrelated', 'none'];
const COLORS: Record<BackoffPolicyName, string> = { netdata: '#d62728', full: '#1f77b4', equal: '#2ca02c', decorrelated: '#9467bd', none: '#ff7f0e' };
const CAPACITY = 200;
/** `none` retries every ~100 ms: about 10 attempts per agent per second; stop it after this many. */
const MAX_ATTEMPTS = 250_000;

const n = (v: number) => Math.round(v).toLocaleString('en-US');

export function stormRow(r: StormResult): string {
  const time = r.recovered ? `${(r.recoveryMs / 1000).toFixed(1)} s` : `not recovered within ${(r.recoveryMs / 1000).toFixed(1)} s (${r.stoppedBy}; ${n(r.connected)} connected)`;
  return `| ${r.policy} | ${n(r.agents)} | ${time} | ${n(r.attempts)} | ${r.attemptsPerAgent.toFixed(1)} | ${n(r.peakAttemptsPerSecond)} (${(r.peakAttemptsPerSecond / r.capacityPerSecond).toFixed(1)} x C) | ${n(r.peakAdmittedPerSecond)} | ${r.wallSeconds.toFixed(1)} s |`;
}

export const STORM_HEADER = ['| policy | N | all connected again after | attempts | per agent | peak attempts/s | peak admitted/s | wall |', '|---|---|---|---|---|---|---|---|'];

export function stormAt(agents: number): StormResult[] {
  return STORM_POLICIES.map((policy) => runStorm({ agents, capacityPerSecond: CAPACITY, policy, maxAttempts: MAX_ATTEMPTS }));
}

export function stormChart(results: readonly StormResult[]): string {
  const xMax = Math.max(...results.map((r) => r.attemptsPerSecond.length - 1));
  return lineChartSvg({
    title: `Reconnect storm: ${n(results[0]?.agents ?? 0)} agents dropped at t = 0, cloud admits ${CAPACITY} connections/s`,
    xLabel: 'seconds after the drop',
    yLabel: 'connection attempts per second (log scale)',
    series: results.map((r) => ({ name: r.recovered ? r.policy : `${r.policy} (capped)`, color: COLORS[r.policy], values: r.attemptsPerSecond })),
    reference: { value: CAPACITY, label: `C = ${CAPACITY}/s` },
    xMax,
  });
}

/** For `npm run bench`: N = 10,000 per policy, added to the day's results file; returns table rows. */
export function benchRows(file: string): string[] {
  const results = stormAt(10_000);
  const day = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, `${JSON.stringify({ ...day, storm: results.map(({ attemptsPerSecond: _a, admittedPerSecond: _b, ...r }) => r) }, null, 2)}\n`);
  return results.map((r) => `| reconnect storm, ${n(r.agents)} agents, C = ${r.capacityPerSecond}/s, ${r.policy} | ${r.recovered ? `all connected after ${(r.recoveryMs / 1000).toFixed(1)} s` : `not recovered: stopped at the ${n(MAX_ATTEMPTS)}-attempt cap after ${(r.recoveryMs / 1000).toFixed(1)} s`}, ${n(r.attempts)} attempts, peak ${n(r.peakAttemptsPerSecond)}/s (${r.wallSeconds.toFixed(1)} s wall) | - |`);
}

function main(): void {
  const sweep: StormResult[] = [];
  for (const agents of [1_000, 2_000, 5_000]) sweep.push(...stormAt(agents));
  const main10k = stormAt(10_000);
  sweep.push(...main10k);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/storm.svg', stormChart(main10k));
  const strip = ({ attemptsPerSecond: _a, admittedPerSecond: _b, ...r }: StormResult) => r;
  writeFileSync('bench/results/storm.json', `${JSON.stringify({ capacityPerSecond: CAPACITY, maxAttempts: MAX_ATTEMPTS, n10000: main10k, sweep: sweep.map(strip) }, null, 2)}\n`);
  console.log(`reconnect storm, N = 10,000, C = ${CAPACITY}/s`);
  for (const line of [...STORM_HEADER, ...main10k.map(stormRow)]) console.log(line);
  console.log('\nsweep over N');
  for (const line of [...STORM_HEADER, ...sweep.map(stormRow)]) console.log(line);
  console.log('written: bench/results/storm.json, bench/results/storm.svg');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
