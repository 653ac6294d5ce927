/**
 * The embedded broker: aedes (MQTT 3.1.1 only) on the dev cloud's own HTTPS port, path `/mqtt`.
 * CONNECT must carry credentials issued by the password step (single use); each node publishes only
 * under its own outbound topics and subscribes only under its own inbound ones.
 */
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { BrokerDeps, DevCloudBroker } from './types.js';
import { BrokerError, Listeners, type AgentMessageListener } from './types.js';
import { inboundTopic, mayPublish, maySubscribe } from './topics.js';
import { mqttWsEndpoint } from './ws-upgrade.js';

/** CONNACK return codes of MQTT 3.1.1. */
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;

function authError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

export async function startAedesBroker(deps: BrokerDeps): Promise<DevCloudBroker> {
  const { logger, credentials } = deps;
  const claimIds = new WeakMap<Client, string>();
  const sessions = new Map<string, Client>();
  const messages = new Listeners<Parameters<AgentMessageListener>>(logger);
  let refusing = false;
  let closed = false;

  const broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      if (refusing) return done(authError('the cloud is in an outage', SERVER_UNAVAILABLE), false);
      const issued = credentials.verify(client.id, username ?? '', password?.toString('utf8') ?? '', { consume: true });
      if (issued === undefined) {
        logger.info('dev cloud broker: CONNECT refused (bad or used credentials)', { clientId: client.id });
        return done(authError('bad user name or password', BAD_USERNAME_OR_PASSWORD), false);
      }
      claimIds.set(client, issued.claimId);
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      if (client === null) return done(null);
      const claimId = claimIds.get(client) ?? '';
      if (mayPublish(claimId, packet.topic)) return done(null);
      logger.info('dev cloud broker: publish denied', { claimId, topic: packet.topic });
      done(new Error(`not authorized to publish on ${packet.topic}`));
    },
    authorizeSubscribe(client, subscription, done) {
      const claimId = claimIds.get(client) ?? '';
      if (maySubscribe(claimId, subscription.topic)) return done(null, subscription);
      logger.info('dev cloud broker: subscribe denied', { claimId, topic: subscription.topic });
      done(null, null);
    },
  });
  broker.on('client', (client) => {
    const claimId = claimIds.get(client);
    if (claimId !== undefined) sessions.set(claimId, client);
    logger.info('dev cloud broker: node connected', { claimId });
  });
  broker.on('clientDisconnect', (client) => {
    const claimId = claimIds.get(client);
    if (claimId !== undefined && sessions.get(claimId) === client) sessions.delete(claimId);
    logger.info('dev cloud broker: node disconnected', { claimId });
  });
  broker.on('publish', (packet, client) => {
    const claimId = client === null ? undefined : claimIds.get(client);
    if (claimId !== undefined) messages.emit(claimId, packet.topic, Buffer.from(packet.payload));
  });

  const endpoint = mqttWsEndpoint({ accept: (stream, req) => broker.handle(stream, req), refusing: () => refusing, logger });
  const detach = deps.onUpgrade(endpoint.handler);

  const closeClients = (): Promise<void> =>
    Promise.all([...sessions.values()].map((c) => new Promise<void>((resolve) => c.close(() => resolve())))).then(() => undefined);

  return {
    kind: 'aedes',
    connectedNodes: () => [...sessions.keys()].sort(),
    publishToNode(claimId, messageType, payload) {
      if (closed) return Promise.reject(new BrokerError('BROKER_CLOSED', 'the broker is closed'));
      const topic = inboundTopic(claimId, messageType);
      return new Promise((resolve, reject) => {
        broker.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false }, (error) => {
          if (error) reject(new BrokerError('BROKER_COMMAND_FAILED', `publish on ${topic} failed: ${error.message}`, { cause: error }));
          else resolve();
        });
      });
    },
    onAgentMessage: (listener) => messages.add(listener),
    dropAll: closeClients,
    setRefusing: async (value) => void (refusing = value),
    async close() {
      if (closed) return;
      closed = true;
      detach();
      await closeClients();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await endpoint.close();
    },
  };
}
