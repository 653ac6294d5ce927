import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stepCounter } from './property/commands.js';
import { runSequence, sequencesReplaying } from './property/run.js';

const RUNS = Number(process.env.ACLK_SIM_RUNS ?? 2000);
const REGRESSIONS = new URL('./property/regressions.json', import.meta.url);

interface Regression { seed: number; path: string; replayPath: string; note: string }
const regressions = (): Regression[] => JSON.parse(readFileSync(REGRESSIONS, 'utf8')) as Regression[];

const seeds = fc.integer({ min: 1, max: 2 ** 31 - 1 });

describe('property simulation over the simulated world', () => {
  it.each(regressions().map((r) => [r.note, r] as const))('replays the kept failure: %s', async (_note, r) => {
    const property = fc.asyncProperty(seeds, sequencesReplaying(r.replayPath), (seed, cmds) => runSequence(seed, cmds));
    await fc.assert(property, { seed: r.seed, path: r.path, endOnFailure: true });
  });

  it(`holds the invariants over ${RUNS} random sequences of up to 100 steps`, async () => {
    let count = 0;
    const counted = fc.asyncProperty(seeds, sequencesReplaying(), async (seed, cmds) => {
      count += 1;
      await runSequence(seed, cmds);
    });
    const result = await fc.check(counted, { numRuns: RUNS });
    console.log(`property simulation: ${result.numRuns} sequences passed` + (result.failed ? ' before a failure' : '')
      + ` (${count} runs incl. shrinking, ${stepCounter.steps} steps)`);
    if (result.failed) {
      const kept = regressions();
      const replayPath = /replayPath="([^"]*)"/.exec(String(result.counterexample?.[1]))?.[1] ?? '';
      kept.push({ seed: result.seed, path: result.counterexamplePath ?? '', replayPath, note: String(result.errorInstance).split('\n')[0]?.slice(0, 120) ?? 'failure' });
      writeFileSync(REGRESSIONS, `${JSON.stringify(kept, null, 2)}\n`);
    }
    expect(result.failed, fc.defaultReportMessage(result) ?? '').toBe(false);
    expect(result.numRuns).toBeGreaterThanOrEqual(RUNS);
  });
});
