/**
 * Replaying a recording read as a stream of lines (`replayFile`): each event line is replayed as soon
 * as it is parsed, so only the state lines (for `verify`) and the replayed timeline are kept, never
 * the file. With `paceMs`, paced for an inspector as `replayPaced` is.
 */
import { RecordingError, RecordingParser } from './parse.js';
import { createReplayCore, type ReplayCore, type ReplayOptions, type ReplayResult } from './replay-core.js';

export interface StreamOptions extends ReplayOptions {
  /** Pause after the start and after each recorded event line, ms (omitted: no pause). */
  readonly paceMs?: number;
  /** Injected for tests; default a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A real pause; 0 only yields to the event loop (a timer would take a millisecond or more). */
const realSleep = (ms: number): Promise<void> => new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));

export async function replayLines(lines: AsyncIterable<string> | Iterable<string>, options: StreamOptions = {}): Promise<ReplayResult> {
  const parser = new RecordingParser(options);
  const sleep = options.sleep ?? realSleep;
  const pace = options.paceMs === undefined ? null : options.paceMs;
  let core: ReplayCore | null = null;
  let running = true;
  let lastAt: number | undefined;
  let lineNo = 0;
  for await (const text of lines) {
    lineNo += 1;
    const event = parser.line(text, lineNo);
    if (core === null && parser.header !== null) {
      core = createReplayCore(parser.header, options);
      if (pace !== null) await sleep(pace); // the machine's start, before the first recorded event
    }
    if (event === null || core === null) continue;
    lastAt = event.at;
    if (!running) continue; // the machine failed: the rest is still checked, not replayed
    running = core.replay(event);
    if (pace !== null && running) await sleep(pace);
  }
  parser.finish();
  if (core === null) throw new RecordingError(0, 'empty recording (no header)');
  if (pace !== null) await sleep(pace);
  return core.finish({ states: parser.states, lastSeq: parser.lastSeq }, lastAt);
}
