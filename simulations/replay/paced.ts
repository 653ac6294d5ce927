/**
 * A replay paced in real time, for people watching it in an inspector (`aclk replay FILE --inspect`):
 * the same steps as `replayRecording`, with a pause after each recorded line so the inspector shows
 * the machine move (and so `@statelyai/inspect`, which serialises on a later tick, sees each
 * snapshot while it is current).
 */
import { startReplay, type ReplayOptions, type ReplayResult } from './replay.js';

export interface PacedOptions extends ReplayOptions {
  /** Pause after each recorded line, ms (0: just yield to the event loop). */
  readonly paceMs: number;
  /** Injected for tests; default a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function replayPaced(lines: string[] | string, options: PacedOptions): Promise<ReplayResult> {
  const sleep = options.sleep ?? realSleep;
  const run = startReplay(lines, options);
  await sleep(options.paceMs); // the machine's start, before the first recorded event
  while (run.step()) await sleep(options.paceMs);
  await sleep(options.paceMs);
  return run.finish();
}
