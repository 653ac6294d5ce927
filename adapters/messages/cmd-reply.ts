/**
 * The answer to a `cmd` (PROTOCOL.md section 4): JSON header `{type:"http", msg-id, timestamp,
 * timestamp-offset-usec, connect, connect-offset-usec, version:2, t-exec, t-rx, http-code}` (plus
 * `error-code`/`error-description` on failure), `\r\n\r\n`, then an HTTP/1.1 response.
 */
import { STATUS_CODES } from 'node:http';
import { LinkError } from '../../effects/errors.js';
import { CMD_VERSION } from './cmd-request.js';
import { formatHttpMessage, frame, parseHttpMessage, splitJsonHeader, toBytes } from './framing.js';

/** Netdata's cloud error codes for a cmd reply. */
export const CMD_ERROR = {
  MALFORMED_NODE_ID: 1,
  NODE_NOT_FOUND: 2,
  COMPRESSION: 3,
  REPLY_TOO_BIG: 4,
  TOPIC_ERROR: 5,
  SEND_TIMEOUT: 6,
} as const;
export type CmdErrorCode = (typeof CMD_ERROR)[keyof typeof CMD_ERROR];

export interface CmdReplyInit {
  readonly msgId: string;
  readonly httpCode: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
  /** When the request was received (epoch ms): `timestamp` + `timestamp-offset-usec`. */
  readonly timestampMs: number;
  /** When the MQTT session connected (epoch ms): `connect` + `connect-offset-usec`. */
  readonly connectMs: number;
  /** When the handler started (epoch µs); defaults to `tRxUs`. */
  readonly tExecUs?: number;
  /** When the request was received (epoch µs); defaults to `timestampMs` in µs. */
  readonly tRxUs?: number;
  readonly error?: { readonly code: CmdErrorCode; readonly description: string };
}

export interface ParsedCmdReply {
  readonly header: Record<string, unknown>;
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

function splitMs(ms: number): [number, number] {
  const whole = Math.floor(ms);
  const seconds = Math.floor(whole / 1000);
  return [seconds, (whole - seconds * 1000) * 1000];
}

export function formatCmdReply(m: CmdReplyInit): Uint8Array {
  if (!Number.isInteger(m.httpCode) || m.httpCode < 100 || m.httpCode > 999) throw new LinkError('MSG_INVALID', `bad HTTP status ${m.httpCode}`);
  const [ts, tsUs] = splitMs(m.timestampMs);
  const [connect, connectUs] = splitMs(m.connectMs);
  const tRx = m.tRxUs ?? Math.floor(m.timestampMs) * 1000;
  const header: Record<string, unknown> = {
    type: 'http',
    'msg-id': m.msgId,
    timestamp: ts,
    'timestamp-offset-usec': tsUs,
    connect,
    'connect-offset-usec': connectUs,
    version: CMD_VERSION,
    't-exec': m.tExecUs ?? tRx,
    't-rx': tRx,
    'http-code': m.httpCode,
    ...(m.error ? { 'error-code': m.error.code, 'error-description': m.error.description } : {}),
  };
  const reason = STATUS_CODES[m.httpCode] ?? 'Unknown';
  return frame(header, formatHttpMessage(`HTTP/1.1 ${m.httpCode} ${reason}`, m.headers, toBytes(m.body)));
}

/**
 * Throws LinkError `CMD_BAD_REPLY`. A reply whose HTTP part is empty (an error reply of the original
 * agent) takes its status from `http-code`.
 */
export function parseCmdReply(payload: Uint8Array): ParsedCmdReply {
  const { header, rest } = splitJsonHeader(payload, 'CMD_BAD_REPLY');
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
