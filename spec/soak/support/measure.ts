/**
 * Measurements for the soak tests: heap after a forced GC, the process's active resources by kind,
 * summaries (min/median/max, least-squares slope) and the report (a console table; in the full run
 * also `soak-<name>.json` in SOAK_RESULTS_DIR).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FULL_SOAK, SOAK_RESULTS_DIR } from '../scale.js';

/**
 * `global.gc` when node runs with --expose-gc; vitest's workers do not, so the flag is set at run time
 * and `gc` taken from a fresh context (V8 installs it in contexts created after the flag is set).
 */
function findGc(): (() => void) | null {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}
const gc = findGc();
/** How the heap is measured (in the report). */
export const HEAP_METHOD = gc ? 'heapUsed after a full GC (twice), min of 3 samples' : 'no gc: min heapUsed of 3 samples 200 ms apart';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** heapUsed in bytes, after letting things settle: min of 3 samples, each after a full GC when available. */
export async function settledHeap(): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < 3; i += 1) {
    await sleep(gc ? 50 : 200);
    gc?.();
    gc?.();
    min = Math.min(min, process.memoryUsage().heapUsed);
  }
  return min;
}

/** The resource kinds the link itself creates (sockets and timers). */
export const LINK_RESOURCE_KINDS = ['TCPSocketWrap', 'TLSWrap', 'Timeout'] as const;

/**
 * Timers tolerated beyond the baseline after everything stopped: none is expected (measured: 0), two
 * are allowed for a timer that is just being cleared when the sample is taken (a settling poll ran).
 * Sockets (TCPSocketWrap, TLSWrap) get no tolerance.
 */
export const TIMEOUT_TOLERANCE = 2;

export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** Growth per link kind between two `activeResources()` samples (negative means fewer). */
export function resourceGrowth(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(LINK_RESOURCE_KINDS.map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)]));
}

/** `activeResources()` once the counts of the link's kinds stop changing (closing sockets need a few ticks). */
export async function settledResources(): Promise<Record<string, number>> {
  let last = activeResources();
  for (let i = 0; i < 20; i += 1) {
    await sleep(100);
    const now = activeResources();
    if (LINK_RESOURCE_KINDS.every((k) => now[k] === last[k])) return now;
    last = now;
  }
  return last;
}

export function summary(values: readonly number[]): { n: number; min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { n: sorted.length, min: sorted[0] ?? NaN, median: at(0.5), max: sorted[sorted.length - 1] ?? NaN };
}

/** Least-squares slope of y over x. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

export const MB = 1024 * 1024;
export const mb = (bytes: number): number => Math.round((bytes / MB) * 100) / 100;

/** Prints `rows` as a table; in the full run also writes `{name, scale, at, ...report}` as JSON. */
export async function report(name: string, rows: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<void> {
  console.log(`\nsoak ${name} (${FULL_SOAK ? 'full' : 'short'} scale)`);
  console.table(rows);
  if (!FULL_SOAK) return;
  await mkdir(fileURLToPath(SOAK_RESULTS_DIR), { recursive: true });
  const file = new URL(`soak-${name}.json`, SOAK_RESULTS_DIR);
  const body = { name, scale: 'full', at: new Date().toISOString(), node: process.version, heapMethod: HEAP_METHOD, ...rows, ...extra };
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
  console.log(`written ${fileURLToPath(file)}`);
}
