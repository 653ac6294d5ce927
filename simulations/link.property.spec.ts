import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stepCounter } from './property/commands.js';
import { OUTBOX_POLICY_NAMES, type OutboxPolicyName } from './property/oracle/expected.js';
import { moreSequences, runSequence, sequencesReplaying, type RunOptions } from './property/run.js';

const RUNS = Number(process.env.ACLK_SIM_RUNS ?? 2000);
/** Per outbox policy, with the commands added for issue 14. */
const POLICY_RUNS = Number(process.env.ACLK_SIM_POLICY_RUNS ?? 300);
const REGRESSIONS = new URL('./property/regressions.json', import.meta.url);
const MORE_REGRESSIONS = new URL('./property/more-regressions.json', import.meta.url);

interface Regression { seed: number; path: string; replayPath: string; note: string; policy?: OutboxPolicyName }
const regressions = (file: URL): Regression[] => JSON.parse(readFileSync(file, 'utf8')) as Regression[];

const seeds = fc.integer({ min: 1, max: 2 ** 31 - 1 });
/** The policies' runs use a small outbox, so that its bound is reached. */
const policyRun = (policy: OutboxPolicyName): RunOptions => ({ outbox: { policy, maxMessages: 30 } });

type Sequences = typeof sequencesReplaying;

async function holds(file: URL, sequences: Sequences, runs: number, options: RunOptions, policy?: OutboxPolicyName): Promise<void> {
  let count = 0;
  const counted = fc.asyncProperty(seeds, sequences(), async (seed, cmds) => {
    count += 1;
    await runSequence(seed, cmds, options);
  });
  const result = await fc.check(counted, { numRuns: runs });
  console.log(`property simulation${policy ? ` (${policy})` : ''}: ${result.numRuns} sequences passed` + (result.failed ? ' before a failure' : '')
    + ` (${count} runs incl. shrinking, ${stepCounter.steps} steps so far)`);
  if (result.failed) {
    const replayPath = /replayPath="([^"]*)"/.exec(String(result.counterexample?.[1]))?.[1] ?? '';
    const note = String(result.errorInstance).split('\n').slice(0, 2).join(' ').slice(0, 160);
    writeFileSync(file, `${JSON.stringify([...regressions(file), { seed: result.seed, path: result.counterexamplePath ?? '', replayPath, note, ...(policy ? { policy } : {}) }], null, 2)}\n`);
  }
  expect(result.failed, fc.defaultReportMessage(result) ?? '').toBe(false);
  expect(result.numRuns).toBeGreaterThanOrEqual(runs);
}

describe('property simulation over the simulated world', () => {
  it.each(regressions(REGRESSIONS).map((r) => [r.note, r] as const))('replays the kept failure: %s', async (_note, r) => {
    const property = fc.asyncProperty(seeds, sequencesReplaying(r.replayPath), (seed, cmds) => runSequence(seed, cmds));
    await fc.assert(property, { seed: r.seed, path: r.path, endOnFailure: true });
  });

  it.each(regressions(MORE_REGRESSIONS).map((r) => [r.note, r] as const))('replays the kept failure (outbox policies): %s', async (_note, r) => {
    const property = fc.asyncProperty(seeds, moreSequences(r.replayPath), (seed, cmds) => runSequence(seed, cmds, policyRun(r.policy ?? 'reject-new')));
    await fc.assert(property, { seed: r.seed, path: r.path, endOnFailure: true });
  });

  it(`holds the invariants over ${RUNS} random sequences of up to 100 steps`, async () => {
    await holds(REGRESSIONS, sequencesReplaying, RUNS, {});
  });

  it.each(OUTBOX_POLICY_NAMES.map((p) => [p] as const))(`holds them with outbox policy %s (bound 30) and the added host events, ${POLICY_RUNS} sequences`, async (policy) => {
    await holds(MORE_REGRESSIONS, moreSequences, POLICY_RUNS, policyRun(policy), policy);
  });
});
