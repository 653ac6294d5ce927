/**
 * `npm run bench`: runs the benchmarks, writes JSON to bench/results/ and prints a table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { simSpeed } from './sim-speed.js';

const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
const results = [await simSpeed(20, 100, [1, 10]), await simSpeed(20, 100, [30, 90])];
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/${new Date().toISOString().slice(0, 10)}.json`;
writeFileSync(file, `${JSON.stringify({ machine, results }, null, 2)}\n`);
console.log(`machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node.js ${machine.node}`);
console.log('| benchmark | result | target |');
console.log('|---|---|---|');
for (const r of results) {
  console.log(`| simulation speed, drops every ${r.flapMinutes[0]}-${r.flapMinutes[1]} min | ${Math.round(r.linkHoursPerSecond).toLocaleString('en-US')} simulated link-hours per second (${r.links} links x ${r.simulatedHoursPerLink} h, ${r.flaps} flaps, ${r.wallSeconds.toFixed(2)} s) | >= 1,000 |`);
}
for (const row of (await import('./storm.js')).benchRows(file)) console.log(row);
console.log(`written: ${file}`);
