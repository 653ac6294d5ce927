/**
 * Property simulation of node instances: the link's random steps (configuration, claims, cloud and
 * network faults, publishes...) interleaved with the host's node registrations and the cloud's node
 * answers, with the link's oracle (property/invariants.ts) and the node oracle (property/node-invariants.ts)
 * checked after every step. Failing seeds are kept in property/node-regressions.json and replayed.
 */
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NodeHandle } from '../link/node-registry.js';
import { createWorld } from './world/world.js';
import { Invariants } from './property/invariants.js';
import { allCommands, type NodeReal } from './property/node-commands.js';
import { NodeInvariants } from './property/node-invariants.js';

const RUNS = Number(process.env.ACLK_SIM_RUNS ?? 1000);
const REGRESSIONS = new URL('./property/node-regressions.json', import.meta.url);
interface Regression { seed: number; path: string; replayPath: string; note: string }
const regressions = (): Regression[] => JSON.parse(readFileSync(REGRESSIONS, 'utf8')) as Regression[];

const sequences = (replayPath?: string) => fc.commands(allCommands, { maxCommands: 100, size: 'max', ...(replayPath ? { replayPath } : {}) });

async function run(seed: number, cmds: Iterable<fc.AsyncCommand<Record<string, never>, NodeReal>>): Promise<void> {
  const w = createWorld({ seed, outbox: { maxMessages: 200 } });
  const real: NodeReal = { w, inv: new Invariants(w), nodes: new NodeInvariants(w), handles: new Map<string, NodeHandle>() };
  await w.link.start();
  await fc.asyncModelRun(() => ({ model: {}, real }), cmds);
  real.inv.stopping();
  await w.clock.runUntil(w.link.stop(), 60_000);
  await w.clock.advance(0);
  real.inv.stopped();
  real.inv.check();
  const problems = [...real.inv.violations, ...real.nodes.violations];
  if (w.broker.open.size !== 0) problems.push(`${w.broker.open.size} transports open after stop()`);
  if (w.cloud.open.size !== 0) problems.push(`${w.cloud.open.size} cloud requests open after stop()`);
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

const seeds = fc.integer({ min: 1, max: 2 ** 31 - 1 });

describe('property simulation of node instances', () => {
  it.each(regressions().map((r) => [r.note, r] as const))('replays the kept failure: %s', async (_note, r) => {
    await fc.assert(fc.asyncProperty(seeds, sequences(r.replayPath), run), { seed: r.seed, path: r.path, endOnFailure: true });
  });

  it(`holds the link's and the node oracle's invariants over ${RUNS} random sequences`, async () => {
    const result = await fc.check(fc.asyncProperty(seeds, sequences(), run), { numRuns: RUNS });
    if (result.failed) {
      const replayPath = /replayPath="([^"]*)"/.exec(String(result.counterexample?.[1]))?.[1] ?? '';
      const kept = [...regressions(), { seed: result.seed, path: result.counterexamplePath ?? '', replayPath, note: String(result.errorInstance).split('\n')[0]?.slice(0, 120) ?? 'failure' }];
      writeFileSync(REGRESSIONS, `${JSON.stringify(kept, null, 2)}\n`);
    }
    expect(result.failed, fc.defaultReportMessage(result) ?? '').toBe(false);
  });
});
