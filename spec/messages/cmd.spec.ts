import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LinkError } from '../../effects/errors.js';
import { codeOf } from '../support/codes.js';
import { formatCmdErrorReply } from '../../adapters/messages/cmd-reply.js';
import { formatCmdReply, formatCmdRequest, messageTypeOf, parseCmdReply, parseCmdRequest } from '../../adapters/messages/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const raw = (header: unknown, http: string): Uint8Array => enc.encode(`${JSON.stringify(header)}\r\n\r\n${http}`);
const good = { type: 'http', 'msg-id': 'm1', 'callback-topic': '/agent/x/cb', version: 2 };

describe('parseCmdRequest', () => {
  it('reads the header and the HTTP request the way netdata cloud sends it', () => {
    const req = parseCmdRequest(raw({ ...good, timeout: 5000, 'min-version': 2, 'max-version': 3 },
      'POST /api/v1/x?a=1 HTTP/1.1\r\nHost: agent\r\nX-A: 1\r\nx-a: 2\r\n\r\n{"q":1}'));
    expect(req).toMatchObject({ msgId: 'm1', callbackTopic: '/agent/x/cb', version: 2, timeoutMs: 5000, minVersion: 2, maxVersion: 3, method: 'POST', path: '/api/v1/x?a=1' });
    expect(req.headers).toEqual({ host: 'agent', 'x-a': '1, 2' });
    expect(dec.decode(req.body)).toBe('{"q":1}');
  });

  it('accepts a bare request line', () => {
    const req = parseCmdRequest(raw(good, 'GET /api/v1/info HTTP/1.1'));
    expect(req.path).toBe('/api/v1/info');
    expect(req.body.length).toBe(0);
    expect(req.timeoutMs).toBeUndefined();
  });

  it.each([
    ['no separator', enc.encode(JSON.stringify(good)), 'CMD_BAD_HEADER'],
    ['not JSON', enc.encode('{oops\r\n\r\nGET / HTTP/1.1'), 'CMD_BAD_HEADER'],
    ['array header', raw([1], 'GET / HTTP/1.1'), 'CMD_BAD_HEADER'],
    ['wrong type', raw({ ...good, type: 'ws' }, 'GET / HTTP/1.1'), 'CMD_BAD_HEADER'],
    ['no msg-id', raw({ ...good, 'msg-id': 3 }, 'GET / HTTP/1.1'), 'CMD_BAD_HEADER'],
    ['relative callback', raw({ ...good, 'callback-topic': 'x' }, 'GET / HTTP/1.1'), 'CMD_BAD_HEADER'],
    ['no version', raw({ ...good, version: undefined }, 'GET / HTTP/1.1'), 'CMD_BAD_HEADER'],
    ['bad timeout', raw({ ...good, timeout: -1 }, 'GET / HTTP/1.1'), 'CMD_BAD_HEADER'],
    ['version 1', raw({ ...good, version: 1 }, 'GET / HTTP/1.1'), 'CMD_UNSUPPORTED_VERSION'],
    ['min-version 3', raw({ ...good, 'min-version': 3 }, 'GET / HTTP/1.1'), 'CMD_UNSUPPORTED_VERSION'],
    ['no HTTP', raw(good, ''), 'CMD_BAD_REQUEST'],
    ['bad line', raw(good, 'GET api HTTP/1.1'), 'CMD_BAD_REQUEST'],
    ['bad method', raw(good, 'BREW / HTTP/1.1'), 'CMD_BAD_REQUEST'],
    ['bad header', raw(good, 'GET / HTTP/1.1\r\nnocolon\r\n\r\n'), 'CMD_BAD_REQUEST'],
    ['bad utf-8', new Uint8Array([...raw(good, 'GET /'), 0xff, ...enc.encode(' HTTP/1.1')]), 'CMD_BAD_REQUEST'],
  ])('%s', (_name, payload, code) => {
    expect(codeOf(() => parseCmdRequest(payload))).toBe(code);
  });

  it('random input never throws anything but a coded LinkError', () => {
    const prefix = fc.constantFrom('', JSON.stringify(good), '{}', `${JSON.stringify(good)}\r\n\r\n`);
    fc.assert(fc.property(prefix, fc.uint8Array({ maxLength: 80 }), (p, bytes) => {
      const payload = new Uint8Array([...enc.encode(p), ...bytes]);
      try {
        parseCmdRequest(payload);
      } catch (error) {
        expect(error).toBeInstanceOf(LinkError);
        expect((error as LinkError).code).toMatch(/^CMD_(BAD_HEADER|BAD_REQUEST|UNSUPPORTED_VERSION)$/);
      }
    }), { numRuns: 2000 });
  });

  it('round-trips with formatCmdRequest', () => {
    const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
    fc.assert(fc.property(
      fc.record({
        msgId: fc.string({ minLength: 1 }),
        callbackTopic: fc.string().map((s) => `/${s}`),
        timeoutMs: fc.option(fc.integer({ min: 1, max: 1e9 }), { nil: undefined }),
        method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        path: fc.stringMatching(/^\/[\x21-\x7e]{0,30}$/),
        headers: fc.dictionary(token.filter((n) => n !== 'content-length'), fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,20}[\x21-\x7e])?$/)),
        body: fc.uint8Array({ maxLength: 50 }),
      }),
      (m) => {
        const req = parseCmdRequest(formatCmdRequest(m));
        expect(req).toMatchObject({ msgId: m.msgId, callbackTopic: m.callbackTopic, method: m.method, path: m.path, version: 2 });
        expect(req.timeoutMs).toBe(m.timeoutMs);
        expect(req.headers).toEqual({ ...m.headers, 'content-length': String(m.body.length) });
        expect(Buffer.from(req.body).equals(Buffer.from(m.body))).toBe(true);
      },
    ));
  });
});

describe('cmd replies', () => {
  it('has the header netdata sends', () => {
    const bytes = formatCmdReply({ msgId: 'm1', httpCode: 200, headers: { 'content-type': 'application/json' }, body: '{}', timestampMs: 1_700_000_000_123, connectMs: 1_699_999_999_500, tExecUs: 7, tRxUs: 5 });
    const text = dec.decode(bytes);
    const [head, http] = text.split('\r\n\r\n', 2);
    expect(JSON.parse(head ?? '')).toEqual({
      type: 'http', 'msg-id': 'm1', timestamp: 1_700_000_000, 'timestamp-offset-usec': 123_000, connect: 1_699_999_999,
      'connect-offset-usec': 500_000, version: 2, 't-exec': 7, 't-rx': 5, 'http-code': 200,
    });
    expect(http).toBe('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2');
    expect(text.endsWith('\r\n\r\n{}')).toBe(true);
  });

  it('round-trips an error reply (header only, as aclk_http_msg_v2_err writes it)', () => {
    const reply = parseCmdReply(formatCmdErrorReply({ msgId: 'm', httpCode: 503, errorCode: 6, timestampMs: 1, connectMs: 0 }));
    expect(reply.status).toBe(503);
    expect(reply.header['error-code']).toBe(6);
    expect(reply.header['error-description']).toBe('Timeout sending binpacked message');
    expect(reply.body.length).toBe(0);
  });

  it('reads an error reply without an HTTP part', () => {
    const reply = parseCmdReply(enc.encode(`${JSON.stringify({ type: 'http', 'msg-id': 'm', 'http-code': 503, 'error-code': 6 })}\r\n\r\n`));
    expect(reply).toMatchObject({ status: 503, headers: {} });
  });

  it('rejects garbage with CMD_BAD_REPLY', () => {
    expect(codeOf(() => parseCmdReply(enc.encode('nope')))).toBe('CMD_BAD_REPLY');
    expect(codeOf(() => parseCmdReply(raw({ type: 'http', 'msg-id': 'm' }, 'HTTP/2 200')))).toBe('CMD_BAD_REPLY');
  });
});

describe('messageTypeOf', () => {
  it('is the text after the last slash', () => {
    expect(messageTypeOf('/agent/abc/inbound/v1/cmd')).toBe('cmd');
    expect(messageTypeOf('DisconnectReq')).toBe('DisconnectReq');
    expect(messageTypeOf('/a/')).toBe('');
  });
});
