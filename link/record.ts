/**
 * Recording a link run: `createLink({ record })` writes a JSONL recording (recording-format.ts) of
 * every input the statechart received, with its time, and every resulting state change. It is built
 * on xstate's `inspect` (so it also works wherever an `inspect` option is accepted, e.g.
 * `createCloudLink({ inspect: createRecorder(sink).inspect })`). Everything written goes through the
 * sanitiser: the statechart carries no secret (MQTT credentials stay behind an opaque ticket, proxy
 * credentials are hashed), and the sanitiser removes anything that looks like one anyway.
 */
import { createRequire } from 'node:module';
import type { InspectionEvent, Observer } from 'xstate';
import type { Clock } from '../effects/ports.js';
import type { LinkInput } from '../machines/types.js';
import { isDelayedEvent, RECORDING_VERSION, type RecordLine } from './recording-format.js';
import { Sanitizer, sanitizeString } from './recording-sanitize.js';
import type { RecordSink } from './recording-sinks.js';
import { TimelineTracker } from './recording-timeline.js';

export type { RecordSink } from './recording-sinks.js';
export { fileRecorder, memorySink } from './recording-sinks.js';

export type InspectFn = (event: InspectionEvent) => void;

export const XSTATE_VERSION: string = (createRequire(import.meta.url)('xstate/package.json') as { version: string }).version;

export interface RecorderOptions {
  readonly clock?: Clock;
  readonly linkVersion?: string;
}

export interface Recorder {
  readonly inspect: InspectFn;
  /** Lines written so far. */
  readonly lines: number;
  close(): void;
}

interface RootRef {
  readonly sessionId: string;
  getSnapshot(): { status: string };
}

export function createRecorder(sink: RecordSink, options: RecorderOptions = {}): Recorder {
  const now = () => (options.clock ? options.clock.now() : Date.now());
  const sanitizer = new Sanitizer();
  let seq = 0;
  let lines = 0;
  let closed = false;
  let started = false;
  const timeline = new TimelineTracker(sanitizeString);
  const emit = (line: RecordLine) => {
    lines += 1;
    sink.write(JSON.stringify(line));
  };

  const header = (input: LinkInput) => {
    const clean = sanitizer.clean(input) as LinkInput;
    emit({
      kind: 'header', version: RECORDING_VERSION, linkVersion: options.linkVersion ?? 'unknown', xstate: XSTATE_VERSION,
      node: process.version, seed: input.seed, policy: input.settings.backoff.policy, input: clean,
    });
  };

  const eventOf = (event: { type: string; [k: string]: unknown }): { type: string; [k: string]: unknown } => {
    if (event.type.startsWith('xstate.error.actor.')) return { type: event.type, error: sanitizer.failure(event.error) };
    if (isDelayedEvent(event.type)) return { type: event.type };
    const clean = sanitizer.clean(event) as { type: string; [k: string]: unknown };
    clean.type = event.type;
    return clean;
  };

  const inspect: InspectFn = (ev) => {
    if (closed || (ev.type !== '@xstate.event' && ev.type !== '@xstate.snapshot') || ev.actorRef.sessionId !== ev.rootId) return;
    const root = ev.actorRef as unknown as RootRef;
    if (ev.type === '@xstate.event') {
      const event = ev.event as { type: string; input?: LinkInput; [k: string]: unknown };
      if (event.type === 'xstate.init') {
        if (!started && event.input) header(event.input);
        started = true;
        return;
      }
      if (!started || root.getSnapshot().status !== 'active') return;
      seq += 1;
      emit({ kind: 'event', seq, at: now(), event: eventOf(event) });
    } else if (ev.type === '@xstate.snapshot' && started) {
      const entry = timeline.observe(ev.snapshot, ev.event);
      if (!entry) return;
      seq += 1;
      emit({ kind: 'state', seq, ...entry });
    }
  };

  return {
    inspect,
    get lines() {
      return lines;
    },
    close() {
      if (closed) return;
      closed = true;
      sink.close?.();
    },
  };
}

/** Both inspectors receive every inspection event. */
export function composeInspect(
  ...inspectors: (Observer<InspectionEvent> | InspectFn | undefined)[]
): Observer<InspectionEvent> | InspectFn | undefined {
  const all = inspectors.filter((i): i is Observer<InspectionEvent> | InspectFn => i !== undefined);
  if (all.length <= 1) return all[0];
  return (event) => {
    for (const i of all) {
      if (typeof i === 'function') i(event);
      else i.next?.(event);
    }
  };
}
