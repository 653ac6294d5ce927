/**
 * The `cmd` relay (PROTOCOL.md section 4, "Inbound messages"): parses a cmd, runs the host's handler
 * with a timeout and an AbortSignal, and publishes the answer on the request's `callback-topic`.
 *
 * Decisions:
 * - malformed cmd: logged with its reason and dropped (no reply: without a valid header there is no
 *   trustworthy callback topic). A msg-id that is already running is dropped too.
 * - handler timeout (header `timeout`, else `defaultTimeoutMs`): the signal is aborted and an error reply
 *   goes out at once: http-code 504, error-code 6 "send timeout" (the original's code for a reply the
 *   agent could not produce in time). A late answer from the handler is ignored.
 * - handler throws / rejects / returns a bad status: a plain HTTP 500 reply without error-code (codes
 *   1..6 describe transport failures, not a failing handler); the error text is logged, never sent.
 * - reply bigger than the session accepts (`MESSAGE_TOO_BIG`): error reply http-code 413, error-code 4
 *   "reply too big", without body.
 * - CancelPendingRequest: aborts the matching request; no reply (the cloud has already given up on it).
 * - a timeout beyond what a Node.js timer can wait (2^31-1 ms, ~24.8 days) is capped to it: Node runs a
 *   longer timer at once, which turned such a cmd into an immediate 504.
 * - at most `maxPending` requests run at once (default 64): one more is answered at once with the
 *   agent's busy error, http-code 503 with error-code 6 (what Netdata's aclk_query.c answers, 503 and
 *   "send timeout", for a query it could not start in time), and is not run. Busy replies waiting for
 *   their PUBACK are capped too (16 per slot; beyond: not sent, still counted), so a flood of
 *   never-answered requests holds at most 17 x maxPending entries, whatever its length.
 * - close(): aborts everything, publishes nothing more.
 */
import { LinkError } from '../../effects/errors.js';
import type { Clock, Logger } from '../../effects/ports.js';
import { CMD_ERROR, decodeCancelPendingRequest, formatCmdReply, parseCmdRequest, type CmdErrorCode, type CmdRequest } from '../messages/index.js';

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
  /** Used when the cmd carries no `timeout`. Default 60 s. */
  readonly defaultTimeoutMs?: number;
  /** When the current MQTT session connected (epoch ms), for the reply's `connect` field. */
  readonly connectedAtMs?: () => number;
  /** Requests allowed to run at once; one more is answered busy (503). Default 64. */
  readonly maxPending?: number;
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

export function createCmdRelay(options: CmdRelayOptions): CmdRelay {
  const { clock, logger } = options;
  const createdAt = clock.now();
  const connectedAt = options.connectedAtMs ?? (() => createdAt);
  const running = new Map<string, Running>();
  const maxPending = options.maxPending ?? DEFAULT_MAX_PENDING_CMDS;
  let busy = 0;
  let busyInFlight = 0;
  /** Logged once per run of busy answers, not once per request of a flood. */
  let busyEpisode = false;
  let closed = false;

  function finish(entry: Running): boolean {
    if (running.get(entry.request.msgId) !== entry) return false;
    running.delete(entry.request.msgId);
    clock.clearTimeout(entry.timer);
    return true;
  }

  function send(entry: Running, reply: Uint8Array, what: string): Promise<void> {
    return options.publish(entry.request.callbackTopic, reply).catch((error: unknown) => {
      if (error instanceof LinkError && error.code === 'MESSAGE_TOO_BIG' && what === 'reply') {
        logger.warn('cmd reply too big for the connection', { msgId: entry.request.msgId, bytes: reply.byteLength });
        return send(entry, errorReply(entry, 413, CMD_ERROR.REPLY_TOO_BIG, 'reply too big'), 'error reply');
      }
      logger.warn(`cmd ${what} not delivered`, { msgId: entry.request.msgId, code: error instanceof LinkError ? error.code : 'PUBLISH_FAILED', error: messageOf(error) });
      return undefined;
    });
  }

  function errorReply(entry: Running, httpCode: number, code: CmdErrorCode, description: string): Uint8Array {
    return formatCmdReply({
      msgId: entry.request.msgId, httpCode, timestampMs: entry.rxMs, connectMs: connectedAt(),
      tRxUs: entry.rxMs * 1000, tExecUs: entry.rxMs * 1000, error: { code, description },
    });
  }

  function onTimeout(entry: Running): void {
    if (!finish(entry)) return;
    const ms = entry.request.timeoutMs ?? options.defaultTimeoutMs ?? DEFAULT_CMD_TIMEOUT_MS;
    entry.controller.abort(new LinkError('CMD_TIMEOUT', `cmd ${entry.request.msgId} took longer than ${ms} ms`));
    logger.warn('cmd timed out', { msgId: entry.request.msgId, path: entry.request.path, timeoutMs: ms });
    void send(entry, errorReply(entry, 504, CMD_ERROR.SEND_TIMEOUT, 'send timeout'), 'error reply');
  }

  function onAnswer(entry: Running, response: CmdHandlerResponse): void {
    if (!finish(entry)) return;
    let reply: Uint8Array;
    try {
      reply = formatCmdReply({
        msgId: entry.request.msgId, httpCode: response.status, headers: response.headers, body: response.body,
        timestampMs: entry.rxMs, connectMs: connectedAt(), tRxUs: entry.rxMs * 1000, tExecUs: entry.rxMs * 1000,
      });
    } catch (error) {
      onFailure(entry, error, false);
      return;
    }
    void send(entry, reply, 'reply');
  }

  /** At the cap: the busy error at once (not run); nothing while too many busy replies are unacknowledged. */
  function answerBusy(request: CmdRequest): void {
    busy += 1;
    if (!busyEpisode) logger.warn('cmd answered busy: too many pending requests', { msgId: request.msgId, pending: running.size, maxPending });
    busyEpisode = true;
    if (busyInFlight >= maxPending * BUSY_REPLIES_PER_SLOT) return;
    busyInFlight += 1;
    const entry: Running = { request, controller: new AbortController(), rxMs: clock.now(), timer: undefined };
    void send(entry, errorReply(entry, 503, CMD_ERROR.SEND_TIMEOUT, 'agent busy: too many pending requests'), 'busy reply').finally(() => {
      busyInFlight -= 1;
    });
  }

  function onFailure(entry: Running, error: unknown, check = true): void {
    if (check && !finish(entry)) return;
    logger.warn('cmd handler failed', { msgId: entry.request.msgId, path: entry.request.path, error: messageOf(error) });
    const reply = formatCmdReply({
      msgId: entry.request.msgId, httpCode: 500, headers: { 'content-type': 'text/plain' }, body: 'internal error',
      timestampMs: entry.rxMs, connectMs: connectedAt(), tRxUs: entry.rxMs * 1000, tExecUs: entry.rxMs * 1000,
    });
    void send(entry, reply, 'error reply');
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
      let request: CmdRequest;
      try {
        request = parseCmdRequest(payload);
      } catch (error) {
        logger.warn('malformed cmd dropped', { code: error instanceof LinkError ? error.code : 'CMD_BAD_HEADER', reason: messageOf(error) });
        return;
      }
      if (running.has(request.msgId)) {
        logger.warn('cmd dropped: this msg-id is already running', { msgId: request.msgId });
        return;
      }
      if (running.size >= maxPending) return answerBusy(request);
      busyEpisode = false;
      const entry: Running = { request, controller: new AbortController(), rxMs: clock.now(), timer: undefined };
      running.set(request.msgId, entry);
      const timeoutMs = request.timeoutMs ?? options.defaultTimeoutMs ?? DEFAULT_CMD_TIMEOUT_MS;
      entry.timer = clock.setTimeout(() => onTimeout(entry), Math.min(timeoutMs, MAX_TIMER_MS));
      const input: CmdHandlerRequest = {
        msgId: request.msgId, method: request.method, path: request.path, headers: request.headers, body: request.body,
        signal: entry.controller.signal,
      };
      Promise.resolve()
        .then(() => options.handler(input))
        .then((response) => onAnswer(entry, response), (error: unknown) => onFailure(entry, error));
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
