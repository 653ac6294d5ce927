/**
 * Admin API routes for node instances (bearer admin token): `GET /admin/node-instances` (every node
 * instance, and each claimed agent without one, node id null) and
 * `POST /admin/nodes/:claimId/send-node-instances` (publishes `SendNodeInstances` to that agent).
 */
import { brokerFailure, knownNode } from '../broker/admin-routes.js';
import { inboundTopic } from '../broker/topics.js';
import type { DevCloudBroker } from '../broker/types.js';
import { sendJson } from '../http-util.js';
import type { Handler, Router } from '../router.js';
import type { StateStore } from '../state-store.js';
import type { NodeRegistry } from './node-registry.js';

export interface NodeRouteDeps {
  readonly store: StateStore;
  readonly broker: DevCloudBroker;
  readonly nodes: NodeRegistry;
}

export function addNodeRoutes(router: Router, admin: (handler: Handler) => Handler, deps: NodeRouteDeps): void {
  router
    .add('GET', '/admin/node-instances', admin(({ res }) => sendJson(res, 200, { nodes: deps.nodes.list() })))
    .add('POST', '/admin/nodes/:claimId/send-node-instances', admin(async (ctx) => {
      const claimId = knownNode(deps, ctx);
      if (claimId === undefined) return;
      ctx.req.resume();
      const connected = deps.broker.connectedNodes().includes(claimId);
      let sent;
      try {
        sent = await deps.nodes.sendNodeInstances(claimId);
      } catch (error) {
        return brokerFailure(ctx, error);
      }
      sendJson(ctx.res, 200, { topic: inboundTopic(claimId, 'SendNodeInstances'), connected, size: sent.size });
    }));
}
