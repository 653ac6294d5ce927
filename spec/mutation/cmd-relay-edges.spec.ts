/**
 * adapters/mqtt/cmd-relay.ts, the parts the behaviour specs (spec/mqtt/cmd-relay*.spec.ts) reach only in
 * passing: exactly what is logged (message, level, fields) for every kind of reply that cannot be
 * delivered and for every dropped or cancelled cmd, the abort reasons' texts, the busy log once per
 * episode, the busy replies' PUBACK accounting, and the races: a cancel, a timeout or close while the
 * handler runs or the reply is being compressed sends nothing more (and does not disturb a new request
 * with the same msg-id).
 */
import { describe, expect, it } from 'vitest';
import { decodeCancelPendingRequest, encodeCancelPendingRequest, parseCmdReply } from '../../adapters/messages/index.js';
import { createCmdRelay, type CmdHandlerResponse } from '../../adapters/mqtt/cmd-relay.js';
import { LinkError } from '../../effects/errors.js';
import type { LogFields } from '../../effects/ports.js';
import { SimClock, settle } from '../../simulations/world/sim-clock.js';

import { START, Log, setup, cmd, gzipCmd, enc, text, never, tooBig, gone } from './cmd-relay-harness.js';

describe('replies that cannot be delivered: logged with the kind of reply, the msg-id, the code and the error', () => {
  it('a timeout reply', async () => {
    const { relay, clock, logs, attempts, published } = setup(never, () => ({ reject: gone() }));
    relay.onCmd(cmd('slow', { timeoutMs: 250 }));
    await clock.advance(250);
    expect(attempts).toHaveLength(1);
    expect(published).toHaveLength(0);
    expect(logs).toStrictEqual([
      ['warn', 'cmd timed out', { msgId: 'slow', path: '/api/v1/info', timeoutMs: 250 }],
      ['warn', 'cmd timeout reply not delivered', { msgId: 'slow', code: 'SOCKET_CLOSED', error: 'session gone' }],
    ]);
  });

  it('a timeout reply the session refuses as too big is not replaced by a 413: only the handler\'s reply is', async () => {
    const { relay, clock, logs, attempts, published } = setup(never, (n) => (n === 0 ? { reject: tooBig() } : 'ok'));
    relay.onCmd(cmd('slow', { timeoutMs: 250 }));
    await clock.advance(250);
    expect(attempts).toHaveLength(1);
    expect(published).toHaveLength(0);
    expect(logs[1]).toStrictEqual(['warn', 'cmd timeout reply not delivered', { msgId: 'slow', code: 'MESSAGE_TOO_BIG', error: 'too big' }]);
  });

  it('a reply too big, then its 413 error reply too big as well: two attempts, both logged, no third', async () => {
    const { relay, logs, attempts, published } = setup(async () => ({ status: 200, body: 'x'.repeat(100) }), (n) => (n < 2 ? { reject: tooBig() } : 'ok'));
    relay.onCmd(cmd('big'));
    await settle();
    expect(attempts).toHaveLength(2);
    expect(published).toHaveLength(0);
    expect(parseCmdReply(attempts[1] ?? new Uint8Array()).header).toMatchObject({ 'msg-id': 'big', 'http-code': 413, 'error-code': 4 });
    expect(logs).toStrictEqual([
      ['warn', 'cmd reply too big for the connection', { msgId: 'big', bytes: attempts[0]?.byteLength }],
      ['warn', 'cmd error reply not delivered', { msgId: 'big', code: 'MESSAGE_TOO_BIG', error: 'too big' }],
    ]);
  });

  it('a publish failure that is not a LinkError: code PUBLISH_FAILED, its message as the error', async () => {
    const { relay, logs } = setup(async () => ({ status: 200, body: 'ok' }), () => ({ reject: new Error('boom') }));
    relay.onCmd(cmd('p'));
    await settle();
    expect(logs).toStrictEqual([['warn', 'cmd reply not delivered', { msgId: 'p', code: 'PUBLISH_FAILED', error: 'boom' }]]);
    const plain = setup(async () => ({ status: 200, body: 'ok' }), () => ({ reject: 'just a string' }));
    plain.relay.onCmd(cmd('q'));
    await settle();
    expect(plain.logs).toStrictEqual([['warn', 'cmd reply not delivered', { msgId: 'q', code: 'PUBLISH_FAILED', error: 'just a string' }]]);
  });

  it('the 500 error reply of a failed compression', async () => {
    const { relay, logs, attempts } = setup(async () => ({ status: 200, body: 'abc' }), () => ({ reject: gone() }), {
      compress: () => Promise.reject(new Error('zlib broke')),
    });
    relay.onCmd(gzipCmd('z'));
    await settle();
    expect(parseCmdReply(attempts[0] ?? new Uint8Array()).header).toMatchObject({ 'http-code': 500, 'error-code': 3 });
    expect(logs).toStrictEqual([
      ['warn', 'cmd reply could not be compressed', { msgId: 'z', error: 'gzip failed: zlib broke' }],
      ['warn', 'cmd error reply not delivered', { msgId: 'z', code: 'SOCKET_CLOSED', error: 'session gone' }],
    ]);
  });

  it('the 500 reply of a failing handler', async () => {
    const { relay, logs } = setup(async () => { throw new Error('handler broke'); }, () => ({ reject: gone() }));
    relay.onCmd(cmd('f'));
    await settle();
    expect(logs).toStrictEqual([
      ['warn', 'cmd handler failed', { msgId: 'f', path: '/api/v1/info', error: 'handler broke' }],
      ['warn', 'cmd error reply not delivered', { msgId: 'f', code: 'SOCKET_CLOSED', error: 'session gone' }],
    ]);
  });

  it('a busy reply', async () => {
    const { relay, logs } = setup(never, () => ({ reject: gone() }), { maxPending: 1 });
    relay.onCmd(cmd('run'));
    relay.onCmd(cmd('busy'));
    await settle();
    expect(logs).toStrictEqual([
      ['warn', 'cmd answered busy: too many pending requests', { msgId: 'busy', pending: 1, maxPending: 1 }],
      ['warn', 'cmd busy reply not delivered', { msgId: 'busy', code: 'SOCKET_CLOSED', error: 'session gone' }],
    ]);
  });

  it('a publisher that throws (instead of rejecting) is a failed delivery: onCmd never throws, busy or 400', async () => {
    const clock = new SimClock(START);
    const logs: Log[] = [];
    const log = (level: string) => (message: string, fields?: LogFields) => { logs.push([level, message, fields]); };
    const publish = (): Promise<void> => { throw gone(); };
    const relay = createCmdRelay({ handler: never, publish, clock, logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }, maxPending: 1 });
    relay.onCmd(cmd('run'));
    expect(() => relay.onCmd(cmd('busy'))).not.toThrow();
    expect(() => relay.onCmd(enc.encode(`${JSON.stringify({ type: 'http', 'msg-id': 'bad', 'callback-topic': '/cb', version: 2 })}\r\n\r\nGET /x HTTP/1.1\r\nno colon\r\n\r\n`))).not.toThrow();
    await settle();
    expect(logs.filter(([, m]) => m.endsWith('not delivered'))).toStrictEqual([
      ['warn', 'cmd busy reply not delivered', { msgId: 'busy', code: 'SOCKET_CLOSED', error: 'session gone' }],
      ['warn', 'cmd bad request reply not delivered', { msgId: 'bad', code: 'SOCKET_CLOSED', error: 'session gone' }],
    ]);
  });

  it('a 400 bad request reply', async () => {
    const { relay, logs } = setup(never, () => ({ reject: gone() }));
    relay.onCmd(enc.encode(`${JSON.stringify({ type: 'http', 'msg-id': 'bad', 'callback-topic': '/cb', version: 2 })}\r\n\r\nGET /x HTTP/1.1\r\nno colon\r\n\r\n`));
    await settle();
    expect(logs).toStrictEqual([
      ['warn', 'cmd request unreadable: answered 400', { code: 'CMD_BAD_REQUEST', reason: 'malformed HTTP header line "no colon"', msgId: 'bad' }],
      ['warn', 'cmd bad request reply not delivered', { msgId: 'bad', code: 'SOCKET_CLOSED', error: 'session gone' }],
    ]);
  });
});

describe('a handler answer the reply cannot be made from', () => {
  it('a bad status is a handler failure: the plain 500 reply, not the compression error reply', async () => {
    let compressed = 0;
    const { relay, logs, published } = setup(async () => ({ status: 42, body: 'x' }), () => 'ok', {
      compress: async (b) => { compressed += 1; return b; },
    });
    relay.onCmd(gzipCmd('s'));
    await settle();
    expect(compressed).toBe(1);
    expect(published).toHaveLength(1);
    const reply = published[0]?.reply;
    expect([reply?.status, reply?.header['error-code'], text(reply?.body)]).toStrictEqual([500, undefined, 'internal error']);
    expect(logs).toStrictEqual([['warn', 'cmd handler failed', { msgId: 's', path: '/api/v1/info', error: 'bad HTTP status 42' }]]);
  });
});

describe('the busy log: once per run of busy answers', () => {
  it('the first busy answer of a run is logged, the rest of the run is not; a request that runs again ends the run', async () => {
    const answers: (() => void)[] = [];
    const { relay, logs, published } = setup(() => new Promise<CmdHandlerResponse>((resolve) => answers.push(() => resolve({ status: 200, body: 'ok' }))), () => 'ok', { maxPending: 1 });
    relay.onCmd(cmd('a'));
    relay.onCmd(cmd('b'));
    relay.onCmd(cmd('c'));
    await settle();
    answers[0]?.();
    await settle();
    relay.onCmd(cmd('d'));
    relay.onCmd(cmd('e'));
    relay.onCmd(cmd('f'));
    await settle();
    expect(published.map((p) => [p.reply.header['msg-id'], p.reply.status])).toStrictEqual([['b', 503], ['c', 503], ['a', 200], ['e', 503], ['f', 503]]);
    expect(relay.busy).toBe(4);
    expect(logs).toStrictEqual([
      ['warn', 'cmd answered busy: too many pending requests', { msgId: 'b', pending: 1, maxPending: 1 }],
      ['warn', 'cmd answered busy: too many pending requests', { msgId: 'e', pending: 1, maxPending: 1 }],
    ]);
  });

  it('a busy answer before any request has run (a relay that takes none, maxPending 0) starts a run too: logged once', async () => {
    const { relay, logs } = setup(never, () => 'ok', { maxPending: 0 });
    relay.onCmd(cmd('a'));
    relay.onCmd(cmd('b'));
    await settle();
    expect([relay.pending, relay.busy]).toStrictEqual([0, 2]);
    expect(logs).toStrictEqual([['warn', 'cmd answered busy: too many pending requests', { msgId: 'a', pending: 0, maxPending: 0 }]]);
  });
});

describe('busy replies waiting for their PUBACK', () => {
  it('an acknowledged busy reply frees its place: a long run of busy answers, each acknowledged, is answered in full', async () => {
    const { relay, published } = setup(never, () => 'ok', { maxPending: 1 });
    relay.onCmd(cmd('run'));
    for (let i = 0; i < 40; i += 1) {
      relay.onCmd(cmd(`b-${i}`));
      await settle();
    }
    expect(relay.busy).toBe(40);
    expect(published).toHaveLength(40);
    expect(published.every((p) => p.reply.header['http-code'] === 503)).toBe(true);
  });

  it('a rejected busy reply frees its place too', async () => {
    const { relay, attempts } = setup(never, () => ({ reject: gone() }), { maxPending: 1 });
    relay.onCmd(cmd('run'));
    for (let i = 0; i < 40; i += 1) {
      relay.onCmd(cmd(`b-${i}`));
      await settle();
    }
    expect(attempts).toHaveLength(40);
  });
});

describe('dropped and cancelled cmds: what is logged', () => {
  it('a cmd after close: dropped with a warning and no fields', async () => {
    const { relay, logs, published } = setup(never);
    relay.close();
    relay.onCmd(cmd('late'));
    await settle();
    expect(published).toHaveLength(0);
    expect(logs).toStrictEqual([['warn', 'cmd dropped: the relay is closed', undefined]]);
  });

  it('a msg-id that is already running: dropped with its msg-id', async () => {
    const { relay, logs } = setup(never);
    relay.onCmd(cmd('dup'));
    relay.onCmd(cmd('dup'));
    await settle();
    expect(logs).toStrictEqual([['warn', 'cmd dropped: this msg-id is already running', { msgId: 'dup' }]]);
  });

  it('a malformed header: dropped with the code and the reason', async () => {
    const { relay, logs } = setup(never);
    relay.onCmd(enc.encode('{"type":"http"}\r\n\r\nGET / HTTP/1.1\r\n\r\n'));
    await settle();
    expect(logs).toStrictEqual([['warn', 'malformed cmd dropped', { code: 'CMD_BAD_HEADER', reason: '"msg-id" must be a non-empty string' }]]);
  });

  it('a malformed CancelPendingRequest: a warning with the decoder\'s reason, nothing else', () => {
    const bad = new Uint8Array([0xff]);
    let reason = '';
    try {
      decodeCancelPendingRequest(bad);
    } catch (error) {
      reason = (error as Error).message;
    }
    expect(reason).not.toBe('');
    const { relay, logs } = setup(never);
    relay.onCancel(bad);
    expect(logs).toStrictEqual([['warn', 'malformed CancelPendingRequest dropped', { reason }]]);
  });

  it('a CancelPendingRequest for no running cmd: debug only', () => {
    const { relay, logs } = setup(never);
    relay.onCancel(encodeCancelPendingRequest({ requestId: 'other' }));
    expect(logs).toStrictEqual([['debug', 'CancelPendingRequest for no running cmd', { msgId: 'other' }]]);
  });

  it('a cancel: logged at info, the handler\'s signal aborted with CMD_CANCELLED and its text', async () => {
    let signal: AbortSignal | undefined;
    const { relay, logs } = setup((req) => { signal = req.signal; return never(req); });
    relay.onCmd(cmd('c1'));
    await settle();
    relay.onCancel(encodeCancelPendingRequest({ requestId: 'c1' }));
    expect(logs).toStrictEqual([['info', 'cmd cancelled by the cloud', { msgId: 'c1' }]]);
    const reason = signal?.reason as LinkError;
    expect([reason.code, reason.message]).toStrictEqual(['CMD_CANCELLED', 'cmd c1 was cancelled by the cloud']);
  });
});

