/**
 * Replay speed: recorded events per wall-clock second when `replayRecording` re-runs a long recording
 * (a simulated day of a network dropping every 1 to 10 minutes, the host publishing a message a
 * minute) through the real statechart with `verify` on, as `aclk replay --verify` does.
 */
import { performance } from 'node:perf_hooks';
import { memorySink } from '../link/recording-sinks.js';
import { replayRecording } from '../simulations/replay/replay.js';
import { runFlapping } from '../simulations/world/flapping.js';
import { createWorld } from '../simulations/world/world.js';

export interface ReplaySpeedResult {
  readonly name: 'replay-speed';
  readonly simulatedHours: number;
  readonly lines: number;
  readonly eventsSent: number;
  readonly delayedFired: number;
  readonly states: number;
  readonly rounds: number;
  /** Median wall time of one replay, ms. */
  readonly medianMs: number;
  /** Recorded events (sent + timers) per second. */
  readonly eventsPerSecond: number;
  /** Simulated hours replayed per second. */
  readonly hoursPerSecond: number;
}

export async function replaySpeed(hours = 24, rounds = 5): Promise<ReplaySpeedResult> {
  const sink = memorySink();
  const w = createWorld({ seed: 7, record: sink });
  await runFlapping(w, { hours, seed: 7 });
  const lines = sink.lines;
  const times: number[] = [];
  let last: ReturnType<typeof replayRecording> | undefined;
  for (let r = 0; r < rounds; r += 1) {
    const t0 = performance.now();
    last = replayRecording(lines, { verify: true });
    times.push(performance.now() - t0);
    if (last.divergence !== null) throw new Error(`replay diverged: ${JSON.stringify(last.divergence)}`);
  }
  if (!last) throw new Error('no replay ran');
  const medianMs = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? 0;
  const events = last.eventsSent + last.delayedFired;
  return {
    name: 'replay-speed', simulatedHours: hours, lines: lines.length, eventsSent: last.eventsSent, delayedFired: last.delayedFired,
    states: last.timeline.length, rounds, medianMs, eventsPerSecond: events / (medianMs / 1000), hoursPerSecond: hours / (medianMs / 1000),
  };
}
