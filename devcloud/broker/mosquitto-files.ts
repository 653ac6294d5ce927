/**
 * Mosquitto's files in `<stateDir>/mosquitto/`: where the binary and the dynamic-security plugin are,
 * the generated `mosquitto.conf` and the initial `dynsec.json` (an admin client for the cloud itself).
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { access, constants, mkdir, readdir, writeFile } from 'node:fs/promises';
import { isIPv4, isIPv6 } from 'node:net';
import { delimiter, join } from 'node:path';
import { freePort } from '../free-port.js';
import { BrokerError } from './types.js';

export const MOSQUITTO_PACKAGE_HINT = 'install the Debian package "mosquitto" (apt-get install -y mosquitto), or set MOSQUITTO_BIN / MOSQUITTO_DYNSEC_PLUGIN';
const PLUGIN_FILE = 'mosquitto_dynamic_security.so';
/** Topic aliases an MQTT 5 client may create on the agents' listener (mosquitto's maximum). */
export const MAX_TOPIC_ALIAS = 65_535;

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(() => true, () => false);
}

async function readable(path: string): Promise<boolean> {
  return access(path, constants.R_OK).then(() => true, () => false);
}

/** The mosquitto binary and its dynamic-security plugin, or BROKER_MISSING. */
export async function findMosquitto(env: NodeJS.ProcessEnv = process.env): Promise<{ binary: string; plugin: string }> {
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin'].filter((d) => d !== '');
  let binary = env.MOSQUITTO_BIN;
  if (binary === undefined) {
    for (const dir of dirs) {
      if (await executable(join(dir, 'mosquitto'))) {
        binary = join(dir, 'mosquitto');
        break;
      }
    }
  }
  if (binary === undefined || !(await executable(binary))) throw new BrokerError('BROKER_MISSING', `mosquitto is not installed: ${MOSQUITTO_PACKAGE_HINT}`);
  const plugin = env.MOSQUITTO_DYNSEC_PLUGIN ?? (await findPlugin());
  if (plugin === undefined || !(await readable(plugin))) {
    throw new BrokerError('BROKER_MISSING', `mosquitto's dynamic-security plugin (${PLUGIN_FILE}) is missing: ${MOSQUITTO_PACKAGE_HINT}`);
  }
  return { binary, plugin };
}

async function findPlugin(): Promise<string | undefined> {
  const candidates = ['/usr/lib', '/usr/local/lib', '/usr/lib64', '/usr/lib/mosquitto'].map((d) => join(d, PLUGIN_FILE));
  for (const lib of ['/usr/lib', '/usr/local/lib']) {
    const entries = await readdir(lib, { withFileTypes: true }).catch(() => []);
    for (const e of entries) if (e.isDirectory() && e.name.endsWith('-linux-gnu')) candidates.push(join(lib, e.name, PLUGIN_FILE));
  }
  for (const c of candidates) if (await readable(c)) return c;
  return undefined;
}

export interface MosquittoLayout {
  readonly dir: string;
  readonly confPath: string;
  readonly dynsecPath: string;
  readonly plainPort: number;
  readonly wsPort: number;
  readonly adminUser: string;
  readonly adminPassword: string;
}

/** Mosquitto's dynsec password hash: PBKDF2-SHA512, 101 iterations, 64 bytes, base64 (as mosquitto_ctrl writes it). */
function dynsecPassword(password: string): { password: string; salt: string; iterations: number } {
  const salt = randomBytes(12);
  return { password: pbkdf2Sync(password, salt, 101, 64, 'sha512').toString('base64'), salt: salt.toString('base64'), iterations: 101 };
}

function initialDynsec(adminUser: string, adminPassword: string): unknown {
  const all = (topic: string) => ['publishClientSend', 'publishClientReceive', 'subscribePattern', 'unsubscribePattern'].map((acltype) => ({ acltype, topic, allow: true }));
  return {
    clients: [{ username: adminUser, textName: 'dev cloud admin', ...dynsecPassword(adminPassword), roles: [{ rolename: 'cloud-admin' }] }],
    roles: [{ rolename: 'cloud-admin', acls: [...all('$CONTROL/dynamic-security/#'), ...all('$SYS/#'), ...all('#')] }],
    defaultACLAccess: { publishClientSend: false, publishClientReceive: true, subscribe: false, unsubscribe: true },
  };
}

/**
 * libwebsockets (mosquitto's WebSocket listeners) built with IPv6 looks the listener's IPv4 address up
 * among the interfaces' IPv6 addresses, finds nothing, and then listens on every interface (`*:port`).
 * `socket_domain ipv4` turns IPv6 off for that listener, so an IPv4 address binds as written; an IPv6
 * address binds as written already. (`bind_interface lo` does not help: checked with mosquitto 2.0.11.)
 */
export function websocketsBinding(host: string): string[] {
  if (isIPv4(host)) return ['socket_domain ipv4'];
  if (isIPv6(host)) return ['socket_domain ipv6'];
  throw new BrokerError('BROKER_START_FAILED', `mosquitto's WebSocket listener needs an IP address, not "${host}"`);
}

/**
 * Writes a fresh configuration. The broker runs as the current user (`user root` when root: the files
 * stay inside the 0700 state dir, and both listeners are bound to loopback / the cloud's host only).
 */
export async function writeMosquittoFiles(options: {
  readonly stateDir: string;
  readonly host: string;
  readonly plugin: string;
  readonly certPath: string;
  readonly keyPath: string;
}): Promise<MosquittoLayout> {
  const binding = websocketsBinding(options.host);
  const dir = join(options.stateDir, 'mosquitto');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const layout: MosquittoLayout = {
    dir,
    confPath: join(dir, 'mosquitto.conf'),
    dynsecPath: join(dir, 'dynsec.json'),
    plainPort: await freePort('127.0.0.1'),
    wsPort: await freePort(options.host),
    adminUser: 'cloud-admin',
    adminPassword: randomBytes(24).toString('base64url'),
  };
  await writeFile(layout.dynsecPath, JSON.stringify(initialDynsec(layout.adminUser, layout.adminPassword), null, 2), { mode: 0o600 });
  const conf = [
    '# generated by the dev cloud on every start: edits are lost',
    'per_listener_settings false',
    'allow_anonymous false',
    'persistence false',
    'connection_messages true',
    'log_timestamp false',
    'log_dest stderr',
    'log_dest topic',
    ...['error', 'warning', 'notice', 'information'].map((t) => `log_type ${t}`),
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    `plugin ${options.plugin}`,
    `plugin_opt_config_file ${layout.dynsecPath}`,
    '# plain listener: the cloud\'s own admin client',
    `listener ${layout.plainPort} 127.0.0.1`,
    '# the agents: MQTT over secure WebSockets with the dev cloud\'s certificate',
    `listener ${layout.wsPort} ${options.host}`,
    'protocol websockets',
    ...binding,
    // The Netdata agent gives every listed topic an MQTT 5 topic alias (21 here) whatever CONNACK
    // says (aclk.c mqtt_connected_actions); mosquitto's default of 10 disconnects it with 0x94.
    `max_topic_alias ${MAX_TOPIC_ALIAS}`,
    `certfile ${options.certPath}`,
    `keyfile ${options.keyPath}`,
    '',
  ].join('\n');
  await writeFile(layout.confPath, conf, { mode: 0o600 });
  return layout;
}
