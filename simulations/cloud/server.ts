/**
 * `startDevCloud`: a local stand-in for the cloud's HTTPS API (PROTOCOL.md sections 2 and 3) with an
 * admin API to inject faults. One HTTPS server; WebSocket upgrades are handed to `onUpgrade`.
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Clock, Logger } from '../../effects/ports.js';
import { ensurePrivateDir } from '../../adapters/identity/atomic-file.js';
import { addAdminRoutes } from './admin-handlers.js';
import { challengeHandler, passwordHandler } from './auth-handlers.js';
import { loadOrCreateCerts } from './certs.js';
import { claimHandler } from './claim-handler.js';
import { ChallengeRegistry, CredentialRegistry } from './credentials.js';
import { envHandler } from './env-handler.js';
import { Delays, FaultRegistry, withFaults } from './faults.js';
import { Router } from './router.js';
import { applyPatch, DEFAULT_SETTINGS, type DevCloudSettings } from './settings.js';
import { openStateStore } from './state-store.js';
import type { DevCloud, DevCloudOptions, UpgradeHandler } from './types.js';

const silentLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as NodeJS.Timeout),
};

export async function startDevCloud(options: DevCloudOptions): Promise<DevCloud> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  await ensurePrivateDir(options.stateDir);
  const certs = await loadOrCreateCerts(options.stateDir, clock.now());
  const store = await openStateStore(options.stateDir, {
    ...(options.token !== undefined ? { claimToken: options.token } : {}),
    ...(options.adminToken !== undefined ? { adminToken: options.adminToken } : {}),
  });
  let settings: DevCloudSettings = applyPatch(DEFAULT_SETTINGS, options.settings ?? {});
  const faults = new FaultRegistry();
  const delays = new Delays(clock);
  const challenges = new ChallengeRegistry(clock);
  const credentials = new CredentialRegistry(clock);
  let baseUrl = '';

  const router = new Router(logger);
  const authDeps = { store, challenges, credentials, topics: () => settings.topics, logger };
  router
    .add('PUT', '/api/v1/spaces/nodes/:claimId', withFaults('claim', faults, delays, claimHandler({ store, clock, logger })))
    .add('GET', '/api/v1/env', withFaults('env', faults, delays, envHandler({ store, settings: () => settings, baseUrl: () => baseUrl, logger })))
    .add('GET', '/api/v1/auth/node/:claimId/challenge', withFaults('challenge', faults, delays, challengeHandler(authDeps)))
    .add('POST', '/api/v1/auth/node/:claimId/password', withFaults('password', faults, delays, passwordHandler(authDeps)));
  const configure = (patch: Parameters<typeof applyPatch>[1]): void => {
    settings = applyPatch(settings, patch);
  };
  addAdminRoutes(router, { store, faults, credentials, settings: () => settings, configure });

  const server = createServer({ key: certs.keyPem, cert: certs.certPem }, (req, res) => {
    logger.debug('dev cloud: request', { method: req.method, path: (req.url ?? '').split('?')[0] });
    void router.handle(req, res);
  });
  let upgradeHandler: UpgradeHandler | null = null;
  server.on('upgrade', (req, socket, head) => {
    if (upgradeHandler !== null) return upgradeHandler(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  server.on('tlsClientError', (error) => logger.debug('dev cloud: TLS client error', { error: error.message }));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info('dev cloud: listening', { url: baseUrl, stateDir: options.stateDir });

  const closeHooks: (() => Promise<void> | void)[] = [];
  let closing: Promise<void> | null = null;
  return {
    url: baseUrl,
    host,
    port,
    token: store.claimToken,
    adminToken: store.adminToken,
    caPath: certs.caPath,
    caPem: certs.caPem,
    httpsServer: server,
    credentials,
    faults,
    addFault: (spec) => void faults.add(spec),
    nodes: () => store.nodes(),
    settings: () => settings,
    configure,
    onUpgrade(handler) {
      upgradeHandler = handler;
      return () => {
        if (upgradeHandler === handler) upgradeHandler = null;
      };
    },
    onClose: (hook) => void closeHooks.push(hook),
    close() {
      closing ??= (async () => {
        for (const hook of closeHooks) await hook();
        delays.cancelAll();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        logger.info('dev cloud: closed', { url: baseUrl });
      })();
      return closing;
    },
  };
}
