/**
 * The built-in answer to the cloud's `cmd` requests (`aclk run`, `aclk demo`): `GET /api/v1/info`
 * gives `{hostname, version, uptime}` as JSON; anything else is 404.
 */
import { hostname } from 'node:os';
import type { CmdHandler } from '../adapters/mqtt/cmd-relay.js';
import { LINK_VERSION } from '../link/create-link.js';

const json = (status: number, value: unknown) => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

export function infoHandler(options: { hostname?: string; startedAtMs?: number; now?: () => number } = {}): CmdHandler {
  const now = options.now ?? Date.now;
  const startedAt = options.startedAtMs ?? now();
  const name = options.hostname ?? hostname();
  return async (request) => {
    const path = request.path.split('?')[0];
    if (request.method === 'GET' && path === '/api/v1/info') {
      return json(200, { hostname: name, version: LINK_VERSION, uptime: Math.floor((now() - startedAt) / 1000), agent: 'aclk' });
    }
    return json(404, { error: 'not found', path });
  };
}
