/**
 * The named delays of the statechart. Every timing comes from context (settings or the backoff plan).
 */
import type { LinkContext } from './types.js';

export const DELAY_NAMES = ['connectBudget', 'httpBudget', 'gracefulBudget', 'stableAfter', 'backoffDelay', 'banRetry'] as const;
export type DelayName = (typeof DELAY_NAMES)[number];

export function delayValue(context: LinkContext, name: string): number {
  const t = context.settings.timings;
  switch (name) {
    case 'connectBudget': return t.connectBudgetMs;
    case 'httpBudget': return t.httpBudgetMs;
    case 'gracefulBudget': return t.gracefulBudgetMs;
    case 'stableAfter': return t.stableAfterMs;
    // Both wait the wait planned at backoff entry (planNextAttempt: ban > block-until > policy), not
    // today's settings: a ban retry changed mid-wait applies from the next wait, and the event's date
    // stays the timer's.
    case 'backoffDelay':
    case 'banRetry':
      return context.delayMs;
    default: return 0;
  }
}

export const delays = {
  connectBudget: ({ context }: { context: LinkContext }) => delayValue(context, 'connectBudget'),
  httpBudget: ({ context }: { context: LinkContext }) => delayValue(context, 'httpBudget'),
  gracefulBudget: ({ context }: { context: LinkContext }) => delayValue(context, 'gracefulBudget'),
  stableAfter: ({ context }: { context: LinkContext }) => delayValue(context, 'stableAfter'),
  backoffDelay: ({ context }: { context: LinkContext }) => delayValue(context, 'backoffDelay'),
  banRetry: ({ context }: { context: LinkContext }) => delayValue(context, 'banRetry'),
};
