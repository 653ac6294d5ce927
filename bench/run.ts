/**
 * `npm run bench`: runs every benchmark, writes JSON to bench/results/ and prints a table:
 * simulation speed at four drop rates, one simulated connection cycle against xstate's own floor (side
 * by side, bench/sim-overhead.ts), replay speed, the reconnect storm (10,000 and 100,000 agents, each run in a child process; BENCH_STORM_100K=0 skips 100,000), then the side-by-side
 * comparison with bare mqtt.js (bench/baseline.ts, in a child process; mosquitto and aedes).
 * Then the footprint (bench/footprint.ts: packages, size, import time; BENCH_FOOTPRINT=0 skips it).
 * BENCH_BASELINE=0 skips the comparison (it takes several minutes).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { findMosquitto } from '../devcloud/broker/mosquitto-files.js';
import { replaySpeed } from './replay-speed.js';
import { simOverhead, simOverheadRow } from './sim-overhead.js';
import { simSpeed } from './sim-speed.js';

const n = (x: number): string => Math.round(x).toLocaleString('en-US');
const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
// Simulated link-hours per second as the network drops less often; then the target: the link's
// connection cycle against xstate's floor, in alternating rounds of the same run.
const sims = [];
for (const flap of [[1, 10], [2, 20], [10, 30], [30, 90]] as const) sims.push(await simSpeed(20, 100, flap));
const overhead = await simOverhead();
const replay = await replaySpeed(24, 5);
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/${new Date().toISOString().slice(0, 10)}.json`;
writeFileSync(file, `${JSON.stringify({ machine, results: [...sims, overhead, replay] }, null, 2)}\n`);
console.log(`machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node.js ${machine.node}`);
console.log('| benchmark | result | target |');
console.log('|---|---|---|');
for (const r of sims) {
  console.log(`| simulation speed, drops every ${r.flapMinutes[0]}-${r.flapMinutes[1]} min | ${n(r.linkHoursPerSecond)} simulated link-hours per second (${r.links} links x ${r.simulatedHoursPerLink} h, ${r.flaps} flaps, ${r.wallSeconds.toFixed(2)} s) | report |`);
}
console.log(simOverheadRow(overhead));
console.log(`| replay speed, ${replay.simulatedHours} h of flapping (${n(replay.lines)} lines) with --verify | ${n(replay.eventsPerSecond)} recorded events per second (${n(replay.hoursPerSecond)} simulated hours per second; ${replay.medianMs.toFixed(0)} ms per replay) | report |`);
for (const row of await (await import('./storm.js')).benchRows(file)) console.log(row);
// What an embedder installs and the import cost (packs, installs from the registry into a temporary project).
if (process.env.BENCH_FOOTPRINT !== '0') {
  const { footprint, footprintRows } = await import('./footprint.js');
  const fp = await footprint();
  writeFileSync('bench/results/footprint.json', `${JSON.stringify(fp, null, 2)}\n`);
  for (const row of footprintRows(fp)) console.log(row);
}
console.log(`written: ${file}`);

if (process.env.BENCH_BASELINE !== '0') {
  const env = { ...process.env };
  try {
    await findMosquitto();
  } catch (error) {
    console.error(`\n*** mosquitto is missing (${error instanceof Error ? error.message : String(error)}): apt-get install -y mosquitto.`
      + ' The comparison with bare mqtt.js runs against aedes only. ***\n');
    env.BASELINE_BROKERS = 'aedes';
    env.BASELINE_MEMORY_BROKERS = 'aedes';
  }
  console.log('\nagainst bare mqtt.js (bench/baseline.ts):');
  const child = spawn(process.execPath, [fileURLToPath(new URL('./baseline.js', import.meta.url))], { stdio: 'inherit', env });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) {
    console.error(`baseline benchmark failed (exit ${String(code)})`);
    process.exitCode = 1;
  }
}
