/**
 * The machine under replay (see replay.ts for the ordering rule): the real `linkMachine` with inert
 * effects on a replay clock, fed one recorded event line at a time, from an array or a stream.
 */
import { createActor, fromCallback, fromPromise, type InspectionEvent, type Observer } from 'xstate';
import { isDelayedEvent, type EventLine, type HeaderLine, type TimelineEntry } from '../../link/recording-format.js';
import { sanitizeString } from '../../link/recording-sanitize.js';
import { TimelineTracker } from '../../link/recording-timeline.js';
import { linkMachine } from '../../machines/link.machine.js';
import type { AuthInput, AuthOutput, EnvInput, EnvOutput, LinkEvent, TransportCommand, TransportInput } from '../../machines/types.js';
import type { ParsedRecording, RecordingLimits } from './parse.js';
import { ReplayClock } from './replay-clock.js';
import { firstDivergence, type Divergence } from './verify.js';

/** The real machine; its effects never settle and never send anything. */
export const replayMachine = linkMachine.provide({
  actors: {
    fetchEnv: fromPromise<EnvOutput, EnvInput>(() => new Promise<EnvOutput>(() => undefined)),
    authenticate: fromPromise<AuthOutput, AuthInput>(() => new Promise<AuthOutput>(() => undefined)),
    transport: fromCallback<TransportCommand, TransportInput>(() => () => undefined),
  },
});

export interface ReplayOptions extends RecordingLimits {
  /** The most timers the machine may fire in one replay (default 250 000): RECORDING_TOO_MANY_TIMERS beyond. */
  readonly maxTimers?: number;
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

/** The machine under replay, fed one recorded event line at a time (from an array or a stream). */
export interface ReplayCore {
  /** Replays one recorded event line; false once the machine has failed. */
  replay(line: EventLine): boolean;
  /** Stops the machine; the result, compared (with `verify`) with the recorded state lines. */
  finish(recorded: Pick<ParsedRecording, 'states' | 'lastSeq'>, lastEventAt: number | undefined): ReplayResult;
}

export function createReplayCore(header: HeaderLine, options: ReplayOptions = {}): ReplayCore {
  const slack = options.slackMs ?? 0;
  const clock = new ReplayClock(header.input.now, options.maxTimers);
  const timeline: TimelineEntry[] = [];
  const tracker = new TimelineTracker(sanitizeString); // as the recorder does (idempotent)
  const observer = typeof options.inspect === 'function' ? { next: options.inspect } : options.inspect;
  let fired: string[] = [];
  let delayedFired = 0;
  let eventsSent = 0;
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
    replay(line) {
      if (failure !== null) return false;
      replayLine(line);
      return failure === null;
    },
    finish(recorded, lastEventAt) {
      actor.stop();
      if (failure !== null) eventDivergences.push({ seq: recorded.lastSeq, kind: 'event', expected: 'a running machine', actual: String(failure) });
      return {
        header, timeline, eventsSent, delayedFired,
        spanMs: (lastEventAt ?? header.input.now) - header.input.now,
        ...(options.verify ? { divergence: firstDivergence(recorded, timeline, eventDivergences) } : {}),
      };
    },
  };
}
