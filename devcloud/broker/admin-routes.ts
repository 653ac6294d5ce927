/**
 * Admin API routes for the broker (same bearer admin token as the rest of the admin API):
 * `POST /admin/nodes/:claimId/disconnect`, `POST /admin/nodes/:claimId/cmd`, `POST|GET /admin/outage`,
 * `GET /admin/messages?node=` (the recent messages, and per topic name how many were received,
 * decoded, malformed or not decoded).
 */
import { z } from 'zod';
import { CMD_METHODS, encodeDisconnectReq } from '../../adapters/messages/index.js';
import { LinkError } from '../../effects/errors.js';
import type { Clock } from '../../effects/ports.js';
import { readJson, sendCloudError, sendJson } from '../http-util.js';
import type { Handler, RequestContext, Router } from '../router.js';
import type { StateStore } from '../state-store.js';
import type { CmdRequests } from './cmd-requests.js';
import type { MessageLog } from './message-log.js';
import type { Outage } from './outage.js';
import { inboundTopic } from './topics.js';
import { BrokerError, type DevCloudBroker } from './types.js';

export interface BrokerAdminDeps {
  readonly store: StateStore;
  readonly clock: Clock;
  readonly broker: DevCloudBroker;
  readonly cmds: CmdRequests;
  readonly messages: MessageLog;
  readonly outage: Outage;
}

const disconnectSchema = z.object({
  reconnectAfterSeconds: z.number().int().nonnegative().optional(),
  permaban: z.boolean().optional(),
  errorCode: z.number().int().nonnegative().optional(),
  errorDescription: z.string().optional(),
}).strict();
/** A code point below 0x20 (but tab when `tab`), or DEL. */
const control = (s: string, tab: boolean): boolean =>
  [...s].some((c) => { const n = c.charCodeAt(0); return n === 0x7f || (n < 0x20 && !(tab && n === 0x09)); });

/** A cmd's path goes into an HTTP request line: no space, no control character, bounded. */
export const MAX_CMD_PATH = 4096;
const cmdPath = z.string().max(MAX_CMD_PATH).startsWith('/')
  .refine((p) => !p.includes(' ') && !control(p, false), 'must contain no space or control character');
/** HTTP header names are tokens; values carry no control character but tab (no CR/LF: no header injection). */
const headerName = z.string().max(256).regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP token');
const headerValue = z.string().max(8192).refine((v) => !control(v, true), 'must contain no control character');
const cmdSchema = z.object({
  method: z.enum(CMD_METHODS).optional(),
  path: cmdPath,
  headers: z.record(headerName, headerValue).optional(),
  body: z.string().optional(),
  timeoutMs: z.number().int().positive().max(600_000).optional(),
}).strict();
const outageSchema = z.object({ seconds: z.number().nonnegative().max(86_400) }).strict();

async function parseBody<T>(ctx: RequestContext, schema: z.ZodType<T>): Promise<T | undefined> {
  const parsed = schema.safeParse(await readJson(ctx.req));
  if (parsed.success) return parsed.data;
  sendCloudError(ctx.res, 400, { errorMsgKey: 'ErrBadRequest', errorMessage: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  return undefined;
}

/** A claimed node's id from the path, or a 404 answer. */
export function knownNode(deps: Pick<BrokerAdminDeps, 'store'>, ctx: RequestContext): string | undefined {
  const claimId = ctx.params.claimId ?? '';
  if (deps.store.node(claimId) !== undefined) return claimId;
  ctx.req.resume();
  sendCloudError(ctx.res, 404, { errorMsgKey: 'ErrNodeNotFound', errorMessage: 'no node is claimed with this claim id' });
  return undefined;
}

export function brokerFailure(ctx: RequestContext, error: unknown): void {
  // The request could not be framed (the schema should have caught it): the caller's fault, not ours.
  if (error instanceof LinkError && error.code === 'MSG_INVALID') {
    return sendCloudError(ctx.res, 400, { errorMsgKey: 'ErrBadRequest', errorMessage: `${error.code}: ${error.message}` });
  }
  if (!(error instanceof BrokerError)) throw error;
  const status = error.code === 'BROKER_NONE' || error.code === 'BROKER_CLOSED' ? 503 : 502;
  sendCloudError(ctx.res, status, { errorMsgKey: 'ErrBroker', errorMessage: `${error.code}: ${error.message}` });
}

export function addBrokerAdminRoutes(router: Router, admin: (handler: Handler) => Handler, deps: BrokerAdminDeps): void {
  router
    .add('POST', '/admin/nodes/:claimId/disconnect', admin(async (ctx) => {
      const claimId = knownNode(deps, ctx);
      const body = claimId === undefined ? undefined : await parseBody(ctx, disconnectSchema);
      if (claimId === undefined || body === undefined) return;
      const payload = encodeDisconnectReq({
        reconnectAfterSeconds: body.reconnectAfterSeconds ?? 0,
        permaban: body.permaban ?? false,
        createdAtMs: deps.clock.now(),
        ...(body.errorCode !== undefined ? { errorCode: body.errorCode } : {}),
        ...(body.errorDescription !== undefined ? { errorDescription: body.errorDescription } : {}),
      });
      const connected = deps.broker.connectedNodes().includes(claimId);
      try {
        await deps.broker.publishToNode(claimId, 'DisconnectReq', payload);
      } catch (error) {
        return brokerFailure(ctx, error);
      }
      sendJson(ctx.res, 200, { topic: inboundTopic(claimId, 'DisconnectReq'), connected, size: payload.length });
    }))
    .add('POST', '/admin/nodes/:claimId/cmd', admin(async (ctx) => {
      const claimId = knownNode(deps, ctx);
      const body = claimId === undefined ? undefined : await parseBody(ctx, cmdSchema);
      if (claimId === undefined || body === undefined) return;
      let reply;
      try {
        reply = await deps.cmds.send(claimId, body);
      } catch (error) {
        return brokerFailure(ctx, error);
      }
      if (reply === null) {
        sendCloudError(ctx.res, 504, { errorMsgKey: 'ErrCmdTimeout', errorMessage: 'the node did not answer the cmd request in time' });
        return;
      }
      sendJson(ctx.res, 200, reply);
    }))
    .add('POST', '/admin/outage', admin(async (ctx) => {
      const body = await parseBody(ctx, outageSchema);
      if (body !== undefined) sendJson(ctx.res, 200, await deps.outage.start(body.seconds));
    }))
    .add('GET', '/admin/outage', admin(({ res }) => sendJson(res, 200, deps.outage.status())))
    .add('GET', '/admin/messages', admin(({ res, url }) => {
      const node = url.searchParams.get('node');
      sendJson(res, 200, { messages: deps.messages.list(node === null || node === '' ? undefined : node), counts: deps.messages.tally() });
    }));
}
