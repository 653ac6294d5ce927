/**
 * The link-level `cmdTimeoutMs` through createLink (link/options.ts; adapters/mqtt/cmd-relay.ts: the
 * safety cap of a cmd whose header has no timeout, 60 s by default): in the simulated world, a handler
 * that never answers is answered 504 "Query timeout exceeded" exactly at the cap, not a millisecond
 * before; a header timeout takes precedence over it.
 */
import { describe, expect, it } from 'vitest';
import { formatCmdRequest, parseCmdReply } from '../../adapters/messages/index.js';
import type { CmdHandlerRequest } from '../../adapters/mqtt/cmd-relay.js';
import { createLink } from '../../link/create-link.js';
import { SimBroker } from '../../simulations/world/sim-broker.js';
import { SimClock } from '../../simulations/world/sim-clock.js';
import { SimCloud, simDecryptor } from '../../simulations/world/sim-cloud.js';
import { SimConfigSource, simConfig } from '../../simulations/world/sim-config.js';
import { recordingLogger } from '../support/dev-cloud.js';

const CALLBACK = '/agent/sim/outbound/v1/cmd-reply';

async function hangingLink(cmdTimeoutMs: number | undefined) {
  const clock = new SimClock();
  const broker = new SimBroker(clock);
  const seen: CmdHandlerRequest[] = [];
  /** Simulated time at which the handler got each request (the relay starts its timer then). */
  const calledAt = new Map<string, number>();
  const link = createLink({
    config: new SimConfigSource(simConfig()), cloud: new SimCloud(clock), decryptor: simDecryptor, transport: broker, clock,
    logger: recordingLogger(), seed: 1, onCommand: (request) => {
      seen.push(request);
      calledAt.set(request.msgId, clock.now());
      return new Promise(() => undefined);
    },
    ...(cmdTimeoutMs !== undefined ? { cmdTimeoutMs } : {}),
  });
  await link.start();
  await clock.advance(1_000);
  expect(link.getState().online).toBe(true);
  /** Replies as the link sends them (before their PUBACK), with the simulated time of sending. */
  const sent: { at: number; payload: Uint8Array }[] = [];
  broker.onPublish = (topic, payload) => {
    if (topic === CALLBACK) sent.push({ at: clock.now(), payload });
  };
  const replies = () => sent.map((r) => parseCmdReply(r.payload));
  /**
   * Delivers a cmd and waits until the handler has it: the relay module is imported (real I/O) when the
   * session comes up, so a little real time alternates with a little simulated time. Returns the
   * simulated time the handler got it.
   */
  const send = async (msgId: string, timeoutMs?: number): Promise<number> => {
    broker.deliver('cmd', formatCmdRequest({ msgId, callbackTopic: CALLBACK, method: 'GET', path: '/x', ...(timeoutMs !== undefined ? { timeoutMs } : {}) }));
    for (let i = 0; i < 500 && !calledAt.has(msgId); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await clock.advance(1);
    }
    const at = calledAt.get(msgId);
    if (at === undefined) throw new Error(`the handler never got ${msgId}`);
    return at;
  };
  const stop = () => clock.runUntil(link.stop());
  return { clock, replies, sent, send, seen, stop };
}

const answered = (replies: ReturnType<typeof parseCmdReply>[]) => replies.map((r) => [r.header['msg-id'], r.status, Buffer.from(r.body).toString()]);

describe('cmdTimeoutMs through createLink', () => {
  it.each([
    [7_000, undefined, 7_000],
    [undefined, undefined, 60_000],
    [7_000, 2_000, 2_000],
    [1_500, 9_000, 9_000],
  ])('cmdTimeoutMs %j, header timeout %j: 504 exactly after %i ms', async (cmdTimeoutMs, headerTimeout, expectedMs) => {
    const w = await hangingLink(cmdTimeoutMs);
    const at = await w.send('m-1', headerTimeout);
    await w.clock.advance(at + expectedMs - 1 - w.clock.now());
    expect(w.replies()).toEqual([]);
    expect(w.seen[0]?.signal.aborted).toBe(false);
    await w.clock.advance(1);
    expect(answered(w.replies())).toEqual([['m-1', 504, 'Query timeout exceeded']]);
    expect(w.sent[0]?.at).toBe(at + expectedMs);
    expect(w.seen[0]?.signal.aborted).toBe(true);
    await w.stop();
  });
});
