/**
 * (a) What the link holds open in the world, at every moment: cloud requests (SimCloud.open) and
 * broker sessions (SimBroker.open), against the state the link is in.
 *  - A new request only in `connecting.env` (env) or `connecting.authenticating` (challenge,
 *    password); a new session only in `connecting.transport`; nothing at all after `stop()`.
 *  - Nothing held once it is no longer wanted (disabled, unclaimed, backoff, stopped; a request
 *    outside its step; a session outside `connecting.transport` and `connected`) for longer than
 *    RELEASE_GRACE_MS; a session the link asked to close is gone within the graceful budget.
 *  - Budgets as timings: no request open longer than the HTTP budget, nor the authentication step
 *    (challenge + password) longer; no session without CONNACK kept longer than the connect budget.
 */
import type { OpenRequest, SimCloud } from '../../world/sim-cloud.js';
import type { SimBroker, SimSession } from '../../world/sim-broker.js';
import { BUDGETS, RELEASE_GRACE_MS } from './expected.js';

type Resource = OpenRequest | SimSession;

function wanted(path: string, stopped: boolean, r: Resource): boolean {
  if (stopped) return false;
  if ('endpoint' in r) {
    if (path === 'connecting.env') return r.endpoint === 'env';
    return path === 'connecting.authenticating' && r.endpoint !== 'env';
  }
  return path === 'connecting.transport' || path.startsWith('connected');
}

export class ResourceOracle {
  private readonly unwantedSince = new Map<Resource, number>();
  private readonly reported = new Set<Resource>();
  private path = 'disabled';
  private stopped = false;
  /** When the current authentication step (challenge, then password) began. */
  private authSince: number | null = null;

  constructor(
    private readonly cloud: SimCloud,
    private readonly broker: SimBroker,
    private readonly now: () => number,
    private readonly fail: (message: string) => void,
  ) {}

  /** A new request or session: only where the link may talk. */
  opened(what: string, r: Resource, path: string): void {
    if (!wanted(path, this.stopped, r)) this.fail(`(a) ${what} ${this.stopped ? 'after stop()' : `while ${path}`}`);
    if ('endpoint' in r && r.endpoint === 'challenge') this.authSince = r.at;
  }

  state(path: string): void {
    this.path = path;
    this.sweep();
  }

  stop(): void {
    this.stopped = true;
    this.sweep();
  }

  private *all(): Iterable<Resource> {
    yield* this.cloud.open;
    yield* this.broker.open;
  }

  private sweep(): void {
    const now = this.now();
    for (const r of this.all()) {
      if (wanted(this.path, this.stopped, r)) this.unwantedSince.delete(r);
      else if (!this.unwantedSince.has(r)) this.unwantedSince.set(r, now);
    }
  }

  private describe(r: Resource): string {
    return 'endpoint' in r ? `cloud ${r.endpoint} request` : `broker session ${r.id}`;
  }

  /** Judge one resource now (`ended`: it just ended). */
  private judge(r: Resource, ended: boolean): void {
    if (this.reported.has(r)) return;
    const now = this.now();
    const problems: string[] = [];
    const since = this.unwantedSince.get(r);
    if (since !== undefined && now - since > RELEASE_GRACE_MS) {
      problems.push(`(a) ${this.describe(r)} held ${now - since} ms after it was no longer wanted (${this.stopped ? 'stopped' : this.path})`);
    }
    if ('endpoint' in r) {
      if (now - r.at > BUDGETS.httpMs) problems.push(`(budget) ${this.describe(r)} open ${now - r.at} ms, HTTP budget ${BUDGETS.httpMs} ms`);
      // challenge and password are one step under one budget
      const auth = r.endpoint === 'password' && this.authSince !== null ? now - this.authSince : 0;
      if (auth > BUDGETS.httpMs) problems.push(`(budget) authentication step (challenge + password) took ${auth} ms, HTTP budget ${BUDGETS.httpMs} ms`);
    } else {
      const givenUp = r.closeRequestedAt ?? (ended ? now : null);
      const unanswered = r.upAt === null ? (givenUp ?? now) - r.openedAt : 0;
      if (unanswered > BUDGETS.connectMs) problems.push(`(budget) ${this.describe(r)} without CONNACK for ${unanswered} ms, connect budget ${BUDGETS.connectMs} ms`);
      if (r.closeRequestedAt !== null && now - r.closeRequestedAt > BUDGETS.gracefulMs + RELEASE_GRACE_MS) {
        problems.push(`(a) ${this.describe(r)} still open ${now - r.closeRequestedAt} ms after the link closed it`);
      }
    }
    if (problems.length > 0) {
      this.reported.add(r);
      for (const p of problems) this.fail(p);
    }
    if (ended) this.unwantedSince.delete(r);
  }

  ended(r: Resource): void {
    this.judge(r, true);
    this.reported.delete(r);
  }

  check(): void {
    this.sweep();
    for (const r of [...this.all()]) this.judge(r, false);
  }
}
