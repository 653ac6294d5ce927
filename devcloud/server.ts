/**
 * `startDevCloud`: a local stand-in for the cloud's HTTPS API (PROTOCOL.md sections 2 and 3) with an
 * admin API to inject faults. One HTTPS server; WebSocket upgrades are handed to `onUpgrade`.
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Clock, Logger } from '../effects/ports.js';
import { ensurePrivateDir } from '../adapters/identity/atomic-file.js';
import { addAdminRoutes } from './admin-handlers.js';
import { challengeHandler, passwordHandler } from './auth-handlers.js';
import { startBroker } from './broker/index.js';
import { CmdRequests } from './broker/cmd-requests.js';
import { readAgentMessage } from './broker/agent-message.js';
import { MessageLog } from './broker/message-log.js';
import { Outage } from './broker/outage.js';
import { loadOrCreateCerts, SERVER_CERT_FILE, SERVER_KEY_FILE } from './certs.js';
import { claimHandler } from './claim-handler.js';
import { ChallengeRegistry, CredentialRegistry } from './credentials.js';
import { envHandler } from './env-handler.js';
import { Delays, FaultRegistry, withFaults } from './faults.js';
import { NodeRegistry } from './nodes/node-registry.js';
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
  // Upgrades go to the handler attached with `onUpgrade` if any, else to the embedded broker's.
  const upgrades: { user: UpgradeHandler | null; broker: UpgradeHandler | null } = { user: null, broker: null };
  const attachUpgrade = (slot: 'user' | 'broker') => (handler: UpgradeHandler): (() => void) => {
    upgrades[slot] = handler;
    return () => {
      if (upgrades[slot] === handler) upgrades[slot] = null;
    };
  };
  const onUpgrade = attachUpgrade('user');

  const started = await startBroker(options.broker ?? 'aedes', {
    stateDir: options.stateDir,
    host,
    clock,
    logger,
    credentials,
    certPath: join(options.stateDir, SERVER_CERT_FILE),
    keyPath: join(options.stateDir, SERVER_KEY_FILE),
    onUpgrade: attachUpgrade('broker'),
  });
  const broker = started.broker;
  // The broker decides which MQTT versions env offers, unless the options fixed the transports.
  if (started.transports !== undefined && options.settings?.transports === undefined) {
    settings = applyPatch(settings, { transports: started.transports });
  }
  const messages = new MessageLog(clock);
  const nodes = new NodeRegistry(store, broker, clock, logger);
  // Every message is read by its topic's name in the password answer, counted, and acted on.
  broker.onAgentMessage((claimId, topic, payload) => {
    const message = readAgentMessage(settings.topics, claimId, topic, payload);
    messages.record(message, payload.length);
    if (message.status === 'malformed') logger.info('dev cloud: malformed message', { claimId, name: message.name, error: message.error ?? '' });
    if (message.decoded !== undefined) nodes.handle(claimId, message.decoded);
  });
  const cmds = new CmdRequests(broker, clock, logger);
  const outage = new Outage(() => broker, clock, logger);

  const router = new Router(logger);
  const authDeps = { store, challenges, credentials, topics: () => settings.topics, logger };
  router
    .add('PUT', '/api/v1/spaces/nodes/:claimId', withFaults('claim', faults, delays, claimHandler({ store, clock, logger })))
    .add('GET', '/api/v1/env', outage.guard(withFaults('env', faults, delays, envHandler({ store, settings: () => settings, baseUrl: () => baseUrl, logger }))))
    .add('GET', '/api/v1/auth/node/:claimId/challenge', withFaults('challenge', faults, delays, challengeHandler(authDeps)))
    .add('POST', '/api/v1/auth/node/:claimId/password', withFaults('password', faults, delays, passwordHandler(authDeps)));
  const configure = (patch: Parameters<typeof applyPatch>[1]): void => {
    settings = applyPatch(settings, patch);
  };
  addAdminRoutes(router, { store, faults, credentials, settings: () => settings, configure, nodes, broker: { clock, broker, cmds, messages, outage } });

  const server = createServer({ key: certs.keyPem, cert: certs.certPem }, (req, res) => {
    logger.debug('dev cloud: request', { method: req.method, path: (req.url ?? '').split('?')[0] });
    void router.handle(req, res);
  });
  server.on('upgrade', (req, socket, head) => {
    const handler = upgrades.user ?? upgrades.broker;
    if (handler !== null) return handler(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  server.on('tlsClientError', (error) => logger.debug('dev cloud: TLS client error', { error: error.message }));

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await broker.close();
    throw error;
  }
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
    broker,
    faults,
    addFault: (spec) => void faults.add(spec),
    nodes: () => store.nodes(),
    nodeInstances: () => nodes.list(),
    nodeRegistry: nodes,
    settings: () => settings,
    configure,
    onUpgrade,
    onClose: (hook) => void closeHooks.push(hook),
    close() {
      closing ??= (async () => {
        for (const hook of closeHooks) await hook();
        outage.cancel();
        cmds.cancelAll();
        await nodes.settled();
        await broker.close();
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
