/**
 * adapters/mqtt/cmd-relay.ts, continued from cmd-relay-edges.spec.ts: the abort reasons' texts, the races
 * (a cancel, a timeout or close while the handler runs or the reply is being compressed sends nothing more,
 * and does not disturb a new request with the same msg-id), the reply's connect time and the last-resort log.
 */
import { describe, expect, it } from 'vitest';
import { encodeCancelPendingRequest } from '../../adapters/messages/index.js';
import { type CmdHandler } from '../../adapters/mqtt/cmd-relay.js';
import { LinkError } from '../../effects/errors.js';
import { settle } from '../../simulations/world/sim-clock.js';

import { setup, cmd, gzipCmd, never, heldCompressor } from './cmd-relay-harness.js';

describe('abort reasons', () => {
  it('timeout: CMD_TIMEOUT, naming the msg-id and the limit', async () => {
    let signal: AbortSignal | undefined;
    const { relay, clock } = setup((req) => { signal = req.signal; return never(req); });
    relay.onCmd(cmd('slow', { timeoutMs: 250 }));
    await clock.advance(250);
    const reason = signal?.reason as LinkError;
    expect([reason.code, reason.message]).toStrictEqual(['CMD_TIMEOUT', 'cmd slow took longer than 250 ms']);
  });

  it('close: CMD_RELAY_CLOSED, "the cmd relay was closed"', async () => {
    let signal: AbortSignal | undefined;
    const { relay, logs } = setup((req) => { signal = req.signal; return never(req); });
    relay.onCmd(cmd('a'));
    await settle();
    relay.close();
    const reason = signal?.reason as LinkError;
    expect([reason.code, reason.message]).toStrictEqual(['CMD_RELAY_CLOSED', 'the cmd relay was closed']);
    expect(relay.pending).toBe(0);
    expect(logs).toStrictEqual([]);
  });
});

describe('races: nothing more is sent for a request that already ended', () => {
  it('cancelled while its reply is being compressed: no reply', async () => {
    const held = heldCompressor();
    const { relay, published, logs } = setup(async () => ({ status: 200, body: 'abc' }), () => 'ok', { compress: held.compress });
    relay.onCmd(gzipCmd('c'));
    await settle();
    expect(held.calls).toHaveLength(1);
    relay.onCancel(encodeCancelPendingRequest({ requestId: 'c' }));
    held.calls[0]?.resolve(new Uint8Array([1, 2, 3]));
    await settle();
    expect(published).toHaveLength(0);
    expect(logs).toStrictEqual([['info', 'cmd cancelled by the cloud', { msgId: 'c' }]]);
  });

  it('cancelled while compressing, and a new request with the same msg-id runs: the old reply does not end the new request', async () => {
    const held = heldCompressor();
    let calls = 0;
    const { relay, published } = setup((req) => { calls += 1; return calls === 1 ? Promise.resolve({ status: 200, body: 'old' }) : never(req); }, () => 'ok', { compress: held.compress });
    relay.onCmd(gzipCmd('x'));
    await settle();
    relay.onCancel(encodeCancelPendingRequest({ requestId: 'x' }));
    relay.onCmd(cmd('x'));
    await settle();
    expect([calls, relay.pending]).toStrictEqual([2, 1]);
    held.calls[0]?.resolve(new Uint8Array([1, 2, 3]));
    await settle();
    expect(published).toHaveLength(0);
    expect(relay.pending).toBe(1);
  });

  it('timed out while compressing: the 504 only, the compressed reply is not sent after it', async () => {
    const held = heldCompressor();
    const { relay, published, clock } = setup(async () => ({ status: 200, body: 'abc' }), () => 'ok', { compress: held.compress });
    relay.onCmd(cmd('t', { timeoutMs: 100, headers: { 'accept-encoding': 'gzip' } }));
    await clock.advance(100);
    held.calls[0]?.resolve(new Uint8Array([1, 2, 3]));
    await settle();
    expect(published.map((p) => p.reply.status)).toStrictEqual([504]);
  });

  it('cancelled while compressing, then the compression fails: no error reply, nothing logged about it', async () => {
    const held = heldCompressor();
    const { relay, published, logs } = setup(async () => ({ status: 200, body: 'abc' }), () => 'ok', { compress: held.compress });
    relay.onCmd(gzipCmd('c'));
    await settle();
    relay.onCancel(encodeCancelPendingRequest({ requestId: 'c' }));
    held.calls[0]?.reject(new Error('zlib broke'));
    await settle();
    expect(published).toHaveLength(0);
    expect(logs).toStrictEqual([['info', 'cmd cancelled by the cloud', { msgId: 'c' }]]);
  });

  it('an answer after a cancel or close is not even compressed', async () => {
    let compressed = 0;
    const handler: CmdHandler = (req) => new Promise((resolve) => req.signal.addEventListener('abort', () => resolve({ status: 200, body: 'late' })));
    const { relay, published } = setup(handler, () => 'ok', { compress: async (b) => { compressed += 1; return b; } });
    relay.onCmd(gzipCmd('c'));
    relay.onCmd(gzipCmd('d'));
    await settle();
    relay.onCancel(encodeCancelPendingRequest({ requestId: 'c' }));
    relay.close();
    await settle();
    expect([compressed, published.length]).toStrictEqual([0, 0]);
  });

  it('a handler that fails after a cancel or a timeout: nothing sent, nothing logged about it', async () => {
    const failers: ((e: Error) => void)[] = [];
    const { relay, published, logs, clock } = setup(() => new Promise((_resolve, reject) => failers.push(reject)));
    relay.onCmd(cmd('c'));
    relay.onCmd(cmd('t', { timeoutMs: 100 }));
    await settle();
    relay.onCancel(encodeCancelPendingRequest({ requestId: 'c' }));
    await clock.advance(100);
    failers[0]?.(new Error('late failure'));
    failers[1]?.(new Error('late failure'));
    await settle();
    expect(published.map((p) => [p.reply.header['msg-id'], p.reply.status])).toStrictEqual([['t', 504]]);
    expect(logs.map(([, message]) => message)).toStrictEqual(['cmd cancelled by the cloud', 'cmd timed out']);
  });
});

describe('the reply\'s connect time and the last-resort error log', () => {
  it('without connectedAtMs, connect is when the relay was created', async () => {
    const { relay, published, clock } = setup(async () => ({ status: 200, body: 'ok' }), () => 'ok', { connectedAtMs: undefined });
    await clock.advance(3_000);
    relay.onCmd(cmd('m'));
    await settle();
    expect(published[0]?.reply.header).toMatchObject({ connect: 1_700_000_000, 'connect-offset-usec': 250_000, timestamp: 1_700_000_003 });
  });

  it('a publish that throws instead of rejecting: a reply not delivered, with the msg-id, never an unhandled rejection', async () => {
    const { relay, logs } = setup(async () => ({ status: 200, body: 'ok' }), () => ({ throw: new TypeError('publish exploded') }));
    relay.onCmd(cmd('m'));
    await settle();
    expect(logs).toStrictEqual([['warn', 'cmd reply not delivered', { msgId: 'm', code: 'PUBLISH_FAILED', error: 'publish exploded' }]]);
    expect(relay.pending).toBe(0);
  });
});
