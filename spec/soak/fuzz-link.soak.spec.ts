/**
 * Fuzzing a whole link (issue 7): the real statechart, effects, dispatcher and cmd relay in the simulated
 * world, fed bursts of garbage inbound messages (random bytes, mutated cmds and CancelPendingRequests,
 * unknown types). The link stays connected, still publishes, still answers a valid cmd, counts every
 * message, logs every malformed cmd with a documented code, and leaves no unhandled rejection.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCancelPendingRequest, encodeDisconnectReq, formatCmdRequest, parseCmdReply, parseCmdRequest } from '../../adapters/messages/index.js';
import { parseCloudErrorBody } from '../../adapters/cloud-api/index.js';
import { inbound } from '../../adapters/mqtt/inbound.js';
import type { LogFields, Logger } from '../../effects/ports.js';
import { createLink } from '../../link/create-link.js';
import { seededRandom } from '../../simulations/world/seeded-random.js';
import { SimBroker } from '../../simulations/world/sim-broker.js';
import { SimClock } from '../../simulations/world/sim-clock.js';
import { SimCloud, simDecryptor } from '../../simulations/world/sim-cloud.js';
import { SimConfigSource, simConfig } from '../../simulations/world/sim-config.js';
import { DOCUMENTED_CODES, codeOf, mutated, runs, watchUnhandledRejections } from './support/fuzz-kit.js';

watchUnhandledRejections();

/** Node runs a timer longer than this at once (with a TimeoutOverflowWarning). */
const NODE_TIMER_MAX_MS = 2_147_483_647;

function simLink(seed: number) {
  const sim = new SimClock();
  // The simulated clock with Node's timer semantics, so a delay a real timer cannot wait shows up.
  const clock = Object.assign(Object.create(sim) as SimClock, {
    setTimeout: (fn: () => void, ms: number) => sim.setTimeout(fn, ms > NODE_TIMER_MAX_MS ? 1 : ms),
  });
  const broker = new SimBroker(clock);
  const warnings: { message: string; fields?: LogFields }[] = [];
  const logger: Logger = { debug: () => undefined, info: () => undefined, error: (message, fields) => { warnings.push({ message, fields }); }, warn: (message, fields) => { warnings.push({ message, fields }); } };
  const cloud = new SimCloud(sim);
  const link = createLink({
    config: new SimConfigSource(simConfig()), cloud, decryptor: simDecryptor, transport: broker, clock,
    random: seededRandom(seed), seed, logger, cmdTimeoutMs: 1_000,
    onCommand: async (req) => {
      if (req.path === '/throw') throw new Error('handler failed');
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: req.path };
    },
  });
  return { clock: sim, broker, cloud, link, warnings };
}

const validCmd = fc.record({
  msgId: fc.string({ minLength: 1, maxLength: 12 }), callbackTopic: fc.string({ maxLength: 12 }).map((s) => `/${s}`),
  method: fc.constantFrom('GET', 'POST'), path: fc.constantFrom('/api/v1/info', '/throw', '/x?y=1'), body: fc.uint8Array({ maxLength: 20 }),
  timeoutMs: fc.option(fc.integer({ min: 1, max: 5_000 }), { nil: undefined }),
}).map((m) => formatCmdRequest(m));
const validCancel = fc.string({ maxLength: 12 }).map((requestId) => encodeCancelPendingRequest({ requestId }));
const message = fc.oneof(
  fc.record({ type: fc.constant('cmd'), payload: fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated(validCmd), validCmd) }),
  fc.record({ type: fc.constant('CancelPendingRequest'), payload: fc.oneof(fc.uint8Array({ maxLength: 60 }), mutated(validCancel), validCancel) }),
  fc.record({ type: fc.oneof(fc.string({ maxLength: 16 }), fc.constantFrom('inbox-cmd', 'cmd ', 'CMD', '')), payload: fc.uint8Array({ maxLength: 100 }) }),
);

const PROBE = formatCmdRequest({ msgId: 'probe-0c1e7d', callbackTopic: '/probe/reply', method: 'GET', path: '/probe' });

describe('fuzz: a whole link under garbage inbound messages', () => {
  it('stays connected, publishes, answers a valid cmd, and drops garbage with coded warnings', async () => {
    await fc.assert(fc.asyncProperty(fc.array(message, { maxLength: 12 }), fc.integer({ min: 1, max: 1_000_000 }), async (messages, seed) => {
      const { clock, broker, link, warnings } = simLink(seed);
      await link.start();
      await clock.advance(1_000);
      expect(link.getState().state).toMatch(/^connected\.(online|stable)$/);
      for (const m of messages) broker.deliver(m.type, m.payload);
      broker.deliver('cmd', PROBE);
      // The cmd relay is loaded with a dynamic import (real I/O) on the first session: let real time pass too.
      for (let i = 0; i < 400 && !broker.delivered.some((d) => d.topicName === '/probe/reply'); i += 1) {
        await new Promise((resolve) => setTimeout(resolve, i < 20 ? 0 : 5));
        await clock.advance(5);
      }
      await clock.advance(10_000);

      const state = link.getState();
      expect(state.top).toBe('connected');
      expect(state.messagesReceived).toBe(messages.length + 1);
      const probe = broker.delivered.filter((d) => d.topicName === '/probe/reply').map((d) => parseCmdReply(d.payload));
      expect(probe.map((r) => [r.header['msg-id'], r.status, new TextDecoder().decode(r.body)])).toEqual([['probe-0c1e7d', 200, '/probe']]);
      // A malformed cmd is dropped, or answered 400 when the agent would have queued it (its HTTP part looks like a request).
      const coded = warnings.filter((x) => x.message === 'malformed cmd dropped' || x.message === 'cmd request unreadable: answered 400');
      expect(coded).toHaveLength(messages.filter((m) => m.type === 'cmd' && codeOf(() => parseCmdRequest(m.payload)) !== 'ok').length);
      for (const w of coded) expect(DOCUMENTED_CODES.has(String(w.fields?.code))).toBe(true);
      expect(warnings.filter((x) => x.message === 'message handler failed')).toEqual([]);

      const sent = link.publish('chart', new Uint8Array([1, 2, 3]));
      await clock.runUntil(sent);
      expect(broker.delivered.some((d) => d.topicName === 'chart')).toBe(true);
      await clock.runUntil(link.stop());
      expect(broker.open.size).toBe(0);
    }), runs(40, 1_500));
  });

  it('regression: a DisconnectReq with a huge reconnect-after keeps the link away (it crashed the link state with RangeError)', async () => {
    const { clock, broker, link, warnings } = simLink(7);
    await link.start();
    await clock.advance(1_000);
    const huge = new Uint8Array([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]); // reconnect_after_seconds = 2^64-1
    for (const bytes of [huge, encodeDisconnectReq({ reconnectAfterSeconds: Number.MAX_SAFE_INTEGER, permaban: false })]) {
      const event = inbound('/agent/x/inbound/v2/DisconnectReq', bytes, link.getState() && { debug() {}, info() {}, warn() {}, error() {} });
      expect(event).toMatchObject({ type: 'disconnect-req', permaban: false });
      for (const session of broker.open) if (event) session.emitLater(event);
      await clock.advance(3_600_000);
      expect(link.getState().state).toBe('backoff.waiting');
      expect(broker.connects).toBe(1);
    }
    expect(warnings).toEqual([]);
    await clock.runUntil(link.stop());
  });

  it('regression: a huge errorRetryDelaySeconds keeps the link away (it crashed its state with RangeError)', async () => {
    const { clock, cloud, link } = simLink(8);
    const body = parseCloudErrorBody(JSON.stringify({ errorMsgKey: 'ErrSlowDown', errorRetryDelaySeconds: 1e300 }));
    cloud.script('env', { kind: 'http-error', status: 429, ...(body ? { body } : {}) });
    await link.start();
    await clock.advance(3_600_000);
    expect(link.getState()).toMatchObject({ state: 'backoff.waiting', reasonCode: 'ENV_NOT_200' });
    expect(cloud.calls.filter((c) => c.endpoint === 'env')).toHaveLength(1);
    await clock.runUntil(link.stop());
  });
});
