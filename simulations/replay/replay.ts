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
import { createActor, fromCallback, fromPromise, type InspectionEvent, type Observer } from 'xstate';
import { isDelayedEvent, type EventLine, type HeaderLine, type TimelineEntry } from '../../link/recording-format.js';
import { sanitizeString } from '../../link/recording-sanitize.js';
import { TimelineTracker } from '../../link/recording-timeline.js';
import { linkMachine } from '../../machines/link.machine.js';
import type { AuthInput, AuthOutput, EnvInput, EnvOutput, LinkEvent, TransportCommand, TransportInput } from '../../machines/types.js';
import { parseRecording } from './parse.js';
import { ReplayClock } from './replay-clock.js';
import { firstDivergence, type Divergence } from './verify.js';

export type { Divergence } from './verify.js';

/** The real machine; its effects never settle and never send anything. */
export const replayMachine = linkMachine.provide({
  actors: {
    fetchEnv: fromPromise<EnvOutput, EnvInput>(() => new Promise<EnvOutput>(() => undefined)),
    authenticate: fromPromise<AuthOutput, AuthInput>(() => new Promise<AuthOutput>(() => undefined)),
    transport: fromCallback<TransportCommand, TransportInput>(() => () => undefined),
  },
});

export interface ReplayOptions {
  /** Compare the replayed timeline (and the delayed events) with the recording. */
  readonly verify?: boolean;
  readonly slackMs?: number;
  /** Sees every inspection event of the replayed machine (e.g. a sanitised WebSocket inspector). */
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
}

export interface ReplayResult {
  readonly header: HeaderLine;
  readonly timeline: readonly TimelineEntry[];
  /** Recorded events sent to the machine (delayed events excluded). */
  readonly eventsSent: number;
  /** Delayed events the machine's own timers produced. */
  readonly delayedFired: number;
  /** Simulated time covered, ms. */
  readonly spanMs: number;
  /** Only with `verify`: the first divergence, or null. */
  readonly divergence?: Divergence | null;
}

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
  const recording = parseRecording(lines);
  const { header } = recording;
  const slack = options.slackMs ?? 0;
  const clock = new ReplayClock(header.input.now);
  const timeline: TimelineEntry[] = [];
  const tracker = new TimelineTracker(sanitizeString); // as the recorder does (idempotent)
  const observer = typeof options.inspect === 'function' ? { next: options.inspect } : options.inspect;
  let fired: string[] = [];
  let delayedFired = 0;
  let eventsSent = 0;
  let next = 0;
  const eventDivergences: Divergence[] = [];
  let failure: unknown = null;

  const actor = createActor(replayMachine, {
    clock,
    input: header.input,
    inspect: (ev) => {
      observer?.next?.(ev);
      if (ev.actorRef.sessionId !== ev.rootId) return;
      if (ev.type === '@xstate.event' && isDelayedEvent(ev.event.type)) {
        fired.push(ev.event.type);
        delayedFired += 1;
      } else if (ev.type === '@xstate.snapshot') {
        const entry = tracker.observe(ev.snapshot, ev.event);
        if (entry) timeline.push(entry);
      }
    },
  });
  actor.subscribe({ error: (error) => { failure = error; } });
  actor.start();

  const expectDelayed = (line: EventLine, expected: string[]) => {
    if (JSON.stringify(fired) !== JSON.stringify(expected)) {
      eventDivergences.push({ seq: line.seq, kind: 'event', expected: expected.length ? expected : 'no delayed event', actual: fired.length ? fired : 'no delayed event' });
    }
    fired = [];
  };

  const replayLine = (line: EventLine): void => {
    if (isDelayedEvent(line.event.type)) {
      clock.fireUntil(line.at, true, 1); // one recorded delayed event: one timer
      clock.moveTo(line.at);
      expectDelayed(line, [line.event.type]);
      return;
    }
    clock.fireUntil(line.at - slack, false);
    expectDelayed(line, []);
    clock.moveTo(line.at);
    const event = line.event as unknown as LinkEvent;
    if (event.type.startsWith('xstate.error.actor.') && !actor.getSnapshot().can(event)) {
      eventDivergences.push({ seq: line.seq, kind: 'event', expected: event.type, actual: `not accepted in ${JSON.stringify(actor.getSnapshot().value)}` });
      return;
    }
    actor.send(event);
    eventsSent += 1;
  };

  return {
    get remaining() { return failure === null ? recording.events.length - next : 0; },
    step() {
      const line = recording.events[next];
      if (failure !== null || line === undefined) return false;
      next += 1;
      replayLine(line);
      return failure === null && next < recording.events.length;
    },
    finish() {
      actor.stop();
      if (failure !== null) eventDivergences.push({ seq: recording.lastSeq, kind: 'event', expected: 'a running machine', actual: String(failure) });
      const last = recording.events[recording.events.length - 1];
      return {
        header, timeline, eventsSent, delayedFired,
        spanMs: (last?.at ?? header.input.now) - header.input.now,
        ...(options.verify ? { divergence: firstDivergence(recording, timeline, eventDivergences) } : {}),
      };
    },
  };
}
