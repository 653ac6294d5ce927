/**
 * Issue 12: cmd replies byte for byte as the Netdata agent writes them (aclk_tx_msgs.c create_hdr,
 * aclk_http_msg_v2, aclk_http_msg_v2_err; aclk_util.h CLOUD_EC_* / CLOUD_EMSG_*), and a `timeout` of 0
 * read as "no limit" (web_client.c web_client_timeout_checkpoint_and_check).
 */
import { describe, expect, it } from 'vitest';
import { CMD_ERROR, CMD_ERROR_DESCRIPTION, formatCmdErrorReply, formatCmdReply, parseCmdReply } from '../../adapters/messages/cmd-reply.js';
import { agentQueuesRequest, parseCmdHeader, parseCmdRequest } from '../../adapters/messages/cmd-request.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const raw = (header: unknown, http: string): Uint8Array => enc.encode(`${JSON.stringify(header)}\r\n\r\n${http}`);
const good = { type: 'http', 'msg-id': 'm1', 'callback-topic': '/agent/x/cb', version: 2 };

describe('cmd error replies', () => {
  it.each([
    [CMD_ERROR.MALFORMED_NODE_ID, 'URL requests node_id but there is not enough chars following (for it to be valid uuid).'],
    [CMD_ERROR.NODE_NOT_FOUND, 'Node with requested node_id not found'],
    [CMD_ERROR.COMPRESSION, 'Error during zlib compression'],
    [CMD_ERROR.REPLY_TOO_BIG, 'Request reply produces message bigger than allowed maximum'],
    [CMD_ERROR.TOPIC_ERROR, 'Internal Topic Error'],
    [CMD_ERROR.SEND_TIMEOUT, 'Timeout sending binpacked message'],
  ])('error-code %i carries the agent\'s text, a header alone', (code, text) => {
    expect(CMD_ERROR_DESCRIPTION[code]).toBe(text);
    const bytes = formatCmdErrorReply({ msgId: 'e', httpCode: 503, errorCode: code, timestampMs: 1_700_000_000_250, connectMs: 1_699_999_000_001 });
    // No separator, no HTTP part, no t-exec / t-rx: exactly create_hdr + http-code + error-code + error-description.
    expect(JSON.parse(dec.decode(bytes))).toEqual({
      type: 'http', 'msg-id': 'e', timestamp: 1_700_000_000, 'timestamp-offset-usec': 250_000, connect: 1_699_999_000,
      'connect-offset-usec': 1_000, version: 2, 'http-code': 503, 'error-code': code, 'error-description': text,
    });
    expect(dec.decode(bytes)).not.toContain('\r\n\r\n');
  });

  it('a reply without HTTP part (the agent\'s 400) is the header alone and parses with its http-code', () => {
    const bytes = formatCmdReply({ msgId: 'b', httpCode: 400, withoutHttp: true, timestampMs: 2_000, connectMs: 1_000, tRxUs: 1_500_000, tExecUs: 0 });
    expect(JSON.parse(dec.decode(bytes))).toEqual({
      type: 'http', 'msg-id': 'b', timestamp: 2, 'timestamp-offset-usec': 0, connect: 1, 'connect-offset-usec': 0, version: 2,
      't-exec': 0, 't-rx': 1_500_000, 'http-code': 400,
    });
    expect(parseCmdReply(bytes)).toMatchObject({ status: 400, headers: {} });
  });

  it('t-exec defaults to 0 and is never negative', () => {
    const a = parseCmdReply(formatCmdReply({ msgId: 'x', httpCode: 200, timestampMs: 5, connectMs: 0 }));
    expect(a.header['t-exec']).toBe(0);
    const b = parseCmdReply(formatCmdReply({ msgId: 'x', httpCode: 200, timestampMs: 5, connectMs: 0, tExecUs: -4 }));
    expect(b.header['t-exec']).toBe(0);
  });

  it('a header-only payload that is not a JSON object is CMD_BAD_REPLY', () => {
    expect(() => parseCmdReply(enc.encode('[1]'))).toThrow(expect.objectContaining({ code: 'CMD_BAD_REPLY' }));
  });
});

describe('cmd timeout 0', () => {
  it('0 means no limit: the request is read, with no timeoutMs', () => {
    const req = parseCmdRequest(raw({ ...good, timeout: 0 }, 'GET /api/v1/info HTTP/1.1\r\n\r\n'));
    expect(req.timeoutMs).toBeUndefined();
    expect(req.path).toBe('/api/v1/info');
  });

  it('a positive timeout is kept, a negative one is still CMD_BAD_HEADER', () => {
    expect(parseCmdHeader(raw({ ...good, timeout: 1 }, 'GET / HTTP/1.1\r\n\r\n')).header.timeoutMs).toBe(1);
    expect(() => parseCmdHeader(raw({ ...good, timeout: -1 }, 'GET / HTTP/1.1\r\n\r\n'))).toThrow(expect.objectContaining({ code: 'CMD_BAD_HEADER' }));
  });
});

describe('agentQueuesRequest (aclk_rx_msgs.c aclk_v2_payload_get_query)', () => {
  it.each([
    ['GET /api HTTP/1.1\r\n\r\n', true],
    ['PUT /x HTTP/1.1\r\nnocolon\r\n\r\n', true],
    ['POST /x HTTP/1.1\r\n\r\n', true],
    ['DELETE /x HTTP/1.1\r\n\r\n', true],
    ['PATCH /x HTTP/1.1\r\n\r\n', false],
    ['GET api HTTP/1.1\r\n\r\n', false],
    ['GET /x HTTP/1.0\r\n\r\n', false],
    ['GET /x HTTP/1.1', false],
  ])('%j -> %s', (http, expected) => {
    expect(agentQueuesRequest(enc.encode(http))).toBe(expected);
  });
});
