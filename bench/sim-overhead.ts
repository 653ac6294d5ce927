/**
 * The link's overhead over xstate's floor, side by side in one run: microseconds per connection cycle
 * of the real link in the simulated world (wall time / connections of the flapping simulation, the
 * network dropping every 1 to 10 minutes, a publish a minute) and of bench/xstate-floor.ts (a minimal
 * machine with the protocol's steps).
 *
 * Many short rounds, each a floor run and a link run back to back (which one goes first alternates),
 * after a warm-up of both. The speed of a shared 2-core machine drifts by 20% and more over seconds, and
 * a slow phase costs the link more than the floor (measured; not the collector's threads: a single-threaded
 * collector moves it the same way, so most likely the link's larger working set): a ratio taken within each
 * round (about half a second) sees both under the same conditions, and the median of the rounds' ratios
 * is the result; the ratio of the medians and the quartiles of the round ratios are kept beside it.
 *
 * `npm run build && node dist/bench/sim-overhead.js [rounds] [links] [hours] [floorCycles]` prints the
 * row of `npm run bench` and writes bench/results/sim-overhead.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { simSpeed } from './sim-speed.js';
import { median, quantile } from './stats.js';
import { xstateFloor } from './xstate-floor.js';

export interface SimOverheadResult {
  readonly name: 'sim-overhead';
  readonly rounds: number;
  /** Each link run: `links` flapping links of `hours` simulated hours, drops every 1 to 10 minutes. */
  readonly links: number;
  readonly hours: number;
  readonly floorCycles: number;
  /** Per round, microseconds per connection cycle. */
  readonly linkMicros: readonly number[];
  readonly floorMicros: readonly number[];
  /** Medians over the rounds. */
  readonly linkMicrosPerCycle: number;
  readonly floorMicrosPerCycle: number;
  /** The result: the median of the rounds' ratios (link / floor within each round). */
  readonly ratio: number;
  /** The ratio of the two medians (the earlier statistic, for comparison). */
  readonly ratioOfMedians: number;
  /** The ratio of each round (their spread shows the noise), and its quartiles. */
  readonly roundRatios: readonly number[];
  readonly roundRatioQuartiles: readonly [number, number];
  /**
   * The share of the machine's CPU time taken by its hypervisor for other guests during the rounds
   * (`steal` in /proc/stat; null where there is none to read). A busy host slows the link more than the
   * floor, and not always visibly as steal: read the ratio with it and with the floor's own time.
   */
  readonly steal: number | null;
}

/** /proc/stat's first line: [steal, total] jiffies, or null off Linux. */
function cpuTimes(): [number, number] | null {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    if (fields.length < 8 || fields.some((n) => !Number.isFinite(n))) return null;
    return [fields[7] ?? 0, fields.slice(0, 8).reduce((a, b) => a + b, 0)];
  } catch {
    return null;
  }
}

async function linkMicros(links: number, hours: number): Promise<number> {
  const r = await simSpeed(links, hours, [1, 10]);
  return (r.wallSeconds * 1e6) / r.connections;
}

const floorMicros = async (cycles: number): Promise<number> => (await xstateFloor(cycles, 1)).microsPerCycle;

export async function simOverhead(rounds = 31, links = 3, hours = 100, floorCycles = 2_500): Promise<SimOverheadResult> {
  await floorMicros(floorCycles); // warm-up of both
  await linkMicros(links, hours);
  const floorRounds: number[] = [];
  const linkRounds: number[] = [];
  const before = cpuTimes();
  for (let r = 0; r < rounds; r += 1) {
    if (r % 2 === 0) {
      floorRounds.push(await floorMicros(floorCycles));
      linkRounds.push(await linkMicros(links, hours));
    } else {
      linkRounds.push(await linkMicros(links, hours));
      floorRounds.push(await floorMicros(floorCycles));
    }
  }
  const after = cpuTimes();
  const steal = before && after && after[1] > before[1] ? (after[0] - before[0]) / (after[1] - before[1]) : null;
  const roundRatios = linkRounds.map((l, i) => l / (floorRounds[i] ?? l));
  const linkMicrosPerCycle = median(linkRounds);
  const floorMicrosPerCycle = median(floorRounds);
  return {
    name: 'sim-overhead', rounds, links, hours, floorCycles, linkMicros: linkRounds, floorMicros: floorRounds,
    linkMicrosPerCycle, floorMicrosPerCycle, ratio: median(roundRatios), ratioOfMedians: linkMicrosPerCycle / floorMicrosPerCycle,
    roundRatios, roundRatioQuartiles: [quantile(roundRatios, 0.25), quantile(roundRatios, 0.75)], steal,
  };
}

/** The row of `npm run bench`'s table. */
export function simOverheadRow(r: SimOverheadResult): string {
  const [q1, q3] = r.roundRatioQuartiles;
  return `| one simulated connection cycle vs xstate's floor | ${r.linkMicrosPerCycle.toFixed(0)} vs ${r.floorMicrosPerCycle.toFixed(0)} us, ratio ${r.ratio.toFixed(2)}`
    + ` (median of ${r.rounds} paired rounds; quartiles ${q1.toFixed(2)}-${q3.toFixed(2)}; ratio of medians ${r.ratioOfMedians.toFixed(2)}`
    + `${r.steal === null ? '' : `; CPU stolen by the host ${(r.steal * 100).toFixed(0)}%`}) | <= 1.5 |`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [rounds, links, hours, cycles] = process.argv.slice(2).map(Number);
  const r = await simOverhead(rounds || 31, links || 3, hours || 100, cycles || 2_500);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/sim-overhead.json', `${JSON.stringify({ node: process.version, at: new Date().toISOString(), ...r }, null, 2)}\n`);
  console.log(simOverheadRow(r));
}
