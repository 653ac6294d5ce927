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
import { createActor, fromCallback, fromPromise } from 'xstate';
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

export function replayRecording(lines: string[] | string, options: ReplayOptions = {}): ReplayResult {
  const recording = parseRecording(lines);
  const { header } = recording;
  const slack = options.slackMs ?? 0;
  const clock = new ReplayClock(header.input.now);
  const timeline: TimelineEntry[] = [];
  const tracker = new TimelineTracker(sanitizeString); // as the recorder does (idempotent)
  let fired: string[] = [];
  let delayedFired = 0;
  let eventsSent = 0;
  const eventDivergences: Divergence[] = [];
  let failure: unknown = null;

  const actor = createActor(replayMachine, {
    clock,
    input: header.input,
    inspect: (ev) => {
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

  for (const line of recording.events) {
    if (failure !== null) break;
    if (isDelayedEvent(line.event.type)) {
      clock.fireUntil(line.at, true, 1); // one recorded delayed event: one timer
      clock.moveTo(line.at);
      expectDelayed(line, [line.event.type]);
      continue;
    }
    clock.fireUntil(line.at - slack, false);
    expectDelayed(line, []);
    clock.moveTo(line.at);
    const event = line.event as unknown as LinkEvent;
    if (event.type.startsWith('xstate.error.actor.') && !actor.getSnapshot().can(event)) {
      eventDivergences.push({ seq: line.seq, kind: 'event', expected: event.type, actual: `not accepted in ${JSON.stringify(actor.getSnapshot().value)}` });
      continue;
    }
    actor.send(event);
    eventsSent += 1;
  }
  actor.stop();
  if (failure !== null) eventDivergences.push({ seq: recording.lastSeq, kind: 'event', expected: 'a running machine', actual: String(failure) });

  const last = recording.events[recording.events.length - 1];
  return {
    header, timeline, eventsSent, delayedFired,
    spanMs: (last?.at ?? header.input.now) - header.input.now,
    ...(options.verify ? { divergence: firstDivergence(recording, timeline, eventDivergences) } : {}),
  };
}
