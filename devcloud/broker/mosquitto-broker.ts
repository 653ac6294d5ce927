/**
 * The external broker: Debian's mosquitto 2.0 (MQTT 5 and 3.1.1 over secure WebSockets), spawned with
 * a generated configuration. Credentials from the password step become dynamic-security clients
 * (client id = claim id, a role allowing only that node's topics) and are deleted once used: when
 * their connection ends, or at once when a second connection reuses them. The dev cloud follows
 * mosquitto's log to know who is connected.
 */
import type { IssuedCredentials } from '../credentials.js';
import { connectMosquittoAdmin, LOG_TOPICS, type DynsecCommand, type MosquittoAdmin } from './mosquitto-admin.js';
import { findMosquitto, writeMosquittoFiles } from './mosquitto-files.js';
import { parseLogLine } from './mosquitto-log.js';
import { startMosquittoProcess } from './mosquitto-process.js';
import { ALL_OUTBOUND, inboundPattern, inboundTopic, outboundClaimId, outboundPattern } from './topics.js';
import { BrokerError, Listeners, type AgentMessageListener, type BrokerDeps, type DevCloudBroker } from './types.js';

export interface MosquittoBroker extends DevCloudBroker {
  /** `wss://<host>:<port>/mqtt` (mosquitto accepts any path). */
  readonly endpoint: string;
  readonly pid: number;
  /** Kill mosquitto with SIGKILL (a crash: every connection is cut, nothing is said). */
  crash(): Promise<void>;
  /** Start mosquitto again on the same ports with the same dynamic-security state. */
  restart(): Promise<void>;
}

const roleOf = (claimId: string): string => `node-${claimId}`;

function provisionCommands(c: IssuedCredentials, disabled: boolean): DynsecCommand[] {
  const acl = (acltype: string, topic: string) => ({ acltype, topic, allow: true });
  return [
    { command: 'createRole', rolename: roleOf(c.claimId), acls: [acl('publishClientSend', outboundPattern(c.claimId)), acl('subscribePattern', inboundPattern(c.claimId))] },
    { command: 'createClient', username: c.username, password: c.password, clientid: c.clientId, roles: [{ rolename: roleOf(c.claimId) }] },
    ...(disabled ? [{ command: 'disableClient', username: c.username }] : []),
  ];
}

export async function startMosquittoBroker(deps: BrokerDeps): Promise<MosquittoBroker> {
  const { logger, credentials, clock } = deps;
  const { binary, plugin } = await findMosquitto();
  const layout = await writeMosquittoFiles({ stateDir: deps.stateDir, host: deps.host, plugin, certPath: deps.certPath, keyPath: deps.keyPath });
  let proc = await startMosquittoProcess(binary, layout.confPath, logger);
  const connectAdmin = async (): Promise<MosquittoAdmin> => {
    try {
      return await connectMosquittoAdmin({ port: layout.plainPort, username: layout.adminUser, password: layout.adminPassword });
    } catch (error) {
      await proc.stop();
      throw new BrokerError('BROKER_START_FAILED', `cannot connect to mosquitto's admin listener: ${String(error)}`, { cause: error });
    }
  };
  let admin = await connectAdmin();
  let crashed = false;
  const messages = new Listeners<Parameters<AgentMessageListener>>(logger);
  /** Client id (= claim id) → user name of its open connection. */
  const sessions = new Map<string, string>();
  /** Provisioned and not yet used user names, with their expiry timers. */
  const unused = new Map<string, unknown>();
  const used = new Set<string>();
  let refusing = false;
  let closed = false;

  const retire = (username: string): void => {
    const timer = unused.get(username);
    if (timer !== undefined) clock.clearTimeout(timer);
    unused.delete(username);
    credentials.revoke(username);
    admin.dynsec([{ command: 'deleteClient', username }], ['Client not found']).catch((error: unknown) => {
      if (!closed) logger.warn('dev cloud broker: cannot delete used credentials', { error: String(error) });
    });
  };
  const onLog = (line: string): void => {
    const event = parseLogLine(line);
    if (event === undefined || event.clientId === admin.client.options.clientId) return;
    if (event.kind === 'connected') {
      const previous = sessions.get(event.clientId);
      if (previous !== undefined && previous !== event.username) retire(previous);
      if (used.has(event.username)) {
        logger.info('dev cloud broker: used credentials presented again: kicking', { clientId: event.clientId });
        sessions.delete(event.clientId);
        return retire(event.username);
      }
      used.add(event.username);
      sessions.set(event.clientId, event.username);
      const timer = unused.get(event.username);
      if (timer !== undefined) clock.clearTimeout(timer);
      unused.delete(event.username);
      credentials.revoke(event.username);
      logger.info('dev cloud broker: node connected', { claimId: event.clientId });
    } else {
      const username = sessions.get(event.clientId);
      if (username === undefined) return;
      sessions.delete(event.clientId);
      retire(username);
      logger.info('dev cloud broker: node disconnected', { claimId: event.clientId });
    }
  };
  const wire = async (a: MosquittoAdmin): Promise<void> => {
    a.client.on('close', () => {
      if (!closed && !crashed) logger.error('dev cloud broker: lost the admin connection to mosquitto', { output: proc.output().split('\n').slice(-3).join(' | ') });
    });
    a.client.on('message', (topic, payload) => {
      if (topic.startsWith('$SYS/broker/log/')) return onLog(payload.toString('utf8'));
      const claimId = outboundClaimId(topic);
      if (claimId !== undefined) messages.emit(claimId, topic, payload);
    });
    await a.client.subscribeAsync([LOG_TOPICS, ALL_OUTBOUND], { qos: 1 });
  };
  await wire(admin);

  credentials.setProvisioner(async (issued) => {
    if (closed) throw new BrokerError('BROKER_CLOSED', 'the broker is closed');
    await admin.dynsec(provisionCommands(issued, refusing), ['Role already exists']);
    unused.set(issued.username, clock.setTimeout(() => retire(issued.username), credentials.ttlMs));
  });

  const host = deps.host.includes(':') ? `[${deps.host}]` : deps.host;
  return {
    kind: 'mosquitto',
    endpoint: `wss://${host}:${layout.wsPort}/mqtt`,
    get pid() {
      return proc.pid;
    },
    async crash() {
      crashed = true;
      await proc.kill();
      await admin.close();
      sessions.clear();
      logger.info('dev cloud broker: mosquitto killed (SIGKILL)');
    },
    async restart() {
      proc = await startMosquittoProcess(binary, layout.confPath, logger);
      admin = await connectAdmin();
      await wire(admin);
      crashed = false;
      logger.info('dev cloud broker: mosquitto restarted', { pid: proc.pid });
    },
    connectedNodes: () => [...sessions.keys()].sort(),
    async publishToNode(claimId, messageType, payload) {
      if (closed) throw new BrokerError('BROKER_CLOSED', 'the broker is closed');
      await admin.client.publishAsync(inboundTopic(claimId, messageType), Buffer.from(payload), { qos: 1 });
    },
    onAgentMessage: (listener) => messages.add(listener),
    async dropAll() {
      const users = [...sessions.values()];
      sessions.clear();
      await admin.dynsec(users.map((username) => ({ command: 'deleteClient', username })), ['Client not found']);
      for (const username of users) credentials.revoke(username);
    },
    async setRefusing(value) {
      refusing = value;
      const command = value ? 'disableClient' : 'enableClient';
      await admin.dynsec([...unused.keys()].map((username) => ({ command, username })), ['Client not found']);
    },
    async close() {
      if (closed) return;
      closed = true;
      credentials.setProvisioner(null);
      for (const timer of unused.values()) clock.clearTimeout(timer);
      unused.clear();
      await admin.close();
      await proc.stop();
    },
  };
}
