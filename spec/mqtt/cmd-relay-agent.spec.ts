/**
 * Issue 12: the cmd relay answers as the Netdata agent does (aclk_query.c http_api_v2, aclk_tx_msgs.c,
 * web_client.c): timeout 0 is no limit of the agent's own (a safety cap remains), the reply's times,
 * gzip on Accept-Encoding, and the error replies with the agent's status, code and text.
 */
import { gunzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { LinkError } from '../../effects/errors.js';
import type { LogFields, Logger } from '../../effects/ports.js';
import { createCmdRelay, type CmdHandler, type CmdRelayOptions } from '../../adapters/mqtt/cmd-relay.js';
import { formatCmdRequest, parseCmdReply } from '../../adapters/messages/index.js';
import { SimClock, settle } from '../../simulations/world/sim-clock.js';

const START = 1_700_000_000_000;

function setup(handler: CmdHandler, extra: Partial<CmdRelayOptions> = {}) {
  const clock = new SimClock(START);
  const logs: { message: string; fields?: LogFields }[] = [];
  const log = (message: string, fields?: LogFields) => { logs.push({ message, fields }); };
  const logger: Logger = { debug: log, info: log, warn: log, error: log };
  const published: { topic: string; raw: Uint8Array; reply: ReturnType<typeof parseCmdReply> }[] = [];
  const publish = async (topic: string, raw: Uint8Array): Promise<void> => { published.push({ topic, raw, reply: parseCmdReply(raw) }); };
  let calls = 0;
  const counted: CmdHandler = (req) => { calls += 1; return handler(req); };
  const relay = createCmdRelay({ handler: counted, publish, clock, logger, defaultTimeoutMs: 10_000, connectedAtMs: () => START - 5_250, ...extra });
  return { clock, logs, published, relay, calls: () => calls };
}

const cmd = (msgId: string, o: { timeoutMs?: number; headers?: Record<string, string> } = {}) =>
  formatCmdRequest({ msgId, callbackTopic: '/cb', method: 'GET', path: '/api/v1/info', ...o });
const enc = new TextEncoder();
const rawCmd = (msgId: string, http: string) => enc.encode(`${JSON.stringify({ type: 'http', 'msg-id': msgId, 'callback-topic': '/cb', version: 2 })}\r\n\r\n${http}`);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const after = (clock: SimClock, ms: number) => new Promise<void>((resolve) => clock.setTimeout(() => resolve(), ms));

describe('cmd timeout 0', () => {
  it('is answered (it was dropped with no reply): no limit of the agent\'s own', async () => {
    const { relay, published, clock } = setup(async () => { await after(clock, 9_000); return { status: 200, body: 'late but fine' }; });
    relay.onCmd(cmd('zero', { timeoutMs: 0 }));
    await clock.advance(9_000);
    expect(published.map((p) => [p.reply.status, text(p.reply.body)])).toEqual([[200, 'late but fine']]);
  });

  it('is still bounded by the link\'s safety cap (cmdTimeoutMs)', async () => {
    const { relay, published, clock } = setup(() => new Promise(() => undefined));
    relay.onCmd(cmd('zero', { timeoutMs: 0 }));
    await clock.advance(9_999);
    expect(published).toHaveLength(0);
    await clock.advance(1);
    expect(published.map((p) => [p.reply.status, text(p.reply.body)])).toEqual([[504, 'Query timeout exceeded']]);
    expect(relay.pending).toBe(0);
  });
});

describe('cmd reply header', () => {
  it('timestamp when sent, t-rx when received (µs), t-exec how long it ran (µs), connect of the session', async () => {
    const { relay, published, clock } = setup(async () => { await after(clock, 1_040); return { status: 200, body: 'ok' }; });
    relay.onCmd(cmd('t'));
    await clock.advance(1_040);
    const header = published[0]?.reply.header;
    expect(header).toEqual({
      type: 'http', 'msg-id': 't', timestamp: 1_700_000_001, 'timestamp-offset-usec': 40_000, connect: 1_699_999_994,
      'connect-offset-usec': 750_000, version: 2, 't-exec': 1_040_000, 't-rx': START * 1000, 'http-code': 200,
    });
  });
});

describe('cmd gzip', () => {
  const body = JSON.stringify({ data: 'x'.repeat(2_000) });

  it.each([
    ['gzip', true], ['gzip, deflate, br', true], ['GZIP', true], ['deflate', false], [undefined, false],
  ])('Accept-Encoding %j: compressed %s', async (accept, compressed) => {
    const { relay, published } = setup(async () => ({ status: 200, headers: { 'content-type': 'application/json', 'Content-Length': '999' }, body }));
    relay.onCmd(cmd('g', accept === undefined ? {} : { headers: { 'accept-encoding': accept } }));
    // Real zlib works on the thread pool: wait for the reply.
    await vi.waitFor(() => expect(published).toHaveLength(1));
    const reply = published[0]?.reply;
    expect(reply?.status).toBe(200);
    if (compressed) {
      expect(reply?.headers['content-encoding']).toBe('gzip');
      expect(Number(reply?.headers['content-length'])).toBe(reply?.body.length);
      expect(reply?.body.length).toBeLessThan(body.length);
      expect(gunzipSync(reply?.body ?? new Uint8Array()).toString('utf8')).toBe(body);
    } else {
      expect(reply?.headers['content-encoding']).toBeUndefined();
      expect(text(reply?.body ?? new Uint8Array())).toBe(body);
    }
  });

  it('leaves an empty body and a body the handler already encoded alone', async () => {
    const { relay, published } = setup(async (req) => (req.msgId === 'empty' ? { status: 204 } : { status: 200, headers: { 'Content-Encoding': 'br' }, body: 'xyz' }));
    relay.onCmd(cmd('empty', { headers: { 'accept-encoding': 'gzip' } }));
    relay.onCmd(cmd('br', { headers: { 'accept-encoding': 'gzip' } }));
    await settle();
    expect(published.map((p) => [p.reply.status, p.reply.headers['content-encoding'], text(p.reply.body)])).toEqual([[204, undefined, ''], [200, 'br', 'xyz']]);
  });

  it('a compression failure is error reply 500 / error-code 3, header only', async () => {
    const { relay, published } = setup(async () => ({ status: 200, body: 'abc' }), { compress: () => Promise.reject(new Error('zlib broke')) });
    relay.onCmd(cmd('z', { headers: { 'accept-encoding': 'gzip' } }));
    await settle();
    expect(published[0]?.reply.header).toMatchObject({ 'http-code': 500, 'error-code': 3, 'error-description': 'Error during zlib compression' });
    expect(text(published[0]?.raw ?? new Uint8Array())).not.toContain('\r\n\r\n');
  });
});

describe('cmd error replies as the agent writes them', () => {
  it('busy: 503, error-code 6, the agent\'s text, header only, no t-exec / t-rx', async () => {
    const { relay, published } = setup(() => new Promise(() => undefined), { maxPending: 1 });
    relay.onCmd(cmd('run'));
    relay.onCmd(cmd('busy'));
    await settle();
    expect(published).toHaveLength(1);
    const header = published[0]?.reply.header ?? {};
    expect(header).toMatchObject({ 'msg-id': 'busy', 'http-code': 503, 'error-code': 6, 'error-description': 'Timeout sending binpacked message', version: 2 });
    expect(Object.keys(header)).not.toContain('t-exec');
    expect(Object.keys(header)).not.toContain('t-rx');
    expect(text(published[0]?.raw ?? new Uint8Array())).not.toContain('\r\n\r\n');
  });

  it('an HTTP part the agent would queue but cannot read: 400 with no HTTP part, the handler is not called', async () => {
    const { relay, published, calls, logs } = setup(async () => ({ status: 200 }));
    relay.onCmd(rawCmd('bad', 'GET /x HTTP/1.1\r\nno colon here\r\n\r\n'));
    await settle();
    expect(calls()).toBe(0);
    expect(published.map((p) => [p.topic, p.reply.status, p.reply.header['t-exec'], p.reply.header['error-code']])).toEqual([['/cb', 400, 0, undefined]]);
    expect(text(published[0]?.raw ?? new Uint8Array())).not.toContain('\r\n\r\n');
    expect(logs.some((l) => l.message === 'cmd request unreadable: answered 400' && l.fields?.code === 'CMD_BAD_REQUEST')).toBe(true);
  });

  it('an HTTP part the agent would not queue is dropped without a reply, as the agent drops it', async () => {
    const { relay, published, calls, logs } = setup(async () => ({ status: 200 }));
    relay.onCmd(rawCmd('brew', 'BREW /pot HTTP/1.1\r\n\r\n'));
    relay.onCmd(rawCmd('old', 'GET /x HTTP/1.0\r\nno colon\r\n\r\n'));
    await settle();
    expect([calls(), published.length]).toEqual([0, 0]);
    expect(logs.filter((l) => l.message === 'malformed cmd dropped').map((l) => l.fields?.code)).toEqual(['CMD_BAD_REQUEST', 'CMD_BAD_REQUEST']);
  });

  it('a reply the session refuses as too big: 413 / error-code 4, header only', async () => {
    const published: { topic: string; raw: Uint8Array; reply: ReturnType<typeof parseCmdReply> }[] = [];
    const { relay } = setup(async () => ({ status: 200, body: 'x'.repeat(300) }), {
      publish: async (topic, raw) => {
        if (raw.length > 300) throw new LinkError('MESSAGE_TOO_BIG', 'too big');
        published.push({ topic, raw, reply: parseCmdReply(raw) });
      },
    });
    relay.onCmd(cmd('big'));
    await settle();
    expect(published.map((p) => [p.reply.header['http-code'], p.reply.header['error-code'], p.reply.body.length])).toEqual([[413, 4, 0]]);
  });
});
