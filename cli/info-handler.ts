/**
 * The built-in answer to the cloud's `cmd` requests (`aclk run`, `aclk demo`): `GET /api/v1/info`
 * gives `{hostname, version, uptime}` as JSON, and with the local node (local-node.ts) the fields of
 * netdata's own `/api/v1/info` it can fill; anything else is 404.
 */
import { hostname } from 'node:os';
import type { CmdHandler } from '../adapters/mqtt/cmd-relay.js';
import { LINK_VERSION } from '../link/create-link.js';
import { infoDocument, type LocalNode } from './local-node.js';

const json = (status: number, value: unknown) => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

export function infoHandler(options: { hostname?: string; startedAtMs?: number; now?: () => number; node?: () => LocalNode | null } = {}): CmdHandler {
  const now = options.now ?? Date.now;
  const startedAt = options.startedAtMs ?? now();
  const name = options.hostname ?? hostname();
  return async (request) => {
    const path = request.path.split('?')[0];
    if (request.method === 'GET' && path === '/api/v1/info') {
      const uptime = Math.floor((now() - startedAt) / 1000);
      const node = options.node?.() ?? null;
      return json(200, node ? infoDocument(node, uptime) : { hostname: name, version: LINK_VERSION, uptime, agent: 'aclk' });
    }
    return json(404, { error: 'not found', path });
  };
}
