/**
 * Issue 13: the cmd relay had no cap on pending requests; a flood of never-answered requests grew
 * without bound. Now at most `maxPending` run; one more is answered at once with the agent's busy
 * error (http-code 503, error-code 6) and never reaches the handler; the cap and the count show in
 * the link's state (`aclk state`).
 */
import { describe, expect, it } from 'vitest';
import { formatCmdRequest, parseCmdReply } from '../../adapters/messages/index.js';
import { BUSY_REPLIES_PER_SLOT, createCmdRelay, DEFAULT_MAX_PENDING_CMDS, type CmdHandler } from '../../adapters/mqtt/cmd-relay.js';
import type { Logger } from '../../effects/ports.js';
import { DEFAULT_CMD_MAX_PENDING } from '../../link/cmd-wiring.js';
import { createLink } from '../../link/create-link.js';
import { toAclkStateJson } from '../../link/state.js';
import { SimBroker } from '../../simulations/world/sim-broker.js';
import { SimClock, settle } from '../../simulations/world/sim-clock.js';
import { SimCloud, simDecryptor } from '../../simulations/world/sim-cloud.js';
import { SimConfigSource, simConfig } from '../../simulations/world/sim-config.js';
import { recordingLogger } from '../support/dev-cloud.js';

const CALLBACK = '/agent/sim/outbound/v1/cmd-reply';
const cmd = (msgId: string) => formatCmdRequest({ msgId, callbackTopic: CALLBACK, method: 'GET', path: '/api/v1/info', timeoutMs: 60_000 });
const never: CmdHandler = () => new Promise(() => undefined);
const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function relayWith(maxPending: number | undefined, publish: (topic: string, payload: Uint8Array) => Promise<void>) {
  const clock = new SimClock();
  let calls = 0;
  const handler: CmdHandler = (request) => {
    calls += 1;
    return never(request);
  };
  const relay = createCmdRelay({ handler, publish, clock, logger: quiet, ...(maxPending !== undefined ? { maxPending } : {}) });
  return { clock, relay, calls: () => calls };
}

describe('cmd relay cap', () => {
  it('a flood of never-answered requests: exactly the cap pending, the rest answered 503 busy at once', async () => {
    const replies: ReturnType<typeof parseCmdReply>[] = [];
    const { relay, clock, calls } = relayWith(8, async (_topic, payload) => void replies.push(parseCmdReply(payload)));
    for (let i = 0; i < 100; i += 1) relay.onCmd(cmd(`m-${i}`));
    await settle();
    expect(relay.pending).toBe(8);
    expect(relay.maxPending).toBe(8);
    expect(calls()).toBe(8);
    expect(clock.pending).toBe(8); // one timeout timer per running request, none for the busy ones
    expect(relay.busy).toBe(92);
    expect(replies).toHaveLength(92);
    expect(replies.every((r) => r.header['http-code'] === 503 && r.header['error-code'] === 6)).toBe(true);
    expect(replies[0]?.header['msg-id']).toBe('m-8');
    expect(replies[0]?.status).toBe(503);
  });

  it('busy replies that are never acknowledged are capped too: memory stays bounded', async () => {
    let publishes = 0;
    const { relay } = relayWith(4, () => {
      publishes += 1;
      return new Promise(() => undefined); // no PUBACK, ever
    });
    for (let i = 0; i < 10_000; i += 1) relay.onCmd(cmd(`m-${i}`));
    await settle();
    expect(relay.pending).toBe(4);
    expect(publishes).toBe(4 * BUSY_REPLIES_PER_SLOT); // busy replies awaiting PUBACK: bounded too
    expect(relay.busy).toBe(9_996);
  });

  it('a finished request frees its slot', async () => {
    const resolvers: (() => void)[] = [];
    const clock = new SimClock();
    const published: number[] = [];
    const relay = createCmdRelay({
      handler: () => new Promise((resolve) => resolvers.push(() => resolve({ status: 200, body: 'ok' }))),
      publish: async (_t, payload) => void published.push(parseCmdReply(payload).status),
      clock, logger: quiet, maxPending: 2,
    });
    relay.onCmd(cmd('a'));
    relay.onCmd(cmd('b'));
    relay.onCmd(cmd('c'));
    await settle();
    expect(published).toEqual([503]);
    resolvers[0]?.();
    await settle();
    relay.onCmd(cmd('d'));
    await settle();
    expect(relay.pending).toBe(2);
    expect(published).toEqual([503, 200]);
  });

  it('defaults to 64, the same default the link wiring uses', async () => {
    const { relay } = relayWith(undefined, async () => undefined);
    for (let i = 0; i < 100; i += 1) relay.onCmd(cmd(`m-${i}`));
    await settle();
    expect(relay.pending).toBe(64);
    expect(DEFAULT_MAX_PENDING_CMDS).toBe(64);
    expect(DEFAULT_CMD_MAX_PENDING).toBe(DEFAULT_MAX_PENDING_CMDS);
  });
});

describe('cmd cap in the link (simulated broker)', () => {
  function simWorld(cmdMaxPending?: number) {
    const clock = new SimClock();
    const broker = new SimBroker(clock);
    const link = createLink({
      config: new SimConfigSource(simConfig()), cloud: new SimCloud(clock), decryptor: simDecryptor,
      transport: broker, clock, logger: recordingLogger(), seed: 1, onCommand: never,
      ...(cmdMaxPending !== undefined ? { cmdMaxPending } : {}),
    });
    return { clock, broker, link };
  }

  it('cmdMaxPending caps the relay; the state (and aclk state) shows the cap, the pending count and the busy answers', async () => {
    const w = simWorld(3);
    await w.link.start();
    await w.clock.advance(1_000);
    expect(w.link.getState().online).toBe(true);
    for (let i = 0; i < 10; i += 1) w.broker.deliver('cmd', cmd(`m-${i}`));
    const busyReplies = () => w.broker.delivered.filter((d) => d.topicName === CALLBACK).length;
    for (let i = 0; i < 500 && busyReplies() < 7; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5)); // the relay module loads with a real dynamic import
      await w.clock.advance(5);
    }
    expect(busyReplies()).toBe(7);
    const state = w.link.getState();
    expect(state).toMatchObject({ cmdPending: 3, cmdMaxPending: 3, cmdBusyAnswers: 7 });
    expect(toAclkStateJson(state)).toMatchObject({ 'cmd-pending': 3, 'cmd-max-pending': 3, 'cmd-busy-answers': 7 });
    await w.clock.runUntil(w.link.stop());
  });

  it('the default cap shows before any cmd arrives; a cap below 1 is refused (CMD_BAD_OPTION)', () => {
    expect(simWorld().link.getState()).toMatchObject({ cmdPending: 0, cmdMaxPending: 64, cmdBusyAnswers: 0 });
    expect(() => simWorld(0)).toThrow(expect.objectContaining({ code: 'CMD_BAD_OPTION' }));
    expect(() => simWorld(1.5)).toThrow(expect.objectContaining({ code: 'CMD_BAD_OPTION' }));
  });
});
