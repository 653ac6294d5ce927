/**
 * The statechart's initial context, built so that every later copy of it stays a fast object.
 *
 * xstate's `assign` copies the context at every step with `Object.assign({}, context, update)`. V8
 * turns an object filled that way into a slow dictionary once it holds 20 properties (the context has
 * 20), unless the chain of hidden classes for those properties, in that order, already exists; then
 * the copy follows it and stays fast. Named stores (`c.x = ...`) may build that chain, so the initial
 * context is built one named property at a time, in its declared order, instead of as a literal. Every
 * copy then follows the chain: about 15 times cheaper to make than a dictionary copy, and cheaper to
 * read (`bench/sim-overhead.ts` measures the effect; the live contexts keep the chain alive).
 */
import { seedState } from './backoff/random.js';
import { reason } from './reasons.js';
import type { LinkContext, LinkInput } from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function initialContext(input: LinkInput): LinkContext {
  const c = {} as Mutable<LinkContext>;
  c.settings = input.settings;
  c.stopped = false;
  c.configError = null;
  c.env = null;
  c.ticket = null;
  c.attempt = 0;
  c.previousDelayMs = 0;
  c.delayMs = 0;
  c.rng = seedState(input.seed);
  c.banned = false;
  c.blockUntil = null;
  c.pubacks = 0;
  c.reconnectRequested = false;
  c.lastFailure = null;
  c.reason = reason('STARTING');
  c.timerOrigin = input.now;
  c.now = input.now;
  c.stats = {
    connections: 0, attemptsStarted: 0, lastConnectAt: null, lastDisconnectAt: null,
    nextAttemptAt: null, lastBackoffMs: null, lastWaitKind: null, mqttVersion: null,
  };
  c.nodes = [];
  c.nodeOutbox = [];
  return c;
}
