/**
 * The reconnect storm: N real link actors (one `linkMachine` each, fleet effects, one shared
 * HeapClock) are connected and stable; the cloud drops them all at t = 0 and then admits at most C
 * new connections per second. Measures the time until every agent is connected again, the attempts
 * made and the attempts per second against C.
 */
import { performance } from 'node:perf_hooks';
import { createActor, type Actor } from 'xstate';
import { defaultSettings } from '../../machines/defaults.js';
import type { BackoffPolicyName } from '../../machines/backoff/policy.js';
import { seededRandom } from '../world/seeded-random.js';
import { FleetCloud } from './fleet-cloud.js';
import { DEFAULT_LATENCIES, fleetMachine, type FleetLatencies } from './fleet-effects.js';
import { HeapClock } from './heap-clock.js';

export interface StormOptions {
  readonly agents: number;
  readonly capacityPerSecond: number;
  readonly policy: BackoffPolicyName;
  /** Simulated time after the drop at which the run gives up (default 2 h). */
  readonly capMs?: number;
  /** Attempts after which the run gives up (keeps `none` affordable; default 2,000,000). */
  readonly maxAttempts?: number;
  readonly seed?: number;
  readonly latencies?: FleetLatencies;
}

export interface StormResult {
  readonly name: 'reconnect-storm';
  readonly policy: BackoffPolicyName;
  readonly agents: number;
  readonly capacityPerSecond: number;
  readonly recovered: boolean;
  /** Connected again at the end of the run. */
  readonly connected: number;
  /** Simulated ms from the drop to the last agent's reconnection (or to the end of a capped run). */
  readonly recoveryMs: number;
  readonly attempts: number;
  readonly attemptsPerAgent: number;
  readonly peakAttemptsPerSecond: number;
  readonly peakAdmittedPerSecond: number;
  /** Why a run that did not recover stopped. */
  readonly stoppedBy: 'recovered' | 'time cap' | 'attempt cap';
  readonly attemptsPerSecond: readonly number[];
  readonly admittedPerSecond: readonly number[];
  readonly wallSeconds: number;
}

type Agent = Actor<ReturnType<typeof fleetMachine>>;

export function runStorm(o: StormOptions): StormResult {
  const wall0 = performance.now();
  const capMs = o.capMs ?? 2 * 3_600_000;
  const maxAttempts = o.maxAttempts ?? 2_000_000;
  const clock = new HeapClock();
  const cloud = new FleetCloud(o.capacityPerSecond, clock.now());
  const rnd = seededRandom(o.seed ?? 0x5707);
  const machine = fleetMachine(clock, cloud, () => rnd.next(), o.latencies ?? DEFAULT_LATENCIES);
  const settings = defaultSettings({ enabled: true, claimId: 'claim', connectionKey: 'k', backoff: { policy: o.policy } });

  // Bring the fleet up with an unlimited cloud, then make every agent stable (3 PUBACKs).
  cloud.limited = false;
  const agents: Agent[] = [];
  for (let i = 0; i < o.agents; i += 1) {
    const actor = createActor(machine, { clock, input: { settings, seed: (o.seed ?? 0) + i + 1, now: clock.now() } });
    actor.start();
    agents.push(actor);
  }
  const upAt = clock.now() + 60_000;
  clock.runUntil(upAt, () => cloud.admittedCount >= o.agents);
  for (const a of agents) for (let k = 0; k < 3; k += 1) a.send({ type: 'PUBACK', at: clock.now() });
  const notStable = agents.filter((a) => !a.getSnapshot().matches({ connected: 'stable' })).length;
  if (notStable > 0) throw new Error(`storm: ${notStable} agents not stable before the drop`);
  clock.advance(1000);

  // The drop.
  const t0 = clock.now();
  cloud.reset(t0);
  cloud.limited = true;
  for (const a of agents) a.send({ type: 'TRANSPORT_CLOSED', at: t0, code: 'SOCKET_CLOSED', message: 'cloud dropped the connection' });
  let lastAdmitAt = t0;
  let admitted = 0;
  const stop = () => {
    if (cloud.admittedCount !== admitted) { admitted = cloud.admittedCount; lastAdmitAt = clock.now(); }
    return admitted >= o.agents || cloud.attemptCount >= maxAttempts;
  };
  clock.runUntil(t0 + capMs, stop);

  const connected = agents.filter((a) => a.getSnapshot().matches('connected')).length;
  for (const a of agents) a.stop();
  const s = cloud.stats();
  const recovered = connected === o.agents;
  return {
    name: 'reconnect-storm',
    policy: o.policy,
    agents: o.agents,
    capacityPerSecond: o.capacityPerSecond,
    recovered,
    connected,
    recoveryMs: (recovered ? lastAdmitAt : clock.now()) - t0,
    attempts: s.attempts,
    attemptsPerAgent: s.attempts / o.agents,
    peakAttemptsPerSecond: Math.max(0, ...s.attemptsPerSecond),
    peakAdmittedPerSecond: Math.max(0, ...s.admittedPerSecond),
    stoppedBy: recovered ? 'recovered' : s.attempts >= maxAttempts ? 'attempt cap' : 'time cap',
    attemptsPerSecond: s.attemptsPerSecond,
    admittedPerSecond: s.admittedPerSecond,
    wallSeconds: (performance.now() - wall0) / 1000,
  };
}
