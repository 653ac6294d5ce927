/**
 * Time inside the machine, derived only from its inputs: an event's `at` (or its effect output's /
 * error's `at`), or, for a delayed event, the time its state was entered plus the delay.
 */
import { delayValue } from './delays.js';
import type { LinkContext } from './types.js';

interface AnyEvent {
  readonly type: string;
  readonly at?: unknown;
  readonly output?: unknown;
  readonly error?: unknown;
}

function atOf(value: unknown): number | undefined {
  if (typeof value === 'object' && value !== null) {
    const at = (value as { at?: unknown }).at;
    if (typeof at === 'number' && Number.isFinite(at) && at > 0) return at;
  }
  return undefined;
}

const AFTER = 'xstate.after.';

export function nowOf(context: LinkContext, event: AnyEvent): number {
  const stamped = atOf(event) ?? atOf(event.output) ?? atOf(event.error);
  if (stamped !== undefined) return Math.max(stamped, context.now);
  if (event.type.startsWith(AFTER)) {
    const delayName = event.type.slice(AFTER.length).split('.', 1)[0] ?? ''; // `<delay>.<state id>`: one part split off
    return Math.max(context.now, context.timerOrigin + delayValue(context, delayName));
  }
  return context.now;
}
