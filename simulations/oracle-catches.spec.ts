/**
 * The oracle can fail (issue 14): bugs of each class the property oracle claims to see are planted into
 * a copy of the link's machine with `.provide()` (a guard loosened, a delay mis-wired, an action dropped)
 * or into the wiring (an outbox policy mixed up), and the property run must fail on each with a violation
 * of that class. The failing seed and path are printed; the same sequence on the real machine must not
 * show that violation (the control). Each run stops at its first failure, within a few hundred sequences.
 */
import fc from 'fast-check';
import { assign } from 'xstate';
import { describe, expect, it } from 'vitest';
import { sharedLinkMachine } from '../link/shared-machine.js';
import * as u from '../machines/updates.js';
import { OUTBOX_POLICY_NAMES, type OutboxPolicyName } from './property/oracle/expected.js';
import { moreSequences, runSequence, type RunOptions } from './property/run.js';

const SEED = Number(process.env.ACLK_ORACLE_SEED ?? 14);
const MAX_RUNS = 300;

interface Planted {
  readonly name: string;
  /** The class of violation the bug must show. */
  readonly signature: RegExp;
  readonly options: (seed: number) => RunOptions;
}

const outboxOf = (seed: number) => ({ policy: OUTBOX_POLICY_NAMES[seed % 3] as OutboxPolicyName, maxMessages: 30 });
const withMachine = (machine: typeof sharedLinkMachine) => (seed: number): RunOptions => ({ outbox: outboxOf(seed), machine });

const PLANTED: readonly Planted[] = [
  {
    name: 'guard loosened: shouldConnect ignores a configuration error',
    signature: /\(g\)/,
    options: withMachine(sharedLinkMachine.provide({
      guards: { shouldConnect: ({ context }) => !context.stopped && context.settings.enabled && context.settings.claimId !== null },
    })),
  },
  {
    name: 'delay mis-wired: backoffDelay is a fixed 1 ms',
    signature: /\(c\) (attempt from backoff|policy|ban|block)/,
    options: withMachine(sharedLinkMachine.provide({ delays: { backoffDelay: 1 } })),
  },
  {
    name: 'action dropped: planNextAttempt without the block-until',
    signature: /\(c\) attempt from backoff\S* \d+ ms before the cloud's block ends/,
    options: withMachine(sharedLinkMachine.provide({
      actions: { planNextAttempt: assign(({ context, event }) => u.planNextAttempt({ ...context, blockUntil: null }, event)) },
    })),
  },
  {
    // `backoff.banned` waits the wait planned at entry (delays.ts banRetry = delayMs): without the ban the
    // plan is the policy's, so the world sees an attempt too early (c), or the state announces a wrong time (s).
    name: 'action dropped: planNextAttempt without the ban',
    signature: /\(s\) the state announced the next attempt|\(c\) attempt from backoff\S* while banned/,
    options: withMachine(sharedLinkMachine.provide({
      actions: { planNextAttempt: assign(({ context, event }) => u.planNextAttempt({ ...context, banned: false }, event)) },
    })),
  },
  {
    name: "action dropped: a failure's errorNonRetryable does not ban",
    signature: /\(c\) attempt from backoff\S* while banned/,
    options: withMachine(sharedLinkMachine.provide({
      actions: { recordFailure: assign(({ context, event }) => ({ ...u.recordFailure(context, event), banned: context.banned })) },
    })),
  },
  {
    name: 'action dropped: resetBackoff never resets',
    signature: /\(c\) attempt from backoff\S* \d+ ms after the failure, policy bound/,
    options: withMachine(sharedLinkMachine.provide({ actions: { resetBackoff: assign(() => ({})) } })),
  },
  {
    name: 'delay mis-wired: httpBudget ten times too long',
    signature: /\(budget\) cloud \w+ request open/,
    options: withMachine(sharedLinkMachine.provide({ delays: { httpBudget: ({ context }) => 10 * context.settings.timings.httpBudgetMs } })),
  },
  {
    name: 'delay mis-wired: connectBudget ten times too long',
    signature: /\(budget\) broker session \d+ without CONNACK/,
    options: withMachine(sharedLinkMachine.provide({ delays: { connectBudget: ({ context }) => 10 * context.settings.timings.connectBudgetMs } })),
  },
  {
    name: 'action dropped: closeTransport does nothing',
    signature: /\((a|b)\) .*(session|transport)/,
    options: withMachine(sharedLinkMachine.provide({ actions: { closeTransport: () => undefined } })),
  },
  {
    name: 'outbox policy mixed up: drop-oldest given where reject-new is configured',
    signature: /\(e\) publish #\d+ (rejected with OUTBOX_DROPPED|acknowledged, expected OUTBOX_FULL)/,
    options: () => ({ outbox: { policy: 'drop-oldest', maxMessages: 30 }, expectOutbox: { policy: 'reject-new', maxMessages: 30 } }),
  },
  {
    name: 'outbox policy mixed up: reject-new given where fail-on-disconnect is configured',
    signature: /\(e\) .*fail-on-disconnect/,
    options: () => ({ outbox: { policy: 'reject-new', maxMessages: 30 }, expectOutbox: { policy: 'fail-on-disconnect', maxMessages: 30 } }),
  },
];

const seeds = fc.integer({ min: 1, max: 2 ** 31 - 1 });

/** A run fails only with a violation of the planted class (another class, e.g. a known bug of the real link, does not count). */
async function runFor(signature: RegExp, seed: number, cmds: Parameters<typeof runSequence>[1], options: RunOptions): Promise<void> {
  try {
    await runSequence(seed, cmds, options);
  } catch (error) {
    if (signature.test(String(error))) throw error;
  }
}

describe('the property oracle fails on planted bugs', () => {
  it.each(PLANTED.map((p) => [p.name, p] as const))('catches: %s', async (_name, planted) => {
    const property = fc.asyncProperty(seeds, moreSequences(), (seed, cmds) => runFor(planted.signature, seed, cmds, planted.options(seed)));
    const result = await fc.check(property, { seed: SEED, numRuns: MAX_RUNS });
    const violation = String(result.errorInstance).split('\n').find((l) => planted.signature.test(l)) ?? '';
    const sequence = String(result.counterexample?.[1] ?? '');
    console.log(`planted "${planted.name}": ${result.failed
      ? `caught after ${result.numRuns} sequences, seed ${result.seed} path "${result.counterexamplePath}"\n  ${sequence}\n  ${violation.trim()}`
      : 'NOT caught'}`);
    expect(result.failed, `not caught in ${MAX_RUNS} sequences (seed ${SEED})`).toBe(true);

    // Control: the same sequence on the real machine (and the outbox as configured) shows no such violation.
    const replayPath = /replayPath="([^"]*)"/.exec(sequence)?.[1] ?? '';
    const control = fc.asyncProperty(seeds, moreSequences(replayPath), (seed, cmds) => runFor(planted.signature, seed, cmds, { outbox: planted.options(seed).expectOutbox ?? outboxOf(seed) }));
    const replay = await fc.check(control, { seed: result.seed, path: result.counterexamplePath ?? '', numRuns: 1, endOnFailure: true });
    expect(replay.failed, fc.defaultReportMessage(replay) ?? '').toBe(false);
  });
});
