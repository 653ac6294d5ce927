/**
 * The replies the `cmd` relay publishes, in the forms the Netdata agent writes them (aclk_query.c
 * http_api_v2, aclk_tx_msgs.c aclk_http_msg_v2 / aclk_http_msg_v2_err):
 * - the handler's answer: `t-rx` when the request arrived (epoch µs), `t-exec` how long it ran (µs),
 *   `timestamp` when the reply is made; the body gzip-compressed when the request's `Accept-Encoding`
 *   names gzip (web_client.c http_header_accept_encoding: a case-insensitive "gzip" anywhere), with
 *   `Content-Encoding: gzip` and the compressed length, level 3 (the agent's `web_gzip_level`);
 * - a timeout while the handler runs: HTTP 504 with the text `Query timeout exceeded` (what the agent's
 *   query engine answers when web_client_timeout_checkpoint_and_check trips);
 * - a request the agent would queue but cannot read: HTTP 400 with no HTTP part;
 * - error replies (header only): 503/6 busy, 413/4 too big, 500/3 compression failed.
 */
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { LinkError } from '../../effects/errors.js';
import { formatCmdErrorReply, formatCmdReply, type CmdErrorCode } from '../messages/cmd-reply.js';

/** gzip level of the agent's web server (`web_gzip_level`, web_client.c). */
export const CMD_GZIP_LEVEL = 3;
export const QUERY_TIMEOUT_TEXT = 'Query timeout exceeded';

export type Compressor = (body: Uint8Array) => Promise<Uint8Array>;

const gzipAsync = promisify(gzipCallback);
export const gzipBody: Compressor = async (body) => new Uint8Array(await gzipAsync(body, { level: CMD_GZIP_LEVEL }));

/** When things happened, epoch ms. */
export interface ReplyTimes {
  readonly rxMs: number;
  readonly nowMs: number;
  readonly connectMs: number;
}

export interface HandlerAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
}

const utf8 = new TextEncoder();

function timing(t: ReplyTimes): { timestampMs: number; connectMs: number; tRxUs: number; tExecUs: number } {
  return { timestampMs: t.nowMs, connectMs: t.connectMs, tRxUs: Math.floor(t.rxMs) * 1000, tExecUs: Math.max(0, t.nowMs - t.rxMs) * 1000 };
}

/** Whether the request asked for gzip (the agent's test: "gzip" anywhere in Accept-Encoding, any case). */
export function wantsGzip(requestHeaders: Readonly<Record<string, string>>): boolean {
  return /gzip/i.test(requestHeaders['accept-encoding'] ?? '');
}

/**
 * The handler's answer as a reply. Compresses when asked (an empty body, or one the handler already
 * encoded, is left alone). Throws `MSG_INVALID` (bad status, header) or `CMD_COMPRESSION_FAILED`.
 */
export async function answerReply(
  msgId: string, times: () => ReplyTimes, requestHeaders: Readonly<Record<string, string>>, answer: HandlerAnswer, compress: Compressor,
): Promise<Uint8Array> {
  let headers: Record<string, string> = { ...answer.headers };
  let body = typeof answer.body === 'string' ? utf8.encode(answer.body) : answer.body ?? new Uint8Array(0);
  const encoded = Object.keys(headers).some((n) => n.toLowerCase() === 'content-encoding');
  if (body.length > 0 && !encoded && wantsGzip(requestHeaders)) {
    try {
      body = await compress(body);
    } catch (error) {
      throw new LinkError('CMD_COMPRESSION_FAILED', `gzip failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    // The length is recomputed for the compressed body.
    headers = Object.fromEntries(Object.entries(headers).filter(([n]) => n.toLowerCase() !== 'content-length'));
    headers['content-encoding'] = 'gzip';
  }
  return formatCmdReply({ msgId, httpCode: answer.status, headers, body, ...timing(times()) });
}

export function timeoutReply(msgId: string, times: ReplyTimes): Uint8Array {
  return formatCmdReply({ msgId, httpCode: 504, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: QUERY_TIMEOUT_TEXT, ...timing(times) });
}

/** The handler failed: a plain 500 (its error text is logged, never sent). */
export function failureReply(msgId: string, times: ReplyTimes): Uint8Array {
  return formatCmdReply({ msgId, httpCode: 500, headers: { 'content-type': 'text/plain' }, body: 'internal error', ...timing(times) });
}

/** aclk_query.c: a request that fails http_request_validate is answered 400, t-exec 0, no HTTP part. */
export function badRequestReply(msgId: string, times: ReplyTimes): Uint8Array {
  return formatCmdReply({ msgId, httpCode: 400, withoutHttp: true, ...timing(times), tExecUs: 0 });
}

export function errorReply(msgId: string, times: ReplyTimes, httpCode: number, errorCode: CmdErrorCode): Uint8Array {
  return formatCmdErrorReply({ msgId, httpCode, errorCode, timestampMs: times.nowMs, connectMs: times.connectMs });
}
