/**
 * The reconnect storm benchmark: `node dist/bench/storm.js` runs N = 10,000, 30,000 and 100,000 agents
 * against a cloud admitting C = N / 50 new connections a second (so N / C = 50 s), every backoff policy,
 * first against the plain cloud (refuses at CONNACK, no advice), then against the spreading cloud
 * (HTTP 429 with `errorRetryDelaySeconds` spread over the seconds it needs). Each run is a child
 * process with an 8 GiB heap limit and a 64 MiB semi-space, so its peak RSS is its own. Writes bench/results/storm.json and
 * bench/results/storm.svg (N = 100,000) and prints markdown tables.
 * `benchRows(file)` is the part `npm run bench` runs: N = 10,000 and, unless BENCH_STORM_100K=0,
 * N = 100,000, both clouds.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BackoffPolicyName } from '../machines/backoff/policy.js';
import { runStorm, type StormCloudKind, type StormResult } from '../simulations/fleet/storm.js';
import { recoveryText, STORM_HEADER, stormBenchRow, stormChart, stormRow } from '../simulations/fleet/storm-report.js';

export const STORM_POLICIES: readonly BackoffPolicyName[] = ['netdata', 'full', 'equal', 'decorrelated', 'none'];
export const STORM_CLOUDS: readonly StormCloudKind[] = ['plain', 'spreading'];
/** N / C, seconds: the fastest possible recovery. */
const FLOOR_SECONDS = 50;
/**
 * `none` retries every ~95 ms (10 attempts per agent per second) and never recovers against the plain
 * cloud: its run stops after max(250,000, 3 x N) attempts (250,000 at N = 10,000 as before; 300,000 at
 * N = 100,000, about 0.3 s after the drop). The other policies get a cap they never reach (25 per agent).
 */
export const maxAttemptsFor = (agents: number, policy: BackoffPolicyName): number =>
  policy === 'none' ? Math.max(250_000, 3 * agents) : Math.max(2_000_000, 25 * agents);
const HEAP_MIB = 8192;
/** A larger young generation: about 13% less CPU at N = 30,000 (fewer objects promoted, less old-space GC). */
const SEMI_SPACE_MIB = 64;

interface StormSpec {
  readonly agents: number;
  readonly capacityPerSecond: number;
  readonly policy: BackoffPolicyName;
  readonly cloud: StormCloudKind;
}

interface StormSet {
  readonly agents: number;
  readonly capacityPerSecond: number;
  /** Wall time of the whole set (every policy, both clouds, child processes included). */
  readonly wallSeconds: number;
  readonly results: StormResult[];
}

const n = (v: number) => Math.round(v).toLocaleString('en-US');
const strip = ({ attemptsPerSecond: _a, admittedPerSecond: _b, retriesPerSecond: _c, ...r }: StormResult) => r;

/** One storm in a child process with a large heap; its peak RSS is the child's own maximum. */
export function stormInChild(spec: StormSpec): Promise<StormResult> {
  const args = [`--max-old-space-size=${HEAP_MIB}`, `--max-semi-space-size=${SEMI_SPACE_MIB}`, fileURLToPath(import.meta.url), '--one', JSON.stringify(spec)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`storm child ${JSON.stringify(spec)} exited with ${String(code)}`));
      else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as StormResult);
    });
  });
}

function runOne(spec: StormSpec): void {
  const r = runStorm({ ...spec, maxAttempts: maxAttemptsFor(spec.agents, spec.policy) });
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ...r, peakRssMiB: Math.max(r.peakRssMiB, maxRssMiB) }));
}

/** Every policy against both clouds at N agents, C = N / 50, one child process after the other. */
export async function stormSet(agents: number): Promise<StormSet> {
  const capacityPerSecond = agents / FLOOR_SECONDS;
  const t0 = performance.now();
  const results: StormResult[] = [];
  for (const cloud of STORM_CLOUDS) {
    for (const policy of STORM_POLICIES) {
      const r = await stormInChild({ agents, capacityPerSecond, policy, cloud });
      console.error(`storm: N = ${n(agents)}, ${policy}, ${cloud}: ${recoveryText(r)}, ${r.wallSeconds.toFixed(1)} s wall, ${n(r.peakRssMiB)} MiB`);
      results.push(r);
    }
  }
  return { agents, capacityPerSecond, wallSeconds: (performance.now() - t0) / 1000, results };
}

/** For `npm run bench`: N = 10,000 and 100,000 (BENCH_STORM_100K=0: 10,000 only), added to the day's file. */
export async function benchRows(file: string): Promise<string[]> {
  const sizes = process.env.BENCH_STORM_100K === '0' ? [10_000] : [10_000, 100_000];
  const sets: StormSet[] = [];
  for (const agents of sizes) sets.push(await stormSet(agents));
  const day = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const storm = sets.map((s) => ({ ...s, results: s.results.map(strip) }));
  writeFileSync(file, `${JSON.stringify({ ...day, storm }, null, 2)}\n`);
  return sets.flatMap((s) => [
    ...s.results.map(stormBenchRow),
    `| reconnect storm, ${n(s.agents)} agents: the whole set (5 policies x 2 clouds, child processes) | ${s.wallSeconds.toFixed(0)} s wall | report |`,
  ]);
}

/** How the wall and CPU time grow with N: per policy and cloud, against the smallest N of the same run. */
export function growthRows(sets: readonly StormSet[]): string[] {
  const base = sets[0];
  if (base === undefined) return [];
  const sizes = sets.map((s) => n(s.agents)).join(' / ');
  const rows = [
    `| policy | cloud | wall at ${sizes} | CPU at ${sizes} | CPU x against ${n(base.agents)} | attempts x | CPU us per attempt |`,
    '|---|---|---|---|---|---|---|',
  ];
  const join = (v: readonly string[]) => v.join(' / ');
  base.results.forEach((b, i) => {
    const at = sets.map((s) => s.results[i] as StormResult);
    rows.push(`| ${b.policy} | ${b.cloud} | ${join(at.map((r) => `${r.wallSeconds.toFixed(0)} s`))} | ${join(at.map((r) => `${r.cpuSeconds.toFixed(0)} s`))}`
      + ` | ${join(at.map((r) => (r.cpuSeconds / b.cpuSeconds).toFixed(1)))} | ${join(at.map((r) => (r.attempts / b.attempts).toFixed(1)))}`
      + ` | ${join(at.map((r) => ((r.cpuSeconds * 1e6) / r.attempts).toFixed(0)))} |`);
  });
  const cpu = (s: StormSet) => s.results.reduce((a, r) => a + r.cpuSeconds, 0);
  rows.push(`| all | both | ${join(sets.map((s) => `${s.wallSeconds.toFixed(0)} s`))} | ${join(sets.map((s) => `${cpu(s).toFixed(0)} s`))} | ${join(sets.map((s) => (cpu(s) / cpu(base)).toFixed(1)))} | | |`);
  return rows;
}

function write(sets: readonly StormSet[]): void {
  mkdirSync('bench/results', { recursive: true });
  const big = sets.at(-1);
  if (big !== undefined) writeFileSync('bench/results/storm.svg', stormChart(big.results.filter((r) => r.cloud === 'plain'), big.results.filter((r) => r.cloud === 'spreading' && r.policy === 'full')));
  const json = {
    capacity: `C = N / ${FLOOR_SECONDS} per second (N / C = ${FLOOR_SECONDS} s)`,
    maxAttempts: '`none`: max(250,000, 3 x N); the others: max(2,000,000, 25 x N)',
    nodeFlags: [`--max-old-space-size=${HEAP_MIB}`, `--max-semi-space-size=${SEMI_SPACE_MIB}`],
    heapLimitMiB: HEAP_MIB,
    // Per-second series kept for the smallest and the largest N.
    sets: sets.map((s, i) => ({ ...s, results: i === 0 || i === sets.length - 1 ? s.results : s.results.map(strip) })),
  };
  writeFileSync('bench/results/storm.json', `${JSON.stringify(json, null, 2)}\n`);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const sets: StormSet[] = [];
  for (const agents of [10_000, 30_000, 100_000]) {
    sets.push(await stormSet(agents));
    write(sets);
  }
  for (const s of sets) {
    console.log(`\nreconnect storm, N = ${n(s.agents)}, C = ${n(s.capacityPerSecond)}/s (${s.wallSeconds.toFixed(0)} s wall)`);
    for (const line of [...STORM_HEADER, ...s.results.map(stormRow)]) console.log(line);
  }
  console.log('\nwall time against N');
  for (const line of growthRows(sets)) console.log(line);
  console.log(`\nwritten: bench/results/storm.json, bench/results/storm.svg (${((performance.now() - t0) / 1000).toFixed(0)} s in all)`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const one = process.argv.indexOf('--one');
  if (one > 0) runOne(JSON.parse(process.argv[one + 1] ?? '{}') as StormSpec);
  else await main();
}
