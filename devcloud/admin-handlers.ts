/**
 * The admin API (`Authorization: Bearer <adminToken>`): faults, claimed nodes (with whether they are
 * connected to the broker), issued credentials (without passwords), run-time settings, the
 * broker's routes (broker/admin-routes.ts) and the node instances' (nodes/node-routes.ts).
 */
import { addBrokerAdminRoutes, type BrokerAdminDeps } from './broker/admin-routes.js';
import type { CredentialRegistry } from './credentials.js';
import { faultSpecSchema, type FaultRegistry } from './faults.js';
import { addNodeRoutes } from './nodes/node-routes.js';
import type { NodeRegistry } from './nodes/node-registry.js';
import { readJson, sendCloudError, sendEmpty, sendJson } from './http-util.js';
import type { Handler, Router } from './router.js';
import { settingsPatchSchema, type DevCloudSettings, type DevCloudSettingsPatch } from './settings.js';
import type { StateStore } from './state-store.js';
import { sameSecret } from './tokens.js';

export interface AdminDeps {
  readonly store: StateStore;
  readonly faults: FaultRegistry;
  readonly credentials: CredentialRegistry;
  readonly settings: () => DevCloudSettings;
  readonly configure: (patch: DevCloudSettingsPatch) => void;
  readonly broker: Omit<BrokerAdminDeps, 'store'>;
  readonly nodes: NodeRegistry;
}

function authorized(adminToken: string, handler: Handler): Handler {
  return (ctx) => {
    const header = ctx.req.headers.authorization ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    if (match === null || !sameSecret(match[1], adminToken)) {
      ctx.req.resume();
      ctx.res.setHeader('www-authenticate', 'Bearer');
      sendCloudError(ctx.res, 401, { errorMsgKey: 'ErrUnauthorized', errorMessage: 'admin token required' });
      return;
    }
    return handler(ctx);
  };
}

export function addAdminRoutes(router: Router, deps: AdminDeps): void {
  const admin = (handler: Handler): Handler => authorized(deps.store.adminToken, handler);
  router
    .add('POST', '/admin/faults', admin(async ({ req, res }) => {
      const parsed = faultSpecSchema.safeParse(await readJson(req));
      if (!parsed.success) {
        sendCloudError(res, 400, { errorMsgKey: 'ErrBadRequest', errorMessage: parsed.error.issues.map((i) => i.message).join('; ') });
        return;
      }
      sendJson(res, 201, { fault: deps.faults.add(parsed.data) });
    }))
    .add('GET', '/admin/faults', admin(({ res }) => sendJson(res, 200, { faults: deps.faults.list() })))
    .add('DELETE', '/admin/faults', admin(({ res }) => {
      deps.faults.clear();
      sendEmpty(res, 204);
    }))
    .add('GET', '/admin/nodes', admin(({ res }) => {
      const connected = new Set(deps.broker.broker.connectedNodes());
      sendJson(res, 200, { nodes: deps.store.nodes().map((node) => ({ ...node, connected: connected.has(node.claimId) })) });
    }))
    .add('GET', '/admin/credentials', admin(({ res }) => sendJson(res, 200, { credentials: deps.credentials.list() })))
    .add('GET', '/admin/settings', admin(({ res }) => sendJson(res, 200, deps.settings())))
    .add('PUT', '/admin/settings', admin(async ({ req, res }) => {
      const parsed = settingsPatchSchema.safeParse(await readJson(req));
      if (!parsed.success) {
        sendCloudError(res, 400, { errorMsgKey: 'ErrBadRequest', errorMessage: parsed.error.issues.map((i) => i.message).join('; ') });
        return;
      }
      deps.configure(parsed.data);
      sendJson(res, 200, deps.settings());
    }));
  addBrokerAdminRoutes(router, admin, { ...deps.broker, store: deps.store });
  addNodeRoutes(router, admin, { store: deps.store, broker: deps.broker.broker, nodes: deps.nodes });
}
