/**
 * What a reconnect storm is asked (`StormOptions`) and what it measures (`StormResult`).
 */
import type { BackoffPolicyName } from '../../machines/backoff/policy.js';
import type { FleetCloudStats } from './fleet-cloud.js';
import type { FleetLatencies, fleetMachine } from './fleet-effects.js';
import type { SpreadingOptions, SpreadingStats } from './spreading-cloud.js';

export type FleetMachine = ReturnType<typeof fleetMachine>;

/**
 * `plain`: refuses over C at CONNACK, with no advice (FleetCloud). `spreading`: refuses over C at the
 * env request with HTTP 429 and `errorRetryDelaySeconds` spread over the seconds it needs (SpreadingCloud).
 */
export type StormCloudKind = 'plain' | 'spreading';

export interface StormOptions {
  readonly agents: number;
  readonly capacityPerSecond: number;
  readonly policy: BackoffPolicyName;
  /** Default `plain`. */
  readonly cloud?: StormCloudKind;
  readonly spreading?: SpreadingOptions;
  /** Simulated time after the drop at which the run gives up (default 2 h). */
  readonly capMs?: number;
  /** Attempts after which the run gives up (keeps `none` affordable; default 2,000,000). */
  readonly maxAttempts?: number;
  readonly seed?: number;
  readonly latencies?: FleetLatencies;
  /** Changes the machine before the fleet is built (tests: a link that ignores the cloud's block). */
  readonly adapt?: (machine: FleetMachine) => FleetMachine;
}

export interface StormResult {
  readonly name: 'reconnect-storm';
  readonly policy: BackoffPolicyName;
  readonly cloud: StormCloudKind;
  readonly agents: number;
  readonly capacityPerSecond: number;
  readonly recovered: boolean;
  /** Connected again at the end of the run. */
  readonly connected: number;
  /** Simulated ms from the drop to the last agent's reconnection (or to the end of a capped run). */
  readonly recoveryMs: number;
  /** recoveryMs / (N / C seconds): 1 is the floor. */
  readonly recoveryVsFloor: number;
  readonly attempts: number;
  readonly attemptsPerAgent: number;
  readonly peakAttemptsPerSecond: number;
  /** Peak of attempts per second by agents that had already tried since the drop (the first wave left out). */
  readonly peakRetriesPerSecond: number;
  readonly peakAdmittedPerSecond: number;
  /** Why a run that did not recover stopped. */
  readonly stoppedBy: 'recovered' | 'time cap' | 'attempt cap';
  /** Agents whose last wait was the cloud's block, the policy's delay, or a ban (the statechart's `lastWaitKind`). */
  readonly lastWaits: { readonly block: number; readonly policy: number; readonly ban: number };
  /** The spreading cloud's own counts (absent for the plain cloud). */
  readonly spreading?: SpreadingStats;
  readonly attemptsPerSecond: readonly number[];
  readonly admittedPerSecond: readonly number[];
  readonly retriesPerSecond: readonly number[];
  /** V8 heap in use with the whole fleet up, just before the drop, MiB. */
  readonly heapAtDropMiB: number;
  /** Largest resident set size sampled during the run, MiB. */
  readonly peakRssMiB: number;
  readonly wallSeconds: number;
  /** CPU time of the process during the run (user + system, GC threads included). */
  readonly cpuSeconds: number;
}

export interface StormMeasures {
  readonly o: StormOptions;
  readonly stats: FleetCloudStats;
  readonly connected: number;
  readonly endMs: number;
  /** When the last session came up, ms after the drop. */
  readonly lastUpMs: number;
  readonly maxAttempts: number;
  readonly lastWaits: StormResult['lastWaits'];
  readonly spreading: SpreadingStats | undefined;
  readonly heapAtDropMiB: number;
  readonly peakRssMiB: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
}

export function stormResult(m: StormMeasures): StormResult {
  const { o, stats: s } = m;
  const recovered = m.connected === o.agents;
  const recoveryMs = recovered ? m.lastUpMs : m.endMs;
  return {
    name: 'reconnect-storm',
    policy: o.policy,
    cloud: o.cloud ?? 'plain',
    agents: o.agents,
    capacityPerSecond: o.capacityPerSecond,
    recovered,
    connected: m.connected,
    recoveryMs,
    recoveryVsFloor: recoveryMs / ((o.agents / o.capacityPerSecond) * 1000),
    attempts: s.attempts,
    attemptsPerAgent: s.attempts / o.agents,
    peakAttemptsPerSecond: peak(s.attemptsPerSecond),
    peakRetriesPerSecond: peak(s.retriesPerSecond),
    peakAdmittedPerSecond: peak(s.admittedPerSecond),
    stoppedBy: recovered ? 'recovered' : s.attempts >= m.maxAttempts ? 'attempt cap' : 'time cap',
    lastWaits: m.lastWaits,
    ...(m.spreading !== undefined ? { spreading: m.spreading } : {}),
    attemptsPerSecond: s.attemptsPerSecond,
    admittedPerSecond: s.admittedPerSecond,
    retriesPerSecond: s.retriesPerSecond,
    heapAtDropMiB: m.heapAtDropMiB,
    peakRssMiB: m.peakRssMiB,
    wallSeconds: m.wallSeconds,
    cpuSeconds: m.cpuSeconds,
  };
}

/** Math.max over a long series without spreading it into arguments. */
function peak(series: readonly number[]): number {
  let max = 0;
  for (const v of series) if (v > max) max = v;
  return max;
}
