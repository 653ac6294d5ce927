/**
 * The `cmd` message (PROTOCOL.md section 4, "Inbound messages"): a JSON header, `\r\n\r\n`, then a raw
 * HTTP/1.1 request. `parseCmdRequest` is what the link reads; `formatCmdRequest` is what the cloud
 * (the dev cloud, tests) sends.
 */
import { LinkError } from '../../effects/errors.js';
import { formatHttpMessage, frame, parseHttpMessage, splitJsonHeader, toBytes } from './framing.js';

/** The cmd header version this link speaks. */
export const CMD_VERSION = 2;
export const CMD_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;
export type CmdMethod = (typeof CMD_METHODS)[number];

export interface CmdRequest {
  readonly msgId: string;
  /** Raw topic string the reply goes to; starts with `/`. */
  readonly callbackTopic: string;
  readonly version: number;
  /** Header `timeout`, in milliseconds; absent when the cloud set none. */
  readonly timeoutMs?: number;
  readonly minVersion?: number;
  readonly maxVersion?: number;
  readonly method: CmdMethod;
  /** Path with query string, as sent (`/api/v1/info?x=1`). */
  readonly path: string;
  /** Lower-case names. */
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
  /** The whole JSON header, for fields this version does not interpret. */
  readonly header: Readonly<Record<string, unknown>>;
}

export interface CmdRequestInit {
  readonly msgId: string;
  readonly callbackTopic: string;
  readonly timeoutMs?: number;
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
}

const REQUEST_LINE = /^([A-Z]+) (\/\S*) HTTP\/1\.[01]$/;

function optionalInt(header: Record<string, unknown>, key: string): number | undefined {
  const value = header[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new LinkError('CMD_BAD_HEADER', `"${key}" must be an integer`);
  return value;
}

/**
 * Throws LinkError `CMD_BAD_HEADER` (header JSON / fields), `CMD_UNSUPPORTED_VERSION` (no version 2 in
 * what the cloud accepts) or `CMD_BAD_REQUEST` (the HTTP part).
 */
export function parseCmdRequest(payload: Uint8Array): CmdRequest {
  const { header, rest } = splitJsonHeader(payload, 'CMD_BAD_HEADER');
  if (header.type !== 'http') throw new LinkError('CMD_BAD_HEADER', `"type" must be "http" (got ${JSON.stringify(header.type) ?? 'nothing'})`);
  const msgId = header['msg-id'];
  if (typeof msgId !== 'string' || msgId === '') throw new LinkError('CMD_BAD_HEADER', '"msg-id" must be a non-empty string');
  const callbackTopic = header['callback-topic'];
  if (typeof callbackTopic !== 'string' || !callbackTopic.startsWith('/')) throw new LinkError('CMD_BAD_HEADER', '"callback-topic" must be a string starting with "/"');
  const version = optionalInt(header, 'version');
  if (version === undefined) throw new LinkError('CMD_BAD_HEADER', '"version" is missing');
  const timeoutMs = optionalInt(header, 'timeout');
  if (timeoutMs !== undefined && timeoutMs <= 0) throw new LinkError('CMD_BAD_HEADER', '"timeout" must be a positive number of milliseconds');
  const minVersion = optionalInt(header, 'min-version');
  const maxVersion = optionalInt(header, 'max-version');
  if (version < CMD_VERSION) throw new LinkError('CMD_UNSUPPORTED_VERSION', `cmd version ${version} is not supported (need >= ${CMD_VERSION})`);
  if ((minVersion !== undefined && minVersion > CMD_VERSION) || (maxVersion !== undefined && maxVersion < CMD_VERSION)) {
    throw new LinkError('CMD_UNSUPPORTED_VERSION', `the cloud accepts versions ${minVersion ?? '?'}..${maxVersion ?? '?'}, this link speaks ${CMD_VERSION}`);
  }

  const http = parseHttpMessage(rest, 'CMD_BAD_REQUEST');
  const line = REQUEST_LINE.exec(http.startLine);
  if (!line) throw new LinkError('CMD_BAD_REQUEST', `malformed request line ${JSON.stringify(http.startLine.slice(0, 120))}`);
  const method = line[1] as CmdMethod;
  if (!CMD_METHODS.includes(method)) throw new LinkError('CMD_BAD_REQUEST', `unsupported method ${method}`);
  return {
    msgId,
    callbackTopic,
    version,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(minVersion !== undefined ? { minVersion } : {}),
    ...(maxVersion !== undefined ? { maxVersion } : {}),
    method,
    path: line[2] ?? '/',
    headers: http.headers,
    body: http.body,
    header,
  };
}

export function formatCmdRequest(m: CmdRequestInit): Uint8Array {
  if (!/^[A-Z]+$/.test(m.method)) throw new LinkError('MSG_INVALID', `malformed method ${JSON.stringify(m.method)}`);
  if (!/^\/\S*$/.test(m.path)) throw new LinkError('MSG_INVALID', `malformed path ${JSON.stringify(m.path)}`);
  const header = {
    type: 'http',
    'msg-id': m.msgId,
    'callback-topic': m.callbackTopic,
    version: CMD_VERSION,
    'min-version': CMD_VERSION,
    'max-version': CMD_VERSION,
    ...(m.timeoutMs !== undefined ? { timeout: m.timeoutMs } : {}),
  };
  return frame(header, formatHttpMessage(`${m.method} ${m.path} HTTP/1.1`, m.headers, toBytes(m.body)));
}
