/**
 * The `cmd` relay (PROTOCOL.md section 4, "Inbound messages"): parses a cmd, runs the host's handler
 * with a timeout and an AbortSignal, and publishes the answer on the request's `callback-topic` in the
 * forms the Netdata agent writes (cmd-replies.ts; aclk_query.c, aclk_tx_msgs.c).
 *
 * Decisions:
 * - malformed header: logged with its reason and dropped (no reply: without a valid header there is no
 *   trustworthy callback topic; the agent drops it too). A msg-id that is already running is dropped.
 * - an HTTP part the agent would queue (GET/PUT/POST/DELETE + `HTTP/1.1\r\n`) but that does not parse:
 *   HTTP 400 with no HTTP part, as the agent answers a request that fails validation; any other HTTP
 *   part is dropped, as the agent drops it.
 * - timeout: the header's `timeout` (ms). `timeout` 0 or absent is "no limit" in the agent; this link
 *   still keeps a safety cap, `defaultTimeoutMs` (60 s; `cmdTimeoutMs` of the link), so a handler that
 *   never answers cannot hold a slot forever. At the deadline the signal is aborted and the reply is
 *   what the agent's query engine answers when its own timeout trips: HTTP 504, `Query timeout
 *   exceeded`. A late answer from the handler is ignored.
 * - handler throws / rejects / returns a bad status: a plain HTTP 500 reply without error-code (codes
 *   1..6 describe transport failures, not a failing handler); the error text is logged, never sent.
 * - gzip: the body is compressed when the request's Accept-Encoding names gzip, as the agent does; a
 *   compression failure is error reply 500 / error-code 3.
 * - reply bigger than the session accepts (`MESSAGE_TOO_BIG`): error reply 413 / error-code 4. Any other
 *   publish failure is logged only: here a publish fails when the session is gone (nothing more can be
 *   sent) or after the reply may already have left, so the agent's 500 / error-code 6 follow-up is not sent.
 * - CancelPendingRequest: aborts the matching request; no reply (the cloud has already given up on it).
 * - a timeout beyond what a Node.js timer can wait (2^31-1 ms, ~24.8 days) is capped to it: Node runs a
 *   longer timer at once, which turned such a cmd into an immediate 504.
 * - at most `maxPending` requests run at once (default 64): one more is answered at once with the
 *   agent's busy error, http-code 503 with error-code 6 (what aclk_query.c answers, 503 and "Timeout
 *   sending binpacked message", for a query it could not start in time), and is not run. Busy replies
 *   waiting for their PUBACK are capped too (16 per slot; beyond: not sent, still counted), so a flood of
 *   never-answered requests holds at most 17 x maxPending entries, whatever its length.
 * - close(): aborts everything, publishes nothing more.
 */
import { LinkError } from '../../effects/errors.js';
import type { Clock, Logger } from '../../effects/ports.js';
import { decodeCancelPendingRequest } from '../messages/cancel-pending-request.js';
import { CMD_ERROR } from '../messages/cmd-reply.js';
import { agentQueuesRequest, parseCmdHeader, parseCmdHttp, type CmdHeader, type CmdRequest } from '../messages/cmd-request.js';
import { answerReply, badRequestReply, errorReply, failureReply, gzipBody, timeoutReply, type Compressor, type ReplyTimes } from './cmd-replies.js';

export interface CmdHandlerRequest {
  readonly msgId: string;
  readonly method: string;
  readonly path: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  /** Aborted on timeout, on CancelPendingRequest and on close; `reason` is a coded LinkError. */
  readonly signal: AbortSignal;
}

export interface CmdHandlerResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
}

export type CmdHandler = (request: CmdHandlerRequest) => Promise<CmdHandlerResponse>;

export interface CmdRelayOptions {
  readonly handler: CmdHandler;
  /** QoS 1 publish to a raw topic string; resolves on PUBACK. */
  readonly publish: (topic: string, payload: Uint8Array) => Promise<void>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The safety cap when the cmd carries no `timeout` (or 0: no limit in the agent). Default 60 s. */
  readonly defaultTimeoutMs?: number;
  /** When the current MQTT session connected (epoch ms), for the reply's `connect` field. */
  readonly connectedAtMs?: () => number;
  /** Requests allowed to run at once; one more is answered busy (503). Default 64. */
  readonly maxPending?: number;
  /** gzip for replies to requests that accept it (default: node:zlib, level 3). */
  readonly compress?: Compressor;
}

export interface CmdRelay {
  onCmd(payload: Uint8Array): void;
  onCancel(payload: Uint8Array): void;
  /** Requests running now. */
  readonly pending: number;
  /** The cap on `pending`. */
  readonly maxPending: number;
  /** Requests refused because `pending` was at the cap (answered 503 unless too many busy replies await PUBACK). */
  readonly busy: number;
  close(): void;
}

export const DEFAULT_CMD_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_PENDING_CMDS = 64;
/** Busy replies allowed to wait for their PUBACK, per slot of the cap. */
export const BUSY_REPLIES_PER_SLOT = 16;
/** The longest delay a Node.js timer honours (a longer one fires after 1 ms). */
export const MAX_TIMER_MS = 2_147_483_647;

interface Running {
  readonly request: CmdRequest;
  readonly controller: AbortController;
  readonly rxMs: number;
  timer: unknown;
}

/** Where a reply goes. */
type Target = Pick<CmdHeader, 'msgId' | 'callbackTopic'>;

export function createCmdRelay(options: CmdRelayOptions): CmdRelay {
  const { clock, logger } = options;
  const createdAt = clock.now();
  const connectedAt = options.connectedAtMs ?? (() => createdAt);
  const compress = options.compress ?? gzipBody;
  const running = new Map<string, Running>();
  const maxPending = options.maxPending ?? DEFAULT_MAX_PENDING_CMDS;
  let busy = 0;
  let busyInFlight = 0;
  /** Logged once per run of busy answers, not once per request of a flood. */
  let busyEpisode = false;
  let closed = false;

  const times = (rxMs: number): ReplyTimes => ({ rxMs, nowMs: clock.now(), connectMs: connectedAt() });

  function finish(entry: Running): boolean {
    if (running.get(entry.request.msgId) !== entry) return false;
    running.delete(entry.request.msgId);
    clock.clearTimeout(entry.timer);
    return true;
  }

  function send(to: Target, reply: Uint8Array, what: string): Promise<void> {
    let published: Promise<void>;
    try {
      published = options.publish(to.callbackTopic, reply);
    } catch (error) {
      published = Promise.reject(error); // a publisher that throws is a failed publish, never an exception out of onCmd
    }
    return published.catch((error: unknown) => {
      if (error instanceof LinkError && error.code === 'MESSAGE_TOO_BIG' && what === 'reply') {
        logger.warn('cmd reply too big for the connection', { msgId: to.msgId, bytes: reply.byteLength });
        return send(to, errorReply(to.msgId, times(clock.now()), 413, CMD_ERROR.REPLY_TOO_BIG), 'error reply');
      }
      logger.warn(`cmd ${what} not delivered`, { msgId: to.msgId, code: error instanceof LinkError ? error.code : 'PUBLISH_FAILED', error: messageOf(error) });
      return undefined;
    });
  }

  function onTimeout(entry: Running, ms: number): void {
    if (!finish(entry)) return;
    entry.controller.abort(new LinkError('CMD_TIMEOUT', `cmd ${entry.request.msgId} took longer than ${ms} ms`));
    logger.warn('cmd timed out', { msgId: entry.request.msgId, path: entry.request.path, timeoutMs: ms });
    void send(entry.request, timeoutReply(entry.request.msgId, times(entry.rxMs)), 'timeout reply');
  }

  async function onAnswer(entry: Running, response: CmdHandlerResponse): Promise<void> {
    if (running.get(entry.request.msgId) !== entry) return;
    let reply: Uint8Array;
    try {
      reply = await answerReply(entry.request.msgId, () => times(entry.rxMs), entry.request.headers, response, compress);
    } catch (error) {
      if (error instanceof LinkError && error.code === 'CMD_COMPRESSION_FAILED') {
        if (!finish(entry)) return;
        logger.warn('cmd reply could not be compressed', { msgId: entry.request.msgId, error: error.message });
        void send(entry.request, errorReply(entry.request.msgId, times(entry.rxMs), 500, CMD_ERROR.COMPRESSION), 'error reply');
        return;
      }
      onFailure(entry, error);
      return;
    }
    // The timeout, a cancel or close may have come while compressing.
    if (!finish(entry)) return;
    void send(entry.request, reply, 'reply');
  }

  /** At the cap: the busy error at once (not run); nothing while too many busy replies are unacknowledged. */
  function answerBusy(to: Target): void {
    busy += 1;
    if (!busyEpisode) logger.warn('cmd answered busy: too many pending requests', { msgId: to.msgId, pending: running.size, maxPending });
    busyEpisode = true;
    if (busyInFlight >= maxPending * BUSY_REPLIES_PER_SLOT) return;
    busyInFlight += 1;
    void send(to, errorReply(to.msgId, times(clock.now()), 503, CMD_ERROR.SEND_TIMEOUT), 'busy reply').finally(() => {
      busyInFlight -= 1;
    });
  }

  function onFailure(entry: Running, error: unknown): void {
    if (!finish(entry)) return;
    logger.warn('cmd handler failed', { msgId: entry.request.msgId, path: entry.request.path, error: messageOf(error) });
    void send(entry.request, failureReply(entry.request.msgId, times(entry.rxMs)), 'error reply');
  }

  /** The header, then the HTTP part; undefined when the cmd is dropped or already answered (400). */
  function parse(payload: Uint8Array): CmdRequest | undefined {
    let parsed: ReturnType<typeof parseCmdHeader>;
    try {
      parsed = parseCmdHeader(payload);
    } catch (error) {
      logger.warn('malformed cmd dropped', { code: error instanceof LinkError ? error.code : 'CMD_BAD_HEADER', reason: messageOf(error) });
      return undefined;
    }
    try {
      return { ...parsed.header, ...parseCmdHttp(parsed.rest) };
    } catch (error) {
      const code = error instanceof LinkError ? error.code : 'CMD_BAD_REQUEST';
      if (!agentQueuesRequest(parsed.rest)) {
        logger.warn('malformed cmd dropped', { code, reason: messageOf(error), msgId: parsed.header.msgId });
        return undefined;
      }
      logger.warn('cmd request unreadable: answered 400', { code, reason: messageOf(error), msgId: parsed.header.msgId });
      void send(parsed.header, badRequestReply(parsed.header.msgId, times(clock.now())), 'bad request reply');
      return undefined;
    }
  }

  return {
    get pending() {
      return running.size;
    },
    maxPending,
    get busy() {
      return busy;
    },

    onCmd(payload) {
      if (closed) {
        logger.warn('cmd dropped: the relay is closed');
        return;
      }
      const request = parse(payload);
      if (request === undefined) return;
      if (running.has(request.msgId)) {
        logger.warn('cmd dropped: this msg-id is already running', { msgId: request.msgId });
        return;
      }
      if (running.size >= maxPending) return answerBusy(request);
      busyEpisode = false;
      const entry: Running = { request, controller: new AbortController(), rxMs: clock.now(), timer: undefined };
      running.set(request.msgId, entry);
      const timeoutMs = request.timeoutMs ?? options.defaultTimeoutMs ?? DEFAULT_CMD_TIMEOUT_MS;
      entry.timer = clock.setTimeout(() => onTimeout(entry, timeoutMs), Math.min(timeoutMs, MAX_TIMER_MS));
      const input: CmdHandlerRequest = {
        msgId: request.msgId, method: request.method, path: request.path, headers: request.headers, body: request.body,
        signal: entry.controller.signal,
      };
      Promise.resolve()
        .then(() => options.handler(input))
        .then((response) => onAnswer(entry, response), (error: unknown) => onFailure(entry, error))
        .catch((error: unknown) => logger.error('cmd relay failed', { msgId: request.msgId, error: messageOf(error) }));
    },

    onCancel(payload) {
      let requestId: string;
      try {
        requestId = decodeCancelPendingRequest(payload).requestId;
      } catch (error) {
        logger.warn('malformed CancelPendingRequest dropped', { reason: messageOf(error) });
        return;
      }
      const entry = running.get(requestId);
      if (!entry) {
        logger.debug('CancelPendingRequest for no running cmd', { msgId: requestId });
        return;
      }
      finish(entry);
      entry.controller.abort(new LinkError('CMD_CANCELLED', `cmd ${requestId} was cancelled by the cloud`));
      logger.info('cmd cancelled by the cloud', { msgId: requestId });
    },

    close() {
      closed = true;
      for (const entry of [...running.values()]) {
        finish(entry);
        entry.controller.abort(new LinkError('CMD_RELAY_CLOSED', 'the cmd relay was closed'));
      }
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
