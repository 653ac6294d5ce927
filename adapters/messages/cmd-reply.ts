/**
 * The answer to a `cmd`, in the two forms the Netdata agent writes (aclk_tx_msgs.c):
 * - a reply (`aclk_http_msg_v2`): JSON header `{type:"http", msg-id, timestamp, timestamp-offset-usec,
 *   connect, connect-offset-usec, version:2, t-exec, t-rx, http-code}`, then `\r\n\r\n` and the HTTP/1.1
 *   response; with no HTTP part (the agent's 400 for a request it cannot read) the header stands alone;
 * - an error reply (`aclk_http_msg_v2_err`): the common header plus `http-code`, `error-code` and
 *   `error-description`, no `t-exec`/`t-rx`, and no separator nor HTTP part.
 * `timestamp` is when the reply is made (create_hdr reads the clock), `t-rx` when the request arrived
 * (epoch µs), `t-exec` how long it ran (µs).
 */
import { STATUS_CODES } from 'node:http';
import { LinkError } from '../../effects/errors.js';
import { CMD_VERSION } from './cmd-request.js';
import { decodeText, formatHttpMessage, frame, indexOfSeparator, parseHttpMessage, splitJsonHeader, toBytes } from './framing.js';

/** Netdata's cloud error codes for a cmd reply (aclk_util.h CLOUD_EC_*). */
export const CMD_ERROR = {
  MALFORMED_NODE_ID: 1,
  NODE_NOT_FOUND: 2,
  COMPRESSION: 3,
  REPLY_TOO_BIG: 4,
  TOPIC_ERROR: 5,
  SEND_TIMEOUT: 6,
} as const;
export type CmdErrorCode = (typeof CMD_ERROR)[keyof typeof CMD_ERROR];

/** The agent's `error-description` for each code, word for word (aclk_util.h CLOUD_EMSG_*). */
export const CMD_ERROR_DESCRIPTION: Readonly<Record<CmdErrorCode, string>> = {
  1: 'URL requests node_id but there is not enough chars following (for it to be valid uuid).',
  2: 'Node with requested node_id not found',
  3: 'Error during zlib compression',
  4: 'Request reply produces message bigger than allowed maximum',
  5: 'Internal Topic Error',
  6: 'Timeout sending binpacked message',
};

interface CommonInit {
  readonly msgId: string;
  readonly httpCode: number;
  /** When the reply is made (epoch ms): `timestamp` + `timestamp-offset-usec`. */
  readonly timestampMs: number;
  /** When the MQTT session connected (epoch ms): `connect` + `connect-offset-usec`. */
  readonly connectMs: number;
}

export interface CmdReplyInit extends CommonInit {
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
  /** How long the request ran, in µs (`t-exec`). Default 0. */
  readonly tExecUs?: number;
  /** When the request was received (epoch µs, `t-rx`); defaults to `timestampMs` in µs. */
  readonly tRxUs?: number;
  /** The header alone, no HTTP response (the agent's answer to a request it cannot read). */
  readonly withoutHttp?: boolean;
}

export interface CmdErrorReplyInit extends CommonInit {
  readonly errorCode: CmdErrorCode;
  /** Default: the agent's text for the code. */
  readonly description?: string;
}

export interface ParsedCmdReply {
  readonly header: Record<string, unknown>;
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

const utf8 = new TextEncoder();

function splitMs(ms: number): [number, number] {
  const whole = Math.floor(ms);
  const seconds = Math.floor(whole / 1000);
  return [seconds, (whole - seconds * 1000) * 1000];
}

function checkStatus(httpCode: number): void {
  if (!Number.isInteger(httpCode) || httpCode < 100 || httpCode > 999) throw new LinkError('MSG_INVALID', `bad HTTP status ${httpCode}`);
}

/** create_hdr: the fields every message to the cloud starts with. */
function commonHeader(m: CommonInit): Record<string, unknown> {
  const [ts, tsUs] = splitMs(m.timestampMs);
  const [connect, connectUs] = splitMs(m.connectMs);
  return {
    type: 'http', 'msg-id': m.msgId, timestamp: ts, 'timestamp-offset-usec': tsUs, connect, 'connect-offset-usec': connectUs, version: CMD_VERSION,
  };
}

export function formatCmdReply(m: CmdReplyInit): Uint8Array {
  checkStatus(m.httpCode);
  const header = {
    ...commonHeader(m),
    't-exec': Math.max(0, Math.floor(m.tExecUs ?? 0)),
    't-rx': m.tRxUs ?? Math.floor(m.timestampMs) * 1000,
    'http-code': m.httpCode,
  };
  if (m.withoutHttp) return utf8.encode(JSON.stringify(header));
  const reason = STATUS_CODES[m.httpCode] ?? 'Unknown';
  return frame(header, formatHttpMessage(`HTTP/1.1 ${m.httpCode} ${reason}`, m.headers, toBytes(m.body)));
}

export function formatCmdErrorReply(m: CmdErrorReplyInit): Uint8Array {
  checkStatus(m.httpCode);
  return utf8.encode(JSON.stringify({
    ...commonHeader(m),
    'http-code': m.httpCode,
    'error-code': m.errorCode,
    'error-description': m.description ?? CMD_ERROR_DESCRIPTION[m.errorCode],
  }));
}

/**
 * Throws LinkError `CMD_BAD_REPLY`. A reply that is a header alone (the agent's error replies), or whose
 * HTTP part is empty, takes its status from `http-code`.
 */
export function parseCmdReply(payload: Uint8Array): ParsedCmdReply {
  const { header, rest } = indexOfSeparator(payload) < 0 ? headerOnly(payload) : splitJsonHeader(payload, 'CMD_BAD_REPLY');
  if (header.type !== 'http') throw new LinkError('CMD_BAD_REPLY', '"type" must be "http"');
  if (typeof header['msg-id'] !== 'string') throw new LinkError('CMD_BAD_REPLY', '"msg-id" must be a string');
  const code = header['http-code'];
  if (rest.length === 0) {
    if (typeof code !== 'number') throw new LinkError('CMD_BAD_REPLY', 'no HTTP response and no "http-code"');
    return { header, status: code, headers: {}, body: new Uint8Array(0) };
  }
  const http = parseHttpMessage(rest, 'CMD_BAD_REPLY');
  const line = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(http.startLine);
  if (!line) throw new LinkError('CMD_BAD_REPLY', `malformed status line ${JSON.stringify(http.startLine.slice(0, 120))}`);
  return { header, status: Number(line[1]), headers: http.headers, body: http.body };
}

function headerOnly(payload: Uint8Array): { header: Record<string, unknown>; rest: Uint8Array } {
  if (!(payload instanceof Uint8Array)) throw new LinkError('CMD_BAD_REPLY', 'payload is not bytes');
  let header: unknown;
  try {
    header = JSON.parse(decodeText(payload, 'CMD_BAD_REPLY', 'the JSON header'));
  } catch (error) {
    if (error instanceof LinkError) throw error;
    throw new LinkError('CMD_BAD_REPLY', 'no \\r\\n\\r\\n after the JSON header, and the whole payload is not a JSON header');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new LinkError('CMD_BAD_REPLY', 'the header is not a JSON object');
  return { header: header as Record<string, unknown>, rest: new Uint8Array(0) };
}
