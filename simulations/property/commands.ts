/**
 * fast-check commands over a simulated world: random host events, cloud answers, network faults
 * and clock advances. After every step the oracle's invariants are checked.
 */
import fc from 'fast-check';
import { LinkError } from '../../effects/errors.js';
import { ACK_BOUND_MS, BUDGETS, POLICY_NAMES, type PolicyName } from './oracle/expected.js';
import type { CloudAnswer, CloudEndpoint } from '../world/sim-cloud.js';
import type { ConnectOutcome } from '../world/sim-broker.js';
import type { SimWorld } from '../world/world.js';
import type { Invariants } from './invariants.js';

export interface Real {
  readonly w: SimWorld;
  readonly inv: Invariants;
}
export type Model = Record<string, never>;
type Cmd = fc.AsyncCommand<Model, Real>;

/** Steps executed, for the report. */
export const stepCounter = { steps: 0 };

function command(name: string, run: (r: Real) => Promise<void> | void): Cmd {
  return {
    check: () => true,
    async run(_m, r) {
      stepCounter.steps += 1;
      await run(r);
      await r.w.clock.advance(0);
      r.inv.check();
      if (r.inv.violations.length > 0) throw new Error(`after ${name}:\n${r.inv.violations.join('\n')}`);
    },
    toString: () => name,
  };
}

async function reload(r: Real, claimChanged = false): Promise<void> {
  r.inv.hostEvent(claimChanged);
  r.inv.reloading();
  await r.w.link.reload();
  r.inv.reloaded();
}

/**
 * A broken configuration: in turn a bad value and a named netdata.conf that is gone (CONFIG_MISSING,
 * issue 13: it used to read as defaults, enabled). Taken in turn, not drawn, so that the kept
 * counterexamples' seeds and replay paths still generate the same sequences.
 */
let breakCounter = 0;
const brokenConfig = (): LinkError => (breakCounter++ % 2 === 0
  ? new LinkError('CONFIG_BAD_VALUE', 'netdata.conf:3: [global] netdata cloud: expected enable or disable')
  : new LinkError('CONFIG_MISSING', '/etc/netdata/netdata.conf: the file was given but does not exist'));

let claimCounter = 0;
const newClaimId = () => `00000000-0000-4000-8000-${String(++claimCounter).padStart(12, '0')}`;

const httpError = fc.record({
  kind: fc.constant('http-error' as const),
  status: fc.constantFrom(400, 401, 403, 404, 409, 429, 500, 503),
  body: fc.option(fc.record({
    errorMsgKey: fc.constantFrom('ErrDuplicatedChallenge', 'ErrTooManyRequests', 'ErrInternal'),
    errorRetryDelaySeconds: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
    errorNonRetryable: fc.option(fc.boolean(), { nil: undefined }),
  }, { requiredKeys: ['errorMsgKey'] }), { nil: undefined }),
});
const cloudAnswer: fc.Arbitrary<CloudAnswer> = fc.oneof(
  httpError,
  fc.record({ kind: fc.constant('network-error' as const), code: fc.constantFrom('CONNECT_REFUSED', 'TLS_VERIFY_FAILED', 'PROXY_REFUSED', 'REQUEST_TIMEOUT') }),
  fc.constant({ kind: 'timeout' as const }),
) as fc.Arbitrary<CloudAnswer>;
const connectOutcome: fc.Arbitrary<ConnectOutcome> = fc.oneof(
  fc.record({ kind: fc.constant('refuse' as const), code: fc.constantFrom('CONNACK_REFUSED', 'TLS_VERIFY_FAILED', 'WS_UPGRADE_FAILED', 'PROXY_REFUSED') }),
  fc.constant({ kind: 'never' as const }),
);

/** (d) liveness: heal the world, then the link must be connected within the bound. */
async function healAndExpectConnected(r: Real): Promise<void> {
  const { w } = r;
  w.cloud.clearScripts();
  w.broker.clearScripts();
  w.broker.resumePubacks();
  w.config.invalid = null;
  if (!w.config.config.claimId) w.config.set({ claimId: newClaimId() });
  w.config.set({ enabled: true });
  await reload(r);
  // A request already in flight keeps the answer it was given before the heal (e.g. an error with a
  // retry delay): let those arrive, so the bound below knows the block they set.
  await w.clock.advance(w.cloud.latencyMs);
  const s = w.link.getState();
  const cfg = w.config.config.backoff;
  const maxMs = (cfg.maxSeconds ?? w.cloud.envBackoff?.maxSeconds ?? 1024) * 1000;
  const planned = s.top === 'backoff' && s.nextConnectionAttempt ? Date.parse(s.nextConnectionAttempt) - w.clock.now() : 0;
  const bound = BUDGETS.connectMs + 2 * BUDGETS.httpMs + Math.max(maxMs, planned, r.inv.blockRemaining(), (cfg.banRetrySeconds ?? 60) * 1000) + 5_000;
  await w.clock.advance(bound);
  const after = w.link.getState();
  if (after.top !== 'connected') {
    r.inv.violations.push(`(d) healthy world, still ${after.state} (${after.reasonCode}) after ${bound} ms`);
    return;
  }
  // (e) once online in a healed world, everything accepted is acknowledged within the bound.
  await w.clock.advance(ACK_BOUND_MS);
  if (w.link.getState().online) r.inv.expectDrained(`${ACK_BOUND_MS} ms after the healed world had the link online`);
}

export const commands: fc.Arbitrary<Cmd>[] = [
  fc.oneof(fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 2_000, max: 120_000 }), fc.integer({ min: 120_000, max: 1_800_000 }))
    .map((ms) => command(`advance(${ms})`, (r) => r.w.clock.advance(ms))),
  fc.boolean().map((on) => command(on ? 'enable' : 'disable', (r) => { r.w.config.set({ enabled: on }); return reload(r); })),
  fc.boolean().map((on) => command(on ? 'host.enable()' : 'host.disable()', (r) => {
    r.inv.hostEvent();
    if (on) r.w.link.enable(); else r.w.link.disable();
  })),
  fc.boolean().map((claimed) => command(claimed ? 'claim in config' : 'unclaim in config', (r) => {
    r.w.config.set({ claimId: claimed ? newClaimId() : null });
    return reload(r, true);
  })),
  fc.constant(command('host.claimed(new id)', (r) => {
    const id = newClaimId();
    r.w.config.set({ claimId: id });
    r.inv.hostEvent(true);
    r.w.link.claimed(id);
  })),
  fc.constant(command('break config', (r) => {
    r.w.config.invalid = brokenConfig();
    return reload(r);
  })),
  fc.constant(command('fix config', (r) => { r.w.config.invalid = null; return reload(r); })),
  fc.integer({ min: 1, max: 5 }).map((n) => command(`proxy http://proxy${n}:3128`, (r) => { r.w.config.set({ proxy: `http://proxy${n}:3128` }); return reload(r); })),
  fc.record({ policy: fc.constantFrom<PolicyName>(...POLICY_NAMES), min: fc.integer({ min: 0, max: 5 }), max: fc.integer({ min: 5, max: 2000 }) })
    .map(({ policy, min, max }) => command(`backoff ${policy} [${min}, ${max}]`, (r) => {
      r.w.config.set({ backoff: { policy, minSeconds: min, maxSeconds: max } });
      return reload(r);
    })),
  fc.tuple(fc.constantFrom<CloudEndpoint>('env', 'challenge', 'password'), fc.array(cloudAnswer, { minLength: 1, maxLength: 3 }))
    .map(([endpoint, answers]) => command(`cloud ${endpoint} ${JSON.stringify(answers)}`, (r) => r.w.cloud.script(endpoint, ...answers))),
  fc.array(connectOutcome, { minLength: 1, maxLength: 3 }).map((outcomes) => command(`broker ${JSON.stringify(outcomes)}`, (r) => r.w.broker.script(...outcomes))),
  fc.constant(command('network drop', (r) => r.w.broker.dropAll())),
  fc.record({ after: fc.integer({ min: 0, max: 600 }), permaban: fc.boolean() }).map(({ after, permaban }) => command(`DisconnectReq(${after}, ${permaban})`, (r) => {
    const s = r.w.link.getState().state;
    if (s !== 'connected.online' && s !== 'connected.stable') return;
    r.w.broker.disconnectReq(after, permaban);
  })),
  fc.constant(command('ping timeout', (r) => r.w.broker.pingTimeout())),
  fc.integer({ min: 1, max: 20 }).map((n) => command(`publish x${n}`, (r) => {
    for (let i = 0; i < n; i += 1) {
      const id = r.inv.publishes.length;
      r.inv.trackPublish(r.w.link.publish('chart', new Uint8Array([(id >> 16) & 255, (id >> 8) & 255, id & 255])));
    }
  })),
  fc.boolean().map((on) => command(on ? 'pubacks on' : 'pubacks off', (r) => { if (on) r.w.broker.resumePubacks(); else r.w.broker.pubacks = false; })),
  fc.constant(command('heal and expect connected', healAndExpectConnected)),
];

let urlCounter = 0;

/**
 * Commands added for the stronger oracle (issue 14): host events that must not cut a ban, a block or a
 * policy wait short, and one that may (a new cloud URL in backoff, when neither banned nor blocked).
 * Kept apart from `commands` so that the kept counterexamples' replay paths still generate the same
 * sequences; the runs that use them draw from both (run.ts `moreSequences`).
 */
export const moreCommands: fc.Arbitrary<Cmd>[] = [
  fc.constant(command('reload (nothing changed)', (r) => reload(r))),
  fc.constant(command('cloud url changed', (r) => { r.w.config.set({ cloudUrl: `https://cloud${++urlCounter}.sim` }); return reload(r); })),
  fc.integer({ min: 1, max: 120 }).map((s) => command(`ban retry ${s} s`, (r) => {
    r.w.config.set({ backoff: { ...r.w.config.config.backoff, banRetrySeconds: s } });
    return reload(r);
  })),
  fc.integer({ min: 1, max: 3 }).map((n) => command(`publish x${n * 25}`, (r) => {
    for (let i = 0; i < n * 25; i += 1) {
      const id = r.inv.publishes.length;
      r.inv.trackPublish(r.w.link.publish('chart', new Uint8Array([(id >> 16) & 255, (id >> 8) & 255, id & 255])));
    }
  })),
];
