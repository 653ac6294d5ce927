/**
 * Simulation speed: simulated link-hours of a flapping network per wall-clock second.
 * One real link (statechart, effects, outbox) in a simulated world whose network drops every
 * few minutes (1 to 10 by default), with the host publishing a message a minute.
 */
import { performance } from 'node:perf_hooks';
import { seededRandom } from '../simulations/world/seeded-random.js';
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

const MINUTE = 60_000;

async function flappingLink(hours: number, seed: number, flap: readonly [number, number]): Promise<{ flaps: number; connections: number }> {
  const w = createWorld({ seed });
  const rnd = seededRandom(seed ^ 0x5eed);
  await w.link.start();
  const end = w.clock.now() + hours * 60 * MINUTE;
  let flaps = 0;
  // The world acts on its own simulated timers: a drop every 1 to 10 minutes, a publish a minute.
  const nextFlap = () => (flap[0] + rnd.next() * (flap[1] - flap[0])) * MINUTE;
  const drop = () => {
    w.broker.dropAll();
    flaps += 1;
    if (w.clock.now() < end) w.clock.setTimeout(drop, nextFlap());
  };
  const publish = () => {
    void w.link.publish('chart', new Uint8Array(64)).catch(() => undefined);
    if (w.clock.now() < end) w.clock.setTimeout(publish, MINUTE);
  };
  w.clock.setTimeout(drop, nextFlap());
  w.clock.setTimeout(publish, MINUTE);
  await w.clock.advanceTo(end);
  const connections = w.link.actor.getSnapshot().context.stats.connections;
  await w.clock.runUntil(w.link.stop());
  return { flaps, connections };
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
