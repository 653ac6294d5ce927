/**
 * An independent oracle over a simulated world. It judges the link by what the world recorded (what
 * the cloud was asked and answered, which sessions the broker held, what it delivered, when) against
 * the README and PROTOCOL.md, read into ./oracle/expected.ts; it imports nothing from the code it
 * judges (types only). Checked at every world event and after every step:
 *  (a) nothing open where the link may not talk: no request or session started outside its step, none
 *      held in `disabled`, `unclaimed`, `backoff` or after `stop()` (oracle/resources.ts);
 *  (b) at most one live transport;
 *  (c) every attempt's time against ban, block-until and the policy's bounds for the failures since
 *      the last reset (3 PUBACKs or 30 s online), whatever path led to it (oracle/waits.ts);
 *  (s) a wait no host event touched ends when the link's state announced (`nextConnectionAttempt`);
 *  (budget) no request open longer than the HTTP budget, no session without CONNACK longer than the
 *      connect budget (oracle/resources.ts);
 *  (e) every publish acknowledged only when delivered, rejected only with a code the moment and the
 *      outbox policy allow, `LINK_STOPPED` only after `stop()`, nothing pending once a healed world has
 *      had the link online for ACK_BOUND_MS (oracle/outbox-model.ts);
 *  (g) fail closed: once a reload found the configuration invalid or missing, no state but `disabled`
 *      (or the graceful `connected.disconnecting` on the way there) until a reload reads a valid one.
 * (d) liveness (a healed world connects) and (f) clean stop are checked by the commands and the run.
 */
import type { LinkConfig } from '../../effects/ports.js';
import type { LinkState } from '../../link/state.js';
import type { SimWorld } from '../world/world.js';
import type { OutboxPolicyName } from './oracle/expected.js';
import { OutboxModel, type PublishRecord } from './oracle/outbox-model.js';
import { ResourceOracle } from './oracle/resources.js';
import { WaitOracle } from './oracle/waits.js';

const payloadId = (p: Uint8Array) => p[0]! * 65536 + p[1]! * 256 + p[2]!;

function connectionOf(c: LinkConfig): string {
  return JSON.stringify([c.cloudUrl, c.proxy, c.insecure, c.caFile ?? null, c.claimId]);
}

export interface InvariantOptions {
  /** The outbox the oracle expects (default: what the simulations create, reject-new with 200). */
  readonly outbox?: { readonly policy: OutboxPolicyName; readonly maxMessages: number };
}

export class Invariants {
  readonly violations: string[] = [];
  private readonly waits: WaitOracle;
  private readonly resources: ResourceOracle;
  private readonly outbox: OutboxModel;
  private readonly deliveredIds = new Set<number>();
  private path = 'disabled';
  private configBroken: string | null = null;
  /** The configuration the link last applied (at start, or a valid reload). */
  private applied: LinkConfig;
  /** The env answer of the current attempt (null until it arrives). */
  private attemptEnv: SimWorld['cloud']['envBackoff'] | null = null;

  constructor(private readonly w: SimWorld, options: InvariantOptions = {}) {
    const fail = (m: string) => this.fail(m);
    this.applied = w.config.config;
    this.waits = new WaitOracle(fail);
    this.waits.setSources(() => ({ backoff: this.applied.backoff, env: this.attemptEnv ?? null }));
    this.resources = new ResourceOracle(w.cloud, w.broker, () => w.clock.now(), fail);
    this.outbox = new OutboxModel(options.outbox ?? { policy: 'reject-new', maxMessages: 200 }, (id) => this.deliveredIds.has(id), fail);

    w.cloud.onCall = (call) => {
      const request = [...w.cloud.open].at(-1);
      if (request) this.resources.opened(`cloud ${call.endpoint}`, request, this.w.link.getState().state);
      this.networkCall(`cloud ${call.endpoint}`);
      if (call.endpoint === 'env') {
        this.attemptEnv = null;
        this.waits.attempt(call.at, this.path);
      }
    };
    w.cloud.onAnswer = ({ at, endpoint, answer }) => {
      if (answer.kind === 'http-error') this.waits.cloudError(at, answer.body);
      if (answer.kind === 'ok' && endpoint === 'env') this.attemptEnv = w.cloud.envBackoff;
    };
    w.cloud.onEnd = (request) => this.resources.ended(request);
    w.broker.onConnect = () => {
      this.networkCall('broker connect');
      if (w.broker.live > 0) this.fail(`(b) a transport was opened while ${w.broker.live} other(s) live`);
    };
    const nodesDelivered = w.broker.onDelivered;
    w.broker.onDelivered = (d) => {
      nodesDelivered(d);
      if ((d.topicName === 'chart' || d.topicName.endsWith('/chart')) && d.payload.length === 3) this.deliveredIds.add(payloadId(d.payload));
      if (this.path === 'connected.online') this.waits.puback();
    };
    w.broker.onEmitted = (_session, event) => {
      if (event.type === 'up') return;
      if (event.type === 'disconnect-req' && this.w.link.getState().state === 'connected.disconnecting') {
        this.waits.disconnectReq(w.clock.now(), event.reconnectAfterSeconds, event.permaban);
      }
    };
    w.broker.onEnded = (session) => {
      this.resources.ended(session);
      if (session.upObserved) this.outbox.sessionLost();
    };
    w.link.subscribe((s) => this.onState(s));
  }

  private fail(message: string): void {
    this.violations.push(`${new Date(this.w.clock.now()).toISOString()} ${message}`);
  }

  private networkCall(what: string): void {
    if (this.configBroken !== null) this.fail(`(g) ${what} while the configuration is ${this.configBroken}`);
  }

  /**
   * The link is about to re-read its configuration: a valid one ends (g) at once, and what it changes
   * is known before the link acts on it (a new claim; new connection settings while in backoff).
   */
  reloading(): void {
    const now = this.w.clock.now();
    if (this.w.config.invalid !== null) return this.waits.hostEvent(now, false);
    this.configBroken = null;
    const before = this.applied;
    this.applied = this.w.config.config;
    if (before.claimId !== this.applied.claimId) this.waits.claimChanged();
    const changed = connectionOf(before) !== connectionOf(this.applied);
    this.waits.hostEvent(now, changed && this.path.split('.')[0] === 'backoff');
  }

  /** The link re-read its configuration: an invalid one starts (g), which holds until a valid one is read. */
  reloaded(): void {
    this.configBroken = this.w.config.invalid?.code ?? null;
  }

  /** A host call (enable, disable, claimed) that is not a reload. */
  hostEvent(claimChanged = false): void {
    if (claimChanged) {
      this.applied = { ...this.applied, claimId: this.w.config.config.claimId };
      this.waits.claimChanged();
    }
    this.waits.hostEvent(this.w.clock.now(), false);
  }

  /** stop() is about to be called. */
  stopping(): void {
    this.outbox.stopping();
  }

  /** stop() resolved: nothing may be held any more. */
  stopped(): void {
    this.resources.stop();
  }

  private onState(s: LinkState): void {
    if (s.state === this.path) return;
    const previous = this.path;
    this.path = s.state;
    const now = this.w.clock.now();
    if (s.top === 'connected' && previous.split('.')[0] !== 'connected') this.waits.connack();
    this.waits.state(now, previous, s.state, s.nextConnectionAttempt === null ? null : Date.parse(s.nextConnectionAttempt));
    this.resources.state(s.state);
    this.outbox.state(s.top);
  }

  /** How long the cloud still forbids attempts (block-until), in ms. */
  blockRemaining(): number {
    return this.waits.blockRemaining(this.w.clock.now());
  }

  get publishes(): readonly PublishRecord[] {
    return this.outbox.publishes;
  }

  /** Track a publish promise for (e). */
  trackPublish(promise: Promise<void>): void {
    this.outbox.track(promise, this.w.link.getState().top);
  }

  /** After the world healed and the link has been online for ACK_BOUND_MS. */
  expectDrained(after: string): void {
    this.outbox.expectDrained(after);
  }

  /** (a), (b), (c), (e) and (g), after every step. */
  check(): void {
    if (this.w.broker.live > 1) this.fail(`(b) ${this.w.broker.live} live transports`);
    const state = this.w.link.getState().state;
    if (this.configBroken !== null && state !== 'disabled' && state !== 'connected.disconnecting') {
      this.fail(`(g) ${state} while the configuration is ${this.configBroken}`);
    }
    this.resources.check();
    this.waits.check(this.w.clock.now(), state.split('.')[0] ?? '');
    this.outbox.check();
  }
}
