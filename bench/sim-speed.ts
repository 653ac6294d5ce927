/**
 * Simulation speed: simulated link-hours of a flapping network per wall-clock second.
 * One real link (statechart, effects, outbox) in a simulated world whose network drops every
 * few minutes (1 to 10 by default), with the host publishing a message a minute.
 */
import { performance } from 'node:perf_hooks';
import { runFlapping } from '../simulations/world/flapping.js';
import { createWorld } from '../simulations/world/world.js';

export interface SimSpeedResult {
  readonly name: 'simulation-speed';
  /** The network drops every `flapMinutes[0]` to `flapMinutes[1]` minutes. */
  readonly flapMinutes: readonly [number, number];
  readonly links: number;
  readonly simulatedHoursPerLink: number;
  readonly flaps: number;
  readonly connections: number;
  readonly wallSeconds: number;
  readonly linkHoursPerSecond: number;
}


async function flappingLink(hours: number, seed: number, flapMinutes: readonly [number, number]): Promise<{ flaps: number; connections: number }> {
  const w = createWorld({ seed, log: false }); // nobody reads the world's logs here
  const { flaps } = await runFlapping(w, { hours, seed, flapMinutes });
  return { flaps, connections: w.link.actor.getSnapshot().context.stats.connections };
}

export async function simSpeed(links = 20, hours = 100, flapMinutes: readonly [number, number] = [1, 10]): Promise<SimSpeedResult> {
  const t0 = performance.now();
  let flaps = 0;
  let connections = 0;
  for (let i = 0; i < links; i += 1) {
    const r = await flappingLink(hours, i + 1, flapMinutes);
    flaps += r.flaps;
    connections += r.connections;
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  return { name: 'simulation-speed', flapMinutes, links, simulatedHoursPerLink: hours, flaps, connections, wallSeconds, linkHoursPerSecond: (links * hours) / wallSeconds };
}
