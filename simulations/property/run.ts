/**
 * One property run: a fresh world, the commands, then a clean stop (invariant f).
 */
import fc from 'fast-check';
import { createWorld } from '../world/world.js';
import { commands, type Model, type Real } from './commands.js';
import { Invariants } from './invariants.js';

/** Sequences of up to 100 commands; `replayPath` replays a kept counterexample exactly. */
export const sequencesReplaying = (replayPath?: string) =>
  fc.commands(commands, { maxCommands: 100, size: 'max', ...(replayPath ? { replayPath } : {}) });

export async function runSequence(seed: number, cmds: Iterable<fc.AsyncCommand<Model, Real>>): Promise<void> {
  const w = createWorld({ seed, outbox: { maxMessages: 200 } });
  const inv = new Invariants(w);
  await w.link.start();
  await fc.asyncModelRun(() => ({ model: {}, real: { w, inv } }), cmds);
  await w.clock.runUntil(w.link.stop(), 60_000);
  await w.clock.advance(0);
  const problems = [...inv.violations];
  if (w.broker.open.size !== 0) problems.push(`(b) ${w.broker.open.size} transports open after stop()`);
  if (w.clock.pending !== 0) problems.push(`(f) ${w.clock.pending} timers pending after stop()`);
  inv.check();
  problems.push(...inv.violations.slice(problems.length));
  const pending = inv.publishes.filter((p) => p.status === 'pending').length;
  if (pending !== 0) problems.push(`(e) ${pending} publish promises never settled after stop()`);
  if (problems.length > 0) throw new Error(problems.join('\n'));
}
