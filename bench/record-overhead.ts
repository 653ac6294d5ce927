/**
 * Recording overhead and replay speed.
 *
 * 1. The same flapping simulated sessions (a real link; the network drops every 1 to 10 minutes, a
 *    publish a minute) with and without a recorder writing to an in-memory sink; rounds alternate
 *    so that warm-up and GC affect both; the ratio of the median wall times is the overhead.
 * 2. The recordings replayed (with verification): simulated hours per wall-clock second.
 *
 * `npm run build && node dist/bench/record-overhead.js [links] [hours] [rounds]`
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { memorySink } from '../link/record.js';
import { replayRecording } from '../simulations/replay/replay.js';
import { runFlapping } from '../simulations/world/flapping.js';
import { createWorld } from '../simulations/world/world.js';


export interface RecordOverheadResult {
  readonly name: 'record-overhead';
  readonly links: number;
  readonly hoursPerLink: number;
  readonly rounds: number;
  readonly flaps: number;
  readonly recordedLines: number;
  readonly recordedBytes: number;
  readonly withoutMs: number;
  readonly withMs: number;
  /** A no-op `inspect` only: xstate's own cost of inspection, part of the recorder's. */
  readonly inspectOnlyMs: number;
  /** (with - without) per recorded line, microseconds. */
  readonly usPerLine: number;
  /** with / without (median wall times). */
  readonly ratio: number;
  readonly replayMs: number;
  readonly replayedHoursPerSecond: number;
  readonly divergences: number;
}

type Mode = 'plain' | 'inspect' | 'record';

async function session(hours: number, seed: number, mode: Mode): Promise<{ flaps: number; lines: string[] }> {
  const sink = memorySink();
  const w = createWorld({ seed, ...(mode === 'record' ? { record: sink } : mode === 'inspect' ? { inspect: () => undefined } : {}) });
  const { flaps } = await runFlapping(w, { hours, seed });
  return { flaps, lines: sink.lines };
}

async function batch(links: number, hours: number, mode: Mode): Promise<{ ms: number; flaps: number; recordings: string[][] }> {
  const t0 = performance.now();
  let flaps = 0;
  const recordings: string[][] = [];
  for (let i = 0; i < links; i += 1) {
    const r = await session(hours, i + 1, mode);
    flaps += r.flaps;
    recordings.push(r.lines);
  }
  return { ms: performance.now() - t0, flaps, recordings };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export async function recordOverhead(links = 10, hours = 20, rounds = 5): Promise<RecordOverheadResult> {
  await batch(2, 1, 'record'); // warm-up
  const without: number[] = [];
  const inspectOnly: number[] = [];
  const withRec: number[] = [];
  let last = await batch(links, hours, 'record');
  for (let round = 0; round < rounds; round += 1) {
    without.push((await batch(links, hours, 'plain')).ms);
    inspectOnly.push((await batch(links, hours, 'inspect')).ms);
    last = await batch(links, hours, 'record');
    withRec.push(last.ms);
  }
  const t0 = performance.now();
  let divergences = 0;
  for (const lines of last.recordings) if (replayRecording(lines, { verify: true }).divergence) divergences += 1;
  const replayMs = performance.now() - t0;
  const withoutMs = median(without);
  const withMs = median(withRec);
  const recordedLines = last.recordings.reduce((n, r) => n + r.length, 0);
  return {
    name: 'record-overhead', links, hoursPerLink: hours, rounds, flaps: last.flaps,
    recordedLines, inspectOnlyMs: median(inspectOnly), usPerLine: ((withMs - withoutMs) * 1000) / recordedLines,
    recordedBytes: last.recordings.reduce((n, r) => n + r.reduce((m, l) => m + l.length + 1, 0), 0),
    withoutMs, withMs, ratio: withMs / withoutMs,
    replayMs, replayedHoursPerSecond: (links * hours) / (replayMs / 1000), divergences,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [links, hours, rounds] = process.argv.slice(2).map(Number);
  const r = await recordOverhead(links || 10, hours || 20, rounds || 5);
  console.log(JSON.stringify(r, null, 2));
  console.log(`recording overhead: ${r.withMs.toFixed(0)} ms with / ${r.withoutMs.toFixed(0)} ms without = x${r.ratio.toFixed(3)}` +
    ` (no-op inspect alone: ${r.inspectOnlyMs.toFixed(0)} ms; ${r.usPerLine.toFixed(1)} us per recorded line)` +
    ` (${r.links} links x ${r.hoursPerLink} h, ${r.flaps} flaps, ${r.recordedLines} lines, ${(r.recordedBytes / 1024).toFixed(0)} KiB)`);
  console.log(`replay: ${r.links * r.hoursPerLink} recorded hours in ${r.replayMs.toFixed(0)} ms = ${Math.round(r.replayedHoursPerSecond)} simulated hours per second, ${r.divergences} divergences`);
}
