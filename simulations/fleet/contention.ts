/**
 * The contention model of "Exponential Backoff And Jitter" (AWS Architecture Blog, 2015), after its
 * simulator (aws-samples/aws-arch-backoff-simulator): N clients each update one row once under
 * optimistic concurrency — read the version, write it back; a write succeeds only if no other write
 * landed since the read. Every message takes |N(10 ms, 2 ms)|; after a failed write a client waits
 * one network delay plus its backoff, then reads again. A "call" is a write; the time is when the
 * last message is handled. Blog formulas: base 5 ms, cap 2 s, expo(n) = min(cap, 5 ms * 2^n).
 *
 * `ours:<policy>` runs the project's `policyDelay` in the same model. Its unit is 1 s (attempt 1
 * waits up to 1 s, decorrelated has a 1 s floor), the blog's is 2 x 5 ms = 10 ms (floor 5 ms), so
 * our waits are divided by 100 (full, equal, netdata) or 200 (decorrelated), with the cap scaled
 * to stay 2 s: full, equal and decorrelated then have exactly the blog's shapes.
 */
import { policyDelay, type BackoffPolicyName } from '../../machines/backoff/policy.js';
import { nextRandom } from '../../machines/backoff/random.js';

export const BLOG_POLICIES = ['none', 'exponential', 'equal', 'full', 'decorrelated'] as const;
export type BlogPolicy = (typeof BLOG_POLICIES)[number];
export type ContentionPolicy = BlogPolicy | `ours:${BackoffPolicyName}`;
export const OUR_POLICIES: readonly ContentionPolicy[] = ['ours:full', 'ours:equal', 'ours:decorrelated', 'ours:netdata', 'ours:none'];

const BASE = 5;
const CAP = 2000;

/** Seeded uniform [0, 1) and |normal| draws (mulberry32, Box-Muller). */
export class Rng {
  constructor(private state: number) {}
  next(): number {
    const d = nextRandom(this.state);
    this.state = d.state;
    return d.value;
  }
  uniform(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }
  delay(mean = 10, sd = 2): number {
    const u = 1 - this.next();
    return Math.abs(mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next()));
  }
}

/** One client's backoff: `wait(n)` for its n-th failure (n = 1, 2, ...), in ms. */
export function backoffFor(policy: ContentionPolicy, rng: Rng): (n: number) => number {
  const expo = (n: number) => Math.min(CAP, 2 ** n * BASE);
  switch (policy) {
    case 'none': return () => 0;
    case 'exponential': return expo;
    case 'equal': return (n) => { const v = expo(n); return v / 2 + rng.uniform(0, v / 2); };
    case 'full': return (n) => rng.uniform(0, expo(n));
    case 'decorrelated': {
      let sleep = BASE;
      return () => { sleep = Math.min(CAP, rng.uniform(BASE, sleep * 3)); return sleep; };
    }
    default: {
      const ours = policy.slice('ours:'.length) as BackoffPolicyName;
      const scale = ours === 'decorrelated' ? 200 : 100;
      const params = { base: 2, minMs: 0, maxMs: CAP * scale };
      let previousMs = 0;
      return (attempt) => {
        previousMs = policyDelay(ours, params, { attempt, previousMs, random: rng.next() });
        return previousMs / scale;
      };
    }
  }
}

interface Msg { readonly at: number; readonly seq: number; readonly run: () => void }

/** One race of `clients` clients; returns the writes made and the time of the last message. */
export function race(clients: number, policy: ContentionPolicy, rng: Rng): { calls: number; timeMs: number } {
  const queue: Msg[] = [];
  let seq = 0;
  let now = 0;
  let version = 0;
  let calls = 0;
  const send = (at: number, run: () => void) => { seq += 1; heapPush(queue, { at, seq, run }); };
  const client = () => {
    const wait = backoffFor(policy, rng);
    let attempt = 0;
    // Server side: a read answers the version it sees on arrival; a write checks it on arrival.
    const serverRead = () => { const seen = version; send(now + rng.delay(), () => send(now + rng.delay(), () => serverWrite(seen))); };
    const serverWrite = (seen: number) => {
      calls += 1;
      const ok = seen === version;
      if (ok) version += 1;
      send(now + rng.delay(), () => { if (!ok) { attempt += 1; send(now + rng.delay() + wait(attempt), serverRead); } });
    };
    send(rng.delay(), serverRead);
  };
  for (let i = 0; i < clients; i += 1) client();
  for (let m = heapPop(queue); m; m = heapPop(queue)) { now = m.at; m.run(); }
  return { calls, timeMs: now };
}

export interface ContentionRow {
  readonly policy: ContentionPolicy;
  readonly clients: number;
  readonly runs: number;
  readonly meanCalls: number;
  readonly callsPerClient: number;
  readonly meanTimeMs: number;
}

/** Mean over `runs` races, deterministic for `seed`. */
export function contention(clients: number, policy: ContentionPolicy, runs = 100, seed = 2015): ContentionRow {
  const rng = new Rng(seed * 7919 + clients);
  let calls = 0;
  let time = 0;
  for (let r = 0; r < runs; r += 1) {
    const one = race(clients, policy, rng);
    calls += one.calls;
    time += one.timeMs;
  }
  return { policy, clients, runs, meanCalls: calls / runs, callsPerClient: calls / runs / clients, meanTimeMs: time / runs };
}

function heapPush(h: Msg[], m: Msg): void {
  let i = h.length;
  h.push(m);
  while (i > 0) {
    const p = (i - 1) >> 1;
    const parent = h[p] as Msg;
    if (parent.at < m.at || (parent.at === m.at && parent.seq < m.seq)) break;
    h[i] = parent;
    i = p;
  }
  h[i] = m;
}

function heapPop(h: Msg[]): Msg | undefined {
  const top = h[0];
  const last = h.pop();
  if (top === undefined || last === undefined || h.length === 0) return top;
  let i = 0;
  const less = (a: Msg, b: Msg) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
  for (;;) {
    const l = 2 * i + 1;
    if (l >= h.length) break;
    const c = l + 1 < h.length && less(h[l + 1] as Msg, h[l] as Msg) ? l + 1 : l;
    if (!less(h[c] as Msg, last)) break;
    h[i] = h[c] as Msg;
    i = c;
  }
  h[i] = last;
  return top;
}
