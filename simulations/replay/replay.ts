/**
 * Replaying a recording through the REAL statechart (`linkMachine`) with inert effects: nothing
 * talks to a network; the effects' results (done/error), the host and transport events come from
 * the recording, in order, each with its recorded time; delayed events are NOT re-sent: the
 * machine's own timers produce them on a replay clock advanced to each recorded event's time.
 *
 * Ordering rule: a timer due strictly before the next recorded event fires by itself; one due within
 * `slackMs` of it (default 0: exactly at it) is left to the recording — it fires where the recording
 * shows its delayed event, or never if the event cancels it. (A real run's timers fire a little
 * late; `slackMs` lets a recording made on a busy machine replay in its recorded order.)
 */
import { parseRecording } from './parse.js';
import { createReplayCore, type ReplayOptions, type ReplayResult } from './replay-core.js';

export type { Divergence } from './verify.js';
export { createReplayCore, replayMachine, type ReplayCore, type ReplayOptions, type ReplayResult } from './replay-core.js';

/** A replay in progress: one recorded line per `step()`, so a caller can pace it (`--inspect`). */
export interface ReplayRun {
  /** Recorded lines (events) still to replay. */
  readonly remaining: number;
  /** Replays the next recorded line; false when none is left (or the machine failed). */
  step(): boolean;
  /** Stops the machine and returns the result (call once, after the last step). */
  finish(): ReplayResult;
}

export function replayRecording(lines: string[] | string, options: ReplayOptions = {}): ReplayResult {
  const run = startReplay(lines, options);
  while (run.step()) { /* every recorded line */ }
  return run.finish();
}

export function startReplay(lines: string[] | string, options: ReplayOptions = {}): ReplayRun {
  const recording = parseRecording(lines, options);
  const core = createReplayCore(recording.header, options);
  let next = 0;
  let running = true;
  return {
    get remaining() { return running ? recording.events.length - next : 0; },
    step() {
      const line = recording.events[next];
      if (!running || line === undefined) return false;
      next += 1;
      running = core.replay(line);
      return running && next < recording.events.length;
    },
    finish: () => core.finish(recording, recording.events[recording.events.length - 1]?.at),
  };
}

