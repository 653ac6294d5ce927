/** The cmd relay wired into createLink, in the simulated world: request in, reply out on the callback topic. */
import { describe, expect, it } from 'vitest';
import { encodeCancelPendingRequest, formatCmdRequest, parseCmdReply } from '../../adapters/messages/index.js';
import type { CmdHandler, CmdHandlerRequest } from '../../adapters/mqtt/cmd-relay.js';
import type { Transport } from '../../effects/ports.js';
import { createLink } from '../../link/create-link.js';
import { SimBroker } from '../../simulations/world/sim-broker.js';
import { SimClock } from '../../simulations/world/sim-clock.js';
import { SimCloud, simDecryptor } from '../../simulations/world/sim-cloud.js';
import { SimConfigSource, simConfig } from '../../simulations/world/sim-config.js';
import { recordingLogger } from '../support/dev-cloud.js';

const CALLBACK = '/agent/sim/outbound/v1/cmd-reply';

function simWorld(onCommand: CmdHandler, wrap?: (b: SimBroker) => Transport) {
  const clock = new SimClock();
  const broker = new SimBroker(clock);
  const logger = recordingLogger();
  const link = createLink({
    config: new SimConfigSource(simConfig()), cloud: new SimCloud(clock), decryptor: simDecryptor,
    transport: wrap ? wrap(broker) : broker, clock, logger, seed: 1, onCommand, cmdTimeoutMs: 5_000,
  });
  return { clock, broker, link, logger };
}

async function online(w: ReturnType<typeof simWorld>): Promise<void> {
  await w.link.start();
  await w.clock.advance(1_000);
  expect(w.link.getState().online).toBe(true);
}

/**
 * The relay module is loaded with a dynamic import (real I/O) when the session comes up; until it is
 * there, cmds wait. So alternate a little real time with a little simulated time until `done()`.
 */
async function until(w: ReturnType<typeof simWorld>, done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    await w.clock.advance(5);
  }
  expect(done()).toBe(true);
}

const cmd = (msgId: string, path = '/api/v1/info', timeoutMs?: number) =>
  formatCmdRequest({ msgId, callbackTopic: CALLBACK, method: 'GET', path, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });

const replies = (broker: SimBroker) => broker.delivered.filter((d) => d.topicName === CALLBACK).map((d) => parseCmdReply(d.payload));

describe('cmd relay in createLink (simulated broker)', () => {
  it('round trip: the handler answers and the reply goes to the raw callback topic', async () => {
    const seen: CmdHandlerRequest[] = [];
    const w = simWorld(async (request) => {
      seen.push(request);
      return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
    });
    await online(w);
    w.broker.deliver('cmd', cmd('m-1'));
    await until(w, () => replies(w.broker).length > 0);
    expect(seen.map((r) => [r.msgId, r.method, r.path])).toEqual([['m-1', 'GET', '/api/v1/info']]);
    const [reply] = replies(w.broker);
    expect(reply?.status).toBe(200);
    expect(reply?.header['msg-id']).toBe('m-1');
    expect(Buffer.from(reply?.body ?? []).toString()).toBe('{"ok":true}');
    await w.clock.runUntil(w.link.stop());
  });

  it('CancelPendingRequest aborts the handler and nothing is replied', async () => {
    let signal: AbortSignal | undefined;
    const w = simWorld((request) => {
      signal = request.signal;
      return new Promise(() => undefined);
    });
    await online(w);
    w.broker.deliver('cmd', cmd('m-2'));
    await until(w, () => signal !== undefined);
    w.broker.deliver('CancelPendingRequest', encodeCancelPendingRequest({ requestId: 'm-2' }));
    await w.clock.advance(10_000);
    expect(signal?.aborted).toBe(true);
    expect(replies(w.broker)).toEqual([]);
    await w.clock.runUntil(w.link.stop());
  });

  it('a handler that is too slow gets 504 (Query timeout exceeded, no error-code); stop() aborts running requests', async () => {
    const signals: AbortSignal[] = [];
    const w = simWorld((request) => {
      signals.push(request.signal);
      return new Promise(() => undefined);
    });
    await online(w);
    w.broker.deliver('cmd', cmd('slow', '/slow', 1_000));
    await until(w, () => signals.length === 1);
    await w.clock.advance(1_100);
    expect(replies(w.broker).map((r) => [r.status, r.header['error-code'], new TextDecoder().decode(r.body)])).toEqual([[504, undefined, 'Query timeout exceeded']]);
    w.broker.deliver('cmd', cmd('left-running'));
    await until(w, () => signals.length === 2);
    await w.clock.runUntil(w.link.stop());
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
  });

  it('a transport without publishRaw: the reply is not delivered and the failure is logged with its code', async () => {
    const w = simWorld(async () => ({ status: 200, body: 'x' }), (broker) => ({
      connect(params) {
        const s = broker.connect(params);
        return { events: s.events, publish: (t, p) => s.publish(t, p), close: (o) => s.close(o) };
      },
    }));
    await online(w);
    w.broker.deliver('cmd', cmd('m-3'));
    await until(w, () => w.logger.lines.some((l) => l.includes('PUBLISH_RAW_UNSUPPORTED')));
    expect(replies(w.broker)).toEqual([]);
    await w.clock.runUntil(w.link.stop());
  });
});
