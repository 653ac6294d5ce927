import { describe, expect, it } from 'vitest';
import { LinkError } from '../../effects/errors.js';
import type { LogFields, Logger } from '../../effects/ports.js';
import { createCmdRelay, type CmdHandler } from '../../adapters/mqtt/cmd-relay.js';
import { encodeCancelPendingRequest, formatCmdRequest, parseCmdReply } from '../../adapters/messages/index.js';
import { SimClock, settle } from '../../simulations/world/sim-clock.js';

interface Published { topic: string; reply: ReturnType<typeof parseCmdReply> }

function setup(handler: CmdHandler, publishError?: (n: number) => LinkError | undefined) {
  const clock = new SimClock();
  const logs: { level: string; message: string; fields?: LogFields }[] = [];
  const log = (level: string) => (message: string, fields?: LogFields) => { logs.push({ level, message, fields }); };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const published: Published[] = [];
  let calls = 0;
  const publish = async (topic: string, payload: Uint8Array): Promise<void> => {
    const error = publishError?.(calls++);
    if (error) throw error;
    published.push({ topic, reply: parseCmdReply(payload) });
  };
  const relay = createCmdRelay({ handler, publish, clock, logger, defaultTimeoutMs: 1000, connectedAtMs: () => 1_000 });
  return { clock, logs, published, relay };
}

const cmd = (msgId: string, timeoutMs?: number) =>
  formatCmdRequest({ msgId, callbackTopic: '/reply/here', method: 'POST', path: '/api/v1/echo', headers: { 'x-a': 'b' }, body: 'hi', ...(timeoutMs ? { timeoutMs } : {}) });
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('cmd relay', () => {
  it('calls the handler and publishes the answer on the callback topic', async () => {
    const { relay, published, clock } = setup(async (req) => ({ status: 201, headers: { 'content-type': 'text/plain' }, body: `${req.method} ${req.path} ${req.headers['x-a']} ${text(req.body)}` }));
    relay.onCmd(cmd('m1'));
    await settle();
    expect(published).toHaveLength(1);
    const [first] = published;
    expect(first?.topic).toBe('/reply/here');
    expect(first?.reply.status).toBe(201);
    expect(text(first?.reply.body ?? new Uint8Array())).toBe('POST /api/v1/echo b hi');
    expect(first?.reply.header).toMatchObject({ 'msg-id': 'm1', 'http-code': 201, version: 2, connect: 1, timestamp: Math.floor(clock.now() / 1000) });
    expect(first?.reply.header['error-code']).toBeUndefined();
    expect(relay.pending).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('times out with the agent\'s 504 (Query timeout exceeded, no error-code) and aborts the handler', async () => {
    let signal: AbortSignal | undefined;
    const { relay, published, clock } = setup((req) => {
      signal = req.signal;
      return new Promise(() => undefined);
    });
    relay.onCmd(cmd('slow', 250));
    await clock.advance(249);
    expect(published).toHaveLength(0);
    await clock.advance(1);
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as LinkError).code).toBe('CMD_TIMEOUT');
    expect(published[0]?.reply.header).toMatchObject({ 'msg-id': 'slow', 'http-code': 504, 't-exec': 250_000 });
    expect(published[0]?.reply.header['error-code']).toBeUndefined();
    expect(text(published[0]?.reply.body ?? new Uint8Array())).toBe('Query timeout exceeded');
  });

  it('uses the safety cap when the cmd has no timeout', async () => {
    const { relay, published, clock } = setup(() => new Promise(() => undefined));
    relay.onCmd(cmd('d'));
    await clock.advance(999);
    expect(published).toHaveLength(0);
    await clock.advance(1);
    expect(published[0]?.reply.status).toBe(504);
  });

  it('answers 500 without leaking the error when the handler fails', async () => {
    const { relay, published, logs } = setup(async () => { throw new Error('secret detail'); });
    relay.onCmd(cmd('f'));
    await settle();
    expect(published[0]?.reply.status).toBe(500);
    expect(text(published[0]?.reply.body ?? new Uint8Array())).not.toContain('secret');
    expect(logs.some((l) => l.message === 'cmd handler failed' && l.fields?.error === 'secret detail')).toBe(true);
  });

  it('answers 500 when the handler throws synchronously or returns a bad status', async () => {
    const { relay, published } = setup(((req: { path: string }) => {
      if (req.path) throw new Error('sync');
      return Promise.resolve({ status: 0 });
    }) as CmdHandler);
    relay.onCmd(cmd('s'));
    await settle();
    expect(published[0]?.reply.status).toBe(500);
    const bad = setup(async () => ({ status: 42 }));
    bad.relay.onCmd(cmd('b'));
    await settle();
    expect(bad.published[0]?.reply.status).toBe(500);
  });

  it('sends error 4 when the reply is too big for the connection', async () => {
    const { relay, published } = setup(async () => ({ status: 200, body: 'x'.repeat(100) }), (n) => (n === 0 ? new LinkError('MESSAGE_TOO_BIG', 'too big') : undefined));
    relay.onCmd(cmd('big'));
    await settle();
    expect(published[0]?.reply.header).toMatchObject({ 'msg-id': 'big', 'http-code': 413, 'error-code': 4, 'error-description': 'Request reply produces message bigger than allowed maximum' });
    expect(published[0]?.reply.body.length).toBe(0);
  });

  it('logs and drops malformed cmds and duplicate msg-ids', async () => {
    const { relay, published, logs } = setup(() => new Promise(() => undefined));
    relay.onCmd(new TextEncoder().encode('garbage'));
    relay.onCmd(cmd('dup'));
    relay.onCmd(cmd('dup'));
    await settle();
    expect(published).toHaveLength(0);
    expect(relay.pending).toBe(1);
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual(['malformed cmd dropped', 'cmd dropped: this msg-id is already running']);
    expect(logs[0]?.fields?.code).toBe('CMD_BAD_HEADER');
  });

  it('CancelPendingRequest aborts the request and sends nothing', async () => {
    let signal: AbortSignal | undefined;
    const { relay, published, clock } = setup((req) => {
      signal = req.signal;
      return new Promise((resolve) => req.signal.addEventListener('abort', () => resolve({ status: 200, body: 'late' })));
    });
    relay.onCmd(cmd('c1'));
    await settle();
    relay.onCancel(encodeCancelPendingRequest({ requestId: 'other' }));
    expect(signal?.aborted).toBe(false);
    relay.onCancel(new Uint8Array([0xff]));
    relay.onCancel(encodeCancelPendingRequest({ requestId: 'c1' }));
    expect((signal?.reason as LinkError).code).toBe('CMD_CANCELLED');
    await clock.advance(5000);
    expect(published).toHaveLength(0);
    expect(relay.pending).toBe(0);
  });

  it('close aborts everything and drops later cmds', async () => {
    const signals: AbortSignal[] = [];
    const { relay, published, clock } = setup((req) => {
      signals.push(req.signal);
      return new Promise(() => undefined);
    });
    relay.onCmd(cmd('a'));
    relay.onCmd(cmd('b'));
    await settle();
    relay.close();
    relay.onCmd(cmd('c'));
    await clock.advance(5000);
    expect(signals.map((s) => (s.reason as LinkError).code)).toEqual(['CMD_RELAY_CLOSED', 'CMD_RELAY_CLOSED']);
    expect(published).toHaveLength(0);
    expect(clock.pending).toBe(0);
  });

  it('a failing publish is logged, never thrown', async () => {
    const { relay, logs } = setup(async () => ({ status: 200 }), () => new LinkError('SOCKET_CLOSED', 'gone'));
    relay.onCmd(cmd('p'));
    await settle();
    expect(logs.some((l) => l.message === 'cmd reply not delivered' && l.fields?.code === 'SOCKET_CLOSED')).toBe(true);
  });
});
