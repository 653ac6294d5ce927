/**
 * One property run: a fresh world, the commands, then a clean stop (invariant f).
 */
import fc from 'fast-check';
import type { sharedLinkMachine } from '../../link/shared-machine.js';
import { createWorld } from '../world/world.js';
import { commands, moreCommands, type Model, type Real } from './commands.js';
import { Invariants } from './invariants.js';
import type { OutboxPolicyName } from './oracle/expected.js';

/** Sequences of up to 100 commands; `replayPath` replays a kept counterexample exactly. */
export const sequencesReplaying = (replayPath?: string) =>
  fc.commands(commands, { maxCommands: 100, size: 'max', ...(replayPath ? { replayPath } : {}) });

/** The same commands and those added since (host-event edges): a separate run, so that the kept paths above still replay. */
export const moreSequences = (replayPath?: string) =>
  fc.commands([...commands, ...moreCommands], { maxCommands: 100, size: 'max', ...(replayPath ? { replayPath } : {}) });

export interface RunOptions {
  /** The outbox of the link, and the oracle's expectation (unless `expectOutbox` says otherwise). */
  readonly outbox?: { readonly policy: OutboxPolicyName; readonly maxMessages: number };
  /** What the oracle expects of the outbox when it differs from what the link was given (a planted mix-up). */
  readonly expectOutbox?: { readonly policy: OutboxPolicyName; readonly maxMessages: number };
  /** A machine with a planted bug (simulations/oracle-catches.spec.ts). */
  readonly machine?: typeof sharedLinkMachine;
}

export async function runSequence(seed: number, cmds: Iterable<fc.AsyncCommand<Model, Real>>, options: RunOptions = {}): Promise<void> {
  const outbox = options.outbox ?? { policy: 'reject-new', maxMessages: 200 };
  const w = createWorld({ seed, outbox, ...(options.machine ? { machine: options.machine } : {}) });
  const inv = new Invariants(w, { outbox: options.expectOutbox ?? outbox });
  await w.link.start();
  await fc.asyncModelRun(() => ({ model: {}, real: { w, inv } }), cmds);
  inv.stopping();
  await w.clock.runUntil(w.link.stop(), 60_000);
  await w.clock.advance(0);
  inv.stopped();
  const problems = [...inv.violations];
  if (w.broker.open.size !== 0) problems.push(`(b) ${w.broker.open.size} transports open after stop()`);
  if (w.cloud.open.size !== 0) problems.push(`(a) ${w.cloud.open.size} cloud requests open after stop()`);
  if (w.clock.pending !== 0) problems.push(`(f) ${w.clock.pending} timers pending after stop()`);
  inv.check();
  problems.push(...inv.violations.slice(problems.length));
  const pending = inv.publishes.filter((p) => p.status === 'pending').length;
  if (pending !== 0) problems.push(`(e) ${pending} publish promises never settled after stop()`);
  if (problems.length > 0) throw new Error(problems.join('\n'));
}
