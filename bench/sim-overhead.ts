/**
 * The link's overhead over xstate's floor, side by side in one run: microseconds per connection cycle
 * of the real link in the simulated world (wall time / connections of the flapping simulation, the
 * network dropping every 1 to 10 minutes, a publish a minute) and of bench/xstate-floor.ts (a minimal
 * machine with the protocol's steps). Rounds alternate (floor, link, floor, link, ...) after a warm-up
 * of each, so that JIT, GC and the load of a shared machine affect both; medians, then the ratio.
 *
 * `npm run build && node dist/bench/sim-overhead.js [rounds] [links] [hours] [floorCycles]` prints the
 * row of `npm run bench` and writes bench/results/sim-overhead.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { simSpeed } from './sim-speed.js';
import { xstateFloor } from './xstate-floor.js';

export interface SimOverheadResult {
  readonly name: 'sim-overhead';
  readonly rounds: number;
  /** Each link round: `links` flapping links of `hours` simulated hours, drops every 1 to 10 minutes. */
  readonly links: number;
  readonly hours: number;
  readonly floorCycles: number;
  /** Per round, microseconds per connection cycle. */
  readonly linkMicros: readonly number[];
  readonly floorMicros: readonly number[];
  readonly linkMicrosPerCycle: number;
  readonly floorMicrosPerCycle: number;
  /** link / floor (medians). */
  readonly ratio: number;
  /** The ratio of each round's pair (its spread shows the noise). */
  readonly roundRatios: readonly number[];
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function linkMicros(links: number, hours: number): Promise<number> {
  const r = await simSpeed(links, hours, [1, 10]);
  return (r.wallSeconds * 1e6) / r.connections;
}

export async function simOverhead(rounds = 7, links = 10, hours = 100, floorCycles = 10_000): Promise<SimOverheadResult> {
  await xstateFloor(Math.ceil(floorCycles / 4), 1); // warm-up of both
  await linkMicros(Math.max(1, Math.ceil(links / 4)), hours);
  const floorRounds: number[] = [];
  const linkRounds: number[] = [];
  for (let r = 0; r < rounds; r += 1) {
    floorRounds.push((await xstateFloor(floorCycles, 1)).microsPerCycle);
    linkRounds.push(await linkMicros(links, hours));
  }
  const linkMicrosPerCycle = median(linkRounds);
  const floorMicrosPerCycle = median(floorRounds);
  return {
    name: 'sim-overhead', rounds, links, hours, floorCycles, linkMicros: linkRounds, floorMicros: floorRounds,
    linkMicrosPerCycle, floorMicrosPerCycle, ratio: linkMicrosPerCycle / floorMicrosPerCycle,
    roundRatios: linkRounds.map((l, i) => l / (floorRounds[i] ?? l)),
  };
}

/** The row of `npm run bench`'s table. */
export function simOverheadRow(r: SimOverheadResult): string {
  return `| one simulated connection cycle vs xstate's floor | ${r.linkMicrosPerCycle.toFixed(0)} vs ${r.floorMicrosPerCycle.toFixed(0)} us, ratio ${r.ratio.toFixed(2)}`
    + ` (medians of ${r.rounds} alternating rounds; round ratios ${r.roundRatios.map((x) => x.toFixed(2)).join(', ')}) | <= 1.5 |`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [rounds, links, hours, cycles] = process.argv.slice(2).map(Number);
  const r = await simOverhead(rounds || 7, links || 10, hours || 100, cycles || 10_000);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/sim-overhead.json', `${JSON.stringify({ node: process.version, at: new Date().toISOString(), ...r }, null, 2)}\n`);
  console.log(simOverheadRow(r));
}
