/**
 * The contention benchmark ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015):
 * `node dist/bench/contention.js` runs N = 10..190 clients (step 20), 100 races each with a fixed
 * seed (and N = 100), for the blog's five policies and ours mapped onto its time scale; writes
 * bench/results/contention.json and prints markdown tables (N = 100, then calls per client).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { BLOG_POLICIES, OUR_POLICIES, contention, type ContentionRow } from '../simulations/fleet/contention.js';

export const CLIENTS = Array.from({ length: 10 }, (_, i) => 10 + 20 * i);
const POLICIES = [...BLOG_POLICIES, ...OUR_POLICIES];
const REFERENCE: Record<string, string> = {
  none: '~2,430 / 2.0 s', exponential: '~1,860 / 64 s', equal: '~810 / 6.5 s', full: '~795 / 4.9 s', decorrelated: '~1,000 / 4.5 s',
};

const n = (v: number) => Math.round(v).toLocaleString('en-US');

export function contentionRows(rows: readonly ContentionRow[], clients = 100): string[] {
  return [
    `| policy (N = ${clients}, mean of ${rows[0]?.runs ?? 0} runs) | calls | calls per client | completion time | blog simulator re-run |`,
    '|---|---|---|---|---|',
    ...rows.filter((r) => r.clients === clients).map((r) =>
      `| ${r.policy} | ${n(r.meanCalls)} | ${r.callsPerClient.toFixed(2)} | ${(r.meanTimeMs / 1000).toFixed(2)} s | ${REFERENCE[r.policy] ?? '-'} |`),
  ];
}

export function sweepRows(rows: readonly ContentionRow[]): string[] {
  const get = (p: string, c: number) => rows.find((r) => r.policy === p && r.clients === c);
  return [
    `| calls per client / time (s) | ${CLIENTS.join(' | ')} |`,
    `|---|${CLIENTS.map(() => '---').join('|')}|`,
    ...POLICIES.map((p) => `| ${p} | ${CLIENTS.map((c) => { const r = get(p, c); return r ? `${r.callsPerClient.toFixed(1)} / ${(r.meanTimeMs / 1000).toFixed(1)}` : '-'; }).join(' | ')} |`),
  ];
}

function main(): void {
  const t0 = performance.now();
  // The sweep, plus N = 100 where the blog's numbers were re-run.
  const rows = [...CLIENTS, 100].flatMap((c) => POLICIES.map((p) => contention(c, p, 100, 2015)));
  const wallSeconds = (performance.now() - t0) / 1000;
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/contention.json', `${JSON.stringify({ seed: 2015, runs: 100, wallSeconds, rows }, null, 2)}\n`);
  for (const line of contentionRows(rows)) console.log(line);
  console.log('');
  for (const line of sweepRows(rows)) console.log(line);
  console.log(`\n${wallSeconds.toFixed(1)} s wall; written: bench/results/contention.json`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
