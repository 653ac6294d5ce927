/**
 * The reconnect storm: N real link actors (one `linkMachine` each, fleet effects, one shared
 * HeapClock) are connected and stable; the cloud drops them all at t = 0 and then admits at most C
 * new connections per second, either refusing the rest with no advice (`plain`) or telling each one
 * when to come back (`spreading`). Measures the time until every agent is connected again, the
 * attempts made and the attempts per second against C.
 */
import { performance } from 'node:perf_hooks';
import { createActor, type Actor } from 'xstate';
import { defaultSettings } from '../../machines/defaults.js';
import { seededRandom } from '../world/seeded-random.js';
import { FleetCloud } from './fleet-cloud.js';
import { DEFAULT_LATENCIES, fleetMachine } from './fleet-effects.js';
import { HeapClock } from './heap-clock.js';
import { SpreadingCloud } from './spreading-cloud.js';
import { stormResult, type FleetMachine, type StormOptions, type StormResult } from './storm-result.js';

export type { StormCloudKind, StormOptions, StormResult } from './storm-result.js';

type Agent = Actor<FleetMachine>;
const MIB = 2 ** 20;

/** CPU seconds (user + system, every thread of the process) since `start`. */
function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

export function runStorm(o: StormOptions): StormResult {
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const capMs = o.capMs ?? 2 * 3_600_000;
  const maxAttempts = o.maxAttempts ?? 2_000_000;
  const clock = new HeapClock();
  const cloud = o.cloud === 'spreading' ? new SpreadingCloud(o.capacityPerSecond, clock.now(), o.spreading) : new FleetCloud(o.capacityPerSecond, clock.now());
  const rnd = seededRandom(o.seed ?? 0x5707);
  const built = fleetMachine(clock, cloud, () => rnd.next(), o.latencies ?? DEFAULT_LATENCIES);
  const machine = o.adapt ? o.adapt(built) : built;
  const settings = defaultSettings({ enabled: true, claimId: 'claim', connectionKey: 'k', backoff: { policy: o.policy } });
  let peakRss = process.memoryUsage.rss();
  const sampleRss = () => { if (clock.fired % 50_000 === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss()); };

  // Bring the fleet up with an unlimited cloud, then make every agent stable (3 PUBACKs).
  cloud.limited = false;
  const agents: Agent[] = [];
  for (let i = 0; i < o.agents; i += 1) {
    const own = { ...settings, claimId: `agent-${i}` };
    const actor = createActor(machine, { clock, input: { settings: own, seed: (o.seed ?? 0) + i + 1, now: clock.now() } });
    actor.start();
    agents.push(actor);
  }
  const upAt = clock.now() + 60_000;
  clock.runUntil(upAt, () => cloud.sessionCount >= o.agents);
  for (const a of agents) for (let k = 0; k < 3; k += 1) a.send({ type: 'PUBACK', at: clock.now() });
  const notStable = agents.filter((a) => !a.getSnapshot().matches({ connected: 'stable' })).length;
  if (notStable > 0) throw new Error(`storm: ${notStable} agents not stable before the drop`);
  clock.advance(1000);
  const heapAtDrop = process.memoryUsage().heapUsed;
  peakRss = Math.max(peakRss, process.memoryUsage.rss());

  // The drop.
  const t0 = clock.now();
  cloud.reset(t0);
  cloud.limited = true;
  for (const a of agents) a.send({ type: 'TRANSPORT_CLOSED', at: t0, code: 'SOCKET_CLOSED', message: 'cloud dropped the connection' });
  let lastUpAt = t0;
  let up = 0;
  const stop = () => {
    sampleRss();
    if (cloud.sessionCount !== up) { up = cloud.sessionCount; lastUpAt = clock.now(); }
    return up >= o.agents || cloud.attemptCount >= maxAttempts;
  };
  clock.runUntil(t0 + capMs, stop);

  let connected = 0;
  const lastWaits = { block: 0, policy: 0, ban: 0 };
  for (const a of agents) {
    const snap = a.getSnapshot();
    if (snap.matches('connected')) connected += 1;
    const kind = snap.context.stats.lastWaitKind;
    if (kind !== null) lastWaits[kind] += 1;
    a.stop();
  }
  return stormResult({
    o,
    stats: cloud.stats(),
    connected,
    endMs: clock.now() - t0,
    lastUpMs: lastUpAt - t0,
    maxAttempts,
    lastWaits,
    spreading: cloud instanceof SpreadingCloud ? cloud.spreadingStats() : undefined,
    heapAtDropMiB: heapAtDrop / MIB,
    peakRssMiB: Math.max(peakRss, process.memoryUsage.rss()) / MIB,
    wallSeconds: (performance.now() - wall0) / 1000,
    cpuSeconds: cpuSince(cpu0),
  });
}
