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
  /** Header `timeout`, in milliseconds; absent when the cloud set none or 0 (no limit). */
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

/** The JSON header of a cmd, checked, and the raw HTTP request after it. */
export type CmdHeader = Omit<CmdRequest, 'method' | 'path' | 'headers' | 'body'>;

/**
 * Throws LinkError `CMD_BAD_HEADER` (header JSON / fields), `CMD_UNSUPPORTED_VERSION` (no version 2 in
 * what the cloud accepts) or `CMD_BAD_REQUEST` (the HTTP part).
 */
export function parseCmdRequest(payload: Uint8Array): CmdRequest {
  const { header, rest } = parseCmdHeader(payload);
  return { ...header, ...parseCmdHttp(rest) };
}

/**
 * The header alone. `timeout` 0 (or absent) is "no limit", as in the agent (web_client.c
 * web_client_timeout_checkpoint_and_check ignores a zero timeout): `timeoutMs` is then absent.
 * Throws `CMD_BAD_HEADER` or `CMD_UNSUPPORTED_VERSION`.
 */
export function parseCmdHeader(payload: Uint8Array): { header: CmdHeader; rest: Uint8Array } {
  const { header, rest } = splitJsonHeader(payload, 'CMD_BAD_HEADER');
  if (header.type !== 'http') throw new LinkError('CMD_BAD_HEADER', `"type" must be "http" (got ${JSON.stringify(header.type) ?? 'nothing'})`);
  const msgId = header['msg-id'];
  if (typeof msgId !== 'string' || msgId === '') throw new LinkError('CMD_BAD_HEADER', '"msg-id" must be a non-empty string');
  const callbackTopic = header['callback-topic'];
  if (typeof callbackTopic !== 'string' || !callbackTopic.startsWith('/')) throw new LinkError('CMD_BAD_HEADER', '"callback-topic" must be a string starting with "/"');
  const version = optionalInt(header, 'version');
  if (version === undefined) throw new LinkError('CMD_BAD_HEADER', '"version" is missing');
  const timeout = optionalInt(header, 'timeout');
  if (timeout !== undefined && timeout < 0) throw new LinkError('CMD_BAD_HEADER', '"timeout" must be 0 (no limit) or a positive number of milliseconds');
  const timeoutMs = timeout === 0 ? undefined : timeout;
  const minVersion = optionalInt(header, 'min-version');
  const maxVersion = optionalInt(header, 'max-version');
  if (version < CMD_VERSION) throw new LinkError('CMD_UNSUPPORTED_VERSION', `cmd version ${version} is not supported (need >= ${CMD_VERSION})`);
  if ((minVersion !== undefined && minVersion > CMD_VERSION) || (maxVersion !== undefined && maxVersion < CMD_VERSION)) {
    throw new LinkError('CMD_UNSUPPORTED_VERSION', `the cloud accepts versions ${minVersion ?? '?'}..${maxVersion ?? '?'}, this link speaks ${CMD_VERSION}`);
  }
  return {
    header: {
      msgId,
      callbackTopic,
      version,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(minVersion !== undefined ? { minVersion } : {}),
      ...(maxVersion !== undefined ? { maxVersion } : {}),
      header,
    },
    rest,
  };
}

/** The raw HTTP request of a cmd. Throws `CMD_BAD_REQUEST`. */
export function parseCmdHttp(rest: Uint8Array): Pick<CmdRequest, 'method' | 'path' | 'headers' | 'body'> {
  const http = parseHttpMessage(rest, 'CMD_BAD_REQUEST');
  const line = REQUEST_LINE.exec(http.startLine);
  if (!line) throw new LinkError('CMD_BAD_REQUEST', `malformed request line ${JSON.stringify(http.startLine.slice(0, 120))}`);
  const method = line[1] as CmdMethod;
  if (!CMD_METHODS.includes(method)) throw new LinkError('CMD_BAD_REQUEST', `unsupported method ${method}`);
  return { method, path: line[2] ?? '/', headers: http.headers, body: http.body };
}

/**
 * Whether the Netdata agent would take this HTTP part into its queue (aclk_rx_msgs.c
 * aclk_v2_payload_get_query: it starts with `GET /`, `PUT /`, `POST /` or `DELETE /` and holds
 * `HTTP/1.1\r\n`). What it takes but cannot validate it answers with HTTP 400 (aclk_query.c); the rest
 * it drops without a word.
 */
export function agentQueuesRequest(rest: Uint8Array): boolean {
  const text = Buffer.from(rest.subarray(0, 64 * 1024)).toString('latin1');
  return /^(GET|PUT|POST|DELETE) \//.test(text) && text.includes('HTTP/1.1\r\n');
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
